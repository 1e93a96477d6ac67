package compare

import (
	"bytes"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/stretchr/testify/require"
)

func churn(t *testing.T) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	return sc
}

func policies(names ...string) []variant.Variant {
	var vs []variant.Variant
	for _, n := range names {
		vs = append(vs, variant.Variant{Name: n, Policy: n})
	}
	return vs
}

// alone runs a variant by itself to tick t and returns its simulation
// entries: the brute-force model a comparison is checked against.
func alone(t *testing.T, base *scenario.Scenario, v variant.Variant, to clock.Tick, cmd *scenario.Timed) []trace.Entry {
	t.Helper()
	sc, err := v.Apply(base)
	require.NoError(t, err)
	var got []trace.Entry
	w, err := sim.New(sc, sim.WithTraceSink(func(e *trace.Entry) {
		if !e.Infra {
			got = append(got, *e)
		}
	}))
	require.NoError(t, err)
	require.NoError(t, w.SetPolicy(clock.NoWait, 0, -1))
	if cmd != nil {
		require.NoError(t, w.RunUntil(cmd.At))
		_, err := w.Apply(cmd.Command)
		require.NoError(t, err)
	}
	require.NoError(t, w.RunUntil(to))
	return got
}

func canonical(e *trace.Entry) []byte { return trace.AppendCanonical(nil, e) }

// The divergence a comparison reports is the first entry where the
// variants' own runs, made separately, differ; up to it, every world's
// hash prefix is the same.
func TestDivergenceIsTheFirstDifferentEntry(t *testing.T) {
	base := churn(t)
	vs := policies("first-fit", "spread", "best-fit")
	r, err := New(base, vs)
	require.NoError(t, err)
	require.NoError(t, r.SetPolicy(clock.NoWait, 0, -1))
	for tick := clock.Tick(100); tick <= 3000; tick += 100 { // many small advances, as a page's frames
		require.NoError(t, r.RunUntil(tick))
		for _, w := range r.Worlds() {
			require.Equal(t, tick, w.Now())
		}
	}
	d := r.Divergence()
	require.NotNil(t, d, "first-fit and spread place differently")

	runs := make([][]trace.Entry, len(vs))
	for i, v := range vs {
		runs[i] = alone(t, base, v, 3000, nil)
	}
	k := 0
	for ; ; k++ {
		same := true
		for i := 1; i < len(runs); i++ {
			if k >= len(runs[i]) || k >= len(runs[0]) || !bytes.Equal(canonical(&runs[0][k]), canonical(&runs[i][k])) {
				same = false
			}
		}
		if !same {
			break
		}
	}
	require.Equal(t, uint64(k), d.Index)
	for i := range vs {
		require.False(t, d.Missing[i])
		require.Equal(t, canonical(&runs[i][k]), canonical(&d.Entries[i]), vs[i].Name)
	}
	require.NotEqual(t, canonical(&d.Entries[0]), canonical(&d.Entries[1]))
	t.Logf("diverge at entry %d, t=%d: %s / %s", d.Index, d.Tick, d.Entries[0].Name.String(), d.Entries[1].Name.String())
}

// Two variants with the same settings never diverge, whatever is done to
// them, and a command reaches both at the same tick.
func TestTheSameSettingsNeverDiverge(t *testing.T) {
	base := churn(t)
	vs := []variant.Variant{{Name: "a", Policy: "spread"}, {Name: "b", Policy: "spread"}}
	r, err := New(base, vs)
	require.NoError(t, err)
	require.NoError(t, r.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, r.RunUntil(500))
	blade := "standard/standard/rack1/blade/1"
	out, err := r.Apply(scenario.Command{Do: scenario.FaultBlade, Target: blade})
	require.NoError(t, err)
	require.Len(t, out, 2)
	require.NoError(t, out[0].Err)
	require.Equal(t, out[0].Reply, out[1].Reply)
	require.NoError(t, r.Step(2500))
	require.Nil(t, r.Divergence())
	require.Equal(t, r.Worlds()[0].Status().Hash, r.Worlds()[1].Status().Hash)
	for _, w := range r.Worlds() {
		require.Equal(t, []scenario.Timed{{At: 500, Command: scenario.Command{Do: scenario.FaultBlade, Target: blade}}}, w.Commands())
	}

	// A command no variant takes is an error, and changes nothing.
	_, err = r.Apply(scenario.Command{Do: scenario.FaultBlade, Target: "region9/nowhere"})
	require.Error(t, err)
}

// A variant that decides something the others do not (at the same tick,
// with nothing open) diverges with the others missing.
func TestAnEntryOnlyOneHasIsADivergence(t *testing.T) {
	w := newWatch(2)
	e := func(tick clock.Tick, text string) *trace.Entry {
		return &trace.Entry{ID: 1, Name: trace.Text(text), Start: tick, End: tick}
	}
	w.sink(0)(e(5, "a"))
	w.sink(1)(e(5, "a"))
	w.sink(0)(e(7, "only here"))
	w.match(false)
	require.Nil(t, w.div, "world 1 may not have run yet")
	w.match(true)
	require.NotNil(t, w.div)
	require.Equal(t, uint64(1), w.div.Index)
	require.Equal(t, []bool{false, true}, w.div.Missing)
	require.Equal(t, clock.Tick(7), w.div.Tick)
}

func TestNewRefuses(t *testing.T) {
	base := churn(t)
	_, err := New(base, policies("spread"))
	require.ErrorContains(t, err, "compare: 2 to 4 variants, got 1")
	_, err = New(base, policies("spread", "spread"))
	require.ErrorContains(t, err, `variants[1].name: "spread" is the name of variants[0] too`)
	hw, err := scenario.Builtin("availability")
	require.NoError(t, err)
	_, err = New(hw, policies("spread", "first-fit"))
	require.ErrorContains(t, err, `variants[0] (spread): policy: scenario "availability" has no workloads to place`)
}

// One long advance (a travel's replay) finds the same divergence as many
// small ones, and holds the entries of a slice of ticks, not of the whole
// advance: before slicing, the first world's every entry waited for the
// second world to run.
func TestALongAdvanceHoldsASlice(t *testing.T) {
	base := churn(t)
	const to = 40000
	total := len(alone(t, base, variant.Variant{Name: "a", Policy: "spread"}, to, nil))

	same, err := New(base, []variant.Variant{{Name: "a", Policy: "spread"}, {Name: "b", Policy: "spread"}})
	require.NoError(t, err)
	require.NoError(t, same.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, same.RunUntil(to))
	require.Nil(t, same.Divergence())
	require.Equal(t, same.Worlds()[0].Status().Hash, same.Worlds()[1].Status().Hash)
	t.Logf("%d entries in %d ticks; at most %d held", total, to, same.watch.peak)
	require.Less(t, same.watch.peak*10, total, "held entries grow with the advance")

	// Step, sliced the same way.
	stepped, err := New(base, []variant.Variant{{Name: "a", Policy: "spread"}, {Name: "b", Policy: "spread"}})
	require.NoError(t, err)
	require.NoError(t, stepped.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, stepped.Step(to))
	require.Equal(t, clock.Tick(to), stepped.Now())
	require.Equal(t, same.Worlds()[0].Status().Hash, stepped.Worlds()[0].Status().Hash)

	vs := policies("first-fit", "spread", "best-fit")
	long, err := New(base, vs)
	require.NoError(t, err)
	require.NoError(t, long.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, long.RunUntil(3000))
	small, err := New(base, vs)
	require.NoError(t, err)
	require.NoError(t, small.SetPolicy(clock.NoWait, 0, -1))
	for tick := clock.Tick(7); tick <= 3000; tick += 7 {
		require.NoError(t, small.RunUntil(min(tick, 3000)))
	}
	require.NoError(t, small.RunUntil(3000))
	require.NotNil(t, long.Divergence())
	require.Equal(t, small.Divergence().Index, long.Divergence().Index)
	require.Equal(t, small.Divergence().Missing, long.Divergence().Missing)
	for i := range vs {
		require.Equal(t, canonical(&small.Divergence().Entries[i]), canonical(&long.Divergence().Entries[i]))
		require.Equal(t, small.Worlds()[i].Status().Hash, long.Worlds()[i].Status().Hash)
	}
}
