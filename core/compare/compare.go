// Package compare runs variants of one scenario side by side, in
// lockstep: every variant starts from the same scenario, every command is
// applied to all of them at the same tick, and they advance together, so
// whatever differs between them comes from their overrides. It watches
// their traces for the first divergent decision: the first simulation
// entry, in the order entries end, whose canonical form (what the trace
// hash covers: the decision's code, arguments, reason and impacts) is not
// the same in every variant. Up to there the runs are the same run; from
// there on they are not, and that entry says where and why.
package compare

import (
	"bytes"
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/variant"
)

// VariantsMax is the most variants compared at once: what a page shows
// side by side.
const VariantsMax = 4

// Run is a comparison: one world per variant, at the same tick.
type Run struct {
	variants []variant.Variant
	worlds   []*sim.World
	watch    *watch
}

// New builds a world for every variant of base (2 to VariantsMax, names
// unique) and brings them all to the same tick. opts apply to every world
// (a trace sink given here would be shared by all: give none). Errors name
// the variant.
func New(base *scenario.Scenario, variants []variant.Variant, opts ...sim.Option) (*Run, error) {
	if len(variants) < 2 || len(variants) > VariantsMax {
		return nil, fmt.Errorf("compare: 2 to %d variants, got %d", VariantsMax, len(variants))
	}
	if err := variant.CheckNames(variants); err != nil {
		return nil, err
	}
	r := &Run{variants: variants, watch: newWatch(len(variants))}
	for i := range variants {
		sc, err := variants[i].Apply(base)
		if err != nil {
			return nil, fmt.Errorf("variants[%d] (%s): %w", i, variants[i].Name, err)
		}
		wopts := append(append([]sim.Option(nil), opts...), sim.WithTraceSink(r.watch.sink(i)))
		w, err := sim.New(sc, wopts...)
		if err != nil {
			return nil, fmt.Errorf("variants[%d] (%s): %w", i, variants[i].Name, err)
		}
		r.worlds = append(r.worlds, w)
	}
	r.watch.match(true)
	if err := r.level(); err != nil {
		return nil, err
	}
	return r, nil
}

// Variants are the variants, in order.
func (r *Run) Variants() []variant.Variant { return r.variants }

// Worlds are the variants' worlds, in order. Read them; change them only
// through the Run, which keeps them in step.
func (r *Run) Worlds() []*sim.World { return r.worlds }

// Now is the tick every world is at.
func (r *Run) Now() clock.Tick { return r.worlds[0].Now() }

// level checks every world stands at the same tick, as a comparison
// relies on.
func (r *Run) level() error {
	for i, w := range r.worlds {
		if w.Now() != r.worlds[0].Now() {
			return fmt.Errorf("compare: %s is at t=%d, %s at t=%d", r.variants[i].Name, w.Now(), r.variants[0].Name, r.worlds[0].Now())
		}
	}
	return nil
}

// each calls fn for every world in turn, then compares what they traced.
// The first error stops it, naming the variant; the worlds before it have
// moved and the others have not, so a Run with an error is to be dropped
// (as a world that halted is).
func (r *Run) each(fn func(*sim.World) error) error {
	for i, w := range r.worlds {
		if err := fn(w); err != nil {
			return fmt.Errorf("%s: %w", r.variants[i].Name, err)
		}
		r.watch.match(false)
	}
	r.watch.match(true)
	return r.level()
}

// watchSlice is how far RunUntil and Step advance the worlds in turn
// before matching what they traced, so the entries held are those of a
// slice of ticks, not of the whole advance (a travel replays thousands of
// ticks in one call).
const watchSlice clock.Tick = 1024

// RunUntil advances every world to tick t.
func (r *Run) RunUntil(t clock.Tick) error {
	return r.sliced(t, func(w *sim.World) error { return w.RunUntil(t) })
}

// Step advances every world n ticks.
func (r *Run) Step(n int64) error {
	if n < 1 {
		return r.each(func(w *sim.World) error { return w.Step(n) })
	}
	target := r.Now() + clock.Tick(n)
	return r.sliced(target, func(w *sim.World) error { return w.Step(int64(target - w.Now())) })
}

// sliced advances every world towards t a watchSlice at a time while the
// watch is on, matching as it goes (but not as level: the worlds have not
// made the same calls as one advance yet, so an entry only some have is
// not yet a divergence), then makes the last call, last, through each.
// The divergence found is the one a single advance finds; only the
// infrastructure trace (not hashed) records the slices.
func (r *Run) sliced(t clock.Tick, last func(*sim.World) error) error {
	for r.watch.div == nil && t > r.Now()+watchSlice {
		next := r.Now() + watchSlice
		for i, w := range r.worlds {
			if err := w.RunUntil(next); err != nil {
				return fmt.Errorf("%s: %w", r.variants[i].Name, err)
			}
			r.watch.match(false)
		}
		if err := r.level(); err != nil {
			return err
		}
	}
	return r.each(last)
}

// SetPolicy sets every world's time policy.
func (r *Run) SetPolicy(p clock.Policy, rate, matchEpoch int64) error {
	return r.each(func(w *sim.World) error { return w.SetPolicy(p, rate, matchEpoch) })
}

// Outcome is what one variant made of a command.
type Outcome struct {
	Reply hardware.Reply
	Err   error
}

// Apply applies a user command to every world at the current tick and
// returns each variant's outcome, in order. A command can succeed in one
// variant and fail in another (the element it names may already be broken
// there); a command no variant takes (malformed, or naming no element)
// returns that error.
func (r *Run) Apply(c scenario.Command) ([]Outcome, error) {
	out := make([]Outcome, len(r.worlds))
	failed := 0
	for i, w := range r.worlds {
		out[i].Reply, out[i].Err = w.Apply(c)
		if out[i].Err != nil {
			failed++
		}
		r.watch.match(false)
	}
	r.watch.match(true)
	if failed == len(out) {
		return out, out[0].Err
	}
	return out, nil
}

// Divergence is the first decision where the variants part.
type Divergence struct {
	// Index counts the simulation entries the variants share before it.
	Index uint64
	// Tick is the earliest start among the divergent entries: when the
	// first of them began to decide.
	Tick clock.Tick
	// Entries are each variant's entry at Index, in order; a variant
	// whose trace had ended there (it had no such entry yet) has a zero
	// Entry and Missing set.
	Entries []trace.Entry
	Missing []bool
}

// Divergence is the first divergent decision, nil while every variant has
// decided the same so far.
func (r *Run) Divergence() *Divergence { return r.watch.div }

// watch matches the variants' simulation entries one by one as they end.
// Memory: the entries a world has traced beyond the slowest one, which
// each advance matches away (a comparison advances every world by the
// same call), and none once a divergence is found.
type watch struct {
	pending [][]trace.Entry // per world: simulation entries not yet matched
	peak    int             // the most entries pending for one world (tests)
	matched uint64
	div     *Divergence
	a, b    []byte // canonical forms, reused
}

func newWatch(n int) *watch { return &watch{pending: make([][]trace.Entry, n)} }

// sink is world i's trace sink: it queues the simulation entries.
func (m *watch) sink(i int) func(*trace.Entry) {
	return func(e *trace.Entry) {
		if m.div == nil && !e.Infra {
			m.pending[i] = append(m.pending[i], *e)
			m.peak = max(m.peak, len(m.pending[i]))
		}
	}
}

// match compares the entries every world has, in order, and drops them;
// at the first difference it records the divergence and stops watching.
// level says every world has done the same calls (they stand at one tick
// with no span open): an entry one world has and another has not is then
// a divergence too.
func (m *watch) match(level bool) {
	if m.div != nil {
		return
	}
	n := len(m.pending[0])
	for _, p := range m.pending[1:] {
		n = min(n, len(p))
	}
	for k := range n {
		m.a = trace.AppendCanonical(m.a[:0], &m.pending[0][k])
		for _, p := range m.pending[1:] {
			m.b = trace.AppendCanonical(m.b[:0], &p[k])
			if !bytes.Equal(m.a, m.b) {
				m.diverged(k)
				return
			}
		}
	}
	if level {
		for _, p := range m.pending {
			if len(p) > n {
				m.diverged(n)
				return
			}
		}
	}
	m.matched += uint64(n)
	for i, p := range m.pending {
		m.pending[i] = append(p[:0], p[n:]...)
	}
}

// diverged records the divergence at the k-th pending entry.
func (m *watch) diverged(k int) {
	d := &Divergence{Index: m.matched + uint64(k), Entries: make([]trace.Entry, len(m.pending)), Missing: make([]bool, len(m.pending))}
	first := true
	for i, p := range m.pending {
		if k >= len(p) {
			d.Missing[i] = true
			continue
		}
		d.Entries[i] = p[k]
		if first || p[k].Start < d.Tick {
			d.Tick, first = p[k].Start, false
		}
	}
	m.div = d
	m.pending = nil
}
