package store

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/snap"
)

// Table holds the records of one kind, keyed by K: a blade's usage by the
// blade's index (views.BladeID), an element's target by the element's
// number (views.ElemID). Its values are immutable once written (a writer
// puts a new value rather than changing the old one), so a watcher may
// keep the values it is given.
//
// Every write takes the next revision of the whole store, and Deliver tells
// watchers of the changes to all tables in revision order.
type Table[K cmp.Ordered, V any] struct {
	s        *Store
	name     string
	keys     Codec[K]
	vals     Codec[V]
	recs     map[K]Record[V]
	watchers []*func(Change[K, V])
	changes  []Change[K, V] // queued since the last Deliver; the store's queue points into it
}

// Record is a value with the revision that wrote it.
type Record[V any] struct {
	Rev   uint64
	Value V
}

// Change is one write to a table, as its watchers see it. OldRev is 0 for a
// create (Old is then the zero value); Deleted is set for a delete (New is
// then the zero value).
type Change[K cmp.Ordered, V any] struct {
	Rev      uint64
	Key      K
	Old, New V
	OldRev   uint64
	Deleted  bool
}

// Codec writes a key or value into a snapshot and reads it back; Read
// reports a value it cannot accept (out of range) as an error.
type Codec[T any] struct {
	Write func(w *snap.Writer, v T)
	Read  func(r *snap.Reader) (T, error)
}

// IntKeys is the codec of keys that are numbers of type K (an element's
// number, a blade's index): written as a varint, read back refusing negative
// numbers and numbers past int32.
func IntKeys[K ~int32]() Codec[K] {
	return Codec[K]{
		Write: func(w *snap.Writer, k K) { w.Int(int64(k)) },
		Read: func(r *snap.Reader) (K, error) {
			k := r.Int()
			if r.Err() == nil && (k < 0 || k > 1<<31-1) {
				return 0, fmt.Errorf("key %d out of range", k)
			}
			return K(k), r.Err()
		},
	}
}

// Int32Keys is the codec of plain int32 keys (a rack's, PDU's or TOR's index).
var Int32Keys = IntKeys[int32]()

// table is what the store needs of a table of any type.
type table interface {
	tableName() string
	deliver(i int32)
	delivered()
	marshal(w *snap.Writer)
	unmarshal(r *snap.Reader, rev uint64) (commit func(), err error)
}

// NewTable adds a table named name to s; its records are written into
// snapshots with the given codecs. Tables are snapshotted in the order
// they are added, and each name is used once.
func NewTable[K cmp.Ordered, V any](s *Store, name string, keys Codec[K], vals Codec[V]) *Table[K, V] {
	for _, t := range s.tables {
		if t.tableName() == name {
			panic(fmt.Sprintf("store: two tables named %q", name))
		}
	}
	t := &Table[K, V]{s: s, name: name, keys: keys, vals: vals, recs: map[K]Record[V]{}}
	s.tables = append(s.tables, t)
	return t
}

func (t *Table[K, V]) tableName() string { return t.name }

// Name is the table's name, as snapshots and errors give it.
func (t *Table[K, V]) Name() string { return t.name }

// Len is the number of records.
func (t *Table[K, V]) Len() int { return len(t.recs) }

// Get returns the value at key.
func (t *Table[K, V]) Get(key K) (V, bool) {
	r, ok := t.recs[key]
	return r.Value, ok
}

// Record returns the value at key with the revision that wrote it.
func (t *Table[K, V]) Record(key K) (Record[V], bool) {
	r, ok := t.recs[key]
	return r, ok
}

// Keys returns the keys, sorted.
func (t *Table[K, V]) Keys() []K { return slices.Sorted(maps.Keys(t.recs)) }

// Put writes val at key and returns the new revision.
func (t *Table[K, V]) Put(key K, val V) uint64 {
	old, had := t.recs[key]
	rev := t.s.next()
	t.recs[key] = Record[V]{Rev: rev, Value: val}
	if t.s.watching > 0 && !t.s.quiet {
		ch := Change[K, V]{Rev: rev, Key: key, New: val}
		if had {
			ch.Old, ch.OldRev = old.Value, old.Rev
		}
		t.queue(ch)
	}
	t.s.wrote()
	return rev
}

// Delete removes key; it reports whether there was a record.
func (t *Table[K, V]) Delete(key K) bool {
	old, had := t.recs[key]
	if !had {
		return false
	}
	delete(t.recs, key)
	rev := t.s.next()
	if t.s.watching > 0 && !t.s.quiet {
		t.queue(Change[K, V]{Rev: rev, Key: key, Old: old.Value, OldRev: old.Rev, Deleted: true})
	}
	t.s.wrote()
	return true
}

func (t *Table[K, V]) queue(ch Change[K, V]) {
	t.s.pending = append(t.s.pending, pending{t, int32(len(t.changes))})
	t.changes = append(t.changes, ch)
}

// Watch calls fn for every change of the table, from the next Deliver on,
// in revision order across all the store's tables; the watchers of one
// change are called in the order they were added. The returned func stops
// it.
func (t *Table[K, V]) Watch(fn func(Change[K, V])) (stop func()) {
	w := &fn
	t.watchers = append(t.watchers, w)
	t.s.watching++
	return func() {
		n := len(t.watchers)
		t.watchers = slices.DeleteFunc(t.watchers, func(x *func(Change[K, V])) bool { return x == w })
		t.s.watching -= n - len(t.watchers)
	}
}

func (t *Table[K, V]) deliver(i int32) {
	ch := t.changes[i]
	for _, w := range t.watchers {
		(*w)(ch)
	}
}

func (t *Table[K, V]) delivered() {
	t.changes = t.changes[:0]
	if cap(t.changes) > queueKeepMax {
		t.changes = nil
	}
}

func (t *Table[K, V]) marshal(w *snap.Writer) {
	w.String(t.name)
	w.Uint(uint64(len(t.recs)))
	for _, k := range t.Keys() {
		rec := t.recs[k]
		t.keys.Write(w, k)
		w.Uint(rec.Rev)
		t.vals.Write(w, rec.Value)
	}
}

// unmarshal reads the records marshal wrote (after the name) and returns
// the func that puts them in place once the whole store has been read.
func (t *Table[K, V]) unmarshal(r *snap.Reader, rev uint64) (func(), error) {
	n := r.Len(1 << 28)
	recs := make(map[K]Record[V], n)
	for range n {
		key, err := t.keys.Read(r)
		if err != nil {
			return nil, r.Failf("%s: %v", t.name, err)
		}
		krev := r.Uint()
		if r.Err() != nil {
			return nil, r.Err()
		}
		val, err := t.vals.Read(r)
		if err != nil {
			return nil, r.Failf("%s %v: %v", t.name, key, err)
		}
		if r.Err() != nil {
			return nil, r.Err()
		}
		if _, dup := recs[key]; dup {
			return nil, r.Failf("%s %v: two records", t.name, key)
		}
		if krev == 0 || krev > rev {
			return nil, r.Failf("%s %v: revision %d beyond the store's %d", t.name, key, krev, rev)
		}
		recs[key] = Record[V]{Rev: krev, Value: val}
	}
	return func() { t.recs, t.changes = recs, t.changes[:0] }, nil
}
