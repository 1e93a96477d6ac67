package app

import (
	"fmt"
	"math"
	"runtime"

	"github.com/cloudchamber/cloudchamber/core/clock"
)

// Runner drives the time of one Session: paused, measured (rate ticks per
// wall second), fastest (no-wait, as fast as frames allow), run to a tick,
// or a long step; the browser's frame loop calls Frame, which does the
// frame's share of that work within a time budget.
//
// It advances its session only through the session's own methods (step,
// runTo, nextAt), so the commands kept after a time travel apply at their
// ticks whichever way time runs. It does no browser I/O: wall times come
// in as arguments (milliseconds of the page's clock), so it is tested
// natively. It is used from the UI goroutine only.
type Runner struct {
	s *Session

	mode      Mode
	rate      int64      // ticks per wall second for ModeRun
	runFrom   clock.Tick // the tick and wall time (ms) a measured run started at
	runWall   float64
	target    clock.Tick // ModeRunTo, ModeStepN: where the long work ends
	workFrom  clock.Tick // where it started, for progress
	chunk     clock.Tick // ticks per slice of long work, adapted to the budget
	frameCost float64    // ms the last frame's simulation work took
	job       *runJob    // a run to a tick stopped mid-way at the end of a frame; nil when none
}

// runJob is a run of the session to a tick that may stop at the end of a
// frame's budget, in the middle of a tick (the bring-up of 50,000 blades
// is one tick of about 100,000 events): it runs on a goroutine of its own,
// and the world's yield (every yieldEvery events or records) parks it there
// once the frame's time is spent, until the next frame resumes it. The UI
// goroutine waits while it runs, so the two never run at once; while it is
// parked the page renders a world in the middle of a tick, and whatever
// changes the world finishes it first (Runner.finish). The run is the same
// events in the same order, so the trace hash is the same.
type runJob struct {
	deadline float64        // page time (ms) the job parks at, at its next yield
	clockMs  func() float64 // the page's clock
	resume   chan float64   // the UI goroutine resumes it with a new deadline
	parked   chan bool      // it parked (false) or finished (true)
	err      error          // what the run ended with
}

// yieldEvery is how many events or store records a page's world handles
// between two calls of its yield (sim.WithYield, World.SetYield), which
// looks at the page's clock: about a millisecond of a bring-up or of an
// import's build in Chromium, so that a frame overruns its budget, and an
// import's slice its importSliceMs, by little, and the garbage collector
// (which on wasm only runs when the simulation yields) finishes its
// cycles. A look at the clock costs about a microsecond.
const yieldEvery = 256

// advance runs the session to t, or resumes the run in hand (whose end is
// its own t), until it is done or the page's clock reads deadline: it
// reports whether it is done, and the run's error.
func (r *Runner) advance(t clock.Tick, deadline float64, clockMs func() float64) (bool, error) {
	j := r.job
	if j == nil {
		j = &runJob{deadline: deadline, clockMs: clockMs, resume: make(chan float64), parked: make(chan bool)}
		r.job = j
		r.s.pace = func() {
			if j.clockMs() < j.deadline {
				runtime.Gosched() // as without slices: the garbage collector runs here
				return
			}
			j.parked <- false
			j.deadline = <-j.resume
		}
		go func() {
			j.err = r.s.runTo(t)
			j.parked <- true
		}()
	} else {
		j.clockMs = clockMs
		j.resume <- deadline
	}
	if !<-j.parked {
		return false, nil
	}
	r.job, r.s.pace = nil, nil
	return true, j.err
}

// finish completes the run in hand, if any, at once: before anything
// changes or replaces the world, or takes the runner elsewhere.
func (r *Runner) finish() {
	if r.job == nil {
		return
	}
	if _, err := r.advance(0, math.Inf(1), r.job.clockMs); err != nil {
		r.s.fail(err)
		r.mode = ModePaused
	}
}

// Working reports whether a run stopped in the middle of a tick waits for
// the next frame.
func (r *Runner) Working() bool { return r.job != nil }

// Mode is what the frame loop is doing.
type Mode uint8

const (
	ModePaused  Mode = iota
	ModeRun          // the measured policy: rate ticks per wall second
	ModeFastest      // no-wait, as fast as frames allow
	ModeRunTo        // run to a tick as fast as frames allow
	ModeStepN        // a long step, in slices
)

var modeNames = [...]string{"paused", "running", "fastest", "running to tick", "stepping"}

func (m Mode) String() string { return modeNames[m] }

// newRunner drives s, paused.
func newRunner(s *Session) *Runner { return &Runner{s: s, chunk: 1} }

// stopped forgets the work in hand, without touching the world: its
// session has just installed a new world, which follows its scenario's
// policy.
func (r *Runner) stopped() { r.finish(); r.mode, r.chunk = ModePaused, 1 }

// Mode is what the frame loop does now.
func (r *Runner) Mode() Mode { return r.mode }

// Rate is the measured policy's rate, ticks per wall second.
func (r *Runner) Rate() int64 { return r.rate }

// FrameCost is the milliseconds the last frame spent simulating.
func (r *Runner) FrameCost() float64 { return r.frameCost }

// Progress reports long work: from, to and now (to = 0 when there is no end).
func (r *Runner) Progress() (from, to, now clock.Tick) {
	switch r.mode {
	case ModeRunTo, ModeStepN:
		return r.workFrom, r.target, r.s.World().Now()
	}
	return 0, 0, r.s.World().Now()
}

// Pause stops whatever runs; the world goes back to the manual policy.
func (r *Runner) Pause() {
	r.finish()
	if r.mode == ModePaused {
		return
	}
	r.mode = ModePaused
	r.s.fail(r.s.World().SetPolicy(clock.Manual, 0, -1))
	r.s.touch()
}

// Step advances n ticks. Up to a few hundred ticks it is done at once;
// more is a long step done in slices by Frame.
func (r *Runner) Step(n int64) error {
	if n < 1 {
		return r.s.fail(fmt.Errorf("step: the count must be at least 1, got %d", n))
	}
	r.Pause()
	if n <= 100 {
		return r.s.fail(r.s.step(n))
	}
	r.startLong(ModeStepN, r.s.World().Now()+clock.Tick(n))
	return nil
}

// RunTo runs as fast as frames allow until the clock reads t.
func (r *Runner) RunTo(t clock.Tick) error {
	if now := r.s.World().Now(); t <= now {
		return r.s.fail(fmt.Errorf("run to tick %d: the clock already reads %d", t, now))
	}
	r.Pause()
	r.startLong(ModeRunTo, t)
	return nil
}

func (r *Runner) startLong(m Mode, target clock.Tick) {
	r.finish()
	r.mode, r.target, r.workFrom, r.chunk = m, target, r.s.World().Now(), 1
	if err := r.s.World().SetPolicy(clock.NoWait, 0, -1); err != nil {
		r.s.fail(err)
	}
	r.s.touch()
}

// Run runs at rate ticks per wall second (the measured policy), from the
// wall time nowMs on.
func (r *Runner) Run(rate int64, nowMs float64) error {
	r.finish()
	if rate < 1 || rate > clock.RateMax {
		return r.s.fail(fmt.Errorf("rate must be 1 to %d ticks per second, got %d", clock.RateMax, rate))
	}
	if err := r.s.World().SetPolicy(clock.Measured, rate, -1); err != nil {
		return r.s.fail(err)
	}
	r.mode, r.rate, r.runFrom, r.runWall = ModeRun, rate, r.s.World().Now(), nowMs
	r.s.touch()
	return nil
}

// Fastest runs under no-wait, as fast as frames allow, until paused.
func (r *Runner) Fastest() error {
	r.Pause()
	if err := r.s.World().SetPolicy(clock.NoWait, 0, -1); err != nil {
		return r.s.fail(err)
	}
	r.mode, r.chunk = ModeFastest, 1
	r.s.touch()
	return nil
}

// Frame does the frame's share of work at wall time nowMs, spending at
// most budgetMs (measured with clockMs, the page's clock) on long work.
// A tick too large for the budget (a bring-up) is run in slices across
// frames (runJob): the frame ends with the world in the middle of the
// tick, and the next one goes on with it. It reports whether anything
// changed.
func (r *Runner) Frame(nowMs, budgetMs float64, clockMs func() float64) bool {
	s := r.s
	w := s.World()
	before := w.Status().Dispatched
	tick := w.Now()
	start := clockMs()
	deadline := start + budgetMs
	if r.job != nil {
		if _, err := r.advance(0, deadline, clockMs); err != nil {
			s.fail(err)
			r.Pause()
		}
	}
	switch {
	case r.job != nil:
		// Parked again: the frame's time is spent.
	case r.mode == ModeRun:
		want := r.runFrom + clock.Tick((nowMs-r.runWall)*float64(r.rate)/1000)
		for w.Now() < want && clockMs() < deadline {
			next := min(want, w.Now()+r.chunk)
			done, err := r.advance(next, deadline, clockMs)
			if err != nil {
				s.fail(err)
				r.mode = ModePaused
				break
			}
			if !done {
				break
			}
			r.adapt(clockMs()-start, budgetMs)
		}
		if w.Now() < want {
			// Behind: the simulation cannot keep this rate; carry on from
			// here rather than racing to catch up.
			r.runFrom, r.runWall = w.Now(), nowMs
		}
	case r.mode == ModeFastest:
		for clockMs() < deadline {
			next, ok := s.nextAt()
			if !ok {
				r.Pause()
				break
			}
			done, err := r.advance(next, deadline, clockMs)
			if err != nil {
				s.fail(err)
				r.Pause()
				break
			}
			if !done {
				break
			}
		}
	case r.mode == ModeRunTo, r.mode == ModeStepN:
		for w.Now() < r.target && clockMs() < deadline {
			next := min(r.target, w.Now()+r.chunk)
			done, err := r.advance(next, deadline, clockMs)
			if err != nil {
				s.fail(err)
				break
			}
			if !done {
				break
			}
			r.adapt(clockMs()-start, budgetMs)
		}
		if r.job == nil && w.Now() >= r.target {
			r.Pause()
		}
	}
	r.frameCost = clockMs() - start
	changed := w.Status().Dispatched != before || w.Now() != tick
	if changed {
		s.touch()
	}
	return changed
}

// adapt grows the slice while a frame has time left, and shrinks it when
// one slice takes most of the budget.
func (r *Runner) adapt(spent, budget float64) {
	switch {
	case spent < budget/4 && r.chunk < 1<<20:
		r.chunk *= 2
	case spent > budget && r.chunk > 1:
		r.chunk /= 2
	}
}
