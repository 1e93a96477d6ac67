package sched

import (
	"fmt"
	"strings"
)

// Policy chooses among the blades that fit. A new policy is one value with
// these two methods, added to the policies list.
type Policy interface {
	Name() string
	// Score rates blade b for need, which fits it. The highest score wins
	// and ties go to the lowest blade index. For a policy other than the
	// built-in ones, Place calls it once per fitting blade, so it must be
	// cheap, allocation-free integer arithmetic. (The built-in ones are
	// answered by the placement index, index.go, which keeps the same
	// scores; the first three's Score methods remain the definition the
	// scan uses, the paper's six score through package gpushare, paper.go.)
	Score(c *Cluster, b int32, need *Usage) int64
}

// The built-in policies.
var (
	FirstFit Policy = firstFit{} // the lowest-index blade that fits
	BestFit  Policy = bestFit{}  // the blade left with the least free capacity: packs, keeps big holes
	Spread   Policy = spread{}   // the blade left with the most free capacity: balances load
)

// policies are the built-in three, then the paper's six (paper.go).
var policies = []Policy{FirstFit, BestFit, Spread, Random, DotProduct, GpuClustering, GpuPacking, GpuBestFit, FGD}

// Policies lists the names PolicyByName accepts, in a fixed order.
func Policies() []string {
	names := make([]string, len(policies))
	for i, p := range policies {
		names[i] = p.Name()
	}
	return names
}

// PolicyByName finds a policy by its name, case-insensitively.
func PolicyByName(name string) (Policy, error) {
	for _, p := range policies {
		if strings.EqualFold(p.Name(), name) {
			return p, nil
		}
	}
	return nil, fmt.Errorf("sched: unknown policy %q (want one of %s)", name, strings.Join(Policies(), ", "))
}

type firstFit struct{}

func (firstFit) Name() string                        { return "first-fit" }
func (firstFit) Score(*Cluster, int32, *Usage) int64 { return 0 }

type bestFit struct{}

func (bestFit) Name() string                                 { return "best-fit" }
func (bestFit) Score(c *Cluster, b int32, need *Usage) int64 { return -c.Headroom(b, need) }

type spread struct{}

func (spread) Name() string                                 { return "spread" }
func (spread) Score(c *Cluster, b int32, need *Usage) int64 { return c.Headroom(b, need) }

// Headroom is how much of blade b would be free after placing need, which
// fits: the sum over cores, memory, disk and network of
// free-after * 1,000,000 / capacity (rounded down), skipping dimensions the
// blade has none of. So 0 is a full blade and 4,000,000 an empty one that
// offers all four. A need with GPUMilli (requires.gpus) adds a fifth
// dimension, the blade's milli-GPU over all its devices, so up to
// 5,000,000; any other need (the accelerators list included) scores as
// before GPUs. Capacities are at most 2^40, so products fit in int64.
// (A precomputed reciprocal was tried instead of dividing: slower here.)
func (c *Cluster) Headroom(b int32, need *Usage) int64 {
	return headroom(&c.blades[b], need.vec(), need.GPUMilli)
}

// headroom is Headroom for blade bs, need n and gpu milli-GPU; the index's
// leaves use it too, so the two can never disagree.
func headroom(bs *bladeState, n vec, gpu int64) int64 {
	var sum int64
	for k := range n {
		if capacity := bs.cap[k]; capacity > 0 {
			sum += max(capacity-bs.used[k]-n[k], 0) * 1_000_000 / capacity
		}
	}
	if d := bs.gpu; gpu > 0 && d != nil {
		capacity := GPUMilli * int64(len(d.model))
		sum += max(capacity-d.sum-gpu, 0) * 1_000_000 / capacity
	}
	return sum
}
