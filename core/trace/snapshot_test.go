package trace

import (
	"testing"

	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/stretchr/testify/require"
)

func snapshotOf(tr *Tracer) []byte {
	w := snap.NewWriter(0)
	tr.MarshalSnapshot(w)
	return w.Bytes()
}

func restore(t testing.TB, data []byte, retention int) *Tracer {
	tr := New(retention)
	r := snap.NewReader(data)
	require.NoError(t, tr.UnmarshalSnapshot(r))
	require.NoError(t, r.Done())
	return tr
}

// run → snapshot → restore → continue gives the same hash, counts, ids and
// store as a run never interrupted, wherever it is cut.
func TestSnapshotContinuesTheRun(t *testing.T) {
	const steps = 80
	whole := New(100)
	(&workload{seed: 5, infra: true}).run(whole, 0, steps)
	require.Greater(t, whole.LastSeq(), uint64(200), "the ring must have wrapped")

	for _, cut := range []int{0, 1, 17, 40, 79, steps} {
		w := &workload{seed: 5, infra: true}
		first := New(100)
		w.run(first, 0, cut)
		data := snapshotOf(first)
		pending := append([]LinkID(nil), w.pending...) // the simulation snapshots its own state

		second := restore(t, data, 100)
		require.Equal(t, first.Hash(), second.Hash())
		require.Equal(t, all(first), all(second))
		require.Equal(t, data, snapshotOf(second), "restoring then saving gives the same bytes")

		w.pending = pending
		w.run(second, cut, steps)
		require.Equal(t, whole.HashHex(), second.HashHex(), "cut at %d", cut)
		require.Equal(t, all(whole), all(second), "cut at %d", cut)
		ws, wi := whole.Emitted()
		ss, si := second.Emitted()
		require.Equal(t, [2]uint64{ws, wi}, [2]uint64{ss, si})
		require.Equal(t, whole.FirstSeq(), second.FirstSeq())
		require.Equal(t, snapshotOf(whole), snapshotOf(second))
	}
}

func TestSnapshotIntoASmallerStore(t *testing.T) {
	big := New(500)
	fill(big, 300)
	small := restore(t, snapshotOf(big), 100)
	require.Equal(t, 100, small.Len())
	require.Equal(t, uint64(201), small.FirstSeq())
	require.Equal(t, all(big)[200:], all(small))
	fill(small, 1)
	require.Equal(t, uint64(301), small.LastSeq())
	require.Equal(t, 100, small.Len())
}

func TestSnapshotOfAnEmptyTracer(t *testing.T) {
	tr := restore(t, snapshotOf(New(0)), 0)
	require.Equal(t, New(0).Hash(), tr.Hash())
	require.Zero(t, tr.Len())
	s := tr.Start(0, "first")
	require.Equal(t, SpanID(1), s.ID())
	s.End()
}

func TestCorruptSnapshotsGiveErrors(t *testing.T) {
	tr := New(100)
	(&workload{seed: 1, infra: true}).run(tr, 0, 10)
	good := snapshotOf(tr)

	tests := []struct {
		name    string
		data    func() []byte
		wantErr string
	}{
		{"empty", func() []byte { return nil }, "truncated"},
		{"another section", func() []byte {
			w := snap.NewWriter(0)
			w.Section("clock", 1)
			return w.Bytes()
		}, `expected section "trace"`},
		{"a newer version", func() []byte {
			w := snap.NewWriter(0)
			w.Section("trace", snapshotVersion+1)
			return w.Bytes()
		}, "unsupported snapshot version"},
		{"version 1, English rather than messages", func() []byte {
			w := snap.NewWriter(0)
			w.Section("trace", 1)
			return w.Bytes()
		}, "unsupported snapshot version"},
		{"bad hash state", func() []byte {
			w := snap.NewWriter(0)
			w.Section("trace", snapshotVersion)
			w.Blob([]byte("not a sha256 state"))
			for range 6 {
				w.Uint(0)
			}
			return w.Bytes()
		}, "hash state"},
		{"more entries than ever ended", func() []byte {
			w := snap.NewWriter(0)
			w.Section("trace", snapshotVersion)
			w.Blob(nil)
			w.Uint(0)
			w.Uint(0)
			w.Uint(0) // seq
			w.Uint(0)
			w.Uint(0)
			w.Uint(1) // entries
			w.Uint(0)
			return w.Bytes()
		}, "1 entries held but only 0 ever ended"},
		{"truncated", func() []byte { return good[:len(good)-3] }, "snapshot byte"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fresh := New(100)
			err := fresh.UnmarshalSnapshot(snap.NewReader(tc.data()))
			require.ErrorContains(t, err, tc.wantErr)
			require.Equal(t, New(100).Hash(), fresh.Hash(), "a failed restore changes nothing")
			require.Zero(t, fresh.Len())
		})
	}

	// Every single-byte truncation and corruption errors or restores, never panics.
	for i := range good {
		require.NotPanics(t, func() {
			_ = New(100).UnmarshalSnapshot(snap.NewReader(good[:i]))
			bad := append([]byte(nil), good...)
			bad[i] ^= 0x55
			_ = New(100).UnmarshalSnapshot(snap.NewReader(bad))
		})
	}
}

func FuzzUnmarshalSnapshot(f *testing.F) {
	tr := New(100)
	(&workload{seed: 2, infra: true}).run(tr, 0, 6)
	f.Add(snapshotOf(tr))
	f.Add(snapshotOf(New(0)))
	f.Add(snapshotOf(goldenTrace()))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := New(100)
		r := snap.NewReader(data)
		if tr.UnmarshalSnapshot(r) != nil {
			return
		}
		// Whatever was accepted is a state the tracer can carry on from.
		again := restore(t, snapshotOf(tr), 100)
		require.Equal(t, tr.Hash(), again.Hash())
		require.Equal(t, all(tr), all(again))
		s := again.Start(1<<40, "after restore")
		s.Infof(1<<40, "still works")
		s.End()
		for _, e := range all(again) {
			require.NoError(t, validate(&e))
		}
	})
}
