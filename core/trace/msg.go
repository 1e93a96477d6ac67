package trace

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Msg is a message of the catalogue: a stable key (what the trace hash,
// JSONL and snapshots carry) and an English template (what is displayed).
// Packages define their messages once, at init:
//
//	var msgPortAlready = trace.Define("hardware.port-already", "{0} is already {1}")
//
// The value is an index into this process's catalogue; it never leaves the
// process. The zero Msg is "no message" (an empty reason).
type Msg uint16

// MsgText is the message of a preformatted text, its one string argument:
// the string API (Start with a name, Reason, Infof, …) records it. Its text
// is in the hash, so hot or stable call sites define messages of their own.
var MsgText = Define("text", "{0}")

// ArgKind says what an Arg holds. The numeric values are part of the trace
// hash and never change.
type ArgKind uint8

const (
	ArgInt  ArgKind = iota + 1 // a signed number (a tick, a count)
	ArgUint                    // an unsigned number
	ArgStr                     // a string: an element path, a name from the scenario, a user's text
	ArgEnum                    // a value of an enum defined with DefineEnum
)

var argKindNames = [...]string{"", "int", "uint", "str", "enum"}

// Arg is one typed argument of a message. Build it with Int, Uint, Str or
// EnumSet.Of.
type Arg struct {
	Kind ArgKind
	Enum EnumSet // ArgEnum: which enum
	N    uint64  // ArgInt (as int64 bits), ArgUint, ArgEnum (the value)
	S    string  // ArgStr
}

// Int is a signed number argument (ticks, counts).
func Int[N ~int | ~int8 | ~int16 | ~int32 | ~int64](n N) Arg {
	return Arg{Kind: ArgInt, N: uint64(int64(n))}
}

// Uint is an unsigned number argument.
func Uint[N ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64](n N) Arg {
	return Arg{Kind: ArgUint, N: uint64(n)}
}

// Str is a string argument: an element path, a name, a user's free text.
// Never English composed by the caller: that is what templates are for.
func Str(s string) Arg { return Arg{Kind: ArgStr, S: s} }

// Int64 is the value of an ArgInt.
func (a Arg) Int64() int64 { return int64(a.N) }

// EnumSet is an enum defined with DefineEnum: a stable key and the names of
// its values (what is displayed; the hash covers the key and the number).
type EnumSet uint16

type enumDef struct {
	key   string
	names []string
}

var enums = []enumDef{{}} // 0 is no enum

// DefineEnum adds an enum to the catalogue. names[v] is displayed for value
// v. Call it at init. Packages that share an enum may each define it: a
// repeated key with the same names gives the same EnumSet, with other names
// it panics.
func DefineEnum(key string, names []string) EnumSet {
	for i, e := range enums[1:] {
		if e.key == key {
			if !slices.Equal(e.names, names) {
				panic("trace: enum " + key + " defined twice, with other names")
			}
			return EnumSet(i + 1)
		}
	}
	enums = append(enums, enumDef{key: key, names: names})
	return EnumSet(len(enums) - 1)
}

// EnumNames lists the names of values 0 … n-1 of an enum whose String
// method is name, for DefineEnum.
func EnumNames[T ~uint8](n int, name func(T) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = name(T(i))
	}
	return out
}

// Of is the argument for value v of the enum.
func (e EnumSet) Of(v uint8) Arg { return Arg{Kind: ArgEnum, Enum: e, N: uint64(v)} }

func (e EnumSet) key() string {
	if int(e) < len(enums) {
		return enums[e].key
	}
	return ""
}

func lookupEnum(key string) (EnumSet, bool) {
	for i := 1; i < len(enums); i++ {
		if enums[i].key == key {
			return EnumSet(i), true
		}
	}
	return 0, false
}

// OnOff is an enum for a switch's state: OnOff.Of(b2u(on)).
var OnOff = DefineEnum("onoff", []string{"off", "on"})

// Bool is the OnOff argument for b ("on" or "off").
func Bool(b bool) Arg {
	if b {
		return OnOff.Of(1)
	}
	return OnOff.Of(0)
}

// A template is English with numbered holes:
//
//	{0}            argument 0 as it is (a number in decimal, a string, an enum's name)
//	{0:q}          argument 0 quoted as a Go string ("rule \"x\"")
//	{0:tick|ticks} argument 0, a number, and a noun in its English number: "1 tick", "3 ticks"
//
// Any other '{' is a literal. Every argument must be used at least once.
type segment struct {
	lit       string
	arg       int // -1: lit only
	quote     bool
	one, many string
}

type msgDef struct {
	key   string
	tmpl  string
	segs  []segment
	arity int
}

var msgs = []msgDef{{}} // 0 is no message

var msgByKey = map[string]Msg{}

// Define adds a message to the catalogue: key is what the hash, JSONL and
// snapshots carry and must never change for a message that means the same;
// template is the English (see the package doc) and may be reworded freely.
// Call it at init (a package-level var); a repeated key or a bad template
// panics.
func Define(key, template string) Msg {
	if key == "" {
		panic("trace: a message needs a key")
	}
	if _, dup := msgByKey[key]; dup {
		panic("trace: message " + key + " defined twice")
	}
	d := msgDef{key: key}
	d.parse(template)
	msgs = append(msgs, d)
	m := Msg(len(msgs) - 1)
	msgByKey[key] = m
	return m
}

func (d *msgDef) parse(template string) {
	d.tmpl, d.segs, d.arity = template, nil, 0
	used := 0
	lit := ""
	for rest := template; rest != ""; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			lit += rest
			break
		}
		lit += rest[:i]
		rest = rest[i:]
		j := strings.IndexByte(rest, '}')
		if j < 0 || len(rest) < 2 || rest[1] < '0' || rest[1] > '9' {
			lit += "{"
			rest = rest[1:]
			continue
		}
		hole := rest[1:j]
		rest = rest[j+1:]
		num, format, _ := strings.Cut(hole, ":")
		n, err := strconv.Atoi(num)
		if err != nil || n > 15 {
			panic(fmt.Sprintf("trace: message %s: bad hole {%s}", d.key, hole))
		}
		s := segment{lit: lit, arg: n}
		lit = ""
		switch {
		case format == "":
		case format == "q":
			s.quote = true
		case strings.Contains(format, "|"):
			s.one, s.many, _ = strings.Cut(format, "|")
		default:
			panic(fmt.Sprintf("trace: message %s: bad format in {%s}", d.key, hole))
		}
		d.segs = append(d.segs, s)
		used |= 1 << n
		d.arity = max(d.arity, n+1)
	}
	if lit != "" {
		d.segs = append(d.segs, segment{lit: lit, arg: -1})
	}
	if used != 1<<d.arity-1 {
		panic(fmt.Sprintf("trace: message %s: template %q skips an argument", d.key, template))
	}
}

// Reword replaces a message's template, for a test that checks that
// rewording changes no hash; it returns a function that restores the old
// one. It is not safe while anything renders concurrently.
func Reword(m Msg, template string) (restore func()) {
	d := &msgs[m]
	old := d.tmpl
	d.parse(template)
	return func() { d.parse(old) }
}

// Key is the message's stable key ("" for none).
func (m Msg) Key() string {
	if int(m) < len(msgs) {
		return msgs[m].key
	}
	return ""
}

// Template is the message's English template.
func (m Msg) Template() string {
	if int(m) < len(msgs) {
		return msgs[m].tmpl
	}
	return ""
}

// Arity is the number of arguments the message takes.
func (m Msg) Arity() int {
	if int(m) < len(msgs) {
		return msgs[m].arity
	}
	return 0
}

// LookupMsg finds a message by key.
func LookupMsg(key string) (Msg, bool) {
	m, ok := msgByKey[key]
	return m, ok
}

// Message is a recorded message: its code and arguments. Its English is
// rendered only when displayed (String, AppendText). The zero Message is
// none, and renders as "".
type Message struct {
	Code Msg
	Args []Arg
}

// Text is a Message holding preformatted text (MsgText); "" is the zero
// Message.
func Text(s string) Message {
	if s == "" {
		return Message{}
	}
	return Message{Code: MsgText, Args: []Arg{Str(s)}}
}

// IsZero reports whether m is no message.
func (m Message) IsZero() bool { return m.Code == 0 }

// String renders the message in English.
func (m Message) String() string {
	if m.Code == MsgText && len(m.Args) == 1 && m.Args[0].Kind == ArgStr {
		return m.Args[0].S
	}
	return string(m.AppendText(nil))
}

// AppendText appends the English of the message to b.
func (m Message) AppendText(b []byte) []byte {
	if m.Code == 0 || int(m.Code) >= len(msgs) {
		return b
	}
	for _, s := range msgs[m.Code].segs {
		b = append(b, s.lit...)
		if s.arg < 0 {
			continue
		}
		if s.arg >= len(m.Args) {
			b = append(b, "{?}"...)
			continue
		}
		a := m.Args[s.arg]
		switch {
		case s.quote:
			if a.Kind == ArgStr {
				b = strconv.AppendQuote(b, a.S)
			} else {
				b = strconv.AppendQuote(b, string(a.appendValue(nil)))
			}
		case s.one != "":
			b = a.appendValue(b)
			if (a.Kind == ArgInt || a.Kind == ArgUint) && a.N == 1 {
				b = append(append(b, ' '), s.one...)
			} else {
				b = append(append(b, ' '), s.many...)
			}
		default:
			b = a.appendValue(b)
		}
	}
	return b
}

func (a Arg) appendValue(b []byte) []byte {
	switch a.Kind {
	case ArgInt:
		return strconv.AppendInt(b, int64(a.N), 10)
	case ArgUint:
		return strconv.AppendUint(b, a.N, 10)
	case ArgStr:
		return append(b, a.S...)
	case ArgEnum:
		if int(a.Enum) < len(enums) && a.N < uint64(len(enums[a.Enum].names)) {
			return append(b, enums[a.Enum].names[a.N]...)
		}
		return strconv.AppendUint(append(append(b, a.Enum.key()...), '#'), a.N, 10)
	}
	return append(b, "{?}"...)
}

// check says what is wrong with a message from outside (a file, a snapshot).
func (m Message) check() error {
	if m.Code == 0 {
		if len(m.Args) != 0 {
			return fmt.Errorf("no message, but %d arguments", len(m.Args))
		}
		return nil
	}
	if int(m.Code) >= len(msgs) {
		return fmt.Errorf("unknown message %d", m.Code)
	}
	if want := msgs[m.Code].arity; len(m.Args) != want {
		return fmt.Errorf("message %s takes %d arguments, got %d", m.Code.Key(), want, len(m.Args))
	}
	for i, a := range m.Args {
		switch a.Kind {
		case ArgInt, ArgUint, ArgStr:
			if a.Enum != 0 || (a.Kind == ArgStr && a.N != 0) || (a.Kind != ArgStr && a.S != "") {
				return fmt.Errorf("args[%d]: stray payload for a %s", i, argKindNames[a.Kind])
			}
		case ArgEnum:
			if a.Enum == 0 || int(a.Enum) >= len(enums) || a.S != "" {
				return fmt.Errorf("args[%d]: unknown enum", i)
			}
			if a.N >= uint64(len(enums[a.Enum].names)) {
				return fmt.Errorf("args[%d]: value %d out of range for enum %s", i, a.N, a.Enum.key())
			}
		default:
			return fmt.Errorf("args[%d]: invalid kind %d", i, a.Kind)
		}
	}
	return nil
}
