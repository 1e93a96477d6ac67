package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
)

// The actual records: the hardware writes one record per element and per
// cable whenever it changes, into the table of its kind (Model.Actual).
// Records are values, never changed after they are written.

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

// CableKey names a cable by the PDU or TOR it is plugged into and its
// position among that device's ports; keys sort by device kind, device,
// then position.
type CableKey int64

// MakeCableKey is the key of the cable in slot of dev (a PDU or TOR).
func MakeCableKey(dev Ref, slot int32) CableKey {
	return CableKey(int64(dev.Kind)<<48 | int64(uint32(dev.Index))<<16 | int64(uint16(slot)))
}

// Dev is the PDU or TOR the cable is plugged into.
func (k CableKey) Dev() Ref { return Ref{Kind(k >> 48), int32(uint32(k >> 16))} }

// Slot is the cable's position among its device's ports.
func (k CableKey) Slot() int32 { return int32(uint16(k)) }

// Actuals are the store's tables of the hardware's actual records, each
// keyed by the element's index in the model's slice of its kind.
type Actuals struct {
	Racks  *store.Table[int32, RackActual]
	PDUs   *store.Table[int32, PDUActual]
	TORs   *store.Table[int32, TORActual]
	Blades *store.Table[int32, BladeActual]
	Cables *store.Table[CableKey, CableActual]
}

func newActuals(s *store.Store) *Actuals {
	return &Actuals{
		Racks:  store.NewTable(s, "actual.racks", store.Int32Keys, rackCodec),
		PDUs:   store.NewTable(s, "actual.pdus", store.Int32Keys, pduCodec),
		TORs:   store.NewTable(s, "actual.tors", store.Int32Keys, torCodec),
		Blades: store.NewTable(s, "actual.blades", store.Int32Keys, bladeCodec),
		Cables: store.NewTable(s, "actual.cables", cableKeys, cableCodec),
	}
}

func (m *Model) putBlade(i int32) {
	b := &m.Blades[i]
	m.dirtyBlade(i)
	m.Actual.Blades.Put(i, b.actual())
}

func (m *Model) putPDU(i int32) {
	m.dirtyPDU(i)
	m.Actual.PDUs.Put(i, m.PDUs[i].actual())
}

func (m *Model) putTOR(i int32) {
	m.dirtyTOR(i)
	m.Actual.TORs.Put(i, m.TORs[i].actual())
}

func (m *Model) putCable(c *Cable) {
	if c.Blade >= 0 {
		m.dirtyBlade(c.Blade)
	}
	m.Actual.Cables.Put(c.Key, c.actual())
}

func (m *Model) putRack(i int) {
	m.dirtyRack(int32(i))
	m.Actual.Racks.Put(int32(i), m.Racks[i].actual())
}

func (b *Blade) actual() BladeActual {
	return BladeActual{State: b.State, EnteredAt: b.EnteredAt, Guard: b.Guard, Powered: b.Powered, Connected: b.Connected, TimerDue: b.TimerDue}
}

func (p *PDU) actual() PDUActual {
	return PDUActual{State: p.State, EnteredAt: p.EnteredAt, Guard: p.Guard}
}
func (t *TOR) actual() TORActual {
	return TORActual{State: t.State, EnteredAt: t.EnteredAt, Guard: t.Guard}
}
func (c *Cable) actual() CableActual {
	return CableActual{On: c.On, Faulted: c.Faulted, Guard: c.Guard}
}
func (r *Rack) actual() RackActual { return RackActual{State: r.State, EnteredAt: r.EnteredAt} }

func readState[T ~uint8](r *snap.Reader, count int) T {
	v := r.Uint()
	if r.Err() == nil && v >= uint64(count) {
		r.Failf("state %d out of range", v)
		return 0
	}
	return T(v)
}

var cableKeys = store.Codec[CableKey]{
	Write: func(w *snap.Writer, k CableKey) { w.Int(int64(k)) },
	Read: func(r *snap.Reader) (CableKey, error) {
		k := CableKey(r.Int())
		if r.Err() == nil && (k.Dev().Kind != KindPDU && k.Dev().Kind != KindTOR || k.Dev().Index < 0 || MakeCableKey(k.Dev(), k.Slot()) != k) {
			return 0, fmt.Errorf("cable key %#x names no PDU or TOR port", int64(k))
		}
		return k, r.Err()
	},
}

var bladeCodec = store.Codec[BladeActual]{
	Write: func(w *snap.Writer, v BladeActual) {
		w.Uint(uint64(v.State))
		w.Int(int64(v.EnteredAt))
		w.Int(int64(v.Guard))
		w.Bool(v.Powered)
		w.Bool(v.Connected)
		w.Int(int64(v.TimerDue))
	},
	Read: func(r *snap.Reader) (BladeActual, error) {
		v := BladeActual{State: readState[BladeState](r, int(bladeStateCount)), EnteredAt: clock.Tick(r.Int()), Guard: clock.Tick(r.Int()),
			Powered: r.Bool(), Connected: r.Bool(), TimerDue: clock.Tick(r.Int())}
		return v, r.Err()
	},
}

var pduCodec = store.Codec[PDUActual]{
	Write: func(w *snap.Writer, v PDUActual) {
		w.Uint(uint64(v.State))
		w.Int(int64(v.EnteredAt))
		w.Int(int64(v.Guard))
	},
	Read: func(r *snap.Reader) (PDUActual, error) {
		v := PDUActual{State: readState[PDUState](r, len(pduStateNames)), EnteredAt: clock.Tick(r.Int()), Guard: clock.Tick(r.Int())}
		return v, r.Err()
	},
}

var torCodec = store.Codec[TORActual]{
	Write: func(w *snap.Writer, v TORActual) {
		w.Uint(uint64(v.State))
		w.Int(int64(v.EnteredAt))
		w.Int(int64(v.Guard))
	},
	Read: func(r *snap.Reader) (TORActual, error) {
		v := TORActual{State: readState[TORState](r, len(torStateNames)), EnteredAt: clock.Tick(r.Int()), Guard: clock.Tick(r.Int())}
		return v, r.Err()
	},
}

var cableCodec = store.Codec[CableActual]{
	Write: func(w *snap.Writer, v CableActual) {
		w.Bool(v.On)
		w.Bool(v.Faulted)
		w.Int(int64(v.Guard))
	},
	Read: func(r *snap.Reader) (CableActual, error) {
		v := CableActual{On: r.Bool(), Faulted: r.Bool(), Guard: clock.Tick(r.Int())}
		return v, r.Err()
	},
}

var rackCodec = store.Codec[RackActual]{
	Write: func(w *snap.Writer, v RackActual) {
		w.Uint(uint64(v.State))
		w.Int(int64(v.EnteredAt))
	},
	Read: func(r *snap.Reader) (RackActual, error) {
		v := RackActual{State: readState[RackState](r, len(rackStateNames)), EnteredAt: clock.Tick(r.Int())}
		return v, r.Err()
	},
}
