package trace

import (
	"encoding"
	"fmt"
	"math"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/sha256"
	"github.com/cloudchamber/cloudchamber/core/snap"
)

// snapshotVersion is the format MarshalSnapshot writes, in section "trace":
//
//	blob   the SHA-256 state (crypto/sha256's MarshalBinary)
//	uint   the last simulation id, the last infrastructure id (without the top bit),
//	       the last Seq, the simulation and infrastructure entries emitted
//	uint   the number of entries held, then each, oldest first:
//	       uint Seq, ID, Parent, Link; message Name, Reason; int Start, End;
//	       bool Infra; uint Severity; uint n, n × (int Tick, uint Severity,
//	       uint Kind, message Text, uint Ref); uint n, n × (uint Impact, string Element)
//	message: string key ("" for none), uint n, n × (uint kind, then
//	       int (int), uint (uint), string (str), string enum key and uint value (enum),
//	       or string message key and uint count (msg; its arguments follow))
//
// The retention is not in it: it is a setting of the session, not state.
// Version 1 held English text rather than messages and is refused: a
// session from it replays from its commands.
const snapshotVersion = 2

// lenMax bounds every count read from a snapshot; snap.Reader.Len also
// bounds it by the bytes left, so a corrupt count cannot allocate without end.
const lenMax = math.MaxInt32

// MarshalSnapshot writes the tracer's state: the hash state, both id
// counters, the store's Seq counter and the entries held. It panics if a span
// is open: snapshots are taken between steps, and an open span there is a bug.
func (t *Tracer) MarshalSnapshot(w *snap.Writer) {
	if t.open != 0 {
		panic(fmt.Sprintf("trace: snapshot with %d spans open", t.open))
	}
	state, err := t.hash.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("trace: cannot save the hash state: " + err.Error()) // crypto/sha256 never fails
	}
	w.Section("trace", snapshotVersion)
	w.Blob(state)
	w.Uint(t.simID)
	w.Uint(t.infraID)
	w.Uint(t.seq)
	w.Uint(t.emittedSim)
	w.Uint(t.emittedInfra)
	w.Uint(uint64(len(t.ring)))
	for i := range t.ring {
		writeEntry(w, t.at(i))
	}
}

func writeEntry(w *snap.Writer, e *Entry) {
	w.Uint(e.Seq)
	w.Uint(uint64(e.ID))
	w.Uint(uint64(e.Parent))
	w.Uint(uint64(e.Link))
	writeMessage(w, e.Name)
	writeMessage(w, e.Reason)
	w.Int(int64(e.Start))
	w.Int(int64(e.End))
	w.Bool(e.Infra)
	w.Uint(uint64(e.Severity))
	w.Uint(uint64(len(e.Events)))
	for i := range e.Events {
		ev := &e.Events[i]
		w.Int(int64(ev.Tick))
		w.Uint(uint64(ev.Severity))
		w.Uint(uint64(ev.Kind))
		writeMessage(w, ev.Text)
		w.Uint(ev.Ref)
	}
	w.Uint(uint64(len(e.Impacts)))
	for _, im := range e.Impacts {
		w.Uint(uint64(im.Impact))
		w.String(im.Element)
	}
}

// UnmarshalSnapshot replaces the tracer's state with what MarshalSnapshot
// wrote. If the snapshot holds more entries than this tracer's retention, the
// newest are kept. A corrupt snapshot gives an error and leaves the tracer as
// it was. It panics if a span is open, as MarshalSnapshot does.
func (t *Tracer) UnmarshalSnapshot(r *snap.Reader) error {
	if t.open != 0 {
		panic(fmt.Sprintf("trace: restore with %d spans open", t.open))
	}
	if v := r.Section("trace", snapshotVersion); v != 0 && v < snapshotVersion {
		return r.Fail(fmt.Errorf("section \"trace\": %w %d, which held English rather than messages (this build reads %d)", snap.ErrVersion, v, snapshotVersion))
	}
	state := r.Blob()
	simID, infraID, seq := r.Uint(), r.Uint(), r.Uint()
	emittedSim, emittedInfra := r.Uint(), r.Uint()
	n := r.Len(lenMax)
	if r.Err() != nil {
		return r.Err()
	}
	if simID > idMax || infraID > idMax {
		return r.Failf("trace: id counters %d and %d out of range", simID, infraID)
	}
	if uint64(n) > seq {
		return r.Failf("trace: %d entries held but only %d ever ended", n, seq)
	}
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		return r.Failf("trace: hash state: %v", err)
	}
	keep := min(n, t.retention)
	ring := make([]Entry, 0, keep)
	for i := range n {
		var e Entry
		readEntry(r, &e)
		if r.Err() != nil {
			return r.Err()
		}
		if want := seq - uint64(n) + 1 + uint64(i); e.Seq != want {
			return r.Failf("trace: entry %d has seq %d, want %d", i, e.Seq, want)
		}
		if err := validate(&e); err != nil {
			return r.Failf("trace: entry seq %d: %v", e.Seq, err)
		}
		if err := checkIDs(&e, simID, infraID); err != nil {
			return r.Failf("trace: entry seq %d: %v", e.Seq, err)
		}
		if i >= n-keep {
			ring = append(ring, e)
		}
	}
	t.hash = h
	t.simID, t.infraID, t.seq = simID, infraID, seq
	t.emittedSim, t.emittedInfra = emittedSim, emittedInfra
	t.ring, t.head = ring, 0
	return nil
}

func readEntry(r *snap.Reader, e *Entry) {
	e.Seq = r.Uint()
	e.ID = SpanID(r.Uint())
	e.Parent = SpanID(r.Uint())
	e.Link = LinkID(r.Uint())
	e.Name = readMessage(r)
	e.Reason = readMessage(r)
	e.Start = clock.Tick(r.Int())
	e.End = clock.Tick(r.Int())
	e.Infra = r.Bool()
	e.Severity = Severity(readByte(r))
	if k := r.Len(lenMax); k > 0 {
		e.Events = make([]Event, k)
		for i := range e.Events {
			ev := &e.Events[i]
			ev.Tick = clock.Tick(r.Int())
			ev.Severity = Severity(readByte(r))
			ev.Kind = EventKind(readByte(r))
			ev.Text = readMessage(r)
			ev.Ref = r.Uint()
			if r.Err() != nil {
				return
			}
		}
	}
	if k := r.Len(lenMax); k > 0 {
		e.Impacts = make([]ImpactOn, k)
		for i := range e.Impacts {
			e.Impacts[i].Impact = Impact(readByte(r))
			e.Impacts[i].Element = r.String()
			if r.Err() != nil {
				return
			}
		}
	}
}

// MarshalMessage writes a message (its key and typed arguments) into a
// snapshot, for a service that keeps one: the workload manager's reasons.
func MarshalMessage(w *snap.Writer, m Message) { writeMessage(w, m) }

// UnmarshalMessage reads what MarshalMessage wrote, checked against the
// catalogue: an unknown key or enum, or arguments that do not fit the
// message, is an error.
func UnmarshalMessage(r *snap.Reader) (Message, error) {
	m := readMessage(r)
	if r.Err() != nil {
		return Message{}, r.Err()
	}
	if err := m.check(); err != nil {
		return Message{}, r.Fail(err)
	}
	return m, nil
}

func writeMessage(w *snap.Writer, m Message) {
	args := m.Args()
	w.String(m.code.Key())
	w.Uint(uint64(len(args)))
	for i := range args {
		a := &args[i]
		w.Uint(uint64(a.Kind))
		switch a.Kind {
		case ArgInt:
			w.Int(int64(a.N))
		case ArgUint:
			w.Uint(a.N)
		case ArgStr:
			w.String(a.S)
		case ArgEnum:
			w.String(a.Enum.key())
			w.Uint(a.N)
		case ArgMsg:
			w.String(a.Msg.Key())
			w.Uint(a.N)
		}
	}
}

// readMessage reads what writeMessage wrote; validate then checks the
// arguments against the message.
func readMessage(r *snap.Reader) Message {
	var code Msg
	if key := r.String(); key != "" {
		c, ok := LookupMsg(key)
		if !ok {
			r.Failf("trace: unknown message %q", key)
			return Message{}
		}
		code = c
	}
	k := r.Len(maxArgs)
	args := make([]Arg, k)
	for i := range args {
		a := &args[i]
		a.Kind = ArgKind(readByte(r))
		switch a.Kind {
		case ArgInt:
			a.N = uint64(r.Int())
		case ArgUint:
			a.N = r.Uint()
		case ArgStr:
			a.S = r.String()
		case ArgEnum:
			key := r.String()
			e, ok := lookupEnum(key)
			if !ok && r.Err() == nil {
				r.Failf("trace: unknown enum %q", key)
			}
			a.Enum = e
			a.N = r.Uint()
		case ArgMsg:
			key := r.String()
			c, ok := LookupMsg(key)
			if !ok && r.Err() == nil {
				r.Failf("trace: unknown message %q", key)
			}
			a.Msg = c
			a.N = r.Uint()
		default:
			if r.Err() == nil {
				r.Failf("trace: invalid argument kind %d", a.Kind)
			}
		}
		if r.Err() != nil {
			return Message{}
		}
	}
	return NewMessage(code, args...)
}

// readByte reads an enum written as a uint; validate then checks its value.
func readByte(r *snap.Reader) uint8 {
	v := r.Uint()
	if v > math.MaxUint8 {
		r.Failf("trace: enum value %d out of range", v)
		return 0
	}
	return uint8(v)
}

// checkIDs rejects ids the counters have not issued yet: restored, they
// would be issued again.
func checkIDs(e *Entry, simID, infraID uint64) error {
	issued := func(id uint64) bool {
		if id&infraBit != 0 {
			return id&^infraBit <= infraID
		}
		return id <= simID
	}
	if !issued(uint64(e.ID)) || !issued(uint64(e.Parent)) || !issued(uint64(e.Link)) {
		return fmt.Errorf("ids %s/%s/%s not yet issued", e.ID, e.Parent, e.Link)
	}
	for i := range e.Events {
		if !issued(e.Events[i].Ref) {
			return fmt.Errorf("events[%d].ref: %s not yet issued", i, formatID(e.Events[i].Ref))
		}
	}
	return nil
}
