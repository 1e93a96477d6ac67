package rng

import "math"

// Exp draws from the exponential distribution with the given mean, in
// whole ticks (rounded down, so a mean below one can give 0). It uses Ln,
// not math.Log, because math.Log is written in assembly on amd64 and may
// differ in the last bit from the pure-Go version wasm runs: one differing
// draw would fork a simulation.
func (r *Source) Exp(mean float64) int64 {
	if mean <= 0 {
		return 0
	}
	u := float64(r.Unit53()) / (1 << 53) // (0, 1]
	x := -mean * Ln(u)
	if x >= 1<<62 {
		return 1 << 62
	}
	return int64(x)
}

// Ln is the natural logarithm computed with portable arithmetic only (the
// FreeBSD e_log.c method that Go's own pure-Go math.Log uses), so it gives
// the same bits on every platform. It handles the finite positive numbers
// the simulation feeds it; 0 gives -Inf and negatives NaN.
func Ln(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // 3fe62e42 fee00000
		ln2Lo = 1.90821492927058770002e-10 // 3dea39ef 35793c76
		L1    = 6.666666666666735130e-01   // 3FE55555 55555593
		L2    = 3.999999999940941908e-01   // 3FD99999 9997FA04
		L3    = 2.857142874366239149e-01   // 3FD24924 94229359
		L4    = 2.222219843214978396e-01   // 3FCC71C5 1D8E78AF
		L5    = 1.818357216161805012e-01   // 3FC74664 96CB03DE
		L6    = 1.531383769920937332e-01   // 3FC39A09 D078C69F
		L7    = 1.479819860511658591e-01   // 3FC2F112 DF3E5244
	)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	f1, ki := math.Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := s2 * (L1 + s4*(L3+s4*(L5+s4*L7)))
	t2 := s4 * (L2 + s4*(L4+s4*L6))
	R := t1 + t2
	hfsq := 0.5 * f * f
	return k*ln2Hi - ((hfsq - (s*(hfsq+R) + k*ln2Lo)) - f)
}
