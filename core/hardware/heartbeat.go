package hardware

import (
	"slices"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Heartbeats are how the monitor hears from the hardware, over the same
// paths a status request takes: a blade is heard while it answers and an
// enabled, working TOR links it over a cable that carries; a PDU or TOR is
// heard on its management port while its rack runs and it is not stuck.
//
// A real element sends a heartbeat every few seconds and a report when its
// state changes. Sending one event per element per period would cost
// 10,000 blades × 30 days of events, so the model sends only the changes:
// "heartbeats from X are arriving, reporting state S" and "heartbeats from
// X stopped after tick T". The second is not a message the monitor could
// act on at once: it stands for the heartbeats that do not come, and the
// monitor treats it as silence starting at T, which it only notices when
// its silence timer fires. It carries nothing the monitor could not have
// learnt from the heartbeats themselves.
type Heartbeat struct {
	Element Ref
	At      clock.Tick
	Up      bool        // heartbeats arriving (false: they stopped after At)
	State   views.State // the state reported, when Up
	Faulted []int64     // a PDU's or TOR's ports whose cable it reports faulted, when Up
}

// Heartbeats has fn receive every change of what the monitor hears, after
// each command and event (FlushHeartbeats). With no receiver the model
// does not track them at all.
func (m *Model) Heartbeats(fn func(Heartbeat)) {
	m.onHeartbeat = fn
	n := len(m.blades) + len(m.pdus) + len(m.tors)
	m.heard = make([]heard, n)
	m.dirtyFlag = make([]bool, n)
	for i := range n {
		m.markDirty(views.ElemID(i))
	}
}

// heard is the last thing sent about one element.
type heard struct {
	up      bool
	state   views.State
	faulted string // the faulted ports, as a compact signature
	sent    bool
}

// Elements is the number of blades, PDUs and TORs: elements are numbered
// blades first, then PDUs, then TORs, so per-element state of other
// services can live in one slice.
func (m *Model) Elements() int { return len(m.blades) + len(m.pdus) + len(m.tors) }

// Element is the number of a blade, PDU or TOR (-1 for anything else).
func (m *Model) Element(r Ref) views.ElemID { return m.elemOf(r) }

// ElementRef is the element numbered e.
func (m *Model) ElementRef(e views.ElemID) Ref { return m.refOf(e) }

// BladeElem is the element number of blade b: blades are numbered first,
// so it is b's index. This is the one place that knows it.
func BladeElem(b views.BladeID) views.ElemID { return views.ElemID(b) }

func (m *Model) elemOf(r Ref) views.ElemID {
	switch r.Kind {
	case KindBlade:
		return BladeElem(r.Blade())
	case KindPDU:
		return views.ElemID(int32(len(m.blades)) + r.Index)
	case KindTOR:
		return views.ElemID(int32(len(m.blades)+len(m.pdus)) + r.Index)
	}
	return -1
}

func (m *Model) refOf(e views.ElemID) Ref {
	nb, np := views.ElemID(len(m.blades)), views.ElemID(len(m.pdus))
	switch {
	case e < nb:
		return BladeRef(views.BladeID(e)) // BladeElem's inverse
	case e < nb+np:
		return Ref{KindPDU, int32(e - nb)}
	}
	return Ref{KindTOR, int32(e - nb - np)}
}

func (m *Model) markDirty(e views.ElemID) {
	if m.onHeartbeat == nil || e < 0 || m.dirtyFlag[e] {
		return
	}
	m.dirtyFlag[e] = true
	m.dirty = append(m.dirty, e)
}

func (m *Model) dirtyBlade(b views.BladeID) { m.markDirty(BladeElem(b)) }

// dirtyDevice marks a PDU or TOR, and every blade a TOR links: their path
// through the network may have changed.
func (m *Model) dirtyDevice(ref Ref) {
	if m.onHeartbeat == nil {
		return
	}
	m.markDirty(m.elemOf(ref))
	d := m.device(ref)
	if !d.kind().network {
		return
	}
	for _, c := range d.ports {
		if c.Blade >= 0 {
			m.dirtyBlade(c.Blade)
		}
	}
}

func (m *Model) dirtyRack(ri int32) {
	if m.onHeartbeat == nil {
		return
	}
	r := &m.racks[ri]
	for b := r.BladeLo; b < r.BladeHi; b++ {
		m.dirtyBlade(b)
	}
	for _, k := range deviceKindsInOrder {
		lo, hi := r.Devices(k)
		for i := lo; i < hi; i++ {
			m.dirtyDevice(Ref{k, i})
		}
	}
}

// FlushHeartbeats sends what changed since the last flush, in element
// order so the order never depends on how the changes came about.
func (m *Model) FlushHeartbeats() {
	if m.onHeartbeat == nil || len(m.dirty) == 0 {
		return
	}
	slices.Sort(m.dirty)
	for _, e := range m.dirty {
		m.dirtyFlag[e] = false
		hb := m.heartbeat(e)
		h := &m.heard[e]
		sig := faultSig(hb.Faulted)
		if h.sent && h.up == hb.Up && (!hb.Up || h.state == hb.State && h.faulted == sig) {
			continue
		}
		*h = heard{up: hb.Up, state: hb.State, faulted: sig, sent: true}
		m.onHeartbeat(hb)
	}
	m.dirty = m.dirty[:0]
}

// heartbeat is what the monitor hears from element e now.
func (m *Model) heartbeat(e views.ElemID) Heartbeat {
	ref := m.refOf(e)
	hb := Heartbeat{Element: ref, At: m.env.Now}
	switch ref.Kind {
	case KindBlade:
		bl := &m.blades[ref.Index]
		_, path := m.reach(ref.Blade())
		hb.Up = m.racks[bl.Rack].State == RackWorking && path && bl.State.answers()
		hb.State = bl.State.Reported()
	case KindPDU, KindTOR:
		d := m.device(ref)
		hb.Up = m.racks[d.Rack].State == RackWorking && d.State != DeviceStuck
		hb.State, hb.Faulted = d.State.Reported(), faultedPorts(d.ports)
	}
	if !hb.Up {
		hb.State, hb.Faulted = views.StateNone, nil
	}
	return hb
}

func faultedPorts(cs []Cable) []int64 {
	var out []int64
	for i := range cs {
		if cs[i].Faulted {
			out = append(out, cs[i].Port)
		}
	}
	return out
}

func faultSig(ports []int64) string {
	b := make([]byte, 0, 4*len(ports))
	for _, p := range ports {
		b = append(b, byte(p), byte(p>>8), byte(p>>16), ',')
	}
	return string(b)
}

// resyncHeartbeats records the current heartbeats as sent, after a
// restore: the receiver's state was restored with them, so nothing is new.
func (m *Model) resyncHeartbeats() {
	if m.onHeartbeat == nil {
		return
	}
	for e := range m.heard {
		hb := m.heartbeat(views.ElemID(e))
		m.heard[e] = heard{up: hb.Up, state: hb.State, faulted: faultSig(hb.Faulted), sent: true}
		m.dirtyFlag[e] = false
	}
	m.dirty = m.dirty[:0]
}

// Poll asks element ref for its status now, as the monitor does when its
// heartbeats stop: a status request (Do with OpStatus, guarded by the
// current tick), traced as a child of parent.
func (m *Model) Poll(ref Ref, parent *trace.Span) Reply {
	return m.Do(Request{Op: OpStatus, Target: ref, Guard: m.env.Now}, parent)
}

// RackDevices is the range of the PDUs or TORs (k) in the rack of element
// ref: they are numbered lo … hi-1. It is the inventory's cabling, which
// every service knows.
func (m *Model) RackDevices(ref Ref, k Kind) (lo, hi int32) {
	return m.racks[m.RackOf(ref)].Devices(k)
}
