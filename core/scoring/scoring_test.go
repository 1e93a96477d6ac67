package scoring

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func vars() *Vars {
	var v Vars
	v[BladeFreeCores], v[BladeCores], v[BladeFreeMemoryMB], v[BladeMemoryMB] = 6000, 16000, 20000, 65536
	v[BladeInstances], v[BladeRack], v[RequestCores], v[RequestMemoryMB] = 3, 2, 1500, 4096
	return &v
}

func TestEval(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want int64
	}{
		{"blade.free_cores", 6000},
		{"blade.free_cores * 1000 / blade.cores - 10 * blade.instances", 345},
		{"-blade.free_memory_mb + request.memory_mb", -15904},
		{"min(blade.free_cores, 5000, 7000)", 5000},
		{"max(1, 2, 3, -4)", 3},
		{"abs(request.cores - blade.free_cores)", 4500},
		{"(1 + 2) * 3 % 4", 1},
		{"-7 / 2", -3},
		{"-7 % 2", -1},
		{"1_000_000 + 0x10", 1_000_016},
		{"+5", 5},
	} {
		e, err := CompileScore(tc.expr)
		require.NoError(t, err, tc.expr)
		got, err := e.Int(vars())
		require.NoError(t, err, tc.expr)
		require.Equal(t, tc.want, got, tc.expr)
	}
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{"blade.instances < 8 && blade.free_memory_mb - request.memory_mb >= 2048", true},
		{"blade.rack == 2 || blade.rack == 5", true},
		{"!(blade.rack != 2)", true},
		{"true == (1 < 2)", true},
		{"false || blade.free_cores < request.cores", false},
		{"blade.free_cores / 0 > 1 && false", false}, // an error on the left stops &&: see below
	} {
		e, err := CompileFilter(tc.expr)
		require.NoError(t, err, tc.expr)
		got, err := e.Bool(vars())
		if strings.Contains(tc.expr, "/ 0") {
			require.ErrorContains(t, err, "division by zero")
			continue
		}
		require.NoError(t, err, tc.expr)
		require.Equal(t, tc.want, got, tc.expr)
	}
	// && and || do not evaluate what they do not need, as in Go.
	e, err := CompileFilter("false && blade.free_cores / 0 > 1")
	require.NoError(t, err)
	ok, err := e.Bool(vars())
	require.NoError(t, err)
	require.False(t, ok)
}

func TestEvalErrorsNameTheColumn(t *testing.T) {
	for _, tc := range []struct{ expr, err string }{
		{"blade.cores / (blade.instances - 3)", "score:1:13: division by zero: 16000 / 0"},
		{"blade.cores % (blade.instances - 3)", "score:1:13: division by zero: 16000 % 0"},
		{"9223372036854775807 + blade.instances", "score:1:21: overflow: 9223372036854775807 + 3"},
		{"-9223372036854775807 - blade.instances", "score:1:22: overflow: -9223372036854775807 - 3"},
		{"4611686018427387904 * (blade.instances - 1)", "score:1:21: overflow: 4611686018427387904 * 2"},
		{"abs(-9223372036854775807 - 1)", "score:1:1: overflow: abs(-9223372036854775808)"},
		{"-(-9223372036854775807 - 1)", "score:1:1: overflow: -(-9223372036854775808)"},
		{"(-9223372036854775807 - 1) / (blade.instances - 4)", "score:1:28: overflow: -9223372036854775808 / -1"},
	} {
		e, err := CompileScore(tc.expr)
		require.NoError(t, err, tc.expr)
		_, err = e.Int(vars())
		require.EqualError(t, err, tc.err, tc.expr)
	}
}

func TestCompileErrorsNameTheColumn(t *testing.T) {
	long := strings.Repeat("1 + ", NodesMax) + "1"
	for _, tc := range []struct {
		filter bool
		expr   string
		err    string
	}{
		{false, "", "score: empty expression"},
		{false, "blade.cpu * 2", "score:1:1: unknown name blade.cpu (known: blade.free_cores,"},
		{false, "blade.free_cores *", "score:1:19: syntax: expected operand"},
		{false, "1.5 * blade.cores", "score:1:1: only integers: 1.5 is not one"},
		{false, `"a"`, `score:1:1: only integers: "a" is not one`},
		{false, "blade.cores > 3", "score:1:1: the score must be an integer, this is a boolean"},
		{true, "blade.cores", "filter:1:1: the filter must be a boolean, this is an integer"},
		{true, "blade.cores && true", "filter:1:1: && needs a boolean, this is an integer"},
		{true, "true < false", "filter:1:1: < needs an integer, this is a boolean"},
		{true, "true == 1", "filter:1:1: == compares a boolean with an integer"},
		{false, "sqrt(blade.cores)", "score:1:1: unknown function sqrt (known: min, max, abs)"},
		{false, "min(blade.cores)", "score:1:1: min takes two or more arguments, got 1"},
		{false, "abs(1, 2)", "score:1:1: abs takes one argument, got 2"},
		{false, "blade.cores << 2", "score:1:13: operator << is not supported"},
		{false, "blade.cores[1]", "score:1:1: not supported here"},
		{false, "99999999999999999999", "score:1:1: 99999999999999999999 does not fit in 64 bits"},
		{false, "«x» + blade.cpu", "score:1:1: syntax:"},
		{false, "1 + «", "score:1:5: syntax:"},
		{false, "1 +\n2", "score: an expression is one line"},
		{false, long, fmt.Sprintf("more than %d parts: the cost limit", NodesMax)},
		{false, strings.Repeat(" ", TextMax+1), "score: empty expression"},
		{false, strings.Repeat("1", TextMax+1), fmt.Sprintf("score: %d bytes, at most %d", TextMax+1, TextMax)},
	} {
		var err error
		if tc.filter {
			_, err = CompileFilter(tc.expr)
		} else {
			_, err = CompileScore(tc.expr)
		}
		require.ErrorContains(t, err, tc.err, tc.expr)
	}
}

// gen writes a random integer expression over a few variables and small
// and huge constants, of depth at most d.
func gen(r *rand.Rand, d int) string {
	if d == 0 || r.IntN(4) == 0 {
		switch r.IntN(4) {
		case 0:
			return varNames[r.IntN(int(NumVars))]
		case 1:
			return fmt.Sprint(r.Int64N(2001) - 1000)
		case 2:
			return fmt.Sprint(int64(r.Uint64()>>1) - int64(r.IntN(2))*math.MaxInt64)
		default:
			return fmt.Sprint(r.IntN(5))
		}
	}
	switch r.IntN(8) {
	case 0:
		return "-(" + gen(r, d-1) + ")"
	case 1:
		return fmt.Sprintf("min(%s, %s)", gen(r, d-1), gen(r, d-1))
	case 2:
		return fmt.Sprintf("abs(%s)", gen(r, d-1))
	default:
		ops := []string{"+", "-", "*", "/", "%"}
		return "(" + gen(r, d-1) + " " + ops[r.IntN(len(ops))] + " " + gen(r, d-1) + ")"
	}
}

// model evaluates the same text with math/big, with Go's truncated
// division; it says "error" where the 64-bit result would overflow or
// divide by zero.
func model(t *testing.T, s string, v *Vars) (*big.Int, bool) {
	p := &bigParser{s: strings.ReplaceAll(s, " ", ""), v: v}
	x, ok := p.expr()
	if ok {
		require.Equal(t, len(p.s), p.i, "model parsed all of %q", s)
	}
	return x, ok
}

type bigParser struct {
	s string
	i int
	v *Vars
}

var lo, hi = big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)

func fits(x *big.Int) bool { return x.Cmp(lo) >= 0 && x.Cmp(hi) <= 0 }

func (p *bigParser) expr() (*big.Int, bool) {
	x, ok := p.term()
	for ok && p.i < len(p.s) && strings.ContainsRune("+-", rune(p.s[p.i])) {
		o := p.s[p.i]
		p.i++
		y, ok2 := p.term()
		if !ok2 {
			return nil, false
		}
		if o == '+' {
			x = new(big.Int).Add(x, y)
		} else {
			x = new(big.Int).Sub(x, y)
		}
		ok = fits(x)
	}
	return x, ok
}

func (p *bigParser) term() (*big.Int, bool) {
	x, ok := p.unary()
	for ok && p.i < len(p.s) && strings.ContainsRune("*/%", rune(p.s[p.i])) {
		o := p.s[p.i]
		p.i++
		y, ok2 := p.unary()
		if !ok2 {
			return nil, false
		}
		switch o {
		case '*':
			x = new(big.Int).Mul(x, y)
		case '/', '%':
			if y.Sign() == 0 {
				return nil, false
			}
			q, m := new(big.Int).QuoRem(x, y, new(big.Int))
			if o == '/' {
				x = q
			} else {
				x = m
			}
		}
		ok = fits(x)
	}
	return x, ok
}

func (p *bigParser) unary() (*big.Int, bool) {
	if p.s[p.i] == '-' {
		p.i++
		x, ok := p.unary()
		if !ok {
			return nil, false
		}
		x = new(big.Int).Neg(x)
		return x, fits(x)
	}
	return p.primary()
}

func (p *bigParser) primary() (*big.Int, bool) {
	switch {
	case p.s[p.i] == '(':
		p.i++
		x, ok := p.expr()
		if !ok {
			return nil, false
		}
		p.i++ // )
		return x, true
	case strings.HasPrefix(p.s[p.i:], "min("), strings.HasPrefix(p.s[p.i:], "abs("):
		fn := p.s[p.i : p.i+3]
		p.i += 4
		x, ok := p.expr()
		if !ok {
			return nil, false
		}
		if fn == "abs" {
			p.i++
			x = new(big.Int).Abs(x)
			return x, fits(x)
		}
		p.i++ // ,
		y, ok := p.expr()
		if !ok {
			return nil, false
		}
		p.i++
		if x.Cmp(y) > 0 {
			x = y
		}
		return x, true
	case p.s[p.i] >= '0' && p.s[p.i] <= '9':
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		x, _ := new(big.Int).SetString(p.s[p.i:j], 10)
		p.i = j
		return x, true
	}
	for v, name := range varNames {
		if strings.HasPrefix(p.s[p.i:], name) {
			p.i += len(name)
			return big.NewInt(p.v[v]), true
		}
	}
	panic("model: cannot parse " + p.s[p.i:])
}

// Random expressions evaluate as exact arithmetic does, and fail exactly
// where exact arithmetic leaves 64 bits or divides by zero. (The model
// stops at the first operation that overflows, as evaluation does.)
func TestEvalMatchesExactArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	checked := 0
	for range 20000 {
		s := gen(r, 4)
		e, err := CompileScore(s)
		if err != nil {
			require.ErrorContains(t, err, "does not fit in 64 bits", s) // a literal at the edge: -9223372036854775808 is -(9223372036854775808)
			continue
		}
		var v Vars
		for i := range v {
			v[i] = r.Int64N(100_000) - 50_000
		}
		got, err := e.Int(&v)
		want, ok := model(t, s, &v)
		if !ok {
			require.Error(t, err, s)
			continue
		}
		require.NoError(t, err, s)
		require.Equal(t, want.Int64(), got, s)
		checked++
	}
	require.Greater(t, checked, 5000)
}

// Expressions come from users: no text panics the compiler, and what it
// accepts evaluates without panicking.
func FuzzCompile(f *testing.F) {
	f.Add("blade.free_cores * 1000 / blade.cores - 10 * blade.instances")
	f.Add("blade.instances < 8 && blade.free_memory_mb - request.memory_mb >= 2048")
	f.Add("min(abs(-9223372036854775807 - 1), 3) % 0")
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []func(string) (*Expr, error){CompileScore, CompileFilter} {
			e, err := c(s)
			if err != nil {
				require.Contains(t, err.Error(), ":")
				continue
			}
			require.LessOrEqual(t, len(e.nodes), NodesMax)
			_, _ = e.Int(vars())
		}
	})
}
