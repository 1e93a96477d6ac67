package sim

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/stretchr/testify/require"
)

// Construction is in two phases: build makes the hardware and the services
// and records nothing — no trace entry, no store record, no queued event —
// so that a restore is build plus the snapshot, with no flag telling the
// parts to hold back; start then begins a fresh run.
func TestBuildRecordsNothing(t *testing.T) {
	for _, name := range scenario.Builtins() {
		t.Run(name, func(t *testing.T) {
			sc, err := scenario.Builtin(name)
			require.NoError(t, err)
			var sunk int
			w, err := build(sc, []Option{WithTraceSink(func(*trace.Entry) { sunk++ })})
			require.NoError(t, err)
			require.Zero(t, w.env.Trace.Len(), "trace entries")
			require.Zero(t, sunk, "entries seen by a sink")
			require.Zero(t, w.env.Store.Rev(), "store writes")
			require.Zero(t, w.queue.Len(), "queued events")

			w.start()
			require.NotZero(t, w.env.Trace.Len(), "start traces the racks starting")
			require.NotZero(t, sunk)
			require.NotZero(t, w.env.Store.Rev(), "start puts the first records")
		})
	}
}
