package app

import (
	"crypto/sha256"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/app/storage"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Controller owns the one running simulation of the page. UI commands go
// in (Step, Run, Apply, ...); the browser's frame loop calls Frame, which
// advances time for the measured policy and continues long work within a
// time budget; components read the world and the change counters to
// render. It is used from the UI goroutine only.
//
// It does no browser I/O itself: the wall clock comes in as an argument,
// so it is tested natively.
//
// Its fields are of three kinds (TestControllerFieldsAreClassified keeps
// the list): the session's (one run: its scenario, world, snapshots, kept
// future, library identity, log and what is selected), which begin sets
// afresh for every new session, so nothing of a session leaks into the
// next; the runner's (how time is being driven); and the user's choices,
// which stay.
type Controller struct {
	sc    *scenario.Scenario // the scenario as loaded (no user commands)
	world *sim.World

	mode       Mode
	rate       int64      // ticks per wall second for ModeRun
	runFrom    clock.Tick // the tick and wall time a measured run started at
	runWall    float64
	target     clock.Tick // ModeRunTo, ModeStepN: where the long work ends
	workFrom   clock.Tick // where it started, for progress
	chunk      clock.Tick // ticks per slice of long work, adapted to the budget
	version    uint64     // bumped by every change anything renders
	rackVer    []uint64   // by rack: bumped when an element of the rack changed
	rackGen    uint64     // bumped with every new world, so no rack keeps an old version
	entries    []*trace.Entry
	entrySeq   uint64
	lit        [serviceCount]clock.Tick // the tick each control-plane service was last seen in the trace
	selected   string                   // the selected element's path
	err        string                   // the last error to show
	frameCost  float64                  // ms the last frame's simulation work took
	zone       string                   // region/zone shown
	snapEvery  clock.Tick               // snapshot interval (0: the default)
	snaps      []storage.Snapshot       // snapshots of this run, oldest first
	future     []scenario.Timed         // commands after now kept from before a time travel
	reached    clock.Tick               // the furthest tick run
	savedID    string                   // the library entry this session came from
	savedRev   int64
	savedSum   [32]byte // the SHA-256 of the run as it can be opened again: its library entry, or the link or built-in it came from (zero: nowhere)
	simSeq     uint64   // simulation (not infrastructure) entries seen
	logInfra   bool     // the log shows infrastructure entries
	stepN      int64    // the user's "step N"
	rateChoice string   // the user's rate: ticks per second or "fastest"
}

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

// LogKeep is how many trace entries the page keeps for the log.
const LogKeep = 4000

// NewController loads a scenario.
func NewController(sc *scenario.Scenario) (*Controller, error) {
	c := &Controller{}
	if err := c.Load(sc); err != nil {
		return nil, err
	}
	return c, nil
}

// Load replaces the running simulation with sc, a new, unsaved session at
// tick 0. On error nothing changes.
func (c *Controller) Load(sc *scenario.Scenario) error {
	w, err := c.build(sc)
	if err != nil {
		return err
	}
	c.begin(sc, w, sessionFrom{})
	c.maybeSnapshot()
	return nil
}

// Unsaved reports whether the session has work that could not be opened
// again: it has run or been given commands, and it is not, unchanged, a
// library entry as saved or opened, or the link or built-in it was opened
// from.
func (c *Controller) Unsaved() bool {
	if !c.HasHistory() {
		return false
	}
	if c.savedSum == ([32]byte{}) {
		return true
	}
	data, err := c.runJSON()
	return err != nil || sha256.Sum256(data) != c.savedSum
}

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
}

// begin makes w, built from sc, the page's world as a new session: every
// field of the session is set here, from sc, w and from, and from nothing
// the page held before (a link once replayed from the snapshots of the
// session it replaced, into the wrong hash).
func (c *Controller) begin(sc *scenario.Scenario, w *sim.World, from sessionFrom) {
	c.Pause()
	c.sc = sc.Clone()
	c.sc.Commands, c.sc.At = nil, 0
	c.snaps, c.future = slices.Clone(from.snaps), slices.Clone(from.future)
	c.savedID, c.savedRev, c.savedSum = from.savedID, from.savedRev, from.savedSum
	c.selected, c.zone, c.err = "", "", ""
	c.install(w)
	c.afterRebuild(w)
	c.reached = max(from.reached, w.Now())
}

// build makes a world whose trace feeds the log from its first entry; the
// old log is kept if it fails.
func (c *Controller) build(sc *scenario.Scenario) (*sim.World, error) {
	entries, lit := c.entries, c.lit
	c.entries = nil
	for i := range c.lit {
		c.lit[i] = clock.Never
	}
	w, err := sim.New(sc, sim.WithTraceSink(c.sink))
	if err != nil {
		c.entries, c.lit = entries, lit
		return nil, err
	}
	return w, nil
}

func (c *Controller) install(w *sim.World) {
	c.world = w
	c.mode = ModePaused
	c.chunk = 1
	c.rackVer = make([]uint64, w.Hardware().NumRacks())
	c.rackGen++
	if _, ok := w.Hardware().Lookup(c.selected); !ok {
		c.selected = ""
	}
	c.err = ""
	if err := w.Halted(); err != nil {
		c.err = err.Error() // a session that stopped: say why; rewind or reset to go on
	}
	// A change of any record redraws its rack.
	hw, vs := w.Hardware(), w.Views()
	hw.Actual.Racks.Watch(func(ch store.Change[int32, hardware.RackActual]) {
		c.refChanged(w, hardware.Ref{Kind: hardware.KindRack, Index: ch.Key})
	})
	hw.Actual.PDUs.Watch(func(ch store.Change[int32, hardware.DeviceActual]) {
		c.refChanged(w, hardware.Ref{Kind: hardware.KindPDU, Index: ch.Key})
	})
	hw.Actual.TORs.Watch(func(ch store.Change[int32, hardware.DeviceActual]) {
		c.refChanged(w, hardware.Ref{Kind: hardware.KindTOR, Index: ch.Key})
	})
	hw.Actual.Blades.Watch(func(ch store.Change[views.BladeID, hardware.BladeActual]) {
		c.refChanged(w, hardware.BladeRef(ch.Key))
	})
	hw.Actual.Cables.Watch(func(ch store.Change[views.Place, hardware.CableActual]) { c.placeChanged(w, ch.Key) })
	vs.Observations.Watch(func(ch store.Change[views.ElemID, views.Observed]) { c.refChanged(w, hw.ElementRef(ch.Key)) })
	vs.Targets.Watch(func(ch store.Change[views.ElemID, views.Target]) { c.refChanged(w, hw.ElementRef(ch.Key)) })
	vs.Usage.Watch(func(ch store.Change[views.BladeID, views.Usage]) {
		c.refChanged(w, hardware.BladeRef(ch.Key))
	})
	vs.Faults.Watch(func(ch store.Change[views.Place, views.Fault]) { c.placeChanged(w, ch.Key) })
	if c.zone == "" || !c.hasZone(c.zone) {
		c.zone = c.Zones()[0]
	}
	c.version++
	for i := range c.rackVer {
		c.rackVer[i]++
	}
}

// placeChanged bumps the counter of the rack of w's rack, element or
// cable at p.
func (c *Controller) placeChanged(w *sim.World, p views.Place) {
	ref, _ := hardware.PlaceRef(p) // a cable's device is in the cable's rack
	c.refChanged(w, ref)
}

// refChanged bumps the counter of the rack of w's element ref.
func (c *Controller) refChanged(w *sim.World, ref hardware.Ref) {
	if c.world != w {
		return
	}
	hw := w.Hardware()
	switch ref.Kind {
	case hardware.KindRack, hardware.KindBlade, hardware.KindPDU, hardware.KindTOR:
		c.rackVer[hw.RackOf(ref)]++
	}
}

// sink keeps the newest trace entries for the log and lights the
// diagram's boxes from what the trace shows each service doing.
func (c *Controller) sink(e *trace.Entry) {
	c.entrySeq++
	if !e.Infra {
		c.simSeq++
	}
	if len(c.entries) >= LogKeep {
		n := copy(c.entries, c.entries[LogKeep/4:])
		c.entries = c.entries[:n]
	}
	c.entries = append(c.entries, e)
	if s, ok := serviceOf(e); ok {
		c.lit[s] = e.End
	}
	t, a, o := storesTouched(e)
	if t {
		c.lit[SvcTarget] = e.End
	}
	if a {
		c.lit[SvcActual] = e.End
	}
	if o {
		c.lit[SvcObserved] = e.End
	}
}

// World is the running simulation: read it to render; change it only
// through the controller.
func (c *Controller) World() *sim.World { return c.world }

// Scenario is the loaded scenario with the user's commands so far.
func (c *Controller) Scenario() *scenario.Scenario { return c.world.Scenario() }

// Base is the loaded scenario without the user's commands.
func (c *Controller) Base() *scenario.Scenario { return c.sc }

// Version changes whenever anything the page shows may have changed.
func (c *Controller) Version() uint64 { return c.version }

// RackVersion changes whenever an element of rack r changed, or the world
// was replaced.
func (c *Controller) RackVersion(r int) uint64 { return c.rackGen<<40 | c.rackVer[r] }

// LogVersion changes when the log has something new to show: a
// simulation entry, or any entry while it shows infrastructure.
func (c *Controller) LogVersion() uint64 {
	if c.logInfra {
		return c.entrySeq
	}
	return c.simSeq
}

// Entries are the newest trace entries, oldest first (do not modify).
func (c *Controller) Entries() []*trace.Entry { return c.entries }

// Mode is what the frame loop does now.
func (c *Controller) Mode() Mode { return c.mode }

// Rate is the measured policy's rate.
func (c *Controller) Rate() int64 { return c.rate }

// Err is the last error to show, "" if none.
func (c *Controller) Err() string { return c.err }

// SetErr shows an error (or clears it with "").
func (c *Controller) SetErr(msg string) { c.err = msg; c.version++ }

func (c *Controller) fail(err error) error {
	if err != nil {
		c.err = err.Error()
		c.version++
	}
	return err
}

// Selected is the selected element's path ("" if none).
func (c *Controller) Selected() string { return c.selected }

// Select selects an element by path.
func (c *Controller) Select(path string) {
	if _, ok := c.world.Hardware().Lookup(path); !ok && path != "" {
		return
	}
	c.selected = path
	c.version++
}

// Progress reports long work: from, to and now (to = 0 when there is no end).
func (c *Controller) Progress() (from, to, now clock.Tick) {
	switch c.mode {
	case ModeRunTo, ModeStepN:
		return c.workFrom, c.target, c.world.Now()
	}
	return 0, 0, c.world.Now()
}

// Pause stops whatever runs.
func (c *Controller) Pause() {
	if c.mode == ModePaused {
		return
	}
	c.mode = ModePaused
	c.fail(c.world.SetPolicy(clock.Manual, 0, -1))
	c.version++
}

// Step advances n ticks. Up to a few hundred ticks it is done at once;
// more is a long step done in slices by Frame.
func (c *Controller) Step(n int64) error {
	if n < 1 {
		return c.fail(fmt.Errorf("step: the count must be at least 1, got %d", n))
	}
	c.Pause()
	if n <= 100 {
		defer c.touch()
		if len(c.future) > 0 {
			return c.fail(c.runTo(c.world.Now() + clock.Tick(n)))
		}
		err := c.world.Step(n) // traced as a step
		c.maybeSnapshot()
		return c.fail(err)
	}
	c.startLong(ModeStepN, c.world.Now()+clock.Tick(n))
	return nil
}

// RunTo runs as fast as frames allow until the clock reads t.
func (c *Controller) RunTo(t clock.Tick) error {
	if t <= c.world.Now() {
		return c.fail(fmt.Errorf("run to tick %d: the clock already reads %d", t, c.world.Now()))
	}
	c.Pause()
	c.startLong(ModeRunTo, t)
	return nil
}

func (c *Controller) startLong(m Mode, target clock.Tick) {
	c.mode, c.target, c.workFrom, c.chunk = m, target, c.world.Now(), 1
	if err := c.world.SetPolicy(clock.NoWait, 0, -1); err != nil {
		c.fail(err)
	}
	c.version++
}

// Run runs at rate ticks per wall second (the measured policy), from the
// wall time nowMs on.
func (c *Controller) Run(rate int64, nowMs float64) error {
	if rate < 1 || rate > clock.RateMax {
		return c.fail(fmt.Errorf("rate must be 1 to %d ticks per second, got %d", clock.RateMax, rate))
	}
	if err := c.world.SetPolicy(clock.Measured, rate, -1); err != nil {
		return c.fail(err)
	}
	c.mode, c.rate, c.runFrom, c.runWall = ModeRun, rate, c.world.Now(), nowMs
	c.version++
	return nil
}

// Fastest runs under no-wait, as fast as frames allow, until paused.
func (c *Controller) Fastest() error {
	c.Pause()
	if err := c.world.SetPolicy(clock.NoWait, 0, -1); err != nil {
		return c.fail(err)
	}
	c.mode, c.chunk = ModeFastest, 1
	c.version++
	return nil
}

// Reset restarts the scenario at tick 0.
func (c *Controller) Reset() error {
	w, err := c.build(c.sc)
	if err != nil {
		return c.fail(err)
	}
	c.begin(c.sc, w, sessionFrom{savedID: c.savedID, savedRev: c.savedRev}) // still the library entry it was opened from
	c.maybeSnapshot()
	return nil
}

// Apply runs a user command at the current tick.
func (c *Controller) Apply(cmd scenario.Command) error {
	defer c.touch()
	c.dropFuture()
	rep, err := c.world.Apply(cmd)
	if err != nil {
		return c.fail(err)
	}
	if err := c.world.Halted(); err != nil {
		c.Pause()
		return c.fail(err)
	}
	if rep.Err != nil {
		return c.fail(rep.Err)
	}
	c.err = ""
	return nil
}

func (c *Controller) touch() { c.version++ }

// Frame does the frame's share of work at wall time nowMs, spending at
// most budgetMs (measured with clockMs, the page's clock) on long work.
// It reports whether anything changed.
func (c *Controller) Frame(nowMs, budgetMs float64, clockMs func() float64) bool {
	before := c.world.Status().Dispatched
	tick := c.world.Now()
	start := clockMs()
	switch c.mode {
	case ModeRun:
		want := c.runFrom + clock.Tick((nowMs-c.runWall)*float64(c.rate)/1000)
		for c.world.Now() < want && clockMs()-start < budgetMs {
			next := min(want, c.world.Now()+c.chunk)
			if err := c.runTo(next); err != nil {
				c.fail(err)
				c.mode = ModePaused
				break
			}
			c.adapt(clockMs()-start, budgetMs)
		}
		if c.world.Now() < want {
			// Behind: the simulation cannot keep this rate; carry on from
			// here rather than racing to catch up.
			c.runFrom, c.runWall = c.world.Now(), nowMs
		}
	case ModeFastest:
		for clockMs()-start < budgetMs {
			next, ok := c.world.NextAt()
			if len(c.future) > 0 && (!ok || c.future[0].At <= next) {
				next, ok = max(c.future[0].At, c.world.Now()), true
			}
			if !ok {
				c.Pause()
				break
			}
			if err := c.runTo(next); err != nil {
				c.fail(err)
				c.Pause()
				break
			}
		}
	case ModeRunTo, ModeStepN:
		for c.world.Now() < c.target && clockMs()-start < budgetMs {
			next := min(c.target, c.world.Now()+c.chunk)
			if err := c.runTo(next); err != nil {
				c.fail(err)
				break
			}
			c.adapt(clockMs()-start, budgetMs)
		}
		if c.world.Now() >= c.target {
			c.Pause()
		}
	}
	c.frameCost = clockMs() - start
	changed := c.world.Status().Dispatched != before || c.world.Now() != tick
	if changed {
		c.version++
	}
	return changed
}

// adapt grows the slice while a frame has time left, and shrinks it when
// one slice takes most of the budget.
func (c *Controller) adapt(spent, budget float64) {
	switch {
	case spent < budget/4 && c.chunk < 1<<20:
		c.chunk *= 2
	case spent > budget && c.chunk > 1:
		c.chunk /= 2
	}
}

// FrameCost is the milliseconds the last frame spent simulating.
func (c *Controller) FrameCost() float64 { return c.frameCost }

// Zones lists region/zone names in inventory order.
func (c *Controller) Zones() []string {
	var out []string
	hw := c.world.Hardware()
	for i := range int32(hw.NumRacks()) {
		r := hw.Rack(i)
		z := r.Region + "/" + r.Zone
		if len(out) == 0 || out[len(out)-1] != z {
			out = append(out, z)
		}
	}
	return out
}

func (c *Controller) hasZone(z string) bool {
	for _, x := range c.Zones() {
		if x == z {
			return true
		}
	}
	return false
}

// Zone is the region/zone shown.
func (c *Controller) Zone() string { return c.zone }

// SetZone shows another region/zone.
func (c *Controller) SetZone(z string) {
	if c.hasZone(z) {
		c.zone = z
		c.version++
	}
}

// Lit is the tick a service was last seen acting in the trace (clock.Never: never).
func (c *Controller) Lit(s Service) clock.Tick { return c.lit[s] }
