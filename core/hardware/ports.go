package hardware

import (
	"iter"

	"github.com/cloudchamber/cloudchamber/core/views"
)

// The port and cable lookups: a PDU's outlets and a TOR's ports, by slot
// (position in the device's ports, as the inventory lists them) or by
// port number (the inventory's port index). Cables are returned as
// values: the model changes them only by commands.

// PortRef is one port of a PDU or TOR.
type PortRef struct {
	Dev  Ref
	Slot int32 // position in the device's ports
}

// NumPorts is how many ports a PDU or TOR has (0 for any other element).
func (m *Model) NumPorts(dev Ref) int {
	if !dev.Kind.IsDevice() {
		return 0
	}
	return len(m.device(dev).ports)
}

// Ports yields each port of a PDU or TOR, by slot, and the cable plugged
// into it (nothing for any other element).
func (m *Model) Ports(dev Ref) iter.Seq2[PortRef, Cable] {
	return func(yield func(PortRef, Cable) bool) {
		if !dev.Kind.IsDevice() {
			return
		}
		for i, c := range m.device(dev).ports {
			if !yield(PortRef{dev, int32(i)}, c) {
				return
			}
		}
	}
}

// Cable is the port p and the cable plugged into it; p must name a port.
func (m *Model) Cable(p PortRef) Cable { return m.device(p.Dev).ports[p.Slot] }

// CablePath is the path of port p, e.g. region/zone/rack/pdu/0/port/3;
// p must name a port.
func (m *Model) CablePath(p PortRef) string { return m.device(p.Dev).portPath(p.Slot) }

// PortSlot finds the port of a PDU or TOR numbered port in the inventory.
func (m *Model) PortSlot(dev Ref, port int64) (PortRef, bool) {
	if dev.Kind.IsDevice() {
		for i, c := range m.device(dev).ports {
			if c.Port == port {
				return PortRef{dev, int32(i)}, true
			}
		}
	}
	return PortRef{dev, -1}, false
}

// BladeCables are the PDU outlets and TOR ports cabled to a blade, from
// the inventory's cabling.
func (m *Model) BladeCables(b views.BladeID) (power, network []PortRef) {
	for _, f := range m.cabled(b, KindPDU) {
		power = append(power, PortRef{Ref{KindPDU, f.dev}, f.slot})
	}
	for _, l := range m.cabled(b, KindTOR) {
		network = append(network, PortRef{Ref{KindTOR, l.dev}, l.slot})
	}
	return power, network
}
