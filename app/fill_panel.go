package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/app/chart"
	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/fill"
	"github.com/cloudchamber/cloudchamber/core/gpushare"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// fillPanel is the GPU fill tab (Shell.panel).
func (s *Shell) fillPanel() app.UI {
	if s.fill == nil {
		s.fill = newFillState()
		s.fill.keep = s.keepFill
	}
	if !s.fill.restored && s.store != nil && s.ctx.Src() != nil {
		s.fill.restored = true
		st, fs, ctx := s.store.st, s.fill, s.ctx
		ctx.Async(func() {
			rec, err := st.LastFill(ctx)
			ctx.Dispatch(func(ctx app.Context) {
				if err == nil && rec != nil {
					err = fs.restore(rec.Data)
				}
				if err != nil && fs.note == "" {
					fs.note = "The last experiment's results cannot be shown: " + err.Error()
				}
				fs.v++
			})
		})
	}
	return &FillPanel{St: s.fill, V: s.fill.v, Ctx: s.ctx}
}

// keepFill keeps a complete experiment's record in storage, as the last
// one (shown again after a reload); a failure is said in the tab.
func (s *Shell) keepFill(data []byte) {
	if s.store == nil || s.ctx.Src() == nil {
		return
	}
	st, fs, ctx := s.store.st, s.fill, s.ctx
	ctx.Async(func() {
		if err := st.PutLastFill(ctx, &storage.FillRecord{Data: data}); err != nil {
			ctx.Dispatch(func(ctx app.Context) {
				fs.note = "The results are shown but not kept: " + err.Error()
				fs.v++
			})
		}
	})
}

// FillPanel runs the fill experiment of "Beware of Fragmentation" on a
// GPU trace dropped on it, in Web Workers, and draws each policy's mean
// allocation curve beside the published one.
type FillPanel struct {
	app.Compo
	St  *fillState
	V   uint64      // St.v
	Ctx app.Context // the Shell's: the Workers' messages outlive this panel

	over bool // files are being dragged over the drop zone
}

// policyLabel is a policy's name as the paper writes it ("FGD").
func policyLabel(p string) string {
	name := fill.PeerName(p)
	if _, after, ok := strings.Cut(name, "-"); ok {
		return after
	}
	return name
}

// policyColor is a policy's palette class: its place in gpushare.Names,
// so a policy keeps its colour whichever are run.
func policyColor(p string) string {
	return "c" + strconv.Itoa(slices.Index(gpushare.Names(), p)%chartColors)
}

// Render draws the drop zone with the files held, the form, the progress
// of an experiment under way, and the last complete one's chart and table.
func (p *FillPanel) Render() app.UI {
	st := p.St
	sec := app.Section().Class("panel", "panel-fill").Aria("label", "GPU fill experiment")
	if st == nil {
		return sec.Body(app.H2().Text("GPU fill experiment"))
	}
	ch := st.choice
	var pols []app.UI
	for _, pol := range gpushare.Names() {
		pols = append(pols, app.Label().Class("fill-check").Title(pol).Body(
			app.Input().Type("checkbox").DataSet("testid", "fill-policy").DataSet("policy", pol).
				Checked(slices.Contains(ch.Policies, pol)).Disabled(st.running()).OnChange(onRow("fill-policy", pol, p.onPolicy)),
			app.Span().Class("chart-swatch", policyColor(pol)).Aria("hidden", "true"),
			app.Text(policyLabel(pol))))
	}
	body := []app.UI{
		app.H2().Text("GPU fill experiment"),
		app.P().Class("muted").Body(
			app.Text("The experiment of “Beware of Fragmentation” (Weng et al., USENIX ATC 2023, Fig. 9a) on a GPU trace: an empty cluster of the node list's GPU nodes is filled with the task list's tasks, shuffled by the seed and inflated until they ask for tune × the cluster's GPUs, placed one at a time by each policy and never leaving. The curve is the share of the GPUs allocated as more are asked for; the higher, the less the policy fragments. Runs in Web Workers, in this page, offline as well; the same numbers as "),
			app.Code().Text("ccsim experiment fill"),
			app.Text("."),
		),
		p.renderFiles(),
		app.FieldSet().Body(app.Legend().Text("Policies"), app.Div().Class("fill-checks").Body(pols...)),
		app.Div().Class("fill-numbers").Body(
			app.Label().For("fill-seed-first").Text("Seeds from "),
			app.Input().ID("fill-seed-first").DataSet("testid", "fill-seed-first").Type("number").Min(0).
				Value(strconv.FormatUint(ch.First, 10)).Disabled(st.running()).OnChange(p.onSeed(&st.choice.First)),
			app.Label().For("fill-seed-last").Text(" to "),
			app.Input().ID("fill-seed-last").DataSet("testid", "fill-seed-last").Type("number").Min(0).
				Value(strconv.FormatUint(ch.Last, 10)).Disabled(st.running()).OnChange(p.onSeed(&st.choice.Last)),
			app.Label().For("fill-tune").Text(" Tune "),
			app.Input().ID("fill-tune").DataSet("testid", "fill-tune").Class("fill-tune").Value(ch.Tune).
				Title("the tasks are inflated (or cut) until they ask for this many times the cluster's GPUs; the paper's is 1.3").
				Disabled(st.running()).OnChange(p.onTune),
		),
		app.Div().Class("fill-actions").Body(
			app.Button().DataSet("testid", "fill-run").Text(p.runLabel()).Disabled(st.running() || st.nodes == nil || st.tasks == nil).OnClick(p.onRun),
			app.If(st.running(), func() app.UI {
				return app.Button().DataSet("testid", "fill-cancel").Text("Cancel").OnClick(p.onCancel)
			}),
		),
	}
	if j := st.job; j != nil {
		done, total := j.progress()
		text := fmt.Sprintf(" %d of %d runs, in %d Workers", done, total, st.workers)
		if st.workers == 0 {
			text = fmt.Sprintf(" %d of %d runs, kept from an earlier visit", done, total)
		}
		if j.complete() {
			text += fmt.Sprintf(", in %.1f s", j.wallMs/1000)
		}
		body = append(body, app.Div().Class("fill-progress").DataSet("testid", "fill-progress").
			DataSet("done", done).DataSet("total", total).DataSet("ms", strconv.FormatFloat(j.wallMs, 'f', 0, 64)).Aria("role", "status").Body(
			app.Progress().Max(total).Value(done).Aria("label", "experiment progress"),
			app.Text(text),
		))
	}
	if st.note != "" {
		body = append(body, app.P().Class("notice").DataSet("testid", "fill-note").Aria("role", "status").Text(st.note))
	}
	if j := st.job; j != nil && j.done > 0 {
		body = append(body, p.renderResults(j)...)
	}
	return sec.Body(body...)
}

// runLabel names the runs the button starts: "Run 60 runs (6 policies × 10 seeds)".
func (p *FillPanel) runLabel() string {
	ch := p.St.choice
	runs, _, err := ch.runs()
	if err != nil {
		return "Run"
	}
	seeds := int(ch.Last-ch.First) + 1
	return fmt.Sprintf("Run %s (%s × %s)", plural(len(runs), "run"), plural(len(runs)/seeds, "policy", "policies"), plural(seeds, "seed"))
}

// renderFiles is the drop zone (hook fill-files: the zone, with the file
// input inside it) and the two files held (fill-nodes, fill-tasks).
func (p *FillPanel) renderFiles() app.UI {
	st := p.St
	line := func(id, what string, f *fillTrace, summary func(*fillTrace) string) app.UI {
		if f == nil {
			return app.Li().Class("fill-file", "missing").DataSet("testid", id).Body(
				app.Strong().Text(what+": "), app.Text("not yet"))
		}
		return app.Li().Class("fill-file").DataSet("testid", id).DataSet("name", f.Name).DataSet("count", f.Count).
			DataSet("read-ms", strconv.FormatFloat(f.readMs, 'f', 1, 64)).Body(
			app.Strong().Text(what+": "), app.Code().Text(f.Name), app.Text(" — "+summary(f)))
	}
	nodes := func(f *fillTrace) string {
		return fmt.Sprintf("%s nodes, of which %s with %s GPUs", commas(int64(f.Count)), commas(f.GPUItems), commas(f.GPUs))
	}
	tasks := func(f *fillTrace) string {
		s := fmt.Sprintf("%s tasks, of which %s asking %s GPUs in all", commas(int64(f.Count)), commas(f.GPUItems), milliGPUText(f.GPUs))
		if slices.Contains(publishedWorkloads(st.publishedRows()), f.Workload()) {
			s += "; the peer published results of this list"
		}
		return s
	}
	cls := []string{"fill-drop"}
	if p.over {
		cls = append(cls, "over")
	}
	zone := app.Div().Class(cls...).DataSet("testid", "fill-files").Body(
		app.P().Body(
			app.Strong().Text("Drop the trace's two CSV files here"),
			app.Text(" (the node list and a task list, in either order; told apart by their header), or "),
		),
		// The input is the label's: a button that reads "Choose files…"
		// rather than the browser's "No file chosen" beside the files held.
		app.Input().ID("fill-choose").Class("sr-only").DataSet("testid", "fill-choose").Type("file").Multiple(true).Accept(".csv,text/csv").
			Disabled(st.running()).OnChange(p.onChoose),
		app.Label().For("fill-choose").Class("fill-choose").Text("Choose files…"),
		app.Ul().Class("fill-files").Body(
			line("fill-nodes", "Node list", st.nodes, nodes),
			line("fill-tasks", "Task list", st.tasks, tasks),
		),
		app.P().Class("muted").Body(
			app.Text("Alibaba's GPU trace (2023): "),
			app.Code().Text("openb_node_list_all_node.csv"),
			app.Text(" and "),
			app.Code().Text("openb_pod_list_default.csv"),
			app.Text(" (or any "),
			app.Code().Text("openb_pod_list_*.csv"),
			app.Text(") from github.com/alibaba/clusterdata, cluster-trace-gpu-v2023."),
		),
	).On("dragover", p.onDragOver).On("dragleave", p.onDragLeave).On("drop", p.onDrop)
	if st.fileErr != "" {
		return app.Div().Body(zone, app.P().Class("notice").Aria("role", "alert").DataSet("testid", "fill-error").Text("File refused, nothing changed: "+st.fileErr))
	}
	return zone
}

// milliGPUText prints milli-GPU as GPUs: 7,120.5.
func milliGPUText(m int64) string {
	s := commas(m / 1000)
	if r := m % 1000; r != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%03d", r), "0")
	}
	return s
}

// commas prints a count with thousands separators: 8,152.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// renderResults is the chart (hook fill-chart) and a close-up of its top
// right, drawn from the runs in so far while the experiment runs, then
// the table (fill-results) and the CSV download (fill-csv) once it is
// complete.
func (p *FillPanel) renderResults(j *fillJob) []app.UI {
	st := p.St
	rows := fillRows(j, st.publishedRows())
	anyPub := slices.ContainsFunc(rows, func(r fillRow) bool { return r.Published != nil })
	seeds := fmt.Sprintf("seeds %d–%d", j.runs[0].Seed, j.runs[len(j.runs)-1].Seed)
	mean := "the mean over " + seeds
	if !j.complete() {
		mean = fmt.Sprintf("so far the mean of the %d of %d runs done", j.done, len(j.runs))
	}
	gpus := 0
	for _, r := range j.results {
		if r != nil {
			gpus = r.TotalGPUs
			break
		}
	}
	var legend []app.UI
	for _, r := range rows {
		legend = append(legend, app.Li().DataSet("policy", r.Policy).Body(
			app.Span().Class("chart-swatch", policyColor(r.Policy)).Aria("hidden", "true"), app.Text(policyLabel(r.Policy))))
	}
	key := "Solid: this page's runs, " + mean + "."
	switch {
	case anyPub:
		key += " Dashed: the published results of the paper's simulator for " + j.tasks.Workload() + " (the mean over its seeds 42–51; a seed of ours is not the same shuffle as the peer's, so the means compare, not the runs)."
	case st.publishedErr != nil:
		key += " The published results cannot be read: " + st.publishedErr.Error()
	default:
		key += " No published results to draw beside them: the peer published " + strings.Join(publishedWorkloads(st.publishedRows()), " and ") +
			" at tune 1.3, and this is " + j.tasks.Workload() + " at tune " + fill.FormatThousandths(j.tune) + "."
	}
	legend = append(legend, app.Li().Class("fill-key").Body(app.Span().Class("fill-swatch-ideal").Aria("hidden", "true"), app.Text("every GPU asked is allocated")))
	out := []app.UI{
		app.H3().Text(fmt.Sprintf("GPU allocation: %s on %s (%s GPUs), tune %s", j.tasks.Workload(), j.nodes.Name, commas(int64(gpus)), fill.FormatThousandths(j.tune))),
		app.Div().Class("fill-charts").Body(
			fillChart(rows, fillView{X0: 0, X1: 130, Y0: 0, Y1: 100}, "fill-chart"),
			fillChart(rows, fillView{X0: 70, X1: 130, Y0: 70, Y1: 100}, "fill-chart-zoom"),
		),
		app.Ul().Class("chart-legend", "fill-legend").Body(legend...),
		app.P().Class("muted").DataSet("testid", "fill-key").Text(key),
	}
	if !j.complete() {
		return out
	}
	return append(out,
		fillTable(rows, seeds),
		app.Div().Class("fill-actions").Body(
			app.Button().DataSet("testid", "fill-csv").Text("Download CSV").
				Title("every run's curve in the peer's layout, as ccsim experiment fill --csv writes it").OnClick(p.onCSV),
		),
	)
}

// fillView is a chart's window: x in % of the GPUs asked, y in % allocated.
type fillView struct{ X0, X1, Y0, Y1 float64 }

// The fill charts' drawing area, in the SVG's own units.
const (
	fcW, fcH               = 320, 220
	fcLeft, fcRight        = 34, 300
	fcTop, fcBottom        = 8, 190
	fillChartStepsX, stepY = 7, 5
)

// fillChart draws the rows' mean curves in view v (hook id): each
// policy's own solid, its published one dashed in the same colour (a
// path each, carrying data-policy and data-kind "ours" or
// "published"), and the line where every GPU asked is allocated.
func fillChart(rows []fillRow, v fillView, id string) app.UI {
	px := func(x float64) float64 { return fcLeft + (x-v.X0)/(v.X1-v.X0)*(fcRight-fcLeft) }
	py := func(y float64) float64 { return fcBottom - (y-v.Y0)/(v.Y1-v.Y0)*(fcBottom-fcTop) }
	title := fmt.Sprintf("GPU allocated (%%) against GPU asked (%%), %g to %g %% asked", v.X0, v.X1)
	nodes := []app.UI{chartSVG("title").Text(title)}
	for _, y := range chart.NiceTicks(v.Y0, v.Y1, stepY) {
		ys := fmtCoord(py(y))
		nodes = append(nodes,
			chartSVG("line").Class("chart-rule").Attr("x1", fcLeft).Attr("x2", fcRight).Attr("y1", ys).Attr("y2", ys),
			chartSVG("text").Class("chart-ylabel").Attr("x", fcLeft-4).Attr("y", ys).Attr("text-anchor", "end").Attr("dominant-baseline", "middle").Text(chart.Label(y)+"%"))
	}
	for _, x := range chart.NiceTicks(v.X0, v.X1, fillChartStepsX) {
		xs := fmtCoord(px(x))
		nodes = append(nodes,
			chartSVG("line").Class("chart-xtick").Attr("x1", xs).Attr("x2", xs).Attr("y1", fcBottom).Attr("y2", fcBottom+4),
			chartSVG("text").Class("chart-xlabel").Attr("x", xs).Attr("y", fcBottom+14).Attr("text-anchor", "middle").Text(chart.Label(x)+"%"))
	}
	nodes = append(nodes,
		chartSVG("line").Class("chart-axis").Attr("x1", fcLeft).Attr("x2", fcRight).Attr("y1", fcBottom).Attr("y2", fcBottom),
		chartSVG("text").Class("chart-xname").Attr("x", (fcLeft+fcRight)/2).Attr("y", fcH-3).Attr("text-anchor", "middle").Text("GPU asked, % of the cluster's"),
	)
	// Every GPU asked allocated: y = x up to 100 %, then 100 %.
	ideal := clipLine([][2]float64{{0, 0}, {100, 100}, {130, 100}}, v)
	nodes = append(nodes, chartSVG("path").Class("fill-ideal").Attr("d", pathOf(ideal, px, py)))
	for _, r := range rows {
		color := policyColor(r.Policy)
		if r.Published != nil {
			nodes = append(nodes, fillPath(r.Published, v, px, py).Class("chart-line", "fill-published", color).
				DataSet("policy", r.Policy).DataSet("kind", "published").Body(chartSVG("title").Text(policyLabel(r.Policy)+", published")))
		}
		nodes = append(nodes, fillPath(&r.Ours, v, px, py).Class("chart-line", "fill-ours", color).
			DataSet("policy", r.Policy).DataSet("kind", "ours").Body(chartSVG("title").Text(policyLabel(r.Policy)+", this page")))
	}
	caption := fmt.Sprintf("%g–%g %% asked", v.X0, v.X1)
	if v.X0 > 0 || v.Y0 > 0 {
		caption = fmt.Sprintf("Close-up: %g–%g %% asked, %g–%g %% allocated", v.X0, v.X1, v.Y0, v.Y1)
	}
	return app.Figure().Class("chart", "fill-chart").DataSet("testid", id).Body(
		app.FigCaption().Class("chart-title").Text(caption),
		chartSVG("svg").Class("chart-svg").Attr("viewBox", fmt.Sprintf("0 0 %d %d", fcW, fcH)).
			Attr("role", "img").Aria("label", title).Body(nodes...))
}

// fillPath is a curve's path in view v: its points inside the window.
func fillPath(c *fillCurve, v fillView, px, py func(float64) float64) app.HTMLElem {
	var pts [][2]float64
	for i := range fill.Columns {
		if y, ok := c.at(i); ok && float64(i) >= v.X0 && float64(i) <= v.X1 && y >= v.Y0 {
			pts = append(pts, [2]float64{float64(i), y})
		}
	}
	return chartSVG("path").Attr("d", pathOf(pts, px, py))
}

// clipLine keeps the corners of a polyline inside v's x range, and the
// points where it enters it (enough for the ideal line).
func clipLine(pts [][2]float64, v fillView) [][2]float64 {
	var out [][2]float64
	for i, p := range pts {
		if i > 0 {
			q := pts[i-1]
			for _, y := range []float64{v.Y0} {
				if (q[1] < y) != (p[1] < y) && p[1] != q[1] {
					x := q[0] + (y-q[1])/(p[1]-q[1])*(p[0]-q[0])
					out = append(out, [2]float64{x, y})
				}
			}
		}
		if p[1] >= v.Y0 && p[0] >= v.X0 && p[0] <= v.X1 {
			out = append(out, p)
		}
	}
	return out
}

func pathOf(pts [][2]float64, px, py func(float64) float64) string {
	var b strings.Builder
	for i, p := range pts {
		if i == 0 {
			b.WriteString("M")
		} else {
			b.WriteString(" L")
		}
		b.WriteString(fmtCoord(px(p[0])) + " " + fmtCoord(py(p[1])))
	}
	return b.String()
}

// fillTable is the results (hook fill-results): a row per policy
// (data-policy, data-runs) with its mean allocation at 100 % asked (in
// full in data-mean, to two decimals in the cell), the published mean
// beside it when known (data-published) and the difference, its mean at
// 130 %, and the tasks left unplaced (mean per run).
func fillTable(rows []fillRow, seeds string) app.UI {
	pct := func(c *fillCurve, i int) (string, string) {
		if c == nil {
			return "—", ""
		}
		y, ok := c.at(i)
		if !ok {
			return "n/a", ""
		}
		return strconv.FormatFloat(y, 'f', 2, 64), strconv.FormatFloat(y, 'f', -1, 64)
	}
	var trs []app.UI
	for _, r := range rows {
		ours100, full := pct(&r.Ours, 100)
		pub100, pubFull := pct(r.Published, 100)
		ours130, _ := pct(&r.Ours, 130)
		diff := "—"
		if r.Published != nil {
			a, ok1 := r.Ours.at(100)
			b, ok2 := r.Published.at(100)
			if ok1 && ok2 {
				diff = strconv.FormatFloat(a-b, 'f', 2, 64)
				if a >= b {
					diff = "+" + diff
				}
			}
		}
		trs = append(trs, app.Tr().DataSet("policy", r.Policy).DataSet("mean", full).DataSet("published", pubFull).DataSet("runs", r.Runs).Body(
			app.Th().Scope("row").Body(app.Span().Class("chart-swatch", policyColor(r.Policy)).Aria("hidden", "true"), app.Text(policyLabel(r.Policy))),
			app.Td().Class("num").Text(ours100),
			app.Td().Class("num").Text(pub100),
			app.Td().Class("num").Text(diff),
			app.Td().Class("num").Text(ours130),
			app.Td().Class("num").Text(strconv.FormatFloat(r.Unplaced, 'f', 1, 64)),
		))
	}
	return app.Div().Class("fill-table-wrap").Body(app.Table().Class("fill-table").DataSet("testid", "fill-results").Body(
		app.Caption().Text("GPU allocated (%) once 100 % and 130 % of the cluster's GPUs were asked, and the tasks left unplaced: this page's mean over "+seeds+" beside the published mean"),
		app.THead().Body(
			app.Tr().Body(
				app.Th().Attr("rowspan", 2).Text("policy"),
				app.Th().ColSpan(3).Text("at 100 % asked"), app.Th().Text("at 130 %"),
				app.Th().Attr("rowspan", 2).Text("unplaced"),
			),
			app.Tr().Body(
				app.Th().Text("ours"), app.Th().Text("published"), app.Th().Text("diff."),
				app.Th().Text("ours"),
			),
		),
		app.TBody().Body(trs...),
	))
}

func (p *FillPanel) onPolicy(ctx app.Context, pol string) {
	ch := &p.St.choice
	if i := slices.Index(ch.Policies, pol); i >= 0 {
		ch.Policies = slices.Delete(slices.Clone(ch.Policies), i, i+1)
	} else {
		ch.Policies = append(slices.Clone(ch.Policies), pol)
	}
	p.St.v++
}

func (p *FillPanel) onSeed(seed *uint64) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if n, err := strconv.ParseUint(strings.TrimSpace(ctx.JSSrc().Get("value").String()), 10, 64); err == nil {
			*seed = n
		}
		p.St.v++
	}
}

func (p *FillPanel) onTune(ctx app.Context, e app.Event) {
	p.St.choice.Tune = ctx.JSSrc().Get("value").String()
	p.St.v++
}

func (p *FillPanel) onRun(ctx app.Context, e app.Event) {
	home := p.Ctx
	if home.Src() == nil { // no Shell (tests)
		home = ctx
	}
	p.St.start(browserCores(), startFillWorkers, func(f func()) {
		home.Dispatch(func(app.Context) { f() })
	})
}

func (p *FillPanel) onCancel(ctx app.Context, e app.Event) { p.St.cancel() }

func (p *FillPanel) onCSV(ctx app.Context, e app.Event) {
	j := p.St.job
	if j == nil || !j.complete() {
		return
	}
	if data, err := j.csv(); err == nil {
		Download("fill-"+j.tasks.Workload()+".csv", "text/csv", data)
	}
}

// onChoose reads the files chosen in the input.
func (p *FillPanel) onChoose(ctx app.Context, e app.Event) {
	files := ctx.JSSrc().Get("files")
	p.readFiles(ctx, files)
	ctx.JSSrc().Set("value", "") // the same file chosen again is read again
}

// onDragOver lets files be dropped on the zone, and shows it.
func (p *FillPanel) onDragOver(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if !p.over {
		p.over = true
	} else {
		ctx.PreventUpdate()
	}
}

func (p *FillPanel) onDragLeave(ctx app.Context, e app.Event) { p.over = false }

// onDrop reads the files dropped on the zone.
func (p *FillPanel) onDrop(ctx app.Context, e app.Event) {
	e.PreventDefault()
	p.over = false
	if dt := e.Get("dataTransfer"); dt.Truthy() {
		p.readFiles(ctx, dt.Get("files"))
	}
}

// readFiles reads each file of a FileList as bytes and hands it to the
// state (addFile) on the UI goroutine, timing the reading of its rows.
func (p *FillPanel) readFiles(ctx app.Context, files app.Value) {
	if !files.Truthy() {
		return
	}
	st := p.St
	for i := range files.Length() {
		f := files.Index(i)
		name := f.Get("name").String()
		var then app.Func
		then = app.FuncOf(func(this app.Value, args []app.Value) any {
			then.Release()
			arr := app.Window().Get("Uint8Array").New(args[0])
			data := make([]byte, arr.Length())
			app.CopyBytesToGo(data, arr)
			ctx.Dispatch(func(ctx app.Context) {
				t0 := nowMs()
				if st.addFile(name, data) == nil {
					if f := st.held(name); f != nil {
						f.readMs = nowMs() - t0
					}
					if st.nodes != nil && st.tasks != nil {
						// Load the runner and read the trace while the user chooses.
						prewarmFillWorkers(sweepWorkerCount(browserCores(), fillSeedsMax), st.nodes, st.tasks)
					}
				}
			})
			return nil
		})
		f.Call("arrayBuffer").Call("then", then)
	}
}
