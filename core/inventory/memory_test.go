package inventory

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Parse's memory is measured by what it allocates (runtime.MemStats'
// TotalAlloc): the heap cannot grow more than that while it runs, whatever
// the garbage collector does, and the count is the same on every run and
// under wasm. No test here is timed.

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// budget is the README's promise for a file of size bytes: 20 bytes of heap
// per byte, plus 1 MiB.
func budget(size int) uint64 { return 20*uint64(size) + 1<<20 }

func TestParseOfAGeneratedInventoryStaysInBudget(t *testing.T) {
	d, err := Generate(GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 25, BladesPerRack: 100, PDUsPerRack: 2, TORsPerRack: 2})
	require.NoError(t, err)
	y, err := MarshalYAML(d)
	require.NoError(t, err)
	var got *Definition
	a := allocated(func() { got, err = Parse("gen.yaml", y) })
	require.NoError(t, err)
	require.Equal(t, d, got)
	t.Logf("%d blades, %d bytes of YAML: %d bytes allocated, %.1f per byte", d.Counts().Blades, len(y), a, float64(a)/float64(len(y)))
	require.LessOrEqual(t, a, budget(len(y)))
	// And well inside it: about 3 bytes per byte (a regression shows here).
	require.LessOrEqual(t, a, 5*uint64(len(y)))
}

// Hostile texts are refused, and cost at most the budget on the way; the
// ones a limit stops early cost next to nothing, however long they are.
func TestParseOfHostileTextStaysInBudget(t *testing.T) {
	const size = 2 << 20
	fill := func(head, unit, tail string) string {
		return head + strings.Repeat(unit, (size-len(head)-len(tail))/len(unit)) + tail
	}
	words := func() string {
		var b strings.Builder
		b.WriteString("Regions: [")
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "w%x,", i)
		}
		b.WriteString("x]\n")
		return b.String()
	}
	keys := func() string {
		var b strings.Builder
		for i := 0; b.Len() < size; i++ {
			fmt.Fprintf(&b, "k%d: 1\n", i)
		}
		return b.String()
	}
	laughs := "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i <= 9; i++ {
		laughs += fmt.Sprintf("a%d: &a%d [%s]\n", i, i, strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 9)+fmt.Sprintf("*a%d", i-1))
	}
	laughs += "Regions: *a9\n"
	for _, c := range []struct {
		name  string
		yaml  string
		want  string // the start of the message
		bound uint64 // 0: the budget
	}{
		{"a flow list of zeros", fill("Regions: [", "0,", "0]\n"), "holds more than", 0},
		{"a block list of nulls", fill("Regions:\n", "-\n", ""), "holds more than", 0},
		{"a list of distinct words", words(), `Regions[#1] must be a mapping, got "w0"`, 0},
		{"a mapping of distinct keys", keys(), "the top level has", 0},
		{"a list of aliases", fill("a: &a [x]\nRegions: [", "*a, ", "*a]\n"), "the top level has unknown key", 0},
		{"one long string", fill(`Details: {Name: "`, "x", "\"}\n"), "has a value longer than 1048576 bytes", 8 << 20},
		{"one long plain string", fill("Details: {Name: ", "x y\n ", "}\n"), "has a value longer than 1048576 bytes", 8 << 20},
		{"one long block string", fill("Details:\n  Name: |\n", "    xxx\n\n", ""), "has a value longer than 1048576 bytes", 8 << 20},
		{"nesting", fill("Regions: ", "[", ""), "nests more than 200 levels deep", 2 << 20},
		{"billion laughs", laughs, "expands to more than", 64 << 10},
		{"too long", strings.Repeat(" ", InputBytesMax+1), fmt.Sprintf("is %d bytes", InputBytesMax+1), 4 << 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := []byte(c.yaml)
			var err error
			a := allocated(func() { _, err = Parse("bad.yaml", data) })
			var e *Error
			require.ErrorAs(t, err, &e)
			require.True(t, strings.HasPrefix(e.Msg, c.want) || strings.HasPrefix(e.Path+" "+e.Msg, c.want), "%v", err)
			bound := c.bound
			if bound == 0 {
				bound = budget(len(data))
			}
			t.Logf("%d bytes: %d bytes allocated, %.2f per byte: %v", len(data), a, float64(a)/float64(len(data)), err)
			require.LessOrEqual(t, a, bound)
		})
	}
}

// Templates make a small file define much more than it spells out: what
// each element costs stays what it costs spelled out, and the whole is
// bounded by YAMLNodesMax (counting every use of an alias).
func TestParseOfTemplatesCostsWhatTheirElementsCost(t *testing.T) {
	var b strings.Builder
	b.WriteString("BladeTypes: [&b {details: {condition: operational}, bootinfo: {source: network, image: img, version: v}, " +
		"capacity: {cores: 8, memoryinmb: 1024, diskingb: 10, networkbandwidthinmbps: 100, arch: X64, accelerators: [v100, v100]}}]\n")
	var blades, ports []string
	for i := 1; i <= 100; i++ {
		blades = append(blades, fmt.Sprintf("{<<: *b, index: %d}", i))
		ports = append(ports, fmt.Sprintf("{index: %d, wired: true, item: {type: blade, id: %d}}", i, i))
	}
	p := strings.Join(ports, ", ")
	fmt.Fprintf(&b, "RackTypes: [&k {details: {condition: operational}, pdus: [{index: 0, details: {condition: operational}, ports: [%s]}], "+
		"tors: [{index: 0, details: {condition: operational}, ports: [%s]}], blades: [%s]}]\n", p, p, strings.Join(blades, ", "))
	var racks []string
	for i := 1; i <= 200; i++ {
		racks = append(racks, fmt.Sprintf("{<<: *k, name: r%d}", i))
	}
	fmt.Fprintf(&b, "Regions: [{name: g, details: {state: in_service}, zones: [{name: z, details: {state: in_service}, racks: [%s]}]}]\n", strings.Join(racks, ", "))
	data := []byte(b.String())

	var d *Definition
	var err error
	a := allocated(func() { d, err = Parse("templates.yaml", data) })
	require.NoError(t, err)
	n := d.Counts().Blades
	require.Equal(t, 20_000, n)
	t.Logf("%d bytes define %d blades: %d bytes allocated, %d per blade", len(data), n, a, a/uint64(n))
	require.LessOrEqual(t, a, 1024*uint64(n))
	// The accelerator list, reached through the template, is one list.
	k1, k2 := d.Rack("g", "z", "r1"), d.Rack("g", "z", "r200")
	require.Same(t, &k1.Blade(1).Capacity.Accelerators[0], &k2.Blade(100).Capacity.Accelerators[0])
}
