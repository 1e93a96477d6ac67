package fill

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPinnedRow runs the pinned experiment (PinnedRowSHA256: the default
// task list, fgd, seed 42, tune 1.3) and requires its CSV row to hash to
// the pinned value: natively, and under Node by make test-node, so the
// experiment gives the same result in WebAssembly (the page's e2e test
// checks its own CSV against the same constant).
func TestPinnedRow(t *testing.T) {
	r, err := Run(traceNodes(t), traceTasks(t, "default"), Config{Policy: "fgd", Seed: 42, Tune: DefaultTune})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, "openb_pod_list_default", []*Result{r}))
	_, row, ok := bytes.Cut(b.Bytes(), []byte("\n"))
	require.True(t, ok)
	require.Equal(t, PinnedRowSHA256, fmt.Sprintf("%x", sha256.Sum256(row)), "row: %s", row)
}
