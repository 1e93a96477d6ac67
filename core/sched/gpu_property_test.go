package sched_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// TestGPUPlacementProperties places, releases and fails at random on random
// clusters with GPU devices (Gpus entries and Accelerators), for whole-GPU
// requests, shares of one GPU and the accelerators list, with and without
// models, under every built-in policy and affinity rule, and checks each
// step against a brute-force model written without the package's data
// structures: the blade is the policy's best allowed one (GPU headroom
// included for requires.gpus), the devices are the rule's (whole: the
// lowest-index fully free of an allowed model; a share: the fullest with
// room, ties to the lowest index), no device is ever over 1000 milli-GPU,
// whole requests get distinct devices of allowed models, and each device's
// books equal the sum of the holds on it. The index must answer as the scan
// does and stay equal to trees built afresh. Each seed runs twice and must
// give the same trace; the hash of all traces is pinned.
func TestGPUPlacementProperties(t *testing.T) {
	require.Equal(t, gpuTracesHash, tracesHashOf(t, 300, runGPUScenario))
}

const gpuTracesHash = "86964a2986cfd530"

// gpuModel is the brute-force truth of the devices: per blade, each
// device's model (lower-cased) and milli-GPU in use, and what each hold
// took.
type gpuModel struct {
	models [][]string
	used   [][]int32
	devs   map[sched.Key][]int32
	per    map[sched.Key]int32 // milli-GPU a device, per hold
	given  []int32             // the next hold's devices, when a policy chose them (Decision.Devices)
}

// choose is the rule's devices of blade b for in, or false.
func (g *gpuModel) choose(b int, in *sched.Instance) ([]int32, int32, bool) {
	r := &in.Requires
	allowed := func(m string) bool {
		if len(r.GPUs.Models) == 0 {
			return true
		}
		for _, x := range r.GPUs.Models {
			if strings.EqualFold(x, m) {
				return true
			}
		}
		return false
	}
	var out []int32
	switch {
	case len(r.Accelerators) > 0:
		taken := map[int32]bool{}
		for _, a := range r.Accelerators {
			found := false
			for d, m := range g.models[b] {
				if m == strings.ToLower(a) && g.used[b][d] == 0 && !taken[int32(d)] {
					taken[int32(d)], found = true, true
					break
				}
			}
			if !found {
				return nil, 0, false
			}
		}
		for d := range taken {
			out = append(out, d)
		}
		slices.Sort(out)
		return out, 1000, true
	case r.GPUs.Count > 0:
		for d, m := range g.models[b] {
			if len(out) < int(r.GPUs.Count) && g.used[b][d] == 0 && allowed(m) {
				out = append(out, int32(d))
			}
		}
		return out, 1000, len(out) == int(r.GPUs.Count)
	case r.GPUs.Milli > 0:
		best := -1
		for d, m := range g.models[b] {
			if allowed(m) && g.used[b][d]+int32(r.GPUs.Milli) <= 1000 && (best < 0 || g.used[b][d] > g.used[b][best]) {
				best = d
			}
		}
		if best < 0 {
			return nil, 0, false
		}
		return []int32{int32(best)}, int32(r.GPUs.Milli), true
	}
	return nil, 0, true
}

// headroom is the GPU term of Headroom for blade b and in: its free
// milli-GPU after a requires.gpus, scaled to 1,000,000; 0 for any other
// request or a blade without devices.
func (g *gpuModel) headroom(b int, in *sched.Instance) int64 {
	ask := in.Requires.GPUs.Count*1000 + in.Requires.GPUs.Milli
	total := int64(len(g.models[b])) * 1000
	if ask == 0 || total == 0 {
		return 0
	}
	var used int64
	for _, u := range g.used[b] {
		used += int64(u)
	}
	return max(total-used-ask, 0) * 1_000_000 / total
}

// newGPUModel is the devices of the blades specs, all free.
func newGPUModel(specs []bladeSpec) *gpuModel {
	g := &gpuModel{devs: map[sched.Key][]int32{}, per: map[sched.Key]int32{}}
	for _, s := range specs {
		c := inventory.Capacity{GPUs: s.gpus, Accelerators: s.accelerators}
		models := c.DeviceModels()
		for i := range models {
			models[i] = strings.ToLower(models[i])
		}
		g.models = append(g.models, models)
		g.used = append(g.used, make([]int32, len(models)))
	}
	return g
}

// hold books the devices the rule gives in on blade b under k.
func (g *gpuModel) hold(k sched.Key, b int, in *sched.Instance) {
	devs, per, _ := g.choose(b, in)
	if g.given != nil {
		devs, g.given = slices.Clone(g.given), nil
	}
	g.devs[k], g.per[k] = devs, per
	for _, d := range devs {
		g.used[b][d] += per
	}
}

func (g *gpuModel) release(k sched.Key, b int) {
	for _, d := range g.devs[k] {
		g.used[b][d] -= g.per[k]
	}
	delete(g.devs, k)
	delete(g.per, k)
}

func runGPUScenario(t *testing.T, seed uint64) string {
	r := rng.New(seed, 11)
	m := &model{holds: map[sched.Key]modelHold{}}
	gpuMixes := [][]inventory.GPU{nil, {{Model: "A100", Count: 4}}, {{Model: "A100", Count: 2}, {Model: "T4", Count: 2}},
		{{Model: "t4", Count: 1}}, {{Model: "V100", Count: 8}}}
	accMixes := [][]string{nil, nil, {"V100"}, {"v100", "T4"}}
	for z := range r.Range(1, 2) {
		for k := range r.Range(1, 3) {
			for range r.Range(1, 4) {
				s := bladeSpec{zone: int32(z + 1), rack: int32(k + 1), cores: r.Range(2, 16), memMB: r.Range(1, 8) * 1024,
					gpus: gpuMixes[r.Uint64N(uint64(len(gpuMixes)))], accelerators: accMixes[r.Uint64N(uint64(len(accMixes)))]}
				if r.Uint64N(8) == 0 {
					s.notSchedulable = "is out_for_repair"
				}
				m.specs = append(m.specs, s)
				m.used = append(m.used, [4]int64{})
				m.accUsed = append(m.accUsed, map[string]int{})
			}
		}
	}
	requests := []func() sched.Requirements{
		func() sched.Requirements {
			return sched.Requirements{GPUs: sched.GPURequest{Milli: r.Range(1, 10) * 100}}
		},
		func() sched.Requirements { return sched.Requirements{GPUs: sched.GPURequest{Milli: r.Range(1, 1000)}} },
		func() sched.Requirements {
			return sched.Requirements{GPUs: sched.GPURequest{Milli: r.Range(1, 4) * 250, Models: []string{"t4", "V100"}}}
		},
		func() sched.Requirements { return sched.Requirements{GPUs: sched.GPURequest{Count: r.Range(1, 4)}} },
		func() sched.Requirements {
			return sched.Requirements{GPUs: sched.GPURequest{Count: r.Range(1, 2), Models: []string{"a100"}}}
		},
		func() sched.Requirements { return sched.Requirements{Accelerators: []string{"V100"}} },
		func() sched.Requirements { return sched.Requirements{Accelerators: []string{"t4", "A100"}} },
		func() sched.Requirements { return sched.Requirements{} },
		func() sched.Requirements {
			return sched.Requirements{GPUs: sched.GPURequest{Milli: 500, Models: []string{"H100"}}}
		},
	}
	for w := range r.Range(1, 3) {
		wl := &sched.Workload{Name: fmt.Sprintf("w%d", w), Affinity: sched.Affinity(r.Uint64N(5)), Domain: sched.Domain(r.Uint64N(3))}
		for i := range r.Range(1, 12) {
			req := requests[r.Uint64N(uint64(len(requests)))]()
			req.Cores, req.MemoryMB = sched.Milli(r.Range(1, 8)*250), r.Range(0, 4)*256
			wl.Instances = append(wl.Instances, sched.Instance{Name: fmt.Sprintf("i%d", i), AffinityGroup: r.Range(0, 2), Requires: req})
		}
		require.NoError(t, wl.Validate(), "seed=%d", seed)
		m.wls = append(m.wls, wl)
	}

	m.gpu = newGPUModel(m.specs)
	c := newCluster(m.specs...)
	if seed%2 == 0 {
		sched.IndexEager(c)
	}
	policies := []sched.Policy{sched.FirstFit, sched.BestFit, sched.Spread}
	var trace strings.Builder
	fmt.Fprintf(&trace, "seed=%d blades=%d\n", seed, len(m.specs))
	release := func(k sched.Key) {
		c.Release(k)
		m.release(k)
		fmt.Fprintf(&trace, "release %s\n", k)
	}
	for step := range 200 {
		at := fmt.Sprintf("seed=%d step=%d", seed, step)
		switch op := r.Uint64N(10); {
		case op < 6: // place an instance not held, and hold it
			w, i, k, ok := m.unheld(r)
			if !ok {
				continue
			}
			wl, in := m.wls[w], &m.wls[w].Instances[i]
			p := policies[r.Uint64N(uint64(len(policies)))]
			d := c.Place(p, wl, uint32(w), i)
			require.Equal(t, sched.PlaceScan(c, p, wl, uint32(w), i), d, "%s %s", at, p.Name())
			trace.WriteString(d.Reason.String() + "\n")

			require.Equal(t, modelChoice(m, p, w, i), int(d.Blade), "%s %s: %s", at, p.Name(), d.Reason.String())
			if d.Blade < 0 {
				continue
			}
			devs, _, _ := m.gpu.choose(int(d.Blade), in)
			require.NoError(t, c.Hold(d.Blade, k, wl, i), at)
			require.Equal(t, devs, c.HeldDevices(k), "%s: %s", at, d.Reason.String())
			m.hold(k, d.Blade, w, i)
		case op < 8:
			if len(m.keys) > 0 {
				release(m.keys[r.Uint64N(uint64(len(m.keys)))])
			}
		default: // a blade fails (its instances are released, to move) or comes back
			b := int(r.Uint64N(uint64(len(m.specs))))
			if m.specs[b].notSchedulable == "" {
				m.specs[b].notSchedulable = "is failed"
				for _, k := range c.Instances(int32(b)) {
					release(k)
				}
			} else {
				m.specs[b].notSchedulable = ""
			}
			c.SetSchedulable(int32(b), m.specs[b].notSchedulable == "", m.specs[b].notSchedulable)
		}
		m.gpu.check(t, c, m, at)
		if step%25 == 24 {
			require.NoError(t, sched.CheckIndex(c), at)
		}
	}
	require.NoError(t, sched.CheckIndex(c), "seed=%d", seed)
	return trace.String()
}

// check compares the scheduler's device books with the model's and with
// the sum of the holds, and asserts the device invariants.
func (g *gpuModel) check(t *testing.T, c *sched.Cluster, m *model, at string) {
	sum := make([][]int32, len(g.used))
	for b := range sum {
		sum[b] = make([]int32, len(g.used[b]))
	}
	for _, k := range m.keys {
		h := m.holds[k]
		in := &m.wls[h.w].Instances[h.i]
		devs := c.HeldDevices(k)
		require.Equal(t, g.devs[k], devs, "%s: %s", at, k)
		require.True(t, slices.IsSorted(devs) && len(slices.Compact(slices.Clone(devs))) == len(devs), "%s: %s takes distinct devices", at, k)
		for _, d := range devs {
			sum[h.blade][d] += g.per[k]
			if ms := in.Requires.GPUs.Models; len(ms) > 0 {
				require.True(t, slices.ContainsFunc(ms, func(x string) bool { return strings.EqualFold(x, g.models[h.blade][d]) }),
					"%s: %s on device %d of model %s", at, k, d, g.models[h.blade][d])
			}
		}
		if n := in.Requires.GPUs.Count; n > 0 {
			require.Len(t, devs, int(n), at)
		}
	}
	for b := range g.used {
		devs := c.Devices(int32(b))
		require.Len(t, devs, len(g.used[b]), at)
		var total int64
		for d, dv := range devs {
			require.Equal(t, g.used[b][d], dv.UsedMilli, "%s: blade %d device %d", at, b, d)
			require.Equal(t, sum[b][d], dv.UsedMilli, "%s: blade %d device %d is not the sum of its holds", at, b, d)
			require.True(t, dv.UsedMilli >= 0 && dv.UsedMilli <= 1000, "%s: blade %d device %d has %d milli-GPU in use", at, b, d, dv.UsedMilli)
			require.True(t, strings.EqualFold(g.models[b][d], dv.Model), at)
			total += int64(dv.UsedMilli)
		}
		require.Equal(t, total, c.Used(int32(b)).GPUMilli, at)
	}
}
