package link

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/scenario"
)

// FuzzDecode: a link is outside input. Decode never panics, and what it
// accepts re-encodes to a link that decodes to the same scenario.
func FuzzDecode(f *testing.F) {
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		if err != nil {
			f.Fatal(err)
		}
		l, _ := Encode(sc, 1)
		f.Add(l)
	}
	f.Add("#s1.")
	f.Add("#s2.x")
	f.Add("#s3.x")
	f.Add("#s4.x")
	f.Add("s1.AAAA")
	f.Fuzz(func(t *testing.T, l string) {
		d, err := Decode(l, 1)
		if err != nil {
			return
		}
		again, err := Encode(d.Scenario, d.Engine)
		if err != nil {
			t.Fatalf("accepted a scenario it cannot encode: %v", err)
		}
		d2, err := Decode(again, 1)
		if err != nil {
			t.Fatalf("its own link does not decode: %v", err)
		}
		a, _ := scenario.Marshal(d.Scenario)
		b, _ := scenario.Marshal(d2.Scenario)
		if string(a) != string(b) {
			t.Fatalf("not the same scenario:\n%s\n%s", a, b)
		}
		if d.Sweep != nil {
			l, err := EncodeSweep(d.Sweep, d.Scenario, d.Engine)
			if err != nil {
				t.Fatalf("accepted a sweep it cannot encode: %v", err)
			}
			if d3, err := Decode(l, 1); err != nil || d3.Sweep == nil || d3.Sweep.Seeds != d.Sweep.Seeds {
				t.Fatalf("its own sweep link does not decode to the same sweep: %v", err)
			}
		}
	})
}
