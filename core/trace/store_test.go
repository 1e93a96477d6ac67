package trace

import (
	"fmt"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/stretchr/testify/require"
)

// fill ends n root spans, span i at tick i, impacting "e<i%3>".
func fill(tr *Tracer, n int) {
	for i := range n {
		s := tr.Start(clock.Tick(i), fmt.Sprintf("s%d", i))
		s.Impact(Modify, fmt.Sprintf("e%d", i%3))
		s.End()
	}
}

func seqs(es []Entry) []uint64 {
	var out []uint64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func seqRange(from, to uint64) []uint64 {
	var out []uint64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

func TestRetentionHasAFloor(t *testing.T) {
	require.Equal(t, RetentionMin, New(5).Retention())
	require.Equal(t, 1000, New(1000).Retention())
}

func TestEmptyStore(t *testing.T) {
	tr := New(0)
	require.Zero(t, tr.Len())
	require.Equal(t, uint64(0), tr.LastSeq())
	require.Equal(t, uint64(1), tr.FirstSeq(), "FirstSeq()-1 is a valid cursor")
	es, last, missed := tr.After(0, 10)
	require.Empty(t, es)
	require.Zero(t, last)
	require.False(t, missed)
}

func TestStoreDropsOldestAndReportsMissed(t *testing.T) {
	tr := New(100)
	fill(tr, 250)
	require.Equal(t, 100, tr.Len())
	require.Equal(t, uint64(151), tr.FirstSeq())
	require.Equal(t, uint64(250), tr.LastSeq())
	require.Equal(t, seqRange(151, 250), seqs(all(tr)))
	require.Equal(t, "s150", all(tr)[0].Name.String())

	tests := []struct {
		name     string
		cursor   uint64
		limit    int
		want     []uint64
		wantLast uint64
		missed   bool
	}{
		{"from the start, aged out", 0, 10, seqRange(151, 160), 160, true},
		{"just before the oldest", 150, 5, seqRange(151, 155), 155, false},
		{"one aged out", 149, 3, seqRange(151, 153), 153, true},
		{"the rest, unlimited", 160, 0, seqRange(161, 250), 250, false},
		{"the rest, limit past the end", 245, 100, seqRange(246, 250), 250, false},
		{"up to date", 250, 10, nil, 250, false},
		{"beyond the end (an earlier snapshot was restored)", 400, 10, nil, 250, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, last, missed := tr.After(tc.cursor, tc.limit)
			require.Equal(t, tc.want, seqs(es))
			require.Equal(t, tc.wantLast, last)
			require.Equal(t, tc.missed, missed)
		})
	}
}

func TestPollingSeesEverything(t *testing.T) {
	tr := New(100)
	var got []uint64
	var cursor uint64
	for round := range 30 {
		fill(tr, round%7)
		for {
			es, last, missed := tr.After(cursor, 10)
			require.False(t, missed)
			got = append(got, seqs(es)...)
			cursor = last
			if len(es) < 10 {
				break
			}
		}
	}
	require.Equal(t, seqRange(1, tr.LastSeq()), got)
}

func TestByElementAndByTicks(t *testing.T) {
	tr := New(100)
	fill(tr, 130) // ticks 0..129; seqs 31..130 held
	tests := []struct {
		name string
		got  []Entry
		want []uint64
	}{
		{"element, newest first", tr.ByElement("e1", 3), []uint64{128, 125, 122}},
		{"element, all held", tr.ByElement("e2", 0)[30:], []uint64{39, 36, 33}},
		{"unknown element", tr.ByElement("nope", 0), nil},
		{"ticks", tr.ByTicks(40, 42, 0), []uint64{41, 42, 43}},
		{"ticks, limited", tr.ByTicks(0, 200, 2), []uint64{31, 32}},
		{"ticks aged out", tr.ByTicks(0, 20, 0), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, seqs(tc.got))
		})
	}
	require.Len(t, tr.ByElement("e2", 0), 33)

	// A span across ticks overlaps every range it touches.
	s := tr.Start(200, "long")
	s.Infof(210, "x")
	s.End()
	require.Equal(t, []string{"long"}, names(tr.ByTicks(205, 205, 0)))
	require.Equal(t, []string{"long"}, names(tr.ByTicks(210, 300, 0)))
	require.Empty(t, tr.ByTicks(211, 300, 0))
}

func names(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name.String())
	}
	return out
}

// What a query returns cannot change the store, and the store's later writes
// cannot change what a query returned.
func TestQueriesDoNotAlias(t *testing.T) {
	tr := New(100)
	s := tr.Start(0, "s")
	s.Infof(0, "a")
	s.Impact(Read, "x")
	s.End()
	es, _, _ := tr.After(0, 0)
	es[0].Name = Text("changed")
	es[0].Events = append(es[0].Events, Event{Text: Text("appended")})
	es[0].Impacts = append(es[0].Impacts, ImpactOn{Delete, "y"})
	again := all(tr)
	require.Equal(t, "s", again[0].Name.String())
	require.Len(t, again[0].Events, 1)
	require.Len(t, again[0].Impacts, 1)

	kept := all(tr)[0]
	fill(tr, 300) // overwrite the whole ring, twice over
	require.Equal(t, "s", kept.Name.String())
	require.Equal(t, "a", kept.Events[0].Text.String())
}
