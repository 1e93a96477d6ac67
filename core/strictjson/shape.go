package strictjson

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// shape is what a Go type accepts, as encoding/json decodes into it.
type shape struct {
	kind    shapeKind
	t       reflect.Type // the type; for kUnmarshaler and kText, the one whose pointer has the method
	pointer bool         // reached through a pointer: null sets it to nil
	elem    *shape       // slices, arrays, maps
	length  int          // arrays
	fields  *fieldSet    // structs
	bits    int          // numbers
	bytes   bool         // []byte: base64 text
	number  bool         // json.Number
}

type shapeKind uint8

const (
	kInvalid     shapeKind = iota // cannot hold JSON (chan, func, complex, an interface with methods)
	kAny                          // an empty interface: anything
	kUnmarshaler                  // json.Unmarshaler
	kText                         // encoding.TextUnmarshaler: a JSON string
	kStruct
	kMap
	kSlice
	kArray
	kString
	kBool
	kInt
	kUint
	kFloat
	kQuoted // a scalar field with the ",string" option: its value written as a JSON string
)

type textUnmarshaler = encoding.TextUnmarshaler

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType      = reflect.TypeFor[json.Number]()
	anyShape        = &shape{kind: kAny}
)

// shapes caches the shape of each type decoded so far (as encoding/json
// caches its field lists); it changes nothing but speed.
var shapes sync.Map // reflect.Type -> *shape

func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	building := map[reflect.Type]*shape{}
	s := build(t, building)
	for t, s := range building {
		shapes.LoadOrStore(t, s)
	}
	return s
}

// build makes t's shape, sharing the ones under construction so that
// recursive types end.
func build(t reflect.Type, building map[reflect.Type]*shape) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	if s, ok := building[t]; ok {
		return s
	}
	s := &shape{t: t}
	building[t] = s
	base := t
	for {
		// encoding/json looks for the methods on a pointer to each level.
		if reflect.PointerTo(base).Implements(unmarshalerType) {
			s.kind, s.t = kUnmarshaler, base
			return s
		}
		if reflect.PointerTo(base).Implements(textType) {
			s.kind, s.t = kText, base
			return s
		}
		if base.Kind() != reflect.Pointer {
			break
		}
		s.pointer = true
		base = base.Elem()
	}
	s.t = base
	switch base.Kind() {
	case reflect.Interface:
		if base.NumMethod() == 0 {
			s.kind = kAny
		}
	case reflect.Struct:
		s.kind = kStruct
		s.fields = fieldsOf(base, building)
	case reflect.Map:
		switch base.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			s.kind = kMap
		default:
			if reflect.PointerTo(base.Key()).Implements(textType) {
				s.kind = kMap
			}
		}
		s.elem = build(base.Elem(), building)
	case reflect.Slice:
		s.kind = kSlice
		s.bytes = base.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(base.Elem()).Implements(unmarshalerType) && !reflect.PointerTo(base.Elem()).Implements(textType)
		s.elem = build(base.Elem(), building)
	case reflect.Array:
		s.kind, s.length = kArray, base.Len()
		s.elem = build(base.Elem(), building)
	case reflect.String:
		s.kind, s.number = kString, base == numberType
	case reflect.Bool:
		s.kind = kBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s.kind, s.bits = kInt, base.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s.kind, s.bits = kUint, base.Bits()
	case reflect.Float32, reflect.Float64:
		s.kind, s.bits = kFloat, base.Bits()
	}
	return s
}

// fits reports whether a JSON number fits a number shape, as encoding/json
// decides it (strconv.ParseInt, ParseUint or ParseFloat at the type's size).
func (s *shape) fits(n []byte) bool {
	switch s.kind {
	case kInt, kUint:
		neg := n[0] == '-'
		digits := n
		if neg {
			if s.kind == kUint {
				return false
			}
			digits = n[1:]
		}
		var v uint64
		for _, c := range digits {
			if c < '0' || c > '9' || v > (math.MaxUint64-9)/10 {
				return false // a fraction, an exponent, or too many digits
			}
			v = v*10 + uint64(c-'0')
		}
		if s.kind == kUint {
			return v <= math.MaxUint64>>(64-s.bits)
		}
		if neg {
			return v <= 1<<(s.bits-1)
		}
		return v <= 1<<(s.bits-1)-1
	case kFloat:
		_, err := strconv.ParseFloat(string(n), s.bits)
		return err == nil
	}
	return false
}

// quotedOK reports whether the text of a ",string" field's value is a
// literal its type takes, as encoding/json reads it.
func (s *shape) quotedOK(str string) bool {
	if str == "null" {
		return true
	}
	e := s.elem
	if e.kind == kUnmarshaler || e.kind == kText {
		return false // not found in this product; refused rather than guessed
	}
	switch e.kind {
	case kString:
		var v string
		return len(str) > 0 && str[0] == '"' && json.Unmarshal([]byte(str), &v) == nil
	case kBool:
		return str == "true" || str == "false"
	case kInt, kUint, kFloat:
		return validNumber(str) && e.fits([]byte(str))
	}
	return false
}

// want says what a shape accepts, to start a type error's message. n is
// the number that did not fit, if that was the problem.
func (s *shape) want(n string) string {
	switch s.kind {
	case kStruct, kMap:
		return "must be an object"
	case kSlice:
		if s.bytes {
			return "must be an array or base64 text"
		}
		return "must be an array"
	case kArray:
		return "must be an array"
	case kString, kText:
		if s.number {
			return "must be a number"
		}
		return "must be a string"
	case kBool:
		return "must be true or false"
	case kInt, kUint:
		if n == "" || strings.ContainsAny(n, ".eE") {
			return "must be an integer"
		}
		if s.kind == kInt {
			return "must be an integer from " + strconv.FormatInt(math.MinInt64>>(64-s.bits), 10) + " to " + strconv.FormatInt(math.MaxInt64>>(64-s.bits), 10)
		}
		return "must be an integer from 0 to " + strconv.FormatUint(math.MaxUint64>>(64-s.bits), 10)
	case kFloat:
		if n != "" {
			return "must be a number that fits a " + strconv.Itoa(s.bits) + "-bit float"
		}
		return "must be a number"
	case kQuoted:
		return "must be a string holding a JSON " + strings.TrimPrefix(s.elem.want(""), "must be ")
	}
	return "cannot be decoded into a Go " + s.t.String()
}

// fieldSet is the keys a struct takes, found as encoding/json finds them:
// exported fields by their tag name or Go name, those of embedded structs
// promoted, the shallowest (then the tagged) winning a name, and a key
// matched exactly first, then under case folding.
type fieldSet struct {
	exact  map[string]*field
	folded map[string]*field
	names  []string // in declaration order, for messages
}

type field struct {
	name  string
	shape *shape
	index []int
	tag   bool
}

func (fs *fieldSet) lookup(key []byte) *field {
	if f, ok := fs.exact[string(key)]; ok {
		return f
	}
	return fs.folded[fold(string(key))]
}

func fieldsOf(t reflect.Type, building map[reflect.Type]*shape) *fieldSet {
	type level struct {
		t     reflect.Type
		index []int
	}
	var fields []*field
	next := []level{{t: t}}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count := map[reflect.Type]int{}
		for _, l := range current {
			count[l.t]++
		}
		for _, l := range current {
			if visited[l.t] {
				continue
			}
			visited[l.t] = true
			for i := range l.t.NumField() {
				sf := l.t.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTag(name) {
					name = ""
				}
				index := append(slices.Clip(l.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := &field{name: name, index: index, tag: name != "", shape: build(sf.Type, building)}
					if quoted(opts, ft.Kind()) {
						f.shape = &shape{kind: kQuoted, t: sf.Type, elem: f.shape}
					}
					if name == "" {
						f.name = sf.Name
					}
					fields = append(fields, f)
					if count[l.t] > 1 { // the same type embedded twice at this depth: ambiguous
						fields = append(fields, f)
					}
					continue
				}
				next = append(next, level{t: ft, index: index})
			}
		}
	}
	// Keep one field per name: the shallowest, then the tagged one; a tie
	// hides the name, as Go's embedding rules do.
	slices.SortStableFunc(fields, func(a, b *field) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tag != b.tag {
			if a.tag {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	var kept []*field
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tag != fields[i+1].tag {
			kept = append(kept, fields[i])
		}
		i = j
	}
	slices.SortFunc(kept, func(a, b *field) int { return slices.Compare(a.index, b.index) })
	fs := &fieldSet{exact: map[string]*field{}, folded: map[string]*field{}}
	for _, f := range kept {
		fs.exact[f.name] = f
		if _, ok := fs.folded[fold(f.name)]; !ok {
			fs.folded[fold(f.name)] = f
		}
		fs.names = append(fs.names, f.name)
	}
	return fs
}

// quoted reports whether a field has the ",string" option, which
// encoding/json honours only for scalars.
func quoted(opts string, k reflect.Kind) bool {
	if !slices.Contains(strings.Split(opts, ","), "string") {
		return false
	}
	switch k {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return true
	}
	return false
}

func validTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// fold is encoding/json's case folding of keys: ASCII letters upper-cased,
// any other rune replaced by the smallest rune of its fold set.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'a' <= c && c <= 'z' {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b = append(b, byte(r))
			continue
		}
		b = utf8.AppendRune(b, foldRune(r))
	}
	return string(b)
}

func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}

// foldEqualBytes is fold(a) == fold(b), without allocating for ASCII keys.
func foldEqualBytes(a, b []byte) bool {
	if len(a) == len(b) {
		i := 0
		for ; i < len(a); i++ {
			x, y := a[i], b[i]
			if x >= utf8.RuneSelf || y >= utf8.RuneSelf {
				break
			}
			if x == y {
				continue
			}
			if 'a' <= x && x <= 'z' {
				x -= 'a' - 'A'
			}
			if 'a' <= y && y <= 'z' {
				y -= 'a' - 'A'
			}
			if x != y {
				return false
			}
		}
		if i == len(a) {
			return true
		}
	} else if ascii(a) && ascii(b) {
		return false
	}
	return fold(string(a)) == fold(string(b))
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldEqual is fold(a) == fold(b).
func foldEqual(a, b string) bool { return foldEqualBytes([]byte(a), []byte(b)) }

func base64Decode(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// validNumber reports whether s is a JSON number, as encoding/json checks
// a string decoded into a json.Number.
func validNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	digits := func(s string) (string, bool) {
		i := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return s[i:], i > 0
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		s, _ = digits(s)
	default:
		return false
	}
	var ok bool
	if len(s) >= 2 && s[0] == '.' {
		if s, ok = digits(s[1:]); !ok {
			return false
		}
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
		}
		if s, ok = digits(s); !ok {
			return false
		}
	}
	return s == ""
}
