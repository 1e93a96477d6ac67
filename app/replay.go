package app

import (
	"errors"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
)

// A replay builds the world of a scenario at a tick: from the newest of the
// session's snapshots at or before it that restores (a damaged one, or one
// of another scenario or engine, is passed over and counted), or from tick
// 0, then the commands up to that tick. It advances in slices, so that
// opening a long run (a link can ask for millions of ticks) happens between
// frames with progress and can be cancelled, never in one frozen frame.
type replay struct {
	w       *sim.World
	rest    []scenario.Timed // commands not yet applied, in tick order
	target  clock.Tick
	from    clock.Tick // where it started, for progress
	chunk   clock.Tick // ticks per slice, adapted to the budget
	skipped []error    // snapshots passed over, newest first
}

// startReplay restores or builds the world to replay from. Its trace goes
// to no sink while it replays: the page reads the kept trace when it
// installs the world (afterRebuild), so a replay aside never touches the
// page's log.
func startReplay(sc *scenario.Scenario, snaps []storage.Snapshot, cmds []scenario.Timed, t clock.Tick) (*replay, error) {
	base := sc.Clone()
	base.Commands, base.At = nil, 0
	r := &replay{target: t, chunk: 1}
	for i := len(snaps) - 1; i >= 0 && r.w == nil; i-- {
		s := snaps[i]
		if clock.Tick(s.Tick) > t {
			continue
		}
		w, err := sim.Restore(base, s.Data)
		if err == nil {
			if done := w.Commands(); len(done) > len(cmds) || !slices.Equal(done, cmds[:len(done)]) {
				err = errors.New("its commands are not the run's")
			}
		}
		if err != nil {
			r.skipped = append(r.skipped, fmt.Errorf("the snapshot at tick %d: %w", s.Tick, err))
			continue
		}
		r.w = w
	}
	if r.w == nil {
		w, err := sim.New(base)
		if err != nil {
			return nil, err
		}
		r.w = w
	}
	r.rest = slices.Clone(cmds[len(r.w.Commands()):])
	r.from = r.w.Now()
	return r, nil
}

// advance runs the replay on until it is done or more reports false
// (checked between slices); spent is the time taken so far, for adapting
// the slice. done is true when the world has reached the target, or has
// stopped (World.Halted).
func (r *replay) advance(more func() bool, spent func() float64, budget float64) (done bool, err error) {
	w := r.w
	for w.Halted() == nil {
		due := len(r.rest) > 0 && r.rest[0].At <= r.target // a command of the run up to the target is still to apply
		if w.Now() >= r.target && !due {
			break
		}
		if !more() {
			return false, nil
		}
		next := min(r.target, w.Now()+r.chunk)
		if len(r.rest) > 0 && r.rest[0].At <= next {
			next = r.rest[0].At
		}
		if err := w.RunTo(next); err != nil {
			if w.Halted() != nil {
				break // the run stops where it stopped when it ran; the page shows why
			}
			return false, err
		}
		for len(r.rest) > 0 && r.rest[0].At == w.Now() && w.Halted() == nil {
			if _, err := w.Apply(r.rest[0].Command); err != nil {
				return false, fmt.Errorf("replaying %s at t=%d: %w", r.rest[0].Command, r.rest[0].At, err)
			}
			r.rest = r.rest[1:]
		}
		switch s := spent(); {
		case s < budget/4 && r.chunk < 1<<20:
			r.chunk *= 2
		case s > budget && r.chunk > 1:
			r.chunk /= 2
		}
	}
	return true, nil
}

// finish is the replayed world and the commands after its tick (the kept
// future).
func (r *replay) finish() (*sim.World, []scenario.Timed) {
	future := slices.Clone(r.rest)
	return r.w, future
}

// progress is how far the replay has come: from, to, now.
func (r *replay) progress() (from, to, now clock.Tick) { return r.from, r.target, r.w.Now() }

// all runs a replay to its end at once (short ones: a time travel, tests).
func (r *replay) all() (*sim.World, []scenario.Timed, error) {
	if _, err := r.advance(func() bool { return true }, func() float64 { return 0 }, 1); err != nil {
		return nil, nil, err
	}
	w, future := r.finish()
	return w, future, nil
}
