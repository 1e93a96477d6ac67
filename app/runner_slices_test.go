//go:build !(js && wasm)

package app

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A tick larger than a frame's budget is run in slices across frames
// (the bring-up of 1,000 blades, with a page clock that moves a
// millisecond each time it is read, so nearly every yield of the world
// ends the frame): frames end in the middle of a tick, and the run is the
// same, to the trace hash, as the world run in one piece; a command given
// while a tick is half done applies once it is complete, at that tick,
// as if it had been given between two frames.
func TestRunnerSlicesLargeTicks(t *testing.T) {
	for _, c := range []struct {
		name string
		mode func(c *Controller, ms float64) error
	}{
		{"run at 100 ticks/s", func(c *Controller, ms float64) error { return c.Run(100, ms) }},
		{"fastest", func(c *Controller, ms float64) error { return c.Fastest() }},
		{"run to a tick", func(c *Controller, ms float64) error { return c.RunTo(40) }},
		{"step n", func(c *Controller, ms float64) error { return c.Step(400) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			sc, err := scenario.Builtin("thousand")
			require.NoError(t, err)
			ctl, err := NewController(sc)
			require.NoError(t, err)
			ms := 0.0
			clk := func() float64 { ms++; return ms }
			require.NoError(t, c.mode(ctl, ms))
			midTick, frames := 0, 0
			var cmdAt clock.Tick = -1
			fault := scenario.Command{Do: scenario.Inject, Fault: &faults.Spec{Kind: faults.BladeFault, Target: ctl.World().Hardware().Blade(7).Path}}
			for ctl.World().Now() < 30 && frames < 100_000 {
				ms += 16
				ctl.Frame(ms, 2, clk)
				frames++
				if ctl.Working() {
					midTick++
					if midTick == 3 { // the user's command lands in the middle of a tick
						require.NoError(t, ctl.Apply(fault))
						assert.False(t, ctl.Working(), "the tick was completed first")
						cmdAt = ctl.World().Now()
					}
				}
			}
			ctl.Pause()
			require.Greater(t, midTick, 3, "frames ended in the middle of a tick")
			require.GreaterOrEqual(t, cmdAt, clock.Tick(0))
			require.Empty(t, ctl.Err())

			plain, err := sim.New(sc)
			require.NoError(t, err)
			require.NoError(t, plain.RunTo(cmdAt))
			_, err = plain.Apply(fault)
			require.NoError(t, err)
			require.NoError(t, plain.RunTo(ctl.World().Now()))
			assert.Equal(t, plain.Status().Hash, ctl.World().Status().Hash)
			assert.Equal(t, plain.Status().Dispatched, ctl.World().Status().Dispatched)
		})
	}
}
