package trace

import "github.com/cloudchamber/cloudchamber/core/clock"

// The store is a FIFO ring of the last Retention entries, as the original's
// trace sink: Seq numbers every entry ever ended (simulation and
// infrastructure alike) from 1, so a reader keeps a cursor and asks for what
// came after it. Queries return copies of the entries; the slices inside them
// are shared and read-only (see Entry).

func (t *Tracer) store(e *Entry) {
	if len(t.ring) < t.retention {
		if len(t.ring) == cap(t.ring) { // grow by doubling, but never past retention
			grown := make([]Entry, len(t.ring), min(max(2*cap(t.ring), 64), t.retention))
			copy(grown, t.ring)
			t.ring = grown
		}
		t.ring = append(t.ring, *e)
		return
	}
	t.ring[t.head] = *e
	t.head++
	if t.head == len(t.ring) {
		t.head = 0
	}
}

// at is the i-th oldest entry held.
func (t *Tracer) at(i int) *Entry {
	j := t.head + i
	if j >= len(t.ring) {
		j -= len(t.ring)
	}
	return &t.ring[j]
}

// Len is the number of entries held.
func (t *Tracer) Len() int { return len(t.ring) }

// LastSeq is the Seq of the newest entry (0 before the first).
func (t *Tracer) LastSeq() uint64 { return t.seq }

// FirstSeq is the Seq of the oldest entry held, or LastSeq()+1 when the store
// is empty, so FirstSeq()-1 is always a valid cursor for After.
func (t *Tracer) FirstSeq() uint64 { return t.seq - uint64(len(t.ring)) + 1 }

// After returns the entries with a Seq greater than seq, oldest first, at
// most limit of them (all if limit <= 0), and lastSeq, the cursor for the next
// call. missed says the caller lost entries: some after seq were aged out,
// or seq lies beyond the store's end (the tracer was restored from an earlier
// snapshot), in which case the caller should rebuild its view from lastSeq.
func (t *Tracer) After(seq uint64, limit int) (entries []Entry, lastSeq uint64, missed bool) {
	if seq > t.seq {
		return nil, t.seq, true
	}
	first := t.FirstSeq()
	missed = seq+1 < first
	from := seq + 1
	if missed {
		from = first
	}
	n := int(t.seq + 1 - from)
	if limit > 0 && n > limit {
		n = limit
	}
	if n == 0 {
		return nil, t.seq, missed
	}
	entries = make([]Entry, n)
	off := int(from - first)
	for k := range entries {
		entries[k] = *t.at(off + k)
	}
	return entries, entries[n-1].Seq, missed
}

// ByElement returns the newest entries whose impacts name element, newest
// first, at most limit of them (all if limit <= 0): a detail card's history.
func (t *Tracer) ByElement(element string, limit int) []Entry {
	var out []Entry
	for i := len(t.ring) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		e := t.at(i)
		for _, im := range e.Impacts {
			if im.Element == element {
				out = append(out, *e)
				break
			}
		}
	}
	return out
}

// ByTicks returns the entries whose [Start, End] overlaps [from, to], oldest
// first, at most limit of them (all if limit <= 0).
func (t *Tracer) ByTicks(from, to clock.Tick, limit int) []Entry {
	var out []Entry
	for i := 0; i < len(t.ring) && (limit <= 0 || len(out) < limit); i++ {
		if e := t.at(i); e.Start <= to && e.End >= from {
			out = append(out, *e)
		}
	}
	return out
}
