package snap

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	w := NewWriter(0)
	w.Section("part", 2)
	w.Uint(300)
	w.Int(-5)
	w.Bool(true)
	w.String("rack1")
	w.Blob([]byte{1, 2})
	w.Uint(3)
	w.Uint(7)
	w.Uint(8)
	w.Uint(9)

	r := NewReader(w.Bytes())
	require.Equal(t, uint64(2), r.Section("part", 2))
	require.Equal(t, uint64(300), r.Uint())
	require.Equal(t, int64(-5), r.Int())
	require.True(t, r.Bool())
	require.Equal(t, "rack1", r.String())
	require.Equal(t, []byte{1, 2}, r.Blob())
	require.Equal(t, 3, r.Len(10))
	require.Equal(t, []uint64{7, 8, 9}, []uint64{r.Uint(), r.Uint(), r.Uint()})
	require.NoError(t, r.Done())
}

func TestErrorsAreStickyAndNamed(t *testing.T) {
	w := NewWriter(0)
	w.Section("queue", 3)
	r := NewReader(w.Bytes())
	r.Section("queue", 2)
	require.ErrorIs(t, r.Err(), ErrVersion)
	require.ErrorContains(t, r.Err(), `"queue"`)
	require.Zero(t, r.Uint())

	r = NewReader(w.Bytes())
	r.Section("trace", 1)
	require.ErrorContains(t, r.Err(), `expected section "trace", found "queue"`)

	r = NewReader([]byte{0x80})
	r.Uint()
	require.ErrorContains(t, r.Err(), "truncated")

	w = NewWriter(0)
	w.Uint(1 << 40)
	r = NewReader(w.Bytes())
	r.Len(1 << 50)
	require.ErrorContains(t, r.Err(), "out of range")

	w = NewWriter(0)
	w.Uint(1)
	w.Uint(1)
	r = NewReader(w.Bytes())
	r.Uint()
	require.ErrorContains(t, r.Done(), "unexpected bytes")

	r = NewReader([]byte{5, 'a'})
	require.Empty(t, r.String())
	require.ErrorContains(t, r.Err(), "past the end")
}

// TestSetPaceCallsEveryNBytesAndChangesNothing: the pace function runs
// once the buffer grew by its interval since its last call, and the bytes
// are those of a writer without it.
func TestSetPaceCallsEveryNBytesAndChangesNothing(t *testing.T) {
	plain, paced := NewWriter(0), NewWriter(0)
	var at []int
	paced.SetPace(100, func() { at = append(at, len(paced.Bytes())) })
	for i := range 1000 {
		for _, w := range []*Writer{plain, paced} {
			w.Uint(uint64(i) * 1000)
			w.String("x")
		}
	}
	require.Equal(t, plain.Bytes(), paced.Bytes())
	require.NotEmpty(t, at)
	prev := 0
	for _, n := range at {
		require.GreaterOrEqual(t, n-prev, 100)
		require.Less(t, n-prev, 100+2*binaryMaxVarint, "called at the first Uint past the interval")
		prev = n
	}
	require.Less(t, len(paced.Bytes())-prev, 100+2*binaryMaxVarint)
}

const binaryMaxVarint = 10
