package app

import (
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
)

// Time travel: the session snapshots the world every few ticks. Going
// back to tick T restores the nearest snapshot at or before T and replays
// the commands up to T; the commands after T are kept and re-applied at
// their ticks as time runs forward again, so back-then-forward gives the
// same run and the same hash. A new command at T drops that future.

// KeepSnapshots bounds the snapshots kept (the oldest go first, but the
// one at tick 0 is cheap to rebuild anyway).
const KeepSnapshots = 64

// SnapshotBytesMax bounds the bytes of the snapshots kept, so that a
// large world keeps fewer (50,000 blades take about 8 MB a snapshot: 64
// of them would hold 512 MB of a page whose wasm memory never shrinks);
// the two newest are kept whatever their size.
const SnapshotBytesMax = 64 << 20

// trimSnapshots drops the oldest of snaps (oldest first) until at most
// keep remain and they hold at most bytesMax bytes, or two remain.
func trimSnapshots(snaps []storage.Snapshot, keep, bytesMax int) []storage.Snapshot {
	n := 0
	for _, sn := range snaps {
		n += len(sn.Data)
	}
	drop := 0
	for len(snaps)-drop > keep || (n > bytesMax && len(snaps)-drop > 2) {
		n -= len(snaps[drop].Data)
		drop++
	}
	return slices.Delete(snaps, 0, drop)
}

// SessionSnapshots bounds the snapshots autosave writes: enough to resume
// and travel back a while, few enough to write often.
const SessionSnapshots = 8

// DefaultSnapshotEvery is the shortest default snapshot interval, in
// ticks.
const DefaultSnapshotEvery = 100

// snapshotBytesPerTick bounds, for the default interval, the snapshot
// bytes written per tick run: a snapshot costs the whole world (50,000
// blades: about 8 MB, and 0.3 s natively, 0.7 to 0.9 s in Chromium, in
// one piece), so a larger world is snapshotted less often, and running
// it costs what changes, not a share of its size. 64 and 1,000 blades
// keep DefaultSnapshotEvery; 50,000 take one every 1,000 ticks or so.
const snapshotBytesPerTick = 8 << 10

// SnapshotEvery is the snapshot interval in ticks.
//
// Unless the user chose one, it is DefaultSnapshotEvery, or for a large
// world as many ticks as keep the newest snapshot's bytes within
// snapshotBytesPerTick a tick.
func (s *Session) SnapshotEvery() clock.Tick {
	if s.snapEvery >= 1 {
		return s.snapEvery
	}
	every := clock.Tick(DefaultSnapshotEvery)
	if n := len(s.snaps); n > 0 {
		every = max(every, clock.Tick(len(s.snaps[n-1].Data)/snapshotBytesPerTick))
	}
	return every
}

// SetSnapshotEvery changes the snapshot interval (1 to 1,000,000 ticks).
func (s *Session) SetSnapshotEvery(n clock.Tick) error {
	if n < 1 || n > 1_000_000 {
		return s.fail(fmt.Errorf("snapshot interval must be 1 to 1000000 ticks, got %d", n))
	}
	s.snapEvery = n
	s.version++
	return nil
}

// Snapshots are the snapshots kept, oldest first.
func (s *Session) Snapshots() []storage.Snapshot { return s.snaps }

// Future are the commands after the current tick kept from before a
// time travel; they are re-applied as time reaches them.
func (s *Session) Future() []scenario.Timed { return s.future }

// Horizon is the furthest tick the slider reaches: the latest tick run so
// far, or the last future command.
func (s *Session) Horizon() clock.Tick {
	h := max(s.world.Now(), s.reached)
	if n := len(s.future); n > 0 {
		h = max(h, s.future[n-1].At)
	}
	return h
}

// maybeSnapshot takes a snapshot when the interval has passed since the
// last one.
func (s *Session) maybeSnapshot() { s.keepSnapshot(nil) }

// keepSnapshot is maybeSnapshot with taken, when not nil, the world's
// snapshot at its tick already taken (an import takes it in slices).
func (s *Session) keepSnapshot(taken []byte) {
	if s.world.Halted() != nil {
		return // a halted world is mid-tick; its session replays to the halt
	}
	now := s.world.Now()
	s.reached = max(s.reached, now)
	last := clock.Tick(-1)
	if n := len(s.snaps); n > 0 {
		last = clock.Tick(s.snaps[n-1].Tick)
	}
	if last >= 0 && now < last+s.SnapshotEvery() || now == last {
		return
	}
	if taken == nil {
		taken = s.world.Snapshot()
	}
	s.snaps = append(s.snaps, storage.Snapshot{Tick: int64(now), Data: taken})
	s.snaps = trimSnapshots(s.snaps, KeepSnapshots, SnapshotBytesMax)
}

// runTo advances to tick t, applying the kept future commands at their
// ticks on the way.
func (s *Session) runTo(t clock.Tick) error {
	for len(s.future) > 0 && s.future[0].At <= t {
		f := s.future[0]
		if err := s.world.RunTo(f.At); err != nil {
			return err
		}
		if _, err := s.world.Apply(f.Command); err != nil {
			return fmt.Errorf("replaying %s at t=%d: %w", f.Command, f.At, err)
		}
		s.future = s.future[1:]
	}
	err := s.world.RunTo(t)
	s.maybeSnapshot()
	return err
}

// step advances n ticks at once (a short step: Runner.Step), through the
// kept future if there is one.
func (s *Session) step(n int64) error {
	defer s.touch()
	if len(s.future) > 0 {
		return s.runTo(s.world.Now() + clock.Tick(n))
	}
	err := s.world.Step(n) // traced as a step
	s.maybeSnapshot()
	return err
}

// nextAt is the tick of the next thing to happen: the world's next event
// or the next kept future command, whichever comes first; false when
// there is neither.
func (s *Session) nextAt() (clock.Tick, bool) {
	next, ok := s.world.NextAt()
	if len(s.future) > 0 && (!ok || s.future[0].At <= next) {
		next, ok = max(s.future[0].At, s.world.Now()), true
	}
	return next, ok
}

// dropFuture forgets the commands and snapshots after now: a new command
// makes a new future.
func (s *Session) dropFuture() {
	now := s.world.Now()
	s.future = nil
	s.reached = now
	s.snaps = slices.DeleteFunc(s.snaps, func(sn storage.Snapshot) bool { return clock.Tick(sn.Tick) > now })
}

// rewind rebuilds the world at tick t, before now, from the nearest
// snapshot and the commands, keeping the later commands as the future.
// On error nothing changes.
func (s *Session) rewind(t clock.Tick) error {
	all := append(s.world.Commands(), s.future...)
	w, future, err := s.rebuild(s.sc, s.snaps, all, t)
	if err != nil {
		return err
	}
	s.future = future
	s.install(w)
	s.afterRebuild(w)
	return nil
}

// rebuild makes the world of sc at tick t from the newest of snaps (sc's
// own) at or before t that restores, or from tick 0, replaying the commands
// of cmds up to t, at once; it returns the later ones, the future. It
// touches nothing of the session: the world feeds the log once installed
// (afterRebuild).
func (s *Session) rebuild(sc *scenario.Scenario, snaps []storage.Snapshot, cmds []scenario.Timed, t clock.Tick) (*sim.World, []scenario.Timed, error) {
	r, err := startReplay(sc, snaps, cmds, t)
	if err != nil {
		return nil, nil, err
	}
	return r.all()
}

// prepare builds the world of sc (a scenario with its commands, at its
// tick) from scratch, without changing what the page shows.
func (s *Session) prepare(sc *scenario.Scenario) (*sim.World, []scenario.Timed, error) {
	return s.rebuild(sc, nil, sc.Commands, sc.At)
}

// HasHistory reports whether a reset would lose anything: time has run, a
// command was given, or a future is kept after a travel back.
func (s *Session) HasHistory() bool {
	return s.world.Now() > 0 || s.reached > 0 || len(s.world.Commands()) > 0 || len(s.future) > 0
}

// RunScenario is the run as far as it went: the scenario with the user's
// commands so far and, after a travel back, the kept future, at the
// furthest tick reached. Opened again, it replays all of it.
func (s *Session) RunScenario() *scenario.Scenario {
	sc := s.world.Scenario()
	if len(s.future) > 0 || s.reached > sc.At {
		sc.Commands = append(sc.Commands, s.future...)
		sc.At = s.Horizon()
	}
	return sc
}

// afterRebuild points the session's log at a rebuilt world: it starts from
// the world's own kept trace, and every rack is redrawn.
func (s *Session) afterRebuild(w *sim.World) {
	s.entries = s.entries[:0]
	for i := range s.lit {
		s.lit[i] = clock.Never
	}
	entries, _, _ := w.Trace().After(0, LogKeep)
	for i := range entries {
		s.sink(&entries[i])
	}
	w.Trace().SetSink(s.sink)
	s.version++
}

// Record is what autosave writes: the run as far as it went (with the
// future kept after a travel back, so a reload keeps it), the tick it is
// at, and the snapshots up to that tick.
//
// The scenario is given in pieces (storage.Session.ScenarioPieces), the
// inline inventory's JSON as the session keeps it, so that the record
// does not copy it (20 MB at 50,000 blades) into Go memory at every
// autosave.
func (s *Session) Record() (*storage.Session, error) {
	pieces, err := s.enc.Pieces(s.RunScenario())
	if err != nil {
		return nil, err
	}
	now := s.world.Now()
	var snaps []storage.Snapshot
	for _, sn := range s.snaps {
		if clock.Tick(sn.Tick) <= now {
			snaps = append(snaps, sn)
		}
	}
	if len(snaps) > SessionSnapshots {
		snaps = snaps[len(snaps)-SessionSnapshots:]
	}
	return &storage.Session{ScenarioPieces: pieces, Now: int64(now), Snapshots: snaps, SavedID: s.savedID, SavedRev: s.savedRev}, nil
}
