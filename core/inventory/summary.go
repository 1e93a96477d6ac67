package inventory

// Summaries are the original's memo of inventory shape (§1.8): the UI sizes
// its rack drawings from them without walking every blade.

// RackSummary is the shape of one rack, or the element-wise maximum over
// several.
type RackSummary struct {
	PDUs        int      `json:"pdus"`
	TORs        int      `json:"tors"`
	Blades      int      `json:"blades"`
	MaxPDUPorts int      `json:"maxPduPorts"` // most ports on any one PDU
	MaxTORPorts int      `json:"maxTorPorts"` // most ports on any one TOR
	MaxCapacity Capacity `json:"maxCapacity"` // per dimension; Arch, Accelerators and GPUs blank
}

// ZoneSummary is a zone's rack count and the maximum over its racks.
type ZoneSummary struct {
	Racks int         `json:"racks"`
	Max   RackSummary `json:"max"`
}

// RegionSummary is a region's zone count, the most racks in any of its
// zones, and the maximum over its racks.
type RegionSummary struct {
	Zones    int         `json:"zones"`
	MaxRacks int         `json:"maxRacks"`
	Max      RackSummary `json:"max"`
}

// RootSummary is the whole inventory's shape.
type RootSummary struct {
	Regions  int         `json:"regions"`
	MaxZones int         `json:"maxZones"`
	MaxRacks int         `json:"maxRacks"`
	Max      RackSummary `json:"max"`
}

// Summary describes one rack.
func (k *Rack) Summary() RackSummary {
	s := RackSummary{PDUs: len(k.PDUs), TORs: len(k.TORs), Blades: len(k.Blades)}
	for _, p := range k.PDUs {
		s.MaxPDUPorts = max(s.MaxPDUPorts, len(p.Ports))
	}
	for _, t := range k.TORs {
		s.MaxTORPorts = max(s.MaxTORPorts, len(t.Ports))
	}
	for _, b := range k.Blades {
		c := &s.MaxCapacity
		c.Cores = max(c.Cores, b.Capacity.Cores)
		c.MemoryMB = max(c.MemoryMB, b.Capacity.MemoryMB)
		c.DiskGB = max(c.DiskGB, b.Capacity.DiskGB)
		c.NetworkMbps = max(c.NetworkMbps, b.Capacity.NetworkMbps)
	}
	return s
}

// maxOf folds another summary into s, field by field.
func (s *RackSummary) maxOf(o RackSummary) {
	s.PDUs = max(s.PDUs, o.PDUs)
	s.TORs = max(s.TORs, o.TORs)
	s.Blades = max(s.Blades, o.Blades)
	s.MaxPDUPorts = max(s.MaxPDUPorts, o.MaxPDUPorts)
	s.MaxTORPorts = max(s.MaxTORPorts, o.MaxTORPorts)
	c, oc := &s.MaxCapacity, o.MaxCapacity
	c.Cores = max(c.Cores, oc.Cores)
	c.MemoryMB = max(c.MemoryMB, oc.MemoryMB)
	c.DiskGB = max(c.DiskGB, oc.DiskGB)
	c.NetworkMbps = max(c.NetworkMbps, oc.NetworkMbps)
}

// Summary describes one zone.
func (z *Zone) Summary() ZoneSummary {
	s := ZoneSummary{Racks: len(z.Racks)}
	for _, k := range z.Racks {
		s.Max.maxOf(k.Summary())
	}
	return s
}

// Summary describes one region.
func (r *Region) Summary() RegionSummary {
	s := RegionSummary{Zones: len(r.Zones)}
	for _, z := range r.Zones {
		zs := z.Summary()
		s.MaxRacks = max(s.MaxRacks, zs.Racks)
		s.Max.maxOf(zs.Max)
	}
	return s
}

// Summary describes the whole inventory.
func (d *Definition) Summary() RootSummary {
	s := RootSummary{Regions: len(d.Regions)}
	for _, r := range d.Regions {
		rs := r.Summary()
		s.MaxZones = max(s.MaxZones, rs.Zones)
		s.MaxRacks = max(s.MaxRacks, rs.MaxRacks)
		s.Max.maxOf(rs.Max)
	}
	return s
}
