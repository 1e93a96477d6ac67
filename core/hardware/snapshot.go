package hardware

import (
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/snap"
)

// MarshalSnapshot writes the hardware's state: the random streams, the
// timer counter, and every element's and cable's state. The structure
// (which elements exist, how they are cabled) comes from the definition and
// is rebuilt by New before a restore.
func (m *Model) MarshalSnapshot(w *snap.Writer) {
	w.Section("hardware", 1)
	for s := 1; s <= streamCount; s++ {
		b, _ := m.rand[s].MarshalBinary()
		w.Blob(b)
	}
	w.Uint(m.timers)
	w.Uint(uint64(len(m.racks)))
	for i := range m.racks {
		r := &m.racks[i]
		w.Uint(uint64(r.State))
		w.Int(int64(r.EnteredAt))
	}
	for _, k := range deviceKindsInOrder {
		dk, devs := deviceKinds[k], m.devices(k)
		w.Uint(uint64(len(devs)))
		for i := range devs {
			d := &devs[i]
			dk.writeState(w, d.State)
			if !dk.network {
				dk.writeState(w, d.stuckFrom)
			}
			w.Int(int64(d.EnteredAt))
			w.Int(int64(d.Guard))
			writeCables(w, d.ports)
		}
	}
	w.Uint(uint64(len(m.blades)))
	for i := range m.blades {
		b := &m.blades[i]
		w.Uint(uint64(b.State))
		w.Int(int64(b.EnteredAt))
		w.Int(int64(b.Guard))
		w.Bool(b.Powered)
		w.Bool(b.Connected)
		w.Uint(b.timerSerial)
		w.Uint(b.timerSeq)
		w.Int(int64(b.TimerDue))
		w.Bool(b.rebootPending)
	}
}

func writeCables(w *snap.Writer, cs []Cable) {
	w.Uint(uint64(len(cs)))
	for i := range cs {
		w.Bool(cs[i].On)
		w.Bool(cs[i].Faulted)
		w.Int(int64(cs[i].Guard))
	}
}

// UnmarshalSnapshot restores a snapshot over a model built by New from the
// same definition.
func (m *Model) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("hardware", 1)
	for s := 1; s <= streamCount; s++ {
		b := r.Blob()
		if r.Err() != nil {
			return r.Err()
		}
		if err := m.rand[s].UnmarshalBinary(b); err != nil {
			return r.Fail(err)
		}
	}
	m.timers = r.Uint()
	if n := r.Uint(); r.Err() == nil && n != uint64(len(m.racks)) {
		return r.Failf("snapshot has %d racks, the inventory %d", n, len(m.racks))
	}
	for i := range m.racks {
		m.racks[i].State = readState[RackState](r, len(rackStateNames))
		m.racks[i].EnteredAt = clock.Tick(r.Int())
	}
	for _, k := range deviceKindsInOrder {
		dk, devs := deviceKinds[k], m.devices(k)
		if n := r.Uint(); r.Err() == nil && n != uint64(len(devs)) {
			return r.Failf("snapshot has %d %s, the inventory %d", n, dk.plural, len(devs))
		}
		for i := range devs {
			d := &devs[i]
			d.State = dk.readState(r)
			if !dk.network {
				d.stuckFrom = dk.readState(r)
			}
			d.EnteredAt, d.Guard = clock.Tick(r.Int()), clock.Tick(r.Int())
			readCables(r, d.ports)
		}
	}
	if n := r.Uint(); r.Err() == nil && n != uint64(len(m.blades)) {
		return r.Failf("snapshot has %d blades, the inventory %d", n, len(m.blades))
	}
	for i := range m.blades {
		b := &m.blades[i]
		b.State = readState[BladeState](r, int(bladeStateCount))
		b.EnteredAt, b.Guard = clock.Tick(r.Int()), clock.Tick(r.Int())
		b.Powered, b.Connected = r.Bool(), r.Bool()
		b.timerSerial, b.timerSeq = r.Uint(), r.Uint()
		b.TimerDue = clock.Tick(r.Int())
		b.rebootPending = r.Bool()
	}
	m.resyncHeartbeats()
	return r.Err()
}

func readCables(r *snap.Reader, cs []Cable) {
	if n := r.Uint(); r.Err() == nil && n != uint64(len(cs)) {
		r.Failf("snapshot has %d ports, the inventory %d", n, len(cs))
		return
	}
	for i := range cs {
		cs[i].On, cs[i].Faulted = r.Bool(), r.Bool()
		cs[i].Guard = clock.Tick(r.Int())
	}
}
