package inventory

import (
	"runtime"
	"testing"
)

func benchmarkParse(b *testing.B, name string) {
	data := readOriginal(b, name)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(name, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseStandard(b *testing.B) { benchmarkParse(b, "standard.yaml") }
func BenchmarkParseExtended(b *testing.B) { benchmarkParse(b, "extended.yaml") }

var spec50k = GenSpec{Regions: 2, ZonesPerRegion: 5, RacksPerZone: 50, BladesPerRack: 100}

// BenchmarkGenerate50k reports what a generated blade costs, everything
// included (its rack, PDU and TOR ports, names): bytes allocated per blade
// (B/blade) and bytes still live once the definition is built (live-B/blade).
func BenchmarkGenerate50k(b *testing.B) {
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		if _, err := Generate(spec50k); err != nil {
			b.Fatal(err)
		}
		n++
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/50_000, "B/blade")

	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := Generate(spec50k)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/50_000, "live-B/blade")
	runtime.KeepAlive(d)
}

func BenchmarkMarshalYAML50k(b *testing.B) {
	d, err := Generate(spec50k)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		y, err := MarshalYAML(d)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(y)))
	}
}

func BenchmarkParse50k(b *testing.B) {
	d, err := Generate(spec50k)
	if err != nil {
		b.Fatal(err)
	}
	y, err := MarshalYAML(d)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(y)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("gen.yaml", y); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReconcileExtended(b *testing.B) {
	old, new := loadOriginal(b, "extended.yaml"), loadOriginal(b, "extended.yaml")
	new.Regions[1].Zones[2].Racks[3].Blades[7].Capacity.Cores++
	b.ReportAllocs()
	for b.Loop() {
		if len(Reconcile(old, new)) != 1 {
			b.Fatal("want one change")
		}
	}
}
