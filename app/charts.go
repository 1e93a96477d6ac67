package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/app/chart"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ChartsPanel draws the sampler's metrics as line charts over simulated
// time. The page renders it as &ChartsPanel{S: c.Session, V: c.Version()}.
type ChartsPanel struct {
	app.Compo

	S *Session // nil while the server pre-renders: an empty panel
	V uint64   // the session's Version when rendered; only here to trigger updates

	charts   []chart.Model // the last charts built, reused until a new sample arrives
	chartKey chartKey
	figures  *sim.Figures // the run's figures when the charts were built
	expected *float64     // the availability its failure process tends to, if it has one
}

// chartSVGNS goes on every SVG node: go-app does not pass the namespace on
// to children (TOOLCHAIN P16), and without it nothing is drawn.
const chartSVGNS = "http://www.w3.org/2000/svg"

// chartKey says when the samples changed: a new row, or the halving of
// old rows when the sampler reaches its bound.
type chartKey struct {
	m     *metrics.Metrics
	n     int
	lastX int64
}

// Render draws the four charts (seven with GPU devices: chart.Build), or
// says why there are none.
func (p *ChartsPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-charts").Aria("label", "Metrics charts")
	if p.S == nil || p.S.World() == nil {
		return sec.Body(app.H2().Text("Metrics"))
	}
	ctl := p.S.World().Control()
	if ctl == nil || ctl.Metrics == nil {
		return sec.Body(
			app.H2().Text("Metrics"),
			app.P().Class("charts-none").Text("This scenario has no control plane, so no metrics are sampled."),
		)
	}
	charts := p.build(ctl.Metrics)
	figs := make([]app.UI, 0, len(charts))
	for _, c := range charts {
		figs = append(figs, renderChart(c))
	}
	return sec.Body(
		app.H2().Text("Metrics"),
		app.Div().Class("charts-actions").Body(
			app.Button().Type("button").Class("charts-download").Text("Download metrics CSV").
				Title("Every sample so far, one row a sample (metrics.csv)").OnClick(p.onDownload),
			app.Span().Class("charts-count").Text(plural(len(ctl.Metrics.Rows()), "sample")),
		),
		renderFigures(p.figures, p.expected),
		app.Div().Class("charts-grid").Body(figs...),
	)
}

// renderFigures lists the run's figures as of the latest sample (the GPU
// ones with GPU devices only); a figure whose denominator is zero reads
// "n/a", never 0. Availability, MTBF and MTTR say the tick they are
// measured from (sim.Figures.MeasuredFrom).
func renderFigures(f *sim.Figures, expected *float64) app.UI {
	if f == nil {
		return app.Text("")
	}
	na := func(v *float64, format func(float64) string) string {
		if v == nil {
			return "n/a"
		}
		return format(*v)
	}
	pct := func(v float64) string { return strconv.FormatFloat(v*100, 'f', 2, 64) + " %" }
	ticks := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + " ticks" }
	after := ", after the bring-up (not over yet: n/a until every enabled blade has worked)"
	if f.MeasuredFrom != nil {
		after = ", measured from tick " + strconv.FormatInt(int64(*f.MeasuredFrom), 10) + ", after the bring-up"
	}
	items := []app.UI{
		figureItem("availability", "Availability", na(f.Availability, pct), "enabled-blade time spent working"+after),
	}
	if expected != nil {
		items = append(items, figureItem("expected-availability", "Expected availability", pct(*expected),
			"MTBF / (MTBF + MTTR) of the blade failure process: what the measured availability tends to over a long run"))
	}
	items = append(items,
		figureItem("mtbf", "MTBF", na(f.MTBFTicks, ticks), "enabled-blade working time per blade fault"+after),
		figureItem("mttr", "MTTR", na(f.MTTRTicks, ticks), "mean time from a fault to its repair"+after),
	)
	for _, k := range faults.Kinds() {
		if v, ok := f.RepairByCause[string(k)]; ok {
			items = append(items, figureItem("repair-"+string(k), "Repair time, "+string(k), na(v, ticks), "mean time from a "+string(k)+" to its repair"))
		}
	}
	for _, r := range []string{"cores", "memory", "disk", "network"} {
		if v, ok := f.CapacityUsed[r]; ok {
			items = append(items, figureItem("capacity-"+r, "Capacity used, "+r, na(v, pct), "of the enabled blades' "+r+", held by instances now"))
		}
	}
	if g := f.GPU; g != nil {
		items = append(items,
			figureItem("gpu-allocation", "GPU allocation", na(g.Allocation, pct), "of every blade's GPUs (milli-GPU), booked by instances now"),
			figureItem("gpu-allocation-schedulable", "GPU allocation of schedulable blades", na(g.AllocationSchedulable, pct), "of the GPUs of the blades the scheduler may place on now (enabled, in service, observed working), booked by instances now"),
			figureItem("gpu-fragmentation", "GPU fragmentation", na(g.Fragmentation, pct), "of the schedulable blades' free GPU, the expected share a typical task cannot use now"),
			figureItem("gpu-tasks-waiting", "GPU tasks waiting", strconv.FormatInt(g.TasksWaiting, 10), "instances asking for GPUs that wait for a blade now"),
		)
	}
	return app.Dl().Class("run-figures").DataSet("testid", "run-figures").Aria("label", "Run figures").Body(items...)
}

func figureItem(id, name, value, title string) app.UI {
	return app.Div().Class("run-figure").DataSet("figure", id).Title(title).Body(
		app.Dt().Text(name),
		app.Dd().Text(value),
	)
}

// build reuses the last charts while no sample was added: the page
// re-renders every frame while the simulation runs.
func (p *ChartsPanel) build(m *metrics.Metrics) []chart.Model {
	rows := m.Rows()
	key := chartKey{m: m, n: len(rows)}
	if len(rows) > 0 {
		key.lastX = rows[len(rows)-1][0]
	}
	if p.charts != nil && key == p.chartKey {
		return p.charts
	}
	p.charts, p.chartKey = chart.Build(m.Columns(), rows), key
	p.figures, p.expected = p.S.World().Figures(), p.S.World().ExpectedAvailability()
	return p.charts
}

func (p *ChartsPanel) onDownload(ctx app.Context, e app.Event) {
	if p.S == nil || p.S.World().Control() == nil {
		return
	}
	Download("metrics.csv", "text/csv", []byte(p.S.World().Control().Metrics.CSV()))
}

// The drawing area, in the SVG's own units (CSS scales the whole).
const (
	chartW      = 400
	chartH      = 192 // the tick labels (to chartBottom+16) and below them the axis's name, apart
	chartLeft   = 40
	chartRight  = 392
	chartTop    = 8
	chartBottom = 156
)

// chartSVG is an SVG node, namespaced (the diagram uses it too).
func chartSVG(tag string) app.HTMLElem { return app.Elem(tag).XMLNS(chartSVGNS) }

func fmtCoord(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// renderChart is one figure: a title, an SVG of the lines with a few
// labelled ticks on each axis, and a legend with each series' latest value.
func renderChart(c chart.Model) app.UI {
	fig := app.Figure().Class("chart")
	caption := app.FigCaption().Class("chart-title").Text(c.Title)
	if c.Empty != "" {
		return fig.Body(caption, app.P().Class("chart-empty").Text(c.Empty))
	}
	x0, x1 := int64(math.MaxInt64), int64(math.MinInt64)
	yMax := c.YMax
	fit := yMax == 0
	for _, s := range c.Series {
		if len(s.X) == 0 {
			continue
		}
		x0, x1 = min(x0, s.X[0]), max(x1, s.X[len(s.X)-1])
		if fit {
			for _, y := range s.Y {
				yMax = max(yMax, y)
			}
		}
	}
	if x0 > x1 {
		return fig.Body(caption, app.P().Class("chart-empty").Text("No samples yet."))
	}
	if x1 == x0 {
		x1 = x0 + 1
	}
	if fit {
		step := chart.NiceStep(max(1, yMax), 4)
		if c.Whole {
			step = max(step, 1)
		}
		yMax = math.Ceil(max(1, yMax)/step) * step
		if c.Suffix == "%" {
			yMax = min(yMax, 100)
		}
	}
	px := func(x int64) float64 {
		return chartLeft + float64(x-x0)/float64(x1-x0)*(chartRight-chartLeft)
	}
	py := func(y float64) float64 { return chartBottom - y/yMax*(chartBottom-chartTop) }

	nodes := []app.UI{chartSVG("title").Text(fmt.Sprintf("%s (%s) from tick %d to %d", c.Title, c.Unit, x0, x1))}
	yTicks := chart.NiceTicks(0, yMax, 4)
	if c.Whole {
		yTicks = chart.WholeTicks(0, yMax, 4)
	}
	for _, v := range yTicks {
		y := fmtCoord(py(v))
		nodes = append(nodes,
			chartSVG("line").Class("chart-rule").Attr("x1", chartLeft).Attr("x2", chartRight).Attr("y1", y).Attr("y2", y),
			chartSVG("text").Class("chart-ylabel").Attr("x", chartLeft-4).Attr("y", y).Attr("text-anchor", "end").Attr("dominant-baseline", "middle").Text(chart.Label(v)+c.Suffix),
		)
	}
	for _, v := range chart.WholeTicks(float64(x0), float64(x1), 5) { // simulated ticks
		if v != math.Trunc(v) {
			continue // a short run: ticks are whole
		}
		x := fmtCoord(px(int64(v)))
		nodes = append(nodes,
			chartSVG("line").Class("chart-xtick").Attr("x1", x).Attr("x2", x).Attr("y1", chartBottom).Attr("y2", chartBottom+4),
			chartSVG("text").Class("chart-xlabel").Attr("x", x).Attr("y", chartBottom+15).Attr("text-anchor", "middle").Text(chart.Label(v)),
		)
	}
	nodes = append(nodes,
		chartSVG("line").Class("chart-axis").Attr("x1", chartLeft).Attr("x2", chartRight).Attr("y1", chartBottom).Attr("y2", chartBottom),
		chartSVG("text").Class("chart-xname").Attr("x", (chartLeft+chartRight)/2).Attr("y", chartH-3).Attr("text-anchor", "middle").Text("simulated tick"),
	)
	legend := make([]app.UI, 0, len(c.Series))
	for _, s := range c.Series {
		if len(s.X) == 0 {
			continue
		}
		color := s.Class
		if color == "" {
			color = "c" + strconv.Itoa(s.Color%chartColors)
		}
		classes := []string{color}
		if s.Dash > 0 {
			classes = append(classes, "dash"+strconv.Itoa((s.Dash-1)%chart.DashesMax+1))
		}
		text := s.Name + " " + c.Last(s)
		if s.SameAs != "" {
			text += " (same as " + s.SameAs + ")"
		}
		nodes = append(nodes, renderLine(s, classes, px, py))
		legend = append(legend, app.Li().Body(
			app.Span().Class("chart-swatch").Class(classes...).Aria("hidden", "true"),
			app.Text(text),
		))
	}
	return fig.Body(
		caption,
		chartSVG("svg").Class("chart-svg").Attr("viewBox", fmt.Sprintf("0 0 %d %d", chartW, chartH)).
			Attr("role", "img").Aria("label", fmt.Sprintf("%s, %s, ticks %d to %d", c.Title, c.Unit, x0, x1)).
			Body(nodes...),
		app.Ul().Class("chart-legend").Aria("label", c.Title+": latest values").Body(legend...),
	)
}

// chartColors is how many palette classes (c0, c1, ...) the stylesheet has.
const chartColors = 12

// renderLine draws a series as a path (a dot when it has one point) with
// classes: its colour, then its dash pattern if it has one.
func renderLine(s chart.Series, classes []string, px func(int64) float64, py func(float64) float64) app.UI {
	if len(s.X) == 1 {
		return chartSVG("circle").Class("chart-dot").Class(classes...).Attr("cx", fmtCoord(px(s.X[0]))).Attr("cy", fmtCoord(py(s.Y[0]))).Attr("r", 2)
	}
	var b strings.Builder
	b.Grow(len(s.X) * 14)
	for i := range s.X {
		if i == 0 {
			b.WriteByte('M')
		} else {
			b.WriteString(" L")
		}
		b.WriteString(fmtCoord(px(s.X[i])))
		b.WriteByte(' ')
		b.WriteString(fmtCoord(py(s.Y[i])))
	}
	return chartSVG("path").Class("chart-line").Class(classes...).Attr("d", b.String()).Body(chartSVG("title").Text(s.Name))
}
