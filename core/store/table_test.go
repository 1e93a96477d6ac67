package store

import (
	"fmt"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/stretchr/testify/require"
)

// usage is a record of the tests' "usage" table, keyed by blade number.
type usage struct{ N int64 }

var usageCodec = Codec[usage]{
	Write: func(w *snap.Writer, v usage) { w.Int(v.N) },
	Read: func(r *snap.Reader) (usage, error) {
		v := usage{r.Int()}
		if r.Err() == nil && v.N < 0 {
			return usage{}, fmt.Errorf("negative usage %d", v.N)
		}
		return v, r.Err()
	},
}

// notes are a table keyed by rack name, in the tests only.
var rackNames = Codec[string]{
	Write: func(w *snap.Writer, k string) { w.String(k) },
	Read:  func(r *snap.Reader) (string, error) { return r.String(), r.Err() },
}

var noteCodec = Codec[string]{
	Write: func(w *snap.Writer, v string) { w.String(v) },
	Read:  func(r *snap.Reader) (string, error) { return r.String(), r.Err() },
}

func newTables() (*Store, *Table[int32, usage], *Table[string, string]) {
	s := New()
	return s, NewTable(s, "usage", Int32Keys, usageCodec), NewTable(s, "notes", rackNames, noteCodec)
}

func TestTableRevisions(t *testing.T) {
	s, u, n := newTables()
	require.Equal(t, uint64(1), u.Put(3, usage{1}))
	require.Equal(t, uint64(2), n.Put("rack1", "hot"), "one revision counter across tables")
	require.Equal(t, uint64(3), u.Put(3, usage{2}))
	require.Equal(t, uint64(4), n.Put("rack1", "warm"))
	v, ok := u.Get(3)
	require.True(t, ok)
	require.Equal(t, usage{2}, v)
	rec, _ := u.Record(3)
	require.Equal(t, Record[usage]{Rev: 3, Value: usage{2}}, rec)
	_, ok = u.Get(4)
	require.False(t, ok)
	require.False(t, u.Delete(4), "nothing to delete")
	require.Equal(t, uint64(4), s.Rev(), "a delete of nothing takes no revision")
	u.Put(1, usage{0})
	u.Put(10, usage{0})
	require.Equal(t, []int32{1, 3, 10}, u.Keys())
	require.True(t, u.Delete(3))
	require.Equal(t, uint64(7), s.Rev())
	require.Equal(t, 2, u.Len())
	require.Panics(t, func() { NewTable(s, "usage", Int32Keys, usageCodec) }, "a name is used once")
}

// Changes reach watchers in revision order across tables, with
// a watcher's own writes after the change that caused them, as they did
// when every record kind shared one view.
func TestWatchOrderAcrossTables(t *testing.T) {
	s, u, n := newTables()
	var got []string
	u.Watch(func(c Change[int32, usage]) {
		got = append(got, fmt.Sprintf("%d usage/%d %v(%d)->%v deleted=%t", c.Rev, c.Key, c.Old, c.OldRev, c.New, c.Deleted))
		if c.Key == 1 && c.New.N == 5 {
			n.Put("rack1", "busy")
		}
	})
	n.Watch(func(c Change[string, string]) { got = append(got, fmt.Sprintf("%d notes/%s %q", c.Rev, c.Key, c.New)) })
	stop := n.Watch(func(c Change[string, string]) { got = append(got, fmt.Sprintf("%d notes/%s again", c.Rev, c.Key)) })

	u.Put(1, usage{4})
	n.Put("rack2", "cold")
	u.Put(2, usage{1})
	u.Put(1, usage{5})
	u.Delete(1)
	require.Equal(t, 5, s.Pending())
	require.Empty(t, got, "nothing is delivered from inside a write")
	s.Deliver()
	require.Equal(t, []string{
		"1 usage/1 {0}(0)->{4} deleted=false",
		`2 notes/rack2 "cold"`,
		"2 notes/rack2 again",
		"3 usage/2 {0}(0)->{1} deleted=false",
		"4 usage/1 {4}(1)->{5} deleted=false",
		"5 usage/1 {5}(4)->{0} deleted=true",
		`6 notes/rack1 "busy"`,
		"6 notes/rack1 again",
	}, got)
	require.Zero(t, s.Pending())

	got = nil
	stop()
	n.Put("rack3", "x")
	s.Deliver()
	require.Equal(t, []string{`7 notes/rack3 "x"`}, got, "a stopped watch hears nothing")
}

func TestNothingQueuedWithoutWatchers(t *testing.T) {
	s, u, _ := newTables()
	u.Put(1, usage{1})
	require.Zero(t, s.Pending())
	var got []int32
	stop := u.Watch(func(c Change[int32, usage]) { got = append(got, c.Key) })
	u.Put(2, usage{1})
	stop()
	u.Put(3, usage{1})
	require.Equal(t, 1, s.Pending(), "queued while watched")
	s.Deliver()
	require.Empty(t, got)
}

func TestTableSnapshotRoundTrip(t *testing.T) {
	s, u, n := newTables()
	u.Put(7, usage{3})
	u.Put(2, usage{1})
	n.Put("rack1", "hot")
	u.Delete(2)
	w := snap.NewWriter(0)
	s.MarshalSnapshot(w)

	r, ru, rn := newTables()
	ru.Put(9, usage{9}) // replaced by the restore
	require.NoError(t, r.UnmarshalSnapshot(snap.NewReader(w.Bytes())))
	require.Equal(t, s.Rev(), r.Rev())
	require.Equal(t, u.recs, ru.recs)
	require.Equal(t, n.recs, rn.recs)
	require.Equal(t, u.Put(1, usage{1}), ru.Put(1, usage{1}))

	for n := range len(w.Bytes()) {
		_, tu, _ := newTables()
		require.Error(t, tu.s.UnmarshalSnapshot(snap.NewReader(w.Bytes()[:n])), "truncated at %d", n)
		require.Empty(t, tu.recs, "a failed restore changes nothing")
	}
}

func TestTableSnapshotRefusals(t *testing.T) {
	write := func(f func(s *Store, u *Table[int32, usage], n *Table[string, string])) []byte {
		s, u, n := newTables()
		f(s, u, n)
		w := snap.NewWriter(0)
		s.MarshalSnapshot(w)
		return w.Bytes()
	}
	restore := func(b []byte) error {
		s, _, _ := newTables()
		return s.UnmarshalSnapshot(snap.NewReader(b))
	}
	bad := write(func(s *Store, u *Table[int32, usage], n *Table[string, string]) { u.Put(4, usage{-1}) })
	require.ErrorContains(t, restore(bad), "usage 4: negative usage -1")
	require.ErrorContains(t, restore(bad), "snapshot byte ", "located in the snapshot")

	other := New()
	NewTable(other, "notes", rackNames, noteCodec)
	NewTable(other, "usage", Int32Keys, usageCodec)
	w := snap.NewWriter(0)
	other.MarshalSnapshot(w)
	require.ErrorContains(t, restore(w.Bytes()), `table "notes" where "usage" was expected`)

	fewer := New()
	NewTable(fewer, "usage", Int32Keys, usageCodec)
	w = snap.NewWriter(0)
	fewer.MarshalSnapshot(w)
	require.ErrorContains(t, restore(w.Bytes()), "1 tables, the store has 2")

	old := snap.NewWriter(0)
	old.Section("store", 1)
	require.ErrorContains(t, restore(old.Bytes()), "store section version 1 is older than this build's 2")
}

func TestBaselineDropsQueuedChanges(t *testing.T) {
	s, u, n := newTables()
	var got []string
	u.Watch(func(c Change[int32, usage]) { got = append(got, fmt.Sprint("u", c.Key)) })
	n.Watch(func(c Change[string, string]) { got = append(got, "n"+c.Key) })
	u.Put(1, usage{1})
	n.Put("a", "x")
	s.Baseline()
	require.Zero(t, s.Pending())
	s.Deliver()
	require.Empty(t, got, "the first state is not a change")
	v, ok := u.Get(1)
	require.True(t, ok)
	require.Equal(t, usage{1}, v, "kept, with its revision")
	require.EqualValues(t, 2, s.Rev())
	u.Put(1, usage{2})
	s.Deliver()
	require.Equal(t, []string{"u1"}, got, "later changes are delivered")
}

// SetPace's fn runs after every `every` writes, puts and deletes alike,
// once each is done; a nil fn stops it.
func TestPace(t *testing.T) {
	s, u, _ := newTables()
	var at []uint64
	var key int32
	s.SetPace(3, func() {
		at = append(at, s.Rev())
		_, ok := u.Get(key)
		require.Equal(t, s.Rev()%2 == 1, ok, "the put or delete is done before fn runs")
	})
	for key = range int32(4) {
		u.Put(key, usage{1})
		u.Delete(key)
	}
	require.Equal(t, []uint64{3, 6}, at)
	s.SetPace(0, nil)
	u.Put(9, usage{1})
	require.Equal(t, []uint64{3, 6}, at)
}

// A delivered (or baselined) burst leaves no queue of its size behind; a
// small one keeps its room for the next.
func TestDeliverReleasesBurst(t *testing.T) {
	s, u, _ := newTables()
	u.Watch(func(Change[int32, usage]) {})
	for k := range int32(queueKeepMax + 1) {
		u.Put(k, usage{1})
	}
	s.Deliver()
	require.Zero(t, cap(s.pending))
	require.Zero(t, cap(u.changes))
	u.Put(0, usage{2})
	s.Deliver()
	require.Positive(t, cap(s.pending))
	require.Positive(t, cap(u.changes))

	for k := range int32(queueKeepMax + 1) {
		u.Put(k, usage{3})
	}
	s.Baseline()
	require.Zero(t, cap(s.pending), "nor does a dropped one")
	require.Zero(t, cap(u.changes))
}

// Between Quiet and Baseline writes queue nothing, and take their
// revisions; after Baseline they queue again.
func TestQuietUntilBaseline(t *testing.T) {
	s, u, _ := newTables()
	var got []int32
	u.Watch(func(c Change[int32, usage]) { got = append(got, c.Key) })
	s.Quiet()
	u.Put(1, usage{1})
	u.Delete(1)
	u.Put(2, usage{1})
	require.Zero(t, s.Pending())
	require.EqualValues(t, 3, s.Rev())
	s.Baseline()
	s.Deliver()
	require.Empty(t, got)
	u.Put(3, usage{1})
	s.Deliver()
	require.Equal(t, []int32{3}, got)
}
