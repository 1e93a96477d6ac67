// Package store keeps the four views of every element — definition,
// target, actual and observed — as revisioned records, as etcd did for the
// original. Every write takes the next revision of the whole store;
// compare-and-set guards a write with the revision the writer last saw; and
// watchers are told of changes in revision order.
//
// The services of the simulation talk through the store: the hardware
// writes actual, the monitor observed, the user and planners target, and
// each reacts to the others' changes through watches, not by reading each
// other's state.
//
// Delivery is explicit: a write queues its change, and Deliver (called by
// the simulation after each event) hands the queued changes to the watchers,
// including changes that watchers make while being told, until none are
// left. Nothing is delivered from inside a write, so a service never sees
// the store half-way through another service's step.
package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/snap"
)

// View is one of the four ways an element is seen.
type View uint8

const (
	Definition View = iota // what exists and how it is wired (from the inventory)
	Target                 // what it should be (administrative intent)
	Actual                 // what it really is (written by the simulated hardware)
	Observed               // what the control plane has seen of it (written by the monitor)
	viewCount
)

var viewNames = [...]string{"definition", "target", "actual", "observed"}

func (v View) String() string {
	if v < viewCount {
		return viewNames[v]
	}
	return fmt.Sprintf("view(%d)", uint8(v))
}

// ParseView reads a view's name.
func ParseView(s string) (View, error) {
	for i, n := range viewNames {
		if strings.EqualFold(s, n) {
			return View(i), nil
		}
	}
	return 0, fmt.Errorf("unknown view %q (want definition, target, actual or observed)", s)
}

// Value is what a record holds. Values are immutable once written: a writer
// puts a new value rather than changing the old one, so a watcher may keep
// the Old and New values it was given.
type Value any

// ViewRecord is a value with the revision that wrote it.
type ViewRecord struct {
	Rev   uint64
	Value Value
}

// ViewChange is one write, as watchers see it. Old is nil for a create, New is
// nil for a delete.
type ViewChange struct {
	Rev      uint64
	View     View
	Key      string
	Old, New Value
	OldRev   uint64
}

// ErrConflict is returned by a compare-and-set whose expected revision is
// not the record's current one.
var ErrConflict = errors.New("revision conflict")

// Store is the revisioned store. It is not safe for concurrent use: the
// simulation is single-threaded.
type Store struct {
	rev      uint64
	views    [viewCount]map[string]ViewRecord
	watchers []*watcher
	vchanges viewChanges
	tables   []table
	pending  []pending // every queued change, in revision order
	watching int       // watchers of views and tables: with none, nothing is queued
	nextID   int
}

// pending is a queued change: the i-th queued change of table t.
type pending struct {
	t table
	i int32
}

type watcher struct {
	id     int
	view   View
	prefix string
	fn     func(ViewChange)
}

// viewChanges are the queued changes of the views, delivered to the
// watchers whose view and prefix they match.
type viewChanges struct {
	s       *Store
	changes []ViewChange
}

func (q *viewChanges) tableName() string    { return "views" }
func (q *viewChanges) delivered()           { q.changes = q.changes[:0] }
func (q *viewChanges) marshal(*snap.Writer) { panic("store: views are not a table") }
func (q *viewChanges) unmarshal(*snap.Reader, uint64) (func(), error) {
	panic("store: views are not a table")
}
func (q *viewChanges) deliver(i int32) {
	ch := q.changes[i]
	for _, w := range q.s.watchers {
		if w.view == ch.View && strings.HasPrefix(ch.Key, w.prefix) {
			w.fn(ch)
		}
	}
}

// New returns an empty store at revision 0.
func New() *Store {
	s := &Store{}
	s.vchanges.s = s
	for i := range s.views {
		s.views[i] = map[string]ViewRecord{}
	}
	return s
}

// Rev is the revision of the latest write.
func (s *Store) Rev() uint64 { return s.rev }

// next takes the next revision.
func (s *Store) next() uint64 {
	s.rev++
	return s.rev
}

// Len is the number of records in view v.
func (s *Store) Len(v View) int { return len(s.views[v]) }

// Get returns the record at key in view v.
func (s *Store) Get(v View, key string) (ViewRecord, bool) {
	r, ok := s.views[v][key]
	return r, ok
}

// Put writes val at key unconditionally and returns the new revision.
func (s *Store) Put(v View, key string, val Value) uint64 {
	if val == nil {
		panic("store: Put of a nil value (use Delete)")
	}
	old, had := s.views[v][key]
	s.rev++
	s.views[v][key] = ViewRecord{Rev: s.rev, Value: val}
	ch := ViewChange{Rev: s.rev, View: v, Key: key, New: val}
	if had {
		ch.Old, ch.OldRev = old.Value, old.Rev
	}
	s.queue(ch)
	return s.rev
}

// CompareAndSet writes val at key only if the record's revision is
// expectRev (0: only if there is no record) and returns the new revision.
func (s *Store) CompareAndSet(v View, key string, expectRev uint64, val Value) (uint64, error) {
	cur := s.views[v][key]
	if cur.Rev != expectRev {
		return 0, conflict(v, key, expectRev, cur.Rev)
	}
	return s.Put(v, key, val), nil
}

// Delete removes key from view v; it reports whether there was a record.
func (s *Store) Delete(v View, key string) bool {
	old, had := s.views[v][key]
	if !had {
		return false
	}
	delete(s.views[v], key)
	s.rev++
	s.queue(ViewChange{Rev: s.rev, View: v, Key: key, Old: old.Value, OldRev: old.Rev})
	return true
}

// CompareAndDelete removes key only if its revision is expectRev.
func (s *Store) CompareAndDelete(v View, key string, expectRev uint64) error {
	cur, had := s.views[v][key]
	if !had || cur.Rev != expectRev {
		return conflict(v, key, expectRev, cur.Rev)
	}
	s.Delete(v, key)
	return nil
}

func conflict(v View, key string, want, got uint64) error {
	if got == 0 {
		return fmt.Errorf("%s %s: expected revision %d, but there is no record: %w", v, key, want, ErrConflict)
	}
	if want == 0 {
		return fmt.Errorf("%s %s: expected no record, but it exists at revision %d: %w", v, key, got, ErrConflict)
	}
	return fmt.Errorf("%s %s: expected revision %d, but it is at revision %d: %w", v, key, want, got, ErrConflict)
}

func (s *Store) queue(ch ViewChange) {
	if s.watching > 0 {
		s.pending = append(s.pending, pending{&s.vchanges, int32(len(s.vchanges.changes))})
		s.vchanges.changes = append(s.vchanges.changes, ch)
	}
}

// Watch calls fn for every change in view v whose key starts with prefix,
// in revision order, from the next Deliver on. The returned func stops it.
func (s *Store) Watch(v View, prefix string, fn func(ViewChange)) (stop func()) {
	s.nextID++
	w := &watcher{id: s.nextID, view: v, prefix: prefix, fn: fn}
	s.watchers = append(s.watchers, w)
	s.watching++
	return func() {
		n := len(s.watchers)
		s.watchers = slices.DeleteFunc(s.watchers, func(x *watcher) bool { return x == w })
		s.watching -= n - len(s.watchers)
	}
}

// Pending is the number of changes not yet delivered.
func (s *Store) Pending() int { return len(s.pending) }

// Deliver tells the watchers of every queued change, of every view and
// table, in revision order; changes made by watchers meanwhile are
// delivered in the same call. The watchers of one change are told in the
// order they were added.
func (s *Store) Deliver() {
	for i := 0; i < len(s.pending); i++ {
		p := s.pending[i]
		p.t.deliver(p.i)
	}
	s.pending = s.pending[:0]
	s.vchanges.delivered()
	for _, t := range s.tables {
		t.delivered()
	}
}

// Keys returns the keys of view v that start with prefix, sorted.
func (s *Store) Keys(v View, prefix string) []string {
	var out []string
	for k := range s.views[v] {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
