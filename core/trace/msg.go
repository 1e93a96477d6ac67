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
	ArgMsg                     // a message as an argument: its code and count here, its arguments next (see AppendMsg)
)

var argKindNames = [...]string{"", "int", "uint", "str", "enum", "msg"}

// Arg is one typed argument of a message. Build it with Int, Uint, Str,
// EnumSet.Of or AppendMsg.
type Arg struct {
	Kind ArgKind
	Enum EnumSet // ArgEnum: which enum
	Msg  Msg     // ArgMsg: which message
	N    uint64  // ArgInt (as int64 bits), ArgUint, ArgEnum (the value), ArgMsg (its number of arguments)
	S    string  // ArgStr
}

// AppendMsg appends message m with its arguments to args, as one argument
// of the message args are for: a part of a sentence that is itself a
// message, such as one item of a list ("replaced cable {0}"). The
// arguments are stored flat: an ArgMsg header counting m's arguments, then
// them (each of which may be a message in turn).
func AppendMsg(args []Arg, m Msg, mArgs ...Arg) []Arg {
	if !m.takes(countTop(mArgs)) {
		panic(fmt.Sprintf("trace: message %s takes %d arguments, got %d", m.Key(), m.Arity(), countTop(mArgs)))
	}
	args = append(args, Arg{Kind: ArgMsg, Msg: m, N: uint64(countTop(mArgs))})
	return append(args, mArgs...)
}

// argSize is the number of slots argument i takes: 1, or for a message 1
// plus its arguments' slots. A malformed count is cut at the end of args.
func argSize(args []Arg, i int) int {
	if args[i].Kind != ArgMsg {
		return 1
	}
	j := i + 1
	for k := uint64(0); k < args[i].N && j < len(args); k++ {
		j += argSize(args, j)
	}
	return min(j, len(args)) - i
}

// countTop is the number of top-level arguments in args.
func countTop(args []Arg) int {
	n := 0
	for i := 0; i < len(args); i += argSize(args, i) {
		n++
	}
	return n
}

// topLevel appends the positions of the top-level arguments of args.
func topLevel(dst []int, args []Arg) []int {
	for i := 0; i < len(args); i += argSize(args, i) {
		dst = append(dst, i)
	}
	return dst
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
//	{1...SEP}      arguments 1 to the last, each as it is, SEP between them (the
//	               highest-numbered hole: the message takes any number of arguments from 1 on)
//
// Any other '{' is a literal. Every argument must be used at least once.
type segment struct {
	lit       string
	arg       int // -1: lit only
	quote     bool
	milli     bool // a number of thousandths, written as a decimal: 1500 is 1.5
	one, many string
	list      bool   // arguments arg… joined by sep
	sep       string // list only
}

type msgDef struct {
	key      string
	tmpl     string
	segs     []segment
	arity    int  // the number of arguments; for a variadic message, the least
	variadic bool // the last hole is a list
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
	d.tmpl, d.segs, d.arity, d.variadic = template, nil, 0, false
	used, listArg := 0, -1
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
		s := segment{lit: lit}
		if before, sep, ok := strings.Cut(hole, "..."); ok {
			num, format, s.list, s.sep = before, "", true, sep
		}
		n, err := strconv.Atoi(num)
		if err != nil || n > 15 || (s.list && d.variadic) {
			panic(fmt.Sprintf("trace: message %s: bad hole {%s}", d.key, hole))
		}
		s.arg = n
		if s.list {
			d.variadic, listArg = true, n
		}
		lit = ""
		if rest, ok := strings.CutPrefix(format, "milli"); ok {
			s.milli, format = true, strings.TrimPrefix(rest, " ")
		}
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
	if d.variadic {
		if listArg != d.arity-1 {
			panic(fmt.Sprintf("trace: message %s: the list in %q is not its last argument", d.key, template))
		}
		d.arity-- // the list may be empty
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

// Messages lists every message defined so far, in the order defined.
func Messages() []Msg {
	out := make([]Msg, 0, len(msgs)-1)
	for m := 1; m < len(msgs); m++ {
		out = append(out, Msg(m))
	}
	return out
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

// Arity is the number of arguments the message takes (for a variadic
// message, the least it takes).
func (m Msg) Arity() int {
	if int(m) < len(msgs) {
		return msgs[m].arity
	}
	return 0
}

// takes reports whether the message takes n (top-level) arguments.
func (m Msg) takes(n int) bool {
	if int(m) >= len(msgs) || m == 0 {
		return false
	}
	d := &msgs[m]
	return n == d.arity || d.variadic && n > d.arity
}

// LookupMsg finds a message by key.
func LookupMsg(key string) (Msg, bool) {
	m, ok := msgByKey[key]
	return m, ok
}

// Message is a recorded message: its code and arguments. Its English is
// rendered only when displayed (String, AppendText). The zero Message is
// none, and renders as "". It is 16 bytes: its arguments are a range of a
// block that the messages of many spans share (the tracer's slab), or of
// one of its own (NewMessage).
type Message struct {
	blk  *argBlock
	off  uint32
	code Msg
	n    uint16
}

type argBlock struct{ a []Arg }

// NewMessage is a message with arguments of its own (a copy of args), for
// messages made outside a tracer: read from a file, or in a test.
func NewMessage(code Msg, args ...Arg) Message {
	if len(args) > maxArgs {
		panic(fmt.Sprintf("trace: message %s: %d arguments, more than %d", code.Key(), len(args), maxArgs))
	}
	if len(args) == 0 {
		return Message{code: code}
	}
	return Message{blk: &argBlock{a: slices.Clone(args)}, code: code, n: uint16(len(args))}
}

// maxArgs bounds the arguments of one message.
const maxArgs = 1<<16 - 1

// Code is the message's code (0 for none).
func (m Message) Code() Msg { return m.code }

// Args are the message's arguments, in their flat form (see AppendMsg).
// They are shared: treat them as read-only.
func (m Message) Args() []Arg {
	if m.n == 0 {
		return nil
	}
	end := m.off + uint32(m.n)
	return m.blk.a[m.off:end:end]
}

// Text is a Message holding preformatted text (MsgText); "" is the zero
// Message.
func Text(s string) Message {
	if s == "" {
		return Message{}
	}
	return NewMessage(MsgText, Str(s))
}

// IsZero reports whether m is no message.
func (m Message) IsZero() bool { return m.code == 0 }

// String renders the message in English.
func (m Message) String() string {
	if args := m.Args(); m.code == MsgText && len(args) == 1 && args[0].Kind == ArgStr {
		return args[0].S
	}
	return string(m.AppendText(nil))
}

// AppendText appends the English of the message to b.
func (m Message) AppendText(b []byte) []byte { return appendMsgText(b, m.code, m.Args()) }

func appendMsgText(b []byte, code Msg, args []Arg) []byte {
	if code == 0 || int(code) >= len(msgs) {
		return b
	}
	var top [16]int
	tops := topLevel(top[:0], args)
	for _, s := range msgs[code].segs {
		b = append(b, s.lit...)
		if s.arg < 0 {
			continue
		}
		if s.arg >= len(tops) {
			if !s.list {
				b = append(b, "{?}"...)
			}
			continue
		}
		if s.list {
			for k, p := range tops[s.arg:] {
				if k > 0 {
					b = append(b, s.sep...)
				}
				b = appendValue(b, args, p)
			}
			continue
		}
		p := tops[s.arg]
		a := args[p]
		switch {
		case s.quote:
			if a.Kind == ArgStr {
				b = strconv.AppendQuote(b, a.S)
			} else {
				b = strconv.AppendQuote(b, string(appendValue(nil, args, p)))
			}
		case s.milli && (a.Kind == ArgInt || a.Kind == ArgUint):
			b = appendMilli(b, a)
			if s.one != "" && a.N == 1000 {
				b = append(append(b, ' '), s.one...)
			} else if s.one != "" {
				b = append(append(b, ' '), s.many...)
			}
		case s.one != "":
			b = appendValue(b, args, p)
			if (a.Kind == ArgInt || a.Kind == ArgUint) && a.N == 1 {
				b = append(append(b, ' '), s.one...)
			} else {
				b = append(append(b, ' '), s.many...)
			}
		default:
			b = appendValue(b, args, p)
		}
	}
	return b
}

// appendMilli writes a number of thousandths as the shortest decimal:
// 1500 as 1.5, 2000 as 2, -250 as -0.25.
func appendMilli(b []byte, a Arg) []byte {
	u := a.N
	if a.Kind == ArgInt && int64(u) < 0 {
		b, u = append(b, '-'), -u // two's complement: MinInt64 works too
	}
	b = strconv.AppendUint(b, u/1000, 10)
	if frac := u % 1000; frac != 0 {
		var d [3]byte
		d[0], d[1], d[2] = byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10)
		n := 3
		for n > 0 && d[n-1] == '0' {
			n--
		}
		b = append(append(b, '.'), d[:n]...)
	}
	return b
}

// appendValue renders argument p of args (a message with its arguments).
func appendValue(b []byte, args []Arg, p int) []byte {
	a := args[p]
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
	case ArgMsg:
		return appendMsgText(b, a.Msg, args[p+1:p+argSize(args, p)])
	}
	return append(b, "{?}"...)
}

// check says what is wrong with a message from outside (a file, a snapshot).
func (m Message) check() error {
	if m.code == 0 {
		if m.n != 0 {
			return fmt.Errorf("no message, but %d arguments", m.n)
		}
		return nil
	}
	return checkArgs(m.code, m.Args())
}

func checkArgs(code Msg, args []Arg) error {
	if int(code) >= len(msgs) || code == 0 {
		return fmt.Errorf("unknown message %d", code)
	}
	n := 0
	for i := 0; i < len(args); i += argSize(args, i) {
		n++
		a := args[i]
		switch a.Kind {
		case ArgInt, ArgUint, ArgStr:
			if a.Enum != 0 || a.Msg != 0 || (a.Kind == ArgStr && a.N != 0) || (a.Kind != ArgStr && a.S != "") {
				return fmt.Errorf("args[%d]: stray payload for a %s", i, argKindNames[a.Kind])
			}
		case ArgEnum:
			if a.Enum == 0 || int(a.Enum) >= len(enums) || a.S != "" || a.Msg != 0 {
				return fmt.Errorf("args[%d]: unknown enum", i)
			}
			if a.N >= uint64(len(enums[a.Enum].names)) {
				return fmt.Errorf("args[%d]: value %d out of range for enum %s", i, a.N, a.Enum.key())
			}
		case ArgMsg:
			size := argSize(args, i)
			sub := args[i+1 : i+size]
			if a.Enum != 0 || a.S != "" || uint64(countTop(sub)) != a.N {
				return fmt.Errorf("args[%d]: message %s: malformed", i, a.Msg.Key())
			}
			if err := checkArgs(a.Msg, sub); err != nil {
				return fmt.Errorf("args[%d]: %w", i, err)
			}
		default:
			return fmt.Errorf("args[%d]: invalid kind %d", i, a.Kind)
		}
	}
	if !code.takes(n) {
		return fmt.Errorf("message %s takes %d arguments, got %d", code.Key(), code.Arity(), n)
	}
	return nil
}
