package faults

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The tree against the pass it replaces: the k-th member up, in order.
func TestUpTreeFindsTheKthMemberUp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		n := 1 + r.IntN(200)
		down := make([]bool, n)
		for j := range down {
			down[j] = r.IntN(3) == 0
		}
		tree := newUpTree(n, down)
		for range 100 {
			j := r.IntN(n)
			if down[j] {
				tree.add(j, 1)
			} else {
				tree.add(j, -1)
			}
			down[j] = !down[j]
			var ups []int
			for m := range n {
				if !down[m] {
					ups = append(ups, m)
				}
			}
			for k, want := range ups {
				require.Equal(t, want, tree.find(k), "n=%d k=%d", n, k)
			}
		}
	}
	require.Equal(t, 2, newUpTree(3, nil).find(2))
}
