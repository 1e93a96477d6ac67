package rng

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The first outputs are pinned: a change here changes every recorded run,
// so it must come with a new engine version.
func TestSequenceIsPinned(t *testing.T) {
	r := New(42, 1)
	got := []uint64{r.Uint64(), r.Uint64(), r.Uint64()}
	require.Equal(t, pinned42, got)
}

func TestStreamsDiffer(t *testing.T) {
	a, b := New(7, 1), New(7, 2)
	require.NotEqual(t, a.Uint64(), b.Uint64())
	c, d := New(7, 1), New(7, 1)
	for range 100 {
		require.Equal(t, c.Uint64(), d.Uint64())
	}
}

func TestRangeIsInclusiveAndUniform(t *testing.T) {
	r := New(1, 1)
	counts := map[int64]int{}
	for range 40000 {
		v := r.Range(5, 8)
		require.GreaterOrEqual(t, v, int64(5))
		require.LessOrEqual(t, v, int64(8))
		counts[v]++
	}
	require.Len(t, counts, 4)
	for v, n := range counts {
		require.InDelta(t, 10000, n, 500, "value %d", v)
	}
	require.Equal(t, int64(3), r.Range(3, 3))
	require.Panics(t, func() { r.Range(2, 1) })
}

func TestUnit53(t *testing.T) {
	r := New(3, 3)
	for range 10000 {
		u := r.Unit53()
		require.GreaterOrEqual(t, u, uint64(1))
		require.LessOrEqual(t, u, uint64(1)<<53)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	r := New(9, 4)
	r.Uint64()
	b, err := r.MarshalBinary()
	require.NoError(t, err)
	var s Source
	require.NoError(t, s.UnmarshalBinary(b))
	require.Equal(t, r.Uint64(), s.Uint64())
	require.Error(t, s.UnmarshalBinary(b[:5]))
	require.Error(t, s.UnmarshalBinary(make([]byte, 32)))
}

var pinned42 = []uint64{0xbe15272cdf80b6c2, 0xaf6e2ee49ff5d0e3, 0xca56edd0338a318f}
