package sim

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/stretchr/testify/require"
)

// The counts a sample reads (blades per state, elements per health) are
// kept as things change; here they are checked against a pass over every
// blade and element, through every built-in story and a restore.
func TestKeptCountsEqualAPass(t *testing.T) {
	check := func(t *testing.T, w *World) {
		t.Helper()
		byState := make([]int64, len(hardware.BladeStates()))
		for b := range views.BladeID(w.hw.NumBlades()) {
			byState[w.hw.Blade(b).State]++
		}
		require.Equal(t, byState, w.ctl.Metrics.BladesByState(), "blades per state at t=%d", w.Now())
		for _, h := range views.Healths() {
			var n int64
			for e := range w.hw.Elements() {
				if w.ctl.Monitor.Observed(views.ElemID(e)).Health == h {
					n++
				}
			}
			require.Equal(t, n, w.ctl.Monitor.CountHealth(h), "%s elements at t=%d", h, w.Now())
		}
	}
	for _, name := range scenario.Builtins() {
		t.Run(name, func(t *testing.T) {
			sc, err := scenario.Builtin(name)
			require.NoError(t, err)
			w, err := New(sc)
			require.NoError(t, err)
			if w.ctl == nil {
				t.Skip("no control plane")
			}
			end := min(sc.At, 3000)
			if end < 500 {
				end = 500
			}
			for w.Now() < end {
				require.NoError(t, w.RunUntil(w.Now()+25))
				check(t, w)
			}
			r, err := Restore(sc, w.Snapshot())
			require.NoError(t, err)
			check(t, r)
		})
	}
}
