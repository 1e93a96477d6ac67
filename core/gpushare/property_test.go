package gpushare

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
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
// r.GPUMilli free and is of a model r allows, trying every subset, with
// CPU and memory.
func bruteFits(n *Node, r *Request) bool {
	if n.CPUFree < r.CPUMilli || n.MemFree < r.MemoryMiB {
		return false
	}
	if !r.UsesGPU() {
		return true
	}
	if len(n.Free) == 0 {
		return false
	}
	for set := 0; set < 1<<len(n.Free); set++ {
		count, ok := 0, true
		for d := range n.Free {
			if set&(1<<d) != 0 {
				count++
				ok = ok && n.Free[d] >= r.GPUMilli && (len(r.Models) == 0 || slices.Contains(r.Models, n.ModelOf(d)))
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

// randomMixedNode is a node of 1..8 devices, each of a random model (so
// most nodes have several), with random shares already booked and random
// CPU free.
func randomMixedNode(src *rng.Source) Node {
	devs := int(src.Range(1, MaxGPUs))
	n := Node{Name: "m", CPUMilli: 96000, MemoryMiB: 1 << 20, Free: make([]int64, devs), DevModels: make([]string, devs)}
	for d := range devs {
		n.DevModels[d] = models[src.Uint64N(uint64(len(models)))]
		n.Free[d] = []int64{0, MilliGPU, MilliGPU, src.Range(0, MilliGPU)}[src.Uint64N(4)]
	}
	n.CPUFree, n.MemFree = src.Range(0, 96)*1000, src.Range(0, 1024)*1024
	return n
}

// bruteFrag is Typical.Frag by enumeration, from the definition: for each
// typical shape, the free GPU of the devices no placement of the shape
// uses (a placement: a set of GPUs distinct devices, each of an allowed
// model with the share free), all the free GPU when there is none (or the
// CPU is short, or the shape asks no GPU), times the shape's count.
func bruteFrag(t *Typical, n *Node, cpuFree int64, free []int64) int64 {
	var left int64
	for _, f := range free {
		left += f
	}
	var sum int64
	for _, s := range t.Shapes {
		used := make([]bool, len(free))
		any := false
		if s.GPUMilli > 0 && cpuFree >= s.CPUMilli {
			for set := 1; set < 1<<len(free); set++ {
				count, ok := 0, true
				for d := range free {
					if set&(1<<d) != 0 {
						count++
						ok = ok && free[d] >= s.GPUMilli && (s.Models == "" || slices.Contains(strings.Split(s.Models, "|"), n.ModelOf(d)))
					}
				}
				if ok && count == s.GPUs {
					any = true
					for d := range free {
						used[d] = used[d] || set&(1<<d) != 0
					}
				}
			}
		}
		frag := left
		if any {
			for d, f := range free {
				if used[d] {
					frag -= f
				}
			}
		}
		sum += s.Count * frag
	}
	return sum
}

// TestMixedModelProperties checks nodes whose devices are of several
// models against brute-force models, for random nodes and requests under
// every policy: Fits is true exactly when some set of devices holds the
// request; the devices chosen are distinct, of an allowed model, with the
// share free (whole: fully free), and booking them leaves no device over
// 1000 milli; the fragmentation (FGD's NodeFrag, Typical.FragDevices)
// equals the enumeration's; FGD's device for a share is one of the best
// by the enumerated fragmentation; DotProd's and BestFit's scores are
// those of the node cut down to the devices the request may use; and a
// node of one model scores and chooses alike described either way.
func TestMixedModelProperties(t *testing.T) {
	src := rng.New(14, 1)
	for iter := range 3000 {
		var reqs []Request
		for range 40 {
			reqs = append(reqs, randomRequest(src))
		}
		typ := TypicalOf(reqs)
		n := randomMixedNode(src)
		r := randomRequest(src)
		require.Equal(t, bruteFrag(typ, &n, n.CPUFree, n.Free), typ.FragDevices(n.DevModels, n.CPUFree, n.Free), "iter %d: frag of %v %v", iter, n.DevModels, n.Free)
		require.Equal(t, bruteFits(&n, &r), n.Fits(&r), "iter %d: %s on %v %v", iter, &r, n.DevModels, n.Free)

		// The same node described as one model, when it is.
		if !slices.ContainsFunc(n.DevModels, func(m string) bool { return m != n.DevModels[0] }) {
			one := n
			one.Model, one.DevModels = n.DevModels[0], nil
			require.Equal(t, typ.Frag(one.Model, n.CPUFree, n.Free), typ.FragDevices(n.DevModels, n.CPUFree, n.Free))
			if n.Fits(&r) {
				for _, name := range Names() {
					p, err := New(name, typ)
					require.NoError(t, err)
					require.Equal(t, p.Score(&one, &r), p.Score(&n, &r), "%s", name)
					if name != NameRandom {
						require.Equal(t, p.Devices(nil, &one, &r, nil), p.Devices(nil, &n, &r, nil), "%s", name)
					}
				}
			}
		}
		if !n.Fits(&r) {
			continue
		}
		// The node as the request sees it: only the devices it may use.
		var cut Node = n
		cut.Free, cut.DevModels = nil, nil
		for d, f := range n.Free {
			if len(r.Models) == 0 || !r.UsesGPU() || slices.Contains(r.Models, n.DevModels[d]) {
				cut.Free = append(cut.Free, f)
			}
		}
		cut.Model = "any"
		cutReq := r
		cutReq.Models = nil
		for _, name := range Names() {
			p, err := New(name, typ)
			require.NoError(t, err)
			s := p.Score(&n, &r)
			require.True(t, s >= 0 && s <= 100, "%s scores %d", name, s)
			if name == NameDotProduct || name == NameBestFit {
				require.Equal(t, p.Score(&cut, &cutReq), s, "%s: scores the devices the request may use", name)
			}
			devs := p.Devices(nil, &n, &r, rng.New(uint64(iter), 2))
			if !r.UsesGPU() {
				require.Nil(t, devs)
				continue
			}
			require.Len(t, devs, r.GPUs, "%s: %s on %v %v", name, &r, n.DevModels, n.Free)
			after := slices.Clone(n.Free)
			for k, d := range devs {
				require.NotContains(t, devs[:k], d, "%s: device %d twice", name, d)
				require.True(t, len(r.Models) == 0 || slices.Contains(r.Models, n.DevModels[d]), "%s: device %d is %s, not of %v", name, d, n.DevModels[d], r.Models)
				require.GreaterOrEqual(t, n.Free[d], r.GPUMilli, name)
				if !r.Shared() {
					require.Equal(t, int64(MilliGPU), n.Free[d], "%s: whole devices are fully free", name)
				}
				after[d] -= r.GPUMilli
			}
			for _, f := range after {
				require.True(t, f >= 0 && f <= MilliGPU)
			}
			if name == NameFGD && r.Shared() {
				// The chosen device leaves the least brute-force fragmentation.
				got := bruteFrag(typ, &n, n.CPUFree-r.CPUMilli, after)
				for d, f := range n.Free {
					if f >= r.GPUMilli && (len(r.Models) == 0 || slices.Contains(r.Models, n.DevModels[d])) {
						other := slices.Clone(n.Free)
						other[d] -= r.GPUMilli
						alt := bruteFrag(typ, &n, n.CPUFree-r.CPUMilli, other)
						fg := p.(*FGD)
						require.GreaterOrEqual(t, fg.score(bruteFrag(typ, &n, n.CPUFree, n.Free)-got), fg.score(bruteFrag(typ, &n, n.CPUFree, n.Free)-alt),
							"FGD chose device %d over %d", devs[0], d)
					}
				}
			}
			m := n
			m.Free = slices.Clone(n.Free)
			m.Place(&r, devs)
			require.Equal(t, after, m.Free)
		}
	}
}
