package scoring

// The compiler as it was before parse.go: go/parser builds the tree, and
// this walks it. It is the oracle the hand-written parser is checked
// against (TestParserMatchesGoParser, FuzzParserMatchesGoParser): the same
// inputs accepted, the same compiled nodes, comparable errors.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func goCompile(name, text string, want kind) (*Expr, error) {
	if strings.TrimSpace(text) == "" {
		return nil, &Error{Expr: name, Msg: "empty expression"}
	}
	if len(text) > TextMax {
		return nil, &Error{Expr: name, Msg: fmt.Sprintf("%d bytes, at most %d", len(text), TextMax)}
	}
	if strings.ContainsAny(text, "\n\r") {
		return nil, &Error{Expr: name, Msg: "an expression is one line"}
	}
	fset := token.NewFileSet()
	tree, err := parser.ParseExprFrom(fset, "", text, 0)
	if err != nil {
		col := 0
		msg := err.Error()
		if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
			col, msg = list[0].Pos.Column, list[0].Msg
		}
		return nil, &Error{Expr: name, Col: runeCol(text, col), Msg: "syntax: " + msg}
	}
	c := &goCompiler{e: &Expr{name: name, text: text}, fset: fset}
	root, k, err := c.expr(tree)
	if err != nil {
		return nil, err
	}
	if k != want {
		return nil, &Error{Expr: name, Col: 1, Msg: fmt.Sprintf("the %s must be %s, this is %s", name, want, k)}
	}
	c.e.root, c.e.kind = root, k
	return c.e, nil
}

type goCompiler struct {
	e    *Expr
	fset *token.FileSet
}

func (c *goCompiler) col(n ast.Node) int32 {
	return int32(runeCol(c.e.text, c.fset.Position(n.Pos()).Column))
}

func (c *goCompiler) fail(n ast.Node, format string, args ...any) error {
	return &Error{Expr: c.e.name, Col: int(c.col(n)), Msg: fmt.Sprintf(format, args...)}
}

func (c *goCompiler) add(n ast.Node, o op, val int64, args ...int32) (int32, error) {
	return c.addAt(c.col(n), o, val, args...)
}

// addAt adds a node at column col: an operator's own column, so an
// evaluation error points at the / that divided by zero.
func (c *goCompiler) addAt(col int32, o op, val int64, args ...int32) (int32, error) {
	if len(c.e.nodes) >= NodesMax {
		return 0, &Error{Expr: c.e.name, Col: int(col), Msg: fmt.Sprintf("more than %d parts: the cost limit (split the work, or simplify)", NodesMax)}
	}
	c.e.nodes = append(c.e.nodes, node{op: o, col: col, val: val, args: args})
	return int32(len(c.e.nodes) - 1), nil
}

func (c *goCompiler) expr(n ast.Expr) (int32, kind, error) {
	switch n := n.(type) {
	case *ast.ParenExpr:
		return c.expr(n.X)
	case *ast.BasicLit:
		if n.Kind != token.INT {
			return 0, 0, c.fail(n, "only integers: %s is not one (no floats, strings or characters)", n.Value)
		}
		v, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			return 0, 0, c.fail(n, "%s does not fit in 64 bits", n.Value)
		}
		i, err := c.add(n, opConst, v)
		return i, kInt, err
	case *ast.Ident:
		switch n.Name {
		case "true", "false":
			v := int64(0)
			if n.Name == "true" {
				v = 1
			}
			i, err := c.add(n, opConst, v)
			return i, kBool, err
		}
		return 0, 0, c.unknown(n, n.Name)
	case *ast.SelectorExpr:
		name := goSelectorName(n)
		for v, vn := range varNames {
			if vn == name {
				i, err := c.add(n, opVar, int64(v))
				return i, kInt, err
			}
		}
		return 0, 0, c.unknown(n, name)
	case *ast.UnaryExpr:
		x, k, err := c.expr(n.X)
		if err != nil {
			return 0, 0, err
		}
		switch n.Op {
		case token.SUB:
			if err := c.need(n.X, k, kInt, "-"); err != nil {
				return 0, 0, err
			}
			i, err := c.add(n, opNeg, 0, x)
			return i, kInt, err
		case token.ADD:
			return x, k, c.need(n.X, k, kInt, "+")
		case token.NOT:
			if err := c.need(n.X, k, kBool, "!"); err != nil {
				return 0, 0, err
			}
			i, err := c.add(n, opNot, 0, x)
			return i, kBool, err
		}
		return 0, 0, c.fail(n, "operator %s is not supported", n.Op)
	case *ast.BinaryExpr:
		return c.binary(n)
	case *ast.CallExpr:
		return c.call(n)
	}
	return 0, 0, c.fail(n, "not supported here: only numbers, names, operators, min, max and abs")
}

var goBinOps = map[token.Token]op{
	token.ADD: opAdd, token.SUB: opSub, token.MUL: opMul, token.QUO: opQuo, token.REM: opRem,
	token.EQL: opEq, token.NEQ: opNe, token.LSS: opLt, token.LEQ: opLe, token.GTR: opGt, token.GEQ: opGe,
	token.LAND: opAnd, token.LOR: opOr,
}

func (c *goCompiler) binary(n *ast.BinaryExpr) (int32, kind, error) {
	opCol := int32(runeCol(c.e.text, c.fset.Position(n.OpPos).Column))
	o, ok := goBinOps[n.Op]
	if !ok {
		return 0, 0, &Error{Expr: c.e.name, Col: int(opCol), Msg: fmt.Sprintf("operator %s is not supported", n.Op)}
	}
	x, kx, err := c.expr(n.X)
	if err != nil {
		return 0, 0, err
	}
	y, ky, err := c.expr(n.Y)
	if err != nil {
		return 0, 0, err
	}
	opName := n.Op.String()
	var res kind
	switch o {
	case opAdd, opSub, opMul, opQuo, opRem:
		err, res = c.both(n, kx, ky, kInt, opName), kInt
	case opLt, opLe, opGt, opGe:
		err, res = c.both(n, kx, ky, kInt, opName), kBool
	case opEq, opNe:
		if kx != ky {
			err = c.fail(n, "%s compares %s with %s", opName, kx, ky)
		}
		res = kBool
	case opAnd, opOr:
		err, res = c.both(n, kx, ky, kBool, opName), kBool
	}
	if err != nil {
		return 0, 0, err
	}
	i, err := c.addAt(opCol, o, 0, x, y)
	return i, res, err
}

func (c *goCompiler) call(n *ast.CallExpr) (int32, kind, error) {
	fn, ok := n.Fun.(*ast.Ident)
	if !ok {
		return 0, 0, c.fail(n.Fun, "only min, max and abs can be called")
	}
	var o op
	switch fn.Name {
	case "min":
		o = opMin
	case "max":
		o = opMax
	case "abs":
		o = opAbs
	default:
		return 0, 0, c.fail(fn, "unknown function %s (known: min, max, abs)", fn.Name)
	}
	if n.Ellipsis.IsValid() {
		return 0, 0, c.fail(n, "... is not supported")
	}
	switch {
	case o == opAbs && len(n.Args) != 1:
		return 0, 0, c.fail(n, "abs takes one argument, got %d", len(n.Args))
	case o != opAbs && len(n.Args) < 2:
		return 0, 0, c.fail(n, "%s takes two or more arguments, got %d", fn.Name, len(n.Args))
	}
	args := make([]int32, 0, len(n.Args))
	for _, a := range n.Args {
		x, k, err := c.expr(a)
		if err != nil {
			return 0, 0, err
		}
		if err := c.need(a, k, kInt, fn.Name); err != nil {
			return 0, 0, err
		}
		args = append(args, x)
	}
	i, err := c.add(n, o, 0, args...)
	return i, kInt, err
}

func (c *goCompiler) need(n ast.Node, got, want kind, what string) error {
	if got != want {
		return c.fail(n, "%s needs %s, this is %s", what, want, got)
	}
	return nil
}

func (c *goCompiler) both(n *ast.BinaryExpr, kx, ky, want kind, what string) error {
	if err := c.need(n.X, kx, want, what); err != nil {
		return err
	}
	return c.need(n.Y, ky, want, what)
}

func (c *goCompiler) unknown(n ast.Node, name string) error {
	return c.fail(n, "unknown name %s (known: %s, true, false)", name, strings.Join(varNames[:], ", "))
}

// selectorName spells a.b.c, or "" if n is not made of names.
func goSelectorName(n ast.Expr) string {
	switch n := n.(type) {
	case *ast.Ident:
		return n.Name
	case *ast.SelectorExpr:
		if x := goSelectorName(n.X); x != "" {
			return x + "." + n.Sel.Name
		}
	}
	return ""
}

// sameCompile checks compile against goCompile on one text, as a score
// and as a filter: both accept it or both refuse it; accepted, the nodes
// are the same (so every evaluation is); refused, both errors name a
// column or neither does, and where both are about meaning rather than
// syntax they are the same error. It returns whether it was accepted.
func sameCompile(t *testing.T, text string) bool {
	t.Helper()
	accepted := false
	for _, want := range []kind{kInt, kBool} {
		name := map[kind]string{kInt: "score", kBool: "filter"}[want]
		got, err := compile(name, text, want)
		wantE, wantErr := goCompile(name, text, want)
		if wantErr != nil {
			require.Error(t, err, "%s %q: go/parser refuses it (%v)", name, text, wantErr)
			var e, we *Error
			require.ErrorAs(t, err, &e)
			require.ErrorAs(t, wantErr, &we)
			require.Equal(t, we.Col == 0, e.Col == 0, "%q: %v, go/parser: %v", text, err, wantErr)
			if !syntaxLike(e) && !syntaxLike(we) {
				require.Equal(t, wantErr.Error(), err.Error(), "%q", text)
			}
			continue
		}
		require.NoError(t, err, "%s %q: go/parser accepts it", name, text)
		require.Equal(t, wantE.nodes, got.nodes, "%q", text)
		require.Equal(t, wantE.root, got.root, "%q", text)
		require.Equal(t, wantE.kind, got.kind, "%q", text)
		accepted = true
	}
	return accepted
}

// syntaxLike says an error is about the text's form: a syntax error, or
// one the parsers may meet in a different order from a syntax error.
func syntaxLike(e *Error) bool {
	return strings.HasPrefix(e.Msg, "syntax:") || strings.HasPrefix(e.Msg, "not supported here") ||
		strings.HasPrefix(e.Msg, "operator ") || strings.Contains(e.Msg, "is not one") ||
		strings.Contains(e.Msg, "does not fit")
}

// soupTokens are what texts are made of in TestParserMatchesGoParser:
// ours, Go's other tokens and literals, malformed numbers, comments and
// characters Go refuses.
var soupTokens = []string{
	"blade.free_cores", "request.cores", "blade.instances", "blade", ".", "free_cores", "cores", "request",
	"true", "false", "min", "max", "abs", "sqrt", "x", "_", "func", "nil",
	"0", "1", "42", "0x1F", "0X1e", "0o17", "017", "0_17", "09", "0b101", "0B1", "1_000", "1__0", "0x", "0x_1", "1_",
	"1.5", ".5", "1.", "1e3", "1e+3", "0x1p4", "0x1e+3", "1i", "0x1p-2i",
	"9223372036854775807", "9223372036854775808", "99999999999999999999", "0x8000000000000000",
	`"a"`, `"\""`, "'c'", "`r`", `"open`,
	"+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!",
	"^", "&", "|", "<<", ">>", "&^", "<-", "~", "++", "--", "+=", "=", ":=",
	"(", ")", "(", ")", ",", "...", "[", "]", "{", "}", ";", ":",
	"/* c */", "/**/", "// c", "/* open", " ", "\t", "«", "é", "\x00", "\xff", "#", "\uFEFF", "\f",
}

func soup(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(10) {
		b.WriteString(soupTokens[r.IntN(len(soupTokens))])
		if r.IntN(2) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// genAny writes a random expression of either kind, well formed or
// nearly: what gen writes, comparisons, && and ||, !, calls with a
// trailing comma, comments.
func genAny(r *rand.Rand, d int) string {
	if d == 0 || r.IntN(5) == 0 {
		return []string{"true", "false", "blade.cores", "blade . rack", "request./**/cores", "3", "0x10", "-1", "(7)"}[r.IntN(9)]
	}
	x, y := genAny(r, d-1), genAny(r, d-1)
	switch r.IntN(10) {
	case 0:
		return "!" + x
	case 1:
		return "max(" + x + ", " + y + ",)"
	case 2:
		return "abs(" + x + ")"
	case 3:
		return "(" + x + ") /* c */"
	case 4:
		return gen(r, d-1)
	}
	bin := []string{"+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "<<", "&"}
	return x + " " + bin[r.IntN(len(bin))] + " " + y
}

// mutate inserts, deletes or replaces a token-sized piece of s.
func mutate(r *rand.Rand, s string) string {
	if s == "" {
		return soup(r)
	}
	i := r.IntN(len(s) + 1)
	j := min(len(s), i+r.IntN(4))
	switch r.IntN(3) {
	case 0:
		return s[:i] + soupTokens[r.IntN(len(soupTokens))] + s[i:]
	case 1:
		return s[:i] + s[j:]
	}
	return s[:i] + soupTokens[r.IntN(len(soupTokens))] + s[j:]
}

// The hand-written parser accepts what go/parser (with the compiler's
// checks) accepted, compiles it to the same nodes, and refuses the rest
// with a comparable error.
func TestParserMatchesGoParser(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 4))
	accepted, refused := 0, 0
	for i := range 60000 {
		var s string
		switch i % 4 {
		case 0:
			s = soup(r)
		case 1:
			s = genAny(r, 4)
		default:
			s = mutate(r, genAny(r, 3))
		}
		if sameCompile(t, s) {
			accepted++
		} else {
			refused++
		}
	}
	t.Logf("%d accepted, %d refused", accepted, refused)
	require.Greater(t, accepted, 5000)
	require.Greater(t, refused, 10000)
}

// The same check on texts the fuzzer writes.
func FuzzParserMatchesGoParser(f *testing.F) {
	for _, s := range []string{
		"blade.free_cores * 1000 / blade.cores - 10 * blade.instances",
		"blade.instances < 8 && blade.free_memory_mb - request.memory_mb >= 2048",
		"min(abs(-9223372036854775807 - 1), 3,) % 0",
		"1--2", "1<-2", "\uFEFF1 // c", "blade /* x */ . cores", "0x1e+3", "1 + «",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameCompile(t, s) })
}
