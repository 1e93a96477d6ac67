package sched_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// The three policies choose differently on the same cluster. Headroom is
// the sum over dimensions of free-after/capacity in millionths.
func TestPoliciesChooseDifferently(t *testing.T) {
	type held struct {
		blade int32
		cores sched.Milli
		memMB int64
	}
	sized := func(cores, memMB, diskGB, net int64) bladeSpec {
		return bladeSpec{zone: 1, rack: 1, cores: cores, memMB: memMB, diskGB: diskGB, netMbps: net}
	}
	tests := []struct {
		name                    string
		blades                  []bladeSpec
		held                    []held
		need                    sched.Instance
		firstFit, bestFit, wide int32 // wide: spread
	}{
		{
			// headroom after 2 cores, 4 GB: 3.5M, 3.0M, 3.75M
			name:     "blade sizes differ",
			blades:   []bladeSpec{sized(8, 16384, 100, 1000), sized(4, 8192, 100, 1000), sized(16, 32768, 100, 1000)},
			need:     inst("i", 0, 2*sched.Core, 4096),
			firstFit: 0, bestFit: 1, wide: 2,
		},
		{
			// equal blades, different usage; after 1 core, 1 GB: 3.3125M, 2.3125M, 3.8125M, 2.8125M
			name:     "usage differs on equal blades",
			blades:   []bladeSpec{sized(8, 16384, 100, 1000), sized(8, 16384, 100, 1000), sized(8, 16384, 100, 1000), sized(8, 16384, 100, 1000)},
			held:     []held{{0, 2 * sched.Core, 4096}, {1, 6 * sched.Core, 12288}, {3, 4 * sched.Core, 8192}},
			need:     inst("i", 0, sched.Core, 1024),
			firstFit: 0, bestFit: 1, wide: 2,
		},
		{
			// blade 0 is too small; after 2 cores, 2 GB: -, 3.625M, 2.5M, 3.8125M
			name:     "first-fit skips a blade too small",
			blades:   []bladeSpec{sized(1, 2048, 100, 1000), sized(8, 16384, 100, 1000), sized(4, 8192, 100, 1000), sized(16, 32768, 100, 1000)},
			held:     []held{{2, 2 * sched.Core, 2048}},
			need:     inst("i", 0, 2*sched.Core, 2048),
			firstFit: 1, bestFit: 2, wide: 3,
		},
		{
			// equal but for disk; after 1 core, 1 GB, 50 GB: 3.575M, 3.125M, 3.62M
			name:   "disk counts",
			blades: []bladeSpec{sized(4, 8192, 1000, 1000), sized(4, 8192, 100, 1000), sized(4, 8192, 10000, 1000)},
			need: sched.Instance{Name: "i", Requires: sched.Requirements{Cores: sched.Core, MemoryMB: 1024},
				Volumes: []sched.Volume{{Name: "data", SizeGB: 50}}},
			firstFit: 0, bestFit: 1, wide: 2,
		},
		{
			// blade 0 has no network, so that dimension is skipped: 2.625M vs 3.625M
			name:     "a dimension the blade lacks is skipped",
			blades:   []bladeSpec{sized(4, 8192, 100, 0), sized(4, 8192, 100, 1000)},
			need:     inst("i", 0, sched.Core, 1024),
			firstFit: 0, bestFit: 0, wide: 1,
		},
		{
			name:     "ties go to the lowest index",
			blades:   []bladeSpec{sized(1, 1024, 100, 1000), sized(4, 8192, 100, 1000), sized(4, 8192, 100, 1000)},
			need:     inst("i", 0, 2*sched.Core, 1024),
			firstFit: 1, bestFit: 1, wide: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []struct {
				name string
				want int32
			}{{"first-fit", tt.firstFit}, {"best-fit", tt.bestFit}, {"spread", tt.wide}} {
				c := newCluster(tt.blades...)
				for i, h := range tt.held {
					pre := inst("pre", 0, h.cores, h.memMB)
					require.NoError(t, c.Hold(h.blade, sched.Key{Workload: 99, Instance: uint32(i)}, alone(pre), 0))
				}
				policy, err := sched.PolicyByName(p.name)
				require.NoError(t, err)
				w := workload("web", sched.AffinityNone, sched.DomainRack, tt.need)
				d := c.Place(policy, w, 1, 0)
				require.Equal(t, p.want, d.Blade, "%s: %s", p.name, d.Reason.String())
				require.Contains(t, d.Reason.String(), "web/i on "+c.Path(p.want)+" ("+p.name+": leaves ")
			}
		})
	}
}

func TestPolicyByName(t *testing.T) {
	require.Equal(t, []string{"first-fit", "best-fit", "spread", "random", "dot-product", "gpu-clustering", "gpu-packing", "gpu-best-fit", "fgd"}, sched.Policies())
	for _, name := range sched.Policies() {
		p, err := sched.PolicyByName(name)
		require.NoError(t, err)
		require.Equal(t, name, p.Name())
	}
	_, err := sched.PolicyByName("worst-fit")
	require.EqualError(t, err, `sched: unknown policy "worst-fit" (want one of first-fit, best-fit, spread, random, dot-product, gpu-clustering, gpu-packing, gpu-best-fit, fgd)`)
}

func TestPlacingReason(t *testing.T) {
	c := newCluster(small(1, 1), small(1, 1))
	w := workload("web", sched.AffinityNone, sched.DomainRack, inst("i3", 0, 2500, 6144))
	d := c.Place(sched.BestFit, w, 1, 0)
	require.Equal(t, int32(0), d.Blade)
	require.Equal(t, "web/i3 on region1/zone1/rack1/blade/0 (best-fit: leaves 1.5 cores, 2048 MB)", d.Reason.String())

	// A plain placement keeps its numbers and makes its message when asked;
	// the message, kept as one (a snapshot's), is the same reason.
	m := d.Reason.Message()
	require.Equal(t, d.Reason.Code(), m.Code())
	require.Equal(t, m.Args(), d.Reason.AppendArgs(nil))
	back := sched.ReasonOf(m)
	require.Equal(t, d.Reason.String(), back.String())
	require.Equal(t, d.Reason.Code(), back.Code())
	require.Equal(t, m.Args(), back.AppendArgs(nil))
	require.False(t, d.Reason.IsZero())
	require.True(t, sched.Reason{}.IsZero())
	require.NoError(t, c.Hold(d.Blade, sched.Key{Workload: 1}, w, 0))
	require.Equal(t, m.String(), d.Reason.String(), "the blade's books changed, the reason did not")
}

func TestWaitReason(t *testing.T) {
	specs := []bladeSpec{small(1, 1), small(1, 2), small(1, 2), small(1, 3), small(1, 3), small(1, 3)}
	specs[1].notSchedulable = "is out_for_repair"
	specs[2].notSchedulable = "rack rack2 is not in service"
	specs[3].cores = 2
	c := newCluster(specs...)
	w := workload("web", sched.StrongAntiAffinity, sched.DomainRack,
		inst("i1", 1, 3*sched.Core, 1024), inst("i2", 2, 3*sched.Core, 1024), inst("i3", 3, 4*sched.Core, 1024))
	ds := placeAll(t, c, sched.FirstFit, w, 1)
	require.Equal(t, []int32{0, 4, -1}, blades(ds))
	require.Equal(t, "web/i3 waits: none of 6 blades fits: 2 not schedulable (e.g. region1/zone1/rack2/blade/1 is out_for_repair), "+
		"3 lack cores (needs 4, most free 2), 1 excluded by strong anti-affinity over racks", ds[2].Reason.String())

	c = sched.NewCluster([]sched.Blade{{Path: "b0"}})
	d := c.Place(sched.Spread, w, 1, 0)
	require.Equal(t, "web/i1 waits: the only blade does not fit: 1 not schedulable (e.g. b0 never marked schedulable)", d.Reason.String())
	d = sched.NewCluster(nil).Place(sched.Spread, w, 1, 0)
	require.Equal(t, int32(-1), d.Blade)
	require.Equal(t, "web/i1 waits: the cluster has no blades", d.Reason.String())
}

// Every dimension blocks on its own; a blade one unit bigger takes it.
func TestEveryDimensionBlocks(t *testing.T) {
	base := small(1, 1) // 4 cores, 8192 MB, 1000 GB, 10000 Mbps
	tests := []struct {
		name   string
		blade  func(b *bladeSpec)
		need   sched.Instance
		reason string
	}{
		{"cores", nil, inst("i", 0, 4001, 0), "1 lack cores (needs 4.001, most free 4)"},
		{"memory", nil, inst("i", 0, 1, 8193), "1 lack memory (needs 8193 MB, most free 8192 MB)"},
		{"disk via volumes", nil, sched.Instance{Name: "i", Requires: sched.Requirements{Cores: 1},
			Volumes: []sched.Volume{{Name: "a", SizeGB: 600}, {Name: "b", SizeGB: 401}}}, "1 lack disk (needs 1001 GB, most free 1000 GB)"},
		{"network", nil, sched.Instance{Name: "i", Requires: sched.Requirements{Cores: 1, NetworkMbps: 10_001}},
			"1 lack network (needs 10001 Mbps, most free 10000 Mbps)"},
		{"arch", func(b *bladeSpec) { b.arch = "x86_64" }, sched.Instance{Name: "i", Requires: sched.Requirements{Cores: 1, Arch: "arm64"}},
			"1 have another arch (needs arm64)"},
		{"accelerators", func(b *bladeSpec) { b.accelerators = []string{"gpu"} },
			sched.Instance{Name: "i", Requires: sched.Requirements{Cores: 1, Accelerators: []string{"gpu", "gpu"}}},
			"1 lack accelerators (needs gpu, gpu)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := base
			if tt.blade != nil {
				tt.blade(&b)
			}
			w := workload("web", sched.AffinityNone, sched.DomainRack, tt.need)
			d := newCluster(b).Place(sched.FirstFit, w, 1, 0)
			require.Equal(t, int32(-1), d.Blade)
			require.Equal(t, "web/i waits: the only blade does not fit: "+tt.reason, d.Reason.String())
		})
	}

	t.Run("a blade that has enough of each fits", func(t *testing.T) {
		c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 5, memMB: 9000, diskGB: 1001, netMbps: 10_001, arch: "ARM64",
			accelerators: []string{"gpu", "fpga", "GPU"}})
		in := sched.Instance{Name: "i", Requires: sched.Requirements{Cores: 4001, MemoryMB: 8193, NetworkMbps: 10_001,
			Arch: "arm64", Accelerators: []string{"gpu", "gpu"}}, Volumes: []sched.Volume{{Name: "a", SizeGB: 1001}}}
		d := c.Place(sched.FirstFit, workload("web", sched.AffinityNone, sched.DomainRack, in), 1, 0)
		require.Equal(t, int32(0), d.Blade, d.Reason.String())
	})
}

func TestFractionalCores(t *testing.T) {
	c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 1, memMB: 1024})
	half := sched.Milli(500)
	w := workload("web", sched.AffinityNone, sched.DomainRack, inst("a", 0, half, 1), inst("b", 0, half, 1), inst("c", 0, half, 1))
	ds := placeAll(t, c, sched.BestFit, w, 1)
	require.Equal(t, []int32{0, 0, -1}, blades(ds))
	require.Equal(t, "web/c waits: the only blade does not fit: 1 lack cores (needs 0.5, most free 0)", ds[2].Reason.String())
	require.Equal(t, sched.Milli(0), c.Free(0).MilliCores)
}

func TestAcceleratorsAreConsumed(t *testing.T) {
	c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 8, memMB: 8192, accelerators: []string{"gpu", "fpga"}})
	gpu := sched.Instance{Name: "g1", Requires: sched.Requirements{Cores: 1, Accelerators: []string{"GPU"}}}
	gpu2 := gpu
	gpu2.Name = "g2"
	plain := inst("p", 0, 1, 0)
	w := workload("ml", sched.AffinityNone, sched.DomainRack, gpu, gpu2, plain)
	ds := placeAll(t, c, sched.FirstFit, w, 1)
	require.Equal(t, []int32{0, -1, 0}, blades(ds))
	require.Equal(t, []string{"fpga"}, c.Free(0).Accelerators)
	require.Equal(t, []string{"gpu"}, c.Used(0).Accelerators)
	require.Equal(t, []string{"fpga", "gpu"}, c.Total(0).Accelerators)

	c.Release(sched.Key{Workload: 1, Instance: 0})
	require.Equal(t, int32(0), c.Place(sched.FirstFit, w, 1, 1).Blade, "a released accelerator is free again")

	missing := sched.Instance{Name: "t", Requires: sched.Requirements{Cores: 1, Accelerators: []string{"tpu"}}}
	d := c.Place(sched.FirstFit, workload("ml", sched.AffinityNone, sched.DomainRack, missing), 1, 0)
	require.Equal(t, int32(-1), d.Blade)
	require.Contains(t, d.Reason.String(), "1 lack accelerators (needs tpu)")
}

func TestHoldReleaseRoundTrip(t *testing.T) {
	c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 4, memMB: 8192, diskGB: 100, netMbps: 1000, accelerators: []string{"gpu"}})
	before := c.Free(0)
	require.Equal(t, sched.Usage{MilliCores: 4000, MemoryMB: 8192, DiskGB: 100, NetworkMbps: 1000, Accelerators: []string{"gpu"}, GPUMilli: 1000}, before)

	in := sched.Instance{Name: "i", Requires: sched.Requirements{Cores: 1250, MemoryMB: 1000, NetworkMbps: 10, Accelerators: []string{"gpu"}},
		Volumes: []sched.Volume{{Name: "v", SizeGB: 30}, {Name: "w", SizeGB: 5}}}
	k := sched.Key{Workload: 7, Instance: 3}
	require.NoError(t, c.Hold(0, k, alone(in), 0))
	require.Equal(t, sched.Usage{MilliCores: 2750, MemoryMB: 7192, DiskGB: 65, NetworkMbps: 990}, c.Free(0))
	require.Equal(t, sched.Usage{MilliCores: 1250, MemoryMB: 1000, DiskGB: 35, NetworkMbps: 10, Accelerators: []string{"gpu"}, GPUMilli: 1000}, c.Used(0))
	b, ok := c.Placement(k)
	require.True(t, ok)
	require.Equal(t, int32(0), b)
	require.Equal(t, []sched.Key{k}, c.Instances(0))

	require.EqualError(t, c.Hold(0, k, alone(in), 0), "sched: hold 7/3 on region1/zone1/rack1/blade/0: already held on region1/zone1/rack1/blade/0")
	require.EqualError(t, c.Hold(0, sched.Key{Workload: 7, Instance: 4}, alone(in), 0),
		"sched: hold 7/4 (i) on region1/zone1/rack1/blade/0: needs accelerators gpu, has none free")
	big := inst("big", 0, 3*sched.Core, 0)
	require.EqualError(t, c.Hold(0, sched.Key{Workload: 7, Instance: 5}, alone(big), 0),
		"sched: hold 7/5 (big) on region1/zone1/rack1/blade/0: needs 3 cores, 2.75 cores free")
	neg := inst("neg", 0, 1, -5)
	require.Error(t, c.Hold(0, sched.Key{Workload: 7, Instance: 6}, alone(neg), 0))
	require.Equal(t, []sched.Key{k}, c.Instances(0), "failed holds change nothing")

	c.Release(k)
	require.Equal(t, before, c.Free(0))
	require.Equal(t, sched.Usage{}, c.Used(0))
	_, ok = c.Placement(k)
	require.False(t, ok)
	require.Empty(t, c.Instances(0))
	c.Release(k) // no-op
	require.Equal(t, before, c.Free(0))
}

// A workload's holds share its rule and domain: the books of a workload
// with a rule are kept over its domain only, and one without keeps none.
func TestHoldKeepsTheWorkloadsRule(t *testing.T) {
	c := newCluster(small(1, 1), small(1, 2), small(1, 2))
	anti := workload("anti", sched.StrongAntiAffinity, sched.DomainRack, inst("a", 0, 1, 1), inst("b", 1, 1, 1), inst("c", 2, 1, 1))
	require.NoError(t, c.Hold(0, sched.Key{Workload: 1, Instance: 0}, anti, 0))
	overBlades := workload("anti", sched.StrongAntiAffinity, sched.DomainBlade, anti.Instances...)
	require.EqualError(t, c.Hold(1, sched.Key{Workload: 1, Instance: 1}, overBlades, 1),
		"sched: hold 1/1 (b) on region1/zone1/rack2/blade/1: workload 1 holds under strong-anti-affinity over a rack, not strong-anti-affinity over a blade")
	require.Panics(t, func() { c.Place(sched.FirstFit, overBlades, 1, 1) }, "the books are over racks")
	require.Equal(t, int32(1), c.Place(sched.FirstFit, anti, 1, 1).Blade)

	// Once the workload holds nothing, its wid may hold under another rule.
	c.Release(sched.Key{Workload: 1, Instance: 0})
	require.NoError(t, c.Hold(1, sched.Key{Workload: 1, Instance: 1}, overBlades, 1))
	require.Equal(t, int32(0), c.Place(sched.FirstFit, overBlades, 1, 2).Blade)

	// Holds of one demand share it; a released demand's books are reused.
	plain := workload("plain", sched.AffinityNone, sched.DomainRack, inst("x", 0, 250, 256), inst("y", 0, 250, 256), inst("z", 0, 500, 512))
	for i := range plain.Instances {
		require.NoError(t, c.Hold(2, sched.Key{Workload: 2, Instance: uint32(i)}, plain, i))
	}
	require.Equal(t, sched.Usage{MilliCores: 1000, MemoryMB: 1024}, c.Used(2))
	c.Release(sched.Key{Workload: 2, Instance: 0})
	require.Equal(t, sched.Usage{MilliCores: 750, MemoryMB: 768}, c.Used(2))
	c.Release(sched.Key{Workload: 2, Instance: 2})
	require.Equal(t, sched.Usage{MilliCores: 250, MemoryMB: 256}, c.Used(2))
	require.NoError(t, c.Hold(2, sched.Key{Workload: 2, Instance: 2}, plain, 2))
	c.Release(sched.Key{Workload: 2, Instance: 1})
	require.Equal(t, sched.Usage{MilliCores: 500, MemoryMB: 512}, c.Used(2))
	c.Release(sched.Key{Workload: 2, Instance: 2})
	require.Equal(t, sched.Usage{}, c.Used(2))
}

func TestInstancesSorted(t *testing.T) {
	c := newCluster(bladeSpec{zone: 1, rack: 1, cores: 100, memMB: 100})
	in := inst("i", 0, 1, 1)
	for _, k := range []sched.Key{{2, 1}, {1, 9}, {1, 2}, {3, 0}} {
		require.NoError(t, c.Hold(0, k, alone(in), 0))
	}
	require.Equal(t, []sched.Key{{1, 2}, {1, 9}, {2, 1}, {3, 0}}, c.Instances(0))
}

// affinityCluster has 2 zones × 2 racks × 2 blades of 4 cores.
func affinityCluster() *sched.Cluster {
	var specs []bladeSpec
	for z := int32(1); z <= 2; z++ {
		for r := int32(1); r <= 2; r++ {
			specs = append(specs, small(z, 10*z+r), small(z, 10*z+r))
		}
	}
	return newCluster(specs...)
}

// domainOf names blade b's fault domain in affinityCluster.
func domainOf(d sched.Domain, b int32) int32 {
	switch d {
	case sched.DomainBlade:
		return b
	case sched.DomainRack:
		return b / 2
	}
	return b / 4
}

func TestStrongAffinityKeepsAGroupInOneDomain(t *testing.T) {
	for _, dom := range []sched.Domain{sched.DomainBlade, sched.DomainRack, sched.DomainZone} {
		t.Run(dom.String(), func(t *testing.T) {
			c := affinityCluster()
			perDomain := map[sched.Domain]int{sched.DomainBlade: 4, sched.DomainRack: 8, sched.DomainZone: 16}[dom]
			var insts []sched.Instance
			for i := range perDomain + 1 { // one more than the domain holds
				insts = append(insts, inst("a"+string(rune('a'+i)), 5, sched.Core, 100))
			}
			insts = append(insts, inst("other", 6, sched.Core, 100))
			w := workload("web", sched.StrongAffinity, dom, insts...)
			ds := placeAll(t, c, sched.Spread, w, 1)
			first := domainOf(dom, ds[0].Blade)
			for _, d := range ds[:perDomain] {
				require.GreaterOrEqual(t, d.Blade, int32(0), d.Reason.String())
				require.Equal(t, first, domainOf(dom, d.Blade), d.Reason.String())
			}
			last := ds[perDomain]
			require.Equal(t, int32(-1), last.Blade)
			require.Contains(t, last.Reason.String(), "excluded by strong affinity over "+dom.String()+"s (group 5 is held in another "+dom.String()+")")
			require.GreaterOrEqual(t, ds[perDomain+1].Blade, int32(0), "another group is not bound to group 5")
		})
	}
}

func TestStrongAntiAffinityNeverSharesADomain(t *testing.T) {
	for _, tt := range []struct {
		dom     sched.Domain
		domains int
	}{{sched.DomainBlade, 8}, {sched.DomainRack, 4}, {sched.DomainZone, 2}} {
		t.Run(tt.dom.String(), func(t *testing.T) {
			c := affinityCluster()
			var insts []sched.Instance
			for g := range tt.domains + 1 {
				insts = append(insts, inst("g"+string(rune('a'+g)), int64(g), sched.Core, 100))
			}
			insts = append(insts, inst("again", 0, sched.Core, 100)) // group 0 may share with itself
			w := workload("web", sched.StrongAntiAffinity, tt.dom, insts...)
			ds := placeAll(t, c, sched.FirstFit, w, 1)
			seen := map[int32]int{}
			for g, d := range ds[:tt.domains] {
				require.GreaterOrEqual(t, d.Blade, int32(0), d.Reason.String())
				dom := domainOf(tt.dom, d.Blade)
				_, dup := seen[dom]
				require.False(t, dup, "groups %d and %d share %s %d", seen[dom], g, tt.dom, dom)
				seen[dom] = g
			}
			require.Equal(t, int32(-1), ds[tt.domains].Blade)
			require.Contains(t, ds[tt.domains].Reason.String(), "excluded by strong anti-affinity over "+tt.dom.String()+"s")
			again := ds[tt.domains+1]
			if tt.dom == sched.DomainBlade {
				require.Equal(t, ds[0].Blade, again.Blade, again.Reason.String())
			} else {
				require.Equal(t, domainOf(tt.dom, ds[0].Blade), domainOf(tt.dom, again.Blade), again.Reason.String())
			}

			other := workload("api", sched.StrongAntiAffinity, tt.dom, inst("x", 9, sched.Core, 100))
			require.GreaterOrEqual(t, c.Place(sched.FirstFit, other, 2, 0).Blade, int32(0), "other workloads' groups do not exclude")
		})
	}
}

func TestWeakAntiAffinityFallsBack(t *testing.T) {
	c := affinityCluster()
	w := workload("web", sched.WeakAntiAffinity, sched.DomainZone,
		inst("a", 1, sched.Core, 100), inst("b", 2, sched.Core, 100), inst("c", 3, sched.Core, 100))
	ds := placeAll(t, c, sched.FirstFit, w, 1)
	require.Equal(t, []int32{0, 4, 0}, blades(ds))
	require.Equal(t, "web/c on region1/zone1/rack11/blade/0 (first-fit: leaves 2 cores, 7992 MB); "+
		"weak anti-affinity could not be honoured: all 8 fitting blades are in zones holding other groups", ds[2].Reason.String())
	require.NotContains(t, ds[1].Reason.String(), "could not")
}

func TestWeakAffinityFallsBack(t *testing.T) {
	c := affinityCluster()
	w := workload("web", sched.WeakAffinity, sched.DomainRack,
		inst("a", 1, 3*sched.Core, 100), inst("b", 1, 3*sched.Core, 100), inst("c", 1, 3*sched.Core, 100))
	ds := placeAll(t, c, sched.Spread, w, 1)
	require.Equal(t, domainOf(sched.DomainRack, ds[0].Blade), domainOf(sched.DomainRack, ds[1].Blade), "preferred while it fits")
	require.NotEqual(t, domainOf(sched.DomainRack, ds[0].Blade), domainOf(sched.DomainRack, ds[2].Blade))
	require.Contains(t, ds[2].Reason.String(), "; weak affinity could not be honoured: no blade fits in a rack holding group 1")
}

func TestUnschedulableBladeKeepsItsInstances(t *testing.T) {
	c := newCluster(small(1, 1), small(1, 1))
	w := workload("web", sched.AffinityNone, sched.DomainRack, inst("a", 0, sched.Core, 1))
	require.Equal(t, []int32{0}, blades(placeAll(t, c, sched.FirstFit, w, 1)))
	c.SetSchedulable(0, false, "is out_for_repair")
	ok, why := c.Schedulable(0)
	require.False(t, ok)
	require.Equal(t, "is out_for_repair", why)
	require.Equal(t, sched.Milli(3000), c.Free(0).MilliCores, "still held")
	w2 := workload("api", sched.AffinityNone, sched.DomainRack, inst("b", 0, sched.Core, 1))
	require.Equal(t, int32(1), c.Place(sched.FirstFit, w2, 2, 0).Blade)
}

// Rack ids may repeat across zones: a rack is (region, zone, rack).
func TestRackIDsArePerZone(t *testing.T) {
	c := newCluster(small(1, 1), small(2, 1))
	w := workload("web", sched.StrongAntiAffinity, sched.DomainRack, inst("a", 1, sched.Core, 1), inst("b", 2, sched.Core, 1))
	require.Equal(t, []int32{0, 1}, blades(placeAll(t, c, sched.FirstFit, w, 1)))
}

// A custom policy's filter and its failures are in the wait reason, and
// the placing reason names the policy.
func TestCustomPolicyReasons(t *testing.T) {
	c := newCluster(small(1, 1), small(1, 1), small(1, 2))
	w := workload("web", sched.AffinityNone, sched.DomainRack, inst("i1", 0, 1000, 1024))
	p, err := sched.CustomSpec{Filter: "blade.rack != 0", Score: "blade.free_cores / (blade.index - 2)"}.Compile()
	require.NoError(t, err)
	d := c.Place(p, w, 1, 0)
	require.Equal(t, int32(-1), d.Blade)
	require.Equal(t, "web/i1 waits: none of 3 blades fits: 2 refused by the custom policy's filter, "+
		"1 where the custom policy could not be evaluated (e.g. region1/zone1/rack2/blade/2: score:1:18: division by zero: 4000 / 0)", d.Reason.String())

	p, err = sched.CustomSpec{Score: "blade.index"}.Compile()
	require.NoError(t, err)
	d = c.Place(p, w, 1, 0)
	require.Equal(t, int32(2), d.Blade, "the highest score")
	require.Contains(t, d.Reason.String(), "(custom: leaves")
}

func TestPolicyFor(t *testing.T) {
	p, err := sched.PolicyFor("Spread", nil)
	require.NoError(t, err)
	require.Equal(t, sched.Spread, p)
	for _, tc := range []struct {
		name string
		spec *sched.CustomSpec
		err  string
	}{
		{"tightest", nil, `policy: unknown placement policy "tightest" (want one of first-fit, best-fit, spread, random, dot-product, gpu-clustering, gpu-packing, gpu-best-fit, fgd, or custom with custom expressions)`},
		{"spread", &sched.CustomSpec{Score: "1"}, `custom: given, but the policy is "spread": set the policy to custom to use these expressions`},
		{"custom", nil, `custom: the custom policy needs its expressions`},
		{"custom", &sched.CustomSpec{}, "custom.filter: give a filter, a score or both"},
		{"custom", &sched.CustomSpec{Score: "blade.cpu"}, "custom.score: column 1: unknown name blade.cpu"},
		{"custom", &sched.CustomSpec{Filter: "1 +"}, "custom.filter: column 4: syntax: expected operand"},
	} {
		_, err := sched.PolicyFor(tc.name, tc.spec)
		require.ErrorContains(t, err, tc.err, tc.name)
	}
}

// A custom score's highest wins: -free_cores packs like best-fit and
// free_cores spreads like spread, on blades alike (a newcomer read the
// sweep's figures as the opposite; the placements say which it is).
func TestCustomScoreDirection(t *testing.T) {
	specs := []bladeSpec{small(1, 1), small(1, 1), small(1, 2), small(1, 2)}
	var insts []sched.Instance
	for i := range 6 {
		insts = append(insts, inst(fmt.Sprintf("i%d", i), 0, 1000, 1024))
	}
	for _, tc := range []struct {
		score string
		like  sched.Policy
		want  []int32
	}{
		{"-blade.free_cores", sched.BestFit, []int32{0, 0, 0, 0, 1, 1}},
		{"blade.free_cores", sched.Spread, []int32{0, 1, 2, 3, 0, 1}},
	} {
		p, err := sched.CustomSpec{Score: tc.score}.Compile()
		require.NoError(t, err)
		got := blades(placeAll(t, newCluster(specs...), p, workload("w", sched.AffinityNone, sched.DomainRack, insts...), 0))
		require.Equal(t, tc.want, got, tc.score)
		require.Equal(t, blades(placeAll(t, newCluster(specs...), tc.like, workload("w", sched.AffinityNone, sched.DomainRack, insts...), 0)), got, tc.score)
	}
}

// The GPU variables of custom expressions read the scheduler's device
// books and the request, in devices and milli-GPU; a misspelt one is an
// error at its column.
func TestCustomGPUVariables(t *testing.T) {
	a100 := small(1, 1)
	a100.gpus = []inventory.GPU{{Model: "A100", Count: 4}}
	t4 := small(1, 1)
	t4.gpus = []inventory.GPU{{Model: "T4", Count: 2}}
	c := newCluster(a100, t4, small(1, 2))
	gpuInst := func(name string, g sched.GPURequest) sched.Instance {
		in := inst(name, 0, 100, 64)
		in.Requires.GPUs = g
		return in
	}
	w := workload("w", sched.AffinityNone, sched.DomainRack,
		gpuInst("s1", sched.GPURequest{Milli: 250}), gpuInst("s2", sched.GPURequest{Milli: 500}), gpuInst("g1", sched.GPURequest{Count: 1}))
	for i := range w.Instances {
		require.NoError(t, c.Hold(0, sched.Key{Workload: 1, Instance: uint32(i)}, w, i))
	}
	// Blade 0: devices at 750, 1000, 0 and 0 milli-GPU in use.
	for _, tc := range []struct {
		expr string
		need sched.Usage
		want [3]int64 // per blade
	}{
		{"blade.gpus", sched.Usage{}, [3]int64{4, 2, 0}},
		{"blade.free_gpus", sched.Usage{}, [3]int64{2, 2, 0}},
		{"blade.free_gpu_milli", sched.Usage{}, [3]int64{2250, 2000, 0}},
		{"blade.max_free_gpu_milli", sched.Usage{}, [3]int64{1000, 1000, 0}},
		{"request.gpus", sched.Usage{GPUMilli: 2000}, [3]int64{2, 2, 2}},
		{"request.gpus", sched.Usage{GPUMilli: 300}, [3]int64{0, 0, 0}},
		{"request.gpus", sched.Usage{Accelerators: []string{"V100"}}, [3]int64{1, 1, 1}},
		{"request.gpu_milli", sched.Usage{GPUMilli: 300}, [3]int64{300, 300, 300}},
		{"blade.free_gpu_milli - request.gpu_milli", sched.Usage{GPUMilli: 2000}, [3]int64{250, 0, -2000}},
	} {
		p, err := sched.CustomSpec{Score: tc.expr}.Compile()
		require.NoError(t, err)
		for b := range 3 {
			need := tc.need
			require.Equal(t, tc.want[b], p.Score(c, int32(b), &need), "%s on blade %d", tc.expr, b)
		}
	}
	_, err := sched.CustomSpec{Filter: "blade.free_gpu > 0"}.Compile()
	require.ErrorContains(t, err, "filter: column 1: unknown name blade.free_gpu (known: ")
	_, err = sched.PolicyFor(sched.CustomName, &sched.CustomSpec{Score: "blade.gpus + request.gpu"})
	require.ErrorContains(t, err, "custom.score: column 14: unknown name request.gpu ")
}
