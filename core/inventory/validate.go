package inventory

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the original (§9 and its validators). Indices of PDUs and TORs
// are bounded by the store's key checks (0..2), blade indices likewise
// (0..10,000,000).
const (
	PDUsPerRackMin   = 1
	PDUsPerRackMax   = 2
	TORsPerRackMin   = 1
	TORsPerRackMax   = 2
	BladesPerRackMin = 1
	BladesPerRackMax = 1000
	PDUIndexMax      = 2
	TORIndexMax      = 2
	BladeIndexMax    = 10_000_000
	PDUPortsMax      = 128
	TORPortsMax      = 1024
	// ConnectorsMax is how many connectors of each kind an element has: a
	// PDU port's cable (Item.Port) lands on one of the far element's power
	// connectors, a TOR port's cable on one of its network connectors,
	// numbered from 0. The original's files use 0 to 4.
	ConnectorsMax = 8

	CoresMin       = 1
	CoresMax       = 16384
	MemoryMBMin    = 1
	MemoryMBMax    = 16 * 1024 * 1024 // 16 TB
	DiskGBMin      = 1
	DiskGBMax      = 1024 * 1024 * 1024 // 1 PB
	NetworkMbpsMin = 1
	NetworkMbpsMax = 1024 * 1024 // 1 Tbps

	// DevicesMax bounds a blade's GPU devices, Gpus counts and Accelerators
	// entries together (our extension): the scheduler books each device.
	DevicesMax = 1024
)

// Validate checks every rule of the inventory model and returns the first
// violation in canonical order (regions, zones, racks; within a rack the
// counts, then PDUs, TORs and blades, then the cables), or nil. It also
// insists on canonical order, which the lookups rely on; call Normalize
// first on a hand-built definition.
func (d *Definition) Validate() error { return d.ValidateEach(nil) }

// ValidateEach is Validate, calling each (if not nil) after every rack
// checked, so that a caller with one thread can let a frame through while
// a large inventory is checked (50,000 blades: 11 ms natively); what each
// does never changes the result.
func (d *Definition) ValidateEach(each func()) error {
	top := at{}
	if err := checkText(top, "Details.Name", d.Name); err != nil {
		return err
	}
	if err := checkText(top, "Details.Notes", d.Notes); err != nil {
		return err
	}
	if len(d.Regions) < 1 {
		return top.errf("Regions", "must have at least 1 entry, got 0")
	}
	for i, r := range d.Regions {
		e := element("", "", "Regions", i+1)
		if r.Name == "" {
			return e.errf("Name", "must not be empty")
		}
		if err := checkName(e.named(r.Name), "Name", r.Name); err != nil {
			return err
		}
		if i > 0 {
			if err := checkNameOrder(e, d.Regions[i-1].Name, r.Name, "the inventory", "region"); err != nil {
				return err
			}
		}
	}
	for _, r := range d.Regions {
		if err := r.validate(each); err != nil {
			return err
		}
	}
	return nil
}

func checkText(a at, leaf, s string) error {
	if !utf8.ValidString(s) {
		return a.errf(leaf, "must be valid UTF-8")
	}
	return nil
}

// checkName refuses what makes an element's name ambiguous: "/" (its
// path, region/zone/rack/blade/N, is the names joined by "/", so a rack
// "rack1/blade/1" would take blade 1's), control characters, invisible
// ones (zero width, direction marks, line separators) and white space at
// either end, which make two names that look the same differ.
func checkName(a at, leaf, name string) error {
	for _, r := range name {
		switch {
		case r == '/':
			return a.errf(leaf, "must not contain \"/\" (element paths use it to separate names), got %q", name)
		case unicode.IsControl(r):
			return a.errf(leaf, "must not contain control character U+%04X, got %q", r, name)
		case unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			return a.errf(leaf, "must not contain invisible character U+%04X, got %q", r, name)
		}
	}
	if strings.TrimSpace(name) != name {
		return a.errf(leaf, "must not begin or end with white space, got %q", name)
	}
	return nil
}

func checkCount(a at, leaf string, n, lo, hi int) error {
	if n < lo {
		return a.errf(leaf, "must have at least %d %s, got %d", lo, entries(lo), n)
	}
	if n > hi {
		return a.errf(leaf, "must have at most %d %s, got %d", hi, entries(hi), n)
	}
	return nil
}

func entries(n int) string {
	if n == 1 {
		return "entry"
	}
	return "entries"
}

func checkRange(a at, leaf string, v, lo, hi int64) error {
	if v < lo {
		return a.errf(leaf, "must be >= %d, got %d", lo, v)
	}
	if v > hi {
		return a.errf(leaf, "must be <= %d, got %d", hi, v)
	}
	return nil
}

func checkMin(a at, leaf string, v, lo int64) error {
	if v < lo {
		return a.errf(leaf, "must be >= %d, got %d", lo, v)
	}
	return nil
}

// checkNameOrder reports duplicates (names equal ignoring case) and lists
// out of canonical order; e is the current element's position.
func checkNameOrder(e at, prev, cur, parent, kind string) error {
	switch {
	case SameName(prev, cur):
		return e.named(cur).errf("", "is a duplicate: %s already has %s %q", parent, kind, cur)
	case CompareNames(prev, cur) > 0:
		return within(e.region, joinPath(e.base, e.list)).errf("", "is not in canonical order (%q before %q); call Normalize", prev, cur)
	}
	return nil
}

func checkIndexOrder(e at, prev, cur int64, parent, kind string) error {
	switch cmp.Compare(prev, cur) {
	case 0:
		return e.indexed(cur).errf("", "is a duplicate: %s already has %s %d", parent, kind, cur)
	case 1:
		return within(e.region, joinPath(e.base, e.list)).errf("", "is not in canonical order (%d before %d); call Normalize", prev, cur)
	}
	return nil
}

func checkEnum[T interface {
	~uint8
	String() string
}](a at, leaf string, v T, n int) error {
	if int(v) >= n {
		return a.errf(leaf, "is out of range, got %v", v)
	}
	return nil
}

func (r *Region) validate(each func()) error {
	a := within(r.Name, "")
	if err := checkText(a, "Name", r.Name); err != nil {
		return err
	}
	if err := checkText(a, "Details.Location", r.Location); err != nil {
		return err
	}
	if err := checkText(a, "Details.Notes", r.Notes); err != nil {
		return err
	}
	if err := checkEnum(a, "Details.State", r.State, len(stateNames)); err != nil {
		return err
	}
	if len(r.Zones) < 1 {
		return a.errf("Zones", "must have at least 1 entry, got 0")
	}
	parent := fmt.Sprintf("region %q", r.Name)
	for i, z := range r.Zones {
		e := element(r.Name, "", "Zones", i+1)
		if z.Name == "" {
			return e.errf("Name", "must not be empty")
		}
		if err := checkName(e.named(z.Name), "Name", z.Name); err != nil {
			return err
		}
		if i > 0 {
			if err := checkNameOrder(e, r.Zones[i-1].Name, z.Name, parent, "zone"); err != nil {
				return err
			}
		}
	}
	for _, z := range r.Zones {
		if err := z.validate(element(r.Name, "", "Zones", 0).named(z.Name), each); err != nil {
			return err
		}
	}
	return nil
}

func (z *Zone) validate(a at, each func()) error {
	if err := checkText(a, "Name", z.Name); err != nil {
		return err
	}
	if err := checkText(a, "Details.Location", z.Location); err != nil {
		return err
	}
	if err := checkText(a, "Details.Notes", z.Notes); err != nil {
		return err
	}
	if err := checkEnum(a, "Details.State", z.State, len(stateNames)); err != nil {
		return err
	}
	if len(z.Racks) < 1 {
		return a.errf("Racks", "must have at least 1 entry, got 0")
	}
	path := a.path("")
	parent := fmt.Sprintf("zone %q", z.Name)
	for i, k := range z.Racks {
		e := element(a.region, path, "Racks", i+1)
		if k.Name == "" {
			return e.errf("Name", "must not be empty")
		}
		if err := checkName(e.named(k.Name), "Name", k.Name); err != nil {
			return err
		}
		if i > 0 {
			if err := checkNameOrder(e, z.Racks[i-1].Name, k.Name, parent, "rack"); err != nil {
				return err
			}
		}
	}
	for _, k := range z.Racks {
		if err := k.validate(element(a.region, path, "Racks", 0).named(k.Name)); err != nil {
			return err
		}
		if each != nil {
			each()
		}
	}
	return nil
}

func (k *Rack) validate(a at) error {
	if err := checkText(a, "Name", k.Name); err != nil {
		return err
	}
	if err := checkText(a, "Details.Location", k.Location); err != nil {
		return err
	}
	if err := checkText(a, "Details.Notes", k.Notes); err != nil {
		return err
	}
	if err := checkEnum(a, "Details.Condition", k.Condition, len(conditionNames)); err != nil {
		return err
	}
	if err := checkCount(a, "Pdus", len(k.PDUs), PDUsPerRackMin, PDUsPerRackMax); err != nil {
		return err
	}
	if err := checkCount(a, "Tors", len(k.TORs), TORsPerRackMin, TORsPerRackMax); err != nil {
		return err
	}
	if err := checkCount(a, "Blades", len(k.Blades), BladesPerRackMin, BladesPerRackMax); err != nil {
		return err
	}
	path := a.path("")
	rackName := "rack " + strconv.Quote(k.Name)
	pdus := element(a.region, path, "Pdus", 0)
	tors := element(a.region, path, "Tors", 0)
	blades := element(a.region, path, "Blades", 0)
	for i := 1; i < len(k.PDUs); i++ {
		if err := checkIndexOrder(pdus, k.PDUs[i-1].Index, k.PDUs[i].Index, rackName, "PDU"); err != nil {
			return err
		}
	}
	for i := 1; i < len(k.TORs); i++ {
		if err := checkIndexOrder(tors, k.TORs[i-1].Index, k.TORs[i].Index, rackName, "TOR"); err != nil {
			return err
		}
	}
	for i := 1; i < len(k.Blades); i++ {
		if err := checkIndexOrder(blades, k.Blades[i-1].Index, k.Blades[i].Index, rackName, "blade"); err != nil {
			return err
		}
	}
	// Each element's own fields first, then the cables between them, so a
	// bad index is reported as such rather than as a dangling cable.
	for _, p := range k.PDUs {
		e := pdus.indexed(p.Index)
		if err := checkRange(e, "Index", p.Index, 0, PDUIndexMax); err != nil {
			return err
		}
		if err := checkEnum(e, "Details.Condition", p.Condition, len(conditionNames)); err != nil {
			return err
		}
	}
	for _, t := range k.TORs {
		e := tors.indexed(t.Index)
		if err := checkRange(e, "Index", t.Index, 0, TORIndexMax); err != nil {
			return err
		}
		if err := checkEnum(e, "Details.Condition", t.Condition, len(conditionNames)); err != nil {
			return err
		}
	}
	for _, b := range k.Blades {
		if err := b.validate(blades.indexed(b.Index)); err != nil {
			return err
		}
	}
	power := cabling{rack: k, kind: "PDU", feeds: "feeds", blades: make([]uint8, len(k.Blades))}
	for _, p := range k.PDUs {
		if err := k.validatePorts(pdus.indexed(p.Index), p.Ports, PDUPortsMax, HwPDU, p.Index, &power); err != nil {
			return err
		}
	}
	network := cabling{rack: k, kind: "TOR", feeds: "links", blades: make([]uint8, len(k.Blades))}
	for _, t := range k.TORs {
		if err := k.validatePorts(tors.indexed(t.Index), t.Ports, TORPortsMax, HwTOR, t.Index, &network); err != nil {
			return err
		}
	}
	// A blade nothing powers never comes up, and one no TOR links can never
	// boot from the network nor be heard: the original accepted both, and
	// left such a blade off, or powered but silent, with no word of why.
	for i, b := range k.Blades {
		if power.blades[i] == 0 {
			return blades.indexed(b.Index).errf("", "has no power cable: no PDU port of rack %q is cabled to it", k.Name)
		}
		if network.blades[i] == 0 {
			return blades.indexed(b.Index).errf("", "has no network cable: no TOR port of rack %q is cabled to it", k.Name)
		}
	}
	return nil
}

// cabling records, for one kind of cable (power from PDU ports, network
// from TOR ports), which connectors of the rack's elements are taken, one
// bit a connector.
type cabling struct {
	rack    *Rack
	kind    string  // "PDU" or "TOR": where these cables start
	feeds   string  // what such a cable does to its far end
	blades  []uint8 // by blade position
	devices [max(PDUIndexMax, TORIndexMax) + 1]uint8
}

// take marks the far end h of a cable taken, or reports the device and port
// of the earlier cable that took it.
func (c *cabling) take(h Hardware) (taken bool, byDev, byPort int64) {
	var m *uint8
	if h.Type == HwBlade {
		i, _ := slices.BinarySearchFunc(c.rack.Blades, h.ID, func(b *Blade, id int64) int { return cmp.Compare(b.Index, id) })
		m = &c.blades[i]
	} else {
		m = &c.devices[h.ID]
	}
	bit := uint8(1) << h.Port
	if *m&bit == 0 {
		*m |= bit
		return false, 0, 0
	}
	// Taken: the first port, in canonical order, that names it.
	for d, ps := range c.ports() {
		for _, q := range ps {
			if q.Wired && q.Item == h {
				return true, c.deviceIndex(d), q.Index
			}
		}
	}
	return true, -1, -1
}

func (c *cabling) deviceIndex(position int) int64 {
	if c.kind == "PDU" {
		return c.rack.PDUs[position].Index
	}
	return c.rack.TORs[position].Index
}

func (c *cabling) ports() [][]Port {
	var out [][]Port
	if c.kind == "PDU" {
		for _, p := range c.rack.PDUs {
			out = append(out, p.Ports)
		}
	} else {
		for _, t := range c.rack.TORs {
			out = append(out, t.Ports)
		}
	}
	return out
}

// validatePorts applies the cabling rules of §1.5: enough ports for every
// blade, no more than the device has, a wired port names an item and an
// unwired one does not, no PDU-to-PDU or TOR-to-TOR cables, and the far end
// exists in this rack; and ours: the far end's connector exists (an element
// has ConnectorsMax of each kind) and takes no other cable of the kind.
func (k *Rack) validatePorts(a at, ports []Port, maxPorts int, self HwType, index int64, c *cabling) error {
	kind := c.kind
	if n := len(ports); n < len(k.Blades) {
		return a.errf("Ports", "must have at least %d %s (one per blade), got %d", len(k.Blades), entries(len(k.Blades)), n)
	}
	if err := checkCount(a, "Ports", len(ports), 1, maxPorts); err != nil {
		return err
	}
	list := element(a.region, a.path(""), "Ports", 0)
	for i := 1; i < len(ports); i++ {
		if ports[i-1].Index >= ports[i].Index {
			return checkIndexOrder(list, ports[i-1].Index, ports[i].Index, fmt.Sprintf("%s %d", kind, index), "port")
		}
	}
	for _, p := range ports {
		e := list.indexed(p.Index)
		if err := checkMin(e, "Index", p.Index, 0); err != nil {
			return err
		}
		if err := checkEnum(e, "Item.Type", p.Item.Type, len(hwTypeNames)); err != nil {
			return err
		}
		if !p.Wired {
			if p.Item != (Hardware{}) {
				return e.errf("Item", "must be empty when Wired is false, got %s", p.Item)
			}
			continue
		}
		if p.Item.Type == HwUnknown {
			return e.errf("Item", "must name an item when Wired is true")
		}
		if p.Item.Type == self {
			return e.errf("Item.Type", "must not be %s: a %s cannot be cabled to a %s", self, kind, kind)
		}
		if err := checkMin(e, "Item.Id", p.Item.ID, 0); err != nil {
			return err
		}
		if err := checkMin(e, "Item.Port", p.Item.Port, 0); err != nil {
			return err
		}
		if !k.has(p.Item.Type, p.Item.ID) {
			return e.errf("Item", "names %s %d, which is not in rack %q", p.Item.Type, p.Item.ID, k.Name)
		}
		if p.Item.Port >= ConnectorsMax {
			return e.errf("Item.Port", "names connector %d of %s %d, which has connectors 0 to %d", p.Item.Port, p.Item.Type, p.Item.ID, ConnectorsMax-1)
		}
		if taken, dev, port := c.take(p.Item); taken {
			return e.errf("Item", "is %s, which %s %d port %d already %s: a connector takes one cable", p.Item, kind, dev, port, c.feeds)
		}
	}
	return nil
}

// has reports whether the rack holds the element a cable names.
func (k *Rack) has(t HwType, id int64) bool {
	switch t {
	case HwPDU:
		return k.PDU(id) != nil
	case HwTOR:
		return k.TOR(id) != nil
	case HwBlade:
		return k.Blade(id) != nil
	}
	return false
}

// String shows a cable's far end as "blade 3 connector 0".
func (h Hardware) String() string {
	return fmt.Sprintf("%s %d connector %d", h.Type, h.ID, h.Port)
}

func (b *Blade) validate(a at) error {
	if err := checkRange(a, "Index", b.Index, 0, BladeIndexMax); err != nil {
		return err
	}
	if err := checkEnum(a, "Details.Condition", b.Condition, len(conditionNames)); err != nil {
		return err
	}
	if err := checkEnum(a, "BootInfo.Source", b.Boot.Source, len(bootSourceNames)); err != nil {
		return err
	}
	if err := checkText(a, "BootInfo.Image", b.Boot.Image); err != nil {
		return err
	}
	if err := checkText(a, "BootInfo.Version", b.Boot.Version); err != nil {
		return err
	}
	if err := checkText(a, "BootInfo.Parameters", b.Boot.Parameters); err != nil {
		return err
	}
	if err := checkText(a, "Capacity.Arch", b.Capacity.Arch); err != nil {
		return err
	}
	c := &b.Capacity
	if err := checkRange(a, "Capacity.Cores", c.Cores, CoresMin, CoresMax); err != nil {
		return err
	}
	if err := checkRange(a, "Capacity.MemoryInMb", c.MemoryMB, MemoryMBMin, MemoryMBMax); err != nil {
		return err
	}
	if err := checkRange(a, "Capacity.DiskInGb", c.DiskGB, DiskGBMin, DiskGBMax); err != nil {
		return err
	}
	if err := checkRange(a, "Capacity.NetworkBandwidthInMbps", c.NetworkMbps, NetworkMbpsMin, NetworkMbpsMax); err != nil {
		return err
	}
	for i, s := range c.Accelerators {
		if s == "" {
			return a.errf(fmt.Sprintf("Capacity.Accelerators[%d]", i), "must not be empty")
		}
		if !utf8.ValidString(s) {
			return a.errf(fmt.Sprintf("Capacity.Accelerators[%d]", i), "must be valid UTF-8")
		}
	}
	return c.validateGPUs(a)
}

// validateGPUs checks Capacity.Gpus: each entry a named model, given once,
// and 1..DevicesMax devices, with the Accelerators no more than DevicesMax
// devices in all.
func (c *Capacity) validateGPUs(a at) error {
	devices := int64(len(c.Accelerators))
	for i, g := range c.GPUs {
		leaf := fmt.Sprintf("Capacity.Gpus[%d]", i)
		if g.Model == "" {
			return a.errf(leaf+".Model", "must not be empty")
		}
		if err := checkText(a, leaf+".Model", g.Model); err != nil {
			return err
		}
		if j := slices.IndexFunc(c.GPUs[:i], func(o GPU) bool { return strings.EqualFold(o.Model, g.Model) }); j >= 0 {
			return a.errf(leaf+".Model", "%q is a duplicate of Gpus[%d] (models compare ignoring case): give one entry a model", g.Model, j)
		}
		if err := checkRange(a, leaf+".Count", g.Count, 1, DevicesMax); err != nil {
			return err
		}
		if devices += g.Count; devices > DevicesMax {
			return a.errf("Capacity.Gpus", "and Accelerators make %d devices or more, at most %d", devices, DevicesMax)
		}
	}
	if devices > DevicesMax {
		return a.errf("Capacity.Accelerators", "has %d entries, at most %d devices", devices, DevicesMax)
	}
	return nil
}
