package scenario

import (
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// BenchmarkStrictDecode measures what reading a scenario strictly costs
// over plain encoding/json (the strict/plain metric is the ratio of their
// times, both measured in the same loop, each from a collected heap): on the
// largest built-in scenario and on one whose inline inventory has 10,000
// blades.
func BenchmarkStrictDecode(b *testing.B) {
	largest, size := "", 0
	for _, name := range Builtins() {
		s, err := Builtin(name)
		if err != nil {
			b.Fatal(err)
		}
		if data, _ := MarshalIndent(s); len(data) > size {
			largest, size = name, len(data)
		}
	}
	builtin, _ := Builtin(largest)
	big := Defaults()
	def, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 100, BladesPerRack: 100, PDUsPerRack: 1, TORsPerRack: 1})
	if err != nil {
		b.Fatal(err)
	}
	big.Inventory = Inventory{Definition: def}
	for _, c := range []struct {
		name string
		sc   *Scenario
	}{{"builtin-" + largest, builtin}, {"inline-10k-blades", big}} {
		data, err := MarshalIndent(c.sc)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var strict, plain time.Duration
			for b.Loop() {
				runtime.GC() // each side starts from the same clean heap
				t0 := time.Now()
				var s Scenario
				if err := strictjson.Decode("b.json", data, &s); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				runtime.GC()
				t2 := time.Now()
				var p Scenario
				if err := json.Unmarshal(data, &p); err != nil {
					b.Fatal(err)
				}
				strict += t1.Sub(t0)
				plain += time.Since(t2)
			}
			b.ReportMetric(float64(strict)/float64(plain), "strict/plain")
			b.ReportMetric(float64(strict.Microseconds())/float64(b.N), "strict-µs/op")
			b.ReportMetric(float64(plain.Microseconds())/float64(b.N), "plain-µs/op")
		})
	}
}
