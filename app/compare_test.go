package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/compare"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

func churnCompare(t *testing.T) *Compare {
	t.Helper()
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	c, err := NewCompare(sc, []variant.Variant{{Name: "first-fit", Policy: "first-fit"}, {Name: "spread", Policy: "spread"}})
	require.NoError(t, err)
	return c
}

func hashes(c *Compare) []string {
	var out []string
	for _, col := range c.Columns() {
		out = append(out, col.Hash)
	}
	return out
}

// A blade of workload-churn, faulted in the tests.
const churnBlade = "standard/standard/rack1/blade/1"

// The tab's comparison is compare.Run's: the same ticks and hashes as a
// compare.Run driven by hand, and every command reaches every variant.
// Its figures count from the end of the bring-up, the placement failures
// from tick 0 beside.
func TestCompareIsLockstepAndCommandsReachAll(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(300))
	out, err := c.FailBlade(churnBlade)
	require.NoError(t, err)
	require.Len(t, out, 2)
	require.NoError(t, c.Step(700))

	sc, _ := scenario.Builtin("workload-churn")
	r, err := compare.New(sc, c.Variants())
	require.NoError(t, err)
	require.NoError(t, r.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, r.RunUntil(300))
	_, err = r.Apply(scenario.Command{Do: scenario.FaultBlade, Target: churnBlade})
	require.NoError(t, err)
	require.NoError(t, r.RunUntil(1000))

	for i, col := range c.Columns() {
		require.Equal(t, clock.Tick(1000), col.Tick)
		require.Equal(t, r.Worlds()[i].Status().Hash, col.Hash, col.Name)
		require.Len(t, r.Worlds()[i].Commands(), 1)
		f := r.Worlds()[i].Figures()
		fails := r.Worlds()[i].Control().Workloads.PlacementFailures()
		require.Positive(t, fails, "churn's first workloads come before any blade works")
		require.Equal(t, clock.Tick(9), col.MeasuredFrom, "every blade has worked from tick 9")
		require.Equal(t, "measured from tick 9, after the bring-up", MeasuredText(col))
		require.Equal(t, *f.PlacementFailures, int64(0), "their failures were all in the bring-up")
		require.Contains(t, col.Figures, CompareFigure{"placement failures", fmt.Sprintf("0 (%d from tick 0)", fails)}, col.Name)
	}
	require.NotEqual(t, c.Columns()[0].Hash, c.Columns()[1].Hash, "first-fit and spread part by t=1000")
	d := c.Run().Divergence()
	require.NotNil(t, d)
	require.LessOrEqual(t, d.Tick, clock.Tick(1000))
}

// Going back and forward again gives the same hashes as going forward,
// and the commands after the tick travelled to are dropped.
func TestCompareTravelBackReplays(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(200))
	_, err := c.FailBlade(churnBlade)
	require.NoError(t, err)
	require.NoError(t, c.RunTo(500))
	at500 := hashes(c)
	require.NoError(t, c.RunTo(800))
	_, err = c.FailBlade("standard/standard/rack1/blade/2")
	require.NoError(t, err)

	require.NoError(t, c.Travel(500))
	require.Equal(t, clock.Tick(500), c.Now())
	require.Equal(t, at500, hashes(c))
	require.Len(t, c.Commands(), 1)

	require.NoError(t, c.Travel(100))
	require.Empty(t, c.Commands())
	require.NoError(t, c.RunTo(500))
	require.NotEqual(t, at500, hashes(c), "the fault at t=200 is gone")
}

// Frames advance in slices within their budget and end at the target,
// with the hashes of a run in one go.
func TestCompareFramesEndAtTheTarget(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.Start(600))
	ms := 0.0
	clk := func() float64 { ms += 1; return ms }
	frames := 0
	for {
		if run, _ := c.Running(); !run {
			break
		}
		c.Frame(8, clk)
		frames++
		require.Less(t, frames, 10000)
	}
	require.Greater(t, frames, 1)
	d := churnCompare(t)
	require.NoError(t, d.RunTo(600))
	require.Equal(t, hashes(d), hashes(c))
}

// The link replays to the same tick and hashes, the tab's commands
// included.
func TestCompareLinkReplays(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(250))
	_, err := c.FailBlade(churnBlade)
	require.NoError(t, err)
	require.NoError(t, c.RunTo(900))
	l, err := c.Link()
	require.NoError(t, err)

	o, at, err := OpenCompareLink("http://x/#" + l)
	require.NoError(t, err)
	require.Equal(t, clock.Tick(900), at)
	require.NoError(t, o.RunTo(at))
	require.Equal(t, hashes(c), hashes(o))
	require.Equal(t, c.Variants(), o.Variants())

	_, _, err = OpenCompareLink("#s1.nonsense")
	require.Error(t, err)
}

// The charts overlay the variants: one line per variant in each.
func TestCompareChartsOverlayTheVariants(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(2000))
	charts := c.Charts()
	require.Len(t, charts, 3)
	for _, m := range charts {
		require.Empty(t, m.Empty, m.Title)
		require.Len(t, m.Series, 2, m.Title)
		require.Equal(t, "first-fit", m.Series[0].Name)
		require.Equal(t, "spread", m.Series[1].Name)
		require.NotEmpty(t, m.Series[1].X, m.Title)
	}
	page := app.HTMLString(&ComparePanel{C: c, V: c.Version()})
	require.Equal(t, 3, strings.Count(page, "<svg"))
	require.Equal(t, 2, strings.Count(page, `data-testid="compare-variant"`))
	require.Contains(t, page, "First divergent decision at tick")
	require.Contains(t, page, "compare-differs", "some figure differs between first-fit and spread by t=2000")
}

// A custom policy is a variant like the others; a bad expression is
// refused, naming the variant.
func TestCompareCustomPolicy(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	c, err := NewCompare(sc, []variant.Variant{{Name: "first-fit", Policy: "first-fit"},
		{Name: "mine", Policy: sched.CustomName, Custom: &sched.CustomSpec{Score: defaultCustomScore}}})
	require.NoError(t, err)
	require.NoError(t, c.RunTo(500))
	require.Contains(t, c.Columns()[1].Policy, "custom")
	_, err = NewCompare(sc, []variant.Variant{{Name: "first-fit", Policy: "first-fit"},
		{Name: "mine", Policy: sched.CustomName, Custom: &sched.CustomSpec{Score: "blade.nosuch"}}})
	require.ErrorContains(t, err, "mine")
}

// The travel slider's end is the furthest tick reached with the commands
// kept: back and forth keeps it and gives the same hashes (over frames
// too); a command given, or dropped by going back, brings it to its tick.
func TestCompareReachAndTravelStart(t *testing.T) {
	frames := func(c *Compare) {
		ms := 0.0
		for n := 0; ; n++ {
			if run, _ := c.Running(); !run {
				return
			}
			require.Less(t, n, 100000)
			c.Frame(4, func() float64 { ms++; return ms })
		}
	}
	c := churnCompare(t)
	require.NoError(t, c.RunTo(300))
	_, err := c.FailBlade(churnBlade)
	require.NoError(t, err)
	require.Equal(t, clock.Tick(300), c.Reach(), "a command given: the reach is now")
	require.NoError(t, c.RunTo(1000))
	at1000 := hashes(c)
	require.NoError(t, c.RunTo(600))
	at600 := hashes(c)
	require.NoError(t, c.RunTo(1000))

	require.NoError(t, c.TravelStart(600))
	frames(c)
	require.Equal(t, clock.Tick(600), c.Now())
	require.Equal(t, at600, hashes(c))
	require.Equal(t, clock.Tick(1000), c.Reach(), "back with the commands kept: the reach stays")
	require.NoError(t, c.TravelStart(1000))
	frames(c)
	require.Equal(t, at1000, hashes(c), "forward again: the same run")

	require.NoError(t, c.TravelStart(200))
	frames(c)
	require.Equal(t, clock.Tick(200), c.Now())
	require.Equal(t, clock.Tick(200), c.Reach(), "the fault at 300 dropped: what lay beyond is gone")
	require.Empty(t, c.Commands())
	require.Error(t, c.TravelStart(-1))
}

// The columns of a scenario with GPU devices (the gpu-sharing built-in)
// end with each variant's GPU figures, as sim.Figures gives them; those of
// one without have none.
func TestCompareGPUFigures(t *testing.T) {
	sc, err := scenario.Builtin("gpu-sharing")
	require.NoError(t, err)
	c, err := NewCompare(sc, []variant.Variant{{Name: "fgd", Policy: "fgd"}, {Name: "random", Policy: "random"}})
	require.NoError(t, err)
	require.NoError(t, c.RunTo(600))
	for i, col := range c.Columns() {
		g := c.Run().Worlds()[i].Figures().GPU
		require.NotNil(t, g, col.Name)
		require.NotNil(t, g.Allocation)
		n := len(col.Figures)
		require.Equal(t, []CompareFigure{
			{"GPU allocation", fmt.Sprintf("%.2f %%", *g.Allocation*100)},
			{"GPU fragmentation", fmt.Sprintf("%.2f %%", *g.Fragmentation*100)},
			{"GPU tasks waiting", fmt.Sprint(g.TasksWaiting)},
		}, col.Figures[n-3:], col.Name)
	}
	churn := churnCompare(t)
	require.NoError(t, churn.RunTo(100))
	for _, col := range churn.Columns() {
		for _, f := range col.Figures {
			require.NotContains(t, f.Name, "GPU")
		}
	}
}

// Two variants with the same values draw one line over the other: the
// later one is dashed, so both colours show, and its legend says it is the
// same as the first. Variants that differ are not called the same.
func TestCompareChartsShowCoincidingVariants(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	c, err := NewCompare(sc, []variant.Variant{{Name: "first-fit", Policy: "first-fit"}, {Name: "again", Policy: "first-fit"}, {Name: "spread", Policy: "spread"}})
	require.NoError(t, err)
	require.NoError(t, c.RunTo(2000))
	for _, m := range c.Charts() {
		require.Len(t, m.Series, 3, m.Title)
		require.Equal(t, []int{0, 1, 2}, []int{m.Series[0].Dash, m.Series[1].Dash, m.Series[2].Dash}, m.Title)
		require.Equal(t, "first-fit", m.Series[1].SameAs, m.Title)
	}
	capacity := c.Charts()[1]
	require.Empty(t, capacity.Series[2].SameAs, "spread uses other blades' cores than first-fit by t=2000")
	page := app.HTMLString(&ComparePanel{C: c, V: c.Version()})
	require.Contains(t, page, "(same as first-fit)")
	require.Contains(t, page, `class="chart-line c1 dash1"`)
	require.Contains(t, page, `class="chart-line c2 dash2"`)
	require.Contains(t, page, `class="chart-line c0"`)
}

// While the bring-up lasts, a column says its figures wait for it, and
// shows placement failures only from tick 0; the availability chart draws
// from its end.
func TestCompareDuringBringUp(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(5))
	for i, col := range c.Columns() {
		require.Equal(t, clock.Tick(-1), col.MeasuredFrom)
		require.Contains(t, MeasuredText(col), "The bring-up is not over at t=5")
		fails := c.Run().Worlds()[i].Control().Workloads.PlacementFailures()
		require.Contains(t, col.Figures, CompareFigure{"placement failures", fmt.Sprintf("– (%d from tick 0)", fails)}, col.Name)
		require.Contains(t, col.Figures, CompareFigure{"availability", "–"}, col.Name)
	}
	// The availability chart counts after the bring-up too: a line starts
	// at the first sample after it, and ends at the column's value.
	require.NoError(t, c.RunTo(600))
	avail := c.Charts()[0]
	require.Contains(t, avail.Unit, "after the bring-up")
	for i, s := range avail.Series {
		require.NotEmpty(t, s.X)
		require.Greater(t, s.X[0], c.Columns()[i].MeasuredFrom, "no point in the bring-up")
		ppm, ok := c.Run().Worlds()[i].Control().Metrics.AvailabilityAfterWarmUp()
		require.True(t, ok)
		require.InDelta(t, float64(ppm)/10_000, s.Y[len(s.Y)-1], 1e-9, "the sample at t=600 is the figure then")
	}
}

// Every figure the Compare tab shows is one of the sweep's, which says
// what it measures and which way it is better; the tab shows both, and
// says that one seed does not decide.
func TestCompareFiguresSayWhichWayIsBetter(t *testing.T) {
	for _, builtin := range []string{"workload-churn", "gpu-sharing"} {
		sc, err := scenario.Builtin(builtin)
		require.NoError(t, err)
		c, err := NewCompare(sc, []variant.Variant{{Name: "a", Policy: "first-fit"}, {Name: "b", Policy: "spread"}})
		require.NoError(t, err)
		require.NoError(t, c.RunTo(100))
		for _, f := range c.Columns()[0].Figures {
			name, ok := compareSweepFigure[f.Name]
			require.True(t, ok, "%s: %q has no sweep figure", builtin, f.Name)
			require.NotEmpty(t, sweep.FigureDoc(name), "%s: %q's sweep figure %q", builtin, f.Name, name)
		}
		page := app.HTMLString(&ComparePanel{C: c, V: c.Version()})
		require.Contains(t, page, `data-better="higher"`)
		require.Contains(t, page, `data-better="lower"`)
		require.Contains(t, page, `(lower is better)"`)
		require.Contains(t, page, "one seed: a difference between them may be chance")
	}
	require.Equal(t, "higher", figureBetter("availability"))
	require.Equal(t, "lower", figureBetter("placement failures"))
	require.Equal(t, "", figureBetter("capacity used (cores)"), "neither: it follows the load")
}
