package sched_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// TestIndexMatchesScan checks the placement index against the one pass over
// the blades, and both against the brute-force model: on random clusters
// (shared and random capacities, racks and zones in runs of blade ids or
// interleaved), random demand shapes (mostly from a small pool, so shapes
// repeat and get trees, and more shapes than the index keeps trees for),
// every policy and affinity rule, and random holds, releases, restores onto
// blades out of service, and blades leaving and re-entering service; GPU
// devices (Gpus and Accelerators) and requests for shares, whole GPUs and
// accelerators among them, against the model's devices. Every
// Place must equal the scan's Decision, reason included, and the trees must
// equal trees built afresh. Half the seeds build trees on first sighting,
// half on the second, as shipped.
func TestIndexMatchesScan(t *testing.T) {
	seeds := uint64(1500)
	if testing.Short() {
		seeds = 200
	}
	places, indexed := 0, 0
	for seed := uint64(1); seed <= seeds; seed++ {
		p, i := runIndexScenario(t, seed)
		places, indexed = places+p, indexed+i
	}
	t.Logf("%d placements compared, %d with trees built", places, indexed)
}

func runIndexScenario(t *testing.T, seed uint64) (places, trees int) {
	r := rng.New(seed, 7)
	m := &model{holds: map[sched.Key]modelHold{}}
	type capSpec struct {
		cores, memMB, diskGB, netMbps int64
		arch                          string
		acc                           []string
		gpus                          []inventory.GPU
	}
	pool := []capSpec{{8, 16384, 400, 1000, "x86_64", nil, nil}, {4, 8192, 0, 1000, "x86_64", []string{"gpu"}, nil},
		{16, 4096, 200, 0, "arm64", nil, nil}, {16, 16384, 400, 1000, "x86_64", nil, []inventory.GPU{{Model: "gpu", Count: 4}}},
		{8, 8192, 400, 1000, "x86_64", []string{"fpga"}, []inventory.GPU{{Model: "A100", Count: 2}, {Model: "T4", Count: 2}}}}
	zones, racks, perRack := r.Range(1, 3), r.Range(1, 4), r.Range(1, 8)
	if r.Uint64N(5) == 0 {
		zones, racks, perRack = 2, 8, r.Range(10, 24)
	}
	for z := range zones {
		for k := range racks {
			for range perRack {
				cs := pool[r.Uint64N(uint64(len(pool)))]
				if r.Uint64N(4) == 0 {
					cs = capSpec{r.Range(1, 8), r.Range(1, 16) * 512, r.Range(0, 4) * 100, r.Range(0, 2) * 500,
						[]string{"x86_64", "arm64"}[r.Uint64N(2)], [][]string{nil, {"gpu"}, {"GPU", "fpga", "gpu"}}[r.Uint64N(3)],
						[][]inventory.GPU{nil, nil, {{Model: "T4", Count: r.Range(1, 4)}}}[r.Uint64N(3)]}
				}
				s := bladeSpec{zone: int32(z + 1), rack: int32(k + 1), cores: cs.cores, memMB: cs.memMB, diskGB: cs.diskGB,
					netMbps: cs.netMbps, arch: cs.arch, accelerators: cs.acc, gpus: cs.gpus}
				if r.Uint64N(8) == 0 {
					s.notSchedulable = "is out_for_repair"
				}
				m.specs = append(m.specs, s)
			}
		}
	}
	if r.Uint64N(3) == 0 { // interleave racks and zones
		for i := len(m.specs) - 1; i > 0; i-- {
			j := r.Uint64N(uint64(i + 1))
			m.specs[i], m.specs[j] = m.specs[j], m.specs[i]
		}
	}
	for range m.specs {
		m.used = append(m.used, [4]int64{})
		m.accUsed = append(m.accUsed, map[string]int{})
	}
	m.gpu = newGPUModel(m.specs)

	shapes := []sched.Requirements{{Cores: 1000, MemoryMB: 1024}, {Cores: 250, MemoryMB: 256}, {Cores: 3000, MemoryMB: 4096},
		{Cores: 1500, MemoryMB: 512, NetworkMbps: 200}, {Cores: 500, Arch: "arm64"}, {Cores: 500, Accelerators: []string{"gpu"}},
		{Cores: 500, GPUs: sched.GPURequest{Milli: 250}}, {Cores: 250, GPUs: sched.GPURequest{Milli: 600, Models: []string{"t4", "gpu"}}},
		{Cores: 1000, GPUs: sched.GPURequest{Count: 2}}, {Cores: 1000, GPUs: sched.GPURequest{Count: 1, Models: []string{"A100"}}}}
	for w := range r.Range(1, 5) {
		wl := &sched.Workload{Name: fmt.Sprintf("w%d", w), Affinity: sched.Affinity(r.Uint64N(5)), Domain: sched.Domain(r.Uint64N(3))}
		for i := range r.Range(1, 12) {
			req := shapes[r.Uint64N(uint64(len(shapes)))]
			if r.Uint64N(4) == 0 {
				req = sched.Requirements{Cores: sched.Milli(r.Range(1, 16) * 250), MemoryMB: r.Range(0, 8) * 512, NetworkMbps: r.Range(0, 2) * 200}
			}
			in := sched.Instance{Name: fmt.Sprintf("i%d", i), AffinityGroup: r.Range(0, 2), Requires: req}
			if r.Uint64N(5) == 0 {
				in.Volumes = []sched.Volume{{Name: "v", SizeGB: r.Range(0, 3) * 50}}
			}
			wl.Instances = append(wl.Instances, in)
		}
		require.NoError(t, wl.Validate())
		m.wls = append(m.wls, wl)
	}

	c := newCluster(m.specs...)
	var all []sched.Workload
	for _, wl := range m.wls {
		all = append(all, *wl)
	}
	c.SetTypical(sched.TypicalOf(all, nil)) // for FGD
	if seed%2 == 0 {
		sched.IndexEager(c)
	}
	custom, err := testCustom.Compile()
	require.NoError(t, err)
	policies := append([]sched.Policy{sched.FirstFit, sched.BestFit, sched.Spread, custom}, paperPolicies...)
	for step := range 300 {
		at := fmt.Sprintf("seed=%d step=%d", seed, step)
		switch op := r.Uint64N(10); {
		case op < 6: // place an instance not held, and hold it
			w, i, k, ok := m.unheld(r)
			if !ok {
				continue
			}
			wl := m.wls[w]
			p := policies[r.Uint64N(uint64(len(policies)))]
			before := sched.IndexTrees(c)
			c.SetDraw(r.Uint64()) // Random's
			d := c.Place(p, wl, uint32(w), i)
			require.Equal(t, sched.PlaceScan(c, p, wl, uint32(w), i), d, "%s %s %s", at, p.Name(), wl.Affinity)
			if !slices.Contains(paperPolicies, p) { // those are checked against gpushare (paper_test.go)
				require.Equal(t, modelChoice(m, p, w, i), int(d.Blade), "%s %s: %s", at, p.Name(), d.Reason.String())
			} else if d.Blade >= 0 {
				require.True(t, m.fits(int(d.Blade), &wl.Instances[i]), "%s %s: %s", at, p.Name(), d.Reason.String())
			}
			places++
			if before > 0 || sched.IndexTrees(c) > 0 {
				trees++
			}
			if d.Blade >= 0 {
				if d.Devices != nil {
					require.NoError(t, c.HoldOn(d.Blade, k, wl, i, d.Devices), at)
					m.gpu.given = d.Devices
				} else {
					require.NoError(t, c.Hold(d.Blade, k, wl, i), at)
				}
				m.hold(k, d.Blade, w, i)
			}
		case op < 8: // release
			if len(m.keys) > 0 {
				k := m.keys[r.Uint64N(uint64(len(m.keys)))]
				c.Release(k)
				m.release(k)
			}
		case op < 9: // a blade leaves or re-enters service
			b := int(r.Uint64N(uint64(len(m.specs))))
			if m.specs[b].notSchedulable == "" {
				m.specs[b].notSchedulable = "is failed"
			} else {
				m.specs[b].notSchedulable = ""
			}
			c.SetSchedulable(int32(b), m.specs[b].notSchedulable == "", m.specs[b].notSchedulable)
		default: // a restore holds wherever capacity allows, in service or not
			w := int(r.Uint64N(uint64(len(m.wls))))
			i := int(r.Uint64N(uint64(len(m.wls[w].Instances))))
			k := sched.Key{Workload: uint32(w), Instance: uint32(i)}
			b := int32(r.Uint64N(uint64(len(m.specs))))
			if _, held := m.holds[k]; !held && c.Hold(b, k, m.wls[w], i) == nil {
				m.hold(k, b, w, i)
			}
		}
		if step%50 == 49 {
			require.NoError(t, sched.CheckIndex(c), at)
		}
	}
	require.NoError(t, sched.CheckIndex(c), "seed=%d", seed)
	return places, trees
}

// unheld draws a workload and one of its instances, and reports whether
// the instance is not held (so it may be placed).
func (m *model) unheld(r *rng.Source) (w, i int, k sched.Key, ok bool) {
	w = int(r.Uint64N(uint64(len(m.wls))))
	i = int(r.Uint64N(uint64(len(m.wls[w].Instances))))
	k = sched.Key{Workload: uint32(w), Instance: uint32(i)}
	_, held := m.holds[k]
	return w, i, k, !held
}

// modelChoice is the brute-force model's blade for instance i of workload
// w under p: the best allowed blade, among those honouring a weak rule if
// any do, ties to the lowest index; -1 if none is allowed.
func modelChoice(m *model, p sched.Policy, w, i int) int {
	in := &m.wls[w].Instances[i]
	best, fallback := -1, -1
	for b := range m.specs {
		if !m.fits(b, in) || !m.admit(p, b, in) {
			continue
		}
		ok, honours := m.rules(w, in.AffinityGroup, b)
		switch {
		case !ok:
		case honours:
			if best < 0 || m.score(p, b, in) > m.score(p, best, in) {
				best = b
			}
		case fallback < 0 || m.score(p, b, in) > m.score(p, fallback, in):
			fallback = b
		}
	}
	if best >= 0 {
		return best
	}
	return fallback
}

// spreadAlike scores as spread does, but is not a built-in policy, so Place
// answers it by the scan.
type spreadAlike struct{}

func (spreadAlike) Name() string { return "spread" }
func (spreadAlike) Score(c *sched.Cluster, b int32, need *sched.Usage) int64 {
	return c.Headroom(b, need)
}

// A custom policy still works (by the scan), and agrees with the index
// answering the built-in policy it imitates, placement after placement.
func TestCustomPolicyMatchesIndex(t *testing.T) {
	var specs []bladeSpec
	for k := range 6 {
		for range 5 {
			specs = append(specs, small(1+int32(k%2), 1+int32(k)))
		}
	}
	a, b := newCluster(specs...), newCluster(specs...)
	w := workload("svc", sched.WeakAntiAffinity, sched.DomainRack)
	for i := range 40 {
		w.Instances = append(w.Instances, inst(fmt.Sprint("i", i), int64(i%3), sched.Milli(250*(1+i%5)), 512))
	}
	require.Equal(t, decidedAll(placeAll(t, a, sched.Spread, w, 1)), decidedAll(placeAll(t, b, spreadAlike{}, w, 1)))
	require.Positive(t, sched.IndexTrees(a))
	require.Zero(t, sched.IndexTrees(b))
}
