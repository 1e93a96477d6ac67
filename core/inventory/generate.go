package inventory

import (
	"fmt"
	"slices"
	"strconv"
)

// Generator bounds. A PDU's port 0 goes to the TOR and ports 1..N to the
// blades, and a PDU has at most 128 ports, so a generated rack holds at most
// 127 blades. The totals keep the YAML within what Parse reads back
// (InputBytesMax, YAMLNodesMax), which a test checks.
const (
	GenBladesPerRackMax = PDUPortsMax - 1
	GenBladesMax        = 100_000
	GenRacksMax         = 10_000
)

// GenSpec is the shape of a generated inventory.
type GenSpec struct {
	Name           string     `json:"name,omitempty"`        // root name; empty gives one that states the shape
	Regions        int        `json:"regions"`               // >= 1
	ZonesPerRegion int        `json:"zonesPerRegion"`        // >= 1
	RacksPerZone   int        `json:"racksPerZone"`          // >= 1
	BladesPerRack  int        `json:"bladesPerRack"`         // 1..GenBladesPerRackMax
	PDUsPerRack    int        `json:"pdusPerRack,omitempty"` // 1..2; 0 means 1
	TORsPerRack    int        `json:"torsPerRack,omitempty"` // 1..2; 0 means 1
	Capacities     []Capacity `json:"capacities,omitempty"`  // blade i of a rack gets Capacities[(i-1) % len]; empty means StandardBlade
}

// StandardBlade is the common blade of the original's standard inventory.
var StandardBlade = Capacity{Cores: 32, MemoryMB: 16384, DiskGB: 120, NetworkMbps: 2048, Arch: "X64"}

// Strings every generated blade shares, so 50,000 blades hold one copy.
const (
	genImage      = "standard.vhdx"
	genVersion    = "latest"
	genParameters = "-version=1 -node=$NODENAME$" // the placeholder the original's template files use
)

// Generate builds a large inventory named and cabled like the shipped files:
// region1.., zone1.., rack1..; PDU p's port 0 feeds tor/0 on connector p and
// TOR t's port 0 links pdu/0 on connector t (as extended.yaml does for its
// second PDU and TOR); ports 1..N reach blades 1..N on connector p (or t).
// Everything is enabled, operational or in service, and boots on power-on.
// Blades of a rack share one backing array, and all blades share their boot
// strings and each capacity's Arch, Accelerators and GPUs, so treat the result as
// read-only.
func Generate(spec GenSpec) (*Definition, error) {
	if spec.PDUsPerRack == 0 {
		spec.PDUsPerRack = 1
	}
	if spec.TORsPerRack == 0 {
		spec.TORsPerRack = 1
	}
	for _, c := range []struct {
		name   string
		v      int
		lo, hi int
	}{
		{"Regions", spec.Regions, 1, GenBladesMax},
		{"ZonesPerRegion", spec.ZonesPerRegion, 1, GenBladesMax},
		{"RacksPerZone", spec.RacksPerZone, 1, GenBladesMax},
		{"BladesPerRack", spec.BladesPerRack, 1, GenBladesPerRackMax},
		{"PDUsPerRack", spec.PDUsPerRack, PDUsPerRackMin, PDUsPerRackMax},
		{"TORsPerRack", spec.TORsPerRack, TORsPerRackMin, TORsPerRackMax},
	} {
		if c.v < c.lo || c.v > c.hi {
			return nil, fmt.Errorf("inventory: GenSpec.%s must be between %d and %d, got %d", c.name, c.lo, c.hi, c.v)
		}
	}
	// Each factor is at most GenBladesMax, so the running product cannot
	// overflow before it is checked.
	racks := spec.Regions
	for _, f := range []int{spec.ZonesPerRegion, spec.RacksPerZone} {
		racks *= f
		if racks > GenRacksMax {
			return nil, fmt.Errorf("inventory: GenSpec asks for more than %d racks", GenRacksMax)
		}
	}
	if racks*spec.BladesPerRack > GenBladesMax {
		return nil, fmt.Errorf("inventory: GenSpec asks for more than %d blades", GenBladesMax)
	}
	caps := spec.Capacities
	if len(caps) == 0 {
		caps = []Capacity{StandardBlade}
	}
	caps = slices.Clone(caps)
	for i := range caps {
		caps[i].Accelerators = slices.Clone(caps[i].Accelerators) // not aliased with the caller's
		caps[i].GPUs = slices.Clone(caps[i].GPUs)
	}
	name := spec.Name
	if name == "" {
		name = fmt.Sprintf("Generated %dx%dx%dx%d", spec.Regions, spec.ZonesPerRegion, spec.RacksPerZone, spec.BladesPerRack)
	}
	d := &Definition{
		Name: name,
		Notes: fmt.Sprintf("%d regions, %d zones each, %d racks per zone, each rack %d PDUs, %d TORs and %d blades",
			spec.Regions, spec.ZonesPerRegion, spec.RacksPerZone, spec.PDUsPerRack, spec.TORsPerRack, spec.BladesPerRack),
		Regions: make([]*Region, spec.Regions),
	}
	for ri := range d.Regions {
		rn := "region" + strconv.Itoa(ri+1)
		r := &Region{Name: rn, State: StateInService, Location: rn, Zones: make([]*Zone, spec.ZonesPerRegion)}
		for zi := range r.Zones {
			zn := "zone" + strconv.Itoa(zi+1)
			z := &Zone{Name: zn, Enabled: true, State: StateInService, Location: rn + "/" + zn, Racks: make([]*Rack, spec.RacksPerZone)}
			for ki := range z.Racks {
				kn := "rack" + strconv.Itoa(ki+1)
				z.Racks[ki] = genRack(kn, rn+"/"+zn+"/"+kn, spec, caps)
			}
			r.Zones[zi] = z
		}
		d.Regions[ri] = r
	}
	// Built in canonical order already (rack10 sorts after rack9), which
	// Validate confirms along with every other rule.
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("inventory: generated definition is invalid: %w", err)
	}
	return d, nil
}

func genRack(name, location string, spec GenSpec, caps []Capacity) *Rack {
	n := spec.BladesPerRack
	k := &Rack{Name: name, Enabled: true, Condition: ConditionOperational, Location: location}
	pdus := make([]PDU, spec.PDUsPerRack)
	k.PDUs = make([]*PDU, len(pdus))
	for i := range pdus {
		pdus[i] = PDU{Index: int64(i), Enabled: true, Condition: ConditionOperational, Ports: genPorts(n, HwTOR, int64(i))}
		k.PDUs[i] = &pdus[i]
	}
	tors := make([]TOR, spec.TORsPerRack)
	k.TORs = make([]*TOR, len(tors))
	for i := range tors {
		tors[i] = TOR{Index: int64(i), Enabled: true, Condition: ConditionOperational, Ports: genPorts(n, HwPDU, int64(i))}
		k.TORs[i] = &tors[i]
	}
	blades := make([]Blade, n)
	k.Blades = make([]*Blade, n)
	for i := range blades {
		blades[i] = Blade{
			Index:         int64(i + 1),
			Enabled:       true,
			Condition:     ConditionOperational,
			BootOnPowerOn: true,
			Boot:          BootInfo{Source: BootNetwork, Image: genImage, Version: genVersion, Parameters: genParameters},
			Capacity:      caps[i%len(caps)],
		}
		k.Blades[i] = &blades[i]
	}
	return k
}

// genPorts cables port 0 to the peer device 0 and ports 1..n to blades.
func genPorts(n int, peer HwType, connector int64) []Port {
	ports := make([]Port, n+1)
	ports[0] = Port{Index: 0, Wired: true, Item: Hardware{Type: peer, ID: 0, Port: connector}}
	for i := 1; i <= n; i++ {
		ports[i] = Port{Index: int64(i), Wired: true, Item: Hardware{Type: HwBlade, ID: int64(i), Port: connector}}
	}
	return ports
}
