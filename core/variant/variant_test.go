package variant

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

func TestApplyOverridesOnlyWhatItNames(t *testing.T) {
	base, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	before, _ := scenario.Marshal(base)

	seed := uint64(77)
	mon := monitor.Settings{SuspectAfter: 20, FailAfter: 40}
	rep := repair.Settings{Technician: clock.Range{Low: 5, High: 9}, BurnIn: 1}
	v := Variant{Name: "all", Policy: "SPREAD", Monitor: &mon, Repair: &rep, Seed: &seed, Rules: repair.DefaultRules()}
	got, err := v.Apply(base)
	require.NoError(t, err)
	require.Equal(t, "spread", got.Control.Workloads.Policy, "the policy's own spelling")
	require.Equal(t, mon, got.Control.Monitor)
	require.Equal(t, rep, got.Control.Repair)
	require.Equal(t, uint64(77), got.Seed)
	require.NotNil(t, got.Control.Rules)

	after, _ := scenario.Marshal(base)
	require.Equal(t, string(before), string(after), "the base scenario is not changed")

	none, err := (&Variant{Name: "as is"}).Apply(base)
	require.NoError(t, err)
	same, _ := scenario.Marshal(none)
	require.Equal(t, string(before), string(same))
}

func TestApplyRefusesWhatTheScenarioLacks(t *testing.T) {
	hw, err := scenario.Builtin("availability") // a control plane, no workloads
	require.NoError(t, err)
	_, err = (&Variant{Name: "p", Policy: "spread"}).Apply(hw)
	require.ErrorContains(t, err, `policy: scenario "availability" has no workloads to place`)

	bare := scenario.Defaults() // no control plane
	bare.Name = "bare"
	mon := monitor.DefaultSettings()
	_, err = (&Variant{Name: "m", Monitor: &mon}).Apply(bare)
	require.ErrorContains(t, err, `monitor: scenario "bare" has no control plane to set it in`)
}

func TestValidate(t *testing.T) {
	bad := monitor.Settings{SuspectAfter: 0, FailAfter: 3}
	for _, tc := range []struct {
		v   Variant
		err string
	}{
		{Variant{Name: " "}, "name: a variant needs a name"},
		{Variant{Name: string(make([]byte, NameMax+1))}, "name: at most 64 bytes"},
		{Variant{Name: "x", Policy: "worst-fit"}, `policy: unknown placement policy "worst-fit" (want one of first-fit, best-fit, spread, random, dot-product, gpu-clustering, gpu-packing, gpu-best-fit, fgd, or custom with custom expressions)`},
		{Variant{Name: "x", Monitor: &bad}, "monitor.suspectAfter must be >= 1, got 0"},
	} {
		require.ErrorContains(t, tc.v.Validate(), tc.err)
	}
	require.ErrorContains(t, CheckNames([]Variant{{Name: "a"}, {Name: "b"}, {Name: "B"}}), `variants[2].name: "B" is the name of variants[1] too`)
	require.NoError(t, CheckNames([]Variant{{Name: "a"}, {Name: "b"}}))
}
