package store

import (
	"fmt"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/stretchr/testify/require"
)

type state struct{ S string }

func (v state) SnapshotKind() string           { return "state" }
func (v state) MarshalSnapshot(w *snap.Writer) { w.String(v.S) }

var codecs = Codecs{"state": func(r *snap.Reader) (Value, error) { return state{r.String()}, nil }}

func TestRevisionsAndCompareAndSet(t *testing.T) {
	s := New()
	r1 := s.Put(Actual, "rack1/blade/1", state{"off"})
	require.Equal(t, uint64(1), r1)
	r2 := s.Put(Observed, "rack1/blade/1", state{"never_seen"})
	require.Equal(t, uint64(2), r2, "one revision counter across views")

	_, err := s.CompareAndSet(Actual, "rack1/blade/1", 0, state{"x"})
	require.ErrorIs(t, err, ErrConflict)
	require.ErrorContains(t, err, "actual rack1/blade/1: expected no record, but it exists at revision 1")

	r3, err := s.CompareAndSet(Actual, "rack1/blade/1", r1, state{"booting"})
	require.NoError(t, err)
	require.Equal(t, uint64(3), r3)

	_, err = s.CompareAndSet(Actual, "rack1/blade/1", r1, state{"working"})
	require.ErrorContains(t, err, "expected revision 1, but it is at revision 3")
	rec, _ := s.Get(Actual, "rack1/blade/1")
	require.Equal(t, state{"booting"}, rec.Value, "a refused write changes nothing")

	_, err = s.CompareAndSet(Target, "rack1/blade/2", 7, state{"x"})
	require.ErrorContains(t, err, "expected revision 7, but there is no record")
	r4, err := s.CompareAndSet(Target, "rack1/blade/2", 0, state{"operational"})
	require.NoError(t, err)
	require.Equal(t, uint64(4), r4)

	require.ErrorIs(t, s.CompareAndDelete(Target, "rack1/blade/2", 3), ErrConflict)
	require.NoError(t, s.CompareAndDelete(Target, "rack1/blade/2", 4))
	require.False(t, s.Delete(Target, "rack1/blade/2"))
	require.Equal(t, uint64(5), s.Rev())
	require.Panics(t, func() { s.Put(Actual, "x", nil) })
}

func TestWatchDeliversInRevisionOrder(t *testing.T) {
	s := New()
	var got []string
	stop := s.Watch(Actual, "rack1/", func(c ViewChange) {
		got = append(got, fmt.Sprintf("%d %s %v->%v", c.Rev, c.Key, c.Old, c.New))
		// A watcher's own write is delivered after the change that caused it.
		if c.Key == "rack1/blade/1" && c.New == (state{"working"}) {
			s.Put(Actual, "rack1/pdu/0", state{"busy"})
		}
	})
	var observed []uint64
	s.Watch(Observed, "", func(c ViewChange) { observed = append(observed, c.Rev) })

	s.Put(Actual, "rack1/blade/1", state{"booting"})
	s.Put(Actual, "rack2/blade/1", state{"booting"}) // other prefix
	s.Put(Observed, "rack1/blade/1", state{"seen"})
	s.Put(Actual, "rack1/blade/1", state{"working"})
	s.Delete(Actual, "rack1/blade/1")
	require.Empty(t, got, "nothing is delivered from inside a write")

	s.Deliver()
	require.Equal(t, []string{
		"1 rack1/blade/1 <nil>->{booting}",
		"4 rack1/blade/1 {booting}->{working}",
		"5 rack1/blade/1 {working}-><nil>",
		"6 rack1/pdu/0 <nil>->{busy}",
	}, got)
	require.Equal(t, []uint64{3}, observed)
	require.Zero(t, s.Pending())

	stop()
	s.Put(Actual, "rack1/blade/9", state{"x"})
	s.Deliver()
	require.Len(t, got, 4, "a stopped watch hears nothing")
}

func TestKeysSorted(t *testing.T) {
	s := New()
	for _, k := range []string{"b/2", "a/1", "b/10", "c"} {
		s.Put(Definition, k, state{k})
	}
	require.Equal(t, []string{"b/10", "b/2"}, s.Keys(Definition, "b/"))
	require.Equal(t, 4, s.Len(Definition))
}

func TestSnapshotRoundTrip(t *testing.T) {
	s := New()
	s.Put(Definition, "d", state{"def"})
	s.Put(Actual, "rack1/blade/2", state{"working"})
	s.Put(Actual, "rack1/blade/1", state{"booting"})
	s.Put(Observed, "rack1/blade/1", state{"seen"})
	w := snap.NewWriter(0)
	s.MarshalSnapshot(w, Actual, Observed)

	r := New()
	r.Put(Definition, "d", state{"def"})
	r.Put(Actual, "stale", state{"gone after restore"})
	require.NoError(t, r.UnmarshalSnapshot(snap.NewReader(w.Bytes()), codecs))
	require.Equal(t, s.Rev(), r.Rev())
	for _, v := range []View{Definition, Actual, Observed} {
		require.Equal(t, s.views[v], r.views[v], v.String())
	}
	require.Equal(t, s.Put(Actual, "n", state{"n"}), r.Put(Actual, "n", state{"n"}))

	require.ErrorContains(t, New().UnmarshalSnapshot(snap.NewReader(w.Bytes()), Codecs{}), `no decoder for value kind "state"`)
	for n := range len(w.Bytes()) {
		require.Error(t, New().UnmarshalSnapshot(snap.NewReader(w.Bytes()[:n]), codecs), "truncated at %d", n)
	}
	require.Panics(t, func() {
		bad := New()
		bad.Put(Actual, "x", 42)
		bad.MarshalSnapshot(snap.NewWriter(0), Actual)
	})
}

func TestViewNames(t *testing.T) {
	for v := Definition; v < viewCount; v++ {
		p, err := ParseView(v.String())
		require.NoError(t, err)
		require.Equal(t, v, p)
	}
	_, err := ParseView("wished")
	require.ErrorContains(t, err, `unknown view "wished"`)
}
