package gpushare

import (
	"fmt"
	"hash/fnv"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/rng"
)

var models = []string{"T4", "V100M16", "G2"}

// randomCluster is 1..10 nodes with 0..8 devices of a random model.
func randomCluster(t *testing.T, src *rng.Source) []Node {
	nodes := make([]Node, src.Range(1, 10))
	for i := range nodes {
		gpus := []int{0, 1, 2, 4, 8}[src.Uint64N(5)]
		n, err := NewNode(&gputrace.Node{Name: fmt.Sprintf("n%d", i), CPUMilli: src.Range(4, 96) * 1000,
			MemoryMiB: src.Range(16, 512) * 1024, GPUs: gpus, Model: models[src.Uint64N(3)]})
		require.NoError(t, err)
		nodes[i] = n
	}
	return nodes
}

// randomRequest is a CPU task, a share, or 1, 2, 4 or 8 whole devices,
// sometimes restricted to models.
func randomRequest(src *rng.Source) Request {
	r := Request{CPUMilli: src.Range(1, 32) * 500, MemoryMiB: src.Range(1, 64) * 1024}
	switch src.Uint64N(4) {
	case 0:
	case 1:
		r.GPUs, r.GPUMilli = 1, src.Range(1, 999)
	default:
		r.GPUs, r.GPUMilli = []int{1, 2, 4, 8}[src.Uint64N(4)], MilliGPU
	}
	if src.Uint64N(4) == 0 {
		r.Models = []string{models[src.Uint64N(3)]}
		if src.Uint64N(2) == 0 {
			r.Models = append(r.Models, models[src.Uint64N(3)])
		}
	}
	return r
}

// bruteFits says whether some set of r.GPUs distinct devices of n each has
// r.GPUMilli free, trying every subset, with CPU, memory and model.
func bruteFits(n *Node, r *Request) bool {
	if n.CPUFree < r.CPUMilli || n.MemFree < r.MemoryMiB {
		return false
	}
	if !r.UsesGPU() {
		return true
	}
	if len(n.Free) == 0 || (len(r.Models) > 0 && !slices.Contains(r.Models, n.Model)) {
		return false
	}
	for set := 0; set < 1<<len(n.Free); set++ {
		count, ok := 0, true
		for d := range n.Free {
			if set&(1<<d) != 0 {
				count++
				ok = ok && n.Free[d] >= r.GPUMilli
			}
		}
		if ok && count == r.GPUs {
			return true
		}
	}
	return false
}

// TestPlacementProperties places random requests on random clusters under
// every policy and checks each decision against a brute-force model: a
// request is refused only when no set of devices anywhere holds it; a
// placement is on a node it fits, with the best score of all such nodes
// (computed afresh, so the cache is checked too), the tie going to the
// lowest rank (any best node under Random); a share takes one device that
// had it free, whole devices are distinct and were fully free; no device
// is booked past 1000 milli, no node past its CPU or memory; models are
// respected. Each seed runs twice with the same decisions, and the hash
// of all decisions is pinned, so native and wasm must agree.
func TestPlacementProperties(t *testing.T) {
	h := fnv.New64a()
	for seed := uint64(1); seed <= 40; seed++ {
		for _, name := range Names() {
			a := placementTrace(t, seed, name)
			require.Equal(t, a, placementTrace(t, seed, name), "seed %d %s: not deterministic", seed, name)
			h.Write([]byte(a))
		}
	}
	require.Equal(t, placementHash, fmt.Sprintf("%016x", h.Sum64()))
}

const placementHash = "1ed6cd15eda34622"

func placementTrace(t *testing.T, seed uint64, name string) string {
	src := rng.New(seed, 1)
	nodes := randomCluster(t, src)
	var reqs []Request
	for range 80 {
		reqs = append(reqs, randomRequest(src))
	}
	p, err := New(name, TypicalOf(reqs))
	require.NoError(t, err)
	s := NewScheduler(nodes, p, rng.New(seed, 2))
	if seed%2 == 0 {
		s.Ranks = make([]int, len(nodes))
		for i := range s.Ranks {
			s.Ranks[i] = len(nodes) - 1 - i
		}
	}
	trace := ""
	for i := range reqs {
		r := &reqs[i]
		before := make([]Node, len(nodes))
		best, fits := int64(-1), []int{}
		scores := make([]int64, len(nodes))
		for j := range nodes {
			before[j] = nodes[j]
			before[j].Free = slices.Clone(nodes[j].Free)
			if bruteFits(&nodes[j], r) {
				require.True(t, nodes[j].Fits(r), "%s on %v", r, nodes[j].Free)
				fits = append(fits, j)
				scores[j] = p.Score(&before[j], r)
				best = max(best, scores[j])
			} else {
				require.False(t, nodes[j].Fits(r), "%s on %v", r, nodes[j].Free)
			}
		}
		got, devs := s.Place(r)
		trace += fmt.Sprintf("%d:%v;", got, devs)
		if len(fits) == 0 {
			require.Equal(t, -1, got, "%s fits nowhere", r)
			for j := range nodes {
				require.Equal(t, before[j].Free, nodes[j].Free)
				require.Equal(t, before[j].CPUFree, nodes[j].CPUFree)
			}
			continue
		}
		require.Contains(t, fits, got, "%s placed on a node it does not fit", r)
		require.Equal(t, best, scores[got], "%s %s: not a best-scored node", name, r)
		if _, random := p.(Random); s.Ranks != nil && !random {
			for _, j := range fits {
				if scores[j] == best {
					require.LessOrEqual(t, s.Ranks[got], s.Ranks[j], "the tie goes to the lowest rank")
				}
			}
		}
		b, n := &before[got], &nodes[got]
		require.Equal(t, b.CPUFree-r.CPUMilli, n.CPUFree)
		require.Equal(t, b.MemFree-r.MemoryMiB, n.MemFree)
		if !r.UsesGPU() {
			require.Nil(t, devs)
			require.Equal(t, b.Free, n.Free)
			continue
		}
		require.Len(t, devs, r.GPUs)
		require.True(t, len(r.Models) == 0 || slices.Contains(r.Models, n.Model), "model %s for %v", n.Model, r.Models)
		seen := map[int]bool{}
		for _, d := range devs {
			require.False(t, seen[d], "device %d twice", d)
			seen[d] = true
			require.GreaterOrEqual(t, b.Free[d], r.GPUMilli)
			if !r.Shared() {
				require.Equal(t, int64(MilliGPU), b.Free[d], "whole devices are fully free ones")
			}
			require.Equal(t, b.Free[d]-r.GPUMilli, n.Free[d])
		}
		for d, f := range n.Free {
			require.True(t, f >= 0 && f <= MilliGPU, "device %d free %d", d, f)
			if !seen[d] {
				require.Equal(t, b.Free[d], f)
			}
		}
	}
	return trace
}
