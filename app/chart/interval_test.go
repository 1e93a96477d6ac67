package chart

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIntervalsAxisSpansMeansAndIntervals(t *testing.T) {
	rows := []Estimate{
		{Name: "first-fit", Baseline: true, N: 5, Mean: 0.978, Low: 0.975, High: 0.981, HasInterval: true},
		{Name: "spread", N: 5, Mean: 0.984, Low: 0.979, High: 0.989, HasInterval: true},
	}
	m := Intervals("availability", "fraction", rows)
	require.Empty(t, m.Empty)
	require.LessOrEqual(t, m.Lo, 0.975)
	require.GreaterOrEqual(t, m.Hi, 0.989)
	require.Greater(t, m.Lo, 0.9, "the axis does not reach for 0: close values stay apart")
	require.Equal(t, 0.005, m.Step)
	require.InDelta(t, 40, m.Pos(m.Lo, 40, 380), 1e-9)
	require.InDelta(t, 380, m.Pos(m.Hi, 40, 380), 1e-9)
	mid := m.Pos(0.984, 40, 380)
	require.True(t, m.Pos(0.979, 40, 380) < mid && mid < m.Pos(0.989, 40, 380))
	var labels []string
	for _, v := range m.Ticks {
		labels = append(labels, m.TickLabel(v))
	}
	require.Equal(t, []string{"0.975", "0.980", "0.985", "0.990"}, labels, "distinct labels on a narrow axis")
}

func TestIntervalsEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rows       []Estimate
		lo, hi     float64
		empty      bool
		firstLabel string
	}{
		{"no values", []Estimate{{Name: "a"}, {Name: "b"}}, 0, 0, true, ""},
		{"one value, no interval", []Estimate{{Name: "a", N: 1, Mean: 50}}, 45, 55, false, "45"},
		{"all zero", []Estimate{{Name: "a", N: 3, Mean: 0, Low: 0, High: 0, HasInterval: true}}, -1, 1, false, "-1.0"},
		{"a missing row is skipped", []Estimate{{Name: "a", N: 2, Mean: 10, Low: 8, High: 12, HasInterval: true}, {Name: "b"}}, 8, 12, false, "8"},
		{"large counts", []Estimate{{Name: "a", N: 2, Mean: 18000, Low: 17000, High: 21000, HasInterval: true}}, 17000, 21000, false, "17k"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Intervals("f", "u", tc.rows)
			require.Equal(t, tc.empty, m.Empty != "")
			if tc.empty {
				return
			}
			require.Equal(t, tc.lo, m.Lo)
			require.Equal(t, tc.hi, m.Hi)
			require.Equal(t, tc.firstLabel, m.TickLabel(m.Ticks[0]))
		})
	}
}
