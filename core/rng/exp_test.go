package rng

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLnAgreesWithMath(t *testing.T) {
	s := New(1, 1)
	for range 100_000 {
		x := float64(s.Unit53()) / (1 << 53) * math.Pow(2, float64(s.Range(-40, 40)))
		got, want := Ln(x), math.Log(x)
		require.InDelta(t, want, got, 1e-15*math.Max(1, math.Abs(want)), "Ln(%v)", x)
	}
	assert.Equal(t, math.Inf(-1), Ln(0))
	assert.True(t, math.IsNaN(Ln(-1)))
	assert.Equal(t, 0.0, Ln(1))
}

// TestExpIsPinned pins draws so a change of method (or a platform that
// computes differently: this test also runs under Node) is noticed.
func TestExpIsPinned(t *testing.T) {
	s := New(42, 7)
	var got []int64
	for range 8 {
		got = append(got, s.Exp(1000))
	}
	assert.Equal(t, []int64{pinnedExp0, pinnedExp1, pinnedExp2, pinnedExp3, pinnedExp4, pinnedExp5, pinnedExp6, pinnedExp7}, got)
	bits := math.Float64bits(Ln(0.123456789))
	assert.Equal(t, uint64(pinnedLnBits), bits)
}

func TestExpMean(t *testing.T) {
	s := New(3, 3)
	const n, mean = 200_000, 5000.0
	var sum float64
	for range n {
		sum += float64(s.Exp(mean))
	}
	// The standard error of the mean is mean/sqrt(n), about 0.22 %.
	assert.InEpsilon(t, mean, sum/n+0.5, 0.01)
	assert.Equal(t, int64(0), s.Exp(0))
}

const (
	pinnedExp0   = 2010
	pinnedExp1   = 1523
	pinnedExp2   = 482
	pinnedExp3   = 1225
	pinnedExp4   = 1386
	pinnedExp5   = 25
	pinnedExp6   = 5423
	pinnedExp7   = 666
	pinnedLnBits = 0xc000bc233add5d72
)
