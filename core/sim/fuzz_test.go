package sim

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/scenario"
)

// FuzzRestore: a snapshot comes back from browser storage, where it can be
// damaged (the checksum refuses that; this fuzzes what a checksum would
// pass). Restore never panics; it accepts a snapshot or says why not, and
// an accepted one runs on. The scenario is small (the original's simple
// inventory) but has every part a snapshot holds: workloads arriving and
// leaving, a random failure process, a flapping fault and a hard one.
// Fuzz it with minimisation off (`make fuzz` does), or each new input is
// minimised for a minute over the whole snapshot and the exec rate drops to
// nothing.
func FuzzRestore(f *testing.F) {
	sc, err := scenario.Builtin("workload-churn")
	if err != nil {
		f.Fatal(err)
	}
	def, err := scenario.BuiltinInventory("simple", scenario.InventoryVersion)
	if err != nil {
		f.Fatal(err)
	}
	sc.Inventory = scenario.Inventory{Definition: def}
	rack := def.Regions[0].Name + "/" + def.Regions[0].Zones[0].Name + "/" + def.Regions[0].Zones[0].Racks[0].Name
	sc.Control.Processes = []faults.Process{{Name: "wear", Kind: faults.BladeFault, MTBF: 200, MTTR: 30}}
	sc.Script = []scenario.Timed{
		{At: 20, Command: inject(faults.Spec{Kind: faults.TORStuck, Target: rack + "/tor/0", Flap: &faults.Flap{On: 5, Off: 9}})},
		{At: 30, Command: inject(faults.Spec{Kind: faults.CableFault, Target: rack + "/pdu/0", Port: 1})},
	}
	w, err := New(sc)
	if err != nil {
		f.Fatal(err)
	}
	for _, at := range []clock.Tick{0, 25, 60, 200} {
		if err := w.RunTo(at); err != nil {
			f.Fatal(err)
		}
		snap := w.Snapshot()
		f.Add(snap[:len(snap)-4]) // the body: the fuzzer's changes are sealed again, to reach the checks of content
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Restore(sc, seal(data))
		if err != nil {
			return
		}
		// An accepted snapshot must give a world that runs on.
		if err := r.RunTo(r.Now() + 20); err != nil {
			t.Fatalf("restored world cannot run: %v", err)
		}
	})
}
