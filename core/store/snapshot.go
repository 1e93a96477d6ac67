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

// MarshalSnapshot writes the revision counter, every record of the given
// views and of every table, in key order. The definition view is normally
// left out: it is rebuilt from the scenario before a restore.
func (s *Store) MarshalSnapshot(w *snap.Writer, views ...View) {
	w.Section("store", 2)
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
	w.Uint(uint64(len(s.tables)))
	for _, t := range s.tables {
		t.marshal(w)
	}
}

// UnmarshalSnapshot replaces the snapshotted views' records, every table's
// records and the revision counter; views not in the snapshot are kept.
// Every table of the store must be in the snapshot, and no other. No
// change is delivered for a restore.
func (s *Store) UnmarshalSnapshot(r *snap.Reader, codecs Codecs) error {
	if v := r.Section("store", 2); r.Err() == nil && v < 2 {
		return r.Failf("store section version %d is older than this build's 2", v)
	}
	rev := r.Uint()
	nviews := r.Len(int(viewCount))
	restored := map[View]map[string]ViewRecord{}
	for range nviews {
		v := View(r.Uint())
		if r.Err() == nil && v >= viewCount {
			return r.Failf("unknown view %d", v)
		}
		n := r.Len(1 << 28)
		recs := make(map[string]ViewRecord, n)
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
			recs[key] = ViewRecord{Rev: krev, Value: val}
		}
		restored[v] = recs
	}
	ntables := r.Len(len(s.tables))
	if r.Err() == nil && ntables != len(s.tables) {
		return r.Failf("%d tables, the store has %d", ntables, len(s.tables))
	}
	commits := make([]func(), 0, ntables)
	for _, t := range s.tables {
		name := r.String()
		if r.Err() != nil {
			return r.Err()
		}
		if name != t.tableName() {
			return r.Failf("table %q where %q was expected", name, t.tableName())
		}
		commit, err := t.unmarshal(r, rev)
		if err != nil {
			return err
		}
		commits = append(commits, commit)
	}
	if r.Err() != nil {
		return r.Err()
	}
	for _, commit := range commits {
		commit()
	}
	for v, recs := range restored {
		s.views[v] = recs
	}
	s.rev = rev
	s.pending = s.pending[:0]
	s.vchanges.delivered()
	return nil
}
