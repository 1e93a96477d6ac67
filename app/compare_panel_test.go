//go:build !(js && wasm)

package app

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A comparison opened from a link restarts from its own scenario, not
// from whatever the session holds: the start button says and does so.
func TestCompareRestartsFromItsOwnScenario(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(100))
	l, err := c.Link()
	require.NoError(t, err)
	o, _, err := OpenCompareLink("#" + l)
	require.NoError(t, err)
	require.Equal(t, "workload-churn", o.Base().Name)
	require.Empty(t, o.Base().Commands, "the base has no commands: a restart is at tick 0")

	std := newTestController(t, "standard", 0)
	p := &ComparePanel{S: std.Session, C: o}
	require.Equal(t, "workload-churn", p.startFrom().Name)
	p.C = nil
	require.Equal(t, "standard", p.startFrom().Name, "with no comparison, the session's scenario")
}

// fakeComparePage keeps what the panel sets.
type fakeComparePage struct{ c *Compare }

func (f *fakeComparePage) comparison() *Compare            { return f.c }
func (f *fakeComparePage) setComparison(c *Compare)        { f.c = c }
func (f *fakeComparePage) saveComparison(string, *Compare) {}

// Bad input in a variant's settings is refused with a message naming the
// variant and the field, and the running comparison stays; good input
// starts a comparison whose columns say what each variant overrides.
func TestCompareSettingsRefusedOrStarted(t *testing.T) {
	ctl := newTestController(t, "workload-churn", 0)
	old := churnCompare(t)
	page := &fakeComparePage{c: old}
	p := &ComparePanel{S: ctl.Session, C: old, Page: page}
	html := app.HTMLString(p)
	for _, hook := range []string{"compare-variant-seed", "compare-variant-suspect-after", "compare-variant-fail-after",
		"compare-variant-technician-low", "compare-variant-technician-high", "compare-variant-burn-in", "compare-variant-rules"} {
		require.Equal(t, 2, strings.Count(html, `data-testid="`+hook+`"`), hook)
	}
	require.Contains(t, html, `placeholder="10 (scenario's)"`, "the scenario's failAfter as the placeholder")

	p.chooseRules(0, "custom")
	require.Contains(t, p.drafts[0].rulesText, `"name": "take-blade-out"`, "my own rules start from the scenario's")
	p.chooseRules(0, "scenario")
	require.Equal(t, rulesScenario, p.drafts[0].rules)
	p.drafts[1].failAfter = "3"
	p.onStart(app.Context{}, app.Event{})
	require.Equal(t, "Not started: variant 2 (spread): monitor.failAfter must be > suspectAfter (5), got 3", p.err)
	require.Same(t, old, page.c, "nothing changed")

	p.drafts[1].failAfter = "30"
	p.onStart(app.Context{}, app.Event{})
	require.Empty(t, p.err)
	require.NotSame(t, old, page.c)
	p.C = page.c
	require.Contains(t, app.HTMLString(p), "monitor: suspect after 5 ticks of silence, unavailable after 30")
}

// A comparison saved as a library entry reopens in the Compare tab at
// the tick it was saved, with the same hashes; the entry's scenario is
// what its variants start from, with the commands given and the tick.
func TestCompareLibraryEntryReopens(t *testing.T) {
	c := churnCompare(t)
	require.NoError(t, c.RunTo(300))
	_, err := c.FailBlade(churnBlade)
	require.NoError(t, err)
	require.NoError(t, c.RunTo(800))
	_, err = comparisonEntry("  ", c)
	require.ErrorContains(t, err, "give the comparison a name")
	rec, err := comparisonEntry("churn: ff vs spread", c)
	require.NoError(t, err)
	require.Equal(t, "churn: ff vs spread", rec.Name)
	require.True(t, strings.HasPrefix(rec.Compare, "s3."), rec.Compare)
	sc, err := scenario.Parse("entry", rec.Scenario)
	require.NoError(t, err)
	require.Equal(t, clock.Tick(800), sc.At)
	require.Len(t, sc.Commands, 1)

	lib := &LibraryPanel{Page: &fakeLibraryPage{shell: &Shell{tab: "library"}}}
	lib.openComparison(rec)
	s := lib.Page.(*fakeLibraryPage).shell
	require.Equal(t, "Opened the comparison “churn: ff vs spread” in the Compare tab.", lib.msg)
	require.Equal(t, "compare", s.tab)
	require.NotNil(t, s.cmp)
	running, target := s.cmp.Running()
	require.True(t, running, "it replays in frames")
	require.Equal(t, clock.Tick(800), target)
	require.NoError(t, s.cmp.RunTo(target))
	require.Equal(t, hashes(c), hashes(s.cmp))

	before := s.cmp
	bad := rec
	bad.Compare = "s3.damaged"
	lib.openComparison(bad)
	require.Contains(t, lib.msg, "“churn: ff vs spread” could not be opened: ")
	require.Same(t, before, s.cmp, "nothing changed")
	require.Equal(t, "comparison", kindOf(rec))
}

// fakeLibraryPage is a Shell as the library panel sees it, without a
// browser.
type fakeLibraryPage struct{ shell *Shell }

func (f *fakeLibraryPage) lasting(ctx app.Context) app.Context { return ctx }
func (f *fakeLibraryPage) libraryDone()                        {}
func (f *fakeLibraryPage) replacing(ctx app.Context, why string, replace func(ctx app.Context)) {
	replace(ctx)
}
func (f *fakeLibraryPage) notify(text string)                 { f.shell.notify(text) }
func (f *fakeLibraryPage) openComparisonEntry(l string) error { return f.shell.openComparisonEntry(l) }

// While a comparison runs, the tab is shown anew at most every
// compareEvery; at rest, at once.
func TestCompareShownAFewTimesASecond(t *testing.T) {
	var sh compareShown
	renewed := 0
	last := sh.version(1, false, 0)
	for f := 1; f <= 60; f++ { // a second of frames at 60 Hz, the version moving every frame
		if v := sh.version(uint64(1+f), true, float64(f)*1000/60); v != last {
			renewed++
			last = v
		}
	}
	require.Equal(t, 4, renewed, "four times in a second")
	require.Equal(t, uint64(62), sh.version(62, false, 1001), "at rest: at once")
}

// The page's frames with the shell's throttle: a run of two seconds of
// page time builds the columns and charts a few times a second (not 120
// times), and rendering again without a change builds nothing.
func TestCompareColumnsNotBuiltEveryFrame(t *testing.T) {
	c := churnCompare(t)
	s := &Shell{cmp: c}
	ms := 0.0
	defer func(old func() float64) { pageClock = old }(pageClock)
	pageClock = func() float64 { return ms }
	require.NoError(t, c.Start(2_000_000)) // far: it runs through every frame
	shown, renders := s.compareVersion(), 0
	for f := 0; f < 120; f++ {
		ms += 1000.0 / 60
		c.Frame(2, func() float64 { ms += 0.5; return ms }) // a frame's slices move the page clock too
		if v := s.compareVersion(); v != shown {            // go-app renders the panel when its V changes
			shown = v
			app.HTMLString(&ComparePanel{C: c, V: v})
			renders++
		}
	}
	running, _ := c.Running()
	require.True(t, running)
	t.Logf("120 frames in %.0f ms of page time: %d renders, %d column builds", ms, renders, c.builds.columns)
	require.LessOrEqual(t, renders, int(ms/compareEvery)+1, "4 a second, not every frame")
	require.Positive(t, renders)
	require.Equal(t, renders, c.builds.columns)
	require.Equal(t, renders, c.builds.charts)

	c.Pause()
	v := s.compareVersion()
	require.Equal(t, c.Version(), v, "at rest: the latest at once")
	page := app.HTMLString(&ComparePanel{C: c, V: v})
	require.Contains(t, page, fmt.Sprintf(`data-tick="%d"`, c.Now()))
	builds := c.builds
	app.HTMLString(&ComparePanel{C: c, V: v})
	require.Equal(t, builds, c.builds, "rendered again without a change: nothing built")
}

// The set-up shows the variants of the comparison shown: another one
// opened (from a link, or the library) replaces the drafts; edits to the
// drafts of the same comparison stay.
func TestCompareSetupFollowsTheComparison(t *testing.T) {
	p := &ComparePanel{C: churnCompare(t)}
	app.HTMLString(p)
	require.Equal(t, "spread", p.drafts[1].v.Name)
	p.drafts[1].seed = "9"
	app.HTMLString(p)
	require.Equal(t, "9", p.drafts[1].seed, "an edit stays")

	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	seed := uint64(3)
	o, err := NewCompare(sc, []variant.Variant{{Name: "a", Policy: "best-fit"}, {Name: "b", Policy: "best-fit", Seed: &seed}})
	require.NoError(t, err)
	p.C = o
	app.HTMLString(p)
	require.Len(t, p.drafts, 2)
	require.Equal(t, "a", p.drafts[0].v.Name)
	require.Equal(t, "3", p.drafts[1].seed)
}

// Every command the tab offers is one a comparison of workload-churn
// takes at the example path the tab shows for it, in every variant.
func TestCompareCommandsApplyAtTheirExamplePaths(t *testing.T) {
	for _, o := range compareOps {
		c := churnCompare(t)
		require.NoError(t, c.RunTo(300))
		if o.op == scenario.RepairBlade || o.op == scenario.ReturnService {
			_, err := c.Apply(scenario.Command{Do: map[scenario.Op]scenario.Op{scenario.RepairBlade: scenario.FaultBlade, scenario.ReturnService: scenario.Maintain}[o.op], Target: opPlaceholder(c.Run().Worlds()[0].Hardware(), o.op)})
			require.NoError(t, err, o.label)
			require.NoError(t, c.RunTo(400))
		}
		p := &ComparePanel{C: c, op: o.op, path: opPlaceholder(c.Run().Worlds()[0].Hardware(), o.op)}
		p.onCommand(app.Context{}, app.Event{})
		require.Empty(t, p.err, o.label)
		require.Equal(t, o.op, c.Commands()[len(c.Commands())-1].Do, o.label)
	}
	c := churnCompare(t)
	p := &ComparePanel{C: c, op: scenario.StopRack, path: "standard/standard/rack9"}
	p.onCommand(app.Context{}, app.Event{})
	require.Contains(t, p.err, "Not applied: ")
	require.Empty(t, c.Commands(), "a command no variant takes is not kept")
}

// An edit made after the start waits for a restart, and the set-up says
// so (a newcomer changed a seed, saw nothing change and shared the old
// variants); undoing the edit takes the line away.
func TestCompareSaysEditsWaitForARestart(t *testing.T) {
	ctl := newTestController(t, "workload-churn", 0)
	p := &ComparePanel{S: ctl.Session, C: churnCompare(t), Page: &fakeComparePage{}}
	require.NotContains(t, app.HTMLString(p), "compare-pending", "the set-up shows the running variants")
	seed := p.drafts[1].seed
	p.drafts[1].seed = "99"
	require.Contains(t, app.HTMLString(p), `data-testid="compare-pending"`)
	p.drafts[1].seed = seed
	require.NotContains(t, app.HTMLString(p), "compare-pending")
	p.choosePolicy(0, "best-fit")
	require.Contains(t, app.HTMLString(p), "Your changes apply when you restart")
}

// A new comparison offers the loaded scenario's own policy first.
func TestDefaultDraftsStartFromTheScenarioPolicy(t *testing.T) {
	for _, tc := range []struct {
		builtin       string
		gpus          bool
		first, second string
	}{
		{"standard", false, "first-fit", "spread"},
		{"workload-churn", false, "spread", "first-fit"},
		{"gpu-sharing", true, "best-fit", "fgd"},
		{"availability", false, "first-fit", "spread"}, // no workloads
	} {
		t.Run(tc.builtin, func(t *testing.T) {
			sc, err := scenario.Builtin(tc.builtin)
			require.NoError(t, err)
			c, err := NewController(sc)
			require.NoError(t, err)
			ctl := c.World().Control()
			require.Equal(t, tc.gpus, ctl != nil && ctl.Workloads != nil && ctl.Workloads.HasGPUs())
			d := defaultDrafts(sc, tc.gpus)
			require.Len(t, d, 2)
			assert.Equal(t, []string{tc.first, tc.second}, []string{d[0].v.Policy, d[1].v.Policy})
			assert.Equal(t, tc.first, d[0].v.Name)
		})
	}
	sc, err := scenario.Builtin("standard")
	require.NoError(t, err)
	sc.Control.Workloads.Policy = sched.CustomName
	sc.Control.Workloads.Custom = &sched.CustomSpec{Score: "blade.free_cores"}
	d := defaultDrafts(sc, false)
	require.NotNil(t, d[0].v.Custom)
	assert.Equal(t, "blade.free_cores", d[0].v.Custom.Score)
	assert.NotSame(t, sc.Control.Workloads.Custom, d[0].v.Custom)
	sc.Control.Workloads.Policy, sc.Control.Workloads.Custom = "fgd", nil
	d = defaultDrafts(sc, true)
	assert.Equal(t, []string{"fgd", "best-fit"}, []string{d[0].v.Policy, d[1].v.Policy})
}

// The variants' policy selects offer the GPU policies only for a scenario
// with GPU devices; without, they are there but disabled, saying why.
func TestComparePolicySelectOffersGPUPoliciesOnlyWithGPUs(t *testing.T) {
	for _, tc := range []struct {
		builtin string
		gpus    bool
	}{{"workload-churn", false}, {"gpu-sharing", true}} {
		t.Run(tc.builtin, func(t *testing.T) {
			page := app.HTMLString(&ComparePanel{S: newTestController(t, tc.builtin, 0).Session})
			var disabled, enabled []string // option values, every select's
			for _, m := range regexp.MustCompile(`<option ([^>]*)>([^<]*)</option>`).FindAllStringSubmatch(page, -1) {
				value := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(m[1])[1]
				if strings.Contains(m[1], " disabled") || strings.HasPrefix(m[1], "disabled") {
					require.Contains(t, m[1], `has none"`, "says why")
					require.Equal(t, value+" (needs GPUs)", m[2])
					disabled = append(disabled, value)
				} else {
					enabled = append(enabled, value)
				}
			}
			if tc.gpus {
				assert.Empty(t, disabled)
				assert.Contains(t, enabled, "fgd")
				return
			}
			assert.Equal(t, slices.Repeat([]string{"gpu-clustering", "gpu-packing", "gpu-best-fit", "fgd"}, 2), disabled, "in both variants' selects")
			assert.Contains(t, enabled, "dot-product")
			assert.Contains(t, enabled, "random")
		})
	}
}
