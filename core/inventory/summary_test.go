package inventory

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The original's Pester tests expect these for the standard inventory.
func TestSummaryStandard(t *testing.T) {
	d := loadOriginal(t, "standard.yaml")
	max := RackSummary{PDUs: 1, TORs: 1, Blades: 8, MaxPDUPorts: 9, MaxTORPorts: 9,
		MaxCapacity: Capacity{Cores: 32, MemoryMB: 16384, DiskGB: 240, NetworkMbps: 2048}}
	require.Equal(t, max, d.Rack("standard", "standard", "rack1").Summary())
	require.Equal(t, ZoneSummary{Racks: 8, Max: max}, d.Zone("standard", "standard").Summary())
	require.Equal(t, RegionSummary{Zones: 1, MaxRacks: 8, Max: max}, d.Region("standard").Summary())
	require.Equal(t, RootSummary{Regions: 1, MaxZones: 1, MaxRacks: 8, Max: max}, d.Summary())
}

func TestSummaryExtended(t *testing.T) {
	d := loadOriginal(t, "extended.yaml")
	r1 := RackSummary{PDUs: 1, TORs: 1, Blades: 8, MaxPDUPorts: 9, MaxTORPorts: 9,
		MaxCapacity: Capacity{Cores: 16, MemoryMB: 32768, DiskGB: 240, NetworkMbps: 1024}}
	r2 := RackSummary{PDUs: 2, TORs: 2, Blades: 8, MaxPDUPorts: 9, MaxTORPorts: 9,
		MaxCapacity: Capacity{Cores: 32, MemoryMB: 65536, DiskGB: 960, NetworkMbps: 1024}}
	require.Equal(t, RegionSummary{Zones: 3, MaxRacks: 4, Max: r1}, d.Region("region1").Summary())
	require.Equal(t, RegionSummary{Zones: 3, MaxRacks: 4, Max: r2}, d.Region("region2").Summary())
	require.Equal(t, ZoneSummary{Racks: 4, Max: r2}, d.Zone("region2", "zone3").Summary())
	require.Equal(t, RootSummary{Regions: 2, MaxZones: 3, MaxRacks: 4, Max: r2}, d.Summary())
}

// Arch and accelerators are blanked: they do not have a maximum.
func TestSummaryBlanksArchAndAccelerators(t *testing.T) {
	k := &Rack{Blades: []*Blade{
		{Capacity: Capacity{Cores: 4, MemoryMB: 8, DiskGB: 1, NetworkMbps: 9, Arch: "ARM", Accelerators: []string{"v100"}}},
		{Capacity: Capacity{Cores: 2, MemoryMB: 16, DiskGB: 3, NetworkMbps: 1, Arch: "X64"}},
	}}
	require.Equal(t, Capacity{Cores: 4, MemoryMB: 16, DiskGB: 3, NetworkMbps: 9}, k.Summary().MaxCapacity)
}
