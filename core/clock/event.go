package clock

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/snap"
)

// Kind says what an event is. The high byte names the subsystem that owns
// it, so the simulation routes an event by Kind.Subsystem() without a
// central list of every kind; each subsystem numbers its own low byte.
type Kind uint16

// Subsystem is the owner of a Kind.
func (k Kind) Subsystem() uint8 { return uint8(k >> 8) }

// MakeKind builds the kind n of subsystem s.
func MakeKind(s uint8, n uint8) Kind { return Kind(s)<<8 | Kind(n) }

// Event is a scheduled piece of work: typed data, never a closure, so the
// queue serialises into a snapshot and replays identically. The meaning of
// Target, Arg and Ref belongs to the kind's subsystem (typically Target is an
// element index, Arg a value such as on/off, Ref a timer id).
type Event struct {
	Kind   Kind
	Target uint32
	Arg    int64
	Ref    uint64
	Link   uint64 // the trace link of the request that caused this work (0 if none)
}

func (e Event) String() string {
	return fmt.Sprintf("kind=%#04x target=%d arg=%d ref=%d link=%d", uint16(e.Kind), e.Target, e.Arg, e.Ref, e.Link)
}

func (e Event) marshal(w *snap.Writer) {
	w.Uint(uint64(e.Kind))
	w.Uint(uint64(e.Target))
	w.Int(e.Arg)
	w.Uint(e.Ref)
	w.Uint(e.Link)
}

func (e *Event) unmarshal(r *snap.Reader) {
	k := r.Uint()
	t := r.Uint()
	if k > 0xffff || t > 0xffffffff {
		r.Failf("event kind %d or target %d out of range", k, t)
	}
	e.Kind, e.Target = Kind(k), uint32(t)
	e.Arg = r.Int()
	e.Ref = r.Uint()
	e.Link = r.Uint()
}
