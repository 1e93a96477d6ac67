package inventory

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// Definition is the whole inventory as defined (the original's "definition"
// view). Every list is kept in canonical order (see Normalize) so that
// output, JSON and reconcile never depend on file order or map order.
type Definition struct {
	Name    string    `json:"name"`
	Notes   string    `json:"notes,omitempty"`
	Regions []*Region `json:"regions"`
}

// Region is a logical grouping of zones, keyed by name.
type Region struct {
	Name     string  `json:"name"`
	State    State   `json:"state"`
	Location string  `json:"location,omitempty"`
	Notes    string  `json:"notes,omitempty"`
	Zones    []*Zone `json:"zones"`
}

// Zone is a fault domain of racks inside a region, keyed by name.
type Zone struct {
	Name     string  `json:"name"`
	Enabled  bool    `json:"enabled"`
	State    State   `json:"state"`
	Location string  `json:"location,omitempty"`
	Notes    string  `json:"notes,omitempty"`
	Racks    []*Rack `json:"racks"`
}

// Rack holds the power (PDUs), network (TORs) and compute (blades) that the
// simulation runs; cables only join elements of the same rack.
type Rack struct {
	Name      string    `json:"name"`
	Enabled   bool      `json:"enabled"`
	Condition Condition `json:"condition"`
	Location  string    `json:"location,omitempty"`
	Notes     string    `json:"notes,omitempty"`
	PDUs      []*PDU    `json:"pdus"`
	TORs      []*TOR    `json:"tors"`
	Blades    []*Blade  `json:"blades"`
}

// PDU is a power distribution unit; each port may feed one element.
type PDU struct {
	Index     int64     `json:"index"`
	Enabled   bool      `json:"enabled"`
	Condition Condition `json:"condition"`
	Ports     []Port    `json:"ports"`
}

// TOR is a top-of-rack switch; each port may link one element.
type TOR struct {
	Index     int64     `json:"index"`
	Enabled   bool      `json:"enabled"`
	Condition Condition `json:"condition"`
	Ports     []Port    `json:"ports"`
}

// Port is one connector on a PDU or TOR and the cable plugged into it.
type Port struct {
	Index int64    `json:"index"`
	Wired bool     `json:"wired"`
	Item  Hardware `json:"item,omitzero"`
}

// Hardware is the far end of a cable: element type and id in the same rack,
// and the connector on it, 0 to ConnectorsMax-1 (a blade may have several):
// a power connector for a cable from a PDU port, a network connector for
// one from a TOR port, never one of a PDU's or TOR's own ports. Each cable
// is written once, at its PDU or TOR port, and takes its connector alone.
// The zero value means "nothing", which is what an unwired port holds.
type Hardware struct {
	Type HwType `json:"type"`
	ID   int64  `json:"id"`
	Port int64  `json:"port"`
}

// Blade is a compute element; it boots when powered and connected if
// BootOnPowerOn is set.
type Blade struct {
	Index         int64     `json:"index"`
	Enabled       bool      `json:"enabled"`
	Condition     Condition `json:"condition"`
	BootOnPowerOn bool      `json:"bootOnPowerOn"`
	Boot          BootInfo  `json:"boot"`
	Capacity      Capacity  `json:"capacity"`
}

// BootInfo says what a blade boots.
type BootInfo struct {
	Source     BootSource `json:"source"`
	Image      string     `json:"image"`
	Version    string     `json:"version"`
	Parameters string     `json:"parameters,omitempty"`
}

// Capacity is what a blade offers to workloads. Integers only, so that
// scheduling arithmetic gives the same bits natively and in wasm.
type Capacity struct {
	Cores        int64    `json:"cores"`
	MemoryMB     int64    `json:"memoryMB"`
	DiskGB       int64    `json:"diskGB"`
	NetworkMbps  int64    `json:"networkMbps"`
	Arch         string   `json:"arch"`
	Accelerators []string `json:"accelerators,omitzero"` // nil and empty both round-trip
	GPUs         []GPU    `json:"gpus,omitzero"`         // nil and empty both round-trip
}

// GPU is Count identical GPU devices of one Model on a blade (the YAML's
// Capacity.Gpus: [{Model: V100, Count: 8}], our extension). A blade's
// devices are numbered from 0: first the Gpus entries in order, each
// expanded by its Count, then one device per Accelerators entry, whose
// model is the entry (Accelerators: [V100, V100] is two devices of model
// V100, as Gpus: [{Model: V100, Count: 2}] is). Each device is shared in
// milli-GPU (1000 a device) by the scheduler. Models compare
// case-insensitively.
type GPU struct {
	Model string `json:"model"`
	Count int64  `json:"count"`
}

// Devices is the number of GPU devices the capacity offers: the Gpus
// counts plus one per Accelerators entry.
func (c *Capacity) Devices() int64 {
	n := int64(len(c.Accelerators))
	for _, g := range c.GPUs {
		n += g.Count
	}
	return n
}

// DeviceModels lists the model of each device, in device order (see GPU).
func (c *Capacity) DeviceModels() []string {
	var models []string
	for _, g := range c.GPUs {
		for range max(g.Count, 0) {
			models = append(models, g.Model)
		}
	}
	return append(models, c.Accelerators...)
}

// Normalize sorts every list into canonical order: regions, zones and racks
// by name (case-insensitive, digits compared as numbers so rack2 < rack10),
// PDUs, TORs, blades and ports by index. Parse, Generate and scenario.Parse
// (for a definition inside a scenario's JSON) call it; code that builds a
// Definition by hand or decodes one should too. Sorting is stable, so
// duplicates stay in input order for Validate to report.
func (d *Definition) Normalize() {
	slices.SortStableFunc(d.Regions, func(a, b *Region) int { return CompareNames(a.Name, b.Name) })
	for _, r := range d.Regions {
		slices.SortStableFunc(r.Zones, func(a, b *Zone) int { return CompareNames(a.Name, b.Name) })
		for _, z := range r.Zones {
			slices.SortStableFunc(z.Racks, func(a, b *Rack) int { return CompareNames(a.Name, b.Name) })
			for _, k := range z.Racks {
				k.normalize()
			}
		}
	}
}

func (k *Rack) normalize() {
	slices.SortStableFunc(k.PDUs, func(a, b *PDU) int { return cmp.Compare(a.Index, b.Index) })
	slices.SortStableFunc(k.TORs, func(a, b *TOR) int { return cmp.Compare(a.Index, b.Index) })
	slices.SortStableFunc(k.Blades, func(a, b *Blade) int { return cmp.Compare(a.Index, b.Index) })
	for _, p := range k.PDUs {
		sortPorts(p.Ports)
	}
	for _, t := range k.TORs {
		sortPorts(t.Ports)
	}
}

// sortPorts orders ports by index, stably. (sort.SliceStable: a generic
// stable sort of Port would be a copy of its own in the page.)
func sortPorts(ps []Port) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Index < ps[j].Index })
}

// nameKey is how names are compared: the original's store lower-cased names
// in its keys, so "Rack1" and "rack1" are the same element.
func nameKey(s string) string { return strings.ToLower(s) }

// SameName reports whether two element names denote the same element.
func SameName(a, b string) bool { return nameKey(a) == nameKey(b) }

// CompareNames is the canonical order of names: case-insensitive, with runs
// of digits compared by value (rack2 before rack10), then byte order to break
// ties so the order is total.
func CompareNames(a, b string) int {
	ka, kb := nameKey(a), nameKey(b)
	if c := naturalCompare(ka, kb); c != 0 {
		return c
	}
	if c := strings.Compare(ka, kb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// naturalCompare compares maximal digit runs by numeric value and everything
// else bytewise. Runs equal in value ("01" and "1") compare equal here.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			ra := strings.TrimLeft(a[si:i], "0")
			rb := strings.TrimLeft(b[sj:j], "0")
			if c := cmp.Compare(len(ra), len(rb)); c != 0 {
				return c
			}
			if c := strings.Compare(ra, rb); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(a[i], b[j]); c != 0 {
			return c
		}
		i++
		j++
	}
	return cmp.Compare(len(a)-i, len(b)-j)
}

// Lookups use binary search and so need canonical order (see Normalize).

// Region returns the region with that name (case-insensitive), or nil.
func (d *Definition) Region(name string) *Region {
	return findName(d.Regions, name, func(r *Region) string { return r.Name })
}

// Zone returns the named zone of the named region, or nil.
func (d *Definition) Zone(region, zone string) *Zone {
	if r := d.Region(region); r != nil {
		return r.Zone(zone)
	}
	return nil
}

// Rack returns the named rack, or nil.
func (d *Definition) Rack(region, zone, rack string) *Rack {
	if z := d.Zone(region, zone); z != nil {
		return z.Rack(rack)
	}
	return nil
}

// Zone returns the zone with that name (case-insensitive), or nil.
func (r *Region) Zone(name string) *Zone {
	return findName(r.Zones, name, func(z *Zone) string { return z.Name })
}

// Rack returns the rack with that name (case-insensitive), or nil.
func (z *Zone) Rack(name string) *Rack {
	return findName(z.Racks, name, func(k *Rack) string { return k.Name })
}

// PDU returns the PDU with that index, or nil.
func (k *Rack) PDU(index int64) *PDU {
	return findIndex(k.PDUs, index, func(p *PDU) int64 { return p.Index })
}

// TOR returns the TOR with that index, or nil.
func (k *Rack) TOR(index int64) *TOR {
	return findIndex(k.TORs, index, func(t *TOR) int64 { return t.Index })
}

// Blade returns the blade with that index, or nil.
func (k *Rack) Blade(index int64) *Blade {
	return findIndex(k.Blades, index, func(b *Blade) int64 { return b.Index })
}

// Port returns the port with that index, or nil.
func (p *PDU) Port(index int64) *Port { return findPort(p.Ports, index) }

// Port returns the port with that index, or nil.
func (t *TOR) Port(index int64) *Port { return findPort(t.Ports, index) }

func findName[E any](list []E, name string, nameOf func(E) string) E {
	var zero E
	key := nameKey(name)
	i, ok := slices.BinarySearchFunc(list, name, func(e E, n string) int {
		if nameKey(nameOf(e)) == key {
			return 0
		}
		return CompareNames(nameOf(e), n)
	})
	if !ok {
		return zero
	}
	return list[i]
}

func findIndex[E any](list []E, index int64, indexOf func(E) int64) E {
	var zero E
	i, ok := slices.BinarySearchFunc(list, index, func(e E, x int64) int { return cmp.Compare(indexOf(e), x) })
	if !ok {
		return zero
	}
	return list[i]
}

func findPort(ps []Port, index int64) *Port {
	i, ok := slices.BinarySearchFunc(ps, index, func(p Port, x int64) int { return cmp.Compare(p.Index, x) })
	if !ok {
		return nil
	}
	return &ps[i]
}

// Counts is how many of each element a definition holds.
type Counts struct {
	Regions, Zones, Racks, PDUs, TORs, Blades int
}

// Counts adds up the elements, for summaries, limits and tests.
func (d *Definition) Counts() Counts {
	var c Counts
	c.Regions = len(d.Regions)
	for _, r := range d.Regions {
		c.Zones += len(r.Zones)
		for _, z := range r.Zones {
			c.Racks += len(z.Racks)
			for _, k := range z.Racks {
				c.PDUs += len(k.PDUs)
				c.TORs += len(k.TORs)
				c.Blades += len(k.Blades)
			}
		}
	}
	return c
}
