//go:build !(js && wasm)

package app

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/chart"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With no blade enabled there is no denominator: the run's figures read
// n/a, never 0 (the charts: chart's TestChartsWithoutEnabledBladesSayNA).
func TestFiguresWithoutEnabledBladesSayNA(t *testing.T) {
	na := &sim.Figures{RepairByCause: map[string]*float64{"blade-fault": nil}, CapacityUsed: map[string]*float64{"cores": nil}}
	page := strings.Join(strings.Fields(app.HTMLString(renderFigures(na, nil))), "")
	for _, name := range []string{"Availability", "MTBF", "MTTR", "Repair time, blade-fault", "Capacity used, cores"} {
		assert.Contains(t, page, "<dt>"+strings.ReplaceAll(name, " ", "")+"</dt><dd>n/a</dd>", name)
	}
	assert.NotContains(t, page, ">0")
}

func TestChartsPanelWithoutControlPlane(t *testing.T) {
	c := panelsATestController(t, "extended", 10)
	require.Nil(t, c.World().Control())
	p := &ChartsPanel{S: c.Session, V: c.Version()}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	require.NoError(t, app.Match(app.P().Class("charts-none").Text("This scenario has no control plane, so no metrics are sampled."), p, 0, 1))
	assert.NotContains(t, app.HTMLString(p), "<svg")
}

func TestChartsPanelWithoutController(t *testing.T) {
	page := app.HTMLString(&ChartsPanel{})
	assert.Contains(t, page, `aria-label="Metrics charts"`)
	assert.NotContains(t, page, "<svg")
}

// Four charts with their legends' latest values (availability from tick 0
// and after the bring-up), and few nodes: the series
// are downsampled, so the panel stays small however long the run.
func TestChartsPanelDrawsTheMetrics(t *testing.T) {
	c := panelsATestController(t, "blade-failure", 150)
	p := &ChartsPanel{S: c.Session, V: c.Version()}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	page := panelsAHTML(p)
	assert.Equal(t, 4, strings.Count(page, "<svg"))
	assert.Contains(t, page, "Download metrics CSV")
	assert.Contains(t, page, "working 63")
	assert.Contains(t, page, "from tick 0 94.4%", "availability with the bring-up")
	assert.Contains(t, page, "after the bring-up 99.4%", "and from its end, tick 9")
	assert.Contains(t, page, "<dt>MTTR</dt>")
	assert.Less(t, len(regexp.MustCompile(`<[a-z]`).FindAllString(page, -1)), 300)
}

// A scenario with GPU devices (the gpu-sharing built-in) gets the three
// GPU charts after the four and the GPU figures; one without (blade-failure,
// TestChartsPanelDrawsTheMetrics) gets neither.
func TestChartsPanelDrawsGPUCharts(t *testing.T) {
	for _, c := range []struct {
		name string
		gpus bool
	}{{"gpu-sharing", true}, {"blade-failure", false}} {
		ctl := panelsATestController(t, c.name, 300)
		p := &ChartsPanel{S: ctl.Session, V: ctl.Version()}
		e := app.NewTestEngine()
		require.NoError(t, e.Load(p))
		e.ConsumeAll()
		page := panelsAHTML(p)
		svgs := 4
		if c.gpus {
			svgs = 7
		}
		assert.Equal(t, svgs, strings.Count(page, "<svg"), c.name)
		for _, s := range []string{">GPU allocation<", ">GPU fragmentation<", ">GPU tasks waiting<", `data-figure="gpu-allocation"`,
			`data-figure="gpu-fragmentation"`, `data-figure="gpu-tasks-waiting"`, `data-figure="gpu-allocation-schedulable"`, "every blade ", "schedulable blades ", "fragmented "} {
			assert.Equal(t, c.gpus, strings.Contains(page, s), "%s: %s", c.name, s)
		}
		assert.Equal(t, c.gpus, strings.Contains(page, "GPU"), c.name)
	}
}

// go-app does not pass the SVG namespace to children (TOOLCHAIN P16): every
// SVG node of the charts and the diagram is made by chartSVG, which sets it.
func TestChartSVGNodesCarryTheNamespace(t *testing.T) {
	assert.Equal(t, "http://www.w3.org/2000/svg", chartSVG("path").XMLNamespace())
	elems := 0
	for _, file := range []string{"charts.go", "diagram.go"} {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		elems += strings.Count(string(src), "app.Elem(")
		assert.NotContains(t, string(src), "ElemSelfClosing(", file)
		assert.NotContains(t, string(src), ".Style(", "%s: CSP (TOOLCHAIN P18): style with classes", file)
	}
	assert.Equal(t, 1, elems, "only chartSVG calls app.Elem")
}

// Availability, MTBF and MTTR say the tick they are measured from, or that
// the bring-up is not over.
func TestFiguresSayMeasuredFrom(t *testing.T) {
	from := clock.Tick(9)
	page := app.HTMLString(renderFigures(&sim.Figures{MeasuredFrom: &from}, nil))
	assert.Equal(t, 3, strings.Count(page, "measured from tick 9, after the bring-up"), page)
	page = app.HTMLString(renderFigures(&sim.Figures{}, nil))
	assert.Equal(t, 3, strings.Count(page, "after the bring-up (not over yet"), page)
}

// A chart of counts steps its axis by whole numbers: instances waiting
// of 0 and 1 read 0 and 1, not 0, 0.5 and 1; the tick axis too.
func TestCountChartsStepByWholeNumbers(t *testing.T) {
	m := chart.Model{Title: "Instances waiting", Unit: "instances", Whole: true, Last: func(chart.Series) string { return "" },
		Series: []chart.Series{{Name: "a", X: []int64{0, 1}, Y: []float64{0, 1}}}}
	html := app.HTMLString(renderChart(m))
	assert.Contains(t, html, `>1</text>`)
	assert.NotContains(t, html, `>0.5</text>`)
	m.Whole = false
	assert.Contains(t, app.HTMLString(renderChart(m)), `>0.5</text>`, "a fraction's axis may step by halves")
	for _, b := range chart.Build([]string{"tick", "blades_working", "instances_running"}, [][]int64{{0, 1, 1}}) {
		if b.Title == "Blades by state" || b.Title == "Instances by state" {
			assert.True(t, b.Whole, b.Title)
		}
	}
}
