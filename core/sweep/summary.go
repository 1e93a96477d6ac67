package sweep

import (
	"fmt"
	"slices"
)

// Summary is a sweep's figures per variant: each figure's mean and 95 %
// interval over the seeds, and its paired difference from the baseline
// variant (the same seeds' runs, variant minus baseline), which is how a
// user sees whether a difference is real: an interval of the difference
// that excludes 0. As a JSON line:
//
//	{"kind":"summary","sweep":"4f0c…","name":"…","runs":60,"ticks":20000,
//	 "baseline":"first-fit","figures":["availability",…],
//	 "variants":[{"name":"spread","runs":30,"halted":0,
//	   "figures":{"availability":{"n":30,"mean":0.98,"ci95_low":0.97,"ci95_high":0.99}},
//	   "vs_baseline":{"availability":{"n":30,"mean":0.001,"ci95_low":-0.002,"ci95_high":0.004}}}]}
//
// vs_baseline is absent for the baseline itself.
type Summary struct {
	Kind     string           `json:"kind"` // "summary"
	Sweep    string           `json:"sweep"`
	Name     string           `json:"name,omitempty"`
	Runs     int              `json:"runs"`
	Ticks    int64            `json:"ticks"`
	Baseline string           `json:"baseline"`
	Figures  []string         `json:"figures"`
	Variants []VariantSummary `json:"variants"`
}

// VariantSummary is one variant's line of a Summary.
type VariantSummary struct {
	Name       string              `json:"name"`
	Runs       int                 `json:"runs"`
	Halted     int                 `json:"halted"`
	Figures    map[string]Interval `json:"figures"`
	VsBaseline map[string]Interval `json:"vs_baseline,omitempty"`
}

// Summarize computes the summary of every run's result. It refuses
// results of another sweep, a run given twice and a run missing, naming
// them: a summary is of the whole sweep or of nothing. The order of the
// results does not matter: they are taken in run order, so the summary
// is the same bits however the runs were split and in whatever order
// they finished.
func (s *Sweep) Summarize(results []Result) (*Summary, error) {
	byIndex := make([]*Result, s.Runs())
	for i := range results {
		r := &results[i]
		switch {
		case r.Sweep != s.id:
			return nil, fmt.Errorf("run %d is of sweep %s, not of this one (%s)", r.Index, r.Sweep, s.id)
		case r.Index < 0 || r.Index >= len(byIndex):
			return nil, fmt.Errorf("run %d: this sweep has runs 0 to %d", r.Index, len(byIndex)-1)
		case byIndex[r.Index] != nil:
			return nil, fmt.Errorf("run %d is given twice", r.Index)
		}
		want := s.At(r.Index)
		if r.Variant != s.spec.Variants[want.Variant].Name || r.Seed != want.Seed {
			return nil, fmt.Errorf("run %d is %s seed %d, but this sweep's run %d is %s seed %d", r.Index, r.Variant, r.Seed, r.Index, s.spec.Variants[want.Variant].Name, want.Seed)
		}
		byIndex[r.Index] = r
	}
	if missing := slices.Index(byIndex, nil); missing >= 0 {
		n := 0
		for _, r := range byIndex {
			if r == nil {
				n++
			}
		}
		r := s.At(missing)
		return nil, fmt.Errorf("%d of the %d runs are missing, the first run %d (%s, seed %d)", n, len(byIndex), missing, s.spec.Variants[r.Variant].Name, r.Seed)
	}

	names := s.figures
	nv, base := len(s.spec.Variants), s.spec.baselineIndex()
	sum := &Summary{Kind: "summary", Sweep: s.id, Name: s.spec.Name, Runs: s.Runs(), Ticks: int64(s.spec.Ticks),
		Baseline: s.spec.Variants[base].Name, Figures: slices.Clone(names)}
	for v := range nv {
		vs := VariantSummary{Name: s.spec.Variants[v].Name, Figures: map[string]Interval{}}
		if v != base {
			vs.VsBaseline = map[string]Interval{}
		}
		for _, name := range names {
			var xs, ds []float64
			for seed := range s.spec.Seeds.Count {
				r, b := byIndex[seed*nv+v], byIndex[seed*nv+base]
				x := valueOf(r, name)
				if x == nil {
					continue
				}
				xs = append(xs, *x)
				if y := valueOf(b, name); v != base && y != nil {
					ds = append(ds, *x-*y)
				}
			}
			vs.Figures[name] = interval(xs)
			if v != base {
				vs.VsBaseline[name] = interval(ds)
			}
		}
		for seed := range s.spec.Seeds.Count {
			vs.Runs++
			if byIndex[seed*nv+v].Halted != "" {
				vs.Halted++
			}
		}
		sum.Variants = append(sum.Variants, vs)
	}
	return sum, nil
}

// valueOf is a run's figure, nil when it has none or halted.
func valueOf(r *Result, name string) *float64 {
	if r.Halted != "" {
		return nil
	}
	return r.Figures[name]
}
