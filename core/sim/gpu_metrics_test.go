package sim

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/workload"
)

// gpuFigureScenario is two blades of four A100s and 16 cores, no random
// failures, first-fit, samples every 10 ticks, and four workloads at
// tick 0: shares of 250 and 500 milli-GPU, two whole GPUs, and one of
// CPU only; at tick 100 a fifth asks for four whole GPUs.
func gpuFigureScenario(t *testing.T) *scenario.Scenario {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	sc.Inventory = scenario.Inventory{Generate: &inventory.GenSpec{Name: "g", Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 2,
		Capacities: []inventory.Capacity{{Cores: 16, MemoryMB: 65536, DiskGB: 100, NetworkMbps: 1000, Arch: "X64",
			GPUs: []inventory.GPU{{Model: "A100", Count: 4}}}}}}
	c := sc.Control
	c.Processes = nil
	c.SampleEvery = 10
	c.Workloads.Policy = "first-fit"
	c.Workloads.Arrivals = nil
	one := func(name string, cores sched.Milli, g sched.GPURequest) sched.Workload {
		return sched.Workload{Name: name, Affinity: sched.AffinityNone, Domain: sched.DomainRack,
			Instances: []sched.Instance{{Name: "task", Requires: sched.Requirements{Cores: cores, MemoryMB: 1024, GPUs: g}}}}
	}
	c.Workloads.Workloads = []sched.Workload{
		one("s250", 1000, sched.GPURequest{Milli: 250}),
		one("s500", 1000, sched.GPURequest{Milli: 500}),
		one("w2", 2000, sched.GPURequest{Count: 2}),
		one("cpu", 1000, sched.GPURequest{}),
	}
	big := one("w4", 2000, sched.GPURequest{Count: 4})
	sc.Script = []scenario.Timed{{At: 100, Command: scenario.Command{Do: scenario.CreateWorkload, Workload: &big}}}
	require.NoError(t, sc.Validate())
	return sc
}

// The GPU figures of a hand-built state: allocation exactly as booked,
// fragmentation as gpushare computes it on the same devices, GPU tasks
// waiting; and when the blade holding four GPUs fails, the schedulable
// allocation and the waiting task follow.
func TestGPUFigures(t *testing.T) {
	sc := gpuFigureScenario(t)
	w, err := New(sc, WithChecks(1, func(after string, err error) { t.Fatalf("after %s: %v", after, err) }))
	require.NoError(t, err)
	require.NoError(t, w.RunTo(90))
	wm := w.Control().Workloads
	g := wm.GPUFigures()
	// first-fit: everything on blade 0: 250 + 500 on device 0, two whole.
	require.Equal(t, workload.GPUFigures{Total: 8000, Used: 2750, SchedTotal: 8000, SchedUsed: 2750,
		FragmentedMicro: g.FragmentedMicro, FragOK: true}, g)
	require.Equal(t, 2750.0/8000, *w.Figures().GPU.Allocation)
	requireFragAsGPUShare(t, w)

	require.NoError(t, w.RunTo(150))
	g = wm.GPUFigures()
	require.EqualValues(t, 6750, g.Used, "four whole GPUs on blade 1")
	requireFragAsGPUShare(t, w)

	// Blade 1 fails: its four GPUs wait, as blade 0 has one free.
	_, err = w.Apply(scenario.Command{Do: scenario.FaultBlade, Target: w.Hardware().Blade(1).Path})
	require.NoError(t, err)
	require.NoError(t, w.RunTo(300))
	g = wm.GPUFigures()
	require.Equal(t, int64(1), g.Waiting)
	require.Equal(t, int64(2750), g.Used)
	require.Equal(t, int64(4000), g.SchedTotal)
	f := w.Figures().GPU
	require.Equal(t, 2750.0/8000, *f.Allocation)
	require.Equal(t, 2750.0/4000, *f.AllocationSchedulable)
	require.Equal(t, int64(1), f.TasksWaiting)
	requireFragAsGPUShare(t, w)

	// The samples carry the same, as columns.
	m := w.Control().Metrics
	last := m.Rows()[len(m.Rows())-1]
	col := func(name string) int64 { return last[slices.Index(m.Columns(), name)] }
	require.Equal(t, int64(2750), col("gpu_used_milli"))
	require.Equal(t, int64(8000), col("gpu_capacity_milli"))
	require.Equal(t, int64(4000), col("gpu_sched_capacity_milli"))
	require.Equal(t, int64(1), col("gpu_tasks_waiting"))
	require.Equal(t, wm.GPUFigures().FragmentedMicro/1000, col("gpu_fragmented_milli"))
	require.NotEqual(t, metrics.NA, col("gpu_fragmented_milli"))
}

// requireFragAsGPUShare computes the fragmentation of the schedulable
// blades with gpushare alone: a gpushare.Node per blade with the
// scheduler's holds placed on the same devices, each device with its
// model, Typical.FragDevices (checked against a brute-force enumeration in
// gpushare) against the typical tasks of the scenario's workloads.
func requireFragAsGPUShare(t *testing.T, w *World) {
	t.Helper()
	wm := w.Control().Workloads
	c := wm.Cluster()
	var reqs []gpushare.Request
	wls := slices.Clone(w.Scenario().Control.Workloads.Workloads)
	for _, c := range w.Scenario().Script {
		wls = append(wls, *c.Workload)
	}
	for _, wl := range wls {
		reqs = append(reqs, shareRequest(&wl.Instances[0]))
	}
	typ := gpushare.TypicalOf(reqs)
	var micro int64
	for b := range int32(c.Len()) {
		if ok, _ := c.Schedulable(b); !ok {
			continue
		}
		tot := c.Total(b)
		devs := c.Devices(b)
		n, err := gpushare.NewNode(&gputrace.Node{Name: c.Path(b), CPUMilli: int64(tot.MilliCores), MemoryMiB: tot.MemoryMB, GPUs: len(devs), Model: "x"})
		require.NoError(t, err)
		n.DevModels = make([]string, len(devs)) // each device's model: gpushare judges each by its own
		for d := range devs {
			n.DevModels[d] = strings.ToLower(devs[d].Model)
		}
		for _, key := range c.Instances(b) {
			wl := wm.Workloads()[key.Workload]
			r := shareRequest(&wl.Def.Instances[key.Instance])
			var devs []int
			for _, d := range c.HeldDevices(key) {
				devs = append(devs, int(d))
			}
			n.Place(&r, devs)
		}
		micro += typ.FragDevices(n.DevModels, n.CPUFree, n.Free) * 1000 / typ.Weight()
	}
	require.Equal(t, micro, wm.GPUFigures().FragmentedMicro)
	g := wm.GPUFigures()
	if free := g.SchedTotal - g.SchedUsed; free > 0 {
		require.InDelta(t, float64(micro)/float64(1000*free), *w.Figures().GPU.Fragmentation, 1e-12)
	}
}

func shareRequest(in *sched.Instance) gpushare.Request {
	r := gpushare.Request{CPUMilli: int64(in.Requires.Cores), MemoryMiB: in.Requires.MemoryMB}
	switch g := in.Requires.GPUs; {
	case g.Count > 0:
		r.GPUs, r.GPUMilli = int(g.Count), 1000
	case g.Milli > 0:
		r.GPUs, r.GPUMilli = 1, g.Milli
	}
	for _, m := range in.Requires.GPUs.Models {
		r.Models = append(r.Models, strings.ToLower(m))
	}
	return r
}

// On blades of two models (two A100 and two T4 each), with tasks that
// name models and one of three whole GPUs of any model, the fragmentation figure is measured device by device: as
// gpushare computes it with each device's own model.
func TestGPUFiguresMixedModels(t *testing.T) {
	sc := gpuFigureScenario(t)
	sc.Inventory.Generate.Capacities[0].GPUs = []inventory.GPU{{Model: "A100", Count: 2}, {Model: "T4", Count: 2}}
	wls := sc.Control.Workloads.Workloads
	wls[0].Instances[0].Requires.GPUs.Models = []string{"T4"}   // the share of 250 on a T4
	wls[2].Instances[0].Requires.GPUs.Models = []string{"a100"} // two whole A100s, case aside
	sc.Script[0].Command.Workload.Instances[0].Requires.GPUs = sched.GPURequest{Count: 2, Models: []string{"T4"}}
	// Three whole GPUs of any model, a typical task created late: the empty
	// blade 1 has them only across its two models, which a measure per
	// model would miss.
	w3 := wls[2]
	w3.Name, w3.Instances = "w3", []sched.Instance{{Name: "task", Requires: sched.Requirements{Cores: 2000, MemoryMB: 1024, GPUs: sched.GPURequest{Count: 3}}}}
	sc.Script = append(sc.Script, scenario.Timed{At: 1000, Command: scenario.Command{Do: scenario.CreateWorkload, Workload: &w3}})
	require.NoError(t, sc.Validate())
	w, err := New(sc, WithChecks(1, func(after string, err error) { t.Fatalf("after %s: %v", after, err) }))
	require.NoError(t, err)
	require.NoError(t, w.RunTo(90))
	g := w.Control().Workloads.GPUFigures()
	require.True(t, g.FragOK)
	require.Positive(t, g.FragmentedMicro)
	requireFragAsGPUShare(t, w)
	require.NoError(t, w.RunTo(150))
	requireFragAsGPUShare(t, w)
}

// A snapshot whose metrics section is version 2 (before the GPU columns:
// no row width, rows without the six gpu_* values) restores with those
// columns n/a in its old samples, and runs on to the same hash and the
// same new samples.
func TestRestoreMetricsSectionVersion2(t *testing.T) {
	sc := gpuSharing(t)
	w, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, w.RunTo(500))
	body := w.Snapshot()
	body = body[:len(body)-4]
	head := []byte("\x07metrics\x04")
	at := bytes.Index(body, head)
	require.Positive(t, at)
	m := w.Control().Metrics
	cols, rows := len(m.Columns()), len(m.Rows())
	const gpuCols = 6
	kept := cols - gpuCols - 1 // nor the availability after the bring-up, the last
	// Rewrite the section as version 2: the same integrals, no width, each
	// row without its last seven values, no bring-up.
	v2 := bytes.Clone(body[:at])
	v2 = append(v2, "\x07metrics\x02"...)
	off := at + len(head)
	for range 4 { // upTicks, exposure, since, stride
		_, n := binary.Varint(body[off:])
		v2 = append(v2, body[off:off+n]...)
		off += n
	}
	width, n := binary.Uvarint(body[off:])
	require.EqualValues(t, cols, width)
	off += n
	nrows, n := binary.Uvarint(body[off:])
	require.EqualValues(t, rows, nrows)
	v2 = append(v2, body[off:off+n]...)
	off += n
	for range rows {
		for j := range cols {
			_, n := binary.Varint(body[off:])
			if j < kept {
				v2 = append(v2, body[off:off+n]...)
			}
			off += n
		}
	}
	v2 = append(v2, body[skipWarmUp(t, body, off, w.Hardware().NumBlades()):]...)

	back, err := Restore(sc, seal(v2))
	require.NoError(t, err)
	require.NoError(t, back.CheckInvariants())
	old := back.Control().Metrics.Rows()
	require.Len(t, old, rows)
	for i, r := range old {
		require.Equal(t, m.Rows()[i][:kept], r[:kept])
		for _, v := range r[kept:] {
			require.Equal(t, int64(metrics.NA), v)
		}
	}
	require.NoError(t, w.RunTo(1000))
	require.NoError(t, back.RunTo(1000))
	require.Equal(t, w.Status().Hash, back.Status().Hash)
	for i, r := range back.Control().Metrics.Rows()[rows:] {
		require.Equal(t, m.Rows()[rows+i][:cols-1], r[:cols-1], "the same new samples, but for the availability after a bring-up the snapshot does not know")
	}
}

// skipWarmUp is the offset past the bring-up at the end of a version 4
// metrics section that starts at off (see metrics.MarshalSnapshot).
func skipWarmUp(t *testing.T, body []byte, off, blades int) int {
	t.Helper()
	varint := func() int64 {
		v, n := binary.Varint(body[off:])
		require.Positive(t, n)
		off += n
		return v
	}
	warm := body[off] == 1
	off++
	if !warm {
		return off + blades // one byte a blade
	}
	varint() // its tick
	varint() // up
	varint() // exposure
	marks, n := binary.Uvarint(body[off:])
	off += n
	for range marks {
		varint()
	}
	varint() // the first sample after it
	return off
}

// A snapshot whose metrics section is version 3 (before the bring-up)
// restores as a run whose bring-up ends at the last change before the
// snapshot, when every enabled blade is working then: its figures count
// from there. The trace goes on
// as before.
func TestRestoreMetricsSectionVersion3(t *testing.T) {
	sc := gpuSharing(t)
	w, err := New(sc)
	require.NoError(t, err)
	require.NoError(t, w.RunTo(500))
	from, ok := w.Control().Metrics.WarmedUp()
	require.True(t, ok)
	require.Less(t, from, clock.Tick(500))
	body := w.Snapshot()
	body = body[:len(body)-4]
	head := []byte("\x07metrics\x04")
	at := bytes.Index(body, head)
	require.Positive(t, at)
	m := w.Control().Metrics
	cols, rows := len(m.Columns()), len(m.Rows())
	// Rewrite the section as version 3: the same integrals, each row
	// without its last value (the availability after the bring-up), no
	// bring-up.
	v3 := bytes.Clone(body[:at])
	v3 = append(v3, "\x07metrics\x03"...)
	off := at + len(head)
	for range 4 { // integrals and stride
		_, n := binary.Varint(body[off:])
		v3 = append(v3, body[off:off+n]...)
		off += n
	}
	_, n := binary.Uvarint(body[off:]) // width
	off += n
	v3 = binary.AppendUvarint(v3, uint64(cols-1))
	_, n = binary.Uvarint(body[off:]) // rows
	v3 = append(v3, body[off:off+n]...)
	off += n
	for range rows {
		for j := range cols {
			_, n := binary.Varint(body[off:])
			if j < cols-1 {
				v3 = append(v3, body[off:off+n]...)
			}
			off += n
		}
	}
	v3 = append(v3, body[skipWarmUp(t, body, off, w.Hardware().NumBlades()):]...)

	back, err := Restore(sc, seal(v3))
	require.NoError(t, err)
	require.NoError(t, back.CheckInvariants())
	for i, r := range back.Control().Metrics.Rows() {
		require.Equal(t, m.Rows()[i][:cols-1], r[:cols-1])
		require.Equal(t, int64(metrics.NA), r[cols-1])
	}
	got, ok := back.Control().Metrics.WarmedUp()
	require.True(t, ok, "every enabled blade is working at the restore")
	require.GreaterOrEqual(t, got, from, "the last change before the snapshot")
	require.LessOrEqual(t, got, clock.Tick(500))
	require.NoError(t, w.RunTo(1000))
	require.NoError(t, back.RunTo(1000))
	require.Equal(t, w.Status().Hash, back.Status().Hash)
	require.Equal(t, got, *back.Figures().MeasuredFrom)
	require.Equal(t, from, *w.Figures().MeasuredFrom)
}
