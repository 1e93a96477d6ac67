//go:build !(js && wasm)

package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The default snapshot interval grows with the world's snapshot, so that
// running a large world snapshots no more bytes a tick than a small one;
// an interval the user chose is kept whatever the size.
func TestSnapshotIntervalFollowsTheWorldsSize(t *testing.T) {
	for _, c := range []struct {
		name          string
		racks, blades int // a generated zone (0: the built-in as it is)
		builtin       string
		atLeast       clock.Tick
		atMost        clock.Tick
	}{
		{"64 blades", 0, 0, "standard", DefaultSnapshotEvery, DefaultSnapshotEvery},
		{"1,000 blades", 0, 0, "thousand", DefaultSnapshotEvery, DefaultSnapshotEvery},
		{"10,000 blades", 100, 100, "thousand", 150, 400},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := scenario.Builtin(c.builtin)
			require.NoError(t, err)
			if c.racks > 0 {
				g := *sc.Inventory.Generate
				g.ZonesPerRegion, g.RacksPerZone, g.BladesPerRack = 1, c.racks, c.blades
				sc.Inventory.Generate = &g
			}
			ctl, err := NewController(sc)
			require.NoError(t, err)
			require.NotEmpty(t, ctl.Snapshots(), "the one at tick 0")
			every := ctl.SnapshotEvery()
			assert.GreaterOrEqual(t, every, c.atLeast)
			assert.LessOrEqual(t, every, c.atMost)
			require.NoError(t, ctl.TravelTo(every-1))
			require.Equal(t, 1, len(ctl.Snapshots()), "none before the interval")
			require.NoError(t, ctl.Step(1))
			require.Equal(t, 2, len(ctl.Snapshots()), "one at the interval")
			require.NoError(t, ctl.SetSnapshotEvery(7))
			assert.Equal(t, clock.Tick(7), ctl.SnapshotEvery(), "the user's choice")
		})
	}
}
