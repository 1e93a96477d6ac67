// Package sim runs a scenario: it owns simulated time, the event queue, the
// store, the trace and the simulated hardware, applies commands, and
// dispatches every event in order. It is the only thing that advances the
// clock.
//
// The caller's loop (the browser controller, the CLI, a test) is:
//
//	w, err := sim.New(scenario)  // builds the inventory, applies the script at tick 0
//	w.Apply(cmd)                  // a user command at the current tick: recorded and run
//	w.Step(n) / w.RunUntil(t) / w.RunNext() / w.AdvanceTo(t, epoch)
//	w.Status(), w.Hardware(), w.Store(), w.Trace()  // read what happened
//	w.Snapshot() / sim.Restore(scenario, snapshot)
//
// Determinism: the same scenario and the same commands at the same ticks
// give the same trace hash, however time was advanced. A command issued
// while the clock reads T runs after every event due at T; the scenario's
// own script commands at T run before the user's.
//
// A service may halt the run (a runaway control loop, see
// repair.RunawayError): the world then dispatches nothing more, refuses
// commands, and every way of advancing time returns the error Halted
// reports. Rewind (restore an earlier snapshot) or Reset to go on.
package sim

import (
	"errors"
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// World is a running simulation. It is not safe for concurrent use; one
// goroutine owns it.
type World struct {
	base *scenario.Scenario // the scenario without the user's commands: what Reset returns to
	id   [32]byte           // the base scenario's identity (scenarioID): a snapshot names the run it belongs to

	env     env.Env
	queue   *clock.Queue
	stepper *clock.Stepper
	hw      *hardware.Model

	handlers [256]func(clock.Event)       // by event subsystem
	checkers [256]func(clock.Event) error // by event subsystem: is a restored event one its handler can run

	script     []scenario.Timed // the scenario's own commands
	next       int              // the first script command not yet applied
	commands   []scenario.Timed // the user's commands so far
	dispatched uint64           // events handled
	yield      func()           // WithYield's, called every yieldEvery events (nil: none)
	yieldEvery uint64
	kept       *scenario.Encoder // WithKeptJSON's, while New runs (nil: none)
	// snapHint is the length of the last snapshot written: the next one's
	// buffer starts a little larger, so that it is not grown by copying
	// (at 50,000 blades a snapshot is 9 MB, which growing took 56 MB to
	// write). It changes no snapshot.
	snapHint int

	ctl *Control // nil without a control plane

	fail       func(after string, err error) // WithChecks: nil when not checking
	checkEvery uint64                        // WithChecks: check after every checkEvery-th event
	checkSkip  uint64                        // events since the last check
}

// New builds the world of a scenario and replays it: the script and the
// user's commands, up to the tick the scenario had reached.
func New(sc *scenario.Scenario, opts ...Option) (*World, error) {
	w, err := build(sc, opts)
	if err != nil {
		return nil, err
	}
	w.start()
	w.applyScript()
	for i, c := range sc.Commands {
		if err := w.RunTo(c.At); err != nil {
			if w.Halted() != nil {
				return w, nil // it stops where it stopped, as it did when it ran
			}
			return nil, fmt.Errorf("replaying commands[%d]: %w", i, err)
		}
		if _, err := w.Apply(c.Command); err != nil {
			return nil, fmt.Errorf("replaying commands[%d] (%s at t=%d): %w", i, c.Command, c.At, err)
		}
	}
	if err := w.RunTo(sc.At); err != nil && w.Halted() == nil {
		return nil, err
	}
	return w, nil
}

// Halted is the error a service stopped the run with, nil while it runs.
// A halted world still reads (its trace says what happened) but does not
// advance, take commands or snapshot.
func (w *World) Halted() error { return w.env.Halted() }

// build makes the world of a scenario: the hardware and the services,
// built and wired, in no state yet and with nothing recorded or scheduled.
// start then starts a fresh run at tick 0, or a snapshot restores one.
func build(sc *scenario.Scenario, opts []Option) (*World, error) {
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	stepper, err := clock.NewStepper(sc.Policy, sc.Rate)
	if err != nil {
		return nil, err
	}
	base := sc.Clone()
	base.Commands, base.At = nil, 0
	w := &World{
		base:    base,
		queue:   clock.NewQueue(),
		stepper: stepper,
		script:  sc.Script,
	}
	st := store.New()
	w.env = env.Env{Now: 0, Queue: w.queue, Trace: trace.New(sc.TraceRetention), Store: st, Views: views.NewTables(st)}
	for _, o := range opts {
		o(w)
	}
	def, err := sc.DefinitionEach(w.env.Yield)
	if err != nil {
		return nil, err
	}
	// A rack (40 KB of JSON at 100 blades) costs about what 1,024 records do.
	w.id, err = scenarioID(base, w.yield, w.kept)
	w.kept = nil
	if err != nil {
		return nil, err
	}
	hw, err := hardware.New(def, &w.env, sc.Delays, sc.Seed)
	if err != nil {
		return nil, err
	}
	w.hw = hw
	w.handlers[hardware.Subsystem], w.checkers[hardware.Subsystem] = hw.Handle, hw.CheckEvent
	if sc.Control != nil {
		if err := w.buildControl(sc); err != nil {
			return nil, err
		}
	}
	for _, list := range []struct {
		name string
		cmds []scenario.Timed
	}{{"script", sc.Script}, {"commands", sc.Commands}} {
		for i, c := range list.cmds {
			if err := w.checkStatic(c.Command); err != nil {
				return nil, fmt.Errorf("%s[%d] (%s at t=%d): %w", list.name, i, c.Command, c.At, err)
			}
		}
	}
	return w, nil
}

// checkStatic checks what a command names that cannot change during a
// run: its element exists and is of a kind it applies to, its port, its
// random process. A scenario whose command names a missing element is
// refused at load; what depends on the run (an injection on an element
// already faulted, a workload created later) is checked when it runs.
func (w *World) checkStatic(c scenario.Command) error {
	switch c.Do {
	case scenario.BringUp, scenario.PauseFault, scenario.ResumeFault, scenario.RemoveFault,
		scenario.CreateWorkload, scenario.StopWorkload, scenario.ResumeWorkload, scenario.DeleteWorkload:
		return nil
	case scenario.Inject:
		if w.ctl == nil {
			return w.checkControl(c)
		}
		return w.ctl.Faults.CheckTarget(*c.Fault)
	}
	return w.checkTarget(c)
}

// Option configures a world as it is built.
type Option func(*World)

// WithTraceSink has fn see every trace entry as it ends, from the first
// (the racks starting) on; see trace.Tracer.SetSink.
func WithTraceSink(fn func(*trace.Entry)) Option {
	return func(w *World) { w.env.Trace.SetSink(fn) }
}

// WithYield has the world call fn after every `every` events it handles
// (every >= 1) and after every `every` records written to its store (a
// bring-up, in New or by a command, writes every element's records with no
// event between), from its construction on, and in New after every rack
// of an inline inventory it hashes for the scenario's identity. The run is the same with or
// without it. A caller on a platform with one thread (wasm) yields there
// (runtime.Gosched): the garbage collector runs beside the simulation and
// cannot finish a cycle while the simulation never lets it, so the heap
// grows far past what is alive (without the yields between records, the
// bring-up of 50,000 blades took it to 427 MB for 101 MB alive).
func WithYield(every uint64, fn func()) Option {
	return func(w *World) {
		w.yieldEvery, w.yield = max(every, 1), fn
		w.env.Store.SetPace(every, fn)
		w.env.SetYield(fn)
	}
}

// WithKeptJSON has New hash the scenario's identity from the JSON of its
// inline inventory that enc already holds (scenario.Encoder.Keep), when
// it holds that of this scenario's definition, rather than encode the
// definition anew: an import that keeps the JSON for its session encodes
// it once (20 MB at 50,000 blades), not twice. The identity is the same
// bytes' hash either way; the world keeps no reference to enc.
func WithKeptJSON(enc *scenario.Encoder) Option {
	return func(w *World) { w.kept = enc }
}

// SetYield replaces the yield WithYield gave (or adds one): from now on
// the world calls fn after every `every` events it handles and every
// `every` records written. A host that drives a world built elsewhere
// (an import's) paces it with its own yield; as with WithYield, the run
// is the same whatever fn does, as long as fn does not touch the world.
func (w *World) SetYield(every uint64, fn func()) { WithYield(every, fn)(w) }

// Now is the current tick.
func (w *World) Now() clock.Tick { return w.env.Now }

// Definition is the inventory being simulated, made anew from the
// scenario each call (for a generated inventory, or a built-in one) or the
// scenario's own (an inline definition). The world keeps none after it has
// built the hardware: at 50,000 blades a generated one is 12 MB that the
// run never reads.
func (w *World) Definition() *inventory.Definition {
	def, err := w.base.Definition()
	if err != nil {
		panic(fmt.Sprintf("sim: the scenario's inventory built the world, then failed: %v", err)) // our bug
	}
	return def
}

// Hardware is the simulated hardware. Its elements are read as values
// and change only by its commands (Do, and the fault entry points the
// services call).
func (w *World) Hardware() *hardware.Model { return w.hw }

// Store is the revision counter and delivery queue of the views' and the
// hardware's tables.
func (w *World) Store() *store.Store { return w.env.Store }

// Views are the store's tables of control-plane records: targets,
// observations, usage and faults.
func (w *World) Views() *views.Tables { return w.env.Views }

// Trace is the trace of everything that happened.
func (w *World) Trace() *trace.Tracer { return w.env.Trace }

// Scenario returns the scenario of this run as it stands: the base
// scenario with the user's commands so far and the tick reached. It
// replays to this exact state.
func (w *World) Scenario() *scenario.Scenario {
	s := w.base.Clone()
	s.Commands = slices.Clone(w.commands)
	s.At = w.env.Now
	s.Policy, s.Rate = w.stepper.Policy(), w.stepper.Rate()
	return s
}

// Status is what the status bar shows.
type Status struct {
	Policy     clock.Policy
	Rate       int64
	Tick       clock.Tick
	Pending    int    // events waiting in the queue
	Epoch      int64  // policy version
	Dispatched uint64 // events handled so far
	Hash       string // the trace hash, hex
}

// Status reports the clock and the trace hash.
func (w *World) Status() Status {
	return Status{
		Policy:     w.stepper.Policy(),
		Rate:       w.stepper.Rate(),
		Tick:       w.env.Now,
		Pending:    w.queue.Len() + len(w.script) - w.next,
		Epoch:      w.stepper.Epoch(),
		Dispatched: w.dispatched,
		Hash:       w.env.Trace.HashHex(),
	}
}

// Commands returns the user's commands so far.
func (w *World) Commands() []scenario.Timed { return slices.Clone(w.commands) }

// ErrNoTarget is wrapped by commands naming an element that does not exist.
var ErrNoTarget = errors.New("no such element")

// Apply runs a user command at the current tick and records it. A command
// that names no element or is malformed is refused and not recorded; one
// the hardware refuses (too late, nothing to do) is recorded, since it was
// really sent, and its reply says why.
func (w *World) Apply(c scenario.Command) (hardware.Reply, error) {
	if err := w.env.Halted(); err != nil {
		return hardware.Reply{}, err
	}
	if err := c.Check(); err != nil {
		return hardware.Reply{}, err
	}
	if err := w.checkTarget(c); err != nil {
		return hardware.Reply{}, err
	}
	w.commands = append(w.commands, scenario.Timed{At: w.env.Now, Command: c})
	rep := w.run(c, whoUser)
	w.settle()
	w.check(func() string { return fmt.Sprintf("user command %s at t=%d", c, w.env.Now) })
	w.drain(w.env.Now)
	return rep, nil
}

func (w *World) checkTarget(c scenario.Command) error {
	if c.Do == scenario.BringUp {
		return nil
	}
	if slices.Contains(scenario.ControlOps, c.Do) {
		return w.checkControl(c)
	}
	ref, ok := w.hw.Lookup(c.Target)
	if !ok {
		return fmt.Errorf("%s: %w %q", c.Do, ErrNoTarget, c.Target)
	}
	want := targetKinds[c.Do]
	if !slices.Contains(want, ref.Kind) {
		return fmt.Errorf("%s: %s is a %s", c.Do, c.Target, ref.Kind)
	}
	if c.Do == scenario.BreakCable || c.Do == scenario.MendCable {
		if _, ok := w.hw.PortSlot(ref, c.Port); !ok {
			return fmt.Errorf("%s: %s has no port %d", c.Do, c.Target, c.Port)
		}
	}
	return nil
}

// targetKinds are the kinds of element each command may name.
var targetKinds = map[scenario.Op][]hardware.Kind{
	scenario.Power:       {hardware.KindBlade, hardware.KindPDU},
	scenario.Connect:     {hardware.KindBlade},
	scenario.Boot:        {hardware.KindBlade},
	scenario.Shutdown:    {hardware.KindBlade},
	scenario.FaultBlade:  {hardware.KindBlade},
	scenario.RepairBlade: {hardware.KindBlade},
	scenario.Stick:       {hardware.KindPDU, hardware.KindTOR},
	scenario.Unstick:     {hardware.KindPDU, hardware.KindTOR},
	scenario.BreakCable:  {hardware.KindPDU, hardware.KindTOR},
	scenario.MendCable:   {hardware.KindPDU, hardware.KindTOR},
	scenario.StopRack:    {hardware.KindRack},
}

// run executes a checked command in a root span of its own.
func (w *World) run(c scenario.Command, who uint8) hardware.Reply {
	now := w.env.Now
	sp := w.env.Trace.StartMsg(now, msgCommand, trace.Str(c.String()))
	defer sp.End()
	sp.ReasonMsg(msgCommandWhy, trWho.Of(who), trace.Int(now))
	if c.Do == scenario.BringUp {
		sp.ReasonMsg(msgBringUpWhy)
		w.bringUp(sp)
		return hardware.Reply{At: now}
	}
	if slices.Contains(scenario.ControlOps, c.Do) {
		if err := w.runControl(sp, c); err != nil {
			sp.Warn(now, msgFailed, trace.Str(err.Error()))
			return hardware.Reply{At: now, Err: err}
		}
		return hardware.Reply{At: now}
	}
	ref, _ := w.hw.Lookup(c.Target)
	var err error
	switch c.Do {
	case scenario.Power:
		return w.hw.Do(hardware.Request{Op: hardware.OpPower, Target: ref, On: c.On, Guard: now}, sp)
	case scenario.Connect:
		return w.hw.Do(hardware.Request{Op: hardware.OpConnect, Target: ref, On: c.On, Guard: now}, sp)
	case scenario.Boot:
		return w.hw.Do(hardware.Request{Op: hardware.OpBoot, Target: ref, Hard: c.Hard, Guard: now}, sp)
	case scenario.Shutdown:
		return w.hw.Do(hardware.Request{Op: hardware.OpShutdown, Target: ref, Guard: now}, sp)
	case scenario.FaultBlade:
		err = w.hw.FaultBlade(sp, ref.Blade())
	case scenario.RepairBlade:
		err = w.hw.RepairBlade(sp, ref.Blade())
	case scenario.Stick, scenario.Unstick:
		stuck := c.Do == scenario.Stick
		err = w.hw.SetStuck(sp, ref, stuck)
	case scenario.BreakCable, scenario.MendCable:
		p, _ := w.hw.PortSlot(ref, c.Port)
		err = w.hw.SetCableFault(sp, p, c.Do == scenario.BreakCable)
	case scenario.StopRack:
		err = w.hw.StopRack(sp, ref.Index)
	}
	if err != nil {
		sp.Warn(now, msgFailed, trace.Str(err.Error()))
	}
	return hardware.Reply{At: now, Err: err}
}

// bringUp powers on, then connects, every enabled blade, rack by rack, as
// the original's start-up mock did; the connect is sent when the power
// reply comes back, which is at once.
func (w *World) bringUp(sp *trace.Span) {
	now := w.env.Now
	hw := w.hw
	for ri := range int32(hw.NumRacks()) {
		r := hw.Rack(ri)
		rs := sp.ChildMsg(now, msgBringUpRack, trace.Str(r.Path))
		n := 0
		for bi := r.BladeLo; bi < r.BladeHi; bi++ {
			if !hw.Enabled(bi) {
				rs.Info(now, msgLeftOff, trace.Str(hw.Blade(bi).Path))
				continue
			}
			ref := hardware.BladeRef(bi)
			rep := hw.Do(hardware.Request{Op: hardware.OpPower, Target: ref, On: true, Guard: now}, rs)
			if rep.Dropped || rep.Err != nil && !errors.Is(rep.Err, hardware.ErrNoOperation) {
				continue
			}
			hw.Do(hardware.Request{Op: hardware.OpConnect, Target: ref, On: true, Guard: now}, rs)
			n++
		}
		rs.Info(now, msgBroughtUp, trace.Int(n))
		rs.End()
	}
}

// drain handles every event due at or before t, in order, then applies
// the script's commands at t; the clock reads each event's tick while it
// runs.
func (w *World) drain(t clock.Tick) {
	for w.env.Halted() == nil {
		at, _, ev, ok := w.queue.PopDue(t)
		if !ok {
			return
		}
		w.env.Now = at
		w.dispatch(ev)
		w.check(afterEvent(at, ev))
	}
}

func (w *World) dispatch(ev clock.Event) {
	w.dispatched++
	if w.yield != nil && w.dispatched%w.yieldEvery == 0 {
		w.yield()
	}
	h := w.handlers[ev.Kind.Subsystem()]
	if h == nil {
		panic(fmt.Sprintf("sim: event of unknown subsystem: %v", ev))
	}
	h(ev)
	w.settle()
}

// applyScript applies the script's commands due by now.
func (w *World) applyScript() {
	for w.env.Halted() == nil && w.next < len(w.script) && w.script[w.next].At <= w.env.Now {
		c := w.script[w.next]
		w.next++
		if err := w.checkTarget(c.Command); err != nil {
			sp := w.env.Trace.StartMsg(w.env.Now, msgCommand, trace.Str(c.String()))
			sp.Error(w.env.Now, msgSkipped, trace.Str(err.Error()))
			sp.End()
			continue
		}
		w.run(c.Command, whoScript)
		w.settle()
		w.check(func() string { return fmt.Sprintf("script command %s at t=%d", c.Command, w.env.Now) })
		w.drain(w.env.Now)
	}
}

// RunTo advances the clock to tick t, handling every event and script
// command on the way, whatever the policy (the caller checked it). It is
// how every way of advancing time ends up moving the clock.
func (w *World) RunTo(t clock.Tick) error {
	if t < w.env.Now {
		return fmt.Errorf("cannot run back in time from t=%d to t=%d", w.env.Now, t)
	}
	if t > clock.MaxTick {
		return fmt.Errorf("cannot run to t=%d: the longest run is %d ticks", t, clock.MaxTick)
	}
	for {
		if err := w.env.Halted(); err != nil {
			return err
		}
		next := t + 1
		if at, ok := w.queue.Next(); ok && at < next {
			next = at
		}
		if w.next < len(w.script) && w.script[w.next].At < next {
			next = w.script[w.next].At
		}
		if next > t {
			break
		}
		if next > w.env.Now {
			w.env.Now = next
		}
		w.drain(next)
		w.applyScript()
	}
	w.env.Now = t
	return nil
}
