package sim

import (
	"runtime"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// The live heap of a churn run in its steady state does not grow with
// simulated time: removed workloads give their slots back, closed
// injections beyond the kept history are dropped, the trace keeps its
// bounded store (metrics rows grow to their own bound, metrics.MaxRows,
// so samples are off here). 1,000 blades churn (workloads living half a
// day, blade failures and repairs) for 20 days; the heap after day 20 may
// not exceed the heap after day 4 by more than 5 %.
func TestChurnHeapIsSteady(t *testing.T) {
	if testing.Short() {
		t.Skip("a 20-day run")
	}
	const day = 24 * 3600
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	sc.Inventory = scenario.Inventory{Generate: &inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 10, BladesPerRack: 50}}
	arr := sc.Control.Workloads.Arrivals
	arr.Every, arr.Count, arr.Lifetime = 30*day/10_000, 0, day/2
	sc.Control.Processes[0].MTBF = 30 * day
	sc.Control.SampleEvery = 0 // samples grow up to metrics.MaxRows by design
	w, err := New(sc)
	require.NoError(t, err)
	heap := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	require.NoError(t, w.RunUntil(4*day))
	at4 := heap()
	for d := clock.Tick(5); d <= 20; d++ {
		require.NoError(t, w.RunUntil(d*day))
	}
	at20 := heap()
	t.Logf("live heap: %.1f MiB after day 4, %.1f MiB after day 20; %d arrivals, %d workloads removed",
		float64(at4)/(1<<20), float64(at20)/(1<<20), w.Control().Workloads.Arrived(), w.Control().Workloads.Removed())
	require.Greater(t, w.Control().Workloads.Removed(), int64(3000))
	require.LessOrEqual(t, float64(at20), 1.05*float64(at4), "the heap grows with simulated time")
	runtime.KeepAlive(w)
}
