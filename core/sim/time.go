package sim

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/trace"
)

// Stepping is traced as infrastructure: it is how time was advanced, not
// what happened, so it stays out of the trace hash.

// Step advances n ticks (manual or no-wait policy).
func (w *World) Step(n int64) error {
	if n < 1 {
		return fmt.Errorf("step: n must be >= 1, got %d", n)
	}
	if err := w.stepper.CheckStep(); err != nil {
		return err
	}
	target := w.env.Now + clock.Tick(n)
	w.traceStep(msgStep, trace.Int(n), trace.Int(target))
	return w.RunTo(target)
}

// RunUntil advances to tick t (manual or no-wait policy).
func (w *World) RunUntil(t clock.Tick) error {
	if err := w.stepper.CheckStep(); err != nil {
		return err
	}
	if t < w.env.Now {
		return fmt.Errorf("run until t=%d: the clock already reads t=%d", t, w.env.Now)
	}
	w.traceStep(msgRunUntil, trace.Int(t))
	return w.RunTo(t)
}

// RunNext jumps to the tick of the next pending event or script command
// and handles everything due then (the no-wait policy's step). It reports
// false when nothing is pending.
func (w *World) RunNext() (bool, error) {
	if err := w.stepper.CheckStep(); err != nil {
		return false, err
	}
	next, ok := w.queue.Next()
	if w.next < len(w.script) && (!ok || w.script[w.next].At < next) {
		next, ok = w.script[w.next].At, true
	}
	if !ok {
		return false, nil
	}
	if next < w.env.Now {
		next = w.env.Now
	}
	return true, w.RunTo(next)
}

// AdvanceTo is the measured policy's advance: the host, which owns the
// wall clock, moves time to tick t under the policy epoch it started with.
// An advance decided under an older policy is refused.
func (w *World) AdvanceTo(t clock.Tick, epoch int64) error {
	if err := w.stepper.CheckAdvance(epoch); err != nil {
		return err
	}
	if t < w.env.Now {
		return nil // a late frame: time never runs back
	}
	return w.RunTo(t)
}

// SetPolicy changes the time policy (match-or-force on the epoch: a
// negative matchEpoch forces).
func (w *World) SetPolicy(p clock.Policy, rate, matchEpoch int64) error {
	if err := w.stepper.SetPolicy(p, rate, matchEpoch); err != nil {
		return err
	}
	if p == clock.Measured {
		w.traceStep(msgPolicyRate, trace.Str(p.String()), trace.Int(rate), trace.Int(w.stepper.Epoch()))
	} else {
		w.traceStep(msgPolicy, trace.Str(p.String()), trace.Int(w.stepper.Epoch()))
	}
	return nil
}

func (w *World) traceStep(name trace.Msg, args ...trace.Arg) {
	sp := w.env.Trace.StartInfraMsg(w.env.Now, name, args...)
	sp.End()
}

// Reset restarts the scenario at tick 0 with no user commands: a new
// world, as New would build it, under the current policy.
func (w *World) Reset() (*World, error) {
	sc := w.base.Clone()
	sc.Policy, sc.Rate = w.stepper.Policy(), w.stepper.Rate()
	return New(sc)
}

// NextAt is the tick of the next pending event or script command.
func (w *World) NextAt() (clock.Tick, bool) {
	next, ok := w.queue.Next()
	if w.next < len(w.script) && (!ok || w.script[w.next].At < next) {
		next, ok = w.script[w.next].At, true
	}
	return next, ok
}
