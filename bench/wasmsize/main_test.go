package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPackageOfAName(t *testing.T) {
	known := newPackages([]string{"runtime", "github.com/a/b", "github.com/a/b/c", "go/parser", "github.com/x-y/v10/pkg/app"})
	for _, c := range []struct{ name, want string }{
		{"runtime.mallocgc", "runtime"},
		{"github.com_a_b.F", "github.com/a/b"},
		{"github.com_a_b.__T_.M", "github.com/a/b"},
		{"github.com_a_b_c.F", "github.com/a/b/c"}, // the longest known path wins
		{"github.com_x_y_v10_pkg_app.Div", "github.com/x-y/v10/pkg/app"},
		{"go_parser.ParseExprFrom", "go/parser"},
		{"type_.eq.github.com_a_b.T", "(type_)"}, // no package: grouped by its prefix
		{"nodot", "(nodot)"},
	} {
		require.Equal(t, c.want, known.of(c.name), c.name)
	}
}

// wasmModule assembles a module with one imported function, two defined
// ones named f0 and f1 (bodies of 2 and 4 bytes), and a name section if
// names.
func wasmModule(withNames bool) []byte {
	sec := func(id byte, body ...byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	b := []byte("\x00asm\x01\x00\x00\x00")
	b = append(b, sec(2, 1, 1, 'm', 1, 'f', 0, 0)...)          // import m.f, a function of type 0
	b = append(b, sec(10, 2, 2, 0, 0x0b, 4, 0, 1, 1, 0x0b)...) // two bodies of 2 and 4 bytes
	names := []byte{2, 1, 2, 'f', '0', 2, 2, 'f', '1'}         // function indices 1 and 2 (0 is the import)
	custom := append([]byte{4, 'n', 'a', 'm', 'e', 1, byte(len(names))}, names...)
	if withNames {
		b = append(b, sec(0, custom...)...)
	}
	return b
}

func TestParse(t *testing.T) {
	m, err := parse(wasmModule(true))
	require.NoError(t, err)
	require.Equal(t, []fn{{"f0", 2}, {"f1", 4}}, m.funcs)
	require.Equal(t, 11, m.sections["code"]) // id, size, count, two sized bodies

	_, err = parse(wasmModule(false))
	require.ErrorContains(t, err, "no name section")
	_, err = parse([]byte("hello"))
	require.ErrorContains(t, err, "not a WebAssembly binary")
	b := wasmModule(true)
	_, err = parse(b[:len(b)-3])
	require.ErrorContains(t, err, "cut short")

	var out strings.Builder
	report(&out, m, len(b), 1, newPackages(nil))
	require.Contains(t, out.String(), "(f1)")
	require.Contains(t, out.String(), "1 other packages")
}

func TestListFuncs(t *testing.T) {
	m := module{funcs: []fn{{"slices.a", 2}, {"runtime.x", 9}, {"slices.b", 5}, {"slices.c", 5}}}
	var out strings.Builder
	listFuncs(&out, m, "slices.", 2)
	require.Equal(t, "           5  slices.b\n           5  slices.c\n          12  3 functions named slices.*\n", out.String())
}
