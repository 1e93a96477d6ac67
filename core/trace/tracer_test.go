package trace

import (
	"fmt"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"

	"github.com/stretchr/testify/require"
)

func TestNestingAndImpactLifting(t *testing.T) {
	tr := New(0)
	root := tr.Start(1, "repair blade")
	root.Reason("blade 3 is faulted, but the rack is in service, so reboot it")
	root.Impact(Modify, "b3")
	c := root.Child(2, "reboot")
	g := c.Child(2, "cut power")
	g.Impact(Execute, "pdu0")
	g.Impact(Modify, "b3")
	g.Impact(Execute, "pdu0") // a repeat is recorded once
	g.Warnf(4, "slow relay")
	g.End()
	c.Impact(Read, "b3")
	c.Infof(5, "rebooted")
	c.End()
	root.Debugf(6, "done")
	root.End()

	es := all(tr)
	require.Len(t, es, 3)
	gE, cE, rE := es[0], es[1], es[2]
	require.Equal(t, []uint64{1, 2, 3}, []uint64{gE.Seq, cE.Seq, rE.Seq})

	require.Equal(t, []ImpactOn{{Execute, "pdu0"}, {Modify, "b3"}}, gE.Impacts)
	require.Equal(t, []ImpactOn{{Execute, "pdu0"}, {Modify, "b3"}, {Read, "b3"}}, cE.Impacts)
	require.Equal(t, []ImpactOn{{Modify, "b3"}, {Execute, "pdu0"}, {Read, "b3"}}, rE.Impacts, "own first, then lifted in order of appearance")

	require.Equal(t, rE.ID, cE.Parent)
	require.Equal(t, cE.ID, gE.Parent)
	require.Zero(t, rE.Parent)
	require.Equal(t, []Event{
		{Tick: 2, Severity: Info, Kind: Child, Text: Text("reboot"), Ref: uint64(cE.ID)},
		{Tick: 6, Severity: Debug, Kind: Line, Text: Text("done")},
	}, rE.Events)

	// End is the latest tick seen, children's included.
	require.Equal(t, [2]int64{2, 4}, [2]int64{int64(gE.Start), int64(gE.End)})
	require.Equal(t, [2]int64{2, 5}, [2]int64{int64(cE.Start), int64(cE.End)})
	require.Equal(t, [2]int64{1, 6}, [2]int64{int64(rE.Start), int64(rE.End)})

	// Severity is of the span's own lines; Info without any.
	require.Equal(t, Warning, gE.Severity)
	require.Equal(t, Info, cE.Severity)
	require.Equal(t, Debug, rE.Severity)
	require.Zero(t, tr.OpenSpans())
	for _, e := range es {
		require.NoError(t, validate(&e))
	}
}

func TestManyImpactsDeduplicate(t *testing.T) {
	tr := New(0)
	root := tr.Start(0, "bring up")
	for i := range 200 {
		c := root.Child(0, "blade")
		c.Impact(Modify, string(rune('a'+i%50)))
		c.Impact(Read, "rack")
		c.End()
	}
	root.End()
	es := all(tr)
	r := es[len(es)-1]
	require.Len(t, r.Impacts, 51)
	require.Equal(t, ImpactOn{Modify, "a"}, r.Impacts[0])
	require.Equal(t, ImpactOn{Read, "rack"}, r.Impacts[1])
	require.Equal(t, ImpactOn{Modify, "b"}, r.Impacts[2])
	require.Len(t, r.Events, 200)
}

func TestIDsAndLinks(t *testing.T) {
	tr := New(0)
	a := tr.Start(0, "a")                  // 1
	l := a.Link(0, "ask b")                // 2
	c := a.Child(1, "c")                   // 3
	inf := tr.StartInfra(1, "step")        // i1
	il := inf.Link(1, "fire timers")       // i2
	ic := inf.Child(1, "poll")             // i3
	b := tr.StartLinked(2, "b", l)         // 4
	bi := tr.StartLinked(2, "timer", il)   // 5
	ib := tr.StartInfraLinked(2, "ack", l) // i4
	for _, s := range []*Span{c, a, ic, inf, b, bi, ib} {
		s.End()
	}

	require.Equal(t, LinkID(2), l)
	require.Equal(t, LinkID(infraBit|2), il)
	require.Equal(t, "i2", il.String())
	got := map[string]Entry{}
	for _, e := range all(tr) {
		got[e.Name.String()] = e
	}
	for name, want := range map[string]string{"a": "1", "c": "3", "b": "4", "timer": "5", "step": "i1", "poll": "i3", "ack": "i4"} {
		require.Equal(t, want, got[name].ID.String(), name)
		require.Equal(t, want[0] == 'i', got[name].Infra, name)
	}
	require.Equal(t, l, got["b"].Link)
	require.Equal(t, il, got["timer"].Link)
	require.True(t, got["poll"].Infra, "children of infrastructure are infrastructure")
	require.Equal(t, got["step"].ID, got["poll"].Parent)
	require.Equal(t, Event{Tick: 0, Severity: Info, Kind: Link, Text: Text("ask b"), Ref: 2}, got["a"].Events[0])
	sim, infra := tr.Emitted()
	require.Equal(t, [2]uint64{4, 3}, [2]uint64{sim, infra})
}

// How often time was stepped must change neither the ids nor the hash of the
// simulation's own spans.
func TestInfraDoesNotShiftSimulation(t *testing.T) {
	plain, stepped := New(1000), New(1000)
	(&workload{seed: 9}).run(plain, 0, 60)
	(&workload{seed: 9, infra: true}).run(stepped, 0, 60)

	require.Equal(t, plain.HashHex(), stepped.HashHex())
	require.Equal(t, simOnlyEntries(all(plain)), simOnlyEntries(all(stepped)))
	ps, pi := plain.Emitted()
	ss, si := stepped.Emitted()
	require.Equal(t, ps, ss)
	require.Zero(t, pi)
	require.Equal(t, uint64(60*2), si)
	require.Greater(t, stepped.LastSeq(), plain.LastSeq())

	other := New(1000)
	(&workload{seed: 10}).run(other, 0, 60)
	require.NotEqual(t, plain.HashHex(), other.HashHex(), "a different run hashes differently")
}

func TestFormatting(t *testing.T) {
	tr := New(0)
	s := tr.Start(0, "s")
	s.Infof(0, "100%% sure")         // a verb-free format still goes through fmt when it has %
	s.Infof(0, "plain")              // no fmt at all
	s.Logf(0, Error, "n=%d", 3)      // formatted
	s.Log(0, Fatal, "50% as is")     // never formatted
	s.Reasonf("because %s", "of it") // formatted reason
	s.End()
	e := all(tr)[0]
	require.Equal(t, []string{"100% sure", "plain", "n=3", "50% as is"},
		[]string{e.Events[0].Text.String(), e.Events[1].Text.String(), e.Events[2].Text.String(), e.Events[3].Text.String()})
	require.Equal(t, "because of it", e.Reason.String())
	require.Equal(t, Fatal, e.Severity)
	require.Equal(t, len(e.Events), cap(e.Events), "no spare capacity a reader could write into")
}

func TestMisusePanics(t *testing.T) {
	ended := func() *Span {
		s := New(0).Start(5, "s")
		s.End()
		return s
	}
	tests := []struct {
		name string
		f    func()
	}{
		{"end twice", func() { ended().End() }},
		{"line after end", func() { ended().Infof(5, "x") }},
		{"child after end", func() { ended().Child(5, "c") }},
		{"link after end", func() { ended().Link(5, "l") }},
		{"impact after end", func() { ended().Impact(Read, "x") }},
		{"reason after end", func() { ended().Reason("x") }},
		{"parent ends before child", func() {
			s := New(0).Start(0, "p")
			s.Child(0, "c")
			s.End()
		}},
		{"empty name", func() { New(0).Start(0, "") }},
		{"empty child name", func() { New(0).Start(0, "p").Child(0, "") }},
		{"invalid severity", func() { New(0).Start(0, "s").Log(0, 0, "x") }},
		{"severity past fatal", func() { New(0).Start(0, "s").Log(0, Fatal+1, "x") }},
		{"invalid impact", func() { New(0).Start(0, "s").Impact(0, "x") }},
		{"impact without element", func() { New(0).Start(0, "s").Impact(Read, "") }},
		{"tick before start", func() { New(0).Start(5, "s").Infof(4, "x") }},
		{"tick before a child's end", func() {
			s := New(0).Start(5, "s")
			c := s.Child(5, "c")
			c.Infof(9, "x")
			c.End()
			s.Infof(8, "y")
		}},
		{"snapshot with a span open", func() {
			tr := New(0)
			tr.Start(0, "s")
			tr.MarshalSnapshot(nil)
		}},
		{"restore with a span open", func() {
			tr := New(0)
			tr.Start(0, "s")
			_ = tr.UnmarshalSnapshot(nil)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Panics(t, tc.f)
		})
	}
}

func TestIDStrings(t *testing.T) {
	tests := []struct {
		id   uint64
		text string
	}{
		{0, "0"}, {1, "1"}, {123456, "123456"}, {infraBit | 1, "i1"}, {infraBit | 77, "i77"},
		{infraBit - 1, "9223372036854775807"},
	}
	for _, tc := range tests {
		require.Equal(t, tc.text, SpanID(tc.id).String())
		got, err := parseID(tc.text)
		require.NoError(t, err)
		require.Equal(t, tc.id, got)
	}
	for _, bad := range []string{"", "i", "i0", "01", "-1", "+1", "x1", "9223372036854775808", "i9223372036854775808", "1.0"} {
		_, err := parseID(bad)
		require.Error(t, err, bad)
	}
}

func TestEnumNames(t *testing.T) {
	require.Equal(t, "DIWEF", string([]byte{Debug.Letter(), Info.Letter(), Warning.Letter(), Error.Letter(), Fatal.Letter()}))
	require.Equal(t, "RCWDE", string([]byte{Read.Letter(), Create.Letter(), Modify.Letter(), Delete.Letter(), Execute.Letter()}))
	require.Equal(t, "warning", Warning.String())
	require.Equal(t, "modify", Modify.String())
	require.Equal(t, "link", Link.String())
	require.Equal(t, "severity(9)", Severity(9).String())
	require.Equal(t, byte('?'), Impact(0).Letter())
}

func TestSinkSeesEveryEntry(t *testing.T) {
	tr := New(RetentionMin)
	var names []string
	tr.SetSink(func(e *Entry) { names = append(names, e.Name.String()) })
	for i := range RetentionMin + 5 {
		s := tr.Start(clock.Tick(i), fmt.Sprintf("span %d", i))
		s.Child(clock.Tick(i), "child").End()
		s.End()
	}
	require.Len(t, names, 2*(RetentionMin+5), "the sink sees what the bounded store drops")
	require.Equal(t, []string{"child", "span 0"}, names[:2], "in end order")
	require.Equal(t, RetentionMin, tr.Len())
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{{0, "0 ticks"}, {1, "1 tick"}, {2, "2 ticks"}, {-1, "-1 ticks"}} {
		require.Equal(t, tc.want, Count(tc.n, "tick", "ticks"))
	}
}

// An ended span is reused, and what it recorded is not: the stored entry,
// the sink's and a query's keep their events and impacts.
func TestReusedSpanLeavesEntriesAlone(t *testing.T) {
	tr := New(RetentionMin)
	var sunk []*Entry
	tr.SetSink(func(e *Entry) { sunk = append(sunk, e) })
	first := tr.Start(1, "first")
	first.Infof(1, "line one")
	first.Impact(Modify, "a")
	first.End()
	got, _, _ := tr.After(0, 0)
	second := tr.Start(2, "second")
	require.Same(t, first, second, "the ended span is reused")
	second.Infof(2, "line two")
	second.Impact(Delete, "b")
	second.End()
	for _, e := range []*Entry{sunk[0], &got[0], tr.at(0)} {
		require.Equal(t, "first", e.Name.String())
		require.Len(t, e.Events, 1)
		require.Equal(t, "line one", e.Events[0].Text.String())
		require.Equal(t, []ImpactOn{{Modify, "a"}}, e.Impacts)
	}
	require.Equal(t, "line two", tr.at(1).Events[0].Text.String())
}
