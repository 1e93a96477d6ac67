package trace

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
)

// Severity grades a trace line. The zero value is invalid so that a
// forgotten field is caught; the numeric values are part of the trace hash
// and never change.
type Severity uint8

const (
	Debug   Severity = iota + 1 // debug
	Info                        // info
	Warning                     // warning
	Error                       // error
	Fatal                       // fatal
)

var severityNames = [...]string{"", "debug", "info", "warning", "error", "fatal"}

const severityLetters = "?DIWEF"

// Valid reports whether s is one of the named severities.
func (s Severity) Valid() bool { return s >= Debug && s <= Fatal }

// String is the lower-case name used in JSON ("info").
func (s Severity) String() string {
	if !s.Valid() {
		return "severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// Letter is the one-letter form of the text log: D, I, W, E or F ('?' if invalid).
func (s Severity) Letter() byte {
	if !s.Valid() {
		return '?'
	}
	return severityLetters[s]
}

// Impact is what a span did to an element, as the original's impact codes.
// The zero value is invalid; the numeric values are part of the trace hash.
type Impact uint8

const (
	Read    Impact = iota + 1 // read (R)
	Create                    // create (C)
	Modify                    // modify (W)
	Delete                    // delete (D)
	Execute                   // execute (E): the element was used, e.g. a PDU as a conduit
)

var impactNames = [...]string{"", "read", "create", "modify", "delete", "execute"}

const impactLetters = "?RCWDE"

// Valid reports whether i is one of the named impacts.
func (i Impact) Valid() bool { return i >= Read && i <= Execute }

// String is the lower-case name used in JSON ("modify").
func (i Impact) String() string {
	if !i.Valid() {
		return "impact(" + strconv.Itoa(int(i)) + ")"
	}
	return impactNames[i]
}

// Letter is the original's one-letter code: R, C, W, D or E ('?' if invalid).
func (i Impact) Letter() byte {
	if !i.Valid() {
		return '?'
	}
	return impactLetters[i]
}

// EventKind says what an Event records. The zero value is invalid; the
// numeric values are part of the trace hash.
type EventKind uint8

const (
	Line  EventKind = iota + 1 // a line of text
	Child                      // a child span started here; Ref is its SpanID
	Link                       // a request sent from here; Ref is the LinkID the work it starts carries
)

var kindNames = [...]string{"", "line", "child", "link"}

// Valid reports whether k is one of the named kinds.
func (k EventKind) Valid() bool { return k >= Line && k <= Link }

// String is the lower-case name used in JSON ("child").
func (k EventKind) String() string {
	if !k.Valid() {
		return "kind(" + strconv.Itoa(int(k)) + ")"
	}
	return kindNames[k]
}

func parseName[T ~uint8](what string, names []string, s string) (T, error) {
	for i := 1; i < len(names); i++ {
		if names[i] == s {
			return T(i), nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (want one of %s)", what, s, strings.Join(names[1:], ", "))
}

// infraBit marks ids drawn from the infrastructure counter, so that how often
// infrastructure work ran never shifts the ids of simulation spans.
const infraBit = 1 << 63

// SpanID names a span within one tracer. 0 means none. Infrastructure spans
// have the top bit set.
type SpanID uint64

// LinkID names a request from one span that starts work in another. 0 means
// none. Links made by infrastructure spans have the top bit set.
type LinkID uint64

// IsInfra reports whether id came from the infrastructure counter.
func (id SpanID) IsInfra() bool { return id&infraBit != 0 }

// IsInfra reports whether id came from the infrastructure counter.
func (id LinkID) IsInfra() bool { return id&infraBit != 0 }

// String is "0", "12" for a simulation id, or "i12" for the twelfth
// infrastructure id: short, and safe for JSON readers that hold numbers as
// doubles (an infrastructure id as a plain number would exceed 2^53).
func (id SpanID) String() string { return formatID(uint64(id)) }

// String: see SpanID.String.
func (id LinkID) String() string { return formatID(uint64(id)) }

func formatID(v uint64) string {
	if v&infraBit != 0 {
		return "i" + strconv.FormatUint(v&^infraBit, 10)
	}
	return strconv.FormatUint(v, 10)
}

func appendID(b []byte, v uint64) []byte {
	if v&infraBit != 0 {
		return strconv.AppendUint(append(b, 'i'), v&^infraBit, 10)
	}
	return strconv.AppendUint(b, v, 10)
}

// parseID reads what formatID wrote. "i0" is rejected: infrastructure ids
// start at 1, like simulation ids.
func parseID(s string) (uint64, error) {
	infra := strings.HasPrefix(s, "i")
	digits := strings.TrimPrefix(s, "i")
	if digits == "" || digits[0] == '+' || digits[0] == '-' || (len(digits) > 1 && digits[0] == '0') {
		return 0, fmt.Errorf("bad id %q", s)
	}
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || v&infraBit != 0 || (infra && v == 0) {
		return 0, fmt.Errorf("bad id %q", s)
	}
	if infra {
		v |= infraBit
	}
	return v, nil
}

// Event is one thing a span recorded, in the order it happened.
type Event struct {
	Tick     clock.Tick
	Severity Severity // Info for Child and Link events
	Kind     EventKind
	Text     Message // the line; the child's name for Child; the request for Link
	Ref      uint64  // SpanID for Child, LinkID for Link, 0 for Line
}

// ImpactOn is one impact on a named element, such as
// {Modify, "region1/zone1/rack1/blade/3"}.
type ImpactOn struct {
	Impact  Impact
	Element string
}

// Entry is a finished span, as stored and exported. Entries are never
// modified after End: the slices in an Entry returned by a query are shared
// with the store and must be treated as read-only (their capacity equals their
// length, so an append by the caller copies rather than writes into the store).
type Entry struct {
	Seq      uint64 // position in the store, from 1, assigned when the span ends
	ID       SpanID
	Parent   SpanID  // 0 for a root
	Link     LinkID  // the link this span was started by (0 if none): the UI shows it at that Link event
	Name     Message // never zero
	Reason   Message // zero if none
	Start    clock.Tick
	End      clock.Tick // the latest tick the span saw, its children's ends included
	Infra    bool       // stepping, polls, housekeeping: outside the hash; children inherit it
	Severity Severity   // the highest severity of its Line events (Info if it has none)
	Events   []Event
	Impacts  []ImpactOn // its own plus its children's, de-duplicated, in order of first appearance
}

// validate checks what the tracer guarantees of every entry it makes, so
// entries read from a file or a snapshot can be trusted as much as new ones.
// The error names the field.
func validate(e *Entry) error {
	switch {
	case e.ID == 0:
		return fmt.Errorf("id: must not be 0")
	case e.ID.IsInfra() != e.Infra:
		return fmt.Errorf("infra: %v does not match id %s", e.Infra, e.ID)
	case e.Parent != 0 && e.Parent.IsInfra() != e.Infra:
		return fmt.Errorf("parent: %s is not of the same kind as id %s", e.Parent, e.ID)
	case e.Name.IsZero():
		return fmt.Errorf("name: must not be empty")
	case e.End < e.Start:
		return fmt.Errorf("end: %d is before start %d", e.End, e.Start)
	case !e.Severity.Valid():
		return fmt.Errorf("severity: invalid value %d", e.Severity)
	}
	if err := e.Name.check(); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	if err := e.Reason.check(); err != nil {
		return fmt.Errorf("reason: %w", err)
	}
	last, sev := e.Start, Severity(0)
	for i := range e.Events {
		ev := &e.Events[i]
		switch {
		case !ev.Kind.Valid():
			return fmt.Errorf("events[%d].kind: invalid value %d", i, ev.Kind)
		case !ev.Severity.Valid():
			return fmt.Errorf("events[%d].severity: invalid value %d", i, ev.Severity)
		case ev.Tick < last || ev.Tick > e.End:
			return fmt.Errorf("events[%d].tick: %d is outside %d..%d or out of order", i, ev.Tick, last, e.End)
		case ev.Kind == Line && ev.Ref != 0:
			return fmt.Errorf("events[%d].ref: must be 0 for a line", i)
		case ev.Kind != Line && ev.Ref == 0:
			return fmt.Errorf("events[%d].ref: must not be 0 for a %s", i, ev.Kind)
		case ev.Kind != Line && (ev.Ref&infraBit != 0) != e.Infra:
			return fmt.Errorf("events[%d].ref: %s is not of the same kind as id %s", i, formatID(ev.Ref), e.ID)
		}
		if err := ev.Text.check(); err != nil {
			return fmt.Errorf("events[%d].text: %w", i, err)
		}
		last = ev.Tick
		if ev.Kind == Line {
			sev = max(sev, ev.Severity)
		}
	}
	if sev == 0 {
		sev = Info
	}
	if e.Severity != sev {
		return fmt.Errorf("severity: %s, but its lines say %s", e.Severity, sev)
	}
	for i := range e.Impacts {
		im := &e.Impacts[i]
		switch {
		case !im.Impact.Valid():
			return fmt.Errorf("impacts[%d].impact: invalid value %d", i, im.Impact)
		case im.Element == "":
			return fmt.Errorf("impacts[%d].element: must not be empty", i)
		}
	}
	return nil
}
