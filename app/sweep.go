package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/app/chart"
	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// launcher starts a sweep's Workers (startSweepWorkers; tests pass a
// fake): one per part, each given the header line and its run indices;
// on gets every message, from a JS callback. stop terminates them all.
type launcher func(header string, parts [][]int, on func(workerMsg)) (stop func(), err error)

// sweepState is the Sweep tab's state, kept by the Shell so a sweep goes
// on while another tab is shown: the form, the sweep under way (job, its
// Workers' stop), and the last complete sweep's summary. The UI goroutine
// owns it; the Workers' messages reach it through dispatch.
type sweepState struct {
	choice     sweepChoice
	workerPool           // the Workers of the sweep under way
	job        *sweepJob // the sweep under way or the last complete one; nil when none or cancelled
	sum        *sweep.Summary
	note       string // what became of the last sweep when it did not complete
	v          uint64 // bumped by every change, so the panel re-renders

	base    *scenario.Scenario // the scenario of a shared sweep's link or of the last sweep; nil: the session's
	baseWhy string             // whose scenario base is: "the shared sweep's link"
	sameAs  *scenario.Scenario // a session scenario found equal to base
	draft   sweepDraft         // the "add a variant" editor
	addErr  string             // why the last variant was not added

	shareURL  string // the form's link, once shared
	shareLong bool   // past link.FileAbove: offered as a file
	shareErr  string // why the form could not be shared

	keep     func(lines []byte) // keeps a complete sweep's lines (Storage.PutLastSweep); nil: not kept
	restored bool               // the last kept sweep was asked for
}

func newSweepState() *sweepState { return &sweepState{choice: defaultSweepChoice()} }

// start runs the form's sweep over base (named name) in up to cores
// Workers (sweepWorkerCount) started by launch; dispatch hands a
// Worker's message to the UI goroutine. The previous results are
// dropped. An error (a bad form, no Workers) leaves nothing under way
// and is also kept in note.
func (st *sweepState) start(name string, base *scenario.Scenario, cores int, launch launcher, dispatch func(func())) error {
	st.cancel()
	st.sum, st.job, st.note = nil, nil, ""
	st.v++
	err := func() error {
		spec, err := st.choice.spec(name, base)
		if err != nil {
			return err
		}
		sw, err := sweep.New(spec, base)
		if err != nil {
			return err
		}
		job, err := newSweepJob(sw)
		if err != nil {
			return err
		}
		parts := sweepParts(sw.Runs(), sweepWorkerCount(cores, sw.Runs()))
		stop, err := launch(string(job.header), parts, func(m workerMsg) {
			dispatch(func() { st.message(job, m) })
		})
		if err != nil {
			return err
		}
		st.job = job
		st.started(stop, len(parts))
		return nil
	}()
	if err != nil {
		st.note = "Sweep not started: " + err.Error()
	}
	return err
}

// message takes a Worker's message for job; messages of a sweep no
// longer under way (cancelled, replaced, failed) are dropped.
func (st *sweepState) message(job *sweepJob, m workerMsg) {
	if job != st.job || !st.running() {
		return
	}
	st.v++
	if why := st.read(m, func(m workerMsg) error { return job.add(m.Line) }, job.progress); why != "" {
		st.fail(why)
		return
	}
	if !job.complete() {
		return
	}
	sum, err := job.summary()
	if err != nil {
		st.fail(err.Error())
		return
	}
	st.terminate()
	st.sum = sum
	if st.keep != nil {
		if data, err := job.jsonl(); err == nil {
			st.keep(data)
		}
	}
}

// restore shows a sweep kept by an earlier page (its JSON lines: header,
// runs, summary), summarised again, and sets the form to its choices.
// Nothing changes while a sweep is under way or on an error.
func (st *sweepState) restore(data []byte) error {
	if st.running() || st.sum != nil {
		return nil
	}
	heads, runs, err := sweep.ReadLines("the last sweep", data)
	if err != nil {
		return err
	}
	if len(heads) != 1 {
		return fmt.Errorf("the last sweep has %d header lines, want 1", len(heads))
	}
	sw, err := sweep.FromHeader("the last sweep", heads[0])
	if err != nil {
		return err
	}
	job, err := newSweepJob(sw)
	if err != nil {
		return err
	}
	for _, r := range runs {
		line, _ := json.Marshal(&r)
		if err := job.add(string(line)); err != nil {
			return err
		}
	}
	sum, err := job.summary()
	if err != nil {
		return err
	}
	st.choice = choiceOf(sw.Spec())
	// The form runs the sweep's own scenario (shown as such while the
	// session's differs), not whatever the session holds now.
	st.base, st.baseWhy = sw.Base(), "the last sweep (kept from before)"
	st.job, st.sum, st.workers, st.note = job, sum, 0, ""
	st.v++
	return nil
}

// edited is a change of the form: a link shared before is of another
// sweep now, so it is no longer shown.
func (st *sweepState) edited() {
	st.shareURL, st.shareLong, st.shareErr = "", false, ""
	st.v++
}

// fail stops the sweep under way and keeps nothing of it.
func (st *sweepState) fail(why string) {
	done, total := st.job.progress()
	st.cancel()
	st.note = fmt.Sprintf("Sweep failed after %d of %d runs, nothing kept: %s", done, total, why)
}

// cancel terminates the Workers of a sweep under way and drops its runs:
// the tab shows no results until a sweep completes.
func (st *sweepState) cancel() {
	if !st.running() {
		return
	}
	done, total := st.job.progress()
	st.terminate()
	st.job, st.sum = nil, nil
	st.note = fmt.Sprintf("Sweep cancelled after %d of %d runs; nothing kept.", done, total)
	st.v++
}

// sweepPanel is the Sweep tab (Shell.panel), over the session's scenario.
func (s *Shell) sweepPanel(c *Controller) app.UI {
	if s.sweep == nil {
		s.sweep = newSweepState()
		s.sweep.keep = s.keepSweep
	}
	if !s.sweep.restored && s.store != nil && s.ctx.Src() != nil {
		s.sweep.restored = true
		st, sw, ctx := s.store.st, s.sweep, s.ctx
		ctx.Async(func() {
			rec, err := st.LastSweep(ctx)
			ctx.Dispatch(func(ctx app.Context) {
				if err == nil && rec != nil {
					err = sw.restore(rec.Lines)
				}
				if err != nil && sw.note == "" {
					sw.note = "The last sweep's results cannot be shown: " + err.Error()
				}
				sw.v++
			})
		})
	}
	return &SweepPanel{St: s.sweep, S: sessionOf(c), V: s.sweep.v, Ctx: s.ctx}
}

// keepSweep keeps a complete sweep's lines in storage, as the last sweep
// (shown again after a reload); a failure is said in the tab.
func (s *Shell) keepSweep(lines []byte) {
	if s.store == nil || s.ctx.Src() == nil {
		return
	}
	st, sw, ctx := s.store.st, s.sweep, s.ctx
	ctx.Async(func() {
		if err := st.PutLastSweep(ctx, &storage.SweepRecord{Lines: lines}); err != nil {
			ctx.Dispatch(func(ctx app.Context) {
				sw.note = "The results are shown but not kept: " + err.Error()
				sw.v++
			})
		}
	})
}

// SweepPanel runs the session's scenario under several placement
// policies for several seeds, in the page's Web Workers, and shows per
// figure each policy's mean with its 95 % interval and its paired
// difference from the first (the baseline).
type SweepPanel struct {
	app.Compo
	St  *sweepState
	S   *Session
	V   uint64      // St.v
	Ctx app.Context // the Shell's: the Workers' messages outlive this panel
}

// Render draws the form, the progress of a sweep under way, and the last
// complete sweep's results.
func (p *SweepPanel) Render() app.UI {
	st := p.St
	sec := app.Section().Class("panel", "panel-sweep").Aria("label", "Sweep")
	if st == nil {
		return sec.Body(app.H2().Text("Sweep"))
	}
	ch := st.choice
	name := "the scenario"
	base := p.base()
	if base != nil {
		name = "“" + base.Name + "”"
	}
	var pols []app.UI
	for _, pol := range sched.Policies() {
		pols = append(pols, app.Label().Class("sweep-check").Body(
			app.Input().Type("checkbox").DataSet("testid", "sweep-policy").DataSet("policy", pol).
				Checked(slices.Contains(ch.Policies, pol)).Disabled(st.running()).OnChange(onRow("policy", pol, p.onPolicy)),
			app.Text(" "+pol)))
	}
	var figs []app.UI
	for _, f := range sweep.Figures() {
		figs = append(figs, app.Label().Class("sweep-check").Title(sweep.FigureDoc(f)).Body(
			app.Input().Type("checkbox").DataSet("testid", "sweep-figure").DataSet("figure", f).
				Checked(len(ch.Figures) == 0 || slices.Contains(ch.Figures, f)).Disabled(st.running()).OnChange(onRow("figure", f, p.onFigure)),
			app.Text(" "+f)))
	}
	body := []app.UI{
		app.H2().Text("Sweep"),
		app.P().Class("muted").Text("Runs " + name + " as loaded (without the commands given since) under each variant (a placement policy, a custom policy, or other monitor or repair settings) for seeds 1 to N, to the same tick, in Web Workers. The first variant is the baseline: the others' differences from it are paired seed by seed, marked * where the 95 % interval excludes 0."),
		app.FieldSet().Body(app.Legend().Text("Placement policies (the first is the baseline)"), app.Div().Class("sweep-checks").Body(pols...)),
		p.renderVariants(),
		app.Div().Class("sweep-numbers").Body(
			app.Label().For("sweep-seeds").Text("Seeds "),
			app.Input().ID("sweep-seeds").DataSet("testid", "sweep-seeds").Type("number").Min(1).Max(sweep.SeedsMax).
				Value(strconv.Itoa(ch.Seeds)).Disabled(st.running()).OnChange(p.onSeeds),
			app.Label().For("sweep-ticks").Text(" Run to tick "),
			app.Input().ID("sweep-ticks").DataSet("testid", "sweep-ticks").Type("number").Min(1).
				Value(strconv.FormatInt(ch.Ticks, 10)).Disabled(st.running()).OnChange(p.onTicks),
		),
		app.Details().Body(app.Summary().Text(figuresLabel(ch.Figures)), app.Div().Class("sweep-checks").Body(figs...)),
		app.Div().Class("sweep-actions").Body(
			app.Button().DataSet("testid", "sweep-run").Text("Run sweep").Disabled(st.running()).OnClick(p.onRun),
			app.If(st.running(), func() app.UI {
				return app.Button().DataSet("testid", "sweep-cancel").Text("Cancel").OnClick(p.onCancel)
			}),
		),
		p.renderShare(),
	}
	if st.base != nil && p.S != nil && st.sameAs != p.S.Base() && sameScenario(st.base, p.S.Base()) {
		st.sameAs = p.S.Base()
	}
	if st.base != nil && (p.S == nil || st.sameAs != p.S.Base()) {
		body = slices.Insert(body, 2, app.UI(app.P().Class("notice").DataSet("testid", "sweep-from-link").Body(
			app.Text(name+" is the scenario of "+st.baseWhy+", not this session's. "),
			app.Button().Type("button").DataSet("testid", "sweep-use-session").Text("Sweep this session's scenario instead").
				Disabled(st.running() || p.S == nil).OnClick(p.onUseSession))))
	}
	if base != nil && !hasWorkloads(base) {
		body = slices.Insert(body, 2, app.UI(app.P().Class("notice").DataSet("testid", "sweep-no-workloads").Text(
			name+" runs no workloads: a placement policy has nothing to place, and the figures of workloads (capacity used, instances) will have no value (n/a). Vary the monitor or the repairs instead.")))
	}
	if st.job != nil { // under way, or complete: done = total
		done, total := st.job.progress()
		body = append(body, app.Div().Class("sweep-progress").DataSet("testid", "sweep-progress").
			DataSet("done", done).DataSet("total", total).Aria("role", "status").Body(
			app.Progress().Max(total).Value(done).Aria("label", "sweep progress"),
			app.Text(progressText(done, total, st.workers)),
		))
	}
	if st.note != "" {
		body = append(body, app.P().Class("notice").DataSet("testid", "sweep-note").Aria("role", "status").Text(st.note))
	}
	if st.sum != nil {
		body = append(body, sweepResults(st.sum, st.workers)...)
		body = append(body, app.Div().Class("sweep-actions").Body(
			app.Button().DataSet("testid", "sweep-csv").Text("Download CSV").OnClick(p.onCSV),
			app.Button().DataSet("testid", "sweep-jsonl").Text("Download JSON lines").OnClick(p.onJSONL),
		))
	}
	return sec.Body(body...)
}

func figuresLabel(figs []string) string {
	if len(figs) == 0 || len(figs) == len(sweep.Figures()) {
		return "Figures: all"
	}
	return fmt.Sprintf("Figures: %d of %d", len(figs), len(sweep.Figures()))
}

// readable is a figure for a reader: four significant digits, and whole
// numbers from 1000 up rather than e-notation (18890, not 1.889e+04).
func readable(x float64) string {
	if a := math.Abs(x); a >= 1000 && a < 1e15 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// sweepResults is the summary as charts and a table: per figure (with
// its unit and which way is better), per variant (a row carrying
// data-variant, data-figure and data-mean, the mean in full), the mean,
// the paired difference from the baseline with its interval, marked *
// when that excludes 0 (and said better or worse when the figure has a
// direction), and the mean's 95 % interval. Every number follows one
// rule (readable). Figures no run has a value of are named in a sentence
// rather than drawn as rows of n/a.
func sweepResults(sum *sweep.Summary, workers int) []app.UI {
	g := readable
	span := func(iv sweep.Interval) string {
		if iv.Low == nil {
			return "n/a"
		}
		return "[" + g(*iv.Low) + ", " + g(*iv.High) + "]"
	}
	var rows, charts []app.UI
	var none []string
	for _, f := range sum.Figures {
		if !anyValue(sum, f) {
			none = append(none, f)
			continue
		}
		charts = append(charts, sweepChart(f, sweepEstimates(sum, f)))
		for i, v := range sum.Variants {
			iv := v.Figures[f]
			mean, ci, full := "n/a", "n/a", ""
			if iv.N > 0 {
				mean, ci, full = g(iv.Mean), span(iv), strconv.FormatFloat(iv.Mean, 'g', -1, 64)
			}
			vs, real := "baseline", false
			if v.Name != sum.Baseline {
				vs = "n/a"
				if d := v.VsBaseline[f]; d.N > 0 {
					sign := ""
					if d.Mean >= 0 {
						sign = "+"
					}
					vs = sign + g(d.Mean) + " " + span(d)
					real = excludesZero(d)
				}
			}
			mark := ""
			if real {
				mark = "*" + verdict(f, v.VsBaseline[f].Mean)
			}
			var head app.UI = app.Td()
			if i == 0 {
				head = app.Th().Scope("row").Title(sweep.FigureDoc(f)).Body(
					app.Text(f), app.Span().Class("sweep-unit").Text(figureUnitText(f)))
			}
			rows = append(rows, app.Tr().DataSet("variant", v.Name).DataSet("figure", f).DataSet("mean", full).DataSet("real", real).Body(
				head,
				app.Td().Text(v.Name),
				app.Td().Class("num").Text(iv.N),
				app.Td().Class("num").Text(mean),
				app.Td().Text(vs),
				app.Td().Class("sweep-mark-cell").Text(mark),
				app.Td().Class("num").Text(ci),
			))
		}
	}
	out := []app.UI{
		app.H3().Text(fmt.Sprintf("%s: %d runs to tick %d, baseline %s", sum.Name, sum.Runs, sum.Ticks, sum.Baseline)),
	}
	if len(none) > 0 {
		out = append(out, app.P().Class("notice").DataSet("testid", "sweep-no-value").Text(
			"No run has a value of "+strings.Join(none, ", ")+" (n/a): figures of workloads have none when the scenario runs no workloads, MTTR none when nothing was repaired."))
	}
	out = append(out,
		app.Div().Class("sweep-charts").Body(charts...),
		app.Div().Class("sweep-table").Body(app.Table().Class("sweep-results").DataSet("testid", "sweep-results").DataSet("sweep", sum.Sweep).Body(
			app.THead().Body(app.Tr().Body(
				app.Th().Text("figure"), app.Th().Text("variant"), app.Th().Text("n"), app.Th().Text("mean"),
				app.Th().Text("vs "+sum.Baseline+" (paired, 95 %)"), app.Th().Aria("label", "real difference"), app.Th().Text("mean's 95 % interval"),
			)),
			app.TBody().Body(rows...),
		)),
		app.P().Class("muted").DataSet("testid", "sweep-legend").Text(
			"* the paired difference's 95 % interval excludes 0: a real difference, not the luck of the seeds; "+
				"“better” or “worse” by the figure's direction. n: the runs with a value. "+
				"Numbers to 4 significant digits, whole from 1000; the CSV has them in full."),
	)
	for _, v := range sum.Variants {
		if v.Halted > 0 {
			out = append(out, app.P().Class("notice").Text(fmt.Sprintf("%s: %d of %d runs halted (an invariant broke); the summary leaves them out.", v.Name, v.Halted, v.Runs)))
		}
	}
	return out
}

// anyValue reports whether some variant has a value of figure f.
func anyValue(sum *sweep.Summary, f string) bool {
	for _, v := range sum.Variants {
		if v.Figures[f].N > 0 {
			return true
		}
	}
	return false
}

// verdict says whether a real difference d of figure f from the baseline
// is better or worse (" better", " worse"), or nothing for a figure with
// no direction.
func verdict(f string, d float64) string {
	switch b := sweep.FigureBetter(f); {
	case b == sweep.Neither || d == 0:
		return ""
	case (b == sweep.Higher) == (d > 0):
		return " better"
	}
	return " worse"
}

func (p *SweepPanel) onPolicy(ctx app.Context, pol string) {
	ch := &p.St.choice
	if i := slices.Index(ch.Policies, pol); i >= 0 {
		ch.Policies = slices.Delete(ch.Policies, i, i+1)
	} else {
		ch.Policies = append(ch.Policies, pol)
	}
	p.St.edited()
}

func (p *SweepPanel) onFigure(ctx app.Context, f string) {
	ch := &p.St.choice
	if len(ch.Figures) == 0 {
		ch.Figures = sweep.Figures()
	}
	if i := slices.Index(ch.Figures, f); i >= 0 {
		ch.Figures = slices.Delete(ch.Figures, i, i+1)
	} else {
		ch.Figures = append(ch.Figures, f)
	}
	p.St.edited()
}

func (p *SweepPanel) onSeeds(ctx app.Context, e app.Event) {
	if n, err := strconv.Atoi(ctx.JSSrc().Get("value").String()); err == nil {
		p.St.choice.Seeds = n
	}
	p.St.edited()
}

func (p *SweepPanel) onTicks(ctx app.Context, e app.Event) {
	if n, err := strconv.ParseInt(ctx.JSSrc().Get("value").String(), 10, 64); err == nil {
		p.St.choice.Ticks = n
	}
	p.St.edited()
}

func (p *SweepPanel) onRun(ctx app.Context, e app.Event) {
	base := p.base()
	if base == nil {
		return
	}
	home := p.Ctx
	if home.Src() == nil { // no Shell (tests)
		home = ctx
	}
	p.St.start(base.Name, base, browserCores(), startSweepWorkers, func(f func()) {
		home.Dispatch(func(app.Context) { f() })
	})
}

func (p *SweepPanel) onCancel(ctx app.Context, e app.Event) { p.St.cancel() }

func (p *SweepPanel) onCSV(ctx app.Context, e app.Event) {
	if p.St.sum == nil {
		return
	}
	data, err := summaryCSV(p.St.sum)
	if err == nil {
		Download("sweep-"+p.St.sum.Sweep+".csv", "text/csv", data)
	}
}

func (p *SweepPanel) onJSONL(ctx app.Context, e app.Event) {
	if p.St.job == nil {
		return
	}
	data, err := p.St.job.jsonl()
	if err == nil {
		Download("sweep-"+p.St.sum.Sweep+".jsonl", "application/jsonl", data)
	}
}

func progressText(done, total, workers int) string {
	if workers == 0 {
		return fmt.Sprintf(" %d of %d runs (the last sweep, kept from before)", done, total)
	}
	return fmt.Sprintf(" %d of %d runs, in %d Workers", done, total, workers)
}

// sweepEstimates are a figure's means and intervals per variant, in the
// summary's order, for its chart.
func sweepEstimates(sum *sweep.Summary, f string) []chart.Estimate {
	out := make([]chart.Estimate, 0, len(sum.Variants))
	for _, v := range sum.Variants {
		iv := v.Figures[f]
		e := chart.Estimate{Name: v.Name, Baseline: v.Name == sum.Baseline, N: iv.N, Mean: iv.Mean}
		if iv.Low != nil && iv.High != nil {
			e.Low, e.High, e.HasInterval = *iv.Low, *iv.High, true
		}
		out = append(out, e)
	}
	return out
}

// The interval chart's drawing area, in the SVG's own units.
const (
	ivW     = 400
	ivLeft  = 150 // the variants' names go left of it
	ivName  = 28  // characters of a name that fit there
	ivRight = 388
	ivTop   = 6
	ivRow   = 18
)

// sweepChart draws one figure (hook sweep-chart, data-figure): a row per
// variant (a sweep-mark carrying data-variant) with a dot at its mean and
// a whisker over its 95 % interval, the baseline hollow and its mean drawn
// as a dashed line down the chart, on an axis named by the figure's unit.
func sweepChart(f string, rows []chart.Estimate) app.UI {
	unit := sweep.FigureUnit(f)
	m := chart.Intervals(f, unit, rows)
	fig := app.Figure().Class("chart", "sweep-chart").DataSet("testid", "sweep-chart").DataSet("figure", f)
	caption := app.FigCaption().Class("chart-title").Title(sweep.FigureDoc(f)).Body(
		app.Text(f), app.Span().Class("sweep-chart-unit").Text(" "+figureUnitText(f)))
	if m.Empty != "" {
		return fig.Body(caption, app.P().Class("chart-empty").Text(m.Empty))
	}
	bottom := float64(ivTop + ivRow*len(rows) + 4)
	h := bottom + 26
	px := func(v float64) string { return fmtCoord(m.Pos(v, ivLeft, ivRight)) }
	nodes := []app.UI{chartSVG("title").Text(fmt.Sprintf("%s (%s): each variant's mean and 95 %% interval", f, unit))}
	for _, v := range m.Ticks {
		x := px(v)
		nodes = append(nodes,
			chartSVG("line").Class("chart-rule").Attr("x1", x).Attr("x2", x).Attr("y1", ivTop).Attr("y2", bottom),
			chartSVG("text").Class("chart-xlabel").Attr("x", x).Attr("y", bottom+11).Attr("text-anchor", "middle").Text(m.TickLabel(v)),
		)
	}
	nodes = append(nodes,
		chartSVG("line").Class("chart-axis").Attr("x1", ivLeft).Attr("x2", ivRight).Attr("y1", bottom).Attr("y2", bottom),
		chartSVG("text").Class("chart-xname").Attr("x", (ivLeft+ivRight)/2).Attr("y", h-3).Attr("text-anchor", "middle").Text(unit),
	)
	for i, r := range rows {
		y := float64(ivTop + ivRow*i + ivRow/2)
		ys := fmtCoord(y)
		name := r.Name
		if r.Baseline {
			name += " (baseline)"
		}
		if rs := []rune(name); len(rs) > ivName {
			name = string(rs[:ivName-1]) + "…"
		}
		mark := []app.UI{
			chartSVG("text").Class("sweep-chart-name").Attr("x", ivLeft-6).Attr("y", ys).Attr("text-anchor", "end").Attr("dominant-baseline", "middle").Text(name),
		}
		what := r.Name + ": no run has this figure"
		if r.N > 0 {
			what = r.Name + ": mean " + readable(r.Mean)
			if r.HasInterval {
				what += ", 95 % interval [" + readable(r.Low) + ", " + readable(r.High) + "]"
				lo, hi := px(r.Low), px(r.High)
				mark = append(mark,
					chartSVG("line").Class("sweep-whisker").Attr("x1", lo).Attr("x2", hi).Attr("y1", ys).Attr("y2", ys),
					chartSVG("line").Class("sweep-whisker").Attr("x1", lo).Attr("x2", lo).Attr("y1", fmtCoord(y-4)).Attr("y2", fmtCoord(y+4)),
					chartSVG("line").Class("sweep-whisker").Attr("x1", hi).Attr("x2", hi).Attr("y1", fmtCoord(y-4)).Attr("y2", fmtCoord(y+4)),
				)
			}
			if r.Baseline {
				nodes = append(nodes, chartSVG("line").Class("sweep-chart-base").Attr("x1", px(r.Mean)).Attr("x2", px(r.Mean)).Attr("y1", ivTop).Attr("y2", bottom))
			}
			mark = append(mark, chartSVG("circle").Class("sweep-dot").Attr("cx", px(r.Mean)).Attr("cy", ys).Attr("r", 3.5))
		}
		cls := []string{"sweep-mark"}
		if r.Baseline {
			cls = append(cls, "baseline")
		}
		nodes = append(nodes, chartSVG("g").Class(cls...).DataSet("variant", r.Name).Body(
			append([]app.UI{chartSVG("title").Text(what)}, mark...)...))
	}
	return fig.Body(caption,
		chartSVG("svg").Class("chart-svg").Attr("viewBox", fmt.Sprintf("0 0 %d %s", ivW, fmtCoord(h))).
			Attr("role", "img").Aria("label", fmt.Sprintf("%s (%s): each variant's mean and 95 %% interval", f, unit)).
			Body(nodes...))
}

// figureUnitText is a figure's unit and which way is better, for a reader:
// "(fraction, higher is better)".
func figureUnitText(f string) string {
	switch sweep.FigureBetter(f) {
	case sweep.Higher:
		return "(" + sweep.FigureUnit(f) + ", higher is better)"
	case sweep.Lower:
		return "(" + sweep.FigureUnit(f) + ", lower is better)"
	}
	return "(" + sweep.FigureUnit(f) + ")"
}

// hasWorkloads reports whether a scenario runs workloads (a placement
// policy and the figures of workloads need them).
func hasWorkloads(sc *scenario.Scenario) bool {
	return sc != nil && sc.Control != nil && sc.Control.Workloads != nil
}

// renderVariants lists the sweep's variants (hook sweep-variant, a row
// each carrying data-variant), the baseline first, and the editor that
// adds one (hook sweep-add-variant); a variant refused says why and
// leaves the list as it was.
func (p *SweepPanel) renderVariants() app.UI {
	st := p.St
	ch := st.choice
	base := ch.baseline()
	var rows []app.UI
	for _, v := range ch.variants() {
		name := v.Name
		if v.Name == base {
			name += " (baseline)"
		}
		remove := app.Button().Type("button").Class("sweep-remove").Text("Remove").Disabled(st.running()).
			Aria("label", "Remove variant "+v.Name).OnClick(onRow("remove", v.Name, p.onRemoveVariant))
		rows = append(rows, app.Li().DataSet("testid", "sweep-variant").DataSet("variant", v.Name).Body(
			app.Strong().Text(name), app.Text(": "+describeVariant(v)+" "), remove))
	}
	if len(rows) == 0 {
		rows = append(rows, app.Li().Class("muted").Text("None yet: tick a policy or add a variant."))
	}
	d := &st.draft
	field := func(label, id, placeholder string, val *string) app.UI {
		return app.Label().Class("sweep-field").Body(
			app.Span().Text(label),
			app.Input().DataSet("testid", "sweep-draft-"+id).Value(*val).Placeholder(placeholder).Disabled(st.running()).
				// Scoped by the field: the handlers share their code, and go-app
				// would keep an old one (writing another field) on an input that
				// took its place when the custom fields came or went.
				OnChange(func(ctx app.Context, e app.Event) { *val = ctx.JSSrc().Get("value").String() }, app.EventScope("sweep-draft", id)),
		)
	}
	ctl := scenario.DefaultControl()
	if b := p.base(); b != nil && b.Control != nil {
		ctl = b.Control
	}
	var opts []app.UI
	for _, pol := range append([]string{""}, append(sched.Policies(), sched.CustomName)...) {
		label := pol
		if pol == "" {
			label = "the scenario's own"
		}
		opts = append(opts, app.Option().Value(pol).Text(label).Selected(pol == d.Policy))
	}
	editor := []app.UI{
		app.Summary().Text("Add a variant: a custom policy, monitor or repair settings"),
		app.Div().Class("sweep-editor").Body(
			field("Name", "name", "e.g. slow monitor", &d.Name),
			app.Label().Class("sweep-field").Body(app.Span().Text("Placement policy"),
				app.Select().DataSet("testid", "sweep-draft-policy").Disabled(st.running()).
					OnChange(func(ctx app.Context, e app.Event) { d.Policy = ctx.JSSrc().Get("value").String() }).Body(opts...)),
			app.If(d.Policy == sched.CustomName, func() app.UI {
				return app.Div().Class("sweep-editor-group", "sweep-editor-custom").Body(
					field("Filter (blank: every blade)", "filter", "e.g. blade.instances < 8", &d.Filter),
					field("Score (highest wins)", "score", "e.g. blade.free_memory_mb - request.memory_mb", &d.Score),
				)
			}),
			app.Div().Class("sweep-editor-group").Body(
				field("Monitor: suspect after (ticks)", "suspect", strconv.FormatInt(int64(ctl.Monitor.SuspectAfter), 10), &d.Suspect),
				field("fail after (ticks)", "fail", strconv.FormatInt(int64(ctl.Monitor.FailAfter), 10), &d.Fail),
			),
			app.Div().Class("sweep-editor-group").Body(
				field("Repairs: technician from (ticks)", "tech-low", strconv.FormatInt(int64(ctl.Repair.Technician.Low), 10), &d.TechLow),
				field("to (ticks)", "tech-high", strconv.FormatInt(int64(ctl.Repair.Technician.High), 10), &d.TechHigh),
				field("burn-in (ticks)", "burn-in", strconv.FormatInt(int64(ctl.Repair.BurnIn), 10), &d.BurnIn),
			),
			app.P().Class("muted").Text("A blank setting keeps the scenario's (shown greyed); a group left blank is not overridden."),
			app.Button().Type("button").DataSet("testid", "sweep-add-variant").Text("Add variant").
				Disabled(st.running() || len(ch.variants()) >= sweep.VariantsMax).OnClick(p.onAddVariant),
		),
	}
	if st.addErr != "" {
		editor = append(editor, app.P().Class("notice").Aria("role", "alert").DataSet("testid", "sweep-variant-error").Text(st.addErr))
	}
	return app.Div().Class("sweep-variants").Body(
		app.H3().Text("Variants"),
		app.Ul().Class("sweep-variant-list").Body(rows...),
		app.Details().Open(st.addErr != "" || len(ch.Extra) > 0 || d.Name != "").Body(editor...),
	)
}

// addVariant adds the editor's variant over base; a variant refused (a
// bad field, a name taken, too many) sets addErr and changes nothing.
func (st *sweepState) addVariant(base *scenario.Scenario) error {
	err := func() error {
		v, err := st.draft.variant(base)
		if err != nil {
			return err
		}
		vs := st.choice.variants()
		if len(vs) >= sweep.VariantsMax {
			return fmt.Errorf("variants: at most %d", sweep.VariantsMax)
		}
		if slices.ContainsFunc(vs, func(x variant.Variant) bool { return strings.EqualFold(x.Name, v.Name) }) {
			return fmt.Errorf("name: %q is the name of another variant", v.Name)
		}
		st.choice.Extra = append(slices.Clone(st.choice.Extra), v)
		return nil
	}()
	st.addErr = ""
	if err != nil {
		st.addErr = "Variant not added: " + err.Error()
	} else {
		st.draft = sweepDraft{}
		st.edited()
	}
	st.v++
	return err
}

// removeVariant drops an added variant, or unticks a built-in policy.
func (st *sweepState) removeVariant(name string) {
	ch := &st.choice
	if i := slices.IndexFunc(ch.Extra, func(v variant.Variant) bool { return v.Name == name }); i >= 0 {
		ch.Extra = slices.Delete(slices.Clone(ch.Extra), i, i+1)
	} else if i := slices.Index(ch.Policies, name); i >= 0 {
		ch.Policies = slices.Delete(slices.Clone(ch.Policies), i, i+1)
	}
	st.edited()
}

func (p *SweepPanel) onAddVariant(ctx app.Context, e app.Event) {
	if p.base() == nil || p.St.running() {
		return
	}
	if p.St.addVariant(p.base()) == nil {
		// go-app drops an empty value attribute rather than setting the
		// property, so the inputs the user typed in keep their text: clear
		// them, as the draft now is.
		list := app.Window().Get("document").Call("querySelectorAll", `.panel-sweep input[data-testid^="sweep-draft-"]`)
		for i := range list.Length() {
			list.Index(i).Set("value", "")
		}
	}
}

func (p *SweepPanel) onRemoveVariant(ctx app.Context, name string) {
	if !p.St.running() {
		p.St.removeVariant(name)
	}
}

// base is the scenario the tab sweeps: a shared sweep's own, else the
// session's as loaded; nil when there is neither.
func (p *SweepPanel) base() *scenario.Scenario {
	switch {
	case p.St != nil && p.St.base != nil:
		return p.St.base
	case p.S != nil:
		return p.S.Base()
	}
	return nil
}

func (p *SweepPanel) onUseSession(ctx app.Context, e app.Event) {
	if !p.St.running() {
		p.St.base = nil
		p.St.edited()
	}
}

// sameScenario reports whether two scenarios are the same (their
// canonical JSON).
func sameScenario(a, b *scenario.Scenario) bool {
	if a == b {
		return true
	}
	x, err1 := scenario.Marshal(a)
	y, err2 := scenario.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
