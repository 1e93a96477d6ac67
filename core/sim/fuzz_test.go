package sim

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
)

// FuzzRestore: a snapshot comes back from browser storage, where it can be
// damaged. Restore never panics; it accepts a snapshot or says why not.
func FuzzRestore(f *testing.F) {
	// A small inventory, parsed once, keeps each run fast enough to fuzz.
	sc := scenario.Default()
	def, err := scenario.BuiltinInventory("simple", scenario.InventoryVersion)
	if err != nil {
		f.Fatal(err)
	}
	sc.Inventory = scenario.Inventory{Definition: def}
	w, err := New(sc)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(w.Snapshot())
	w.Step(3)
	w.Apply(scenario.Command{Do: scenario.FaultBlade, Target: def.Regions[0].Name + "/" + def.Regions[0].Zones[0].Name + "/" + def.Regions[0].Zones[0].Racks[0].Name + "/blade/1"})
	f.Add(w.Snapshot())
	w.Step(10)
	f.Add(w.Snapshot())
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Restore(sc, data)
		if err != nil {
			return
		}
		// An accepted snapshot must give a world that runs on.
		if err := r.RunTo(r.Now() + 20); err != nil {
			t.Fatalf("restored world cannot run: %v", err)
		}
	})
}
