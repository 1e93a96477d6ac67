package sim

import (
	"crypto/sha256"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// TestScenarioIDHashesTheCanonicalJSON: the identity, hashed as the JSON
// is written (an inline inventory a rack at a time, yielding after each),
// is the SHA-256 of the canonical JSON made whole, as it always was: a
// snapshot saved before still names its run.
func TestScenarioIDHashesTheCanonicalJSON(t *testing.T) {
	def, err := inventory.Generate(inventory.GenSpec{Regions: 2, ZonesPerRegion: 2, RacksPerZone: 3, BladesPerRack: 5})
	require.NoError(t, err)
	inline := scenario.Defaults()
	inline.Inventory = scenario.Inventory{Definition: def}
	inline.Control = scenario.DefaultControl()
	inline.Commands = []scenario.Timed{{At: 2, Command: scenario.Command{Do: scenario.BringUp}}}
	inline.At, inline.Policy, inline.Rate = 9, clock.Measured, 5
	cases := []*scenario.Scenario{inline}
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		cases = append(cases, sc)
	}
	for _, sc := range cases {
		s := sc.Clone()
		s.Commands, s.At, s.Policy, s.Rate = nil, 0, clock.Manual, 0
		whole, err := scenario.Marshal(s)
		require.NoError(t, err)
		racks := 0
		id, err := scenarioID(sc, func() { racks++ })
		require.NoError(t, err)
		require.Equal(t, sha256.Sum256(whole), id, sc.Name)
		if sc == inline {
			require.Equal(t, 12, racks, "a yield a rack")
		}
	}
	w, err := New(inline, WithYield(1_000_000, func() {}))
	require.NoError(t, err)
	want, err := scenarioID(inline, nil)
	require.NoError(t, err)
	require.Equal(t, want, w.id)
}
