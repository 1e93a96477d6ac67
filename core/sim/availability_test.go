//go:build !race && !js

// This test runs a million failure-and-repair cycles; the Makefile runs it
// natively without the race detector (where it would take minutes), and
// the race and Node runs leave it out.

package sim

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The measured unavailability (enabled-blade time not working) is within
// ±1 % (relative) of MTTR / (MTBF + MTTR) of the configured process, over
// several seeds. The built-in availability scenario's process and rules,
// on more blades and with ten times the MTBF and MTTR, so that the
// control plane's own few ticks per repair (detection, boot) weigh 0.03 %
// and about 250,000 cycles per seed keep the sampling error near 0.3 %.
func TestMeasuredAvailabilityMatchesExpected(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		sc, err := scenario.Builtin("availability")
		require.NoError(t, err)
		sc.Seed = seed
		sc.Inventory = scenario.Inventory{Generate: &inventory.GenSpec{Regions: 1, ZonesPerRegion: 4, RacksPerZone: 16, BladesPerRack: 16}}
		p := &sc.Control.Processes[0]
		p.MTBF, p.MTTR = 180_000, 20_000
		sc.Control.SampleEvery = 0
		w, err := New(sc)
		require.NoError(t, err)
		const warm = clock.Tick(200_000) // past the start-up and the first failures
		require.NoError(t, w.RunUntil(warm))
		up0, exp0 := w.Control().Metrics.UpTicks()
		require.NoError(t, w.RunUntil(warm+50_000_000))
		up1, exp1 := w.Control().Metrics.UpTicks()
		measured := 1 - float64(up1-up0)/float64(exp1-exp0)
		expected := float64(p.MTTR) / float64(p.MTBF+p.MTTR)
		cycles := w.Control().Faults.Stats().Repaired
		t.Logf("seed %d: unavailability %.5f, expected %.5f (%+.2f %%), %d repairs", seed, measured, expected, 100*(measured/expected-1), cycles)
		assert.InEpsilon(t, expected, measured, 0.01, "seed %d", seed)
		assert.Greater(t, cycles, int64(200_000))
	}
}
