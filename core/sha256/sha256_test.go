package sha256

import (
	"crypto/sha256"
	"encoding"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The generic digest (what the page runs) against crypto/sha256: the same
// sums for every length around the block and padding boundaries, written
// whole and in random pieces, and a state marshalled by either is read by
// the other and goes on to the same sum.
func TestDigestMatchesCryptoSHA256(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		want := sha256.Sum256(data)
		require.Equal(t, want, sum256(data), "Sum256 of %d bytes", n)

		d := newDigest()
		for rest := data; len(rest) > 0; {
			k := r.IntN(len(rest) + 1)
			d.Write(rest[:k])
			rest = rest[k:]
		}
		require.Equal(t, want[:], d.Sum(nil), "%d bytes in pieces", n)
		require.Equal(t, want[:], d.Sum(nil), "Sum leaves the state as it was")

		half := n / 2
		ours, theirs := newDigest(), sha256.New()
		ours.Write(data[:half])
		theirs.Write(data[:half])
		a, err := ours.MarshalBinary()
		require.NoError(t, err)
		b, err := theirs.(encoding.BinaryMarshaler).MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, a, "marshalled state after %d bytes", half)

		fromOurs, fromTheirs := sha256.New(), newDigest()
		require.NoError(t, fromOurs.(encoding.BinaryUnmarshaler).UnmarshalBinary(a))
		require.NoError(t, fromTheirs.UnmarshalBinary(b))
		fromOurs.Write(data[half:])
		fromTheirs.Write(data[half:])
		require.Equal(t, want[:], fromOurs.Sum(nil))
		require.Equal(t, want[:], fromTheirs.Sum(nil))
	}
}

func TestUnmarshalBinaryRefusesOtherStates(t *testing.T) {
	d := newDigest()
	require.ErrorContains(t, d.UnmarshalBinary([]byte("sha\x02")), "invalid hash state identifier")
	require.ErrorContains(t, d.UnmarshalBinary([]byte("sha\x03short")), "invalid hash state size")
}

// New and Sum256, whichever code they are on this platform.
func TestNewAndSum256(t *testing.T) {
	data := []byte("CloudChamber")
	want := sha256.Sum256(data)
	require.Equal(t, want, Sum256(data))
	h := New()
	h.Write(data)
	require.Equal(t, want[:], h.Sum(nil))
	require.Equal(t, Size, h.Size())
	require.Equal(t, BlockSize, h.BlockSize())
	_, ok := h.(encoding.BinaryMarshaler)
	require.True(t, ok)
}
