package sweep

import "math"

// Interval is a sample's mean and its 95 % confidence interval, from
// Student's t distribution with n-1 degrees of freedom:
// mean ± t(0.975, n-1) · s / √n, s the sample standard deviation. Low and
// High are nil when n < 2 (one value has no spread to go by).
type Interval struct {
	N    int      `json:"n"`
	Mean float64  `json:"mean"`
	Low  *float64 `json:"ci95_low"`
	High *float64 `json:"ci95_high"`
}

// interval computes an Interval over xs, in their order, with only
// additions, multiplications, divisions and a square root: the same
// values give the same bits on every platform, so a sweep's summary is
// identical however its runs were split. n = 0 gives the zero Interval.
func interval(xs []float64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{}
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	iv := Interval{N: n, Mean: mean}
	if n < 2 {
		return iv
	}
	var ss float64
	for _, x := range xs {
		d := x - mean
		ss += d * d
	}
	half := t975(n-1) * math.Sqrt(ss/float64(n-1)/float64(n))
	lo, hi := mean-half, mean+half
	iv.Low, iv.High = &lo, &hi
	return iv
}

// t975Table is t(0.975, df) for df = 1..30, Student's t distribution's
// 97.5th percentile (computed to 17 digits with mpmath's regularised
// incomplete beta function).
var t975Table = [...]float64{
	12.706204736174705, 4.3026527297494639, 3.1824463052837096, 2.7764451051977944, 2.5705818356363155,
	2.44691185114497, 2.3646242515927853, 2.3060041352041667, 2.2621571627982055, 2.2281388519862747,
	2.2009851600916399, 2.1788128296672289, 2.1603686564627925, 2.1447866879178038, 2.1314495455597757,
	2.1199052992212547, 2.1098155778333171, 2.1009220402410385, 2.0930240544083098, 2.0859634472658648,
	2.0796138447276804, 2.0738730679040262, 2.0686576104190487, 2.0638985616280258, 2.0595385527532977,
	2.0555294386428732, 2.0518305164802856, 2.0484071417952452, 2.0452296421327043, 2.0422724563012383,
}

// z975 is the normal distribution's 97.5th percentile.
const z975 = 1.9599639845400542

// t975 is t(0.975, df), df >= 1: the table up to 30, then the
// Cornish–Fisher expansion of t in powers of 1/df around the normal
// quantile (Abramowitz & Stegun 26.7.5, four terms), whose error is below
// 3e-8 for df > 30.
func t975(df int) float64 {
	if df <= len(t975Table) {
		return t975Table[df-1]
	}
	z := z975
	z2 := z * z
	z3 := z2 * z
	z5 := z3 * z2
	z7 := z5 * z2
	z9 := z7 * z2
	g1 := (z3 + z) / 4
	g2 := (5*z5 + 16*z3 + 3*z) / 96
	g3 := (3*z7 + 19*z5 + 17*z3 - 15*z) / 384
	g4 := (79*z9 + 776*z7 + 1482*z5 - 1920*z3 - 945*z) / 92160
	d := float64(df)
	return z + g1/d + g2/(d*d) + g3/(d*d*d) + g4/(d*d*d*d)
}
