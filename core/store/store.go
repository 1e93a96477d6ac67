// Package store keeps the records through which the services of the
// simulation talk, as etcd did for the original: one typed table per
// record kind (an element's target, what the monitor observed of it, what
// the hardware actually is, a blade's usage, a fault), each keyed by
// element number or blade index. Every write takes the next revision of the
// whole store, and watchers are told of changes in revision order, across
// tables.
//
// The hardware writes the actual records, the monitor the observations,
// the user and planners the targets, and each reacts to the others'
// changes through watches, not by reading each other's state.
//
// Delivery is explicit: a write queues its change, and Deliver (called by
// the simulation after each event) hands the queued changes to the watchers,
// including changes that watchers make while being told, until none are
// left. Nothing is delivered from inside a write, so a service never sees
// the store half-way through another service's step.
package store

// Store is the revision counter and delivery queue its tables share. It is
// not safe for concurrent use: the simulation is single-threaded.
type Store struct {
	rev      uint64
	tables   []table
	pending  []pending // every queued change, in revision order
	watching int       // watchers of all tables: with none, nothing is queued
	quiet    bool      // between Quiet and Baseline: nothing is queued

	pace      func() // SetPace's fn, called after every paceEvery-th write (nil: none)
	paceEvery uint64
}

// pending is a queued change: the i-th queued change of table t.
type pending struct {
	t table
	i int32
}

// New returns an empty store at revision 0, with no tables.
func New() *Store { return &Store{} }

// Rev is the revision of the latest write.
func (s *Store) Rev() uint64 { return s.rev }

// next takes the next revision.
func (s *Store) next() uint64 {
	s.rev++
	return s.rev
}

// SetPace has fn called after every `every` writes (every >= 1; a nil fn
// stops it), once the write is done and queued. fn must not use the store:
// it is for a caller on one thread (wasm) to yield there, so the garbage
// collector can finish its cycles while a long stretch of writes, such as
// the bring-up of 50,000 blades, runs without returning.
func (s *Store) SetPace(every uint64, fn func()) { s.pace, s.paceEvery = fn, max(every, 1) }

// wrote calls the pace function after every paceEvery-th revision.
func (s *Store) wrote() {
	if s.pace != nil && s.rev%s.paceEvery == 0 {
		s.pace()
	}
}

// Pending is the number of changes not yet delivered.
func (s *Store) Pending() int { return len(s.pending) }

// Baseline makes what the store holds the state every watcher starts
// from: the queued changes are dropped, not delivered, and writes queue
// their changes again after a Quiet. The simulation calls it once, after a
// fresh run has put its first records: the services read that first state
// when they start, as they read a restored snapshot's, rather than hear of
// it as changes.
func (s *Store) Baseline() {
	s.emptied()
	s.quiet = false
}

// Quiet stops writes from queueing changes until Baseline (which would
// drop them anyway), so a fresh run's first records (every element's,
// 100,000s of them at 50,000 blades) cost no queue. Writes still take
// revisions.
func (s *Store) Quiet() { s.quiet = true }

// Deliver tells the watchers of every queued change, of every table, in
// revision order; changes made by watchers meanwhile are delivered in the
// same call. The watchers of one change are told in the order they were
// added.
func (s *Store) Deliver() {
	for i := 0; i < len(s.pending); i++ {
		p := s.pending[i]
		p.t.deliver(p.i)
	}
	s.emptied()
}

// emptied empties the queues once their changes are delivered or dropped.
func (s *Store) emptied() {
	s.pending = s.pending[:0]
	if cap(s.pending) > queueKeepMax {
		s.pending = nil
	}
	for _, t := range s.tables {
		t.delivered()
	}
}

// queueKeepMax bounds the changes a queue keeps room for once emptied, so
// one burst (the bring-up of 50,000 blades queues over 100,000 cable
// changes: 9 MB) does not pin its size for the rest of the run.
const queueKeepMax = 4096
