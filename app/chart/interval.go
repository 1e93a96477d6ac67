package chart

import (
	"math"
	"strconv"
)

// Estimate is one variant's value of a figure: its mean over the seeds and
// the 95 % interval of that mean (HasInterval false when there are fewer
// than two values). N is how many runs had a value; a row with N 0 has
// nothing to draw.
type Estimate struct {
	Name        string
	Baseline    bool
	N           int
	Mean        float64
	Low, High   float64
	HasInterval bool
}

// IntervalModel is one figure of a sweep ready to draw: a row per variant,
// a mark at its mean and a whisker over its interval, on a value axis from
// Lo to Hi with Ticks (multiples of Step) labelled by TickLabel.
type IntervalModel struct {
	Title  string
	Unit   string
	Rows   []Estimate
	Lo, Hi float64
	Step   float64
	Ticks  []float64
	Empty  string // why there is nothing to draw, if so
}

// Intervals lays out a figure's estimates: the axis spans every mean and
// interval bound, widened to whole steps of about four parts; it does not
// reach for 0, so close values stay apart. An axis of a single value is
// widened around it. When no row has a value, Empty says so.
func Intervals(title, unit string, rows []Estimate) IntervalModel {
	m := IntervalModel{Title: title, Unit: unit, Rows: rows}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		if r.N == 0 {
			continue
		}
		lo, hi = min(lo, r.Mean), max(hi, r.Mean)
		if r.HasInterval {
			lo, hi = min(lo, r.Low), max(hi, r.High)
		}
	}
	if lo > hi {
		m.Empty = "No run has this figure."
		return m
	}
	if lo == hi {
		pad := math.Abs(lo) / 10
		if pad == 0 {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	}
	m.Step = NiceStep(hi-lo, 4)
	m.Lo, m.Hi = math.Floor(lo/m.Step)*m.Step, math.Ceil(hi/m.Step)*m.Step
	m.Ticks = NiceTicks(m.Lo, m.Hi, 4)
	return m
}

// Pos maps a value onto [left, right].
func (m IntervalModel) Pos(v, left, right float64) float64 {
	return left + (v-m.Lo)/(m.Hi-m.Lo)*(right-left)
}

// TickLabel prints a tick with as many decimals as the step needs, so the
// ticks of a narrow axis (0.975, 0.98, 0.985) stay distinct; large values
// as Label does (18k).
func (m IntervalModel) TickLabel(v float64) string {
	if m.Step >= 1 {
		return Label(v)
	}
	dec := int(math.Ceil(-math.Log10(m.Step) - 1e-9))
	if d := m.Step * math.Pow(10, float64(dec)); math.Abs(d-math.Round(d)) > 1e-6 {
		dec++ // a step of 0.25 or 2.5: one digit more
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}
