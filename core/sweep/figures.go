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
	{"availability", "fraction of enabled-blade time spent working", "fraction", Higher, func(_ *sim.World, f *sim.Figures) *float64 { return f.Availability }},
	{"mttr_ticks", "mean ticks from a fault to its repair", "ticks", Lower, func(_ *sim.World, f *sim.Figures) *float64 { return f.MTTRTicks }},
	{"mtbf_ticks", "enabled-blade ticks working per blade fault", "ticks", Higher, func(_ *sim.World, f *sim.Figures) *float64 { return f.MTBFTicks }},
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
	{"instances_waiting_mean", "instances waiting for a blade, the mean of the metrics samples", "instances", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return sampleMean(w.Control().Metrics, "instances_waiting")
	}},
	{"instances_moved", "instances moved off a blade that failed or was taken out", "moves", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return withWorkloads(w, (*workload.Manager).Moved)
	}},
	{"placement_failures", "times the scheduler was asked to place an instance and found no blade", "failures", Lower, func(w *sim.World, _ *sim.Figures) *float64 {
		return withWorkloads(w, (*workload.Manager).PlacementFailures)
	}},
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

func withWorkloads(w *sim.World, read func(*workload.Manager) int64) *float64 {
	if w.Control().Workloads == nil {
		return nil
	}
	return count(read(w.Control().Workloads))
}

// sampleMean is the mean of one metrics column over the samples kept, nil
// without the column or a sample.
func sampleMean(m *metrics.Metrics, column string) *float64 {
	c := slices.Index(m.Columns(), column)
	if c < 0 {
		return nil
	}
	var sum, n int64
	for _, row := range m.Rows() {
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
