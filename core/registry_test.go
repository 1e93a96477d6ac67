package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNumbersComeFromTheRegistry reads every Go file (tests aside) under
// core/ and requires every random stream and every event subsystem to be
// one of package registry's names, never a number written on the spot:
// rng.New(seed, registry.StreamX) or rng.New(seed, rng.Derive(registry.StreamX, i)),
// and clock.MakeKind(Subsystem, n) in a package whose Subsystem is
// registry.SubsystemX. Two packages numbering their own could collide.
func TestNumbersComeFromTheRegistry(t *testing.T) {
	isRegistry := func(e ast.Expr, prefix string) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := sel.X.(*ast.Ident)
		return ok && pkg.Name == "registry" && strings.HasPrefix(sel.Sel.Name, prefix)
	}
	isCall := func(e ast.Expr, pkg, fn string) (*ast.CallExpr, bool) {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			return nil, false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return nil, false
		}
		x, ok := sel.X.(*ast.Ident)
		return call, ok && x.Name == pkg && sel.Sel.Name == fn
	}
	news, kinds := 0, 0
	subsystems := map[string]bool{} // package dir → declares Subsystem from the registry
	makers := map[string][]string{} // package dir → positions of MakeKind calls
	err := walkCoreSources(func(path string) error {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		dir := filepath.Dir(path)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if name.Name == "Subsystem" && i < len(n.Values) {
						require.True(t, isRegistry(n.Values[i], "Subsystem"), "%s: Subsystem must be one of registry's", fset.Position(n.Pos()))
						subsystems[dir] = true
					}
				}
			case *ast.CallExpr:
				if call, ok := isCall(n, "rng", "New"); ok && dir != "rng" {
					news++
					stream := call.Args[1]
					if derive, ok := isCall(stream, "rng", "Derive"); ok {
						stream = derive.Args[0]
					}
					require.True(t, isRegistry(stream, "Stream"), "%s: rng.New's stream must be registry.Stream… or rng.Derive(registry.Stream…, item)", fset.Position(n.Pos()))
				}
				if call, ok := isCall(n, "clock", "MakeKind"); ok {
					kinds++
					id, ok := call.Args[0].(*ast.Ident)
					require.True(t, ok && id.Name == "Subsystem", "%s: clock.MakeKind's subsystem must be the package's Subsystem", fset.Position(n.Pos()))
					makers[dir] = append(makers[dir], fset.Position(n.Pos()).String())
				}
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	for dir, at := range makers {
		require.True(t, subsystems[dir], "%s makes event kinds (%s) without a Subsystem from the registry", dir, at[0])
	}
	require.GreaterOrEqual(t, news, 4, "the rng.New calls were found")
	require.GreaterOrEqual(t, kinds, 6, "the clock.MakeKind calls were found")
	require.Len(t, subsystems, 6, "every subsystem's package was read: %v", subsystems)
}
