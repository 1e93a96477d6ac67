package sim

import (
	"runtime"
	"testing"
	"time"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
)

// BenchmarkEngine measures the engine itself: scheduling and dispatching
// no-op events through the world's loop (queue, clock, dispatch, store
// delivery), with a standing backlog of 10,000 events. make bench reports
// it natively (engine-native) and under Node (engine-wasm).
func BenchmarkEngine(b *testing.B) {
	sc := scenario.Default()
	sc.Control = nil // the engine alone: no sampler or services adding events
	w, err := New(sc)
	if err != nil {
		b.Fatal(err)
	}
	const noop = 255
	kind := clock.MakeKind(noop, 1)
	var left int
	w.handlers[noop] = func(ev clock.Event) {
		if left > 0 {
			left--
			w.queue.Push(w.env.Now+clock.Tick(1+ev.Arg%7), clock.Event{Kind: kind, Arg: ev.Arg + 1})
		}
	}
	for i := range 10_000 {
		w.queue.Push(w.env.Now+clock.Tick(i%50), clock.Event{Kind: kind, Arg: int64(i)})
	}
	left = b.N
	start := w.dispatched
	b.ResetTimer()
	t0 := time.Now()
	for left > 0 {
		w.RunTo(w.env.Now + 10)
	}
	el := time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(w.dispatched-start)/el.Seconds(), "events/s")
}

// bringUp builds a generated inventory and runs it until every blade works,
// as fast as it goes (no-wait), with tracing on as shipped.
func bringUp(b *testing.B, spec inventory.GenSpec) *World {
	sc := scenario.Defaults()
	sc.Inventory = scenario.Inventory{Generate: &spec}
	sc.Script = []scenario.Timed{{At: 0, Command: scenario.Command{Do: scenario.BringUp}}}
	w, err := New(sc)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.SetPolicy(clock.NoWait, 0, -1); err != nil {
		b.Fatal(err)
	}
	for {
		ok, err := w.RunNext()
		if err != nil {
			b.Fatal(err)
		}
		if !ok {
			break
		}
	}
	if n := bladesIn(w, hardware.BladeWorking); n != w.Hardware().NumBlades() {
		b.Fatalf("%d of %d blades working", n, w.Hardware().NumBlades())
	}
	return w
}

// BenchmarkBringUp64 is the standard inventory's bring-up (bringup-64).
func BenchmarkBringUp64(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		bringUp(b, inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 8, BladesPerRack: 8})
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "wall-s")
}

// BenchmarkBringUp50000 is a 50,000-blade bring-up (bringup-50000) and the
// heap it leaves per blade (heap-per-blade): 5 zones of 100 racks of 100.
func BenchmarkBringUp50000(b *testing.B) {
	spec := inventory.GenSpec{Regions: 1, ZonesPerRegion: 5, RacksPerZone: 100, BladesPerRack: 100}
	var w *World
	for b.Loop() {
		w = bringUp(b, spec)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "wall-s")
	b.StopTimer()
	var before, after runtime.MemStats
	w = nil
	runtime.GC()
	runtime.ReadMemStats(&before)
	w = bringUp(b, spec)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(w.Hardware().NumBlades()), "heap-B/blade")
	runtime.KeepAlive(w)
}

// BenchmarkChurn10k is the control plane at scale (churn-10k): 10,000
// blades, 100,000 workload arrivals over 30 simulated days (a tick a
// second), random blade failures and their repair, with the shipped
// workload-churn settings (default rules, tracing on), once per placement
// policy: first-fit (the settings' default, what churn-10k has always
// measured) and spread (what the built-in scenario ships). The failure
// process's MTBF is 30 days per blade, about 10,000 failures; the shipped
// 20,000 ticks is for a 64-blade story. With -short (make test's smoke
// run) it simulates one day.
func BenchmarkChurn10k(b *testing.B) {
	for _, policy := range []string{"first-fit", "spread"} {
		b.Run(policy, func(b *testing.B) { benchChurn10k(b, policy) })
	}
}

func benchChurn10k(b *testing.B, policy string) {
	const day = 24 * 3600
	days := clock.Tick(30)
	if testing.Short() {
		days = 1
	}
	sc, err := scenario.Builtin("workload-churn")
	if err != nil {
		b.Fatal(err)
	}
	sc.Inventory = scenario.Inventory{Generate: &inventory.GenSpec{Regions: 1, ZonesPerRegion: 4, RacksPerZone: 50, BladesPerRack: 50}}
	arr := sc.Control.Workloads.Arrivals
	arr.Every, arr.Count, arr.Lifetime = 30*day/100_000, 100_000, 2*day
	sc.Control.Processes[0].MTBF = 30 * day
	sc.Control.SampleEvery = 600
	sc.Control.Workloads.Policy = policy
	var w *World
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		w, err = New(sc)
		if err != nil {
			b.Fatal(err)
		}
		for d := clock.Tick(1); d <= days; d++ {
			if err := w.RunUntil(d * day); err != nil {
				b.Fatal(err)
			}
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	b.StopTimer()
	el := b.Elapsed().Seconds() / float64(b.N)
	m := w.Control().Workloads
	b.ReportMetric(el, "wall-s")
	b.ReportMetric(float64(w.Status().Dispatched)/el, "events/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(m.Arrived()), "arrivals")
	b.ReportMetric(float64(w.Control().Faults.Stats().Injected), "failures")
	if !testing.Short() && m.Arrived() < 99_000 {
		b.Fatalf("only %d arrivals", m.Arrived())
	}
}

// snapshotWorld is a world of n blades (n = 64: the standard inventory;
// else generated racks of 50), brought up, for the snapshot benchmarks.
func snapshotWorld(b *testing.B, blades int) (*scenario.Scenario, *World) {
	sc := scenario.Default()
	if blades != 64 {
		sc.Inventory = scenario.Inventory{Generate: &inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: blades / 50, BladesPerRack: 50}}
	}
	w, err := New(sc)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.RunUntil(60); err != nil {
		b.Fatal(err)
	}
	return sc, w
}

func benchSnapshotSave(b *testing.B, blades int) {
	_, w := snapshotWorld(b, blades)
	var n int
	for b.Loop() {
		n = len(w.Snapshot())
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms")
	b.ReportMetric(float64(n), "bytes")
}

func benchSnapshotRestore(b *testing.B, blades int) {
	sc, w := snapshotWorld(b, blades)
	data := w.Snapshot()
	for b.Loop() {
		if _, err := Restore(sc, data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms")
}

// The snapshot benchmarks (snapshot-save-64 … snapshot-restore-10000):
// make bench runs them in Chromium (wasmbrowsertest), as the page does.
func BenchmarkSnapshotSave64(b *testing.B)       { benchSnapshotSave(b, 64) }
func BenchmarkSnapshotRestore64(b *testing.B)    { benchSnapshotRestore(b, 64) }
func BenchmarkSnapshotSave10000(b *testing.B)    { benchSnapshotSave(b, 10000) }
func BenchmarkSnapshotRestore10000(b *testing.B) { benchSnapshotRestore(b, 10000) }

// BenchmarkImport50k is a 50,000-blade import after its parse, phase by
// phase as the page runs them (app/importjob.go): keep (the inventory's
// JSON kept for the session, scenario.Encoder.Keep), new (the world built
// with the kept JSON, sim.New) and snapshot (the world's first snapshot).
// The inventory is 2 regions of 5 zones of 50 racks of 100 blades, the one
// app's TestImportCostBreakdown imports.
func BenchmarkImport50k(b *testing.B) {
	def, err := inventory.Generate(inventory.GenSpec{Regions: 2, ZonesPerRegion: 5, RacksPerZone: 50, BladesPerRack: 100})
	if err != nil {
		b.Fatal(err)
	}
	sc := scenario.ForInventory("gen", def)
	var enc scenario.Encoder
	b.Run("keep", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := enc.Keep(def, func() {}); err != nil {
				b.Fatal(err)
			}
		}
	})
	if err := enc.Keep(def, func() {}); err != nil {
		b.Fatal(err)
	}
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := New(sc, WithKeptJSON(&enc)); err != nil {
				b.Fatal(err)
			}
		}
	})
	w, err := New(sc, WithKeptJSON(&enc))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("snapshot", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = w.Snapshot()
		}
	})
}
