package trace

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// pinnedTrace is a small fixed run; TestHashIsPinned pins its hash.
func pinnedTrace() *Tracer {
	tr := New(0)
	s := tr.Start(3, "power on")
	s.Reason("the user asked")
	s.Infof(3, "pdu port %d on", 2)
	s.Impact(Modify, "region1/zone1/rack1/pdu/0")
	c := s.Child(4, "boot")
	c.Warnf(5, "slow")
	c.Impact(Modify, "region1/zone1/rack1/blade/2")
	c.End()
	l := s.Link(5, "connect")
	s.End()
	inf := tr.StartInfra(5, "step")
	il := inf.Link(6, "fire")
	inf.End()
	r := tr.StartLinked(6, "connect port", l)
	r.Impact(Execute, "region1/zone1/rack1/tor/0")
	r.End()
	x := tr.StartLinked(6, "timer", il)
	x.Errorf(7, "boot failed")
	x.End()
	return tr
}

// The hash of a fixed run is pinned: a change here changes every recorded
// hash and shared link, so it must come with a new hashPrefix.
func TestHashIsPinned(t *testing.T) {
	require.Equal(t, "3f91011726877988469072142d1d4301c7243aa3dcfbe5a4e9a65b42c10209c9", pinnedTrace().HashHex())
}

var (
	testMsgList = Define("test.list", "{0} did {1...; }")
	testMsgItem = Define("test.item", "item {0}")
	testMsgAB   = Define("test.ab", "a {0} b {1:q} c {2:tick|ticks} {3}")
	testMsgNone = Define("test.none", "nothing")
	testEnum    = DefineEnum("test.enum", []string{"zero", "one"})
)

// The canonical form, byte by byte, as the package doc specifies it.
func TestCanonicalBytes(t *testing.T) {
	e := Entry{
		Seq: 9, ID: 5, Parent: 2, Link: LinkID(infraBit | 4),
		Name:  NewMessage(testMsgAB, Int(-1), Str("x"), Uint(uint8(2)), testEnum.Of(1)),
		Start: -1, End: 64,
		Severity: Warning,
		Events: []Event{
			{Tick: 3, Severity: Warning, Kind: Line, Text: Text("w")},
			{Tick: 4, Severity: Info, Kind: Child, Text: NewMessage(testMsgNone), Ref: 300},
		},
		Impacts: []ImpactOn{{Delete, "x"}},
	}
	want := []byte{
		5, 2, 0, // ID, Parent, Link (infrastructure, so 0)
		7, 't', 'e', 's', 't', '.', 'a', 'b', 4, // Name: key "test.ab", four arguments:
		1, 1, //                  int -1 (zig-zag)
		3, 1, 'x', //             str "x"
		2, 2, //                  uint 2
		4, 9, 't', 'e', 's', 't', '.', 'e', 'n', 'u', 'm', 1, // enum test.enum, value 1
		0, 0, // Reason: none (key "", no arguments)
		1, 0x80, 0x01, // Start -1 and End 64 as zig-zag varints
		0, 3, // Infra, Severity (Warning = 3)
		2,                                               // two events
		6, 3, 1, 4, 't', 'e', 'x', 't', 1, 3, 1, 'w', 0, // tick 3, Warning, Line, text "w", ref 0
		8, 2, 2, 9, 't', 'e', 's', 't', '.', 'n', 'o', 'n', 'e', 0, 0xac, 0x02, // tick 4, Info, Child, test.none, ref 300
		1, 4, 1, 'x', // one impact: Delete, "x"
	}
	require.Equal(t, want, appendCanonical(nil, &e))
	require.Equal(t, "a -1 b \"x\" c 2 ticks one", e.Name.String())
}

// A message as an argument, in a list: rendered in place, hashed as its key,
// its count and its arguments.
func TestNestedMessagesAndLists(t *testing.T) {
	args := []Arg{Str("x")}
	args = AppendMsg(args, testMsgItem, Int(1))
	args = AppendMsg(args, testMsgNone)
	args = append(args, Str("plain"))
	m := NewMessage(testMsgList, args...)
	require.Equal(t, "x did item 1; nothing; plain", m.String())
	require.NoError(t, m.check())
	require.Equal(t, "x did ", NewMessage(testMsgList, Str("x")).String())
	want := []byte{9, 't', 'e', 's', 't', '.', 'l', 'i', 's', 't', 5, // key, five slots (argument count in the flat form)
		3, 1, 'x', // str "x"
		5, 9, 't', 'e', 's', 't', '.', 'i', 't', 'e', 'm', 1, 1, 2, // msg test.item with 1 argument: int 1
		5, 9, 't', 'e', 's', 't', '.', 'n', 'o', 'n', 'e', 0, // msg test.none, no arguments
		3, 5, 'p', 'l', 'a', 'i', 'n'}
	require.Equal(t, want, appendMessage(nil, m))

	bad := append([]Arg(nil), args...)
	bad[1].N = 2 // test.item takes 1
	require.Error(t, NewMessage(testMsgList, bad...).check())
	require.Panics(t, func() { AppendMsg(nil, testMsgItem) })
	require.Panics(t, func() { New(0).StartMsg(0, testMsgItem) })
}

// Rewording a template changes no hash: the hash covers codes and
// arguments, and the English is rendered only when displayed.
func TestRewordingChangesNoHash(t *testing.T) {
	run := func() (string, string) {
		tr := New(0)
		s := tr.StartMsg(1, testMsgAB, Int(3), Str("p"), Int(1), testEnum.Of(0))
		s.ReasonMsg(testMsgNone)
		s.Info(1, testMsgNone)
		s.End()
		es, _, _ := tr.After(0, 0)
		return tr.HashHex(), es[0].Name.String()
	}
	hash, text := run()
	require.Equal(t, "a 3 b \"p\" c 1 tick zero", text)
	restore := Reword(testMsgAB, "A {3}, {2:tock|tocks}, {1} and {0}")
	hash2, text2 := run()
	restore()
	require.Equal(t, "A zero, 1 tock, p and 3", text2)
	require.Equal(t, hash, hash2)
	hash3, text3 := run()
	require.Equal(t, hash, hash3)
	require.Equal(t, text, text3)
}

func TestEmptyHashIsThePrefix(t *testing.T) {
	want := sha256.Sum256([]byte(hashPrefix))
	require.Equal(t, want, New(0).Hash())
	require.Equal(t, hex.EncodeToString(want[:]), New(0).HashHex())
}

func TestHashReadingDisturbsNothing(t *testing.T) {
	a, b := New(0), New(0)
	for i := range 5 {
		for _, tr := range []*Tracer{a, b} {
			s := tr.Start(0, "s")
			s.Infof(0, "%d", i)
			s.End()
		}
		a.Hash()
		a.HashHex()
	}
	require.Equal(t, b.Hash(), a.Hash())
}

func hashOf(es ...Entry) [32]byte {
	h := sha256.New()
	h.Write([]byte(hashPrefix))
	var buf []byte
	for i := range es {
		buf = appendCanonical(buf[:0], &es[i])
		h.Write(buf)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

func baseEntry() Entry {
	return Entry{
		Seq: 7, ID: 5, Parent: 2, Link: 3, Name: Text("boot"), Reason: Text("powered"), Start: 10, End: 12,
		Severity: Warning,
		Events: []Event{
			{Tick: 10, Severity: Info, Kind: Line, Text: Text("on")},
			{Tick: 11, Severity: Info, Kind: Child, Text: Text("c"), Ref: 6},
			{Tick: 12, Severity: Warning, Kind: Line, Text: Text("slow")},
		},
		Impacts: []ImpactOn{{Modify, "b1"}, {Execute, "pdu"}},
	}
}

// Every field but Seq is hashed, and the encoding is unambiguous.
func TestHashCoversEveryField(t *testing.T) {
	base := hashOf(baseEntry())
	tests := []struct {
		name   string
		change func(e *Entry)
	}{
		{"id", func(e *Entry) { e.ID = 4 }},
		{"parent", func(e *Entry) { e.Parent = 1 }},
		{"no parent", func(e *Entry) { e.Parent = 0 }},
		{"link", func(e *Entry) { e.Link = 1 }},
		{"name", func(e *Entry) { e.Name = Text("boot!") }},
		{"reason", func(e *Entry) { e.Reason = Text("") }},
		{"name and reason split elsewhere", func(e *Entry) { e.Name, e.Reason = Text("bootp"), Text("owered") }},
		{"start", func(e *Entry) { e.Start = 9 }},
		{"end", func(e *Entry) { e.End = 13 }},
		{"negative start", func(e *Entry) { e.Start = -10 }},
		{"infra", func(e *Entry) { e.Infra = true }},
		{"severity", func(e *Entry) { e.Severity = Error }},
		{"event tick", func(e *Entry) { e.Events[0].Tick = 11 }},
		{"event severity", func(e *Entry) { e.Events[0].Severity = Debug }},
		{"event kind", func(e *Entry) { e.Events[1].Kind = Link }},
		{"event text", func(e *Entry) { e.Events[2].Text = Text("slower") }},
		{"event ref", func(e *Entry) { e.Events[1].Ref = 7 }},
		{"an event fewer", func(e *Entry) { e.Events = e.Events[:2] }},
		{"events reordered", func(e *Entry) { e.Events[0], e.Events[2] = e.Events[2], e.Events[0] }},
		{"impact kind", func(e *Entry) { e.Impacts[0].Impact = Read }},
		{"impact element", func(e *Entry) { e.Impacts[1].Element = "pdu1" }},
		{"an impact fewer", func(e *Entry) { e.Impacts = e.Impacts[:1] }},
		{"impacts reordered", func(e *Entry) { e.Impacts[0], e.Impacts[1] = e.Impacts[1], e.Impacts[0] }},
	}
	seen := map[[32]byte]string{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := baseEntry()
			tc.change(&e)
			h := hashOf(e)
			require.NotEqual(t, base, h)
			other, dup := seen[h]
			require.False(t, dup, "same hash as %q", other)
			seen[h] = tc.name
		})
	}

	t.Run("seq is not hashed", func(t *testing.T) {
		e := baseEntry()
		e.Seq = 99
		require.Equal(t, base, hashOf(e))
	})
	t.Run("infrastructure references hash as none", func(t *testing.T) {
		e, z := baseEntry(), baseEntry()
		e.Link, z.Link = LinkID(infraBit|3), 0
		require.Equal(t, hashOf(z), hashOf(e))
	})
	t.Run("entry boundaries matter", func(t *testing.T) {
		a, b := baseEntry(), baseEntry()
		b.ID = 6
		require.NotEqual(t, hashOf(a, b), hashOf(b, a))
	})
}

// Equal streams hash equally through the public API; a one-field difference
// in what a caller reports changes the hash.
func TestHashThroughTheAPI(t *testing.T) {
	type opts struct {
		name, reason, text, elem string
		sev                      Severity
		imp                      Impact
		start, at                int64
		child, link              bool
	}
	run := func(o opts) string {
		tr := New(0)
		s := tr.Start(0, "before") // an earlier span: ids come after it
		s.End()
		s = tr.Start(clockTick(o.start), o.name)
		s.Reason(o.reason)
		s.Log(clockTick(o.at), o.sev, o.text)
		s.Impact(o.imp, o.elem)
		if o.child {
			s.Child(clockTick(o.at), "c").End()
		}
		if o.link {
			tr.StartLinked(clockTick(o.at), "l", s.Link(clockTick(o.at), "req")).End()
		}
		s.End()
		return tr.HashHex()
	}
	base := opts{name: "n", reason: "r", text: "t", elem: "e", sev: Info, imp: Read, start: 1, at: 2}
	require.Equal(t, run(base), run(base))
	variants := []func(o *opts){
		func(o *opts) { o.name = "m" },
		func(o *opts) { o.reason = "q" },
		func(o *opts) { o.text = "u" },
		func(o *opts) { o.elem = "f" },
		func(o *opts) { o.sev = Warning },
		func(o *opts) { o.imp = Create },
		func(o *opts) { o.start = 0 },
		func(o *opts) { o.at = 3 },
		func(o *opts) { o.child = true },
		func(o *opts) { o.link = true },
	}
	for i, v := range variants {
		o := base
		v(&o)
		require.NotEqual(t, run(base), run(o), "variant %d", i)
	}
}

var testMsgMilli = Define("test.milli", "{0:milli} and {1:milli core|cores}")

// {n:milli} writes thousandths as the shortest decimal, as sched.Milli does.
func TestMilliHoles(t *testing.T) {
	for _, tc := range []struct {
		a, b int64
		want string
	}{
		{0, 1000, "0 and 1 core"},
		{1500, 2000, "1.5 and 2 cores"},
		{-250, 1, "-0.25 and 0.001 cores"},
		{1005, 1010, "1.005 and 1.01 cores"},
		{-9223372036854775808, 0, "-9223372036854775.808 and 0 cores"},
	} {
		require.Equal(t, tc.want, NewMessage(testMsgMilli, Int(tc.a), Int(tc.b)).String())
	}
	require.Equal(t, "2.5 and 1 core", NewMessage(testMsgMilli, Uint(uint64(2500)), Uint(uint64(1000))).String())
}

// An entry far bigger than hashChunk is written to the hash in pieces that
// add up to its canonical form, and leaves no buffer of its size behind.
func TestHugeEntryHashedInPieces(t *testing.T) {
	tr := New(6000) // keeps every entry, for hashOf
	root := tr.Start(0, "bring-up")
	for i := range 5000 {
		c := root.Child(0, "start")
		c.Impact(Create, "region1/zone1/rack1/blade/"+strconv.Itoa(i))
		c.End()
	}
	root.End()
	e := tr.at(tr.Len() - 1)
	require.Greater(t, len(appendCanonical(nil, e)), 4*hashChunk)

	var pieces bytes.Buffer
	rest := writeCanonical(nil, e, &pieces)
	pieces.Write(rest)
	require.Equal(t, appendCanonical(nil, e), pieces.Bytes())
	require.Less(t, cap(tr.buf), 2*hashChunk)

	var es []Entry
	for i := range tr.Len() {
		es = append(es, *tr.at(i))
	}
	require.Equal(t, hashOf(es...), tr.Hash())
}
