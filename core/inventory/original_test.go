package inventory

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// goodFiles are the original's inventories that must load, with the counts
// NOTICE.md gives for each.
var goodFiles = []struct {
	name   string
	counts Counts
}{
	{"standard.yaml", Counts{Regions: 1, Zones: 1, Racks: 8, PDUs: 8, TORs: 8, Blades: 64}},
	{"simple.yaml", Counts{Regions: 1, Zones: 1, Racks: 2, PDUs: 2, TORs: 2, Blades: 4}},
	{"basic.yaml", Counts{Regions: 1, Zones: 1, Racks: 1, PDUs: 1, TORs: 1, Blades: 2}},
	{"intermediate.yaml", Counts{Regions: 1, Zones: 1, Racks: 2, PDUs: 2, TORs: 2, Blades: 16}},
	{"extended.yaml", Counts{Regions: 2, Zones: 6, Racks: 24, PDUs: 36, TORs: 36, Blades: 192}},
	{"chained-base.yaml", Counts{Regions: 1, Zones: 1, Racks: 1, PDUs: 1, TORs: 1, Blades: 2}},
	{"chained-add-blade.yaml", Counts{Regions: 1, Zones: 1, Racks: 1, PDUs: 1, TORs: 1, Blades: 3}},
	{"chained-add-rack.yaml", Counts{Regions: 1, Zones: 1, Racks: 3, PDUs: 3, TORs: 3, Blades: 6}},
	{"chained-add-zone.yaml", Counts{Regions: 1, Zones: 2, Racks: 4, PDUs: 4, TORs: 4, Blades: 8}},
	{"chained-add-region.yaml", Counts{Regions: 2, Zones: 2, Racks: 4, PDUs: 4, TORs: 4, Blades: 8}},
	{"chained-change-blade.yaml", Counts{Regions: 1, Zones: 1, Racks: 2, PDUs: 2, TORs: 2, Blades: 4}},
}

func readOriginal(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "original", name))
	require.NoError(t, err)
	return data
}

func loadOriginal(t testing.TB, name string) *Definition {
	t.Helper()
	d, err := Parse(name, readOriginal(t, name))
	require.NoError(t, err)
	return d
}

func TestOriginalFilesLoadWithNoticeCounts(t *testing.T) {
	for _, f := range goodFiles {
		t.Run(f.name, func(t *testing.T) {
			d := loadOriginal(t, f.name)
			require.Equal(t, f.counts, d.Counts())
			require.NoError(t, d.Validate())
		})
	}
}

func TestOriginalBadFilesNameTheDuplicate(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"bad-yaml.yaml", `bad-yaml.yaml:84:13: region "region1": Zones[zone1].Racks[rack1] is a duplicate: zone "zone1" already has rack "rack1" (first at line 82)`},
		{"bad-yaml-blade.yaml", `bad-yaml-blade.yaml:53:9: region "region1": Zones[zone1].Racks[rack1].Blades[1] is a duplicate: rack "rack1" already has blade 1 (first at line 51) (through *rackType1 at line 100)`},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse(c.name, readOriginal(t, c.name))
			require.Nil(t, d)
			require.EqualError(t, err, c.want)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, "region1", e.Region)
		})
	}
}

// Scenarios embed the definition as JSON and ccsim gen writes YAML: both
// must give back exactly what went in.
func TestOriginalFilesRoundTrip(t *testing.T) {
	for _, f := range goodFiles {
		t.Run(f.name, func(t *testing.T) {
			d := loadOriginal(t, f.name)

			j, err := json.Marshal(d)
			require.NoError(t, err)
			var back Definition
			require.NoError(t, json.Unmarshal(j, &back))
			require.Equal(t, d, &back)

			y, err := MarshalYAML(d)
			require.NoError(t, err)
			again, err := Parse("written.yaml", y)
			require.NoError(t, err)
			require.Equal(t, d, again)
		})
	}
}

func TestReconcileOfAFileWithItselfIsEmpty(t *testing.T) {
	for _, f := range goodFiles {
		t.Run(f.name, func(t *testing.T) {
			require.Empty(t, Reconcile(loadOriginal(t, f.name), loadOriginal(t, f.name)))
		})
	}
}

// Keys are matched case-insensitively: some files spell BladeTypeS.
func TestOriginalTemplatesAreDiscarded(t *testing.T) {
	d := loadOriginal(t, "chained-base.yaml")
	require.Equal(t, "Chained Base", d.Name)
	k := d.Rack("region1", "zone1", "rack1")
	require.NotNil(t, k)
	// The explicit Details win over the ones merged in from rackType1.
	require.Equal(t, "DC-PNW-0-rack1", k.Location)
	require.Equal(t, "RackName: rack1", k.Notes)
	require.Equal(t, Capacity{Cores: 8, MemoryMB: 16384, DiskGB: 120, NetworkMbps: 2048, Arch: "X64"}, k.Blade(2).Capacity)
	require.Equal(t, BootInfo{Source: BootLocal, Image: "standard.vhdx", Version: "latest", Parameters: "-version=1 -node=$NODENAME$"}, k.Blade(1).Boot)
}
