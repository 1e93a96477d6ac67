package sched_test

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// TestPlaceProperties places random workloads on random clusters and checks
// every decision against a brute-force model written without the package's
// data structures: capacity is never exceeded, strong rules always hold, a
// wait means nothing allowed fits, a placement is the policy's best allowed
// blade (preferring those that honour a weak rule), and every reason names
// its instance. Holding the same set in reverse order changes no decision.
// Each seed runs twice and must give the same trace, and the
// hash of all traces is pinned, so native and wasm must agree bit for bit.
// When a change of behaviour is intended, update tracesHash and say why in
// the commit.
func TestPlaceProperties(t *testing.T) {
	require.Equal(t, tracesHash, tracesHashOf(t, 300, runScenario))
}

// tracesHashOf runs each seed from 1 to seeds twice, requires the same
// trace both times, and hashes all the traces.
func tracesHashOf(t *testing.T, seeds uint64, run func(*testing.T, uint64) string) string {
	h := fnv.New64a()
	for seed := uint64(1); seed <= seeds; seed++ {
		a := run(t, seed)
		require.Equal(t, a, run(t, seed), "seed=%d: not deterministic", seed)
		h.Write([]byte(a))
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

const tracesHash = "2c3467eb25804692"

// model is the brute-force truth: the cluster as plain data.
type model struct {
	specs   []bladeSpec
	used    [][4]int64
	accUsed []map[string]int
	holds   map[sched.Key]modelHold
	keys    []sched.Key // in hold order, for deterministic release picks
	wls     []*sched.Workload
	gpu     *gpuModel // GPU devices (gpu_property_test.go); nil: accelerators are counted by name, as before GPUs
}

type modelHold struct {
	blade int32
	w, i  int
}

func need(in *sched.Instance) [4]int64 {
	return [4]int64{int64(in.Requires.Cores), in.Requires.MemoryMB, in.DiskGB(), in.Requires.NetworkMbps}
}

func (m *model) capacity(b int) [4]int64 {
	s := m.specs[b]
	return [4]int64{s.cores * 1000, s.memMB, s.diskGB, s.netMbps}
}

func (m *model) fits(b int, in *sched.Instance) bool {
	s := m.specs[b]
	if s.notSchedulable != "" {
		return false
	}
	if in.Requires.Arch != "" && !strings.EqualFold(in.Requires.Arch, s.arch) {
		return false
	}
	capacity, n := m.capacity(b), need(in)
	for k := range n {
		if m.used[b][k]+n[k] > capacity[k] {
			return false
		}
	}
	if m.gpu != nil {
		_, _, ok := m.gpu.choose(b, in)
		return ok
	}
	want := map[string]int{}
	for _, a := range in.Requires.Accelerators {
		want[strings.ToLower(a)]++
	}
	for name, count := range want {
		have := 0
		for _, a := range s.accelerators {
			if strings.EqualFold(a, name) {
				have++
			}
		}
		if have-m.accUsed[b][name] < count {
			return false
		}
	}
	return true
}

func (m *model) domain(d sched.Domain, b int) [2]int32 {
	s := m.specs[b]
	switch d {
	case sched.DomainBlade:
		return [2]int32{-1, int32(b)}
	case sched.DomainRack:
		return [2]int32{s.zone, s.rack}
	}
	return [2]int32{s.zone, -1}
}

// rules reports whether blade b is allowed by w's strong rule and honours
// its weak rule, for an instance of group g.
func (m *model) rules(w int, g int64, b int) (allowed, honours bool) {
	wl := m.wls[w]
	dom := m.domain(wl.Domain, b)
	groupPlaced, groupHere, otherHere := false, false, false
	for _, h := range m.holds {
		if h.w != w {
			continue
		}
		same := wl.Instances[h.i].AffinityGroup == g
		here := m.domain(wl.Domain, int(h.blade)) == dom
		groupPlaced = groupPlaced || same
		groupHere = groupHere || (same && here)
		otherHere = otherHere || (!same && here)
	}
	switch wl.Affinity {
	case sched.StrongAffinity:
		return !groupPlaced || groupHere, true
	case sched.StrongAntiAffinity:
		return !otherHere, true
	case sched.WeakAffinity:
		return true, !groupPlaced || groupHere
	case sched.WeakAntiAffinity:
		return true, !otherHere
	}
	return true, true
}

// testCustom is the custom policy the model knows: at most two
// instances a blade, twice the memory asked for free, then the most cores
// left with a nudge by index (so ties are few but happen).
var testCustom = sched.CustomSpec{
	Filter: "blade.instances < 2 && blade.free_memory_mb >= request.memory_mb * 2",
	Score:  "blade.free_cores - 2 * request.cores + blade.index % 3",
}

// admit is the model's testCustom filter (true for the other policies).
func (m *model) admit(p sched.Policy, b int, in *sched.Instance) bool {
	if p.Name() != sched.CustomName {
		return true
	}
	n := 0
	for _, k := range m.keys {
		if m.holds[k].blade == int32(b) {
			n++
		}
	}
	return n < 2 && m.capacity(b)[1]-m.used[b][1] >= need(in)[1]*2
}

func (m *model) score(p sched.Policy, b int, in *sched.Instance) int64 {
	switch p.Name() {
	case "first-fit":
		return 0
	case sched.CustomName:
		return m.capacity(b)[0] - m.used[b][0] - 2*need(in)[0] + int64(b%3)
	}
	capacity, n := m.capacity(b), need(in)
	var sum int64
	for k := range n {
		if capacity[k] > 0 {
			sum += (capacity[k] - m.used[b][k] - n[k]) * 1_000_000 / capacity[k]
		}
	}
	if m.gpu != nil {
		sum += m.gpu.headroom(b, in)
	}
	if p.Name() == "best-fit" {
		return -sum
	}
	return sum
}

func (m *model) hold(k sched.Key, b int32, w, i int) {
	in := &m.wls[w].Instances[i]
	n := need(in)
	for d := range n {
		m.used[b][d] += n[d]
	}
	for _, a := range in.Requires.Accelerators {
		m.accUsed[b][strings.ToLower(a)]++
	}
	if m.gpu != nil {
		m.gpu.hold(k, int(b), in)
	}
	m.holds[k] = modelHold{b, w, i}
	m.keys = append(m.keys, k)
}

func (m *model) release(k sched.Key) {
	h := m.holds[k]
	in := &m.wls[h.w].Instances[h.i]
	n := need(in)
	for d := range n {
		m.used[h.blade][d] -= n[d]
	}
	for _, a := range in.Requires.Accelerators {
		m.accUsed[h.blade][strings.ToLower(a)]--
	}
	if m.gpu != nil {
		m.gpu.release(k, int(h.blade))
	}
	delete(m.holds, k)
	m.keys = slices.DeleteFunc(m.keys, func(x sched.Key) bool { return x == k })
}

func randomScenario(r *rng.Source) *model {
	m := &model{holds: map[sched.Key]modelHold{}}
	archs := []string{"x86_64", "x86_64", "X86_64", "arm64"}
	for z := range r.Range(1, 3) {
		for k := range r.Range(1, 3) {
			for range r.Range(1, 4) {
				s := bladeSpec{zone: int32(z + 1), rack: int32(k + 1), cores: r.Range(1, 8), memMB: r.Range(1, 16) * 512,
					diskGB: r.Range(0, 4) * 100, netMbps: r.Range(0, 2) * 500, arch: archs[r.Uint64N(uint64(len(archs)))]}
				switch r.Uint64N(6) {
				case 0:
					s.accelerators = []string{"gpu"}
				case 1:
					s.accelerators = []string{"GPU", "fpga", "gpu"}
				}
				if r.Uint64N(6) == 0 {
					s.notSchedulable = "is out_for_repair"
				}
				m.specs = append(m.specs, s)
				m.used = append(m.used, [4]int64{})
				m.accUsed = append(m.accUsed, map[string]int{})
			}
		}
	}
	for w := range r.Range(1, 4) {
		wl := &sched.Workload{Name: fmt.Sprintf("w%d", w), Affinity: sched.Affinity(r.Uint64N(5)), Domain: sched.Domain(r.Uint64N(3))}
		for i := range r.Range(1, 10) {
			in := sched.Instance{Name: fmt.Sprintf("i%d", i), AffinityGroup: r.Range(0, 2), Requires: sched.Requirements{
				Cores: sched.Milli(r.Range(1, 16) * 250), MemoryMB: r.Range(0, 8) * 512, NetworkMbps: r.Range(0, 2) * 200}}
			for v := range r.Range(0, 2) {
				in.Volumes = append(in.Volumes, sched.Volume{Name: fmt.Sprintf("v%d", v), SizeGB: r.Range(0, 3) * 50})
			}
			if r.Uint64N(6) == 0 {
				in.Requires.Arch = "arm64"
			}
			if r.Uint64N(8) == 0 {
				in.Requires.Accelerators = []string{"gpu"}
			}
			wl.Instances = append(wl.Instances, in)
		}
		m.wls = append(m.wls, wl)
	}
	return m
}

func runScenario(t *testing.T, seed uint64) string {
	r := rng.New(seed, 1)
	m := randomScenario(r)
	c := newCluster(m.specs...)
	p := []sched.Policy{sched.FirstFit, sched.BestFit, sched.Spread}[r.Uint64N(3)]
	var trace strings.Builder
	fmt.Fprintf(&trace, "seed=%d policy=%s blades=%d\n", seed, p.Name(), len(m.specs))
	for w, wl := range m.wls {
		require.NoError(t, wl.Validate(), "seed=%d", seed)
		for i := range wl.Instances {
			in := &wl.Instances[i]
			at := fmt.Sprintf("seed=%d %s %s/%s", seed, wl.Affinity, wl.Name, in.Name)
			d := c.Place(p, wl, uint32(w), i)
			trace.WriteString(d.Reason.String() + "\n")
			require.NotEmpty(t, d.Reason.String(), at)                      // (d)
			require.Contains(t, d.Reason.String(), wl.Name+"/"+in.Name, at) // (d)

			// The model's answer: allowed candidates, those honouring a weak
			// rule if any do, and the policy's best of them.
			var allowed, honouring []int
			for b := range m.specs {
				if !m.fits(b, in) {
					continue
				}
				ok, honours := m.rules(w, in.AffinityGroup, b)
				if ok {
					allowed = append(allowed, b)
					if honours {
						honouring = append(honouring, b)
					}
				}
			}
			if d.Blade < 0 {
				require.Empty(t, allowed, "%s waits but fits: %s", at, d.Reason.String()) // (c), and the same for every rule
				continue
			}
			require.Contains(t, allowed, int(d.Blade), "%s: %s", at, d.Reason.String()) // (b) before the hold
			candidates := allowed
			if len(honouring) > 0 {
				candidates = honouring
				require.NotContains(t, d.Reason.String(), "could not be honoured", at)
			} else if wl.Affinity == sched.WeakAffinity || wl.Affinity == sched.WeakAntiAffinity {
				require.Contains(t, d.Reason.String(), "could not be honoured", at)
			}
			best := candidates[0]
			for _, b := range candidates {
				if m.score(p, b, in) > m.score(p, best, in) {
					best = b
				}
			}
			require.Equal(t, best, int(d.Blade), "%s: %s", at, d.Reason.String())

			k := sched.Key{Workload: uint32(w), Instance: uint32(i)}
			require.NoError(t, c.Hold(d.Blade, k, wl, i), at)
			m.hold(k, d.Blade, w, i)
			if len(m.keys) > 0 && r.Uint64N(8) == 0 {
				k := m.keys[r.Uint64N(uint64(len(m.keys)))]
				c.Release(k)
				m.release(k)
				fmt.Fprintf(&trace, "release %s\n", k)
			}
			m.check(t, c, seed)
		}
	}

	// A snapshot restores holds in whatever order it wrote them: Place
	// must depend only on the set of holds.
	restored := newCluster(m.specs...)
	for i := len(m.keys) - 1; i >= 0; i-- {
		h := m.holds[m.keys[i]]
		require.NoError(t, restored.Hold(h.blade, m.keys[i], m.wls[h.w], h.i))
	}
	for w, wl := range m.wls {
		for i := range wl.Instances {
			require.Equal(t, decidedOf(c.Place(p, wl, uint32(w), i)), decidedOf(restored.Place(p, wl, uint32(w), i)), "seed=%d: restore order matters", seed)
		}
	}
	return trace.String()
}

// check compares the books with the model and asserts the invariants.
func (m *model) check(t *testing.T, c *sched.Cluster, seed uint64) {
	for b := range m.specs {
		used, capacity := c.Used(int32(b)), m.capacity(b)
		got := [4]int64{int64(used.MilliCores), used.MemoryMB, used.DiskGB, used.NetworkMbps}
		require.Equal(t, m.used[b], got, "seed=%d blade %d", seed, b)
		for k := range got {
			require.LessOrEqual(t, got[k], capacity[k], "seed=%d blade %d over capacity", seed, b) // (a)
		}
		require.LessOrEqual(t, len(used.Accelerators), len(m.specs[b].accelerators), "seed=%d blade %d", seed, b)
	}
	for _, k := range m.keys { // (b): strong rules over everything held
		h := m.holds[k]
		wl := m.wls[h.w]
		for _, k2 := range m.keys {
			h2 := m.holds[k2]
			if h2.w != h.w {
				continue
			}
			same := wl.Instances[h.i].AffinityGroup == wl.Instances[h2.i].AffinityGroup
			shared := m.domain(wl.Domain, int(h.blade)) == m.domain(wl.Domain, int(h2.blade))
			switch wl.Affinity {
			case sched.StrongAffinity:
				require.False(t, same && !shared, "seed=%d %s: %s and %s split their group", seed, wl.Name, k, k2)
			case sched.StrongAntiAffinity:
				require.False(t, !same && shared, "seed=%d %s: %s and %s share a %s", seed, wl.Name, k, k2, wl.Domain)
			}
		}
	}
}
