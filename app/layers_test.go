//go:build !(js && wasm)

package app

import (
	"go/build"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The packages under app/ other than app itself hold no UI and no browser
// code: the IndexedDB adapter imports storage without linking the page,
// and the log's and the charts' models are tested natively.
func TestSubpackagesHaveNoUI(t *testing.T) {
	forbidden := []string{"github.com/maxence-charriere/go-app/v10/pkg/app", "syscall/js", "github.com/cloudchamber/cloudchamber/app"}
	for _, dir := range []string{"storage", "logtree", "chart"} {
		pkg, err := build.ImportDir(dir, 0)
		require.NoError(t, err, dir)
		for _, imp := range pkg.Imports {
			assert.False(t, slices.Contains(forbidden, imp), "app/%s imports %s", dir, imp)
		}
	}
}
