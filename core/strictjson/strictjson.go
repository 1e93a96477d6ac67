// Package strictjson is how every JSON input of CloudChamber is read: a
// scenario file or link, a rule set, workload specs, a library export, the
// commands and workloads inside a snapshot, a trace. It decodes into the same
// value encoding/json gives, but refuses what encoding/json would resolve
// silently one way or another, and it says where every problem is.
//
// # Shapes
//
// Decode(name, data, &v) takes one JSON text and a pointer to the Go value
// it is for. encoding/json decodes it; then Decode walks the text along v's
// type and refuses (v is then to be dropped):
//
//   - a key given twice in one object: {"seed": 1, "seed": 7}
//     (encoding/json keeps the last);
//   - two keys in one object that are equal under encoding/json's case
//     folding: {"seed": 1, "Seed": 7} (encoding/json stores both into the
//     one field, so the last wins). Keys of objects that decode into a map or
//     an any are held to the same rule;
//   - a key the type has no field for;
//   - a value of the wrong JSON type, or a number its field cannot hold
//     (2.5 or 300 for a uint8);
//   - an array longer than a fixed-size Go array;
//   - anything but white space after the value, and an empty input.
//
// A type with its own UnmarshalJSON or UnmarshalText (an enum, a decimal)
// is asked to decode its value's bytes during the walk, so its error is
// located too; the keys of an object it reads itself are checked for
// repeats only.
//
// DecodeKnown is Decode for a header: keys the type has no field for are
// skipped (still checked for repeats), so a format version can be read
// before the schema it selects is known.
//
// # Errors
//
// Every error Decode returns is an *Error, printed as
//
//	name:line:col: path: message
//
//	scenario.json:10:2: seed: repeats the key of line 9, column 2
//	scenario.json:10:2: Seed: repeats the key "seed" of line 9, column 2 (keys match regardless of case)
//	scenario.json:34:20: control.monitor.suspectAfter: must be an integer, got "5"
//	rules:3:18: rules[0].choices[1].wiat: unknown key (known here: name, assuming, call, wait, chosen, rejected)
//	link:1:4012: unexpected data after the JSON value
//
// Lines and columns are 1-based; a column counts characters, a tab as one.
// The path is the keys from the top joined by dots, with array indices in
// brackets (script[0].fault.kind); it is empty for the document itself and
// omitted from the message then. Where an error has no line (a rule
// violated by the whole document) the line and column are left out.
//
// Errors found after decoding, in validation, name a path
// ("control.sampleEvery: must be ..."): Place turns such an error into an
// *Error located at that path's value, and Position finds a path's line and
// column. Error.Within moves an error found in a JSON text embedded in
// another (a library file's scenarios) to its place in the outer text.
//
// The package does no I/O and keeps no state but a cache of the field sets
// of Go types, which only makes later decodes faster.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind says what sort of problem an Error is.
type Kind uint8

// The kinds of error.
const (
	Syntax   Kind = iota + 1 // not JSON: a bad character, a cut-off text, nothing at all
	Type                     // a value of the wrong JSON type, or a number its field cannot hold
	Unknown                  // a key the type has no field for
	Repeated                 // a key given twice in one object
	Case                     // a key equal to an earlier one of its object but for case
	Trailing                 // data after the JSON value
	Invalid                  // a value the type (its UnmarshalJSON) or a later validation refuses
)

var kindNames = [...]string{"", "syntax", "type", "unknown key", "repeated key", "case-variant key", "trailing data", "invalid value"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Error is a JSON input refused, and where.
type Error struct {
	Name string // the source: a file name, "link", "rules"
	Line int    // 1-based; 0 when the problem has no place
	Col  int    // 1-based, in characters; 0 when unknown
	Path string // JSON path of the key or value, e.g. control.monitor.suspectAfter; "" for the document
	Kind Kind
	Msg  string

	// FirstLine and FirstCol locate the earlier key a Repeated or Case
	// error repeats; Error() adds them to Msg.
	FirstLine, FirstCol int

	Err error // the error underneath (an UnmarshalJSON's, a validation's), if any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Name)
	if e.Line > 0 {
		if e.Name != "" {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.FirstLine > 0 {
		fmt.Fprintf(&b, " of line %d, column %d", e.FirstLine, e.FirstCol)
	}
	if e.Kind == Case {
		b.WriteString(" (keys match regardless of case)")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Within moves an error found in a JSON text that sits, as a value, at
// line:col under path of an outer text called name (a scenario inside a
// library file): its position and path become the outer text's. An error
// with no line is placed at the embedded text.
func (e *Error) Within(name string, line, col int, path string) {
	e.Name = name
	if e.Line == 0 { // a problem with the whole embedded text
		e.Line, e.Col = line, col
	} else {
		shift(&e.Line, &e.Col, line, col)
	}
	shift(&e.FirstLine, &e.FirstCol, line, col)
	e.Path = joinPath(path, e.Path)
}

func shift(l, c *int, line, col int) {
	if *l == 0 {
		return
	}
	if *l == 1 && *c > 0 {
		*c += col - 1
	}
	*l += line - 1
}

// Decode decodes the JSON text data into v, a non-nil pointer, as
// encoding/json does, and checks it as the package doc says. name names the
// source in errors. Every error is an *Error; after one, v may hold part of
// the input (as after an encoding/json error) and is to be dropped.
func Decode(name string, data []byte, v any) error {
	return decode(name, data, v, false)
}

// DecodeKnown is Decode but skips keys v's type has no field for (after
// checking them for repeats): for reading a header, such as a format
// version, before the rest of the schema is known.
func DecodeKnown(name string, data []byte, v any) error {
	return decode(name, data, v, true)
}

// bom is the UTF-8 byte-order mark some editors put first in a file.
var bom = []byte("\xef\xbb\xbf")

// TrimBOM drops a UTF-8 byte-order mark at the start of data. JSON has no
// use for one (RFC 8259 allows a reader to ignore it), and a file saved
// with one is read as if it had none, by Decode and by Position alike.
func TrimBOM(data []byte) []byte { return bytes.TrimPrefix(data, bom) }

func decode(name string, data []byte, v any, known bool) error {
	data = TrimBOM(data)
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Name: name, Kind: Invalid, Msg: fmt.Sprintf("strictjson: Decode needs a non-nil pointer, got %T", v)}
	}
	w := walker{data: data, known: known}
	if skipSpace(data, 0) == len(data) {
		return w.named(name, w.errAt(len(data), Syntax, "no JSON value (the input is empty)"))
	}
	// encoding/json first: it checks the syntax (leaving v alone when the
	// text is not JSON) and decodes; the walk then checks what it let
	// through. Unknown keys it skips are the walk's to find.
	err := json.Unmarshal(data, v)
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return w.named(name, w.syntaxError(syn))
	}
	if e := w.document(shapeOf(rv.Type().Elem())); e != nil {
		return w.named(name, e)
	}
	if err != nil {
		// The walk checks all that encoding/json checks; this is a backstop.
		e := &Error{Name: name, Kind: Invalid, Msg: strings.TrimPrefix(err.Error(), "json: "), Err: err}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			e.Kind, e.Path = Type, typ.Field
			e.Line, e.Col = LineCol(data, int(typ.Offset))
		}
		return e
	}
	return nil
}

// LineCol is the 1-based line and column (in characters) of byte offset off.
func LineCol(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	return line, utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
}

// pathKey writes a key inside a path; one that would be ambiguous there is
// quoted in brackets: a["x.y"].
func pathKey(key string) string {
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80) {
			return "[" + strconv.Quote(key) + "]"
		}
	}
	if key == "" {
		return `[""]`
	}
	return key
}

func joinPath(outer, inner string) string {
	switch {
	case inner == "":
		return outer
	case outer == "" || inner[0] == '[':
		return outer + inner
	}
	return outer + "." + inner
}
