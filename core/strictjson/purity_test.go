package strictjson

import (
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The core has no effects: no clock, no randomness, no I/O, no browser.
func TestImportsNoEffects(t *testing.T) {
	forbidden := []string{"time", "os", "io/fs", "math/rand", "math/rand/v2", "net", "net/http", "syscall", "syscall/js", "unsafe"}
	files, err := os.ReadDir(".")
	require.NoError(t, err)
	checked := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f.Name(), nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			require.False(t, slices.Contains(forbidden, path), "%s imports %s", f.Name(), path)
		}
		checked++
	}
	require.NotZero(t, checked)
}
