package trace

import (
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/sha256"
)

// RetentionMin is the smallest store a tracer keeps, as the original's trace
// sink: fewer entries than one UI page would make the live log useless.
const RetentionMin = 100

// Tracer records the spans of one simulation: it issues ids, keeps the
// running trace hash and the bounded store. It is not safe for concurrent
// use; the goroutine that owns the simulation makes every call.
type Tracer struct {
	retention int

	ring []Entry // the store: the oldest is at head once the ring is full
	head int

	seq     uint64 // the last Seq assigned
	simID   uint64 // the last id drawn from the simulation counter
	infraID uint64 // the last id drawn from the infrastructure counter (without infraBit)

	emittedSim, emittedInfra uint64
	open                     int // spans started and not yet ended

	hash hash.Hash // running SHA-256 over the canonical form of simulation entries
	buf  []byte    // reused for the canonical form

	// args is the slab the arguments of new messages are copied into, from
	// argsUsed on: each Message refers to a range of it, and a full slab is
	// left to the entries that use it (the garbage collector frees it with
	// the last of them).
	args     *argBlock
	argsUsed int

	// events and impacts are the slabs an ended span's events and impacts
	// are copied into, from their lengths on, as arguments are: a full slab
	// is left to the entries that use it. So no entry points into a span,
	// and an ended span is reused (free holds them) rather than left to
	// the garbage collector.
	events  []Event
	impacts []ImpactOn
	free    []*Span

	sink func(*Entry) // sees every entry as it ends (nil: none)
}

// eventSlab and impactSlab are the events and impacts a slab holds: a
// slab costs one allocation per a few hundred spans, and the entries of a
// bounded store keep few of them alive.
const (
	eventSlab  = 1024
	impactSlab = 512
)

// freeMax bounds the ended spans kept for reuse: as many as are open at
// once in a deep step, far more than a step nests.
const freeMax = 64

// bufKeepMax bounds the encoding buffer kept between entries, so one huge
// message (a user's long text) does not pin its size forever; a span with
// many events or impacts is hashed in pieces (writeCanonical).
const bufKeepMax = 64 << 10

// New returns a tracer whose store keeps the last retention entries
// (at least RetentionMin).
func New(retention int) *Tracer {
	t := &Tracer{retention: max(retention, RetentionMin)}
	t.hash = newHash()
	return t
}

func newHash() hash.Hash {
	h := sha256.New()
	h.Write([]byte(hashPrefix))
	return h
}

// SetSink has fn called with every entry as it ends, before the bounded
// store may drop it: a whole-run export (the CLI's --trace) uses it. The
// entry is fn's to keep (a copy of the stored one), but its slices are
// shared with the store: fn must not change them.
func (t *Tracer) SetSink(fn func(*Entry)) { t.sink = fn }

// Retention is the number of entries the store keeps.
func (t *Tracer) Retention() int { return t.retention }

// Hash is the SHA-256 of every simulation entry ended so far, in end order
// (see the package doc for the encoding). Reading it changes nothing.
func (t *Tracer) Hash() [32]byte {
	var sum [32]byte
	t.hash.Sum(sum[:0]) // Sum leaves the running state as it was
	return sum
}

// HashHex is Hash in lower-case hex, as tests and users compare it.
func (t *Tracer) HashHex() string {
	sum := t.Hash()
	return hex.EncodeToString(sum[:])
}

// Emitted counts the entries ended so far, simulation and infrastructure.
func (t *Tracer) Emitted() (sim, infra uint64) { return t.emittedSim, t.emittedInfra }

// OpenSpans counts spans started and not yet ended. Between steps it should
// be 0; a snapshot demands it.
func (t *Tracer) OpenSpans() int { return t.open }

// Start starts a root simulation span at tick, named by preformatted text
// (MsgText: the text is in the hash). StartMsg is the structured form.
func (t *Tracer) Start(tick clock.Tick, name string) *Span {
	return t.start(tick, false, 0, nil, MsgText, Str(name))
}

// StartInfra starts a root infrastructure span (stepping, polls,
// housekeeping): it is stored but outside the hash, and its ids come from the
// infrastructure counter so it never shifts simulation ids.
func (t *Tracer) StartInfra(tick clock.Tick, name string) *Span {
	return t.start(tick, true, 0, nil, MsgText, Str(name))
}

// StartLinked starts a root simulation span for work caused by a request:
// link is what the sender's Span.Link returned and travelled with the
// request. The UI shows this span at that Link event.
func (t *Tracer) StartLinked(tick clock.Tick, name string, link LinkID) *Span {
	return t.start(tick, false, link, nil, MsgText, Str(name))
}

// StartInfraLinked is StartLinked for infrastructure work (say, answering a
// monitor's poll).
func (t *Tracer) StartInfraLinked(tick clock.Tick, name string, link LinkID) *Span {
	return t.start(tick, true, link, nil, MsgText, Str(name))
}

// StartMsg is Start with a structured name: a message and its arguments.
func (t *Tracer) StartMsg(tick clock.Tick, name Msg, args ...Arg) *Span {
	return t.start(tick, false, 0, nil, name, args...)
}

// StartInfraMsg is StartInfra with a structured name.
func (t *Tracer) StartInfraMsg(tick clock.Tick, name Msg, args ...Arg) *Span {
	return t.start(tick, true, 0, nil, name, args...)
}

// StartLinkedMsg is StartLinked with a structured name.
func (t *Tracer) StartLinkedMsg(tick clock.Tick, link LinkID, name Msg, args ...Arg) *Span {
	return t.start(tick, false, link, nil, name, args...)
}

// StartInfraLinkedMsg is StartInfraLinked with a structured name.
func (t *Tracer) StartInfraLinkedMsg(tick clock.Tick, link LinkID, name Msg, args ...Arg) *Span {
	return t.start(tick, true, link, nil, name, args...)
}

func (t *Tracer) start(tick clock.Tick, infra bool, link LinkID, parent *Span, name Msg, args ...Arg) *Span {
	if name == 0 || (name == MsgText && len(args) == 1 && args[0].S == "") {
		panic("trace: a span needs a name")
	}
	var s *Span
	if n := len(t.free); n > 0 {
		s = t.free[n-1]
		t.free = t.free[:n-1]
		*s = Span{t: t, parent: parent}
	} else {
		s = &Span{t: t, parent: parent}
	}
	s.e = Entry{ID: SpanID(t.nextID(infra)), Link: link, Name: s.msg(name, args), Start: tick, End: tick, Infra: infra}
	s.e.Events = s.events[:0]
	s.e.Impacts = s.impacts[:0]
	if parent != nil {
		s.e.Parent = parent.e.ID
	}
	t.open++
	return s
}

// idMax bounds both id counters, far beyond any run (a million ids a tick
// for 10^12 ticks), so neither can run into the infrastructure bit.
const idMax = 1 << 62

// nextID draws from one of the two counters. Span and link ids share a
// counter, so an id names one thing.
func (t *Tracer) nextID(infra bool) uint64 {
	if t.simID >= idMax || t.infraID >= idMax {
		panic("trace: span ids exhausted")
	}
	if infra {
		t.infraID++
		return t.infraID | infraBit
	}
	t.simID++
	return t.simID
}

// finish numbers a finished entry, hashes it and stores it, with its
// events and impacts copied out of the span that ends.
func (t *Tracer) finish(e *Entry) {
	t.seq++
	e.Seq = t.seq
	t.open--
	if e.Infra {
		t.emittedInfra++
	} else {
		t.emittedSim++
		t.buf = writeCanonical(t.buf[:0], e, t.hash)
		t.hash.Write(t.buf)
		if cap(t.buf) > bufKeepMax {
			t.buf = nil
		}
	}
	kept := *e
	kept.Events, kept.Impacts = keep(&t.events, e.Events, eventSlab), keep(&t.impacts, e.Impacts, impactSlab)
	if t.sink != nil {
		shared := kept // the sink may keep the entry: its own copy, as the span is reused
		t.sink(&shared)
	}
	t.store(&kept)
}

// keep copies xs into *slab, capped at their length, starting a new slab
// of size (or of len(xs), if larger) when the old one is full; a full slab
// is left to the entries that use it.
func keep[T any](slab *[]T, xs []T, size int) []T {
	if len(xs) == 0 {
		return nil
	}
	if cap(*slab)-len(*slab) < len(xs) {
		*slab = make([]T, 0, max(size, len(xs)))
	}
	off := len(*slab)
	*slab = append(*slab, xs...)
	return (*slab)[off:len(*slab):len(*slab)]
}

// impactSetMin is the number of impacts past which a span de-duplicates
// through a map rather than a scan: a root over thousands of children would
// otherwise be quadratic.
const impactSetMin = 16

// Span is a unit of work being traced. Every method panics once the span
// has ended: a use after End is a bug in the caller. (The tracer reuses an
// ended span for a later one, so a use after that is not caught.)
type Span struct {
	t      *Tracer
	parent *Span
	e      Entry
	maxSev Severity // the highest Line severity so far; 0 before the first line
	open   int      // children started and not yet ended
	ended  bool
	impSet map[ImpactOn]struct{} // only once len(e.Impacts) reaches impactSetMin

	// Inline room for the events and impacts of nearly every span of a run
	// (a repair's has four events), so a span costs no allocation. End
	// copies them out (Tracer.finish), and the span is reused.
	events  [4]Event
	impacts [4]ImpactOn
}

// argSlab is the number of arguments a slab holds: big enough that a slab
// costs one allocation per a few hundred spans, small enough that the
// entries of a bounded store keep few of them alive.
const argSlab = 1024

// msg records a message's arguments in the tracer's argument slab. A
// message given the wrong number of arguments is a bug in the caller.
func (s *Span) msg(m Msg, args []Arg) Message {
	if m == 0 {
		return Message{}
	}
	if !m.takes(countTop(args)) {
		panic(fmt.Sprintf("trace: message %s takes %d arguments, got %d", m.Key(), m.Arity(), len(args)))
	}
	if len(args) == 0 {
		return Message{code: m}
	}
	if len(args) > maxArgs {
		panic(fmt.Sprintf("trace: message %s: %d arguments, more than %d", m.Key(), len(args), maxArgs))
	}
	t := s.t
	if t.args == nil || len(t.args.a)-t.argsUsed < len(args) {
		t.args, t.argsUsed = &argBlock{a: make([]Arg, max(argSlab, len(args)))}, 0
	}
	off := t.argsUsed
	t.argsUsed += copy(t.args.a[off:], args)
	return Message{blk: t.args, off: uint32(off), code: m, n: uint16(len(args))}
}

// text records preformatted text as a MsgText message ("" is no message).
func (s *Span) text(text string) Message {
	if text == "" {
		return Message{}
	}
	return s.msg(MsgText, []Arg{Str(text)})
}

// ID is the span's id, for callers that correlate spans themselves.
func (s *Span) ID() SpanID { return s.e.ID }

// Infra reports whether the span is infrastructure.
func (s *Span) Infra() bool { return s.e.Infra }

// Child starts a span for a part of this span's work, named by
// preformatted text (ChildMsg is the structured form). It records a Child
// event here, and the child's impacts are lifted here when it ends. The child
// is infrastructure if this span is, and must end before this span does.
func (s *Span) Child(tick clock.Tick, name string) *Span {
	return s.ChildMsg(tick, MsgText, Str(name))
}

// ChildMsg is Child with a structured name.
func (s *Span) ChildMsg(tick clock.Tick, name Msg, args ...Arg) *Span {
	s.at(tick)
	c := s.t.start(tick, s.e.Infra, 0, s, name, args...)
	s.open++
	s.e.Events = append(s.e.Events, Event{Tick: tick, Severity: Info, Kind: Child, Text: c.e.Name, Ref: uint64(c.e.ID)})
	return c
}

// Link records that this span sent a request at tick, described by text,
// and returns the id the request carries: its receiver passes it to
// StartLinked so the UI can show the work it caused here.
func (s *Span) Link(tick clock.Tick, text string) LinkID {
	s.live()
	return s.link(tick, s.text(text))
}

// LinkMsg is Link with a structured description.
func (s *Span) LinkMsg(tick clock.Tick, m Msg, args ...Arg) LinkID {
	s.live()
	return s.link(tick, s.msg(m, args))
}

func (s *Span) link(tick clock.Tick, text Message) LinkID {
	s.at(tick)
	id := LinkID(s.t.nextID(s.e.Infra))
	s.e.Events = append(s.e.Events, Event{Tick: tick, Severity: Info, Kind: Link, Text: text, Ref: uint64(id)})
	return id
}

// Reason says why this work ran ("X, but Y, so Z"); a later call replaces it.
func (s *Span) Reason(text string) {
	s.live()
	s.e.Reason = s.text(text)
}

// Reasonf is Reason with fmt formatting.
func (s *Span) Reasonf(format string, args ...any) {
	s.live()
	s.e.Reason = s.text(sprintf(format, args...))
}

// ReasonMsg is Reason as a structured message.
func (s *Span) ReasonMsg(m Msg, args ...Arg) {
	s.live()
	s.e.Reason = s.msg(m, args)
}

// Log adds a line of plain text (no formatting) at tick.
func (s *Span) Log(tick clock.Tick, sev Severity, text string) {
	s.live()
	s.line(tick, sev, s.text(text))
}

// Line adds a structured line at tick: a message and its arguments.
func (s *Span) Line(tick clock.Tick, sev Severity, m Msg, args ...Arg) {
	s.live()
	s.line(tick, sev, s.msg(m, args))
}

// Debug, Info, Warn and Error add a structured line of that severity.
func (s *Span) Debug(tick clock.Tick, m Msg, args ...Arg) { s.Line(tick, Debug, m, args...) }

// Info: see Debug.
func (s *Span) Info(tick clock.Tick, m Msg, args ...Arg) { s.Line(tick, Info, m, args...) }

// Warn: see Debug.
func (s *Span) Warn(tick clock.Tick, m Msg, args ...Arg) { s.Line(tick, Warning, m, args...) }

// Error: see Debug.
func (s *Span) Error(tick clock.Tick, m Msg, args ...Arg) { s.Line(tick, Error, m, args...) }

func (s *Span) line(tick clock.Tick, sev Severity, text Message) {
	if !sev.Valid() {
		panic(fmt.Sprintf("trace: span %s: invalid severity %d", s.e.ID, sev))
	}
	s.at(tick)
	s.e.Events = append(s.e.Events, Event{Tick: tick, Severity: sev, Kind: Line, Text: text})
	s.maxSev = max(s.maxSev, sev)
}

// Logf adds a formatted line at tick. A format without verbs and arguments
// is used as is, without calling fmt.
func (s *Span) Logf(tick clock.Tick, sev Severity, format string, args ...any) {
	s.Log(tick, sev, sprintf(format, args...))
}

// Debugf adds a Debug line.
func (s *Span) Debugf(tick clock.Tick, format string, args ...any) {
	s.Log(tick, Debug, sprintf(format, args...))
}

// Infof adds an Info line.
func (s *Span) Infof(tick clock.Tick, format string, args ...any) {
	s.Log(tick, Info, sprintf(format, args...))
}

// Warnf adds a Warning line.
func (s *Span) Warnf(tick clock.Tick, format string, args ...any) {
	s.Log(tick, Warning, sprintf(format, args...))
}

// Errorf adds an Error line.
func (s *Span) Errorf(tick clock.Tick, format string, args ...any) {
	s.Log(tick, Error, sprintf(format, args...))
}

// Fatalf adds a Fatal line. Unlike log.Fatalf it only records: the
// simulation decides what a fatal condition means.
func (s *Span) Fatalf(tick clock.Tick, format string, args ...any) {
	s.Log(tick, Fatal, sprintf(format, args...))
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 && strings.IndexByte(format, '%') < 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Impact records that this span did kind to element (a path such as
// "region1/zone1/rack1/blade/3"). Repeats are recorded once.
func (s *Span) Impact(kind Impact, element string) {
	s.live()
	if !kind.Valid() || element == "" {
		panic(fmt.Sprintf("trace: span %q: invalid impact %d on %q", s.e.Name.String(), kind, element))
	}
	s.addImpact(ImpactOn{Impact: kind, Element: element})
}

func (s *Span) addImpact(im ImpactOn) {
	if s.impSet != nil {
		if _, dup := s.impSet[im]; dup {
			return
		}
		s.impSet[im] = struct{}{}
	} else {
		for _, have := range s.e.Impacts {
			if have == im {
				return
			}
		}
		if len(s.e.Impacts) >= impactSetMin {
			s.impSet = make(map[ImpactOn]struct{}, 2*len(s.e.Impacts))
			for _, have := range s.e.Impacts {
				s.impSet[have] = struct{}{}
			}
			s.impSet[im] = struct{}{}
		}
	}
	s.e.Impacts = append(s.e.Impacts, im)
}

// End finishes the span: its End tick is the latest tick it saw (its
// children's included), its impacts are lifted into its parent, and its
// entry is numbered, hashed (unless infrastructure) and stored. Every child
// must have ended first.
func (s *Span) End() {
	s.live()
	if s.open > 0 {
		panic(fmt.Sprintf("trace: span %q (%s) ended with %d children still open", s.e.Name.String(), s.e.ID, s.open))
	}
	s.ended = true
	s.impSet = nil
	e := &s.e
	e.Severity = s.maxSev
	if e.Severity == 0 {
		e.Severity = Info
	}
	if p := s.parent; p != nil {
		s.parent = nil
		p.open--
		p.e.End = max(p.e.End, e.End)
		for _, im := range e.Impacts {
			p.addImpact(im)
		}
	}
	s.t.finish(e)
	if len(s.t.free) < freeMax {
		s.t.free = append(s.t.free, s)
	}
}

// live panics if the span has ended.
func (s *Span) live() {
	if s.ended {
		panic(fmt.Sprintf("trace: span %q (%s) used after End", s.e.Name.String(), s.e.ID))
	}
}

// at checks that the span is live and that time has not gone backwards
// within it, then moves its End tick to tick.
func (s *Span) at(tick clock.Tick) {
	s.live()
	if tick < s.e.End {
		panic(fmt.Sprintf("trace: span %q (%s): tick %d is before tick %d it already saw", s.e.Name.String(), s.e.ID, tick, s.e.End))
	}
	s.e.End = tick
}
