package inventory

import (
	goparser "go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The core stays free of effects: no clock, no randomness, no I/O, no
// browser. Only tests may read files (their testdata).
func TestPackageImportsNoEffects(t *testing.T) {
	forbidden := []string{"time", "math/rand", "math/rand/v2", "os", "io/fs", "net", "net/http", "syscall", "syscall/js",
		"unsafe", "github.com/maxence-charriere/go-app/v10/pkg/app"}
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	fset := token.NewFileSet()
	checked := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(fset, name, nil, goparser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			require.False(t, slices.Contains(forbidden, path), "%s imports %s", name, path)
		}
		checked++
	}
	require.NotZero(t, checked)
}
