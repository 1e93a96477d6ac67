package metrics

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/stretchr/testify/require"
)

// Every figure's arithmetic holds at the longest run and the largest
// cloud: ten million blades (the inventory's blade index bound) for
// clock.MaxTick ticks. Availability multiplied blade-ticks by a million in
// int64 and wrapped (−0.048576 at 2^40 ticks on 256 blades).
func TestAvailabilityAtTheLongestRunOnTheLargestCloud(t *testing.T) {
	const blades = 10_000_000
	for _, tc := range []struct {
		up   int64
		want int64
	}{{blades, 1_000_000}, {blades / 2, 500_000}, {blades - 1, 999_999}, {0, 0}} {
		env := &env.Env{}
		m := &Metrics{env: env, nUp: tc.up, nEnabled: blades}
		env.Now = clock.MaxTick
		ppm, ok := m.Availability()
		require.True(t, ok)
		require.Equal(t, tc.want, ppm, "%d of %d blades up", tc.up, blades)
		up, exposure := m.UpTicks()
		require.Equal(t, int64(blades)*int64(clock.MaxTick), exposure)
		require.Equal(t, tc.up*int64(clock.MaxTick), up)
	}
}
