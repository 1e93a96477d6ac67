// Package strictjson is how every JSON input of CloudChamber is read: a
// scenario file or link, a rule set, workload specs, a library export, the
// commands and workloads inside a snapshot, a trace. It decodes into the same
// value encoding/json gives, but refuses what encoding/json would resolve
// silently one way or another, and it says where every problem is.
//
// # Shapes
//
// Decode(name, data, &v) takes one JSON text and a pointer to the Go value
// it is for. Before anything is stored it walks the text along v's type and
// refuses:
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
//	rules:3:18: rules[0].choices[1].wiat: unknown key (known here: name, call, wait, chosen, assuming)
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
	"io"
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
// encoding/json does, after checking it as the package doc says. name
// names the source in errors. Every error is an *Error.
func Decode(name string, data []byte, v any) error {
	return decode(name, data, v, false)
}

// DecodeKnown is Decode but skips keys v's type has no field for (after
// checking them for repeats): for reading a header, such as a format
// version, before the rest of the schema is known.
func DecodeKnown(name string, data []byte, v any) error {
	return decode(name, data, v, true)
}

func decode(name string, data []byte, v any, known bool) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &Error{Name: name, Kind: Invalid, Msg: fmt.Sprintf("strictjson: Decode needs a non-nil pointer, got %T", v)}
	}
	w := walker{data: data, known: known}
	w.dec = json.NewDecoder(bytes.NewReader(data))
	w.dec.UseNumber()
	if e := w.document(shapeOf(rv.Type().Elem())); e != nil {
		e.Name = name
		return e
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if !known {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		// The walk checks what encoding/json checks; this is a backstop.
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

// walker checks a JSON text against a shape, token by token.
type walker struct {
	data  []byte
	dec   *json.Decoder
	path  []segment
	known bool // skip unknown keys
}

// segment is one step of a path: a key, or an index when key is "" and
// index >= 0.
type segment struct {
	key   string
	index int
}

func (w *walker) document(s *shape) *Error {
	if skipSpace(w.data, 0) == len(w.data) {
		return w.errAt(len(w.data), Syntax, "no JSON value (the input is empty)")
	}
	if e := w.value(s); e != nil {
		return e
	}
	if off := skipSpace(w.data, int(w.dec.InputOffset())); off < len(w.data) {
		w.path = w.path[:0]
		return w.errAt(off, Trailing, "unexpected data after the JSON value")
	}
	return nil
}

// next is the offset where the next token starts.
func (w *walker) next() int {
	i := int(w.dec.InputOffset())
	for i < len(w.data) {
		switch w.data[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// token reads the next token, turning a failure into a located error.
func (w *walker) token() (json.Token, *Error) {
	t, err := w.dec.Token()
	if err == nil {
		return t, nil
	}
	return nil, w.syntaxError(err)
}

func (w *walker) syntaxError(err error) *Error {
	// The decoder's offsets count only the bytes it scanned for values, not
	// those Token read itself; encoding/json's scanner, run over the whole
	// text, finds the same first error and its exact place.
	var raw json.RawMessage
	var syn *json.SyntaxError
	if errors.As(json.Unmarshal(w.data, &raw), &syn) {
		if syn.Offset >= int64(len(w.data)) && strings.HasPrefix(syn.Error(), "unexpected end") {
			return w.errAt(len(w.data), Syntax, "unexpected end of input")
		}
		return w.errAt(int(syn.Offset)-1, Syntax, syn.Error()) // Offset counts the bad byte
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return w.errAt(len(w.data), Syntax, "unexpected end of input")
	}
	return w.errAt(w.next(), Syntax, err.Error())
}

func (w *walker) push(s segment) { w.path = append(w.path, s) }
func (w *walker) pop()           { w.path = w.path[:len(w.path)-1] }

// pathString writes the walker's current path.
func (w *walker) pathString() string {
	var b strings.Builder
	for _, s := range w.path {
		if s.key == "" && s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		k := pathKey(s.key)
		if b.Len() > 0 && k[0] != '[' {
			b.WriteByte('.')
		}
		b.WriteString(k)
	}
	return b.String()
}

func (w *walker) errAt(off int, kind Kind, msg string) *Error {
	line, col := LineCol(w.data, off)
	return &Error{Line: line, Col: col, Path: w.pathString(), Kind: kind, Msg: msg}
}

// value checks one value against s.
func (w *walker) value(s *shape) *Error {
	start := w.next()
	tok, e := w.token()
	if e != nil {
		return e
	}
	if tok == nil { // null: leaves the value as it is, or calls UnmarshalJSON
		if s.kind == kUnmarshaler && !s.pointer {
			return w.unmarshal(s, start, []byte("null"))
		}
		return nil
	}
	switch s.kind {
	case kAny:
		return w.skip(tok)
	case kUnmarshaler:
		if e := w.skip(tok); e != nil {
			return e
		}
		return w.unmarshal(s, start, w.data[start:w.dec.InputOffset()])
	case kText:
		str, ok := tok.(string)
		if !ok {
			return w.mismatch(s, tok, start)
		}
		p := reflect.New(s.t).Interface().(textUnmarshaler)
		if err := p.UnmarshalText([]byte(str)); err != nil {
			return w.invalid(start, err)
		}
		return nil
	case kStruct:
		if tok != json.Delim('{') {
			return w.mismatch(s, tok, start)
		}
		return w.object(s)
	case kMap:
		if tok != json.Delim('{') {
			return w.mismatch(s, tok, start)
		}
		return w.object(s)
	case kSlice, kArray:
		if str, ok := tok.(string); ok && s.kind == kSlice && s.bytes {
			if _, err := base64Decode(str); err != nil {
				return w.errAt(start, Type, "must be base64 text: "+err.Error())
			}
			return nil
		}
		if tok != json.Delim('[') {
			return w.mismatch(s, tok, start)
		}
		return w.array(s)
	case kString:
		switch v := tok.(type) {
		case string:
			if s.number && !validNumber(v) {
				return w.errAt(start, Type, "must be a number, got "+describe(tok))
			}
			return nil
		case json.Number:
			if s.number {
				return nil
			}
		}
		return w.mismatch(s, tok, start)
	case kBool:
		if _, ok := tok.(bool); ok {
			return nil
		}
		return w.mismatch(s, tok, start)
	case kQuoted:
		str, ok := tok.(string)
		if !ok || !s.quotedOK(str) {
			return w.mismatch(s, tok, start)
		}
		return nil
	case kInt, kUint, kFloat:
		n, ok := tok.(json.Number)
		if !ok {
			return w.mismatch(s, tok, start)
		}
		if !s.fits(string(n)) {
			return w.errAt(start, Type, s.want(string(n))+", got "+string(n))
		}
		return nil
	}
	return w.errAt(start, Type, fmt.Sprintf("cannot be decoded into a Go %s", s.t))
}

// object checks the members of an object whose '{' has been read.
func (w *walker) object(s *shape) *Error {
	var seen keySet
	for w.dec.More() {
		koff := w.next()
		tok, e := w.token()
		if e != nil {
			return e
		}
		key, _ := tok.(string)
		w.push(segment{key: key, index: -1})
		if first, prev := seen.add(key, koff); first >= 0 {
			e := w.errAt(koff, Repeated, "repeats the key")
			if prev != key {
				e.Kind, e.Msg = Case, "repeats the key "+strconv.Quote(prev)
			}
			e.FirstLine, e.FirstCol = LineCol(w.data, first)
			return e
		}
		var elem *shape
		switch s.kind {
		case kStruct:
			if f := s.fields.lookup(key); f != nil {
				elem = f.shape
			} else if !w.known {
				return w.errAt(koff, Unknown, "unknown key (known here: "+strings.Join(s.fields.names, ", ")+")")
			}
		case kMap:
			elem = s.elem
		}
		if elem == nil {
			elem = anyShape
		}
		if e := w.value(elem); e != nil {
			return e
		}
		w.pop()
	}
	_, e := w.token() // '}'
	return e
}

func (w *walker) array(s *shape) *Error {
	for i := 0; w.dec.More(); i++ {
		if s.kind == kArray && i == s.length {
			return w.errAt(w.next(), Type, fmt.Sprintf("has more than %d entries", s.length))
		}
		w.push(segment{index: i})
		if e := w.value(s.elem); e != nil {
			return e
		}
		w.pop()
	}
	_, e := w.token() // ']'
	return e
}

// skip checks the rest of a value whose first token is tok for syntax and
// repeated keys only.
func (w *walker) skip(tok json.Token) *Error {
	switch tok {
	case json.Delim('{'):
		return w.object(anyShape)
	case json.Delim('['):
		return w.array(&shape{kind: kSlice, elem: anyShape})
	}
	return nil
}

func (w *walker) unmarshal(s *shape, start int, raw []byte) *Error {
	p := reflect.New(s.t).Interface().(json.Unmarshaler)
	if err := p.UnmarshalJSON(raw); err != nil {
		return w.invalid(start, err)
	}
	return nil
}

// invalid reports a value its type refused. A message that begins by
// naming the key the path ends with ("cores: ...") does not repeat it.
func (w *walker) invalid(start int, err error) *Error {
	e := w.errAt(start, Invalid, err.Error())
	e.Err = err
	if n := len(w.path); n > 0 && w.path[n-1].key != "" {
		key := w.path[n-1].key
		if len(e.Msg) > len(key)+2 && strings.EqualFold(e.Msg[:len(key)], key) && e.Msg[len(key):len(key)+2] == ": " {
			e.Msg = e.Msg[len(key)+2:]
		}
	}
	return e
}

func (w *walker) mismatch(s *shape, tok json.Token, start int) *Error {
	return w.errAt(start, Type, s.want("")+", got "+describe(tok))
}

// describe names a token for "got ..." in messages.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case string:
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:40]) + "..."
		}
		return strconv.Quote(v)
	case json.Number:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return "null"
}

// keySet finds repeated keys in one object: a short list while the object
// is small, a map of folded keys beyond.
type keySet struct {
	list [12]keyAt
	n    int
	m    map[string]keyAt
}

type keyAt struct {
	key string
	off int
}

// add records a key and returns the offset and spelling of an earlier key
// equal to it under case folding, or -1.
func (s *keySet) add(key string, off int) (int, string) {
	if s.m == nil {
		for _, k := range s.list[:s.n] {
			if foldEqual(k.key, key) {
				return k.off, k.key
			}
		}
		if s.n < len(s.list) {
			s.list[s.n] = keyAt{key, off}
			s.n++
			return -1, ""
		}
		s.m = make(map[string]keyAt, 2*len(s.list))
		for _, k := range s.list {
			s.m[fold(k.key)] = k
		}
	}
	f := fold(key)
	if k, ok := s.m[f]; ok {
		return k.off, k.key
	}
	s.m[f] = keyAt{key, off}
	return -1, ""
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
