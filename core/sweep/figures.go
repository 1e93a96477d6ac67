package sweep

import (
	"slices"

	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/workload"
)

// figure is one number a run ends with. measure returns nil when the run
// has no such number (no workloads, or a denominator of zero): a missing
// value is left out of the statistics, never counted as 0.
type figure struct {
	name    string
	doc     string
	unit    string // what the number counts, for a reader: "fraction", "ticks", "instances"
	better  Better // which way is better, if either
	measure func(w *sim.World, f *sim.Figures) *float64
}

// Better says which way a figure is better: Higher (availability), Lower
// (MTTR), or Neither for a figure that describes a run rather than judges
// it (faults injected, capacity used).
type Better string

const (
	Higher  Better = "higher"
	Lower   Better = "lower"
	Neither Better = ""
)

// figures is the vocabulary of a sweep's figures, in the order reports
// list them. Names are stable: specs and scripts use them.
var figures = []figure{
	{"measured_from_tick", "the tick the bring-up ended (every enabled blade had been working): the figures that add up over time count from it", "tick", Neither, func(_ *sim.World, f *sim.Figures) *float64 {
		if f.MeasuredFrom == nil {
			return nil
		}
		return count(int64(*f.MeasuredFrom))
	}},
	{"availability", "fraction of enabled-blade time spent working, after the bring-up", "fraction", Higher, func(_ *sim.World, f *sim.Figures) *float64 { return f.Availability }},
	{"mttr_ticks", "mean ticks from a fault to its repair, over the repairs after the bring-up", "ticks", Lower, func(_ *sim.World, f *sim.Figures) *float64 { return f.MTTRTicks }},
	{"mtbf_ticks", "enabled-blade ticks working per blade fault, after the bring-up", "ticks", Higher, func(_ *sim.World, f *sim.Figures) *float64 { return f.MTBFTicks }},
	{"faults_injected", "faults the injector made, by plan and at random", "faults", Neither, func(w *sim.World, _ *sim.Figures) *float64 {
		return count(w.Control().Faults.Stats().Injected)
	}},
	{"capacity_used_cores", "fraction of the enabled blades' cores held by instances at the end", "fraction", Neither, func(_ *sim.World, f *sim.Figures) *float64 { return f.CapacityUsed["cores"] }},
	{"capacity_used_memory", "fraction of the enabled blades' memory held by instances at the end", "fraction", Neither, func(_ *sim.World, f *sim.Figures) *float64 { return f.CapacityUsed["memory"] }},
	{"instances_running", "instances running at the end", "instances", Higher, func(w *sim.World, _ *sim.Figures) *float64 {
		return withWorkloads(w, func(m *workload.Manager) int64 { return m.Count(workload.Running) })
	}},
	{"instances_waiting", "instances waiting for a blade at the end", "instances", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return withWorkloads(w, (*workload.Manager).Waiting)
	}},
	{"instances_waiting_mean", "instances waiting for a blade, the mean of the metrics samples after the bring-up", "instances", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return sampleMean(w.Control().Metrics, "instances_waiting")
	}},
	{"instances_moved", "instances moved off a blade that failed or was taken out", "moves", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return withWorkloads(w, (*workload.Manager).Moved)
	}},
	{"placement_failures", "times the scheduler was asked to place an instance and found no blade, after the bring-up", "failures", Lower, func(_ *sim.World, f *sim.Figures) *float64 {
		return countOf(f.PlacementFailures)
	}},
	{"placement_failures_total", "times the scheduler was asked to place an instance and found no blade, from tick 0 (the bring-up's included)", "failures", Neither, func(_ *sim.World, f *sim.Figures) *float64 {
		return countOf(f.PlacementFailuresTotal)
	}},
	// GPU figures: with GPU devices only (see sim.GPUFigures).
	{"gpu_allocation", "fraction of every blade's GPU (milli-GPU) booked by instances at the end", "fraction", Higher, func(_ *sim.World, f *sim.Figures) *float64 {
		return gpu(f, func(g *sim.GPUFigures) *float64 { return g.Allocation })
	}},
	{"gpu_allocation_mean", "fraction of every blade's GPU booked, the mean of the metrics samples after the bring-up", "fraction", Higher, func(w *sim.World, _ *sim.Figures) *float64 {
		return sampleRatioMean(w.Control().Metrics, "gpu_used_milli", "gpu_capacity_milli")
	}},
	{"gpu_allocation_schedulable_mean", "fraction of the schedulable blades' GPU booked, the mean of the metrics samples after the bring-up", "fraction", Higher, func(w *sim.World, _ *sim.Figures) *float64 {
		return sampleRatioMean(w.Control().Metrics, "gpu_sched_used_milli", "gpu_sched_capacity_milli")
	}},
	{"gpu_fragmentation", "expected fraction of the schedulable blades' free GPU a typical task cannot use, at the end", "fraction", Lower, func(_ *sim.World, f *sim.Figures) *float64 {
		return gpu(f, func(g *sim.GPUFigures) *float64 { return g.Fragmentation })
	}},
	{"gpu_fragmentation_mean", "expected fraction of the schedulable blades' free GPU a typical task cannot use, the mean of the metrics samples after the bring-up", "fraction", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return sampleRatioMean(w.Control().Metrics, "gpu_fragmented_milli", "free")
	}},
	{"gpu_fragmented_gpus_mean", "expected GPUs of the schedulable blades' free GPU a typical task cannot use, the mean of the metrics samples after the bring-up", "GPUs", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		v := sampleMean(w.Control().Metrics, "gpu_fragmented_milli")
		if v != nil {
			*v /= 1000
		}
		return v
	}},
	{"gpu_tasks_waiting", "instances asking for GPUs that wait for a blade at the end", "instances", Lower, func(_ *sim.World, f *sim.Figures) *float64 {
		return gpu(f, func(g *sim.GPUFigures) *float64 { return count(g.TasksWaiting) })
	}},
	{"gpu_tasks_waiting_mean", "instances asking for GPUs that wait for a blade, the mean of the metrics samples after the bring-up", "instances", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return sampleMean(w.Control().Metrics, "gpu_tasks_waiting")
	}},
}

func gpu(f *sim.Figures, read func(*sim.GPUFigures) *float64) *float64 {
	if f.GPU == nil {
		return nil
	}
	return read(f.GPU)
}

// Figures are the names of every figure a sweep can report, in order.
func Figures() []string {
	out := make([]string, len(figures))
	for i, f := range figures {
		out[i] = f.name
	}
	return out
}

// FigureDoc says what a figure measures ("" for an unknown name).
func FigureDoc(name string) string {
	f, _ := figureByName(name)
	return f.doc
}

// FigureUnit is what a figure counts ("fraction", "ticks", "instances"...;
// "" for an unknown name).
func FigureUnit(name string) string {
	f, _ := figureByName(name)
	return f.unit
}

// FigureBetter says which way a figure is better (Neither for an unknown
// name).
func FigureBetter(name string) Better {
	f, _ := figureByName(name)
	return f.better
}

func figureByName(name string) (figure, bool) {
	i := slices.IndexFunc(figures, func(f figure) bool { return f.name == name })
	if i < 0 {
		return figure{}, false
	}
	return figures[i], true
}

func count(n int64) *float64 {
	v := float64(n)
	return &v
}

// countOf is n as a figure, nil for nil.
func countOf(n *int64) *float64 {
	if n == nil {
		return nil
	}
	return count(*n)
}

func withWorkloads(w *sim.World, read func(*workload.Manager) int64) *float64 {
	if w.Control().Workloads == nil {
		return nil
	}
	return count(read(w.Control().Workloads))
}

// sampleRatioMean is the mean over the samples taken after the bring-up
// (metrics.RowsAfterWarmUp) of column num over column
// den; over the free GPU of the schedulable blades when den is "free"
// (gpu_sched_capacity_milli minus gpu_sched_used_milli). Samples without
// a value or with a zero denominator are left out; nil without the
// columns or a sample.
func sampleRatioMean(m *metrics.Metrics, num, den string) *float64 {
	cols := m.Columns()
	n, d, used := slices.Index(cols, num), slices.Index(cols, den), -1
	if den == "free" {
		d, used = slices.Index(cols, "gpu_sched_capacity_milli"), slices.Index(cols, "gpu_sched_used_milli")
		if used < 0 {
			return nil
		}
	}
	if n < 0 || d < 0 {
		return nil
	}
	var sum float64
	k := 0
	for _, row := range m.RowsAfterWarmUp() {
		x, y := row[n], row[d]
		if used >= 0 {
			y -= row[used] // these columns always have a value
		}
		if x == metrics.NA || y == metrics.NA || y == 0 {
			continue
		}
		sum += float64(x) / float64(y)
		k++
	}
	if k == 0 {
		return nil
	}
	v := sum / float64(k)
	return &v
}

// sampleMean is the mean of one metrics column over the samples kept that
// were taken after the bring-up (metrics.RowsAfterWarmUp), nil without the
// column or such a sample.
func sampleMean(m *metrics.Metrics, column string) *float64 {
	c := slices.Index(m.Columns(), column)
	if c < 0 {
		return nil
	}
	var sum, n int64
	for _, row := range m.RowsAfterWarmUp() {
		if v := row[c]; v != metrics.NA {
			sum += v
			n++
		}
	}
	if n == 0 {
		return nil
	}
	v := float64(sum) / float64(n)
	return &v
}
