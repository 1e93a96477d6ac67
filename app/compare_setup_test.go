package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/stretchr/testify/require"
)

func churn(t *testing.T) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	return sc
}

// A draft's fields become the variant's overrides: blank keeps the
// scenario's, a monitor or repair field overrides the whole object with
// the scenario's other fields, and bad input is refused naming the field.
func TestCompareDraftBuild(t *testing.T) {
	base := churn(t)
	mon, rep := base.Control.Monitor, base.Control.Repair
	seven := uint64(7)
	tests := []struct {
		name  string
		draft compareDraft
		want  func(v variant.Variant) variant.Variant // from the plain variant
		err   string
	}{
		{"blank keeps the scenario's", compareDraft{}, func(v variant.Variant) variant.Variant { return v }, ""},
		{"seed", compareDraft{seed: " 7 "}, func(v variant.Variant) variant.Variant { v.Seed = &seven; return v }, ""},
		{"seed not a number", compareDraft{seed: "seven"}, nil, `seed: "seven" is not a whole number`},
		{"negative seed", compareDraft{seed: "-1"}, nil, `seed: "-1" is not a whole number`},
		{"monitor, one field", compareDraft{failAfter: "30"}, func(v variant.Variant) variant.Variant {
			v.Monitor = &monitor.Settings{SuspectAfter: mon.SuspectAfter, FailAfter: 30}
			return v
		}, ""},
		{"monitor out of order", compareDraft{suspectAfter: "20", failAfter: "10"}, nil, "monitor.failAfter must be > suspectAfter (20), got 10"},
		{"monitor not a number", compareDraft{suspectAfter: "soon"}, nil, `monitor.suspectAfter: "soon" is not a whole number of ticks`},
		{"repair", compareDraft{techLow: "60", burnIn: "0"}, func(v variant.Variant) variant.Variant {
			v.Repair = &repair.Settings{Technician: clock.Range{Low: 60, High: rep.Technician.High}, BurnIn: 0}
			return v
		}, ""},
		{"repair range upside down", compareDraft{techLow: "500", techHigh: "100"}, nil, "repair.technician.high must be >= low (500), got 100"},
		{"no rules", compareDraft{rules: rulesNone}, func(v variant.Variant) variant.Variant { v.Rules = emptyRules(); return v }, ""},
		{"rules, bad JSON", compareDraft{rules: rulesCustom, rulesText: "{\n  \"rules\": [}\n"}, nil, "rules:2:"},
		{"rules, blank", compareDraft{rules: rulesCustom}, nil, "rules: the rule set is blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.draft
			d.v = variant.Variant{Name: "v", Policy: "spread"}
			got, err := d.build(base)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want(variant.Variant{Name: "v", Policy: "spread"}), got)
			again := draftOf(got)
			back, err := again.build(base)
			require.NoError(t, err)
			require.Equal(t, got, back, "a running comparison's variant reads back into the same draft")
		})
	}
}

// A scenario without a control plane takes a seed but no settings.
func TestCompareDraftWithoutControl(t *testing.T) {
	sc, err := scenario.Builtin("standard")
	require.NoError(t, err)
	if sc.Control != nil {
		sc.Control = nil
	}
	d := compareDraft{v: variant.Variant{Name: "v"}, seed: "3"}
	_, err = d.build(sc)
	require.NoError(t, err)
	d.failAfter = "30"
	_, err = d.build(sc)
	require.ErrorContains(t, err, "has no control plane")
}

// The first bad draft is refused naming the variant by place and name.
func TestCompareBuildVariantsNamesTheVariant(t *testing.T) {
	drafts := []compareDraft{{v: variant.Variant{Name: "a", Policy: "first-fit"}}, {v: variant.Variant{Name: "b", Policy: "first-fit"}, seed: "x"}}
	_, err := buildVariants(drafts, churn(t))
	require.ErrorContains(t, err, `variant 2 (b): seed: "x"`)
}

// The same policy with another seed, or another monitor, runs
// differently; the columns say what each variant overrides.
func TestCompareVariantsBeyondPolicy(t *testing.T) {
	base := churn(t)
	drafts := []compareDraft{
		{v: variant.Variant{Name: "as is", Policy: "first-fit"}},
		{v: variant.Variant{Name: "seed 8", Policy: "first-fit"}, seed: "8"},
		{v: variant.Variant{Name: "slow monitor", Policy: "first-fit"}, suspectAfter: "30", failAfter: "60"},
		{v: variant.Variant{Name: "no rules", Policy: "first-fit"}, rules: rulesNone},
	}
	vs, err := buildVariants(drafts, base)
	require.NoError(t, err)
	c, err := NewCompare(base, vs)
	require.NoError(t, err)
	require.NoError(t, c.RunTo(1500))
	cols := c.Columns()
	for _, col := range cols[1:] {
		require.NotEqual(t, cols[0].Hash, col.Hash, col.Name)
	}
	require.Empty(t, cols[0].Overrides)
	require.Equal(t, []string{"seed 8"}, cols[1].Overrides)
	require.Equal(t, []string{"monitor: suspect after 30 ticks of silence, unavailable after 60"}, cols[2].Overrides)
	require.Equal(t, []string{"rules: none (nothing acts on a broken element)"}, cols[3].Overrides)

	l, err := c.Link()
	require.NoError(t, err)
	o, at, err := OpenCompareLink(l)
	require.NoError(t, err)
	require.NoError(t, o.RunTo(at))
	require.Equal(t, hashes(c), hashes(o), "the overrides travel in the link")
}
