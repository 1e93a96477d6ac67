package hardware

import (
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
)

// The actual view: the hardware writes one record per element and per
// cable whenever it changes, keyed by the element's path. Records are
// values, never changed after they are written.

// BladeActual is a blade's actual record.
type BladeActual struct {
	State     BladeState
	EnteredAt clock.Tick
	Guard     clock.Tick
	Powered   bool
	Connected bool
	TimerDue  clock.Tick // the running boot or shutdown timer's due tick, or Never
}

// PDUActual is a PDU's actual record (its outlets are cable records).
type PDUActual struct {
	State     PDUState
	EnteredAt clock.Tick
	Guard     clock.Tick
}

// TORActual is a TOR's actual record (its ports are cable records).
type TORActual struct {
	State     TORState
	EnteredAt clock.Tick
	Guard     clock.Tick
}

// CableActual is a cable's actual record, keyed by its port's path.
type CableActual struct {
	On      bool
	Faulted bool
	Guard   clock.Tick
}

// RackActual is a rack's actual record.
type RackActual struct {
	State     RackState
	EnteredAt clock.Tick
}

func (m *Model) putBlade(i int32) {
	b := &m.Blades[i]
	m.dirtyBlade(i)
	m.env.Store.Put(store.Actual, b.Path, BladeActual{State: b.State, EnteredAt: b.EnteredAt, Guard: b.Guard,
		Powered: b.Powered, Connected: b.Connected, TimerDue: b.TimerDue})
}

func (m *Model) putPDU(i int32) {
	p := &m.PDUs[i]
	m.dirtyPDU(i)
	m.env.Store.Put(store.Actual, p.Path, PDUActual{State: p.State, EnteredAt: p.EnteredAt, Guard: p.Guard})
}

func (m *Model) putTOR(i int32) {
	t := &m.TORs[i]
	m.dirtyTOR(i)
	m.env.Store.Put(store.Actual, t.Path, TORActual{State: t.State, EnteredAt: t.EnteredAt, Guard: t.Guard})
}

func (m *Model) putCable(c *Cable) {
	if c.Blade >= 0 {
		m.dirtyBlade(c.Blade)
	}
	m.env.Store.Put(store.Actual, c.Path, CableActual{On: c.On, Faulted: c.Faulted, Guard: c.Guard})
}

func (m *Model) putRack(i int) {
	r := &m.Racks[i]
	m.dirtyRack(int32(i))
	m.env.Store.Put(store.Actual, r.Path, RackActual{State: r.State, EnteredAt: r.EnteredAt})
}

func (v BladeActual) SnapshotKind() string { return "hw.blade" }
func (v BladeActual) MarshalSnapshot(w *snap.Writer) {
	w.Uint(uint64(v.State))
	w.Int(int64(v.EnteredAt))
	w.Int(int64(v.Guard))
	w.Bool(v.Powered)
	w.Bool(v.Connected)
	w.Int(int64(v.TimerDue))
}

func (v PDUActual) SnapshotKind() string { return "hw.pdu" }
func (v PDUActual) MarshalSnapshot(w *snap.Writer) {
	w.Uint(uint64(v.State))
	w.Int(int64(v.EnteredAt))
	w.Int(int64(v.Guard))
}

func (v TORActual) SnapshotKind() string { return "hw.tor" }
func (v TORActual) MarshalSnapshot(w *snap.Writer) {
	w.Uint(uint64(v.State))
	w.Int(int64(v.EnteredAt))
	w.Int(int64(v.Guard))
}

func (v CableActual) SnapshotKind() string { return "hw.cable" }
func (v CableActual) MarshalSnapshot(w *snap.Writer) {
	w.Bool(v.On)
	w.Bool(v.Faulted)
	w.Int(int64(v.Guard))
}

func (v RackActual) SnapshotKind() string { return "hw.rack" }
func (v RackActual) MarshalSnapshot(w *snap.Writer) {
	w.Uint(uint64(v.State))
	w.Int(int64(v.EnteredAt))
}

func readState[T ~uint8](r *snap.Reader, count int) T {
	v := r.Uint()
	if v >= uint64(count) {
		r.Failf("state %d out of range", v)
		return 0
	}
	return T(v)
}

// Codecs decode the hardware's actual records from a snapshot.
var Codecs = store.Codecs{
	"hw.blade": func(r *snap.Reader) (store.Value, error) {
		v := BladeActual{State: readState[BladeState](r, int(bladeStateCount)), EnteredAt: clock.Tick(r.Int()), Guard: clock.Tick(r.Int()),
			Powered: r.Bool(), Connected: r.Bool(), TimerDue: clock.Tick(r.Int())}
		return v, r.Err()
	},
	"hw.pdu": func(r *snap.Reader) (store.Value, error) {
		v := PDUActual{State: readState[PDUState](r, len(pduStateNames)), EnteredAt: clock.Tick(r.Int()), Guard: clock.Tick(r.Int())}
		return v, r.Err()
	},
	"hw.tor": func(r *snap.Reader) (store.Value, error) {
		v := TORActual{State: readState[TORState](r, len(torStateNames)), EnteredAt: clock.Tick(r.Int()), Guard: clock.Tick(r.Int())}
		return v, r.Err()
	},
	"hw.cable": func(r *snap.Reader) (store.Value, error) {
		v := CableActual{On: r.Bool(), Faulted: r.Bool(), Guard: clock.Tick(r.Int())}
		return v, r.Err()
	},
	"hw.rack": func(r *snap.Reader) (store.Value, error) {
		v := RackActual{State: readState[RackState](r, len(rackStateNames)), EnteredAt: clock.Tick(r.Int())}
		return v, r.Err()
	},
}
