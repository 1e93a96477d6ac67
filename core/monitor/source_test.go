package monitor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The monitor learns only what travels the network: it never reads the
// actual view nor the hardware's state, cables or inputs. (The partition
// test in core/sim shows the consequence: actual says working, observed
// says unavailable.)
func TestMonitorNeverReadsActual(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, forbidden := range []string{".Actual.", "].State", "].Ports", ".Powered", ".Connected", "TimerDue"} {
			require.NotContains(t, string(src), forbidden, "%s reads what the network does not carry", f)
		}
	}
}
