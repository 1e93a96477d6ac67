package inventory

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestGenerateShapeAndConventions(t *testing.T) {
	d, err := Generate(GenSpec{Regions: 2, ZonesPerRegion: 3, RacksPerZone: 11, BladesPerRack: 4, PDUsPerRack: 2, TORsPerRack: 2})
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	require.Equal(t, Counts{Regions: 2, Zones: 6, Racks: 66, PDUs: 132, TORs: 132, Blades: 264}, d.Counts())
	require.Equal(t, "Generated 2x3x11x4", d.Name)
	require.Equal(t, []string{"region1", "region2"}, []string{d.Regions[0].Name, d.Regions[1].Name})
	require.Equal(t, "rack10", d.Regions[0].Zones[0].Racks[9].Name, "natural order: rack10 after rack9")

	k := d.Rack("region2", "zone3", "rack11")
	require.Equal(t, &Rack{Name: "rack11", Enabled: true, Condition: ConditionOperational, Location: "region2/zone3/rack11",
		PDUs: k.PDUs, TORs: k.TORs, Blades: k.Blades}, k)
	require.Equal(t, []Port{
		{Index: 0, Wired: true, Item: Hardware{Type: HwTOR, ID: 0, Port: 1}},
		{Index: 1, Wired: true, Item: Hardware{Type: HwBlade, ID: 1, Port: 1}},
		{Index: 2, Wired: true, Item: Hardware{Type: HwBlade, ID: 2, Port: 1}},
		{Index: 3, Wired: true, Item: Hardware{Type: HwBlade, ID: 3, Port: 1}},
		{Index: 4, Wired: true, Item: Hardware{Type: HwBlade, ID: 4, Port: 1}},
	}, k.PDU(1).Ports)
	require.Equal(t, Port{Index: 0, Wired: true, Item: Hardware{Type: HwPDU, ID: 0, Port: 0}}, k.TOR(0).Ports[0])
	require.Equal(t, []Feed{{0, 3, 0}, {1, 3, 1}}, k.PowerFeeds(3))
	require.Equal(t, &Blade{Index: 4, Enabled: true, Condition: ConditionOperational, BootOnPowerOn: true,
		Boot:     BootInfo{Source: BootNetwork, Image: "standard.vhdx", Version: "latest", Parameters: "-version=1 -node=$NODENAME$"},
		Capacity: StandardBlade}, k.Blade(4))
}

func TestGenerateCapacityMix(t *testing.T) {
	small := Capacity{Cores: 8, MemoryMB: 8192, DiskGB: 100, NetworkMbps: 1000, Arch: "ARM"}
	gpu := Capacity{Cores: 64, MemoryMB: 262144, DiskGB: 2000, NetworkMbps: 10000, Arch: "X64", Accelerators: []string{"v100"}}
	mix := []Capacity{small, gpu}
	d, err := Generate(GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 3, Capacities: mix})
	require.NoError(t, err)
	k := d.Regions[0].Zones[0].Racks[0]
	require.Equal(t, []Capacity{small, gpu, small}, []Capacity{k.Blades[0].Capacity, k.Blades[1].Capacity, k.Blades[2].Capacity})
	mix[1].Accelerators[0] = "changed"
	require.Equal(t, "v100", k.Blades[1].Capacity.Accelerators[0], "not aliased with the spec")
	require.Equal(t, RackSummary{PDUs: 1, TORs: 1, Blades: 3, MaxPDUPorts: 4, MaxTORPorts: 4,
		MaxCapacity: Capacity{Cores: 64, MemoryMB: 262144, DiskGB: 2000, NetworkMbps: 10000}}, k.Summary())
}

func TestGenerateRejectsBadSpecs(t *testing.T) {
	for _, c := range []struct {
		spec GenSpec
		want string
	}{
		{GenSpec{ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 1}, "inventory: GenSpec.Regions must be between 1 and 100000, got 0"},
		{GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 128}, "inventory: GenSpec.BladesPerRack must be between 1 and 127, got 128"},
		{GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 1, PDUsPerRack: 3}, "inventory: GenSpec.PDUsPerRack must be between 1 and 2, got 3"},
		{GenSpec{Regions: 1000, ZonesPerRegion: 1000, RacksPerZone: 1000, BladesPerRack: 100}, "inventory: GenSpec asks for more than 10000 racks"},
		{GenSpec{Regions: 1, ZonesPerRegion: 10, RacksPerZone: 1000, BladesPerRack: 11}, "inventory: GenSpec asks for more than 100000 blades"},
		{GenSpec{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 1, Capacities: []Capacity{{Cores: 1}}},
			`inventory: generated definition is invalid: region "region1": Zones[zone1].Racks[rack1].Blades[1].Capacity.MemoryInMb must be >= 1, got 0`},
	} {
		_, err := Generate(c.spec)
		require.EqualError(t, err, c.want)
	}
}

// 50,000 blades share their strings and round-trip through the YAML that
// ccsim gen writes.
func TestGenerate50kRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("parses a 27 MB file")
	}
	d, err := Generate(GenSpec{Regions: 2, ZonesPerRegion: 5, RacksPerZone: 50, BladesPerRack: 100})
	require.NoError(t, err)
	require.Equal(t, 50_000, d.Counts().Blades)
	a := d.Regions[0].Zones[0].Racks[0].Blades[0]
	b := d.Regions[1].Zones[4].Racks[49].Blades[99]
	require.Equal(t, unsafe.StringData(a.Boot.Image), unsafe.StringData(b.Boot.Image))
	require.Equal(t, unsafe.StringData(a.Boot.Parameters), unsafe.StringData(b.Boot.Parameters))
	require.Equal(t, unsafe.StringData(a.Capacity.Arch), unsafe.StringData(b.Capacity.Arch))

	y, err := MarshalYAML(d)
	require.NoError(t, err)
	back, err := Parse("gen.yaml", y)
	require.NoError(t, err)
	require.Equal(t, d, back)
	require.Empty(t, Reconcile(d, back))
	// The parser shares repeated strings too.
	pa, pb := back.Regions[0].Zones[0].Racks[0].Blades[0], back.Regions[1].Zones[4].Racks[49].Blades[99]
	require.Equal(t, unsafe.StringData(pa.Capacity.Arch), unsafe.StringData(pb.Capacity.Arch))
}

// Whatever Generate makes, Parse reads back: the largest shapes (most
// racks, most cables per blade) stay within its byte and node limits.
func TestGenerateLimitsFitParseLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 70 MB of YAML")
	}
	for _, spec := range []GenSpec{
		{Regions: 10, ZonesPerRegion: 10, RacksPerZone: 100, BladesPerRack: 10, PDUsPerRack: 2, TORsPerRack: 2},
		{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 787, BladesPerRack: 127, PDUsPerRack: 2, TORsPerRack: 2},
	} {
		d, err := Generate(spec)
		require.NoError(t, err)
		y, err := MarshalYAML(d)
		require.NoError(t, err)
		require.LessOrEqual(t, len(y), InputBytesMax)

		// Racks are identical, so one rack's nodes (plus its region and zone)
		// times the rack count bounds the whole document's.
		one := spec
		one.Regions, one.ZonesPerRegion, one.RacksPerZone = 1, 1, 1
		d1, err := Generate(one)
		require.NoError(t, err)
		y1, err := MarshalYAML(d1)
		require.NoError(t, err)
		root, err := compose([][]byte{y1}, nil, 0)
		require.NoError(t, err)
		nodes := int64(root.t.n) // no aliases: every node is in the tree once
		racks := int64(spec.Regions * spec.ZonesPerRegion * spec.RacksPerZone)
		require.LessOrEqual(t, nodes*racks, int64(nodesFor(len(y))), "%+v", spec)
		t.Logf("%d blades in %d racks: %d bytes, at most %d nodes", d.Counts().Blades, racks, len(y), nodes*racks)
	}
}

func TestMarshalYAMLQuotesWhatNeedsIt(t *testing.T) {
	d := loadOriginal(t, "chained-base.yaml")
	for _, s := range []string{"", "true", "No", "null", "~", "123", "1e3", ".inf", "- dash", "a: b", "a, b", "[x]", "{x}",
		"#hash", "&anchor", "*alias", "!tag", "%pct", "@at", "`tick", "'q'", `"dq"`, "multi\nline", "tab\there", " lead", "trail ",
		"ctl\x01\x7f", "unicode é ✓ \u2028 \ufeff", "😀", "back\\slash"} {
		d.Notes = s
		d.Regions[0].Zones[0].Racks[0].Blades[0].Boot.Parameters = s
		d.Regions[0].Zones[0].Racks[0].Blades[0].Capacity.Arch = s
		y, err := MarshalYAML(d)
		require.NoError(t, err)
		back, err := Parse("q.yaml", y)
		require.NoError(t, err, "%q", s)
		require.Equal(t, d, back, "%q", s)
	}
}

func TestMarshalYAMLRefusesInvalid(t *testing.T) {
	_, err := MarshalYAML(&Definition{})
	require.EqualError(t, err, "Regions must have at least 1 entry, got 0")
}
