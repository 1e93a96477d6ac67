package app

import (
	"errors"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/app/chart"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/compare"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Compare is the Compare tab's comparison: 2 to compare.VariantsMax
// variants of one scenario, run in lockstep by a compare.Run, with the
// commands the user gave in the tab (each applied to every variant at the
// same tick). It is the comparison's own state, apart from the page's
// Session and Runner; it does no browser I/O (wall times come in as
// arguments), so it is tested natively. It is used from the UI goroutine
// only.
//
// Time travel: going back to tick T rebuilds every world from the scenario
// and replays the commands given up to T; the commands given after T are
// dropped (a comparison keeps no future, unlike a Session). Worlds are
// deterministic, so back-then-forward gives the same hashes.
type Compare struct {
	base     *scenario.Scenario // what every variant starts from: the scenario (its script), no commands, at tick 0
	variants []variant.Variant
	cmds     []scenario.Timed // the commands given so far, by tick
	future   []scenario.Timed // commands still to give at their ticks (from a link), by tick
	run      *compare.Run

	running bool       // Frame advances towards target
	target  clock.Tick // where a run-to ends
	reach   clock.Tick // the furthest tick reached with the commands kept (Reach)
	chunk   clock.Tick // ticks per slice, adapted to the frame budget
	err     string
	version uint64

	charts   []chart.Model // the overlaid charts last built, for chartsAt
	chartsAt [2]int64      // the tick and samples they were built at
	cols     []CompareColumn
	colsAt   uint64                        // the version cols were built at, plus one (0: none)
	builds   struct{ columns, charts int } // how often each was built (tests)
}

// NewCompare starts a comparison of variants (2 to compare.VariantsMax,
// names unique) of base, every world at tick 0. base's commands, if any,
// are given to every variant at their ticks as time reaches them; its tick
// is where the caller may run to. Errors name the variant.
func NewCompare(base *scenario.Scenario, variants []variant.Variant) (*Compare, error) {
	b := base.Clone()
	future := b.Commands
	b.Commands, b.At = nil, 0
	c := &Compare{base: b, variants: slices.Clone(variants), future: future, chunk: 1}
	if err := c.rebuild(); err != nil {
		return nil, err
	}
	return c, nil
}

// OpenCompareLink reads a comparison's link (an s3. fragment, or a whole
// address): its variants from its scenario at tick 0, and the tick the
// link was made at, which the caller runs to (RunTo now, or Start for
// frames); the link's commands are given as time reaches their ticks. A
// scenario's link (no variants) is an error.
func OpenCompareLink(l string) (*Compare, clock.Tick, error) {
	d, err := link.Decode(l, sim.EngineVersion)
	if err != nil {
		return nil, 0, err
	}
	if len(d.Variants) == 0 {
		return nil, 0, errors.New("this link is not a comparison's")
	}
	c, err := NewCompare(d.Scenario, d.Variants)
	if err != nil {
		return nil, 0, err
	}
	return c, d.Scenario.At, nil
}

// rebuild makes every world anew at tick 0, no-wait (time moves only when
// the tab moves it).
func (c *Compare) rebuild() error {
	r, err := compare.New(c.base, c.variants)
	if err != nil {
		return err
	}
	if err := r.SetPolicy(clock.NoWait, 0, -1); err != nil {
		return err
	}
	c.run = r
	c.version++
	return nil
}

// Variants are the variants compared, in order.
func (c *Compare) Variants() []variant.Variant { return c.variants }

// Run is the lockstep run (read it; move it through the Compare).
func (c *Compare) Run() *compare.Run { return c.run }

// Now is the tick every variant is at.
func (c *Compare) Now() clock.Tick { return c.run.Now() }

// Commands are the commands given in the tab so far.
func (c *Compare) Commands() []scenario.Timed { return c.cmds }

// Version changes whenever anything the tab shows may have changed.
func (c *Compare) Version() uint64 { return c.version }

// Err is the last error, "" for none.
func (c *Compare) Err() string { return c.err }

// fail records err for the tab and returns it.
func (c *Compare) fail(err error) error {
	if err != nil {
		c.err = err.Error()
		c.running = false
		c.version++
	}
	return err
}

// Running reports whether a run-to is under way, and its target.
func (c *Compare) Running() (bool, clock.Tick) { return c.running, c.target }

// RunTo advances every variant to tick t now (t before now is a travel
// back: see Travel).
func (c *Compare) RunTo(t clock.Tick) error {
	if t < c.Now() {
		return c.Travel(t)
	}
	c.version++
	return c.fail(c.advance(t))
}

// advance runs every variant to tick t, giving the future commands on the
// way at their ticks.
func (c *Compare) advance(t clock.Tick) error {
	for len(c.future) > 0 && c.future[0].At <= t {
		f := c.future[0]
		if err := c.run.RunUntil(f.At); err != nil {
			return err
		}
		c.future = c.future[1:]
		reach := c.reach // a command replayed keeps what lies beyond it
		if _, err := c.Apply(f.Command); err != nil {
			return fmt.Errorf("replaying %s at t=%d: %w", f.Command, f.At, err)
		}
		c.reach = reach
	}
	return c.run.RunUntil(t)
}

// Step advances every variant n ticks now (n ≥ 1).
func (c *Compare) Step(n int64) error {
	if n < 1 {
		return c.fail(fmt.Errorf("step: %d ticks, at least 1", n))
	}
	return c.RunTo(c.Now() + clock.Tick(n))
}

// Start runs to tick t over the next frames (Frame); a tick before now
// travels back at once.
func (c *Compare) Start(t clock.Tick) error {
	if t <= c.Now() {
		return c.RunTo(t)
	}
	c.running, c.target, c.chunk = true, t, 1
	c.version++
	return nil
}

// Pause stops a run-to where it is.
func (c *Compare) Pause() {
	if c.running {
		c.running = false
		c.version++
	}
}

// Frame does a frame's share of a run-to: slices of ticks, every variant
// together, until budgetMs (measured with clockMs, the page's clock in
// ms) is spent. It reports whether anything changed.
func (c *Compare) Frame(budgetMs float64, clockMs func() float64) bool {
	if !c.running {
		return false
	}
	start := clockMs()
	for c.Now() < c.target && clockMs()-start < budgetMs {
		next := min(c.target, c.Now()+c.chunk)
		if err := c.advance(next); err != nil {
			c.fail(err)
			return true
		}
		spent := clockMs() - start
		switch {
		case spent < budgetMs/4 && c.chunk < 1<<20:
			c.chunk *= 2
		case spent > budgetMs && c.chunk > 1:
			c.chunk /= 2
		}
	}
	if c.Now() >= c.target {
		c.running = false
	}
	c.version++
	return true
}

// Travel goes to tick t: forward by running, back by rebuilding and
// replaying the commands given up to t (those given after t, and any
// still to give, are dropped).
func (c *Compare) Travel(t clock.Tick) error {
	if t >= c.Now() && t >= 0 {
		return c.RunTo(t)
	}
	if err := c.rewind(t); err != nil {
		return err
	}
	return c.fail(c.advance(t))
}

// TravelStart goes to tick t over the next frames (Frame), as the travel
// slider does: forward by running, back by rebuilding at tick 0 and
// replaying to t, the commands given after t dropped (Travel).
func (c *Compare) TravelStart(t clock.Tick) error {
	if t >= c.Now() && t >= 0 {
		return c.Start(t)
	}
	if err := c.rewind(t); err != nil {
		return err
	}
	return c.Start(t)
}

// rewind rebuilds every world at tick 0 for a travel back to t (before
// now), keeping the commands given up to t to replay; the reach stays
// where it was unless a command is dropped, which changes what lies
// beyond t.
func (c *Compare) rewind(t clock.Tick) error {
	if t < 0 {
		return c.fail(fmt.Errorf("travel: tick %d is before the start", t))
	}
	c.running = false
	keep := c.cmds[:0:0]
	for _, tc := range c.cmds {
		if tc.At <= t {
			keep = append(keep, tc)
		}
	}
	reach := c.Reach()
	if len(keep) < len(c.cmds) || len(c.future) > 0 {
		reach = t
	}
	if err := c.rebuild(); err != nil {
		return c.fail(err)
	}
	c.cmds, c.future, c.reach = nil, keep, reach
	return nil
}

// Reach is the furthest tick the comparison has reached with the
// commands it keeps: the travel slider's end. A command given, or
// dropped by a travel back, brings it to that tick, since what lay
// beyond is another run.
func (c *Compare) Reach() clock.Tick { return max(c.reach, c.Now()) }

// Apply gives a command to every variant at the current tick and keeps
// it; the outcomes are each variant's, in order. A command no variant
// takes is an error and is not kept.
func (c *Compare) Apply(cmd scenario.Command) ([]compare.Outcome, error) {
	out, err := c.run.Apply(cmd)
	c.version++
	if err != nil {
		return out, c.fail(err)
	}
	c.err = ""
	c.cmds = append(c.cmds, scenario.Timed{At: c.Now(), Command: cmd})
	c.reach = c.Now()
	return out, nil
}

// FailBlade faults the blade at path (e.g. region1/zone1/rack1/blade/3)
// in every variant.
func (c *Compare) FailBlade(path string) ([]compare.Outcome, error) {
	return c.Apply(scenario.Command{Do: scenario.FaultBlade, Target: path})
}

// Base is the scenario every variant started from, without the commands
// given since: what a restart of these variants starts from again.
func (c *Compare) Base() *scenario.Scenario { return c.base }

// Scenario is the comparison as a scenario: the base with the commands
// given so far, at the current tick. Opened again with the variants, it
// replays to here.
func (c *Compare) Scenario() *scenario.Scenario {
	sc := c.base.Clone()
	sc.Commands = slices.Clone(c.cmds)
	sc.At = c.Now()
	return sc
}

// Link is the comparison's link fragment (s3.…, no "#"), made with
// link.EncodeCompare.
func (c *Compare) Link() (string, error) {
	return link.EncodeCompare(c.Scenario(), c.variants, sim.EngineVersion)
}

// CompareColumn is what the tab shows of one variant.
type CompareColumn struct {
	Name, Policy string
	Overrides    []string // what else the variant changes, in words (overrides)
	Tick         clock.Tick
	Hash         string // the world's trace hash, hex
	// MeasuredFrom is the tick the bring-up ended, the figures that add up
	// over time (availability, MTTR, placement failures) counting from it
	// (sim.Figures.MeasuredFrom); -1 while it lasts.
	MeasuredFrom clock.Tick
	Figures      []CompareFigure
	Blades       []BladeCount // blades per state, in the states' order, states with none left out
}

// CompareFigure is one key figure of a variant: its value as text ("–"
// when the world has none, e.g. no fault yet for MTTR).
type CompareFigure struct{ Name, Value string }

// BladeCount is how many blades are in a state.
type BladeCount struct {
	State string
	N     int
}

// Columns are the variants' columns, in order: built again only when
// the version changed. Read them only.
func (c *Compare) Columns() []CompareColumn {
	if c.colsAt == c.version+1 {
		return c.cols
	}
	c.builds.columns++
	cols := make([]CompareColumn, len(c.variants))
	for i, w := range c.run.Worlds() {
		v := c.variants[i]
		policy := v.Policy
		switch {
		case policy == "":
			policy = "(scenario's)"
		case v.Custom != nil:
			policy = fmt.Sprintf("custom (filter %q, score %q)", v.Custom.Filter, v.Custom.Score)
		}
		st := w.Status()
		f := w.Figures()
		from := clock.Tick(-1)
		if f.MeasuredFrom != nil {
			from = *f.MeasuredFrom
		}
		cols[i] = CompareColumn{Name: v.Name, Policy: policy, Overrides: overrides(v), Tick: st.Tick, Hash: st.Hash, MeasuredFrom: from, Figures: keyFigures(w, f), Blades: bladeCounts(w.Hardware())}
	}
	c.cols, c.colsAt = cols, c.version+1
	return cols
}

// keyFigures are the figures the tab sets side by side, f being w's (the
// GPU ones with GPU devices only: sim.Figures.GPU). Availability, MTTR and
// placement failures count after the bring-up ("–" while it lasts), the
// placement failures from tick 0 beside them.
func keyFigures(w *sim.World, f *sim.Figures) []CompareFigure {
	pct := func(p *float64) string {
		if p == nil {
			return "–"
		}
		return fmt.Sprintf("%.2f %%", *p*100)
	}
	ticks := func(p *float64) string {
		if p == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f ticks", *p)
	}
	out := []CompareFigure{{"availability", pct(f.Availability)}, {"MTTR", ticks(f.MTTRTicks)}}
	if m := w.Control().Workloads; m != nil {
		out = append(out,
			CompareFigure{"instances waiting", fmt.Sprint(m.Waiting())},
			CompareFigure{"instances moved", fmt.Sprint(m.Moved())},
			CompareFigure{"placement failures", placementFailures(f)})
	}
	for _, r := range []string{"cores", "memory"} {
		if p, ok := f.CapacityUsed[r]; ok {
			out = append(out, CompareFigure{"capacity used (" + r + ")", pct(p)})
		}
	}
	if g := f.GPU; g != nil {
		out = append(out,
			CompareFigure{"GPU allocation", pct(g.Allocation)},
			CompareFigure{"GPU fragmentation", pct(g.Fragmentation)},
			CompareFigure{"GPU tasks waiting", fmt.Sprint(g.TasksWaiting)})
	}
	return out
}

// placementFailures reads "3 (19 from tick 0)": the failures after the
// bring-up, and all of them when the bring-up had some; "– (16 from tick
// 0)" while it lasts.
func placementFailures(f *sim.Figures) string {
	total := *f.PlacementFailuresTotal
	if f.PlacementFailures == nil {
		return fmt.Sprintf("– (%d from tick 0)", total)
	}
	if *f.PlacementFailures == total {
		return fmt.Sprint(total)
	}
	return fmt.Sprintf("%d (%d from tick 0)", *f.PlacementFailures, total)
}

// MeasuredText says what a column's figures count from: "measured from
// tick 9, after the bring-up", or, while the bring-up lasts, that they
// wait for it.
func MeasuredText(col CompareColumn) string {
	if col.MeasuredFrom < 0 {
		return fmt.Sprintf("The bring-up is not over at t=%d (an enabled blade has never worked yet): availability, MTTR and placement failures are measured once it is.", col.Tick)
	}
	return fmt.Sprintf("measured from tick %d, after the bring-up", col.MeasuredFrom)
}

// bladeCounts counts the blades per state.
func bladeCounts(hw *hardware.Model) []BladeCount {
	counts := map[string]int{}
	var order []string
	for i := range hw.NumBlades() {
		s := hw.BladeState(views.BladeID(i)).String()
		if counts[s] == 0 {
			order = append(order, s)
		}
		counts[s]++
	}
	slices.Sort(order)
	out := make([]BladeCount, len(order))
	for i, s := range order {
		out[i] = BladeCount{s, counts[s]}
	}
	return out
}

// CompareDecision is one variant's side of the first divergent decision.
type CompareDecision struct {
	Variant  string
	Decision string // what it decided, "" when its trace had no entry there yet
	Reason   string // why, "" for none given
}

// FirstDivergence is the first divergent decision, as the tab shows it:
// its tick and every variant's decision; ok is false while the variants
// have all decided the same.
func (c *Compare) FirstDivergence() (tick clock.Tick, decisions []CompareDecision, ok bool) {
	d := c.run.Divergence()
	if d == nil {
		return 0, nil, false
	}
	for i, v := range c.variants {
		dec := CompareDecision{Variant: v.Name}
		if !d.Missing[i] {
			dec.Decision, dec.Reason = d.Entries[i].Name.String(), d.Entries[i].Reason.String()
		}
		decisions = append(decisions, dec)
	}
	return d.Tick, decisions, true
}

// Charts are three figures over time with one line per variant (its
// colour slot and dash pattern are its position, and its legend says when
// it is the same as an earlier variant's): availability (%), capacity used (% of the
// enabled blades' cores) and instances waiting, from each world's metrics
// samples. Nil for a scenario without a control plane. They are rebuilt
// only when the tick or the samples changed.
func (c *Compare) Charts() []chart.Model {
	worlds := c.run.Worlds()
	if worlds[0].Control() == nil || worlds[0].Control().Metrics == nil {
		return nil
	}
	key := [2]int64{int64(c.Now()), int64(len(worlds[0].Control().Metrics.Rows()))}
	if c.charts != nil && key == c.chartsAt {
		return c.charts
	}
	c.builds.charts++
	last := func(format func(float64) string) func(chart.Series) string {
		return func(s chart.Series) string {
			if s.LastNA || len(s.Y) == 0 {
				return "n/a"
			}
			return format(s.Y[len(s.Y)-1])
		}
	}
	pct := last(func(v float64) string { return fmt.Sprintf("%.1f%%", v) })
	models := []chart.Model{
		{Title: "Availability", Unit: "% of enabled-blade time working, after the bring-up (none while it lasts)", Suffix: "%", YMax: 100, Last: pct},
		{Title: "Capacity used, cores", Unit: "% of the enabled blades' cores", Suffix: "%", Last: pct},
		{Title: "Instances waiting", Unit: "instances", Whole: true, Last: last(chart.Label)},
	}
	for i, w := range worlds {
		m := w.Control().Metrics
		cols, rows := m.Columns(), m.Rows()
		name := c.variants[i].Name
		for k, col := range [][2]string{{metrics.AfterBringUpColumn, ""}, {"cores_used_milli", "capacity_cores_milli"}, {"instances_waiting", ""}} {
			num, den := chart.Column(cols, col[0]), -1
			if col[1] != "" {
				den = chart.Column(cols, col[1])
			}
			if num < 0 || (col[1] != "" && den < 0) {
				models[k].Empty = "This scenario does not sample it (no workloads)."
				continue
			}
			scale := []float64{1.0 / 10_000, 100, 1}[k]
			s := chart.RatioSeries(name, i, rows, num, den, scale)
			s.Dash = i // variant 1 solid, the others dashed over it, so equal lines both show
			models[k].Series = append(models[k].Series, s)
		}
		if len(rows) == 0 {
			for k := range models {
				models[k].Empty = "No samples yet."
			}
		}
	}
	for k := range models {
		chart.MarkSame(models[k].Series) // the legend says which line hides under which
	}
	c.charts, c.chartsAt = models, key
	return models
}
