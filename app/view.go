package app

import "github.com/cloudchamber/cloudchamber/core/hardware"

// pageView is the page's view state of its world: the element selected
// and the region/zone shown. The Shell owns it; the components that show
// it receive its values as props (Selected, Zone) and change it through a
// picker. It belongs to one run of the session: a new run (Session.Begun)
// starts it afresh, and a selection the world does not have is dropped.
type pageView struct {
	begun    uint64 // the session's run it belongs to (Session.Begun)
	selected string // the selected element's path ("" if none)
	zone     string // the region/zone shown ("" for the first)
}

// picker is how a component changes the page's view state (the Shell).
type picker interface {
	// selectElement selects the element at path ("" for none); a path the
	// world does not have changes nothing.
	selectElement(path string)
	// showZone shows region/zone z, if the world has it.
	showZone(z string)
}

// sync makes v hold for s: afresh for a new run, without a selection
// that is not in s's world.
func (v *pageView) sync(s *Session) {
	if v.begun != s.Begun() {
		*v = pageView{begun: s.Begun()}
	}
	if _, ok := s.World().Hardware().Lookup(v.selected); !ok {
		v.selected = ""
	}
}

// shownZone is the region/zone shown for the choice z: z if s's world has
// it, else its first.
func shownZone(s *Session, z string) string {
	if z != "" && s.hasZone(z) {
		return z
	}
	return s.Zones()[0]
}

// zoneIndex is a world's zones, made once per world: every render asks
// for them several times, and walking 500 racks each time (joining their
// region and zone names) was half of a render at 50,000 blades.
type zoneIndex struct {
	gen    uint64   // the session's rackGen it was made for
	names  []string // region/zone, in inventory order
	racks  [][]int  // by zone: its rack indexes
	blades []int    // by zone: its blades
}

// zoneIndex is the index of the session's world, made if it is new.
func (s *Session) zoneIndex() *zoneIndex {
	if s.zones != nil && s.zones.gen == s.rackGen {
		return s.zones
	}
	zi := &zoneIndex{gen: s.rackGen}
	hw := s.world.Hardware()
	at := map[string]int{}
	for i := range hw.NumRacks() {
		r := hw.Rack(int32(i))
		z := r.Region + "/" + r.Zone
		k, ok := at[z]
		if !ok {
			k = len(zi.names)
			at[z] = k
			zi.names, zi.racks, zi.blades = append(zi.names, z), append(zi.racks, nil), append(zi.blades, 0)
		}
		zi.racks[k] = append(zi.racks[k], i)
		zi.blades[k] += int(r.BladeHi - r.BladeLo)
	}
	s.zones = zi
	return zi
}

// zone is the index of region/zone z, or -1.
func (zi *zoneIndex) zone(z string) int {
	for k, n := range zi.names {
		if n == z {
			return k
		}
	}
	return -1
}

// zoneRacks are the rack indexes of zone z (as shownZone gives it; do not
// modify).
func zoneRacks(s *Session, z string) []int {
	zi := s.zoneIndex()
	if k := zi.zone(z); k >= 0 {
		return zi.racks[k]
	}
	return nil
}

// zoneBlades counts the blades of zone z.
func zoneBlades(s *Session, z string) int {
	zi := s.zoneIndex()
	if k := zi.zone(z); k >= 0 {
		return zi.blades[k]
	}
	return 0
}

// drilledRack is the rack a large zone draws in full, with the selected
// element's card beside it: the rack of selected when it is in zone z
// (as shownZone gives it), or -1.
func drilledRack(s *Session, selected, z string) int {
	if s == nil || s.World() == nil || zoneBlades(s, z) <= AggregateAbove {
		return -1
	}
	hw := s.World().Hardware()
	ref, ok := hw.Lookup(selected)
	if !ok {
		return -1
	}
	r := hw.Rack(hw.RackOf(ref))
	if r.Region+"/"+r.Zone != z {
		return -1
	}
	return int(hw.RackOf(ref))
}

// selIn is sel if it is an element of rack, else "".
func selIn(hw *hardware.Model, sel string, rack int) string {
	if ref, ok := hw.Lookup(sel); ok && int(hw.RackOf(ref)) == rack {
		return sel
	}
	return ""
}
