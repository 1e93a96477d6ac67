package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// The entry points for faults and their repair. The original had the
// states (faulted, stuck, faulted cables) but nothing reached them; the
// fault injector and the technician of the repair manager call these.

// FaultBlade breaks a blade: it drops every message and loses its timers
// until it is repaired.
func (m *Model) FaultBlade(sp *trace.Span, b views.BladeID) error {
	bl := &m.blades[b]
	if bl.State == BladeFaulted {
		return fmt.Errorf("%w: %s is already faulted", ErrNoOperation, bl.Path)
	}
	m.enter(sp, b, BladeFaulted, whyFaultInjected, 0)
	return nil
}

// RepairBlade fixes a faulted blade. It comes back off, as a replaced blade
// would, and then follows its inputs: if it is powered and connected and
// boots on power-on, it boots.
func (m *Model) RepairBlade(sp *trace.Span, b views.BladeID) error {
	bl := &m.blades[b]
	if bl.State != BladeFaulted {
		return fmt.Errorf("%w: %s is %s, not faulted", ErrNoOperation, bl.Path, bl.State)
	}
	bl.Powered, bl.Connected = m.powerInput(b), m.networkInput(b)
	switch {
	case bl.Powered && bl.Connected:
		m.enter(sp, b, BladePoweredConnected, whyRepairedPoweredConnected, 0)
	case bl.Powered:
		m.enter(sp, b, BladePoweredDisconnected, whyRepairedPowered, 0)
	case bl.Connected:
		m.enter(sp, b, BladeOffConnected, whyRepairedConnected, 0)
	default:
		m.enter(sp, b, BladeOffDisconnected, whyRepaired, 0)
	}
	return nil
}

// SetCableFault breaks or mends the cable in a PDU's or TOR's port. A
// broken cable carries nothing and refuses to be switched; the blade at its
// far end sees its input change.
func (m *Model) SetCableFault(sp *trace.Span, p PortRef, faulted bool) error {
	dev, slot := p.Dev, int(p.Slot)
	if !dev.Kind.IsDevice() {
		return fmt.Errorf("%w: a %s has no cables", ErrInvalidTarget, dev.Kind)
	}
	d := m.device(dev)
	ports := d.ports
	if slot < 0 || slot >= len(ports) {
		return fmt.Errorf("%w: %s has no port at position %d", ErrInvalidTarget, m.Path(dev), slot)
	}
	c, path := &ports[slot], d.portPath(p.Slot)
	if c.Faulted == faulted {
		return fmt.Errorf("%w: %s is already %s", ErrNoOperation, path, map[bool]string{true: "faulted", false: "sound"}[faulted])
	}
	now := m.env.Now
	c.Faulted = faulted
	m.putCable(c)
	m.dirtyDevice(dev)
	sp.Impact(trace.Modify, path)
	if faulted {
		sp.Info(now, msgCableFaulted, trace.Str(path))
	} else {
		sp.Info(now, msgCableMended, trace.Str(path))
	}
	if c.Blade >= 0 && c.On && d.passes() && d.Def.Enabled {
		if d.kind().network {
			m.sendNetwork(sp, c.Blade)
		} else {
			m.sendPower(sp, c.Blade)
		}
	}
	return nil
}

// StopRack terminates a rack: its state machine ends and every element in it
// stops answering (the original's StopSM).
func (m *Model) StopRack(sp *trace.Span, ri int32) error {
	r := &m.racks[ri]
	if r.State == RackTerminated {
		return fmt.Errorf("%w: rack %s is already terminated", ErrNoOperation, r.Path)
	}
	sp.Info(m.env.Now, msgRackTerminated, trace.Str(r.Path), trRackStates.Of(uint8(r.State)))
	sp.Impact(trace.Modify, r.Path)
	r.State, r.EnteredAt = RackTerminated, m.env.Now
	for bi := r.BladeLo; bi < r.BladeHi; bi++ {
		if m.blades[bi].timerSerial != 0 {
			m.disarm(sp, bi)
			m.putBlade(bi)
		}
	}
	m.putRack(int(ri))
	return nil
}
