package app

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/stretchr/testify/require"
)

// TestImportCostBreakdown prints, for CC_IMPORT_COST=10k or 50k, the wall
// time, the bytes allocated and the live heap after each phase of a page
// import, natively (the page's figures are TestImportBench's, in
// cmd/server); CC_HEAP=FILE also writes a heap profile at tick 20. With
// CC_IMPORT_PEAK=1 it forces no collection between phases (as in the
// page) and prints instead the heap's high-water mark so far (HeapSys:
// memory the heap took from the system, which, like wasm memory, it does
// not give back to it), the figure the page's wasm memory follows; run it
// with GOMAXPROCS=1, as the page has one thread. It is a measurement,
// skipped unless asked for.
func TestImportCostBreakdown(t *testing.T) {
	size := os.Getenv("CC_IMPORT_COST")
	if size == "" {
		t.Skip("CC_IMPORT_COST=10k or 50k")
	}
	spec := inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 50, BladesPerRack: 100}
	if size == "50k" {
		spec = inventory.GenSpec{Regions: 2, ZonesPerRegion: 5, RacksPerZone: 50, BladesPerRack: 100}
	}
	d, err := inventory.Generate(spec)
	require.NoError(t, err)
	y, err := inventory.MarshalYAML(d)
	require.NoError(t, err)
	d = nil
	ctl := newC(t, "standard")
	peak := os.Getenv("CC_IMPORT_PEAK") != ""
	what := "live"
	if peak {
		what = "heap high-water"
	}
	live := func() float64 {
		var m runtime.MemStats
		if peak {
			runtime.ReadMemStats(&m)
			return float64(m.HeapSys) / (1 << 20)
		}
		runtime.GC()
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	fmt.Printf("yaml %d MB, %s %.0f MiB\n", len(y)>>20, what, live())
	total := func() float64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.TotalAlloc) / (1 << 20)
	}
	t0, a0 := time.Now(), total()
	phase := func(name string) {
		d, a := time.Since(t0), total()-a0
		fmt.Printf("%-28s %7.0f ms  allocated %7.1f MiB  %s %6.1f MiB\n", name, float64(d.Microseconds())/1000, a, what, live())
		t0, a0 = time.Now(), total()
	}
	j := &importJob{name: "gen.yaml", progress: func(string, int, int) {}}
	sc, err := importedScenario("gen.yaml", y, func(done, total int) error { return nil })
	require.NoError(t, err)
	y = nil
	phase("parse (ParsePaced)")
	require.NoError(t, j.keepJSON(sc))
	phase("inventory JSON (keepJSON)")
	w, err := j.build(sc)
	require.NoError(t, err)
	phase("build (sim.New, identity)")
	require.NoError(t, j.snapshot(w))
	phase("first snapshot")
	j.handed.Store(true)
	ctl.openImported(sc, w, &j.enc, j.snap)
	sc, w, j = nil, nil, nil
	phase("open (openImported)")
	_, err = ctl.Record()
	require.NoError(t, err)
	phase("record (autosave)")
	_ = ctl.Unsaved()
	phase("unsaved")
	require.NoError(t, ctl.World().RunTo(1))
	phase("tick 1")
	require.NoError(t, ctl.World().RunTo(20))
	phase("tick 20")
	_, err = ctl.Record()
	require.NoError(t, err)
	phase("record (autosave) at 20")
	if f := os.Getenv("CC_HEAP"); f != "" {
		runtime.GC()
		out, err := os.Create(f)
		require.NoError(t, err)
		require.NoError(t, pprof.WriteHeapProfile(out))
		out.Close()
	}
	runtime.KeepAlive(ctl)
}

// TestImportGaps prints the stretches over 20 ms between two yields of a
// page import (natively; CC_IMPORT_COST=10k or 50k), in the page's order
// (the parse, the inventory's JSON kept, the world built from it, the
// first snapshot), with the stack where each ended. The session's ticks
// after it, the bring-up among them, are the Runner's, in slices across
// frames (TestRunnerSlicesLargeTicks).
func TestImportGaps(t *testing.T) {
	size := os.Getenv("CC_IMPORT_COST")
	if size == "" {
		t.Skip("CC_IMPORT_COST=10k or 50k")
	}
	spec := inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 50, BladesPerRack: 100}
	if size == "50k" {
		spec = inventory.GenSpec{Regions: 2, ZonesPerRegion: 5, RacksPerZone: 50, BladesPerRack: 100}
	}
	d, err := inventory.Generate(spec)
	require.NoError(t, err)
	y, err := inventory.MarshalYAML(d)
	require.NoError(t, err)
	type gap struct {
		ms    float64
		stack string
	}
	var gaps []gap
	last := time.Now()
	mark := func() {
		ms := float64(time.Since(last).Microseconds()) / 1000
		if ms > 20 {
			pc := make([]uintptr, 12)
			n := runtime.Callers(3, pc)
			fr := runtime.CallersFrames(pc[:n])
			s := ""
			for {
				f, more := fr.Next()
				s += fmt.Sprintf("\n    %s:%d", f.Function, f.Line)
				if !more {
					break
				}
			}
			gaps = append(gaps, gap{ms, s})
		}
		last = time.Now()
	}
	sc, err := importedScenario("gen.yaml", y, func(done, total int) error { mark(); return nil })
	require.NoError(t, err)
	mark()
	var enc scenario.Encoder // the page's order: the inventory's JSON kept, then the world built from it
	require.NoError(t, enc.Keep(sc.Inventory.Definition, mark))
	mark()
	w, err := sim.New(sc, sim.WithYield(yieldEvery, mark), sim.WithKeptJSON(&enc))
	require.NoError(t, err)
	mark()
	_ = w.Snapshot()
	mark()
	for _, g := range gaps {
		fmt.Printf("gap %.0f ms, ended at:%s\n", g.ms, g.stack)
	}
}
