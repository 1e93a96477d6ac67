package app

import (
	"runtime"
	"slices"

	"github.com/cloudchamber/cloudchamber/app/clustermap"
	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sha256"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Session is one run of a scenario in the page: its world, the snapshots
// taken for time travel and the commands kept after a travel back (the
// future), the library entry it belongs to (for autosave and the library),
// and what the page shows of it: the newest trace entries for the log, a
// change counter per rack, the tick each control-plane service was last
// seen acting, the last error.
//
// Its fields are of two kinds (TestSessionFieldsAreClassified keeps the
// list): the run's, which begin sets afresh for every new session so that
// nothing of one leaks into the next, and those that outlive a run (the
// snapshot interval the user chose, the change counters, which only grow).
// A Runner drives its time. It is used from the UI goroutine only.
type Session struct {
	sc    *scenario.Scenario // the scenario as loaded (no user commands)
	world *sim.World
	enc   scenario.Encoder // the run's canonical JSON (autosave, the unsaved check) without re-encoding its inline inventory

	snapEvery clock.Tick         // snapshot interval (0: the default)
	snaps     []storage.Snapshot // snapshots of this run, oldest first
	future    []scenario.Timed   // commands after now kept from before a time travel
	reached   clock.Tick         // the furthest tick run
	savedID   string             // the library entry this session came from
	savedRev  int64
	savedSum  [32]byte // the SHA-256 of the run as it can be opened again: its library entry, or the link or built-in it came from (zero: nowhere)

	begun    uint64           // runs begun (begin): the page's view state belongs to one
	version  uint64           // bumped by every change anything renders
	rackVer  []uint64         // by rack: bumped when an element of the rack changed
	rackGen  uint64           // bumped with every new world, so no rack keeps an old version
	mapDirty clustermap.Dirty // the blades whose cell on the cluster map may have changed (everything, for a new world)
	entries  []*trace.Entry
	entrySeq uint64                   // trace entries seen
	simSeq   uint64                   // simulation (not infrastructure) entries seen
	lit      [serviceCount]clock.Tick // the tick each control-plane service was last seen in the trace
	err      string                   // the last error to show
	pace     func()                   // what the world's yield does while the Runner slices its work (nil: let the GC run)
	zones    *zoneIndex               // the world's zones and their racks, made for the world of rackGen (view.go)
}

// LogKeep is how many trace entries the page keeps for the log.
const LogKeep = 4000

// sessionFrom is what a new session takes over from where it comes from
// (a saved session, a library entry): nothing else of the page's previous
// session.
type sessionFrom struct {
	snaps    []storage.Snapshot
	future   []scenario.Timed
	reached  clock.Tick
	savedID  string
	savedRev int64
	savedSum [32]byte
	enc      *scenario.Encoder // holding the JSON of the run's inline inventory, if an import encoded it (nil: none)
}

// begin makes w, built from sc, the session's world as a new run: every
// field of the run is set here, from sc, w and from, and from nothing the
// session held before (a link once replayed from the snapshots of the
// session it replaced, into the wrong hash).
func (s *Session) begin(sc *scenario.Scenario, w *sim.World, from sessionFrom) {
	s.begun++
	s.sc = sc.Clone()
	switch {
	case from.enc != nil:
		s.enc = *from.enc
	case !s.enc.Holds(sc.Inventory.Definition): // a reset keeps it
		s.enc = scenario.Encoder{} // the old run's inventory JSON goes
	}
	s.sc.Commands, s.sc.At = nil, 0
	s.snaps, s.future = slices.Clone(from.snaps), slices.Clone(from.future)
	s.savedID, s.savedRev, s.savedSum = from.savedID, from.savedRev, from.savedSum
	s.err = ""
	s.install(w)
	s.afterRebuild(w)
	s.reached = max(from.reached, w.Now())
}

// build makes a world whose trace feeds the log from its first entry; the
// old log is kept if it fails.
func (s *Session) build(sc *scenario.Scenario) (*sim.World, error) {
	entries, lit := s.entries, s.lit
	s.entries = nil
	for i := range s.lit {
		s.lit[i] = clock.Never
	}
	w, err := sim.New(sc, sim.WithTraceSink(s.sink), sim.WithYield(yieldEvery, s.yield))
	if err != nil {
		s.entries, s.lit = entries, lit
		return nil, err
	}
	return w, nil
}

// install makes w the session's world: every rack is redrawn, and a
// change of any of w's records redraws its rack.
func (s *Session) install(w *sim.World) {
	s.world = w
	w.SetYield(yieldEvery, s.yield) // a world built elsewhere (an import) is paced by the Runner too
	s.rackVer = make([]uint64, w.Hardware().NumRacks())
	s.rackGen++
	s.mapDirty.Reset(w.Hardware().NumBlades())
	s.err = ""
	if err := w.Halted(); err != nil {
		s.err = err.Error() // a session that stopped: say why; rewind or reset to go on
	}
	hw, vs := w.Hardware(), w.Views()
	hw.Actual.Racks.Watch(func(ch store.Change[int32, hardware.RackActual]) {
		s.refChanged(w, hardware.Ref{Kind: hardware.KindRack, Index: ch.Key})
	})
	hw.Actual.PDUs.Watch(func(ch store.Change[int32, hardware.DeviceActual]) {
		s.refChanged(w, hardware.Ref{Kind: hardware.KindPDU, Index: ch.Key})
	})
	hw.Actual.TORs.Watch(func(ch store.Change[int32, hardware.DeviceActual]) {
		s.refChanged(w, hardware.Ref{Kind: hardware.KindTOR, Index: ch.Key})
	})
	hw.Actual.Blades.Watch(func(ch store.Change[views.BladeID, hardware.BladeActual]) {
		s.refChanged(w, hardware.BladeRef(ch.Key))
	})
	hw.Actual.Cables.Watch(func(ch store.Change[views.Place, hardware.CableActual]) { s.placeChanged(w, ch.Key) })
	vs.Observations.Watch(func(ch store.Change[views.ElemID, views.Observed]) { s.refChanged(w, hw.ElementRef(ch.Key)) })
	vs.Targets.Watch(func(ch store.Change[views.ElemID, views.Target]) { s.refChanged(w, hw.ElementRef(ch.Key)) })
	vs.Usage.Watch(func(ch store.Change[views.BladeID, views.Usage]) {
		s.refChanged(w, hardware.BladeRef(ch.Key))
	})
	vs.Faults.Watch(func(ch store.Change[views.Place, views.Fault]) { s.placeChanged(w, ch.Key) })
	s.version++
	for i := range s.rackVer {
		s.rackVer[i]++
	}
}

// yield is the world's yield (sim.WithYield), every yieldEvery events or
// records: the Runner's pace while it runs the world in slices, else a
// chance for the garbage collector to run.
func (s *Session) yield() {
	if s.pace != nil {
		s.pace()
		return
	}
	runtime.Gosched()
}

// placeChanged bumps the counter of the rack of w's rack, element or
// cable at p.
func (s *Session) placeChanged(w *sim.World, p views.Place) {
	ref, _ := hardware.PlaceRef(p) // a cable's device is in the cable's rack
	s.refChanged(w, ref)
}

// refChanged bumps the counter of the rack of w's element ref, and marks
// a blade's cell on the cluster map for repainting.
func (s *Session) refChanged(w *sim.World, ref hardware.Ref) {
	if s.world != w {
		return
	}
	hw := w.Hardware()
	switch ref.Kind {
	case hardware.KindBlade:
		s.mapDirty.Mark(ref.Index)
		s.rackVer[hw.RackOf(ref)]++
	case hardware.KindRack, hardware.KindPDU, hardware.KindTOR:
		s.rackVer[hw.RackOf(ref)]++
	}
}

// takeMapChanges hands the cluster map the blades changed since it last
// asked (fn, once each), or reports that everything may have (a new
// world), and forgets them. The map is its only reader.
func (s *Session) takeMapChanges(fn func(b int32)) (all bool) { return s.mapDirty.Take(fn) }

// sink keeps the newest trace entries for the log and lights the
// diagram's boxes from what the trace shows each service doing.
func (s *Session) sink(e *trace.Entry) {
	s.entrySeq++
	if !e.Infra {
		s.simSeq++
	}
	if len(s.entries) >= LogKeep {
		n := copy(s.entries, s.entries[LogKeep/4:])
		s.entries = s.entries[:n]
	}
	s.entries = append(s.entries, e)
	if svc, ok := serviceOf(e); ok {
		s.lit[svc] = e.End
	}
	t, a, o := storesTouched(e)
	if t {
		s.lit[SvcTarget] = e.End
	}
	if a {
		s.lit[SvcActual] = e.End
	}
	if o {
		s.lit[SvcObserved] = e.End
	}
}

// World is the running simulation: read it to render; change it only
// through the session and its runner.
func (s *Session) World() *sim.World { return s.world }

// Scenario is the loaded scenario with the user's commands so far.
func (s *Session) Scenario() *scenario.Scenario { return s.world.Scenario() }

// Base is the loaded scenario without the user's commands.
func (s *Session) Base() *scenario.Scenario { return s.sc }

// Begun counts the runs begun: it changes when a scenario is loaded,
// reset, opened or resumed (not with a travel in time).
func (s *Session) Begun() uint64 { return s.begun }

// Version changes whenever anything the page shows may have changed.
func (s *Session) Version() uint64 { return s.version }

// RackVersion changes whenever an element of rack r changed, or the world
// was replaced.
func (s *Session) RackVersion(r int) uint64 { return s.rackGen<<40 | s.rackVer[r] }

// LogVersion changes when the log has something new to show: a
// simulation entry, or with infra, any entry.
func (s *Session) LogVersion(infra bool) uint64 {
	if infra {
		return s.entrySeq
	}
	return s.simSeq
}

// Entries are the newest trace entries, oldest first (do not modify).
func (s *Session) Entries() []*trace.Entry { return s.entries }

// Err is the last error to show, "" if none.
func (s *Session) Err() string { return s.err }

// SetErr shows an error (or clears it with "").
func (s *Session) SetErr(msg string) { s.err = msg; s.version++ }

// fail shows err, if any, and returns it.
func (s *Session) fail(err error) error {
	if err != nil {
		s.err = err.Error()
		s.version++
	}
	return err
}

// touch says that something the page shows changed.
func (s *Session) touch() { s.version++ }

// Lit is the tick a service was last seen acting in the trace (clock.Never: never).
func (s *Session) Lit(svc Service) clock.Tick { return s.lit[svc] }

// Zones lists region/zone names in inventory order (do not modify).
func (s *Session) Zones() []string { return s.zoneIndex().names }

// hasZone reports whether the world has region/zone z.
func (s *Session) hasZone(z string) bool { return slices.Contains(s.Zones(), z) }

// Unsaved reports whether the session has work that could not be opened
// again: it has run or been given commands, and it is not, unchanged, a
// library entry as saved or opened, or the link or built-in it was opened
// from.
func (s *Session) Unsaved() bool {
	if !s.HasHistory() {
		return false
	}
	if s.savedSum == ([32]byte{}) {
		return true
	}
	h := sha256.New()
	err := s.enc.Write(h, s.RunScenario())
	return err != nil || [32]byte(h.Sum(nil)) != s.savedSum
}

// openedAsIs records that the session, as it stands, is what its link or
// built-in opens again: unchanged, it has nothing unsaved.
func (s *Session) openedAsIs() {
	if data, err := s.runJSON(); err == nil {
		s.savedSum = sha256.Sum256(data)
	}
}

// SavedID is the library entry the session belongs to ("" for none).
func (s *Session) SavedID() string { return s.savedID }

// Saved records that the library entry rec was written: the session
// belongs to it from now on when it is the session being saved (asSession;
// rec then holds the run as it stands), and learns its new revision when
// it already belonged to it.
func (s *Session) Saved(rec storage.SavedScenario, asSession bool) {
	if !asSession && s.savedID != rec.ID {
		return
	}
	s.savedID, s.savedRev = rec.ID, rec.Rev
	if asSession {
		s.savedSum = sha256.Sum256(rec.Scenario)
	}
}

// SavedRev is the revision of the library entry the session belongs to,
// as last read or written here: the one the next save builds on.
func (s *Session) SavedRev() int64 { return s.savedRev }

// ShareLink is the address that replays the current run.
func (s *Session) ShareLink(origin string) (string, error) {
	l, err := link.Encode(s.world.Scenario(), sim.EngineVersion)
	if err != nil {
		return "", err
	}
	return origin + "#" + l, nil
}

// savedName is the name to save the current run under.
func (s *Session) savedName() string {
	if s.Base().Name == "" {
		return "untitled"
	}
	return s.Base().Name
}

// scenarioJSON is the canonical form of the run as it stands.
func (s *Session) scenarioJSON() ([]byte, error) { return s.enc.Marshal(s.world.Scenario()) }

// runJSON is the canonical form of the run as far as it went (RunScenario).
// Only the run's part is encoded anew: the inline inventory's JSON (20 MB
// at 50,000 blades) is encoded once a run (Session.enc).
func (s *Session) runJSON() ([]byte, error) { return s.enc.Marshal(s.RunScenario()) }

// observed is what the monitor last observed of the element at path,
// if it has observed it.
func (s *Session) observed(path string) (views.Observed, bool) {
	hw := s.world.Hardware()
	ref, ok := hw.Lookup(path)
	if !ok {
		return views.Observed{}, false
	}
	return s.world.Views().Observations.Get(hw.Element(ref))
}

// usage is the capacity the workloads use on the blade at path (zero
// for any other element).
func (s *Session) usage(path string) views.Usage {
	ref, ok := s.world.Hardware().Lookup(path)
	if !ok || ref.Kind != hardware.KindBlade {
		return views.Usage{}
	}
	u, _ := s.world.Views().Usage.Get(ref.Blade())
	return u
}

// InventoryYAML is the running inventory in the original's YAML format,
// which Import (and inventory.Parse) reads back.
func (s *Session) InventoryYAML() ([]byte, error) {
	return inventory.MarshalYAML(s.world.Definition())
}
