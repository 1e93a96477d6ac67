package store

import "github.com/cloudchamber/cloudchamber/core/snap"

// MarshalSnapshot writes the revision counter and every record of every
// table, table by table in the order they were added, each in key order.
func (s *Store) MarshalSnapshot(w *snap.Writer) {
	w.Section("store", 2)
	w.Uint(s.rev)
	w.Uint(uint64(len(s.tables)))
	for _, t := range s.tables {
		t.marshal(w)
	}
}

// UnmarshalSnapshot replaces every table's records and the revision
// counter. The snapshot must hold the same tables, in the same order, as
// s; if any part is refused, nothing is changed. No change is delivered
// for a restore.
func (s *Store) UnmarshalSnapshot(r *snap.Reader) error {
	if v := r.Section("store", 2); r.Err() == nil && v < 2 {
		return r.Failf("store section version %d is older than this build's 2", v)
	}
	rev := r.Uint()
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
	s.rev = rev
	s.pending = s.pending[:0]
	return nil
}
