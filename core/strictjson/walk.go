package strictjson

// The walk. encoding/json checks that the text is JSON (and names the first
// bad character when it is not); the walk then splits the valid text
// itself, byte by byte, along the target's shape. It was first written on
// json.Decoder.Token, which costs an interface value and a small decode per
// token: Decode took 2.6 to 3.4 times as long as json.Unmarshal on a
// scenario. BenchmarkStrictDecode (core/scenario) measures it now.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// walker checks a JSON text against a shape.
type walker struct {
	data  []byte
	path  []segment
	known bool // skip unknown keys
}

// segment is one step of a path: a key (unescaped), or an index when
// index >= 0.
type segment struct {
	key   []byte
	index int
}

// document checks the whole text, which is valid JSON.
func (w *walker) document(s *shape) *Error {
	_, e := w.value(s, skipSpace(w.data, 0))
	return e
}

func (w *walker) named(name string, e *Error) *Error {
	e.Name = name
	return e
}

// syntaxError reports the first character encoding/json's scanner refused,
// with the path of the value it is in.
func (w *walker) syntaxError(syn *json.SyntaxError) *Error {
	off := int(syn.Offset) - 1 // Offset counts the bad byte
	msg := syn.Error()
	switch {
	case syn.Offset >= int64(len(w.data)) && strings.HasPrefix(msg, "unexpected end"):
		off, msg = len(w.data), "unexpected end of input"
	case strings.HasSuffix(msg, "after top-level value"):
		return w.errAt(off, Trailing, "unexpected data after the JSON value")
	}
	w.pathAt(off)
	return w.errAt(off, Syntax, msg)
}

// pathAt sets the path to that of the value the text is in at limit, by
// following its structure up to there.
func (w *walker) pathAt(limit int) {
	type frame struct {
		obj     bool
		key     []byte // the member's key, once read
		value   bool   // an object past the colon
		index   int    // an array's element
		started bool   // an array's element has begun
	}
	var st []frame
	data := w.data[:limit]
	for i := 0; i < len(data); {
		c := data[i]
		var top *frame
		if len(st) > 0 {
			top = &st[len(st)-1]
		}
		if top != nil && !top.obj && c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' && c != ']' {
			top.started = true
		}
		switch c {
		case '{', '[':
			st = append(st, frame{obj: c == '{'})
		case '}', ']':
			if top != nil {
				st = st[:len(st)-1]
			}
		case ',':
			if top != nil && top.obj {
				top.key, top.value = nil, false
			} else if top != nil {
				top.index, top.started = top.index+1, false
			}
		case ':':
			if top != nil && top.obj {
				top.value = true
			}
		case '"':
			end, esc, ok := scanString(data, i)
			if !ok {
				i = len(data)
				continue
			}
			if top != nil && top.obj && !top.value {
				top.key = content(data, i, end, esc)
			}
			i = end
			continue
		}
		i++
	}
	w.path = w.path[:0]
	for _, f := range st {
		switch {
		case f.obj && f.key != nil:
			w.path = append(w.path, segment{key: f.key, index: -1})
		case !f.obj && f.started:
			w.path = append(w.path, segment{index: f.index})
		}
	}
}

func (w *walker) push(s segment) { w.path = append(w.path, s) }
func (w *walker) pop()           { w.path = w.path[:len(w.path)-1] }

// pathString writes the walker's current path.
func (w *walker) pathString() string {
	var b strings.Builder
	for _, s := range w.path {
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		k := pathKey(string(s.key))
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

// value checks the value at i against s and returns the offset after it.
// The text is valid JSON.
func (w *walker) value(s *shape, i int) (int, *Error) {
	data := w.data
	c := data[i]
	if c == 'n' { // null: leaves the value as it is, or calls UnmarshalJSON
		switch {
		case s.kind == kUnmarshaler && !s.pointer:
			return i + 4, w.unmarshal(s, i, data[i:i+4])
		case s.pointer || s.kind == kAny || s.kind == kSlice || s.kind == kMap:
			return i + 4, nil // it sets the value to nil: it says something
		}
		// encoding/json would leave the value as it was: "seed": null would
		// run as seed 0 without a word. Refused, as ambiguous.
		return 0, w.errAt(i, Invalid, "null is not a value here ("+strings.TrimPrefix(s.want(""), "must be ")+"); leave the key out for its default")
	}
	switch s.kind {
	case kAny:
		return w.skip(i)
	case kUnmarshaler:
		end, e := w.skip(i)
		if e != nil {
			return 0, e
		}
		return end, w.unmarshal(s, i, data[i:end])
	case kText:
		if c != '"' {
			return 0, w.mismatch(s, i)
		}
		end, esc := stringEnd(data, i)
		p := reflect.New(s.t).Interface().(textUnmarshaler)
		if err := p.UnmarshalText(content(data, i, end, esc)); err != nil {
			return 0, w.invalid(i, err)
		}
		return end, nil
	case kStruct, kMap:
		if c != '{' {
			return 0, w.mismatch(s, i)
		}
		return w.object(s, i)
	case kSlice, kArray:
		if c == '"' && s.kind == kSlice && s.bytes {
			end, esc := stringEnd(data, i)
			if _, err := base64Decode(string(content(data, i, end, esc))); err != nil {
				return 0, w.errAt(i, Type, "must be base64 text: "+err.Error())
			}
			return end, nil
		}
		if c != '[' {
			return 0, w.mismatch(s, i)
		}
		return w.array(s, i)
	case kString:
		if c == '"' {
			end, esc := stringEnd(data, i)
			if s.number && !validNumber(string(content(data, i, end, esc))) {
				return 0, w.errAt(i, Type, "must be a number, got "+w.describe(i))
			}
			return end, nil
		}
		if s.number && numberStart(c) {
			return numberEnd(data, i), nil
		}
		return 0, w.mismatch(s, i)
	case kBool:
		switch c {
		case 't':
			return i + 4, nil
		case 'f':
			return i + 5, nil
		}
		return 0, w.mismatch(s, i)
	case kInt, kUint, kFloat:
		if !numberStart(c) {
			return 0, w.mismatch(s, i)
		}
		end := numberEnd(data, i)
		if n := data[i:end]; !s.fits(n) {
			return 0, w.errAt(i, Type, s.want(string(n))+", got "+string(n))
		}
		return end, nil
	case kQuoted:
		if c != '"' {
			return 0, w.mismatch(s, i)
		}
		end, esc := stringEnd(data, i)
		if !s.quotedOK(string(content(data, i, end, esc))) {
			return 0, w.mismatch(s, i)
		}
		return end, nil
	}
	return 0, w.errAt(i, Type, fmt.Sprintf("cannot be decoded into a Go %s", s.t))
}

// object checks the object at i.
func (w *walker) object(s *shape, i int) (int, *Error) {
	data := w.data
	i = skipSpace(data, i+1)
	if data[i] == '}' {
		return i + 1, nil
	}
	var seen keySet
	for {
		kend, kesc := stringEnd(data, i)
		key := content(data, i, kend, kesc)
		w.push(segment{key: key, index: -1})
		if first, prev := seen.add(key, i); first >= 0 {
			e := w.errAt(i, Repeated, "repeats the key")
			if !bytes.Equal(prev, key) {
				e.Kind, e.Msg = Case, "repeats the key "+strconv.Quote(string(prev))
			}
			e.FirstLine, e.FirstCol = LineCol(data, first)
			return 0, e
		}
		elem := anyShape
		switch s.kind {
		case kStruct:
			if f := s.fields.lookup(key); f != nil {
				elem = f.shape
			} else if !w.known {
				return 0, w.errAt(i, Unknown, "unknown key (known here: "+strings.Join(s.fields.names, ", ")+")")
			}
		case kMap:
			elem = s.elem
		}
		i = skipSpace(data, skipSpace(data, kend)+1) // past the colon
		end, e := w.value(elem, i)
		if e != nil {
			return 0, e
		}
		w.pop()
		i = skipSpace(data, end)
		if data[i] == '}' {
			return i + 1, nil
		}
		i = skipSpace(data, i+1) // past the comma
	}
}

func (w *walker) array(s *shape, i int) (int, *Error) {
	data := w.data
	i = skipSpace(data, i+1)
	if data[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		if s.kind == kArray && n == s.length {
			return 0, w.errAt(i, Type, fmt.Sprintf("has more than %d entries", s.length))
		}
		w.push(segment{index: n})
		end, e := w.value(s.elem, i)
		if e != nil {
			return 0, e
		}
		w.pop()
		i = skipSpace(data, end)
		if data[i] == ']' {
			return i + 1, nil
		}
		i = skipSpace(data, i+1)
	}
}

var anyList = &shape{kind: kSlice, elem: anyShape}

// skip checks the value at i for repeated keys only.
func (w *walker) skip(i int) (int, *Error) {
	data := w.data
	switch c := data[i]; {
	case c == '{':
		return w.object(anyShape, i)
	case c == '[':
		return w.array(anyList, i)
	case c == '"':
		end, _ := stringEnd(data, i)
		return end, nil
	case c == 't' || c == 'n':
		return i + 4, nil
	case c == 'f':
		return i + 5, nil
	}
	return numberEnd(data, i), nil
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
	if n := len(w.path); n > 0 && w.path[n-1].index < 0 {
		key := string(w.path[n-1].key)
		if len(e.Msg) > len(key)+2 && strings.EqualFold(e.Msg[:len(key)], key) && e.Msg[len(key):len(key)+2] == ": " {
			e.Msg = e.Msg[len(key)+2:]
		}
	}
	return e
}

func (w *walker) mismatch(s *shape, i int) *Error {
	return w.errAt(i, Type, s.want("")+", got "+w.describe(i))
}

// describe names the value at i for "got ..." in messages.
func (w *walker) describe(i int) string {
	data := w.data
	switch c := data[i]; {
	case c == '{':
		return "an object"
	case c == '[':
		return "an array"
	case c == '"':
		end, esc := stringEnd(data, i)
		v := string(content(data, i, end, esc))
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:40]) + "..."
		}
		return strconv.Quote(v)
	case c == 't':
		return "true"
	case c == 'f':
		return "false"
	case c == 'n':
		return "null"
	}
	return string(data[i:numberEnd(data, i)])
}

// skipRaw returns the offset after the (valid) value at i, checking
// nothing.
func skipRaw(data []byte, i int) int {
	switch data[i] {
	case '"':
		end, _ := stringEnd(data, i)
		return end
	case 't', 'n':
		return i + 4
	case 'f':
		return i + 5
	case '{', '[':
	default:
		return numberEnd(data, i)
	}
	depth := 0
	for {
		switch data[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			i, _ = stringEnd(data, i)
			continue
		}
		i++
		if depth == 0 {
			return i
		}
	}
}

// stringEnd returns the offset after the (valid) string at i, and whether
// it has escapes.
func stringEnd(data []byte, i int) (int, bool) {
	end, esc, _ := scanString(data, i)
	return end, esc
}

// scanString finds the end of the string at i in data, which may be cut
// short (ok is false then).
func scanString(data []byte, i int) (end int, esc, ok bool) {
	j := i + 1
	for {
		q := bytes.IndexByte(data[j:], '"')
		if q < 0 {
			return len(data), esc, false
		}
		b := bytes.IndexByte(data[j:j+q], '\\')
		if b < 0 {
			return j + q + 1, esc, true
		}
		esc = true
		j += b + 2
		if j > len(data) {
			return len(data), esc, false
		}
	}
}

// content is the text of the string data[i:end]: its bytes, or unescaped.
func content(data []byte, i, end int, esc bool) []byte {
	if !esc {
		return data[i+1 : end-1]
	}
	var s string
	if json.Unmarshal(data[i:end], &s) != nil {
		return data[i+1 : end-1] // cut short (pathAt): as written
	}
	return []byte(s)
}

func numberStart(c byte) bool { return c == '-' || '0' <= c && c <= '9' }

func numberEnd(data []byte, i int) int {
	for i < len(data) {
		switch c := data[i]; {
		case '0' <= c && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
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

// keySet finds repeated keys in one object: a short list while the object
// is small, a map of folded keys beyond.
type keySet struct {
	list [12]keyAt
	n    int
	m    map[string]keyAt
}

type keyAt struct {
	key []byte
	off int
}

// add records a key and returns the offset and spelling of an earlier key
// equal to it under case folding, or -1.
func (s *keySet) add(key []byte, off int) (int, []byte) {
	if s.m == nil {
		for _, k := range s.list[:s.n] {
			if foldEqualBytes(k.key, key) {
				return k.off, k.key
			}
		}
		if s.n < len(s.list) {
			s.list[s.n] = keyAt{key, off}
			s.n++
			return -1, nil
		}
		s.m = make(map[string]keyAt, 2*len(s.list))
		for _, k := range s.list {
			s.m[fold(string(k.key))] = k
		}
	}
	f := fold(string(key))
	if k, ok := s.m[f]; ok {
		return k.off, k.key
	}
	s.m[f] = keyAt{key, off}
	return -1, nil
}
