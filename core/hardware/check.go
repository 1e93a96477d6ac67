package hardware

import (
	"cmp"
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// A restored snapshot may be damaged anywhere (it comes back from browser
// storage): Restore reads its framing, and these checks refuse any content
// the model would later trust, so that a damaged snapshot is an error and
// never a panic or a quietly different run.

// CheckEvent reports whether ev is a hardware event the model can run.
func (m *Model) CheckEvent(ev clock.Event) error {
	switch ev.Kind {
	case EvPower, EvNetwork, EvBootTimer, EvShutdownTimer:
	default:
		return fmt.Errorf("hardware event of unknown kind %#04x", uint16(ev.Kind))
	}
	if int(ev.Target) >= len(m.blades) {
		return fmt.Errorf("hardware event for blade %d of %d", ev.Target, len(m.blades))
	}
	return nil
}

// CheckRestored verifies a restored model against itself, the queue and the
// store: each state is one its element can be in at tick now, each running
// blade timer is the event queued for it, and every actual record in the
// store is the one the model would write, with none left over.
func (m *Model) CheckRestored(now clock.Tick, pending map[uint64]clock.Scheduled) error {
	for i := range m.racks {
		r := &m.racks[i]
		if r.State == RackInvalid || r.EnteredAt > now {
			return fmt.Errorf("%s: state %s since t=%d at t=%d", r.Path, r.State, r.EnteredAt, now)
		}
		if err := checkRecord(m.Actual.Racks, int32(i), r.Path, r.actual()); err != nil {
			return err
		}
	}
	cables := 0
	for _, k := range deviceKindsInOrder {
		devs := m.devices(k)
		for i := range devs {
			d := &devs[i]
			if !d.statesValid() || d.EnteredAt > now || d.Guard > now {
				stuck := ""
				if !d.kind().network {
					stuck = fmt.Sprintf(" (stuck from %s)", d.stuckFrom)
				}
				return fmt.Errorf("%s: state %s%s since t=%d, guard t=%d, at t=%d", d.Path, d.State, stuck, d.EnteredAt, d.Guard, now)
			}
			if err := checkRecord(m.Actual.devices(k), int32(i), d.Path, d.actual()); err != nil {
				return err
			}
			if err := m.checkCables(now, d); err != nil {
				return err
			}
			cables += len(d.ports)
		}
	}
	for i := range m.blades {
		b := &m.blades[i]
		if err := m.checkBlade(int32(i), now, pending); err != nil {
			return fmt.Errorf("%s: %w", b.Path, err)
		}
		if err := checkRecord(m.Actual.Blades, views.BladeID(i), b.Path, b.actual()); err != nil {
			return err
		}
	}
	for _, t := range []struct {
		name    string
		n, want int
	}{{"rack", m.Actual.Racks.Len(), len(m.racks)}, {"PDU", m.Actual.PDUs.Len(), len(m.pdus)}, {"TOR", m.Actual.TORs.Len(), len(m.tors)},
		{"blade", m.Actual.Blades.Len(), len(m.blades)}, {"cable", m.Actual.Cables.Len(), cables}} {
		if t.n != t.want {
			return fmt.Errorf("the actual view has %d %s records for %d of them", t.n, t.name, t.want)
		}
	}
	return nil
}

func (m *Model) checkCables(now clock.Tick, d *Device) error {
	for i := range d.ports {
		c := &d.ports[i]
		if c.Guard > now {
			return fmt.Errorf("%s: guard t=%d at t=%d", d.portPath(int32(i)), c.Guard, now)
		}
		if err := checkRecord(m.Actual.Cables, c.Place, d.portPath(int32(i)), c.actual()); err != nil {
			return err
		}
	}
	return nil
}

func (m *Model) checkBlade(b int32, now clock.Tick, pending map[uint64]clock.Scheduled) error {
	bl := &m.blades[b]
	switch {
	case bl.State == BladeInvalid || bl.State == BladeStart:
		return fmt.Errorf("state %s after the start", bl.State)
	case bl.EnteredAt > now || bl.Guard > now:
		return fmt.Errorf("state %s since t=%d, guard t=%d, at t=%d", bl.State, bl.EnteredAt, bl.Guard, now)
	case bl.rebootPending && bl.State != BladeStopping && bl.State != BladeStoppingIsolated:
		return fmt.Errorf("a reboot pending while %s", bl.State)
	}
	timed := bl.State == BladeBooting || bl.State == BladeStopping || bl.State == BladeStoppingIsolated
	if bl.timerSerial == 0 {
		if timed || bl.timerSeq != 0 || bl.TimerDue != clock.Never {
			return fmt.Errorf("%s with no running timer (seq %d, due t=%d)", bl.State, bl.timerSeq, bl.TimerDue)
		}
		return nil
	}
	kind := EvShutdownTimer
	if bl.State == BladeBooting {
		kind = EvBootTimer
	}
	ev, ok := pending[bl.timerSeq]
	switch {
	case !timed:
		return fmt.Errorf("a running timer %d while %s", bl.timerSerial, bl.State)
	case bl.timerSerial > m.timers:
		return fmt.Errorf("timer %d beyond the counter %d", bl.timerSerial, m.timers)
	case !ok || ev.Kind != kind || ev.Target != uint32(b) || ev.Ref != bl.timerSerial || ev.At != bl.TimerDue || ev.At < now:
		return fmt.Errorf("its timer %d (due t=%d) is not the event queued as %d", bl.timerSerial, bl.TimerDue, bl.timerSeq)
	}
	return nil
}

// checkRecord verifies that the actual record at key (of the element or
// cable at path) is want.
func checkRecord[K cmp.Ordered, V comparable](t *store.Table[K, V], key K, path string, want V) error {
	got, ok := t.Get(key)
	if !ok {
		return fmt.Errorf("%s: no actual record", path)
	}
	if got != want {
		return fmt.Errorf("%s: the actual record %+v is not the hardware's state %+v", path, got, want)
	}
	return nil
}
