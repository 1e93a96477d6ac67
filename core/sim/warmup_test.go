package sim

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
)

// The figures that add up over time count from the end of the bring-up,
// the first tick at which every enabled blade has been working: before it
// they have no value (and placement failures only a total), after it they
// leave out the boot time and the failures of workloads that came before
// any blade. blade-failure: 64 blades up by tick 9, 16 placement failures
// at tick 0, one blade fault after the bring-up.
func TestFiguresAfterBringUp(t *testing.T) {
	sc, err := scenario.Builtin("blade-failure")
	require.NoError(t, err)
	w, err := New(sc)
	require.NoError(t, err)
	ptr := func(v int64) *int64 { return &v }

	require.NoError(t, w.RunTo(5))
	f := w.Figures()
	require.Nil(t, f.MeasuredFrom, "blades still booting at tick 5")
	require.Nil(t, f.Availability)
	require.Nil(t, f.MTBFTicks)
	require.Nil(t, f.PlacementFailures)
	require.Equal(t, ptr(16), f.PlacementFailuresTotal)
	at5 := w.Snapshot()

	require.NoError(t, w.RunTo(1000))
	f = w.Figures()
	require.Equal(t, clock.Tick(9), *f.MeasuredFrom)
	up, exposure, ok := w.Control().Metrics.UpTicksAfterWarmUp()
	require.True(t, ok)
	require.Equal(t, [2]int64{63138, 63424}, [2]int64{up, exposure}, "64 blades × 991 ticks, one down for 286")
	require.Equal(t, 995490.0/1e6, *f.Availability, "63,138 of 63,424, in parts per million")
	require.Equal(t, 63138.0, *f.MTBFTicks, "one blade fault")
	require.Equal(t, 280.0, *f.MTTRTicks)
	require.Equal(t, ptr(0), f.PlacementFailures, "every placement failure was in the bring-up")
	require.Equal(t, ptr(16), f.PlacementFailuresTotal)
	ppm, _ := w.Control().Metrics.Availability()
	require.Equal(t, int64(987937), ppm, "from tick 0, the bring-up included: 63,228 of 64,000 blade-ticks")

	// Restored during the bring-up (which blades have been working is in
	// the snapshot) or after it, the run ends with the same figures.
	for _, at := range []clock.Tick{5, 500} {
		snap := at5
		if at == 500 {
			x, err := New(sc)
			require.NoError(t, err)
			require.NoError(t, x.RunTo(500))
			snap = x.Snapshot()
		}
		back, err := Restore(sc, snap)
		require.NoError(t, err)
		require.NoError(t, back.RunTo(1000))
		require.Equal(t, w.Status().Hash, back.Status().Hash)
		require.Equal(t, f, back.Figures(), "restored at tick %d", at)
	}
}
