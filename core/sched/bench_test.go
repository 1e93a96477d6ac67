package sched_test

import (
	"fmt"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// halfFull is n blades (4 zones × n/200 racks × 50 blades) of 32 cores
// and 64 GB, each holding one instance that uses half of it, and a tenth
// of them not schedulable.
func halfFull(b *testing.B, n int) *sched.Cluster {
	blades := make([]sched.Blade, 0, n)
	for z := range 4 {
		for r := range n / 200 {
			for i := range 50 {
				blades = append(blades, sched.Blade{
					Path: fmt.Sprintf("region1/zone%d/rack%d/blade/%d", z, r, i), Region: 1, Zone: int32(z), Rack: int32(r),
					Capacity: inventory.Capacity{Cores: 32, MemoryMB: 65536, DiskGB: 2000, NetworkMbps: 10_000, Arch: "x86_64"},
				})
			}
		}
	}
	c := sched.NewCluster(blades)
	half := sched.Instance{Name: "half", Requires: sched.Requirements{Cores: 16 * sched.Core, MemoryMB: 32768}}
	for i := range blades {
		c.SetSchedulable(int32(i), i%10 != 9, "is out_for_repair")
		half.Requires.Cores = sched.Milli(15_000 + i%2_000) // vary usage so best-fit and spread really compare
		if err := c.Hold(int32(i), sched.Key{Workload: 0, Instance: uint32(i)}, &sched.Workload{Name: "half", Instances: []sched.Instance{half}}, 0); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// BenchmarkPlace is one Place on 1,000, 10,000 and 100,000 half-full
// blades (-short: not 100,000), per policy: an instance without affinity,
// and one of a strong anti-affinity workload whose 50 other groups occupy
// 50 racks (10 in 10 at 1,000); and one that fits nowhere.
func BenchmarkPlace(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		if n > 10_000 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) { benchPlace(b, n) })
	}
}

func benchPlace(b *testing.B, n int) {
	c := halfFull(b, n)
	groups := min(50, n/100)
	plain := &sched.Workload{Name: "web", Instances: []sched.Instance{
		{Name: "i", Requires: sched.Requirements{Cores: 2500, MemoryMB: 4096}}}}
	anti := &sched.Workload{Name: "spread", Affinity: sched.StrongAntiAffinity, Domain: sched.DomainRack}
	for g := range groups + 1 {
		anti.Instances = append(anti.Instances, sched.Instance{Name: fmt.Sprint("g", g), AffinityGroup: int64(g),
			Requires: sched.Requirements{Cores: 500, MemoryMB: 1024}})
	}
	for g := range groups {
		d := c.Place(sched.Spread, anti, 1, g)
		if err := c.Hold(d.Blade, sched.Key{Workload: 1, Instance: uint32(g)}, anti, g); err != nil {
			b.Fatal(d.Reason.String(), err)
		}
	}
	huge := &sched.Workload{Name: "huge", Instances: []sched.Instance{
		{Name: "i", Requires: sched.Requirements{Cores: 64 * sched.Core, MemoryMB: 4096}}}}
	b.Run("wait", func(b *testing.B) { // a full scan that finds nothing, and the reason
		b.ReportAllocs()
		for b.Loop() {
			if d := c.Place(sched.BestFit, huge, 3, 0); d.Blade >= 0 {
				b.Fatal(d.Reason.String())
			}
		}
	})
	for _, name := range sched.Policies() {
		p, _ := sched.PolicyByName(name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d := c.Place(p, plain, 2, 0); d.Blade < 0 {
					b.Fatal(d.Reason.String())
				}
			}
		})
		b.Run(name+"/anti-affinity", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if d := c.Place(p, anti, 1, groups); d.Blade < 0 {
					b.Fatal(d.Reason.String())
				}
			}
		})
	}
}

// BenchmarkPlaceGPU is one Place, Hold and Release of a GPU share (250
// milli-GPU) and of two whole GPUs, per policy, on 1,000 and 10,000 blades
// of 8 A100s each, every blade holding shares of different sizes on its
// first devices: the index answers, each blade's fit a pass over its 8
// devices, and a hold or release updates one leaf path per tree (for the
// paper's policies, a gpushare score of the blade's view; FGD's against the
// typical tasks of the blades' holds and the two requests). The paper's
// policies hold on the devices they chose (HoldOn). random/anti-affinity
// is the one placement of theirs that scans every blade (Random under an
// affinity rule), a weak anti-affinity workload whose one group is placed
// in an empty cluster's first rack.
func BenchmarkPlaceGPU(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			blades := make([]sched.Blade, n)
			for i := range blades {
				blades[i] = sched.Blade{Path: fmt.Sprintf("region1/zone1/rack%d/blade/%d", i/50, i%50), Region: 1, Zone: 1, Rack: int32(i / 50),
					Capacity: inventory.Capacity{Cores: 64, MemoryMB: 262144, DiskGB: 2000, NetworkMbps: 10_000, Arch: "x86_64",
						GPUs: []inventory.GPU{{Model: "A100", Count: 8}}}}
			}
			c := sched.NewCluster(blades)
			used := &sched.Workload{Name: "used"}
			for i := range blades {
				c.SetSchedulable(int32(i), true, "")
				for d := range 1 + i%5 {
					used.Instances = append(used.Instances, sched.Instance{Name: fmt.Sprint(i, "-", d),
						Requires: sched.Requirements{Cores: 1000, MemoryMB: 1024, GPUs: sched.GPURequest{Milli: int64(300 + 100*(i%7))}}})
					if err := c.Hold(int32(i), sched.Key{Workload: 0, Instance: uint32(len(used.Instances) - 1)}, used, len(used.Instances)-1); err != nil {
						b.Fatal(err)
					}
				}
			}
			reqs := []sched.GPURequest{{Milli: 250}, {Count: 2}}
			typical := []sched.Workload{*used}
			for _, r := range reqs {
				typical = append(typical, sched.Workload{Name: "gpu", Instances: []sched.Instance{{Name: "i", Requires: sched.Requirements{Cores: 2000, MemoryMB: 4096, GPUs: r}}}})
			}
			c.SetTypical(sched.TypicalOf(typical, nil))
			for _, r := range reqs {
				w := &sched.Workload{Name: "gpu", Instances: []sched.Instance{{Name: "i", Requires: sched.Requirements{Cores: 2000, MemoryMB: 4096, GPUs: r}}}}
				anti := &sched.Workload{Name: "anti", Affinity: sched.WeakAntiAffinity, Domain: sched.DomainRack,
					Instances: []sched.Instance{{Name: "i", AffinityGroup: 1, Requires: w.Instances[0].Requires}}}
				b.Run(fmt.Sprintf("random/anti-affinity/%s", r.String()), func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if d := c.Place(sched.Random, anti, 8, 0); d.Blade < 0 {
							b.Fatal(d.Reason.String())
						}
					}
				})
				for _, name := range sched.Policies() {
					p, _ := sched.PolicyByName(name)
					b.Run(fmt.Sprintf("%s/%s", name, r.String()), func(b *testing.B) {
						b.ReportAllocs()
						k := sched.Key{Workload: 9}
						for b.Loop() {
							d := c.Place(p, w, 9, 0)
							if d.Blade < 0 {
								b.Fatal(d.Reason.String())
							}
							hold := c.Hold
							if d.Devices != nil {
								hold = func(b int32, k sched.Key, w *sched.Workload, i int) error { return c.HoldOn(b, k, w, i, d.Devices) }
							}
							if err := hold(d.Blade, k, w, 0); err != nil {
								b.Fatal(err)
							}
							c.Release(k)
						}
					})
				}
			}
		})
	}
}
