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
	w, err := New(scenario.Default())
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
	if n := bladesIn(w, hardware.BladeWorking); n != len(w.Hardware().Blades) {
		b.Fatalf("%d of %d blades working", n, len(w.Hardware().Blades))
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
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(w.Hardware().Blades)), "heap-B/blade")
	runtime.KeepAlive(w)
}
