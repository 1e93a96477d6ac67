// Package chart turns the metrics' samples into charts ready to draw:
// series in display units (Series), downsampled to PointsMax points that
// keep peaks and dips, the four charts of the Charts panel with why one is
// empty (Build, Model), and the axis maths (NiceTicks, Label). It is pure
// (no UI, no browser): the page's Charts panel (package app) draws them.
package chart

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/metrics"
)

// PointsMax bounds the points drawn per series; a long run keeps its
// peaks and dips (see Downsample) but not every sample.
const PointsMax = 300

// Series is one line: simulated ticks and values in display units.
// Samples without a value (metrics.NA, or a zero denominator) are left
// out of X and Y; LastNA says the latest sample had none.
type Series struct {
	Name   string
	Color  int    // palette slot, from the column's position, so a state keeps its color
	Class  string // a named color instead (blade states match the inventory's)
	Dash   int    // dash pattern slot: 0 solid, 1.. DashesMax dashed (each a variant's own, so coinciding lines both show)
	SameAs string // the name of an earlier series of the chart with the very same points (MarkSame), or ""
	X      []int64
	Y      []float64
	LastNA bool
}

// DashesMax is how many dash patterns (dash1, dash2, ...) the stylesheet
// has; a slot beyond it reuses them in turn.
const DashesMax = 3

// MarkSame sets each series' SameAs to the first earlier series whose
// points (and latest "n/a") are equal to its own, so the legend can say
// that a line hidden under another is there. It compares the series pairwise
// (len(ss)² comparisons of len(X) points at most; a comparison stops at
// the first difference).
func MarkSame(ss []Series) {
	for j := range ss {
		ss[j].SameAs = ""
		for i := range j {
			if ss[i].LastNA == ss[j].LastNA && slices.Equal(ss[i].X, ss[j].X) && slices.Equal(ss[i].Y, ss[j].Y) {
				ss[j].SameAs = ss[i].Name
				break
			}
		}
	}
}

// Model is one chart ready to draw.
type Model struct {
	Title  string
	Unit   string  // for the axis label and the legend
	Suffix string  // after each y-axis label ("%")
	YMax   float64 // a fixed top (100 for percentages), or 0 to fit the data
	Whole  bool    // the values are counts: the axis's steps are whole numbers
	Series []Series
	Empty  string // why there is nothing to draw, if so
	Last   func(s Series) string
}

// Column finds a column by name (-1 if absent).
func Column(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}

// ColumnSeries reads column i of every row as a series, scaled.
func ColumnSeries(name string, color int, rows [][]int64, i int, scale float64) Series {
	return RatioSeries(name, color, rows, i, -1, scale)
}

// RatioSeries reads column i of every row over column den (den < 0:
// over 1), scaled; a row whose value is metrics.NA or whose denominator is
// zero has no point.
func RatioSeries(name string, color int, rows [][]int64, i, den int, scale float64) Series {
	return seriesOf(name, color, rows, func(r []int64) (num, d int64, ok bool) {
		if i >= len(r) || den >= len(r) {
			return 0, 0, false
		}
		d = 1
		if den >= 0 {
			d = r[den]
		}
		return r[i], d, true
	}, scale)
}

// seriesOf is a series of num/den × scale, read from each row by value
// (ok false: the row is too short for the columns, and is skipped); a row
// whose num or den is metrics.NA, or whose den is zero, has no point.
func seriesOf(name string, color int, rows [][]int64, value func(r []int64) (num, den int64, ok bool), scale float64) Series {
	s := Series{Name: name, Color: color, X: make([]int64, 0, len(rows)), Y: make([]float64, 0, len(rows))}
	for _, r := range rows {
		n, d, ok := value(r)
		if !ok {
			continue
		}
		s.LastNA = n == metrics.NA || d == 0 || d == metrics.NA
		if s.LastNA {
			continue
		}
		s.X = append(s.X, r[0])
		s.Y = append(s.Y, float64(n)*scale/float64(d))
	}
	return s
}

// gpuCharts are the GPU charts, for samples with the GPU columns (a
// scenario with GPU devices: see sim's gpuProbes), none otherwise: the
// GPU booked (% of every blade's milli-GPU, and of the schedulable
// blades'), the fragmentation (% of the schedulable blades' free GPU a
// typical task cannot use) and the instances asking for GPUs that wait.
// Each says why it is empty when it is.
func gpuCharts(cols []string, rows [][]int64, pct, count func(Series) string) []Model {
	used, total := Column(cols, "gpu_used_milli"), Column(cols, "gpu_capacity_milli")
	sUsed, sTotal := Column(cols, "gpu_sched_used_milli"), Column(cols, "gpu_sched_capacity_milli")
	frag, waiting := Column(cols, "gpu_fragmented_milli"), Column(cols, "gpu_tasks_waiting")
	if min(used, total, sUsed, sTotal, frag, waiting) < 0 {
		return nil
	}
	alloc := Model{Title: "GPU allocation", Unit: "% of the GPUs (milli-GPU) booked by instances", Suffix: "%", YMax: 100, Last: pct,
		Series: []Series{RatioSeries("every blade", 0, rows, used, total, 100), RatioSeries("schedulable blades", 1, rows, sUsed, sTotal, 100)}}
	fragm := Model{Title: "GPU fragmentation", Unit: "% of the schedulable blades' free GPU a typical task cannot use", Suffix: "%", YMax: 100, Last: pct,
		Series: []Series{seriesOf("fragmented", 0, rows, func(r []int64) (int64, int64, bool) {
			if max(frag, sUsed, sTotal) >= len(r) {
				return 0, 0, false
			}
			return r[frag], r[sTotal] - r[sUsed], true
		}, 100)}}
	wait := Model{Title: "GPU tasks waiting", Unit: "instances asking for GPUs that wait for a blade", Whole: true, Last: count,
		Series: []Series{ColumnSeries("waiting", 0, rows, waiting, 1)}}
	if noValue(alloc.Series) {
		alloc.Empty = "n/a: no blade with GPUs is there to measure against."
	}
	if noValue(fragm.Series) {
		fragm.Empty = "n/a: no schedulable blade has free GPU, or no workload asks for GPUs."
	}
	return []Model{alloc, fragm, wait}
}

// PrefixSeries is a series for each column named prefix+<state>, except
// those skipped, leaving out states that were never anything but zero so
// the legend lists what happened.
func PrefixSeries(cols []string, rows [][]int64, prefix string, skip ...string) []Series {
	var out []Series
	slot := 0
	for i, c := range cols {
		name, ok := strings.CutPrefix(c, prefix)
		if !ok || i == 0 || slices.Contains(skip, name) {
			continue
		}
		color := slot
		slot++
		s := ColumnSeries(strings.ReplaceAll(name, "_", " "), color, rows, i, 1)
		if allZero(s.Y) {
			continue
		}
		if prefix == "blades_" {
			s.Class = "bs-" + name
		}
		out = append(out, s)
	}
	return out
}

// noValue: there are series, and none has a single value.
func noValue(ss []Series) bool {
	for _, s := range ss {
		if len(s.X) > 0 {
			return false
		}
	}
	return len(ss) > 0
}

func allZero(ys []float64) bool {
	for _, y := range ys {
		if y != 0 {
			return false
		}
	}
	return true
}

// Downsample keeps at most maxPoints of a series: in each of maxPoints/2
// buckets, the lowest and the highest point in time order, so a one-sample
// dip in availability or spike of faults still shows. The first and last
// points are always kept.
func Downsample(xs []int64, ys []float64, maxPoints int) ([]int64, []float64) {
	n := len(xs)
	if n <= maxPoints || maxPoints < 4 {
		return xs, ys
	}
	buckets := maxPoints / 2
	ox := make([]int64, 0, maxPoints)
	oy := make([]float64, 0, maxPoints)
	add := func(i int) {
		ox, oy = append(ox, xs[i]), append(oy, ys[i])
	}
	for b := 0; b < buckets; b++ {
		lo, hi := b*n/buckets, (b+1)*n/buckets
		if lo >= hi {
			continue
		}
		minI, maxI := lo, lo
		for i := lo + 1; i < hi; i++ {
			if ys[i] < ys[minI] {
				minI = i
			}
			if ys[i] > ys[maxI] {
				maxI = i
			}
		}
		first, second := min(minI, maxI), max(minI, maxI)
		if b == 0 {
			first = 0 // the start of the run
		}
		if b == buckets-1 {
			second = n - 1 // and its latest sample
		}
		add(first)
		if second != first {
			add(second)
		}
	}
	return ox, oy
}

// NiceStep is a 1, 2 or 5 times a power of ten step that splits span into
// about n parts.
func NiceStep(span float64, n int) float64 {
	if span <= 0 || n < 1 {
		return 1
	}
	raw := span / float64(n)
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*pow {
			return m * pow
		}
	}
	return 10 * pow
}

// NiceTicks are the tick values from lo to hi (both included when they fall
// on a step), about n of them.
func NiceTicks(lo, hi float64, n int) []float64 { return ticksOf(lo, hi, NiceStep(hi-lo, n)) }

// WholeTicks are NiceTicks of whole numbers (counts, simulated ticks): a
// step of at least 1, so 0 to 1 is 0 and 1, not 0, 0.5 and 1.
func WholeTicks(lo, hi float64, n int) []float64 {
	return ticksOf(lo, hi, max(1, NiceStep(hi-lo, n)))
}

func ticksOf(lo, hi, step float64) []float64 {
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// Label prints an axis value without trailing zeros: 1.5k, 250, 0.5.
func Label(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// Build turns the samples (metrics.Metrics: its columns, and rows whose
// first value is the tick) into the four charts, and the three GPU charts
// when the samples have GPU columns (gpuCharts). Capacity used is
// over the enabled blades' capacity at each sample (its capacity_*
// columns); a sample with none enabled has no percentage.
func Build(cols []string, rows [][]int64) []Model {
	count := func(s Series) string {
		if s.LastNA || len(s.Y) == 0 {
			return "n/a"
		}
		return Label(s.Y[len(s.Y)-1])
	}
	pct := func(s Series) string {
		if s.LastNA || len(s.Y) == 0 {
			return "n/a"
		}
		return strconv.FormatFloat(s.Y[len(s.Y)-1], 'f', 1, 64) + "%"
	}

	blades := Model{Title: "Blades by state", Unit: "blades", Whole: true, Last: count,
		Series: PrefixSeries(cols, rows, "blades_")}

	capacity := Model{Title: "Capacity used", Unit: "% of the enabled blades' capacity", Suffix: "%", Last: pct}
	for slot, c := range []struct{ col, den, name string }{
		{"cores_used_milli", "capacity_cores_milli", "cores"}, {"memory_used_mb", "capacity_memory_mb", "memory"},
		{"disk_used_gb", "capacity_disk_gb", "disk"}, {"network_used_mbps", "capacity_network_mbps", "network"},
	} {
		i, den := Column(cols, c.col), Column(cols, c.den)
		if i < 0 || den < 0 {
			continue
		}
		s := RatioSeries(c.name, slot, rows, i, den, 100)
		if slot >= 2 && allZero(s.Y) && !s.LastNA {
			continue // no workload asks for disk or network: say nothing of them
		}
		capacity.Series = append(capacity.Series, s)
	}

	instances := Model{Title: "Instances by state", Unit: "instances", Whole: true, Last: count,
		Series: PrefixSeries(cols, rows, "instances_", "moved")} // moved counts moves, not instances

	avail := Model{Title: "Availability", Unit: "% of enabled-blade time working", Suffix: "%", YMax: 100, Last: pct}
	if i := Column(cols, "availability_ppm"); i >= 0 {
		avail.Series = []Series{ColumnSeries("from tick 0", 0, rows, i, 1.0/10_000)}
	}
	if i := Column(cols, metrics.AfterBringUpColumn); i >= 0 {
		avail.Series = append(avail.Series, ColumnSeries("after the bring-up", 1, rows, i, 1.0/10_000))
	}

	noWork := Column(cols, "cores_used_milli") < 0
	out := []Model{blades, capacity, instances, avail}
	out = append(out, gpuCharts(cols, rows, pct, count)...)
	for i := range out {
		switch {
		case len(rows) == 0:
			out[i].Empty = "No samples yet."
		case out[i].Empty != "": // said by its maker
		case noWork && (i == 1 || i == 2):
			out[i].Empty = "This scenario runs no workloads."
		case noValue(out[i].Series):
			out[i].Empty = "n/a: no blade is enabled, so there is nothing to measure against."
		case len(out[i].Series) == 0:
			out[i].Empty = "Nothing to draw: every value is zero."
		}
		for j := range out[i].Series {
			s := &out[i].Series[j]
			s.X, s.Y = Downsample(s.X, s.Y, PointsMax)
		}
	}
	return out
}
