package trace

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/rng"
)

// all is every entry the store holds, oldest first, canonical (see canon).
func all(tr *Tracer) []Entry {
	es, _, _ := tr.After(0, 0)
	return canon(es)
}

// canon gives every message of the entries arguments of its own, so that
// require.Equal compares what the messages say rather than which slab
// their arguments share.
func canon(es []Entry) []Entry {
	if es == nil {
		return nil
	}
	out := make([]Entry, len(es))
	own := func(m Message) Message { return NewMessage(m.Code(), m.Args()...) }
	for i, e := range es {
		e.Name, e.Reason = own(e.Name), own(e.Reason)
		if e.Events != nil {
			evs := make([]Event, len(e.Events))
			for j, ev := range e.Events {
				ev.Text = own(ev.Text)
				evs[j] = ev
			}
			e.Events = evs
		}
		out[i] = e
	}
	return out
}

// simOnlyEntries drops infrastructure entries and what infrastructure can
// change in the rest (Seq, and links to infrastructure requests).
func simOnlyEntries(es []Entry) []Entry {
	var out []Entry
	for _, e := range es {
		if e.Infra {
			continue
		}
		e.Seq = 0
		if e.Link.IsInfra() {
			e.Link = 0
		}
		out = append(out, e)
	}
	return out
}

// workload drives a tracer as the simulation will: each step is one tick
// with a few blade transitions (with children and requests to TORs), the
// answers to the previous tick's requests, and, when infra is set, the
// stepper's and monitor's infrastructure spans interleaved. Everything it
// carries between steps is in pending, so a test can snapshot it.
type workload struct {
	seed    uint64
	infra   bool
	pending []LinkID // requests made at the previous tick, answered at the next
}

func (w *workload) run(tr *Tracer, from, to int) {
	for step := from; step < to; step++ {
		w.step(tr, clock.Tick(step))
	}
}

func (w *workload) step(tr *Tracer, now clock.Tick) {
	r := rng.New(w.seed, uint64(now)) // a stream per tick: nothing to carry across a snapshot
	var fire LinkID                   // the stepper's request that fires this tick's timers
	if w.infra {
		st := tr.StartInfra(now, "step")
		st.Reasonf("policy manual, step to %d", now)
		poll := st.Child(now, "poll health")
		poll.Impact(Read, "region1/zone1/rack1/tor/0")
		own := rng.New(w.seed, 1<<32|uint64(now)) // its own stream, so it never shifts the simulation's
		poll.Debugf(now, "%d blades answered", own.Range(60, 64))
		poll.End()
		fire = st.Link(now, "fire timers")
		st.End()
	}
	for _, l := range w.pending {
		a := tr.StartLinked(now, "tor: connect port", l)
		a.Reason("the blade asked for a network connection")
		a.Infof(now, "port connected")
		a.Impact(Modify, "region1/zone1/rack1/tor/0")
		a.End()
	}
	w.pending = w.pending[:0]
	for range r.Range(1, 3) {
		blade := r.Range(0, 7)
		elem := fmt.Sprintf("region1/zone1/rack1/blade/%d", blade)
		var s *Span
		if w.infra {
			s = tr.StartLinked(now, "blade transition", fire)
		} else {
			s = tr.Start(now, "blade transition")
		}
		s.Reasonf("blade %d timer fired", blade)
		s.Infof(now, "booting -> working")
		s.Impact(Modify, elem)
		if r.Range(0, 2) == 0 {
			c := s.Child(now, "draw power")
			c.Impact(Execute, "region1/zone1/rack1/pdu/0")
			if r.Range(0, 3) == 0 {
				c.Warnf(now, "PDU load %d%%", r.Range(80, 99))
			}
			c.End()
		}
		if r.Range(0, 2) == 0 {
			w.pending = append(w.pending, s.Link(now, "connect port"))
		}
		s.End()
	}
}

func clockTick(v int64) clock.Tick { return clock.Tick(v) }
