package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/trace"
)

// The entry points for faults and their repair. The original had the
// states (faulted, stuck, faulted cables) but nothing reached them; the
// fault injector and the technician of the repair manager call these.

// FaultBlade breaks a blade: it drops every message and loses its timers
// until it is repaired.
func (m *Model) FaultBlade(sp *trace.Span, b int32) error {
	bl := &m.Blades[b]
	if bl.State == BladeFaulted {
		return fmt.Errorf("%w: %s is already faulted", ErrNoOperation, bl.Path)
	}
	m.enter(sp, b, BladeFaulted, whyFaultInjected, 0)
	return nil
}

// RepairBlade fixes a faulted blade. It comes back off, as a replaced blade
// would, and then follows its inputs: if it is powered and connected and
// boots on power-on, it boots.
func (m *Model) RepairBlade(sp *trace.Span, b int32) error {
	bl := &m.Blades[b]
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

// SetPDUStuck makes a PDU stop obeying (or obey again). A stuck PDU keeps
// passing power as it did: "unresponsive, power may or may not still be on".
func (m *Model) SetPDUStuck(sp *trace.Span, pi int32, stuck bool) error {
	p := &m.PDUs[pi]
	if stuck == (p.State == PDUStuck) {
		return fmt.Errorf("%w: %s is already %s", ErrNoOperation, p.Path, p.State)
	}
	if stuck {
		p.stuckFrom = p.State
		m.enterPDU(sp, pi, PDUStuck, whyFaultInjected)
		return nil
	}
	m.enterPDU(sp, pi, p.stuckFrom, whyRepaired)
	return nil
}

// SetTORStuck makes a TOR stop obeying and answering (or recover). Its
// ports keep forwarding traffic, so the blades behind it keep working while
// nothing can reach them.
func (m *Model) SetTORStuck(sp *trace.Span, ti int32, stuck bool) error {
	t := &m.TORs[ti]
	if stuck == (t.State == TORStuck) {
		return fmt.Errorf("%w: %s is already %s", ErrNoOperation, t.Path, t.State)
	}
	to, why := TORWorking, whyRepaired
	if stuck {
		to, why = TORStuck, whyFaultInjected
	}
	m.enterTOR(sp, ti, to, why)
	return nil
}

// SetCableFault breaks or mends the cable in a PDU's or TOR's port, given
// by position in its Ports. A broken cable carries nothing and refuses to
// be switched; the blade at its far end sees its input change.
func (m *Model) SetCableFault(sp *trace.Span, dev Ref, slot int, faulted bool) error {
	var ports []Cable
	switch dev.Kind {
	case KindPDU:
		ports = m.PDUs[dev.Index].Ports
	case KindTOR:
		ports = m.TORs[dev.Index].Ports
	default:
		return fmt.Errorf("%w: a %s has no cables", ErrInvalidTarget, dev.Kind)
	}
	if slot < 0 || slot >= len(ports) {
		return fmt.Errorf("%w: %s has no port at position %d", ErrInvalidTarget, m.Path(dev), slot)
	}
	c := &ports[slot]
	if c.Faulted == faulted {
		return fmt.Errorf("%w: %s is already %s", ErrNoOperation, c.Path, map[bool]string{true: "faulted", false: "sound"}[faulted])
	}
	now := m.env.Now
	c.Faulted = faulted
	m.putCable(c)
	if dev.Kind == KindPDU {
		m.dirtyPDU(dev.Index)
	} else {
		m.dirtyTOR(dev.Index)
	}
	sp.Impact(trace.Modify, c.Path)
	if faulted {
		sp.Info(now, msgCableFaulted, trace.Str(c.Path))
	} else {
		sp.Info(now, msgCableMended, trace.Str(c.Path))
	}
	if c.Blade >= 0 && c.On {
		if dev.Kind == KindPDU && m.PDUs[dev.Index].live() && m.PDUs[dev.Index].Def.Enabled {
			m.sendPower(sp, c.Blade)
		}
		if dev.Kind == KindTOR && m.TORs[dev.Index].Def.Enabled {
			m.sendNetwork(sp, c.Blade)
		}
	}
	return nil
}

// Stop terminates a rack: its state machine ends and every element in it
// stops answering (the original's StopSM).
func (m *Model) Stop(sp *trace.Span, ri int32) error {
	r := &m.Racks[ri]
	if r.State == RackTerminated {
		return fmt.Errorf("%w: rack %s is already terminated", ErrNoOperation, r.Path)
	}
	sp.Info(m.env.Now, msgRackTerminated, trace.Str(r.Path), trRackStates.Of(uint8(r.State)))
	sp.Impact(trace.Modify, r.Path)
	r.State, r.EnteredAt = RackTerminated, m.env.Now
	for bi := r.BladeLo; bi < r.BladeHi; bi++ {
		if m.Blades[bi].timerSerial != 0 {
			m.disarm(sp, bi)
			m.putBlade(bi)
		}
	}
	m.putRack(int(ri))
	return nil
}
