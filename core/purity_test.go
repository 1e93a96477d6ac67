package core

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCoreHasNoEffects reads the imports of every Go file (tests aside)
// of every package under core/ and refuses the clock, global randomness,
// I/O and the browser. (io/fs is allowed: the built-in scenarios are read
// from an embed.FS compiled into the binary.)
func TestCoreHasNoEffects(t *testing.T) {
	forbidden := []string{"time", "math/rand", "math/rand/v2", "os", "os/exec", "io/ioutil", "net", "net/http",
		"syscall", "syscall/js", "unsafe", "runtime", "github.com/maxence-charriere/go-app/v10/pkg/app",
		"github.com/hack-pad/go-indexeddb/idb"}
	packages := map[string]bool{}
	err := walkCoreSources(func(path string) error {
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			require.False(t, slices.Contains(forbidden, p), "%s imports %s: the core has no effects", path, p)
		}
		packages[filepath.Dir(path)] = true
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, len(packages), 15, "every package under core/ was read: %v", packages)
}

// walkCoreSources calls fn with the path of every Go file under core/,
// tests and testdata aside: what the core-wide source tests read.
func walkCoreSources(fn func(path string) error) error {
	return filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		return fn(path)
	})
}
