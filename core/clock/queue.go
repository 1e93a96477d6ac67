package clock

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/snap"
)

// Queue holds the pending events in the order they will run: by tick, then
// by the sequence number given when each was scheduled. Equal ticks
// therefore run first-scheduled first, on every platform.
//
// It is a 4-ary min-heap of values (no pointers to chase); cancelled events
// are dropped lazily when they reach the top.
type Queue struct {
	items     []item
	seq       uint64              // last sequence number given
	cancelled map[uint64]struct{} // sequence numbers of cancelled, still queued events
}

type item struct {
	at  Tick
	seq uint64
	ev  Event
}

func (a *item) before(b *item) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// NewQueue returns an empty queue.
func NewQueue() *Queue { return &Queue{cancelled: map[uint64]struct{}{}} }

// Push schedules ev at tick at and returns its sequence number, which is
// also the handle to Cancel it.
func (q *Queue) Push(at Tick, ev Event) uint64 {
	q.seq++
	q.items = append(q.items, item{at: at, seq: q.seq, ev: ev})
	q.up(len(q.items) - 1)
	return q.seq
}

// Cancel removes a scheduled event. Cancelling one that already ran or was
// cancelled is a no-op and reports false.
func (q *Queue) Cancel(seq uint64) bool {
	if seq == 0 || seq > q.seq {
		return false
	}
	if _, done := q.cancelled[seq]; done {
		return false
	}
	for i := range q.items { // rare (timers cancelled by a state change), so a scan is fine
		if q.items[i].seq == seq {
			q.cancelled[seq] = struct{}{}
			return true
		}
	}
	return false
}

// Len is the number of pending (not cancelled) events.
func (q *Queue) Len() int { return len(q.items) - len(q.cancelled) }

// Next returns the tick of the earliest pending event.
func (q *Queue) Next() (Tick, bool) {
	q.dropCancelled()
	if len(q.items) == 0 {
		return Never, false
	}
	return q.items[0].at, true
}

// PopDue removes and returns the earliest event if it is due at or before now.
func (q *Queue) PopDue(now Tick) (at Tick, seq uint64, ev Event, ok bool) {
	q.dropCancelled()
	if len(q.items) == 0 || q.items[0].at > now {
		return Never, 0, Event{}, false
	}
	it := q.pop()
	return it.at, it.seq, it.ev, true
}

func (q *Queue) dropCancelled() {
	for len(q.cancelled) > 0 && len(q.items) > 0 {
		if _, c := q.cancelled[q.items[0].seq]; !c {
			return
		}
		delete(q.cancelled, q.items[0].seq)
		q.pop()
	}
}

func (q *Queue) pop() item {
	top := q.take()
	if n := len(q.items); cap(q.items) > queueShrinkMin && n < cap(q.items)/4 {
		q.items = append(make([]item, 0, 2*n), q.items...)
	}
	return top
}

// take removes and returns the earliest item (the heap must not be empty).
func (q *Queue) take() item {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	if last > 0 {
		q.down(0)
	}
	return top
}

// queueShrinkMin is the capacity past which a queue that has emptied to a
// quarter of it moves into half the room: a bring-up of 50,000 blades
// queues 150,000 events at once (8 MB), then runs on about 40,000.
const queueShrinkMin = 4096

const arity = 4

func (q *Queue) up(i int) {
	it := q.items[i]
	for i > 0 {
		p := (i - 1) / arity
		if !it.before(&q.items[p]) {
			break
		}
		q.items[i] = q.items[p]
		i = p
	}
	q.items[i] = it
}

func (q *Queue) down(i int) {
	n := len(q.items)
	it := q.items[i]
	for {
		first := arity*i + 1
		if first >= n {
			break
		}
		best := first
		for c := first + 1; c < first+arity && c < n; c++ {
			if q.items[c].before(&q.items[best]) {
				best = c
			}
		}
		if !q.items[best].before(&it) {
			break
		}
		q.items[i] = q.items[best]
		i = best
	}
	q.items[i] = it
}

// Pending returns the pending events in run order (a copy, for display and tests).
func (q *Queue) Pending() []Scheduled {
	out := make([]Scheduled, 0, q.Len())
	for _, it := range q.sorted() {
		out = append(out, Scheduled{At: it.at, Seq: it.seq, Event: it.ev})
	}
	return out
}

// Scheduled is a pending event with its place in the order.
type Scheduled struct {
	At  Tick
	Seq uint64
	Event
}

func (q *Queue) sorted() []item {
	out := make([]item, 0, len(q.items))
	for _, it := range q.items {
		if _, c := q.cancelled[it.seq]; !c {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b item) int {
		if a.before(&b) {
			return -1
		}
		return 1
	})
	return out
}

// MarshalSnapshot writes the pending events in run order and the sequence
// counter; cancelled events are left out, so equal queues write equal bytes.
// The events come in run order from a copy of the heap, taken from it one
// at a time as they are written, rather than sorted first: the work is
// the same (n log n), but spread through the writing, so a writer that
// paces (snap.Writer.SetPace) paces it too (150,000 events queued by a
// bring-up of 50,000 blades took 24 ms to sort natively, with no pace).
func (q *Queue) MarshalSnapshot(w *snap.Writer) {
	w.Section("queue", 1)
	w.Uint(q.seq)
	h := Queue{items: make([]item, 0, q.Len())}
	for _, it := range q.items {
		if _, c := q.cancelled[it.seq]; !c {
			h.items = append(h.items, it)
		}
	}
	if len(h.items) < len(q.items) && len(h.items) > 1 { // gaps left by cancelled events: heap order anew
		for i := (len(h.items) - 2) / arity; i >= 0; i-- {
			h.down(i)
		}
	}
	w.Uint(uint64(len(h.items)))
	for len(h.items) > 0 {
		it := h.take() // the copy is not shrunk as it empties: it goes once written
		w.Int(int64(it.at))
		w.Uint(it.seq)
		it.ev.marshal(w)
	}
}

// UnmarshalSnapshot replaces the queue's contents with a snapshot's.
func (q *Queue) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("queue", 1)
	seq := r.Uint()
	n := r.Len(1 << 28)
	items := make([]item, 0, n)
	for range n {
		var it item
		it.at = Tick(r.Int())
		it.seq = r.Uint()
		it.ev.unmarshal(r)
		if r.Err() != nil {
			return r.Err()
		}
		if it.seq == 0 || it.seq > seq {
			return r.Failf("queued event has sequence %d beyond the counter %d", it.seq, seq)
		}
		if len(items) > 0 && !items[len(items)-1].before(&it) {
			return r.Failf("queued events out of order at sequence %d", it.seq)
		}
		items = append(items, it)
	}
	if r.Err() != nil {
		return r.Err()
	}
	q.seq, q.items = seq, items // sorted order is a valid heap
	clear(q.cancelled)
	return nil
}

// check verifies the heap property (tests).
func (q *Queue) check() error {
	for i := 1; i < len(q.items); i++ {
		if q.items[i].before(&q.items[(i-1)/arity]) {
			return fmt.Errorf("heap order broken at %d", i)
		}
	}
	for seq := range maps.Keys(q.cancelled) {
		if !slices.ContainsFunc(q.items, func(it item) bool { return it.seq == seq }) {
			return fmt.Errorf("cancelled %d is not queued", seq)
		}
	}
	return nil
}
