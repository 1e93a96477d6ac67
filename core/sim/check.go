package sim

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
)

// CheckInvariants verifies the world against itself, as a state checker
// does between steps: every queued event is one its subsystem can run,
// every element's actual, target and observed records are what the
// hardware and the services hold (the checks a restored snapshot passes),
// and the workload manager's books add up (workload.Manager's
// CheckInvariants). It reports the first disagreement; nil means none.
// It costs a pass over every element, instance and queued event.
func (w *World) CheckInvariants() error {
	if err := w.checkRestored(w.env.Now); err != nil {
		return err
	}
	if c := w.ctl; c != nil && c.Workloads != nil {
		if err := c.Workloads.CheckInvariants(); err != nil {
			return fmt.Errorf("workloads: %w", err)
		}
	}
	return nil
}

// WithChecks has the world check its invariants (CheckInvariants) after
// every command it runs and after every event it dispatches (every is 1)
// or every every-th event (a check is a pass over the whole world, so a
// big one is checked at a stride), and call fail with what it was doing
// and the error at the first violation; the world then stops checking.
// For tests: it makes a run several times slower.
func WithChecks(every uint64, fail func(after string, err error)) Option {
	return func(w *World) { w.fail, w.checkEvery = fail, max(every, 1) }
}

// check runs the invariant checks of WithChecks, if any.
func (w *World) check(after func() string) {
	if w.fail == nil {
		return
	}
	w.checkSkip++
	if w.checkSkip < w.checkEvery {
		return
	}
	w.checkSkip = 0
	if err := w.CheckInvariants(); err != nil {
		fail := w.fail
		w.fail = nil
		fail(after(), err)
	}
}

func afterEvent(at clock.Tick, ev clock.Event) func() string {
	return func() string { return fmt.Sprintf("event %v at t=%d", ev, at) }
}
