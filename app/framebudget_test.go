package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFrameBudgetAdapts(t *testing.T) {
	const vsync = 1000.0 / 60
	// frames runs the budget over frames spaced by the intervals given
	// (in vsyncs) and returns the shares it gave.
	frames := func(b *frameBudget, ts *float64, most float64, intervals ...float64) []float64 {
		var out []float64
		for _, iv := range intervals {
			*ts += iv * vsync
			out = append(out, b.next(*ts, most))
		}
		return out
	}
	repeat := func(v float64, n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = v
		}
		return out
	}

	t.Run("on time keeps the most asked for", func(t *testing.T) {
		var b frameBudget
		ts := 1000.0
		got := frames(&b, &ts, 8, repeat(1, 200)...)
		for _, g := range got {
			require.Equal(t, 8.0, g)
		}
	})
	t.Run("late frames shrink it by a third, to half the most", func(t *testing.T) {
		var b frameBudget
		ts := 1000.0
		frames(&b, &ts, 8, repeat(1, 70)...) // learn the display's frame
		got := frames(&b, &ts, 8, 2, 2, 2)
		require.InDeltaSlice(t, []float64{8 * 2 / 3.0, 4, 4}, got, 1e-9)
		got = frames(&b, &ts, 8, repeat(2, 20)...)
		require.Equal(t, 4.0, got[len(got)-1])
		got = frames(&b, &ts, 3, repeat(2, 20)...)
		require.Equal(t, float64(budgetLeastMs), got[len(got)-1], "and never below the least")
	})
	t.Run("frames on time give it back, up to the most", func(t *testing.T) {
		var b frameBudget
		ts := 1000.0
		frames(&b, &ts, 8, repeat(1, 70)...)
		frames(&b, &ts, 8, repeat(2, 20)...)
		got := frames(&b, &ts, 8, repeat(1, 4)...)
		require.InDeltaSlice(t, []float64{4.25, 4.5, 4.75, 5}, got, 1e-9)
		got = frames(&b, &ts, 8, repeat(1, 40)...)
		require.Equal(t, 8.0, got[len(got)-1])
	})
	t.Run("a display twice as fast is learnt", func(t *testing.T) {
		var b frameBudget
		ts := 1000.0
		frames(&b, &ts, 6, repeat(0.5, 130)...) // two windows at 120 Hz
		got := frames(&b, &ts, 6, 1)            // one 60 Hz frame: late at 120 Hz
		require.InDelta(t, 4.0, got[0], 1e-9)
	})
	t.Run("asking for a whole frame or more is kept", func(t *testing.T) {
		var b frameBudget
		ts := 1000.0
		got := frames(&b, &ts, 30, 1, 3, 3, 3)
		require.Equal(t, []float64{30, 30, 30, 30}, got)
	})
	t.Run("a lower most applies at once", func(t *testing.T) {
		var b frameBudget
		ts := 1000.0
		frames(&b, &ts, 8, 1, 1)
		require.Equal(t, []float64{3}, frames(&b, &ts, 3, 1))
	})
}
