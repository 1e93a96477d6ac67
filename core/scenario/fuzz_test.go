package scenario

import (
	"testing"
)

// FuzzParse: a scenario file is outside input (an import, a link). Parse
// never panics, and what it accepts is valid and round-trips canonically.
func FuzzParse(f *testing.F) {
	for _, name := range Builtins() {
		s, err := Builtin(name)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := Marshal(s)
		f.Add(b)
	}
	f.Add([]byte(`{"format":1,"name":"x","inventory":{"generate":{"Regions":1,"ZonesPerRegion":1,"RacksPerZone":1,"BladesPerRack":1}},"seed":1,"tickMillis":1,"policy":"no_wait","delays":{"setPower":{"low":0,"high":0},"setConnection":{"low":0,"high":0},"booting":{"low":0,"high":0},"shutdown":{"low":0,"high":0}},"traceRetention":100,"commands":[{"at":0,"do":"power","target":"a","on":true}]}`))
	f.Add([]byte(`{"format":0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.json", data)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted an invalid scenario: %v", err)
		}
		b, err := Marshal(s)
		if err != nil {
			t.Fatalf("accepted a scenario it cannot write: %v", err)
		}
		back, err := Parse("again.json", b)
		if err != nil {
			t.Fatalf("its own output does not parse: %v\n%s", err, b)
		}
		again, _ := Marshal(back)
		if string(again) != string(b) {
			t.Fatalf("not canonical:\n%s\n%s", b, again)
		}
	})
}
