package app

import (
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
)

// Time travel: the controller snapshots the world every few ticks. Going
// back to tick T restores the nearest snapshot at or before T and replays
// the commands up to T; the commands after T are kept and re-applied at
// their ticks as time runs forward again, so back-then-forward gives the
// same run and the same hash. A new command at T drops that future.

// KeepSnapshots bounds the snapshots kept (the oldest go first, but the
// one at tick 0 is cheap to rebuild anyway).
const KeepSnapshots = 64

// SessionSnapshots bounds the snapshots autosave writes: enough to resume
// and travel back a while, few enough to write often.
const SessionSnapshots = 8

// DefaultSnapshotEvery is the snapshot interval in ticks.
const DefaultSnapshotEvery = 100

// SnapshotEvery is the snapshot interval in ticks.
func (c *Controller) SnapshotEvery() clock.Tick {
	if c.snapEvery < 1 {
		return DefaultSnapshotEvery
	}
	return c.snapEvery
}

// SetSnapshotEvery changes the snapshot interval.
func (c *Controller) SetSnapshotEvery(n clock.Tick) error {
	if n < 1 || n > 1_000_000 {
		return c.fail(fmt.Errorf("snapshot interval must be 1 to 1000000 ticks, got %d", n))
	}
	c.snapEvery = n
	c.version++
	return nil
}

// Snapshots are the snapshots kept, oldest first.
func (c *Controller) Snapshots() []storage.Snapshot { return c.snaps }

// Future are the commands after the current tick kept from before a
// time travel; they are re-applied as time reaches them.
func (c *Controller) Future() []scenario.Timed { return c.future }

// Horizon is the furthest tick the slider reaches: the latest tick run so
// far, or the last future command.
func (c *Controller) Horizon() clock.Tick {
	h := max(c.world.Now(), c.reached)
	if n := len(c.future); n > 0 {
		h = max(h, c.future[n-1].At)
	}
	return h
}

// maybeSnapshot takes a snapshot when the interval has passed since the
// last one.
func (c *Controller) maybeSnapshot() {
	if c.world.Halted() != nil {
		return // a halted world is mid-tick; its session replays to the halt
	}
	now := c.world.Now()
	c.reached = max(c.reached, now)
	last := clock.Tick(-1)
	if n := len(c.snaps); n > 0 {
		last = clock.Tick(c.snaps[n-1].Tick)
	}
	if last >= 0 && now < last+c.SnapshotEvery() || now == last {
		return
	}
	c.snaps = append(c.snaps, storage.Snapshot{Tick: int64(now), Data: c.world.Snapshot()})
	if len(c.snaps) > KeepSnapshots {
		c.snaps = slices.Delete(c.snaps, 0, len(c.snaps)-KeepSnapshots)
	}
}

// runTo advances to tick t, applying the kept future commands at their
// ticks on the way.
func (c *Controller) runTo(t clock.Tick) error {
	for len(c.future) > 0 && c.future[0].At <= t {
		f := c.future[0]
		if err := c.world.RunTo(f.At); err != nil {
			return err
		}
		if _, err := c.world.Apply(f.Command); err != nil {
			return fmt.Errorf("replaying %s at t=%d: %w", f.Command, f.At, err)
		}
		c.future = c.future[1:]
	}
	err := c.world.RunTo(t)
	c.maybeSnapshot()
	return err
}

// dropFuture forgets the commands and snapshots after now: a new command
// makes a new future.
func (c *Controller) dropFuture() {
	now := c.world.Now()
	c.future = nil
	c.reached = now
	c.snaps = slices.DeleteFunc(c.snaps, func(s storage.Snapshot) bool { return clock.Tick(s.Tick) > now })
}

// TravelTo moves the simulation to tick t, back or forward.
func (c *Controller) TravelTo(t clock.Tick) error {
	if t < 0 {
		return c.fail(fmt.Errorf("time travel: tick %d is before the start", t))
	}
	c.Pause()
	defer c.touch()
	if t >= c.world.Now() {
		return c.fail(c.runTo(t))
	}
	all := append(c.world.Commands(), c.future...)
	w, future, err := c.rebuild(c.sc, c.snaps, all, t)
	if err != nil {
		return c.fail(err)
	}
	c.future = future
	c.install(w)
	c.afterRebuild(w)
	return nil
}

// rebuild makes the world of sc at tick t from the newest of snaps (sc's
// own) at or before t that restores, or from tick 0, replaying the commands
// of cmds up to t, at once; it returns the later ones, the future. It
// touches nothing of the page: the world feeds the log once installed
// (afterRebuild).
func (c *Controller) rebuild(sc *scenario.Scenario, snaps []storage.Snapshot, cmds []scenario.Timed, t clock.Tick) (*sim.World, []scenario.Timed, error) {
	r, err := startReplay(sc, snaps, cmds, t)
	if err != nil {
		return nil, nil, err
	}
	return r.all()
}

// prepare builds the world of sc (a scenario with its commands, at its
// tick) from scratch, without changing what the page shows.
func (c *Controller) prepare(sc *scenario.Scenario) (*sim.World, []scenario.Timed, error) {
	return c.rebuild(sc, nil, sc.Commands, sc.At)
}

// openNew makes w, prepared from sc, the page's world: a new, unsaved
// session at sc's tick.
func (c *Controller) openNew(sc *scenario.Scenario, w *sim.World, future []scenario.Timed) {
	c.begin(sc, w, sessionFrom{future: future, reached: sc.At})
	if data, err := c.runJSON(); err == nil {
		c.savedSum = sha256.Sum256(data) // as opened: the link or built-in opens it again
	}
	c.maybeSnapshot()
}

// HasHistory reports whether a reset would lose anything: time has run, a
// command was given, or a future is kept after a travel back.
func (c *Controller) HasHistory() bool {
	return c.world.Now() > 0 || c.reached > 0 || len(c.world.Commands()) > 0 || len(c.future) > 0
}

// RunScenario is the run as far as it went: the scenario with the user's
// commands so far and, after a travel back, the kept future, at the
// furthest tick reached. Opened again, it replays all of it.
func (c *Controller) RunScenario() *scenario.Scenario {
	sc := c.world.Scenario()
	if len(c.future) > 0 || c.reached > sc.At {
		sc.Commands = append(sc.Commands, c.future...)
		sc.At = c.Horizon()
	}
	return sc
}

// afterRebuild points the page at a rebuilt world: its log starts from
// the world's own kept trace, every rack is redrawn.
func (c *Controller) afterRebuild(w *sim.World) {
	c.entries = c.entries[:0]
	for i := range c.lit {
		c.lit[i] = clock.Never
	}
	entries, _, _ := w.Trace().After(0, LogKeep)
	for i := range entries {
		c.sink(&entries[i])
	}
	w.Trace().SetSink(c.sink)
	c.version++
}

// Resume restores a saved session: the world at the session's tick, from
// its latest snapshot that restores, with the same state and trace hash as
// when it was saved, and the future it kept after a travel back. On error
// nothing changes.
func (c *Controller) Resume(s *storage.Session) error {
	_, err := c.resume(s)
	return err
}

// resume is Resume, and says which snapshots it passed over (damaged, or
// not of this run) and replayed instead.
func (c *Controller) resume(s *storage.Session) (skipped []error, err error) {
	sc, err := scenario.Parse("session", s.Scenario)
	if err != nil {
		return nil, err
	}
	now := clock.Tick(s.Now)
	if s.Now < 0 || now > sc.At {
		now = sc.At
	}
	r, err := startReplay(sc, s.Snapshots, sc.Commands, now)
	if err != nil {
		return nil, err
	}
	w, future, err := r.all()
	if err != nil {
		return r.skipped, err
	}
	var snaps []storage.Snapshot
	if len(r.skipped) == 0 {
		snaps = s.Snapshots
	}
	c.begin(sc, w, sessionFrom{snaps: snaps, future: future, reached: sc.At, savedID: s.SavedID, savedRev: s.SavedRev})
	return r.skipped, nil
}

// resumeSafely is resume that turns a panic (a bug, met with data no check
// refused) into an error, so that a saved session can never crash the page
// on every load.
func (c *Controller) resumeSafely(s *storage.Session) (skipped []error, err error) {
	defer func() {
		if p := recover(); p != nil {
			skipped, err = nil, fmt.Errorf("replaying it failed (%v)", p)
		}
	}()
	return c.resume(s)
}

// Session is what autosave writes: the run as far as it went (with the
// future kept after a travel back, so a reload keeps it), the tick it is
// at, and the snapshots up to that tick.
func (c *Controller) Session() (*storage.Session, error) {
	data, err := scenario.Marshal(c.RunScenario())
	if err != nil {
		return nil, err
	}
	now := c.world.Now()
	var snaps []storage.Snapshot
	for _, s := range c.snaps {
		if clock.Tick(s.Tick) <= now {
			snaps = append(snaps, s)
		}
	}
	if len(snaps) > SessionSnapshots {
		snaps = snaps[len(snaps)-SessionSnapshots:]
	}
	return &storage.Session{Scenario: data, Now: int64(now), Snapshots: snaps, SavedID: c.savedID, SavedRev: c.savedRev}, nil
}
