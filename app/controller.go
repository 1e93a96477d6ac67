package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
)

// Controller is one world of the page: a Session (the run, its snapshots
// and time travel, its library identity, what the page shows of it) and
// the Runner that drives its time. The page holds one; a page comparing
// variants would hold one per variant.
//
// UI commands go in (Step, Run, Apply, TravelTo, ...); the browser's frame
// loop calls Frame; components read the world and the change counters to
// render. What replaces the session's world (Load, Reset, TravelTo back,
// Resume, a link opened) goes through the Controller, which pauses the
// runner first. It is used from the UI goroutine only, and does no browser
// I/O itself: the wall clock comes in as an argument, so it is tested
// natively.
type Controller struct {
	*Session
	*Runner
}

// NewController loads a scenario.
func NewController(sc *scenario.Scenario) (*Controller, error) {
	s := &Session{}
	c := &Controller{Session: s, Runner: newRunner(s)}
	if err := c.Load(sc); err != nil {
		return nil, err
	}
	return c, nil
}

// sessionOf is c's session; nil for no controller (the server's pre-render).
func sessionOf(c *Controller) *Session {
	if c == nil {
		return nil
	}
	return c.Session
}

// Load replaces the running simulation with sc, a new, unsaved session at
// tick 0. On error nothing changes.
func (c *Controller) Load(sc *scenario.Scenario) error {
	c.finish() // the old world's trace goes to the old log, not the new one
	w, err := c.build(sc)
	if err != nil {
		return err
	}
	c.Open(sc, w)
	return nil
}

// Open makes w, built from sc (at tick 0, as sim.New built it), the
// world of a new, unsaved session: what Load does once it has built it.
func (c *Controller) Open(sc *scenario.Scenario, w *sim.World) {
	c.begin(sc, w, sessionFrom{})
	c.maybeSnapshot()
}

// openImported is Open for a world an import built, with what the import
// prepared in slices: enc holding the JSON of sc's inline inventory
// (importJob.keepJSON) and snap, w's snapshot (nil: none taken).
func (c *Controller) openImported(sc *scenario.Scenario, w *sim.World, enc *scenario.Encoder, snap []byte) {
	c.begin(sc, w, sessionFrom{enc: enc})
	c.keepSnapshot(snap)
}

// begin pauses the runner and makes w, built from sc, the world of a new
// run of the session (Session.begin; the page's view state starts afresh).
func (c *Controller) begin(sc *scenario.Scenario, w *sim.World, from sessionFrom) {
	c.Pause()
	c.Session.begin(sc, w, from)
	c.stopped()
}

// Reset restarts the scenario at tick 0.
func (c *Controller) Reset() error {
	c.finish()
	w, err := c.build(c.Base())
	if err != nil {
		return c.fail(err)
	}
	c.begin(c.Base(), w, sessionFrom{savedID: c.SavedID(), savedRev: c.SavedRev()}) // still the library entry it was opened from
	c.maybeSnapshot()
	return nil
}

// Apply runs a user command at the current tick.
func (c *Controller) Apply(cmd scenario.Command) error {
	c.finish() // at the tick the world is at, complete
	defer c.touch()
	c.dropFuture()
	rep, err := c.World().Apply(cmd)
	if err != nil {
		return c.fail(err)
	}
	if err := c.World().Halted(); err != nil {
		c.Pause()
		return c.fail(err)
	}
	if rep.Err != nil {
		return c.fail(rep.Err)
	}
	c.SetErr("")
	return nil
}

// TravelTo moves the simulation to tick t, back or forward.
func (c *Controller) TravelTo(t clock.Tick) error {
	if t < 0 {
		return c.fail(fmt.Errorf("time travel: tick %d is before the start", t))
	}
	c.Pause()
	defer c.touch()
	if t >= c.World().Now() {
		return c.fail(c.runTo(t))
	}
	if err := c.rewind(t); err != nil {
		return c.fail(err)
	}
	c.stopped()
	return nil
}

// openNew makes w, prepared from sc, the page's world: a new, unsaved
// session at sc's tick.
func (c *Controller) openNew(sc *scenario.Scenario, w *sim.World, future []scenario.Timed) {
	c.begin(sc, w, sessionFrom{future: future, reached: sc.At})
	c.openedAsIs()
	c.maybeSnapshot()
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
	sc, err := scenario.Parse("session", s.ScenarioBytes())
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

// Import loads a file's contents: a YAML inventory (run with the default
// settings, as ccsim run does) or a JSON scenario. An error is shown with
// its path and nothing is replaced.
func (c *Controller) Import(name string, data []byte) error {
	sc, err := importedScenario(name, data, nil)
	if err != nil {
		return c.fail(err)
	}
	if err := c.Load(sc); err != nil {
		return c.fail(fmt.Errorf("%s: %w", name, err))
	}
	c.SetErr("")
	return nil
}

// importedScenario is the scenario a file's contents make: a YAML
// inventory with the default settings and control plane
// (scenario.ForInventory, as ccsim run makes it: the open session's
// settings are not carried over, so the same file gives the same trace
// hash in the page and in ccsim), or a JSON scenario as it is. pace, if
// not nil, is called while the YAML is read.
func importedScenario(name string, data []byte, pace inventory.Pace) (*scenario.Scenario, error) {
	if !isYAMLName(name) {
		return scenario.Parse(name, data)
	}
	return importedInventory(name, [][]byte{data}, pace)
}

// isYAMLName reports whether a file of that name is read as a YAML
// inventory (.yaml, .yml).
func isYAMLName(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// importedInventory is importedScenario of a YAML inventory held in
// pieces (a file read a piece at a time).
func importedInventory(name string, pieces [][]byte, pace inventory.Pace) (*scenario.Scenario, error) {
	def, err := inventory.ParsePiecesPaced(name, pieces, pace)
	if err != nil {
		return nil, err
	}
	sc := scenario.ForInventory(strings.TrimSuffix(strings.TrimSuffix(name, ".yaml"), ".yml"), def)
	sc.Description = importedDescription(name)
	return sc, nil
}

// importedDescription is the story of an inventory imported from the
// file name, in the page's words: what runs it. It is part of the
// scenario (its JSON, its links, the snapshots' scenario ID) but not of
// the trace hash, which is ccsim's for the same file.
func importedDescription(name string) string {
	return "Imported from " + name + " and run with the default settings: seed 1, the monitor and the repair manager " +
		"as they come (the repair manager brings every blade up), metrics every 60 ticks, no faults and no workloads. " +
		"The command-line tool ccsim gives the same run, to the same trace hash: ccsim run --scenario " + name + "."
}

// Edit restarts the scenario at tick 0 with another seed and delays
// ("" keeps a value). Delays are four low-high ranges.
func (c *Controller) Edit(seed, delays string) error {
	sc := c.Base().Clone()
	if seed != "" {
		s, err := strconv.ParseUint(strings.TrimSpace(seed), 10, 64)
		if err != nil {
			return c.fail(fmt.Errorf("seed: %q is not a whole number", seed))
		}
		sc.Seed = s
	}
	if delays != "" {
		f := strings.Fields(delays)
		if len(f) != 4 {
			return c.fail(fmt.Errorf("delays: want four ranges like 1-1 1-1 5-8 2-4, got %q", delays))
		}
		var r [4][2]int64
		for i, x := range f {
			lo, hi, ok := strings.Cut(x, "-")
			a, err1 := strconv.ParseInt(lo, 10, 64)
			b, err2 := strconv.ParseInt(hi, 10, 64)
			if !ok || err1 != nil || err2 != nil {
				return c.fail(fmt.Errorf("delays: %q is not a range like 5-8", x))
			}
			r[i] = [2]int64{a, b}
		}
		d := &sc.Delays
		for i, rg := range []*struct{ lo, hi *clock.Tick }{{&d.SetPower.Low, &d.SetPower.High}, {&d.SetConnection.Low, &d.SetConnection.High},
			{&d.Booting.Low, &d.Booting.High}, {&d.Shutdown.Low, &d.Shutdown.High}} {
			*rg.lo, *rg.hi = clock.Tick(r[i][0]), clock.Tick(r[i][1])
		}
	}
	if err := c.Load(sc); err != nil {
		return c.fail(err)
	}
	return nil
}
