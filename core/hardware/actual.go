package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/views"
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

// DeviceActual is a PDU's or TOR's actual record (its ports are cable
// records).
type DeviceActual struct {
	State     DeviceState
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

// PlaceOf is the place of a rack, PDU, TOR or blade.
func PlaceOf(r Ref) views.Place {
	return views.Place(int64(r.Kind)<<48 | int64(uint32(r.Index))<<16)
}

// CablePlace is the place of the cable in slot of dev (a PDU or TOR).
func CablePlace(dev Ref, slot int32) views.Place { return PlaceOf(dev) | views.Place(uint16(slot+1)) }

// PlaceRef reads a place: the rack or element, or the PDU or TOR a cable
// is plugged into and the cable's slot there (-1: not a cable).
func PlaceRef(p views.Place) (ref Ref, slot int32) {
	return Ref{Kind(p >> 48), int32(uint32(p >> 16))}, int32(uint16(p)) - 1
}

// PlacePath is the path of the rack, element or cable at p, "" if the
// model has none there.
func (m *Model) PlacePath(p views.Place) string {
	ref, slot := PlaceRef(p)
	if p < 0 || PlaceOf(ref) != p&^0xffff {
		return ""
	}
	switch {
	case ref.Kind == KindRack && int(ref.Index) < len(m.racks) && slot < 0:
		return m.racks[ref.Index].Path
	case ref.Kind == KindBlade && int(ref.Index) < len(m.blades) && slot < 0:
		return m.blades[ref.Index].Path
	case ref.Kind.IsDevice() && int(ref.Index) < len(m.devices(ref.Kind)):
		d := m.device(ref)
		if slot < 0 {
			return d.Path
		}
		if int(slot) < len(d.ports) {
			return d.portPath(slot)
		}
	}
	return ""
}

// Actuals are the store's tables of the hardware's actual records, each
// keyed by the element's index in the model's slice of its kind.
type Actuals struct {
	Racks  *store.Table[int32, RackActual]
	PDUs   *store.Table[int32, DeviceActual]
	TORs   *store.Table[int32, DeviceActual]
	Blades *store.Table[views.BladeID, BladeActual]
	Cables *store.Table[views.Place, CableActual] // by the cable's place
}

func newActuals(s *store.Store) *Actuals {
	return &Actuals{
		Racks:  store.NewTable(s, "actual.racks", store.Int32Keys, rackCodec),
		PDUs:   store.NewTable(s, "actual.pdus", store.Int32Keys, deviceCodec(KindPDU)),
		TORs:   store.NewTable(s, "actual.tors", store.Int32Keys, deviceCodec(KindTOR)),
		Blades: store.NewTable(s, "actual.blades", store.IntKeys[views.BladeID](), bladeCodec),
		Cables: store.NewTable(s, "actual.cables", cableKeys, cableCodec),
	}
}

func (m *Model) putBlade(i views.BladeID) {
	b := &m.blades[i]
	m.dirtyBlade(i)
	m.Actual.Blades.Put(i, b.actual())
}

// devices is the table of the actual records of devices of kind k.
func (a *Actuals) devices(k Kind) *store.Table[int32, DeviceActual] {
	if k == KindPDU {
		return a.PDUs
	}
	return a.TORs
}

func (m *Model) putDevice(ref Ref) {
	m.dirtyDevice(ref)
	m.Actual.devices(ref.Kind).Put(ref.Index, m.device(ref).actual())
}

func (m *Model) putCable(c *Cable) {
	if c.Blade >= 0 {
		m.dirtyBlade(c.Blade)
	}
	m.Actual.Cables.Put(c.Place, c.actual())
}

func (m *Model) putRack(i int) {
	m.dirtyRack(int32(i))
	m.Actual.Racks.Put(int32(i), m.racks[i].actual())
}

func (b *Blade) actual() BladeActual {
	return BladeActual{State: b.State, EnteredAt: b.EnteredAt, Guard: b.Guard, Powered: b.Powered, Connected: b.Connected, TimerDue: b.TimerDue}
}

func (d *Device) actual() DeviceActual {
	return DeviceActual{State: d.State, EnteredAt: d.EnteredAt, Guard: d.Guard}
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

var cableKeys = store.Codec[views.Place]{
	Write: views.PlaceKeys.Write,
	Read: func(r *snap.Reader) (views.Place, error) {
		p, err := views.PlaceKeys.Read(r)
		dev, slot := PlaceRef(p)
		if err == nil && (dev.Kind != KindPDU && dev.Kind != KindTOR || dev.Index < 0 || slot < 0 || CablePlace(dev, slot) != p) {
			return 0, fmt.Errorf("cable place %#x names no PDU or TOR port", int64(p))
		}
		return p, err
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

// deviceCodec writes the records of devices of kind k, each state by the
// kind's own number.
func deviceCodec(k Kind) store.Codec[DeviceActual] {
	dk := deviceKinds[k]
	return store.Codec[DeviceActual]{
		Write: func(w *snap.Writer, v DeviceActual) {
			dk.writeState(w, v.State)
			w.Int(int64(v.EnteredAt))
			w.Int(int64(v.Guard))
		},
		Read: func(r *snap.Reader) (DeviceActual, error) {
			v := DeviceActual{State: dk.readState(r), EnteredAt: clock.Tick(r.Int()), Guard: clock.Tick(r.Int())}
			return v, r.Err()
		},
	}
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
