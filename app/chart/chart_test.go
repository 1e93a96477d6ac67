package chart

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/metrics"
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
	charts := Build(cols, rows)
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
	noWork := Build([]string{"tick", "blades_working", "availability_ppm"}, [][]int64{{0, 1, 0}})
	assert.Empty(t, noWork[0].Empty)
	assert.Equal(t, "This scenario runs no workloads.", noWork[1].Empty)
	assert.Equal(t, "This scenario runs no workloads.", noWork[2].Empty)
	assert.Empty(t, noWork[3].Empty)

	for _, c := range Build([]string{"tick", "blades_working"}, nil) {
		assert.Equal(t, "No samples yet.", c.Empty)
	}
}

// With no blade enabled there is no denominator: availability and
// capacity used read n/a, never 0 (the panel's figures: app's
// TestFiguresWithoutEnabledBladesSayNA).
func TestChartsWithoutEnabledBladesSayNA(t *testing.T) {
	cols := []string{"tick", "blades_off", "availability_ppm", "cores_used_milli", "capacity_cores_milli"}
	charts := Build(cols, [][]int64{{0, 2, metrics.NA, 0, 0}, {10, 2, metrics.NA, 0, 0}})
	assert.Equal(t, "n/a: no blade is enabled, so there is nothing to measure against.", charts[1].Empty)
	assert.Equal(t, "n/a: no blade is enabled, so there is nothing to measure against.", charts[3].Empty)
}

// With GPU columns (a scenario with GPU devices) three GPU charts follow
// the four: allocation over every blade and the schedulable ones,
// fragmentation over the schedulable blades' free GPU, and the GPU tasks
// waiting; n/a samples (no typical task, no free GPU) have no point, and a
// chart with none says why. Without the columns there are four charts
// (TestChartSeriesExtraction).
func TestChartsOfGPUs(t *testing.T) {
	cols := []string{"tick", "blades_working", "availability_ppm", "cores_used_milli", "capacity_cores_milli",
		"gpu_used_milli", "gpu_capacity_milli", "gpu_sched_used_milli", "gpu_sched_capacity_milli", "gpu_fragmented_milli", "gpu_tasks_waiting"}
	rows := [][]int64{
		{0, 2, metrics.NA, 0, 4000, 0, 8000, 0, 8000, metrics.NA, 0},
		{10, 2, 1_000_000, 1000, 4000, 2000, 8000, 2000, 4000, 500, 1},
		{20, 2, 1_000_000, 2000, 4000, 4000, 8000, 4000, 4000, 0, 3},
	}
	charts := Build(cols, rows)
	require.Len(t, charts, 7)
	for _, c := range charts[4:] {
		assert.Empty(t, c.Empty, c.Title)
	}
	alloc, frag, wait := charts[4], charts[5], charts[6]
	assert.Equal(t, "GPU allocation", alloc.Title)
	require.Len(t, alloc.Series, 2)
	assert.Equal(t, []float64{0, 25, 50}, alloc.Series[0].Y, "of every blade's")
	assert.Equal(t, []float64{0, 50, 100}, alloc.Series[1].Y, "of the schedulable blades'")
	assert.Equal(t, "100.0%", alloc.Last(alloc.Series[1]))

	assert.Equal(t, "GPU fragmentation", frag.Title)
	require.Len(t, frag.Series, 1)
	assert.Equal(t, []int64{10}, frag.Series[0].X, "no typical task at 0, no free GPU at 20")
	assert.Equal(t, []float64{25}, frag.Series[0].Y, "500 of the 2,000 free milli-GPU")
	assert.Equal(t, "n/a", frag.Last(frag.Series[0]))

	assert.Equal(t, "GPU tasks waiting", wait.Title)
	assert.Equal(t, []float64{0, 1, 3}, wait.Series[0].Y)
	assert.Equal(t, "3", wait.Last(wait.Series[0]))

	none := Build(cols, [][]int64{{0, 2, 0, 0, 4000, 0, 8000, 0, 0, metrics.NA, 0}})
	assert.Equal(t, "n/a: no schedulable blade has free GPU, or no workload asks for GPUs.", none[5].Empty)
	assert.Empty(t, none[4].Empty, "every blade's GPUs are there")
	for _, c := range Build(cols, nil) {
		assert.Equal(t, "No samples yet.", c.Empty, c.Title)
	}
}

func TestChartDownsample(t *testing.T) {
	xs, ys := []int64{0, 1, 2}, []float64{1, 2, 3}
	gx, gy := Downsample(xs, ys, 300)
	assert.Equal(t, xs, gx, "short series are drawn as they are")
	assert.Equal(t, ys, gy)

	const n = 20_000
	xs, ys = make([]int64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = int64(i*5), 100
	}
	ys[12_345] = 37 // one bad sample
	ys[n-1] = 99
	gx, gy = Downsample(xs, ys, PointsMax)
	assert.LessOrEqual(t, len(gx), PointsMax)
	assert.Equal(t, len(gx), len(gy))
	assert.Equal(t, int64(0), gx[0], "the first sample is kept")
	assert.Equal(t, int64((n-1)*5), gx[len(gx)-1], "and the last")
	assert.Equal(t, 99.0, gy[len(gy)-1])
	assert.Contains(t, gy, 37.0, "a one-sample dip survives")
	assert.IsIncreasing(t, gx, "in time order")
}

func TestChartNiceTicks(t *testing.T) {
	assert.Equal(t, []float64{0, 50, 100, 150}, NiceTicks(0, 150, 5))
	assert.Equal(t, []float64{0, 20, 40, 60, 80}, NiceTicks(0, 80, 4))
	assert.Equal(t, []float64{0, 0.5, 1}, NiceTicks(0, 1, 2))
	assert.Equal(t, []float64{200, 400, 600}, NiceTicks(150, 700, 3))
	assert.Equal(t, []float64{0, 1}, WholeTicks(0, 1, 2), "counts: whole steps")
	assert.Equal(t, []float64{0, 1, 2, 3}, WholeTicks(0, 3, 4))
	assert.Equal(t, []float64{0, 50, 100, 150}, WholeTicks(0, 150, 5), "as NiceTicks when the step is whole")
	assert.Equal(t, "1500", Label(1500))
	assert.Equal(t, "25k", Label(25_000))
	assert.Equal(t, "2M", Label(2_000_000))
	assert.Equal(t, "0.5", Label(0.5))
}

// MarkSame names, for each series, the first earlier one with the very
// same points, so a line drawn exactly over another is not taken for
// missing.
func TestMarkSame(t *testing.T) {
	a := Series{Name: "a", X: []int64{0, 10}, Y: []float64{1, 2}}
	b := Series{Name: "b", X: []int64{0, 10}, Y: []float64{1, 3}}
	c := Series{Name: "c", X: []int64{0, 10}, Y: []float64{1, 2}, SameAs: "stale"}
	d := Series{Name: "d", X: []int64{0, 10}, Y: []float64{1, 3}}
	e := Series{Name: "e", X: []int64{0, 10}, Y: []float64{1, 2}, LastNA: true}
	ss := []Series{a, b, c, d, e}
	MarkSame(ss)
	var got []string
	for _, s := range ss {
		got = append(got, s.SameAs)
	}
	assert.Equal(t, []string{"", "", "a", "b", ""}, got, "e's latest sample has no value, a's has")
}
