package inventory

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWriteJSONIsMarshal: WriteJSON writes json.Marshal's bytes, calling
// its each once a rack, and HasGPUKey says whether they hold a "gpus" key,
// for the test inventories, generated ones, and random odd ones (nil and
// empty lists, nil elements, GPUs, characters JSON escapes).
func TestWriteJSONIsMarshal(t *testing.T) {
	var defs []*Definition
	files, err := filepath.Glob("testdata/*/*.yaml")
	require.NoError(t, err)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		if d, err := Parse(f, data); err == nil {
			defs = append(defs, d)
		}
	}
	require.NotEmpty(t, defs, "the test inventories parse")
	for _, spec := range []GenSpec{
		{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 1, BladesPerRack: 1},
		{Regions: 2, ZonesPerRegion: 3, RacksPerZone: 4, BladesPerRack: 5, PDUsPerRack: 2, TORsPerRack: 2},
		{Regions: 1, ZonesPerRegion: 1, RacksPerZone: 2, BladesPerRack: 3, Capacities: []Capacity{StandardBlade, {Cores: 8, MemoryMB: 1024, DiskGB: 10, NetworkMbps: 100, Arch: "X64", GPUs: []GPU{{Model: "V100", Count: 2}}}}},
	} {
		d, err := Generate(spec)
		require.NoError(t, err)
		defs = append(defs, d)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		defs = append(defs, randomDefinition(rng))
	}
	for i, d := range defs {
		want, err := json.Marshal(d)
		require.NoError(t, err)
		var got bytes.Buffer
		racks, calls := 0, 0
		for _, r := range d.Regions {
			if r != nil {
				for _, z := range r.Zones {
					if z != nil {
						racks += len(z.Racks)
					}
				}
			}
		}
		require.NoError(t, d.WriteJSON(&got, func() { calls++ }))
		require.Equal(t, string(want), got.String(), "definition %d", i)
		require.Equal(t, racks, calls, "definition %d: each once a rack", i)
		require.Equal(t, bytes.Contains(want, []byte(`"gpus":`)), d.HasGPUKey(), "definition %d", i)
		require.NoError(t, d.WriteJSON(&got, nil))
	}
}

// randomDefinition is a small definition with every odd shape the JSON
// can take: nil and empty lists, nil elements, GPUs nil, empty or not,
// strings with quotes, HTML and non-ASCII characters.
func randomDefinition(rng *rand.Rand) *Definition {
	strs := []string{"", "a", `q"uote`, "<b>&</b>", "zoné", "tab\tnew\nline"}
	str := func() string { return strs[rng.IntN(len(strs))] }
	d := &Definition{Name: str(), Notes: str()}
	if rng.IntN(6) == 0 {
		return d // regions nil
	}
	d.Regions = []*Region{}
	for range rng.IntN(3) {
		if rng.IntN(8) == 0 {
			d.Regions = append(d.Regions, nil)
			continue
		}
		r := &Region{Name: str(), Location: str(), Notes: str()}
		if rng.IntN(5) > 0 {
			r.Zones = []*Zone{}
		}
		for range rng.IntN(3) {
			if rng.IntN(8) == 0 {
				r.Zones = append(r.Zones, nil)
				continue
			}
			z := &Zone{Name: str(), Enabled: rng.IntN(2) == 0, Notes: str()}
			if rng.IntN(5) > 0 {
				z.Racks = []*Rack{}
			}
			for range rng.IntN(3) {
				if rng.IntN(8) == 0 {
					z.Racks = append(z.Racks, nil)
					continue
				}
				rack := &Rack{Name: str(), Notes: str()}
				for b := range rng.IntN(3) {
					bl := &Blade{Index: int64(b), Boot: BootInfo{Image: str(), Parameters: str()}, Capacity: Capacity{Cores: 4, Arch: str()}}
					switch rng.IntN(4) {
					case 1:
						bl.Capacity.GPUs = []GPU{}
					case 2:
						bl.Capacity.GPUs = []GPU{{Model: str(), Count: 1}}
					case 3:
						bl.Capacity.Accelerators = []string{str()}
					}
					rack.Blades = append(rack.Blades, bl)
				}
				if rng.IntN(6) == 0 {
					rack.Blades = append(rack.Blades, nil)
				}
				z.Racks = append(z.Racks, rack)
			}
			r.Zones = append(r.Zones, z)
		}
		d.Regions = append(d.Regions, r)
	}
	return d
}
