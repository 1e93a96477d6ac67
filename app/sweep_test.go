//go:build !(js && wasm)

package app

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/chart"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

// fakeWorkers stands in for the page's Web Workers: it keeps what start
// gave them and whether they were stopped; the test plays their messages.
type fakeWorkers struct {
	header  string
	parts   [][]int
	on      func(workerMsg)
	stopped int
}

func (f *fakeWorkers) launch(header string, parts [][]int, on func(workerMsg)) (func(), error) {
	f.header, f.parts, f.on = header, parts, on
	return func() { f.stopped++ }, nil
}

// smallSweep is the Sweep tab's default form on workload-churn, cut to 3
// seeds and tick 300, and the native lines of its runs.
func smallSweep(t *testing.T) (*sweepState, *scenario.Scenario, *sweep.Sweep, []string) {
	t.Helper()
	base, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	st := newSweepState()
	st.choice.Seeds, st.choice.Ticks = 3, 300
	st.choice.Figures = []string{"availability", "capacity_used_cores", "instances_moved"}
	spec, err := st.choice.spec(base.Name, base)
	require.NoError(t, err)
	sw, err := sweep.New(spec, base)
	require.NoError(t, err)
	var lines []string
	for i := range sw.Runs() {
		r, err := sw.Do(i)
		require.NoError(t, err)
		b, _ := json.Marshal(&r)
		lines = append(lines, string(b))
	}
	return st, base, sw, lines
}

func now(f func()) { f() }

// A sweep split over Workers counts its runs as they come, in any order,
// and once every run is in shows exactly Summarize of the same lines;
// the Workers are stopped then.
func TestSweepStateCompletes(t *testing.T) {
	st, base, sw, lines := smallSweep(t)
	var w fakeWorkers
	var kept [][]byte
	st.keep = func(lines []byte) { kept = append(kept, lines) }
	require.NoError(t, st.start(base.Name, base, 4, w.launch, now))
	require.True(t, st.running())
	require.Len(t, w.parts, 4) // 6 runs, 4 cores
	require.Equal(t, [][]int{{0, 4}, {1, 5}, {2}, {3}}, w.parts)
	h, _ := json.Marshal(sw.Header())
	require.Equal(t, string(h), w.header)

	order := []int{5, 0, 3, 2, 4, 1}
	for k, i := range order {
		w.on(workerMsg{Part: i % 4, Kind: "run", Index: i, Line: lines[i]})
		done, total := st.job.progress()
		require.Equal(t, k+1, done)
		require.Equal(t, 6, total)
		require.Equal(t, k < len(order)-1, st.running())
	}
	require.Equal(t, 1, w.stopped)
	require.Empty(t, st.note)

	var rs []sweep.Result
	for _, l := range lines {
		var r sweep.Result
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		rs = append(rs, r)
	}
	want, err := sw.Summarize(rs)
	require.NoError(t, err)
	require.Equal(t, want, st.sum)
	require.Equal(t, []string{"first-fit", "spread"}, []string{st.sum.Variants[0].Name, st.sum.Variants[1].Name})

	// The downloads: the JSON lines read back to the same runs, the CSV has
	// ccsim's columns and a row per figure and variant.
	data, err := st.job.jsonl()
	require.NoError(t, err)
	heads, back, err := sweep.ReadLines("jsonl", data)
	require.NoError(t, err)
	require.Len(t, heads, 1)
	require.Equal(t, rs, back)
	csv, err := summaryCSV(st.sum)
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSpace(string(csv)), "\n")
	require.Len(t, rows, 1+3*2)
	require.Equal(t, strings.Join(sweep.CSVColumns, ","), rows[0])

	// Messages after the end change nothing.
	w.on(workerMsg{Kind: "done"})
	require.Equal(t, want, st.sum)

	// The sweep was kept once, and a later page shows it again, with the
	// form as it was.
	require.Equal(t, [][]byte{data}, kept)
	again := newSweepState()
	require.NoError(t, again.restore(kept[0]))
	require.Equal(t, want, again.sum)
	require.Equal(t, st.choice, again.choice)
	require.True(t, sameScenario(base, again.base), "the form runs the last sweep's own scenario")
	require.Contains(t, again.baseWhy, "the last sweep")
	other, err := scenario.Builtin("standard")
	require.NoError(t, err)
	require.False(t, sameScenario(other, again.base))
	require.False(t, again.running())
	done, total := again.job.progress()
	require.Equal(t, [2]int{6, 6}, [2]int{done, total})
	require.Error(t, newSweepState().restore(data[:len(data)/2]), "a damaged record")
	partial := bytes.Join(bytes.Split(data, []byte("\n"))[:3], []byte("\n"))
	require.ErrorContains(t, newSweepState().restore(partial), "2 of the 6 runs are done")
}

// Cancel stops the Workers and keeps nothing of the sweep, even what its
// Workers still send; so does a Worker's error, and a run given twice.
func TestSweepStateCancelDropsPartialResults(t *testing.T) {
	st, base, _, lines := smallSweep(t)
	var w fakeWorkers
	require.NoError(t, st.start(base.Name, base, 2, w.launch, now))
	w.on(workerMsg{Kind: "run", Index: 0, Line: lines[0]})
	w.on(workerMsg{Kind: "run", Index: 1, Line: lines[1]})
	st.cancel()
	require.False(t, st.running())
	require.Equal(t, 1, w.stopped)
	require.Nil(t, st.sum)
	require.Nil(t, st.job)
	require.Contains(t, st.note, "cancelled after 2 of 6 runs")
	late := w.on
	for i := 2; i < 6; i++ {
		late(workerMsg{Kind: "run", Index: i, Line: lines[i]})
	}
	require.Nil(t, st.sum)

	// A Worker's error.
	require.NoError(t, st.start(base.Name, base, 2, w.launch, now))
	require.Empty(t, st.note)
	w.on(workerMsg{Kind: "run", Index: 0, Line: lines[0]})
	w.on(workerMsg{Kind: "error", Err: "boom"})
	require.False(t, st.running())
	require.Nil(t, st.sum)
	require.Contains(t, st.note, "failed after 1 of 6 runs, nothing kept: boom")

	// A run twice.
	require.NoError(t, st.start(base.Name, base, 2, w.launch, now))
	w.on(workerMsg{Kind: "run", Index: 0, Line: lines[0]})
	w.on(workerMsg{Kind: "run", Index: 0, Line: lines[0]})
	require.False(t, st.running())
	require.Contains(t, st.note, "run 0 twice")

	// Workers that say done with runs missing.
	require.NoError(t, st.start(base.Name, base, 2, w.launch, now))
	w.on(workerMsg{Kind: "done"})
	w.on(workerMsg{Kind: "done"})
	require.False(t, st.running())
	require.Contains(t, st.note, "stopped with 0 of 6 runs done")
	require.Equal(t, 4, w.stopped)
}

// A form the sweep refuses starts nothing and says why.
func TestSweepStateRefusesABadForm(t *testing.T) {
	base, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	st := newSweepState()
	var w fakeWorkers
	st.choice.Policies = nil
	require.Error(t, st.start(base.Name, base, 2, w.launch, now))
	require.Contains(t, st.note, "choose at least one placement policy")
	st.choice = defaultSweepChoice()
	st.choice.Seeds = 0
	require.Error(t, st.start(base.Name, base, 2, w.launch, now))
	require.Contains(t, st.note, "seeds.count")
	require.False(t, st.running())
	require.Nil(t, w.on)
}

func TestSweepWorkerCountAndParts(t *testing.T) {
	require.Equal(t, 1, sweepWorkerCount(0, 10))
	require.Equal(t, 4, sweepWorkerCount(16, 10))
	require.Equal(t, 2, sweepWorkerCount(16, 2))
	require.Equal(t, 2, sweepWorkerCount(2, 10))
	require.Equal(t, [][]int{{0, 2, 4}, {1, 3}}, sweepParts(5, 2))
	require.Equal(t, [][]int{{0}}, sweepParts(1, 4))
}

// The policies are variants in sched's order whatever order they were
// ticked in, so the baseline is stable; all figures is no figures list.
func TestSweepChoiceSpec(t *testing.T) {
	base, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	spec, err := sweepChoice{Policies: []string{"spread", "first-fit"}, Seeds: 2, Ticks: 10, Figures: sweep.Figures()}.spec("x", base)
	require.NoError(t, err)
	require.Equal(t, "first-fit", spec.Variants[0].Name)
	require.Equal(t, "spread", spec.Variants[1].Name)
	require.Empty(t, spec.Figures)
	require.Equal(t, "x", spec.Name)
}

func TestReadableNumbers(t *testing.T) {
	for x, want := range map[float64]string{18890.4: "18890", 0.9751: "0.9751", 328.8: "328.8", -0.01531: "-0.01531", 0: "0", 1e-5: "1e-05", -2500: "-2500"} {
		require.Equal(t, want, readable(x), "%v", x)
	}
}

// A complete sweep draws a chart per figure with a mark per variant, the
// baseline marked, each axis named by the figure's unit; the marks are
// the summary's means and intervals.
func TestSweepChartsOneMarkPerVariant(t *testing.T) {
	st, base, _, lines := smallSweep(t)
	var w fakeWorkers
	require.NoError(t, st.start(base.Name, base, 2, w.launch, now))
	for i, l := range lines {
		w.on(workerMsg{Kind: "run", Index: i, Line: l})
	}
	require.NotNil(t, st.sum)
	html := app.HTMLString(app.Div().Body(sweepResults(st.sum, 2)...))
	require.Equal(t, 3, strings.Count(html, `data-testid="sweep-chart"`))
	require.Len(t, regexp.MustCompile(`<g [^>]*class="sweep-mark[" ]`).FindAllString(html, -1), 3*2)
	for _, g := range regexp.MustCompile(`<g [^>]*class="sweep-mark baseline"[^>]*>`).FindAllString(html, -1) {
		require.Contains(t, g, `data-variant="first-fit"`)
	}
	require.Len(t, regexp.MustCompile(`<g [^>]*class="sweep-mark baseline"`).FindAllString(html, -1), 3)
	require.Contains(t, html, `data-figure="availability"`)
	require.Contains(t, html, `(fraction, higher is better)`)
	require.Contains(t, html, `>fraction</text>`, "the axis is named by the unit")
	require.Contains(t, html, `>moves</text>`)

	est := sweepEstimates(st.sum, "availability")
	require.Len(t, est, 2)
	iv := st.sum.Variants[1].Figures["availability"]
	require.Equal(t, chart.Estimate{Name: "spread", N: iv.N, Mean: iv.Mean, Low: *iv.Low, High: *iv.High, HasInterval: true}, est[1])
	require.True(t, est[0].Baseline)
}

// A real difference is said better or worse by the figure's direction.
func TestVerdict(t *testing.T) {
	for _, tc := range []struct {
		figure string
		d      float64
		want   string
	}{
		{"availability", 0.01, " better"},
		{"availability", -0.01, " worse"},
		{"mttr_ticks", -5, " better"},
		{"mttr_ticks", 5, " worse"},
		{"faults_injected", 3, ""},
		{"instances_moved", 0, ""},
	} {
		require.Equal(t, tc.want, verdict(tc.figure, tc.d), "%s %v", tc.figure, tc.d)
	}
}

// The results always say what * means and each figure's unit and
// direction; figures no run has a value of are named in a sentence, not
// drawn as rows and charts of n/a.
func TestSweepResultsReadable(t *testing.T) {
	iv := func(n int, mean float64) sweep.Interval {
		if n < 2 {
			return sweep.Interval{N: n, Mean: mean}
		}
		lo, hi := mean-1, mean+1
		return sweep.Interval{N: n, Mean: mean, Low: &lo, High: &hi}
	}
	sum := &sweep.Summary{Kind: "summary", Sweep: "abc", Name: "availability", Runs: 4, Ticks: 100, Baseline: "a",
		Figures: []string{"mttr_ticks", "instances_running"},
		Variants: []sweep.VariantSummary{
			{Name: "a", Runs: 2, Figures: map[string]sweep.Interval{"mttr_ticks": iv(2, 100), "instances_running": iv(0, 0)}},
			{Name: "b", Runs: 2, Figures: map[string]sweep.Interval{"mttr_ticks": iv(2, 90), "instances_running": iv(0, 0)},
				VsBaseline: map[string]sweep.Interval{"mttr_ticks": iv(2, -10), "instances_running": iv(0, 0)}}},
	}
	html := app.HTMLString(app.Div().Body(sweepResults(sum, 0)...))
	require.Contains(t, html, `data-testid="sweep-legend"`)
	require.Contains(t, html, "* the paired difference")
	require.Contains(t, html, "(ticks, lower is better)")
	require.Contains(t, html, ">* better</td>", "-10 [-11, -9] excludes 0, and lower MTTR is better")
	require.Contains(t, html, "No run has a value of instances_running (n/a)")
	require.Equal(t, 1, strings.Count(html, `data-testid="sweep-chart"`))
	require.NotContains(t, html, `data-figure="instances_running"`)
	require.Len(t, regexp.MustCompile(`<tr [^>]*data-figure=`).FindAllString(html, -1), 2)
}

func TestHasWorkloads(t *testing.T) {
	for name, want := range map[string]bool{"workload-churn": true, "availability": false} {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		require.Equal(t, want, hasWorkloads(sc), name)
	}
	require.False(t, hasWorkloads(nil))
}

// The editor's variant goes through variant.Validate and Apply: a bad
// field is named, and a blank setting takes the scenario's value.
func TestSweepDraftVariant(t *testing.T) {
	churn, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	avail, err := scenario.Builtin("availability")
	require.NoError(t, err)
	mon := churn.Control.Monitor
	for _, tc := range []struct {
		name  string
		draft sweepDraft
		base  *scenario.Scenario
		want  variant.Variant
		err   string
	}{
		{"custom", sweepDraft{Name: " packer ", Policy: "custom", Filter: "blade.instances < 8", Score: "-blade.free_cores"}, churn,
			variant.Variant{Name: "packer", Policy: "custom", Custom: &sched.CustomSpec{Filter: "blade.instances < 8", Score: "-blade.free_cores"}}, ""},
		{"monitor, one field", sweepDraft{Name: "slow", Fail: "60"}, churn,
			variant.Variant{Name: "slow", Monitor: &monitor.Settings{SuspectAfter: mon.SuspectAfter, FailAfter: 60}}, ""},
		{"repairs on a scenario without workloads", sweepDraft{Name: "fast", TechLow: "60", TechHigh: "120", BurnIn: "0"}, avail,
			variant.Variant{Name: "fast", Repair: &repair.Settings{Technician: clock.Range{Low: 60, High: 120}, BurnIn: 0}}, ""},
		{"no name", sweepDraft{Policy: "spread"}, churn, variant.Variant{}, "name: a variant needs a name"},
		{"nothing overridden", sweepDraft{Name: "x"}, churn, variant.Variant{}, "policy: choose a policy, or set the monitor or the repairs"},
		{"not a number", sweepDraft{Name: "x", Suspect: "soon"}, churn, variant.Variant{}, `monitor.suspectAfter: "soon" is not a whole number of ticks`},
		{"fail before suspect", sweepDraft{Name: "x", Suspect: "30", Fail: "20"}, churn, variant.Variant{}, "monitor.failAfter must be > suspectAfter (30), got 20"},
		{"bad score", sweepDraft{Name: "x", Policy: "custom", Score: "blade.nope"}, churn, variant.Variant{}, "custom.score"},
		{"policy without workloads", sweepDraft{Name: "x", Policy: "spread"}, avail, variant.Variant{}, `policy: scenario "availability" has no workloads to place`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := tc.draft.variant(tc.base)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, v)
		})
	}
}

// Adding a variant: a refused one says why and changes nothing; an added
// one runs in the sweep after the ticked policies, and a sweep's form
// read back (choiceOf) gives the same variants.
func TestSweepAddVariant(t *testing.T) {
	base, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	st := newSweepState()
	before := st.choice
	st.draft = sweepDraft{Name: "spread", Policy: "custom", Score: "1"}
	require.ErrorContains(t, st.addVariant(base), `name: "spread" is the name of another variant`)
	require.Equal(t, before, st.choice)
	require.Contains(t, st.addErr, "Variant not added: name:")
	require.Equal(t, "spread", st.draft.Name, "the editor keeps what was typed")

	st.draft = sweepDraft{Name: "packer", Policy: "custom", Score: "-blade.free_cores"}
	require.NoError(t, st.addVariant(base))
	require.Empty(t, st.addErr)
	require.Equal(t, sweepDraft{}, st.draft)
	st.draft = sweepDraft{Name: "slow monitor", Suspect: "30", Fail: "60"}
	require.NoError(t, st.addVariant(base))

	spec, err := st.choice.spec("x", base)
	require.NoError(t, err)
	var names []string
	for _, v := range spec.Variants {
		names = append(names, v.Name)
	}
	require.Equal(t, []string{"first-fit", "spread", "packer", "slow monitor"}, names)
	require.Equal(t, "custom policy: score -blade.free_cores", describeVariant(spec.Variants[2]))
	require.Equal(t, "monitor: suspect after 30, fail after 60 ticks", describeVariant(spec.Variants[3]))
	back := choiceOf(spec)
	again, err := back.spec("x", base)
	require.NoError(t, err)
	require.Equal(t, spec, again)

	st.removeVariant("first-fit")
	st.removeVariant("packer")
	spec, err = st.choice.spec("x", base)
	require.NoError(t, err)
	require.Len(t, spec.Variants, 2)
	require.Equal(t, "spread", spec.Variants[0].Name, "the baseline is the first left")

	// A baseline named in a spec is kept, whatever its place.
	spec.Baseline = "slow monitor"
	again, err = choiceOf(spec).spec("x", base)
	require.NoError(t, err)
	require.Equal(t, "slow monitor", again.Baseline)
}

// A sweep's link opens the same form over the link's scenario, in a
// fresh page's Sweep tab, not started; a broken link, or one of another
// kind, changes nothing and says why.
func TestSweepLinkRoundTrip(t *testing.T) {
	churn, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	st := newSweepState()
	st.choice.Seeds, st.choice.Ticks = 7, 1234
	st.draft = sweepDraft{Name: "packer", Policy: "custom", Score: "-blade.free_cores", Fail: "40"}
	require.NoError(t, st.addVariant(churn))
	require.NoError(t, st.share("http://x/", churn))
	require.True(t, strings.HasPrefix(st.shareURL, "http://x/#s4."), st.shareURL)
	require.False(t, st.shareLong)

	s := &Shell{tab: "log"}
	s.openSweepLink(st.shareURL[strings.Index(st.shareURL, "#"):])
	require.Equal(t, "sweep", s.tab)
	require.Contains(t, s.notice, "Opened a shared sweep of workload-churn in the Sweep tab, not started")
	got := s.sweep
	require.NotNil(t, got)
	require.False(t, got.running())
	require.Nil(t, got.sum)
	require.True(t, got.restored, "the last kept sweep is not shown over it")
	require.Equal(t, churn.Name, got.base.Name)
	want, err := st.choice.spec(churn.Name, churn)
	require.NoError(t, err)
	again, err := got.choice.spec(got.base.Name, got.base)
	require.NoError(t, err)
	require.Equal(t, want, again)

	for _, tc := range []struct{ frag, why string }{
		{"#s4.AAAA", "damaged"},
		{"#s4." + st.shareURL[strings.Index(st.shareURL, "#")+5:len(st.shareURL)-9], "damaged"},
		{"#s9.xyz", "newer"},
	} {
		s := &Shell{tab: "log"}
		s.openSweepLink(tc.frag)
		require.Equal(t, "log", s.tab, tc.frag)
		require.Nil(t, s.sweep, tc.frag)
		require.Contains(t, s.notice, "The sweep in this link could not be opened, and nothing was changed: ", tc.frag)
		require.Contains(t, s.notice, tc.why, tc.frag)
	}
	l, err := link.Encode(churn, sim.EngineVersion)
	require.NoError(t, err)
	s = &Shell{tab: "log"}
	s.openSweepLink("#" + l)
	require.Contains(t, s.notice, "it is not a sweep's link")
	require.Nil(t, s.sweep)

	// Not while a sweep is under way: its form stays.
	var w fakeWorkers
	busy := newSweepState()
	require.NoError(t, busy.start(churn.Name, churn, 2, w.launch, now))
	before := busy.choice
	spec, err := st.choice.spec(churn.Name, churn)
	require.NoError(t, err)
	require.ErrorContains(t, busy.open(spec, churn), "a sweep is under way")
	require.Equal(t, before, busy.choice)
	require.Nil(t, busy.base)

	// A form that is no sweep is not shared, and says why.
	bad := newSweepState()
	bad.choice.Policies = nil
	require.Error(t, bad.share("http://x/", churn))
	require.Contains(t, bad.shareErr, "Not shared: choose at least one")
	require.Empty(t, bad.shareURL)
}

// A link shared is taken off once the form changes: it would be of
// another sweep.
func TestSweepShareClearedByAnEdit(t *testing.T) {
	churn, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	st := newSweepState()
	require.NoError(t, st.share("http://x/", churn))
	require.NotEmpty(t, st.shareURL)
	st.removeVariant("spread")
	require.Empty(t, st.shareURL)
	require.NoError(t, st.share("http://x/", churn))
	st.draft = sweepDraft{Name: "x"}
	require.Error(t, st.addVariant(churn))
	require.NotEmpty(t, st.shareURL, "a refused variant changes nothing")
}
