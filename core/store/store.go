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

// Record is a value with the revision that wrote it.
type Record struct {
	Rev   uint64
	Value Value
}

// Change is one write, as watchers see it. Old is nil for a create, New is
// nil for a delete.
type Change struct {
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
	views    [viewCount]map[string]Record
	watchers []*watcher
	pending  []Change
	nextID   int
}

type watcher struct {
	id     int
	view   View
	prefix string
	fn     func(Change)
}

// New returns an empty store at revision 0.
func New() *Store {
	s := &Store{}
	for i := range s.views {
		s.views[i] = map[string]Record{}
	}
	return s
}

// Rev is the revision of the latest write.
func (s *Store) Rev() uint64 { return s.rev }

// Len is the number of records in view v.
func (s *Store) Len(v View) int { return len(s.views[v]) }

// Get returns the record at key in view v.
func (s *Store) Get(v View, key string) (Record, bool) {
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
	s.views[v][key] = Record{Rev: s.rev, Value: val}
	ch := Change{Rev: s.rev, View: v, Key: key, New: val}
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
	s.queue(Change{Rev: s.rev, View: v, Key: key, Old: old.Value, OldRev: old.Rev})
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

func (s *Store) queue(ch Change) {
	if len(s.watchers) > 0 {
		s.pending = append(s.pending, ch)
	}
}

// Watch calls fn for every change in view v whose key starts with prefix,
// in revision order, from the next Deliver on. The returned func stops it.
func (s *Store) Watch(v View, prefix string, fn func(Change)) (stop func()) {
	s.nextID++
	w := &watcher{id: s.nextID, view: v, prefix: prefix, fn: fn}
	s.watchers = append(s.watchers, w)
	return func() {
		s.watchers = slices.DeleteFunc(s.watchers, func(x *watcher) bool { return x == w })
	}
}

// Pending is the number of changes not yet delivered.
func (s *Store) Pending() int { return len(s.pending) }

// Deliver tells the watchers of every queued change, in revision order;
// changes made by watchers meanwhile are delivered in the same call. Each
// watcher sees the changes in the order registered watchers were added.
func (s *Store) Deliver() {
	for i := 0; i < len(s.pending); i++ {
		ch := s.pending[i]
		for _, w := range s.watchers {
			if w.view == ch.View && strings.HasPrefix(ch.Key, w.prefix) {
				w.fn(ch)
			}
		}
	}
	s.pending = s.pending[:0]
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
