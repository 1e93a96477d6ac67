package hardware

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/env"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/stretchr/testify/require"
)

// Building the model of a large inventory yields about every 1,024
// elements, while it builds them and while it indexes them, and writes
// nothing meanwhile: a host with one thread draws frames there (an
// import of 50,000 blades built them for 47 ms natively without a frame).
func TestNewYieldsWhileItBuilds(t *testing.T) {
	def, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 10, BladesPerRack: 100})
	require.NoError(t, err)
	st := store.New()
	e := &env.Env{Queue: clock.NewQueue(), Trace: trace.New(0), Store: st, Views: views.NewTables(st)}
	yields := 0
	e.SetYield(func() {
		yields++
		require.Zero(t, st.Rev(), "nothing is written while the model is built")
	})
	m, err := New(def, e, DefaultDelays(), 1)
	require.NoError(t, err)
	// 20 racks of 1 PDU, 1 TOR and 100 blades: 103 elements each, 2,060 in
	// all, so two yields building them and two indexing them.
	require.Equal(t, 2060, len(m.racks)+len(m.pdus)+len(m.tors)+len(m.blades))
	require.Equal(t, 4, yields)
}
