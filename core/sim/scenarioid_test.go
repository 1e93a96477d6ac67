package sim

import (
	"bytes"
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
		id, err := scenarioID(sc, func() { racks++ }, nil)
		require.NoError(t, err)
		require.Equal(t, sha256.Sum256(whole), id, sc.Name)
		if sc == inline {
			require.Equal(t, 12, racks, "a yield a rack")
		}
	}
	w, err := New(inline, WithYield(1_000_000, func() {}))
	require.NoError(t, err)
	want, err := scenarioID(inline, nil, nil)
	require.NoError(t, err)
	require.Equal(t, want, w.id)
}

// TestScenarioIDFromKeptJSON: hashed from the inline inventory's JSON an
// Encoder keeps (WithKeptJSON, an import's), the identity is the one
// hashed from the inventory encoded anew; an Encoder holding another
// definition is not used.
func TestScenarioIDFromKeptJSON(t *testing.T) {
	def, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 4, BladesPerRack: 40})
	require.NoError(t, err)
	inline := scenario.ForInventory("kept", def)
	inline.Commands = []scenario.Timed{{At: 2, Command: scenario.Command{Do: scenario.BringUp}}}
	inline.At = 3
	want, err := scenarioID(inline, nil, nil)
	require.NoError(t, err)

	var enc scenario.Encoder
	require.NoError(t, enc.Keep(def, nil))
	paced := 0
	got, err := scenarioID(inline, func() { paced++ }, &enc)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Positive(t, paced, "the kept bytes are hashed with yields between")

	w, err := New(inline, WithKeptJSON(&enc), WithYield(1024, func() {}))
	require.NoError(t, err)
	require.Equal(t, want, w.id)
	require.Nil(t, w.kept, "the world keeps no reference to the encoder")

	other, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 2})
	require.NoError(t, err)
	var elsewhere scenario.Encoder
	require.NoError(t, elsewhere.Keep(other, nil))
	got, err = scenarioID(inline, nil, &elsewhere)
	require.NoError(t, err)
	require.Equal(t, want, got, "an encoder of another definition is not used")
}

// TestPacedWriter: the bytes go through unchanged, whatever the pieces,
// with a call of each after every idPaceBytes of them.
func TestPacedWriter(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), (5*idPaceBytes)/16+7)
	var out bytes.Buffer
	calls := 0
	p := &pacedWriter{w: &out, each: func() { calls++ }}
	for rest, i := data, 1; len(rest) > 0; i++ {
		n := min(len(rest), i*3001)
		k, err := p.Write(rest[:n])
		require.NoError(t, err)
		require.Equal(t, n, k)
		rest = rest[n:]
	}
	require.Equal(t, data, out.Bytes())
	require.Equal(t, len(data)/idPaceBytes, calls)
}
