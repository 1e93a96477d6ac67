package sweep

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// churnSpec is a small sweep of the workload-churn built-in: three
// variants (two of them the same settings under two names) × 4 seeds.
const churnSpec = `{
  "format": 1,
  "name": "policies",
  "scenario": {"builtin": "workload-churn"},
  "variants": [
    {"name": "first-fit", "policy": "first-fit"},
    {"name": "spread", "policy": "spread"},
    {"name": "first-fit again", "policy": "first-fit"}
  ],
  "seeds": {"first": 3, "count": 4},
  "ticks": 3000,
  "figures": ["availability", "instances_moved", "capacity_used_cores", "instances_waiting_mean"]
}`

func newSweep(t *testing.T, text string) *Sweep {
	t.Helper()
	spec, err := Parse("spec.json", []byte(text))
	require.NoError(t, err)
	base, err := spec.Load("spec.json", []byte(text), nil)
	require.NoError(t, err)
	sw, err := New(spec, base)
	require.NoError(t, err)
	return sw
}

func doAll(t *testing.T, sw *Sweep, runs []int) []Result {
	t.Helper()
	out := make([]Result, 0, len(runs))
	for _, i := range runs {
		r, err := sw.Do(i)
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

func TestRunsAreNumberedSeedBySeed(t *testing.T) {
	sw := newSweep(t, churnSpec)
	require.Equal(t, 12, sw.Runs())
	require.Equal(t, Run{Index: 0, Variant: 0, Seed: 3}, sw.At(0))
	require.Equal(t, Run{Index: 4, Variant: 1, Seed: 4}, sw.At(4))
	require.Equal(t, Run{Index: 11, Variant: 2, Seed: 6}, sw.At(11))
}

// The parts of any sharding are every run once.
func TestShardsPartitionTheRuns(t *testing.T) {
	sw := newSweep(t, churnSpec)
	for parts := 1; parts <= 14; parts++ {
		var all []int
		for part := range parts {
			idx, err := sw.Shard(part, parts)
			require.NoError(t, err)
			all = append(all, idx...)
		}
		slices.Sort(all)
		require.Len(t, all, sw.Runs(), "%d parts", parts)
		for i, x := range all {
			require.Equal(t, i, x)
		}
	}
	for _, bad := range [][2]int{{0, 0}, {3, 3}, {-1, 2}} {
		_, err := sw.Shard(bad[0], bad[1])
		require.Error(t, err)
	}
}

// A sweep's summary is the same bits however its runs are split and in
// whatever order their results come; two variants with the same settings
// differ by exactly 0, and their intervals are the same.
func TestSummaryIsTheSameHoweverSplit(t *testing.T) {
	sw := newSweep(t, churnSpec)
	results := doAll(t, sw, slices.Collect(func(yield func(int) bool) {
		for i := range sw.Runs() {
			if !yield(i) {
				return
			}
		}
	}))
	want, err := sw.Summarize(results)
	require.NoError(t, err)
	wantJSON, _ := json.Marshal(want)

	rng := rand.New(rand.NewPCG(1, 2))
	for parts := 1; parts <= 5; parts++ {
		var got []Result
		for part := range parts {
			idx, _ := sw.Shard(part, parts)
			got = append(got, doAll(t, sw, idx)...) // each part run afresh
		}
		rng.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
		sum, err := sw.Summarize(got)
		require.NoError(t, err)
		b, _ := json.Marshal(sum)
		require.Equal(t, string(wantJSON), string(b), "%d parts", parts)
	}

	again := want.Variants[2] // "first-fit again": the baseline's settings
	for _, f := range want.Figures {
		d := again.VsBaseline[f]
		require.Equal(t, 4, d.N, f)
		require.Zero(t, d.Mean, f)
		require.Zero(t, *d.Low, f)
		require.Zero(t, *d.High, f)
		require.Equal(t, want.Variants[0].Figures[f], again.Figures[f], f)
	}
	require.Nil(t, want.Variants[0].VsBaseline, "the baseline has no difference from itself")
	// spread places differently: some figure differs.
	require.NotEqual(t, want.Variants[0].Figures["instances_moved"], want.Variants[1].Figures["instances_moved"])
}

func TestSummarizeRefusesAnIncompleteOrMixedSet(t *testing.T) {
	sw := newSweep(t, churnSpec)
	all := doAll(t, sw, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})

	_, err := sw.Summarize(all[1:])
	require.ErrorContains(t, err, "1 of the 12 runs are missing, the first run 0 (")

	_, err = sw.Summarize(append(slices.Clone(all), all[5]))
	require.ErrorContains(t, err, "run 5 is given twice")

	other := slices.Clone(all)
	other[3].Sweep = "0123456789abcdef"
	_, err = sw.Summarize(other)
	require.ErrorContains(t, err, "run 3 is of sweep 0123456789abcdef")

	swapped := slices.Clone(all)
	swapped[4].Seed = 99
	_, err = sw.Summarize(swapped)
	require.ErrorContains(t, err, "run 4 is spread seed 99, but this sweep's run 4 is spread seed 4")
}

// A halted run is counted and left out of the statistics.
func TestHaltedRunsAreLeftOut(t *testing.T) {
	sw := newSweep(t, churnSpec)
	all := doAll(t, sw, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	all[3].Halted = "invariant broken"
	sum, err := sw.Summarize(all)
	require.NoError(t, err)
	require.Equal(t, 1, sum.Variants[0].Halted)
	require.Equal(t, 3, sum.Variants[0].Figures["availability"].N)
	require.Equal(t, 3, sum.Variants[1].VsBaseline["availability"].N, "seed 4's pair has no baseline")
}

// The header carries the whole sweep: read back, it is the same sweep.
func TestHeaderRoundTrips(t *testing.T) {
	sw := newSweep(t, churnSpec)
	line, err := json.Marshal(sw.Header())
	require.NoError(t, err)
	r0, err := sw.Do(0)
	require.NoError(t, err)
	run, _ := json.Marshal(&r0)
	heads, results, err := ReadLines("part.jsonl", []byte(string(line)+"\n"+string(run)+"\n{\"kind\":\"summary\"}\n\n"))
	require.NoError(t, err)
	require.Len(t, heads, 1)
	require.Equal(t, []Result{r0}, results)
	back, err := FromHeader("part.jsonl", heads[0])
	require.NoError(t, err)
	require.Equal(t, sw.ID(), back.ID())
	require.Equal(t, sw.Runs(), back.Runs())
	r0b, err := back.Do(0)
	require.NoError(t, err)
	require.Equal(t, r0, r0b)

	heads[0].Sweep = "ffffffffffffffff"
	_, err = FromHeader("part.jsonl", heads[0])
	require.ErrorContains(t, err, "the header says sweep ffffffffffffffff")
}

func TestReadLinesNamesTheLine(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"{\"kind\":\"run\"}\n{\"kind\":\"cat\"}", `part:2: not a sweep's line: kind "cat"`},
		{"\n{\"kind\":\"run\",\"index\":1,\"index\":2}", "part:2:25: index: repeats the key of line 2, column 15"},
		{"{\"kind\":\"run\",\"seed\":-1}", "part:1:22: seed: must be an integer from 0 to"},
		{"{\"kind\":\"run\",\"colour\":1}", "part:1:15: colour: unknown key"},
		{"[]", "part:1:1"},
	} {
		_, _, err := ReadLines("part", []byte(tc.in))
		require.ErrorContains(t, err, tc.err, tc.in)
	}
}

func TestSpecErrorsNameTheirPlace(t *testing.T) {
	good := func(edit func(m map[string]any)) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(churnSpec), &m))
		edit(m)
		b, _ := json.MarshalIndent(m, "", "  ")
		return string(b)
	}
	for _, tc := range []struct {
		name, text, err string
	}{
		{"no format", `{"name": "x"}`, `not a sweep spec: no "format" field`},
		{"newer", `{"format": 9}`, "spec.json:1:12: format: format 9 is newer than this build reads (1)"},
		{"repeated key", "{\"format\": 1,\n \"ticks\": 5,\n \"ticks\": 6}", "spec.json:3:2: ticks: repeats the key of line 2, column 2"},
		{"unknown key", `{"format": 1, "tics": 5}`, "spec.json:1:15: tics: unknown key"},
		{"two sources", good(func(m map[string]any) { m["scenario"] = map[string]any{"builtin": "standard", "file": "x.json"} }), "scenario: give exactly one of builtin, file and inline, got 2"},
		{"bad policy", good(func(m map[string]any) {
			m["variants"] = []any{map[string]any{"name": "a", "policy": "tightest"}}
		}), `variants[0].policy: unknown placement policy "tightest"`},
		{"variant seed", good(func(m map[string]any) {
			m["variants"] = []any{map[string]any{"name": "a", "seed": 4}}
		}), "variants[0].seed: a sweep's variants take their seeds from its seeds"},
		{"same name", good(func(m map[string]any) {
			m["variants"] = []any{map[string]any{"name": "a"}, map[string]any{"name": "A"}}
		}), `variants[1].name: "A" is the name of variants[0] too`},
		{"baseline", good(func(m map[string]any) { m["baseline"] = "worst-fit" }), `baseline: "worst-fit" is not a variant's name`},
		{"no seeds", good(func(m map[string]any) { m["seeds"] = map[string]any{"first": 1, "count": 0} }), "seeds.count: 1 to 10000 seeds, got 0"},
		{"figure", good(func(m map[string]any) { m["figures"] = []any{"availability", "uptime"} }), `figures[1]: unknown figure "uptime"`},
		{"figure twice", good(func(m map[string]any) { m["figures"] = []any{"availability", "availability"} }), `figures[1]: "availability" is listed twice`},
		{"monitor", good(func(m map[string]any) {
			m["variants"] = []any{map[string]any{"name": "a", "monitor": map[string]any{"suspectAfter": 9, "failAfter": 3}}}
		}), "spec.json:21:22: variants[0].monitor.failAfter: must be > suspectAfter (9), got 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("spec.json", []byte(tc.text))
			require.ErrorContains(t, err, tc.err)
		})
	}
}

// A variant that overrides what the scenario lacks is refused by New,
// naming it.
func TestVariantsMustFitTheScenario(t *testing.T) {
	text := strings.Replace(churnSpec, `"builtin": "workload-churn"`, `"builtin": "availability"`, 1)
	spec, err := Parse("spec.json", []byte(text))
	require.NoError(t, err)
	base, err := spec.Load("spec.json", []byte(text), nil)
	require.NoError(t, err)
	_, err = New(spec, base)
	require.ErrorContains(t, err, `variants[0] (first-fit): policy: scenario "availability" has no workloads to place`)
}

// An inline scenario's error is placed in the spec's text.
func TestInlineScenarioErrorsArePlacedInTheSpec(t *testing.T) {
	sc, err := scenario.Builtin("standard")
	require.NoError(t, err)
	body, err := scenario.Marshal(sc)
	require.NoError(t, err)
	bad := strings.Replace(string(body), `"seed":`, `"seed":-`, 1)
	text := "{\"format\": 1,\n \"scenario\": {\"inline\": " + bad + "},\n \"variants\": [{\"name\": \"a\"}], \"seeds\": {\"first\": 1, \"count\": 1}, \"ticks\": 10}"
	spec, err := Parse("spec.json", []byte(text))
	require.NoError(t, err)
	_, err = spec.Load("spec.json", []byte(text), nil)
	require.ErrorContains(t, err, "spec.json:2:")
	require.ErrorContains(t, err, "scenario.inline.seed")
}

// The intervals against values computed by hand, and t's quantile
// against its table's neighbour: the expansion takes over at df 31
// without a jump.
func TestInterval(t *testing.T) {
	iv := interval([]float64{1, 2, 3, 4})
	require.Equal(t, 4, iv.N)
	require.Equal(t, 2.5, iv.Mean)
	half := 3.1824463052837096 * math.Sqrt(5.0/3/4) // t(0.975, 3) · s/√n, s² = 5/3
	require.InDelta(t, 2.5-half, *iv.Low, 1e-12)
	require.InDelta(t, 2.5+half, *iv.High, 1e-12)

	one := interval([]float64{7})
	require.Equal(t, Interval{N: 1, Mean: 7}, one)
	require.Equal(t, Interval{}, interval(nil))

	// mpmath's values (the regularised incomplete beta function, 30 digits)
	require.InDelta(t, 2.0395134463964085, t975(31), 3e-8)
	require.InDelta(t, 1.9839715185235523, t975(100), 3e-8)
	require.InDelta(t, 1.9623390808264085, t975(1000), 3e-8)
	require.Less(t, t975(31), t975(30))
	for df := 31; df < 2000; df++ {
		require.Less(t, t975(df+1), t975(df), "t's quantile falls with df")
		require.Greater(t, t975(df), z975)
	}
}

// placement_failures is the workload manager's count after the bring-up,
// placement_failures_total its count from tick 0, measured_from_tick the
// tick the bring-up ended; the first two have no value for a scenario
// without workloads.
func TestPlacementFailuresFigure(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		builtin, variant string
		want             map[string]*float64
	}{
		// churn's first workloads come before any blade is working: 4
		// failures, all in the bring-up, which ends at tick 9.
		{"workload-churn", `{"name": "first-fit", "policy": "first-fit"}`, map[string]*float64{
			"measured_from_tick": f(9), "placement_failures": f(0), "placement_failures_total": f(4)}},
		{"availability", `{"name": "as is"}`, map[string]*float64{
			"measured_from_tick": f(2), "placement_failures": nil, "placement_failures_total": nil}},
	}
	for _, tt := range tests {
		t.Run(tt.builtin, func(t *testing.T) {
			sw := newSweep(t, `{"format": 1, "name": "pf", "scenario": {"builtin": "`+tt.builtin+`"},
  "variants": [`+tt.variant+`], "seeds": {"first": 1, "count": 1}, "ticks": 500,
  "figures": ["measured_from_tick", "placement_failures", "placement_failures_total"]}`)
			res := doAll(t, sw, []int{0})
			require.Equal(t, tt.want, res[0].Figures)
		})
	}
	for _, name := range []string{"measured_from_tick", "placement_failures", "placement_failures_total"} {
		require.Contains(t, Figures(), name)
		require.NotEmpty(t, FigureDoc(name))
	}
}

// Every figure says what it counts and which way is better, so the page
// can label its axis and tell a reader whether a difference helps.
func TestFiguresHaveUnitAndDirection(t *testing.T) {
	for _, f := range Figures() {
		require.NotEmpty(t, FigureDoc(f), f)
		require.NotEmpty(t, FigureUnit(f), f)
		require.Contains(t, []Better{Higher, Lower, Neither}, FigureBetter(f), f)
	}
	for _, tc := range []struct {
		name, unit string
		better     Better
	}{
		{"availability", "fraction", Higher},
		{"mttr_ticks", "ticks", Lower},
		{"instances_waiting_mean", "instances", Lower},
		{"faults_injected", "faults", Neither},
		{"gpu_allocation", "fraction", Higher},
		{"gpu_allocation_mean", "fraction", Higher},
		{"gpu_fragmentation_mean", "fraction", Lower},
		{"gpu_tasks_waiting_mean", "instances", Lower},
		{"no such figure", "", Neither},
	} {
		require.Equal(t, tc.unit, FigureUnit(tc.name), tc.name)
		require.Equal(t, tc.better, FigureBetter(tc.name), tc.name)
	}
}

// The GPU figures: listed by default for a scenario with GPUs, with a
// value in every run of the gpu-sharing built-in (fractions within 0..1,
// counts >= 0), and left out of the default list of a scenario without
// GPUs, so its sweeps report as before.
func TestGPUFigures(t *testing.T) {
	sw := newSweep(t, `{"format": 1, "scenario": {"builtin": "gpu-sharing"},
	  "variants": [{"name": "best-fit", "policy": "best-fit"}, {"name": "spread", "policy": "spread"}],
	  "seeds": {"first": 1, "count": 2}, "ticks": 600}`)
	var gpu []string
	for _, f := range Figures() {
		if strings.HasPrefix(f, "gpu_") {
			gpu = append(gpu, f)
		}
	}
	require.Len(t, gpu, 8)
	results := doAll(t, sw, []int{0, 1, 2, 3})
	for _, r := range results {
		for _, f := range gpu {
			v := r.Figures[f]
			require.NotNil(t, v, "%s: %s", r.Variant, f)
			require.False(t, math.IsNaN(*v) || *v < 0, "%s: %s = %v", r.Variant, f, *v)
			if FigureUnit(f) == "fraction" {
				require.LessOrEqual(t, *v, 1.0, "%s: %s", r.Variant, f)
			}
		}
	}
	sum, err := sw.Summarize(results)
	require.NoError(t, err)
	require.Subset(t, sum.Figures, gpu)
	require.Equal(t, 2, sum.Variants[1].VsBaseline["gpu_fragmentation_mean"].N)

	churn := newSweep(t, `{"format": 1, "scenario": {"builtin": "workload-churn"},
	  "variants": [{"name": "first-fit", "policy": "first-fit"}], "seeds": {"first": 1, "count": 1}, "ticks": 10}`)
	res := doAll(t, churn, []int{0})
	for f := range res[0].Figures {
		require.False(t, strings.HasPrefix(f, "gpu_"), f)
	}
}
