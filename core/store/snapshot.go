package store

import (
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/snap"
)

// Snapshotter is a value that can be written into a snapshot. Kind names
// its type for the decoder registered under the same name.
type Snapshotter interface {
	SnapshotKind() string
	MarshalSnapshot(w *snap.Writer)
}

// Decoder reads a value written by a Snapshotter's MarshalSnapshot.
type Decoder func(r *snap.Reader) (Value, error)

// Codecs maps value kinds to their decoders; each package that stores
// values registers its own.
type Codecs map[string]Decoder

// MarshalSnapshot writes the revision counter and every record of the
// given views, in key order. The definition view is normally left out: it
// is rebuilt from the scenario before a restore.
func (s *Store) MarshalSnapshot(w *snap.Writer, views ...View) {
	w.Section("store", 1)
	w.Uint(s.rev)
	w.Uint(uint64(len(views)))
	for _, v := range views {
		w.Uint(uint64(v))
		keys := make([]string, 0, len(s.views[v]))
		for k := range s.views[v] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		w.Uint(uint64(len(keys)))
		for _, k := range keys {
			rec := s.views[v][k]
			sv, ok := rec.Value.(Snapshotter)
			if !ok {
				panic(fmt.Sprintf("store: %s %s holds a %T, which cannot be snapshotted", v, k, rec.Value))
			}
			w.String(k)
			w.Uint(rec.Rev)
			w.String(sv.SnapshotKind())
			sv.MarshalSnapshot(w)
		}
	}
}

// UnmarshalSnapshot replaces the snapshotted views' records and the
// revision counter; views not in the snapshot are kept. No change is
// delivered for a restore.
func (s *Store) UnmarshalSnapshot(r *snap.Reader, codecs Codecs) error {
	r.Section("store", 1)
	rev := r.Uint()
	nviews := r.Len(int(viewCount))
	restored := map[View]map[string]Record{}
	for range nviews {
		v := View(r.Uint())
		if r.Err() == nil && v >= viewCount {
			return r.Failf("unknown view %d", v)
		}
		n := r.Len(1 << 28)
		recs := make(map[string]Record, n)
		for range n {
			key := r.String()
			krev := r.Uint()
			kind := r.String()
			if r.Err() != nil {
				return r.Err()
			}
			dec, ok := codecs[kind]
			if !ok {
				return r.Failf("%s %s: no decoder for value kind %q", v, key, kind)
			}
			val, err := dec(r)
			if err != nil {
				return r.Fail(fmt.Errorf("%s %s: %w", v, key, err))
			}
			if r.Err() != nil {
				return r.Err()
			}
			if krev == 0 || krev > rev {
				return r.Failf("%s %s: revision %d beyond the store's %d", v, key, krev, rev)
			}
			recs[key] = Record{Rev: krev, Value: val}
		}
		restored[v] = recs
	}
	if r.Err() != nil {
		return r.Err()
	}
	for v, recs := range restored {
		s.views[v] = recs
	}
	s.rev = rev
	s.pending = s.pending[:0]
	return nil
}
