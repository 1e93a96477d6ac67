//go:build !(js && wasm)

package app

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/metrics"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestChartSeriesExtraction(t *testing.T) {
	cols := []string{"tick", "blades_off", "blades_working", "blades_faulted", "availability_ppm",
		"instances_running", "instances_moved", "cores_used_milli", "memory_used_mb", "disk_used_gb",
		"capacity_cores_milli", "capacity_memory_mb", "capacity_disk_gb"}
	rows := [][]int64{
		{0, 4, 0, 0, metrics.NA, 0, 0, 0, 0, 0, 6000, 4096, 100},
		{10, 0, 4, 0, 500_000, 2, 0, 1500, 1024, 0, 6000, 4096, 100},
		{20, 0, 3, 0, 750_000, 2, 1, 3000, 2048, 0, 6000, 4096, 100},
	}
	charts := buildCharts(cols, rows)
	require.Len(t, charts, 4)

	blades := charts[0]
	require.Len(t, blades.Series, 2, "faulted was always zero, so it is left out")
	assert.Equal(t, "off", blades.Series[0].Name)
	assert.Equal(t, "working", blades.Series[1].Name)
	assert.Equal(t, 1, blades.Series[1].Color, "a state keeps its column's color")
	assert.Equal(t, []int64{0, 10, 20}, blades.Series[1].X)
	assert.Equal(t, []float64{0, 4, 3}, blades.Series[1].Y)
	assert.Equal(t, "3", blades.Last(blades.Series[1]))

	capacity := charts[1]
	require.Len(t, capacity.Series, 2, "cores and memory; disk was never used")
	assert.Equal(t, []float64{0, 25, 50}, capacity.Series[0].Y, "milli-cores as % of the enabled blades'")
	assert.Equal(t, []float64{0, 25, 50}, capacity.Series[1].Y)
	assert.Equal(t, "50.0%", capacity.Last(capacity.Series[0]))

	instances := charts[2]
	require.Len(t, instances.Series, 1, "moved counts moves, not instances in a state")
	assert.Equal(t, "running", instances.Series[0].Name)

	avail := charts[3]
	require.Len(t, avail.Series, 1)
	assert.Equal(t, []int64{10, 20}, avail.Series[0].X, "tick 0 has no availability: no enabled-blade time yet")
	assert.Equal(t, []float64{50, 75}, avail.Series[0].Y, "ppm as %")
	assert.Equal(t, 100.0, avail.YMax)

	for _, c := range charts {
		assert.Empty(t, c.Empty, c.Title)
	}
}

func TestChartsSayWhyTheyAreEmpty(t *testing.T) {
	noWork := buildCharts([]string{"tick", "blades_working", "availability_ppm"}, [][]int64{{0, 1, 0}})
	assert.Empty(t, noWork[0].Empty)
	assert.Equal(t, "This scenario runs no workloads.", noWork[1].Empty)
	assert.Equal(t, "This scenario runs no workloads.", noWork[2].Empty)
	assert.Empty(t, noWork[3].Empty)

	for _, c := range buildCharts([]string{"tick", "blades_working"}, nil) {
		assert.Equal(t, "No samples yet.", c.Empty)
	}
}

// With no blade enabled there is no denominator: availability and
// capacity used read n/a, never 0.
func TestChartsWithoutEnabledBladesSayNA(t *testing.T) {
	cols := []string{"tick", "blades_off", "availability_ppm", "cores_used_milli", "capacity_cores_milli"}
	charts := buildCharts(cols, [][]int64{{0, 2, metrics.NA, 0, 0}, {10, 2, metrics.NA, 0, 0}})
	assert.Equal(t, "n/a: no blade is enabled, so there is nothing to measure against.", charts[1].Empty)
	assert.Equal(t, "n/a: no blade is enabled, so there is nothing to measure against.", charts[3].Empty)

	na := &sim.Figures{RepairByCause: map[string]*float64{"blade-fault": nil}, CapacityUsed: map[string]*float64{"cores": nil}}
	page := strings.Join(strings.Fields(app.HTMLString(renderFigures(na, nil))), "")
	for _, name := range []string{"Availability", "MTBF", "MTTR", "Repair time, blade-fault", "Capacity used, cores"} {
		assert.Contains(t, page, "<dt>"+strings.ReplaceAll(name, " ", "")+"</dt><dd>n/a</dd>", name)
	}
	assert.NotContains(t, page, ">0")
}

func TestChartDownsample(t *testing.T) {
	xs, ys := []int64{0, 1, 2}, []float64{1, 2, 3}
	gx, gy := downsample(xs, ys, 300)
	assert.Equal(t, xs, gx, "short series are drawn as they are")
	assert.Equal(t, ys, gy)

	const n = 20_000
	xs, ys = make([]int64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = int64(i*5), 100
	}
	ys[12_345] = 37 // one bad sample
	ys[n-1] = 99
	gx, gy = downsample(xs, ys, chartPointsMax)
	assert.LessOrEqual(t, len(gx), chartPointsMax)
	assert.Equal(t, len(gx), len(gy))
	assert.Equal(t, int64(0), gx[0], "the first sample is kept")
	assert.Equal(t, int64((n-1)*5), gx[len(gx)-1], "and the last")
	assert.Equal(t, 99.0, gy[len(gy)-1])
	assert.Contains(t, gy, 37.0, "a one-sample dip survives")
	assert.IsIncreasing(t, gx, "in time order")
}

func TestChartNiceTicks(t *testing.T) {
	assert.Equal(t, []float64{0, 50, 100, 150}, niceTicks(0, 150, 5))
	assert.Equal(t, []float64{0, 20, 40, 60, 80}, niceTicks(0, 80, 4))
	assert.Equal(t, []float64{0, 0.5, 1}, niceTicks(0, 1, 2))
	assert.Equal(t, []float64{200, 400, 600}, niceTicks(150, 700, 3))
	assert.Equal(t, "1500", chartLabel(1500))
	assert.Equal(t, "25k", chartLabel(25_000))
	assert.Equal(t, "2M", chartLabel(2_000_000))
	assert.Equal(t, "0.5", chartLabel(0.5))
}

func TestChartsPanelWithoutControlPlane(t *testing.T) {
	c := panelsATestController(t, "extended", 10)
	require.Nil(t, c.World().Control())
	p := &ChartsPanel{C: c, V: c.Version()}
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

// Four charts with their legends' latest values, and few nodes: the series
// are downsampled, so the panel stays small however long the run.
func TestChartsPanelDrawsTheMetrics(t *testing.T) {
	c := panelsATestController(t, "blade-failure", 150)
	p := &ChartsPanel{C: c, V: c.Version()}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	page := panelsAHTML(p)
	assert.Equal(t, 4, strings.Count(page, "<svg"))
	assert.Contains(t, page, "Download metrics CSV")
	assert.Contains(t, page, "working 63")
	assert.Contains(t, page, "availability ")
	assert.Contains(t, page, "<dt>MTTR</dt>")
	assert.Less(t, len(regexp.MustCompile(`<[a-z]`).FindAllString(page, -1)), 300)
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
