package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/views"
)

// Reading the model. Clients read elements as values, through these
// methods, and change them only by commands (Do, the fault entry points):
// the elements live in slices of the model's own.

// NumRacks is the number of racks; they are numbered 0 … NumRacks()-1.
func (m *Model) NumRacks() int { return len(m.racks) }

// NumBlades is the number of blades, numbered 0 … NumBlades()-1, rack by
// rack.
func (m *Model) NumBlades() int { return len(m.blades) }

// NumDevices is the number of PDUs or TORs (k), numbered rack by rack; 0
// for any other kind.
func (m *Model) NumDevices(k Kind) int {
	if !k.IsDevice() {
		return 0
	}
	return len(m.devices(k))
}

// Rack is rack i.
func (m *Model) Rack(i int32) Rack { return m.racks[i] }

// Blade is blade i.
func (m *Model) Blade(i views.BladeID) Blade { return m.blades[i] }

// BladeState is blade i's state: Blade(i).State without the copy, for
// loops over every blade.
func (m *Model) BladeState(i views.BladeID) BladeState { return m.blades[i].State }

// Device is the PDU or TOR ref names (its ports: Ports, Cable).
func (m *Model) Device(ref Ref) Device { return *m.device(ref) }

// RackOf is the rack of an element (a rack is its own).
func (m *Model) RackOf(ref Ref) int32 {
	switch ref.Kind {
	case KindBlade:
		return m.blades[ref.Index].Rack
	case KindPDU, KindTOR:
		return m.device(ref).Rack
	}
	return ref.Index
}

// Devices is the range of a rack's PDUs or TORs (k): they are numbered
// lo … hi-1. Any other kind is a bug in the caller (panics).
func (r *Rack) Devices(k Kind) (lo, hi int32) {
	switch k {
	case KindPDU:
		return r.PDULo, r.PDUHi
	case KindTOR:
		return r.TORLo, r.TORHi
	}
	panic(fmt.Sprintf("hardware: a rack has no devices of kind %s", k))
}
