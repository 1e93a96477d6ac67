// Package libyaml is the YAML reader, scanner and parser of
// go.yaml.in/yaml/v3 v3.0.6 (its Go port of libyaml: apic.go, parserc.go,
// readerc.go, scannerc.go, yamlh.go, yamlprivateh.go, under the MIT licence
// in LICENSE), with an event API. core/inventory builds its own compact
// node tree from the events, with its limits checked as each event arrives,
// instead of yaml.v3's *yaml.Node tree (about 20 bytes of heap per byte of
// text for an inventory, near 100 for a hostile file, and every limit only
// checkable once it is all built).
//
// Changes from yaml.v3, all marked [CloudChamber]: the emitter and the
// document/node types are left out; comments are skipped exactly as
// yaml.v3 skips them but not recorded (yaml.v3 keeps every comment of the
// file until the end, for its node tree); buffers are reused (a scalar's
// value and an anchor's name once their event is read, a scratch buffer
// emptied to be read again); a value longer than the parser's limit
// stops growing and is reported; NewPiecesParser reads an input held in
// pieces; and runs of characters are read at once rather than one by one
// where the result is the same (the reader's ASCII, indentation, a plain
// scalar's ordinary characters: runs_test.go compares both). Everything
// else, including the text of
// every error, is as in yaml.v3, so a file is accepted or refused as
// yaml.v3 does and events carry the lines and columns yaml.v3's nodes have.
package libyaml

import (
	"fmt"
	"io"
	"slices"
)

// EventKind says what an event is.
type EventKind int8

const (
	NoEvent       EventKind = EventKind(yaml_NO_EVENT)
	StreamStart   EventKind = EventKind(yaml_STREAM_START_EVENT)
	StreamEnd     EventKind = EventKind(yaml_STREAM_END_EVENT)
	DocumentStart EventKind = EventKind(yaml_DOCUMENT_START_EVENT)
	DocumentEnd   EventKind = EventKind(yaml_DOCUMENT_END_EVENT)
	Alias         EventKind = EventKind(yaml_ALIAS_EVENT)
	Scalar        EventKind = EventKind(yaml_SCALAR_EVENT)
	SequenceStart EventKind = EventKind(yaml_SEQUENCE_START_EVENT)
	SequenceEnd   EventKind = EventKind(yaml_SEQUENCE_END_EVENT)
	MappingStart  EventKind = EventKind(yaml_MAPPING_START_EVENT)
	MappingEnd    EventKind = EventKind(yaml_MAPPING_END_EVENT)
	TailComment   EventKind = EventKind(yaml_TAIL_COMMENT_EVENT)
)

func (k EventKind) String() string { return yaml_event_type_t(k).String() }

// Event is one parser event. Its slices are only valid until the next call
// to Next.
type Event struct {
	Kind         EventKind
	Line, Column int    // where it starts, 0-based (yaml.v3 adds 1 for its nodes)
	Anchor       []byte // the anchor a node defines, or the one an alias names
	Tag          []byte // the tag as written, resolved to its long form ("tag:yaml.org,2002:int"); empty if none
	Value        []byte // a scalar's value
	Plain        bool   // a scalar written without quotes, | or >
}

// Error is a syntax error, with the line yaml.v3 reports for it.
type Error struct {
	// TooLong says a value (a scalar, an anchor or a tag) is longer than
	// the parser's limit; Line and Column are where it starts (0-based).
	TooLong bool
	Column  int
	// Line is the line yaml.v3 prints ("yaml: line N: ..."), 0 when it
	// prints none. yaml.v3 takes it from the start of the construct being
	// parsed when it has one, 0-based for parser errors and 1-based for
	// scanner errors.
	Line int
	// Parser says the error is the parser's (Line is then 0-based).
	Parser bool
	// Reader says the input is not valid UTF-8 or UTF-16, or holds a
	// character YAML does not allow; Offset is then where, in bytes from
	// the start of the input, and Value the byte or character.
	Reader bool
	Offset int
	Value  int
	// Problem is libyaml's message.
	Problem string
}

func (e *Error) Error() string {
	if e.Line != 0 {
		return fmt.Sprintf("yaml: line %d: %s", e.Line, e.Problem)
	}
	return "yaml: " + e.Problem
}

// Parser reads events from a YAML text.
type Parser struct {
	p yaml_parser_t
	// value and anchor are the last event's scalar value and anchor name.
	value, anchor []byte
}

// NewPiecesParser [CloudChamber] returns a parser of an input held in
// pieces, in order (a large file read a piece at a time, never held in one
// allocation), which must not change while it is in use; offsets in errors
// count from the first piece's first byte. A value (scalar, anchor or tag)
// longer than valueMax bytes is an error, found without holding more than
// about valueMax bytes of it.
func NewPiecesParser(pieces [][]byte, valueMax int) *Parser {
	p := &Parser{}
	yaml_parser_initialize(&p.p)
	pieces = slices.Clone(pieces) // the handler moves through its own copy
	p.p.read_handler = func(_ *yaml_parser_t, buffer []byte) (int, error) {
		n := 0
		for n < len(buffer) && len(pieces) > 0 {
			k := copy(buffer[n:], pieces[0])
			n += k
			if pieces[0] = pieces[0][k:]; len(pieces[0]) == 0 {
				pieces = pieces[1:]
			}
		}
		if n == 0 {
			return 0, io.EOF
		}
		return n, nil
	}
	p.p.value_max = valueMax
	return p
}

// Next reads the next event into ev. After the StreamEnd event it keeps
// returning StreamEnd. The previous event's Value is reused.
func (p *Parser) Next(ev *Event) error {
	// A scalar's value and an anchor's name are buffers the scanner made
	// for them alone, and the tokens they came in are consumed: the scanner
	// may write the next ones in them.
	p.recycle(p.value)
	p.recycle(p.anchor)
	// [CloudChamber] The event is written on the stack, not in the heap
	// (yaml.v3's parser kept it there): writing its 272 bytes twice an
	// event, pointers among them, took write barriers while the collector
	// marks, a tenth of a parse on wasm.
	var e yaml_event_t
	ok := yaml_parser_parse(&p.p, &e) && p.p.error == yaml_NO_ERROR
	p.value, p.anchor = e.value, e.anchor
	if p.p.too_long {
		m := p.p.too_long_mark
		return &Error{TooLong: true, Line: m.line, Column: m.column, Problem: "value too long"}
	}
	if !ok {
		return p.err()
	}
	*ev = Event{
		Kind:   EventKind(e.typ),
		Line:   e.start_mark.line,
		Column: e.start_mark.column,
		Anchor: e.anchor,
		Tag:    e.tag,
		Value:  e.value,
		Plain:  e.typ == yaml_SCALAR_EVENT && e.scalar_style()&(yaml_DOUBLE_QUOTED_SCALAR_STYLE|yaml_SINGLE_QUOTED_SCALAR_STYLE|yaml_LITERAL_SCALAR_STYLE|yaml_FOLDED_SCALAR_STYLE) == 0,
	}
	if e.typ == yaml_NO_EVENT {
		ev.Kind = StreamEnd
	}
	return nil
}

func (p *Parser) recycle(b []byte) {
	if cap(b) > 0 && cap(b) <= 256 && len(p.p.free) < 8 {
		p.p.free = append(p.p.free, b[:0])
	}
}

// err is yaml.v3's parser.fail, as an error.
func (p *Parser) err() error {
	pp := &p.p
	e := &Error{Parser: pp.error == yaml_PARSER_ERROR, Reader: pp.error == yaml_READER_ERROR, Problem: pp.problem}
	if pp.context_mark.line != 0 {
		e.Line = pp.context_mark.line
	} else if pp.problem_mark.line != 0 {
		e.Line = pp.problem_mark.line
	}
	if e.Line != 0 && pp.error == yaml_SCANNER_ERROR {
		e.Line++ // yaml.v3: scanner errors don't iterate line before returning error
	}
	if e.Reader {
		e.Offset, e.Value = pp.problem_offset, pp.problem_value
	}
	if e.Problem == "" {
		e.Problem = "unknown problem parsing YAML content"
	}
	return e
}
