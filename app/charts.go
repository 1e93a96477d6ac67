package app

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ChartsPanel draws the sampler's metrics as line charts over simulated
// time. The page renders it as &ChartsPanel{C: c, V: c.Version()}.
type ChartsPanel struct {
	app.Compo

	C *Controller // nil while the server pre-renders: an empty panel
	V uint64      // the controller's Version when rendered; only here to trigger updates

	charts   []chartModel // the last charts built, reused until a new sample arrives
	chartKey chartKey
	figures  *sim.Figures // the run's figures when the charts were built
	expected *float64     // the availability its failure process tends to, if it has one
}

// chartSVGNS goes on every SVG node: go-app does not pass the namespace on
// to children (TOOLCHAIN P16), and without it nothing is drawn.
const chartSVGNS = "http://www.w3.org/2000/svg"

// chartPointsMax bounds the points drawn per series; a long run keeps its
// peaks and dips (see downsample) but not every sample.
const chartPointsMax = 300

// chartSeries is one line: simulated ticks and values in display units.
// Samples without a value (metrics.NA, or a zero denominator) are left
// out of X and Y; LastNA says the latest sample had none.
type chartSeries struct {
	Name   string
	Color  int    // palette slot, from the column's position, so a state keeps its color
	Class  string // a named color instead (blade states match the inventory's)
	X      []int64
	Y      []float64
	LastNA bool
}

// chartModel is one chart ready to draw.
type chartModel struct {
	Title  string
	Unit   string  // for the axis label and the legend
	Suffix string  // after each y-axis label ("%")
	YMax   float64 // a fixed top (100 for percentages), or 0 to fit the data
	Series []chartSeries
	Empty  string // why there is nothing to draw, if so
	Last   func(s chartSeries) string
}

// chartKey says when the samples changed: a new row, or the halving of
// old rows when the sampler reaches its bound.
type chartKey struct {
	m     *metrics.Metrics
	n     int
	lastX int64
}

// chartColumn finds a column by name (-1 if absent).
func chartColumn(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}

// chartColumnSeries reads column i of every row as a series, scaled.
func chartColumnSeries(name string, color int, rows [][]int64, i int, scale float64) chartSeries {
	return chartRatioSeries(name, color, rows, i, -1, scale)
}

// chartRatioSeries reads column i of every row over column den (den < 0:
// over 1), scaled; a row whose value is metrics.NA or whose denominator is
// zero has no point.
func chartRatioSeries(name string, color int, rows [][]int64, i, den int, scale float64) chartSeries {
	s := chartSeries{Name: name, Color: color, X: make([]int64, 0, len(rows)), Y: make([]float64, 0, len(rows))}
	for _, r := range rows {
		if i >= len(r) || den >= len(r) {
			continue
		}
		d := int64(1)
		if den >= 0 {
			d = r[den]
		}
		s.LastNA = r[i] == metrics.NA || d == 0 || d == metrics.NA
		if s.LastNA {
			continue
		}
		s.X = append(s.X, r[0])
		s.Y = append(s.Y, float64(r[i])*scale/float64(d))
	}
	return s
}

// chartPrefixSeries is a series for each column named prefix+<state>, except
// those skipped, leaving out states that were never anything but zero so
// the legend lists what happened.
func chartPrefixSeries(cols []string, rows [][]int64, prefix string, skip ...string) []chartSeries {
	var out []chartSeries
	slot := 0
	for i, c := range cols {
		name, ok := strings.CutPrefix(c, prefix)
		if !ok || i == 0 || slices.Contains(skip, name) {
			continue
		}
		color := slot
		slot++
		s := chartColumnSeries(strings.ReplaceAll(name, "_", " "), color, rows, i, 1)
		if chartAllZero(s.Y) {
			continue
		}
		if prefix == "blades_" {
			s.Class = "bs-" + name
		}
		out = append(out, s)
	}
	return out
}

// chartNoValue: there are series, and none has a single value.
func chartNoValue(ss []chartSeries) bool {
	for _, s := range ss {
		if len(s.X) > 0 {
			return false
		}
	}
	return len(ss) > 0
}

func chartAllZero(ys []float64) bool {
	for _, y := range ys {
		if y != 0 {
			return false
		}
	}
	return true
}

// downsample keeps at most maxPoints of a series: in each of maxPoints/2
// buckets, the lowest and the highest point in time order, so a one-sample
// dip in availability or spike of faults still shows. The first and last
// points are always kept.
func downsample(xs []int64, ys []float64, maxPoints int) ([]int64, []float64) {
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

// niceStep is a 1, 2 or 5 times a power of ten step that splits span into
// about n parts.
func niceStep(span float64, n int) float64 {
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

// niceTicks are the tick values from lo to hi (both included when they fall
// on a step), about n of them.
func niceTicks(lo, hi float64, n int) []float64 {
	step := niceStep(hi-lo, n)
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

// chartLabel prints an axis value without trailing zeros: 1.5k, 250, 0.5.
func chartLabel(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// buildCharts turns the samples into the four charts. Capacity used is
// over the enabled blades' capacity at each sample (its capacity_*
// columns); a sample with none enabled has no percentage.
func buildCharts(cols []string, rows [][]int64) []chartModel {
	count := func(s chartSeries) string {
		if s.LastNA || len(s.Y) == 0 {
			return "n/a"
		}
		return chartLabel(s.Y[len(s.Y)-1])
	}
	pct := func(s chartSeries) string {
		if s.LastNA || len(s.Y) == 0 {
			return "n/a"
		}
		return strconv.FormatFloat(s.Y[len(s.Y)-1], 'f', 1, 64) + "%"
	}

	blades := chartModel{Title: "Blades by state", Unit: "blades", Last: count,
		Series: chartPrefixSeries(cols, rows, "blades_")}

	capacity := chartModel{Title: "Capacity used", Unit: "% of the enabled blades' capacity", Suffix: "%", Last: pct}
	for slot, c := range []struct{ col, den, name string }{
		{"cores_used_milli", "capacity_cores_milli", "cores"}, {"memory_used_mb", "capacity_memory_mb", "memory"},
		{"disk_used_gb", "capacity_disk_gb", "disk"}, {"network_used_mbps", "capacity_network_mbps", "network"},
	} {
		i, den := chartColumn(cols, c.col), chartColumn(cols, c.den)
		if i < 0 || den < 0 {
			continue
		}
		s := chartRatioSeries(c.name, slot, rows, i, den, 100)
		if slot >= 2 && chartAllZero(s.Y) && !s.LastNA {
			continue // no workload asks for disk or network: say nothing of them
		}
		capacity.Series = append(capacity.Series, s)
	}

	instances := chartModel{Title: "Instances by state", Unit: "instances", Last: count,
		Series: chartPrefixSeries(cols, rows, "instances_", "moved")} // moved counts moves, not instances

	avail := chartModel{Title: "Availability", Unit: "% of enabled-blade time working, since tick 0", Suffix: "%", YMax: 100, Last: pct}
	if i := chartColumn(cols, "availability_ppm"); i >= 0 {
		avail.Series = []chartSeries{chartColumnSeries("availability", 0, rows, i, 1.0/10_000)}
	}

	noWork := chartColumn(cols, "cores_used_milli") < 0
	out := []chartModel{blades, capacity, instances, avail}
	for i := range out {
		switch {
		case len(rows) == 0:
			out[i].Empty = "No samples yet."
		case noWork && (i == 1 || i == 2):
			out[i].Empty = "This scenario runs no workloads."
		case chartNoValue(out[i].Series):
			out[i].Empty = "n/a: no blade is enabled, so there is nothing to measure against."
		case len(out[i].Series) == 0:
			out[i].Empty = "Nothing to draw: every value is zero."
		}
		for j := range out[i].Series {
			s := &out[i].Series[j]
			s.X, s.Y = downsample(s.X, s.Y, chartPointsMax)
		}
	}
	return out
}

// Render draws the four charts, or says why there are none.
func (p *ChartsPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-charts").Aria("label", "Metrics charts")
	if p.C == nil || p.C.World() == nil {
		return sec.Body(app.H2().Text("Metrics"))
	}
	ctl := p.C.World().Control()
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

// renderFigures lists the run's figures as of the latest sample; a figure
// whose denominator is zero reads "n/a", never 0.
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
	items := []app.UI{
		figureItem("availability", "Availability", na(f.Availability, pct), "enabled-blade time spent working"),
	}
	if expected != nil {
		items = append(items, figureItem("expected-availability", "Expected availability", pct(*expected),
			"MTBF / (MTBF + MTTR) of the blade failure process: what the measured availability tends to over a long run"))
	}
	items = append(items,
		figureItem("mtbf", "MTBF", na(f.MTBFTicks, ticks), "enabled-blade working time per blade fault"),
		figureItem("mttr", "MTTR", na(f.MTTRTicks, ticks), "mean time from a fault to its repair"),
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
func (p *ChartsPanel) build(m *metrics.Metrics) []chartModel {
	rows := m.Rows()
	key := chartKey{m: m, n: len(rows)}
	if len(rows) > 0 {
		key.lastX = rows[len(rows)-1][0]
	}
	if p.charts != nil && key == p.chartKey {
		return p.charts
	}
	p.charts, p.chartKey = buildCharts(m.Columns(), rows), key
	p.figures, p.expected = p.C.World().Figures(), p.C.World().ExpectedAvailability()
	return p.charts
}

func (p *ChartsPanel) onDownload(ctx app.Context, e app.Event) {
	if p.C == nil || p.C.World().Control() == nil {
		return
	}
	Download("metrics.csv", "text/csv", []byte(p.C.World().Control().Metrics.CSV()))
}

// The drawing area, in the SVG's own units (CSS scales the whole).
const (
	chartW      = 400
	chartH      = 180
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
func renderChart(c chartModel) app.UI {
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
		step := niceStep(max(1, yMax), 4)
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
	for _, v := range niceTicks(0, yMax, 4) {
		y := fmtCoord(py(v))
		nodes = append(nodes,
			chartSVG("line").Class("chart-rule").Attr("x1", chartLeft).Attr("x2", chartRight).Attr("y1", y).Attr("y2", y),
			chartSVG("text").Class("chart-ylabel").Attr("x", chartLeft-4).Attr("y", y).Attr("text-anchor", "end").Attr("dominant-baseline", "middle").Text(chartLabel(v)+c.Suffix),
		)
	}
	for _, v := range niceTicks(float64(x0), float64(x1), 5) {
		if v != math.Trunc(v) {
			continue // a short run: ticks are whole
		}
		x := fmtCoord(px(int64(v)))
		nodes = append(nodes,
			chartSVG("line").Class("chart-xtick").Attr("x1", x).Attr("x2", x).Attr("y1", chartBottom).Attr("y2", chartBottom+4),
			chartSVG("text").Class("chart-xlabel").Attr("x", x).Attr("y", chartBottom+15).Attr("text-anchor", "middle").Text(chartLabel(v)),
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
		nodes = append(nodes, renderLine(s, color, px, py))
		legend = append(legend, app.Li().Body(
			app.Span().Class("chart-swatch", color).Aria("hidden", "true"),
			app.Text(s.Name+" "+c.Last(s)),
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

func renderLine(s chartSeries, color string, px func(int64) float64, py func(float64) float64) app.UI {
	if len(s.X) == 1 {
		return chartSVG("circle").Class("chart-dot", color).Attr("cx", fmtCoord(px(s.X[0]))).Attr("cy", fmtCoord(py(s.Y[0]))).Attr("r", 2)
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
	return chartSVG("path").Class("chart-line", color).Attr("d", b.String()).Body(chartSVG("title").Text(s.Name))
}
