// Package repair is the inventory repair manager: it drives every blade,
// PDU and TOR from what the monitor observes toward its target, with the
// scenario's rules deciding each step and saying why.
//
// It reads the observed and target views (never actual) and acts through
// the hardware's commands, as a real control plane would. When the gentle
// fixes fail it marks the element out_for_repair and calls a technician,
// who does look at the hardware (a person at the rack sees what is
// broken), fixes it after a seeded random time, and hands it back for
// burn-in; then the element is operational again.
//
// Facts the rules can test, per element:
//
//	should-run, take-out           from the target (operational/burn_in; maintenance/retiring/retired or a disabled blade)
//	out-for-repair, burn-in        the target's condition
//	never-seen, heard, suspected, unavailable   the observed health
//	state:<s>                      the state it last reported
//	working, transitioning         heard and working; heard and booting or stopping
//	unstarted                      not started: never heard working since it was targeted, came back from
//	                               repair, or was shut down or switched off by the manager itself
//	tried:<choice>                 the choice was taken since the element last came back to work or its target changed
//	tor-unavailable, pdu-unavailable   every TOR (PDU) of its rack is silent
//	cable-faulted                  a PDU or TOR reports a cable to this blade faulted
//	reports-faulted                a PDU or TOR reports one of its own cables faulted
//	has-workloads                  instances are placed on the blade
//
// Decisions are bounded, so that no rule set can run away: a choice waits
// at least its action's MinWait before the element is decided again (the
// rules are refused otherwise, see Actions); an element has at most one
// pending action of a kind (a new power-cycle replaces the pending power-on
// of an older one); and more than DecisionsPerTickMax decisions about one
// element in one tick stop the run with a RunawayError naming the rule and
// the element.
package repair

import (
	"fmt"
	"slices"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/rng"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Subsystem is the high byte of the repair manager's event kinds.
const Subsystem = registry.SubsystemRepair

// Event kinds; Target is the element, Ref the serial that makes older
// events stale.
var (
	EvRecheck    = clock.MakeKind(Subsystem, 1) // a wait is over: decide again
	EvPowerBack  = clock.MakeKind(Subsystem, 2) // second half of a power-cycle
	EvTechnician = clock.MakeKind(Subsystem, 3) // the technician has finished
	EvBurnIn     = clock.MakeKind(Subsystem, 4) // burn-in is over
)

// Settings of the repair manager.
type Settings struct {
	Technician clock.Range `json:"technician"` // how long a technician takes, drawn uniformly (ticks)
	BurnIn     clock.Tick  `json:"burnIn"`     // burn-in after a repair (ticks)
}

// DefaultSettings: a technician takes 10 to 30 minutes at a tick a second,
// and burn-in 5 minutes.
func DefaultSettings() Settings {
	return Settings{Technician: clock.Range{Low: 600, High: 1800}, BurnIn: 300}
}

// Validate checks the ranges.
func (s Settings) Validate() error {
	if err := s.Technician.Validate("repair.technician", 1); err != nil {
		return err
	}
	if s.BurnIn < 0 || s.BurnIn > clock.SettingMax {
		return fmt.Errorf("repair.burnIn must be in 0..%d, got %d", clock.SettingMax, s.BurnIn)
	}
	return nil
}

// DecisionsPerTickMax bounds the decisions about one element in one tick.
// Within the waits above an element is decided about once or twice a tick
// at most (it comes back to work, then a rule acts on it); a rule set that
// goes beyond is a feedback loop, and the run stops rather than grow.
const DecisionsPerTickMax = 8

// RunawayError stops a run whose rules decide about one element without
// bound within a tick.
type RunawayError struct {
	At        clock.Tick
	Element   string
	Rule      string
	Choice    string
	Decisions int
}

func (e *RunawayError) Error() string {
	return fmt.Sprintf("the run stopped at t=%d: rule %q (choice %q) decided about %s more than %d times in one tick, a feedback loop in the repair rules; change the rule and reset or rewind",
		e.At, e.Rule, e.Choice, e.Element, e.Decisions)
}

// Manager is the inventory repair manager.
type Manager struct {
	env   *env.Env
	hw    *hardware.Model
	set   Settings
	rules *rules.Set
	rand  *rng.Source
	elems []elem

	facts    numbering       // the facts rules may test, numbered
	compiled *rules.Compiled // the rules, compiled against facts
	keys     []views.Place   // faultKeys' result, reused
}

type elem struct {
	path      string
	kind      string
	tried     []int      // the tried facts of the choices taken since the element last came back to work or its target changed, sorted
	serial    uint64     // makes older timers stale
	until     clock.Tick // waiting for the effect of an action until then (Never: not waiting)
	job       bool       // a technician is on it
	burn      uint64     // the pending burn-in's serial (its own: recovering must not cancel it)
	cycle     uint64     // the pending power-cycle's serial: a newer power-cycle replaces its power-on
	unstarted bool
	works     bool   // it worked when last considered
	goal      goal   // what its target asked when last considered
	quiet     string // the rule that last found no choice, so it is traced once
	targetKey string // "target/<path>", the impact of a change of its target; "" until the first

	decidedAt clock.Tick // the tick of the last decision, and
	decisions uint8      // how many were made in it (see DecisionsPerTickMax)
}

// goal is what an element's target asks of the repair manager.
type goal uint8

const (
	goalNone    goal = iota // out for repair, or a disabled PDU or TOR
	goalRun                 // should-run
	goalTakeOut             // take-out
)

// New starts the repair manager on the observed and target views.
func New(env *env.Env, hw *hardware.Model, set Settings, rs *rules.Set, seed uint64) (*Manager, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	if err := ValidateRules(rs); err != nil {
		return nil, err
	}
	m := &Manager{env: env, hw: hw, set: set, rules: rs, rand: rng.New(seed, registry.StreamRepair), elems: make([]elem, hw.Elements())}
	m.facts = newNumbering(rs)
	m.compiled = rs.Compile(m.facts.names)
	for e := range m.elems {
		ref := hw.ElementRef(views.ElemID(e))
		m.elems[e] = elem{path: hw.Path(ref), kind: ref.Kind.String(), until: clock.Never, unstarted: true, decidedAt: clock.Never}
	}
	env.Views.Observations.Watch(m.observedChanged)
	env.Views.Targets.Watch(m.targetChanged)
	env.Views.Usage.Watch(m.usageChanged)
	return m, nil
}

// Rules are the rules in force.
func (m *Manager) Rules() *rules.Set { return m.rules }

func (m *Manager) observedChanged(ch store.Change[views.ElemID, views.Observed]) {
	var link trace.LinkID
	if !ch.Deleted && ch.Old.Link != ch.New.Link {
		link = trace.LinkID(ch.New.Link) // the monitor's verdict this decision answers
	}
	m.consider(ch.Key, link)
}

func (m *Manager) targetChanged(ch store.Change[views.ElemID, views.Target]) { m.consider(ch.Key, 0) }

// usageChanged reconsiders a blade being drained when its last instance
// has moved away.
func (m *Manager) usageChanged(ch store.Change[views.BladeID, views.Usage]) {
	if !ch.Deleted && ch.New.Instances > 0 {
		return
	}
	m.consider(hardware.BladeElem(ch.Key), 0)
}

// Start considers every element once: the ones never seen get powered on.
func (m *Manager) Start() {
	for e := range m.elems {
		m.consider(views.ElemID(e), 0)
	}
}

func (m *Manager) observed(e views.ElemID) views.Observed {
	o, _ := m.env.Views.Observations.Get(e)
	return o
}

func (m *Manager) target(e views.ElemID) views.Target {
	t, _ := m.env.Views.Targets.Get(e)
	return t
}

// consider decides what to do about element e, unless it is waiting for
// an earlier action (duplicate suppression) or is with a technician.
// link ties the decision to the span that caused it (0: none).
func (m *Manager) consider(e views.ElemID, link trace.LinkID) {
	if m.env.Halted() != nil {
		return
	}
	now := m.env.Now
	el := &m.elems[e]
	if el.job {
		return
	}
	var words [factsWordsMax]uint64
	facts := rules.Bits(words[:])
	if n := m.compiled.Words(); n > len(words) {
		facts = make(rules.Bits, n)
	} else {
		facts = facts[:n]
	}
	m.describe(e, facts, false)
	works, g := works(facts, m.hw.ElementRef(e).Kind), goalOf(facts)
	if works && !el.works || g != el.goal {
		// It has come back to work, or its target asks something else:
		// what was tried belongs to the past, and a wait for it is over, so
		// the next failure starts from the gentlest fix at once. Only the
		// change counts: a blade still working while it is being shut
		// down keeps what was tried and waits for it.
		if works && !el.works {
			el.unstarted = false
		}
		el.tried, el.quiet = nil, ""
		if el.until != clock.Never {
			el.until = clock.Never
			el.serial++
		}
		m.describe(e, facts, false)
	}
	el.works, el.goal = works, g
	if el.until != clock.Never && now < el.until {
		return
	}
	d, ok := m.compiled.Decide(el.kind, el.path, facts)
	if !ok {
		el.quiet = ""
		return
	}
	if d.Call == "" {
		if el.quiet != d.Rule {
			el.quiet = d.Rule
			sp := m.start(now, link, trace.Str(d.Rule), trace.Str(el.path))
			var buf [8]trace.Arg
			sp.ReasonMsg(msgRuleReason, reasonArgs(buf[:0], &d)...)
			sp.Warn(now, msgNoChoice, trace.Str(d.Rule), trace.Str(el.path), trace.Str(m.factsText(e, facts)))
			sp.End()
		}
		return
	}
	el.quiet = ""
	if !m.admit(e, d) {
		return
	}
	sp := m.start(now, link, trace.Str(d.Choice), trace.Str(el.path))
	defer sp.End()
	var buf [8]trace.Arg
	sp.ReasonMsg(msgRuleReason, reasonArgs(buf[:0], &d)...)
	sp.Impact(trace.Execute, el.path)
	sp.Debug(now, msgChose, trace.Str(d.Rule), trace.Str(d.Choice), trace.Str(m.factsText(e, facts)))
	if t, _ := m.facts.tried(d.Choice); !slices.Contains(el.tried, t) {
		el.tried = append(el.tried, t)
		slices.Sort(el.tried)
	}
	m.call(sp, e, d.Call)
	if d.Wait > 0 && !el.job {
		el.serial++
		el.until = now + clock.Tick(d.Wait)
		m.env.Queue.Push(el.until, clock.Event{Kind: EvRecheck, Target: uint32(e), Ref: el.serial})
	}
}

// admit counts a decision about e and halts the run when it is one too
// many for this tick.
func (m *Manager) admit(e views.ElemID, d rules.Decision) bool {
	now := m.env.Now
	el := &m.elems[e]
	if el.decidedAt != now {
		el.decidedAt, el.decisions = now, 0
	}
	if el.decisions == DecisionsPerTickMax {
		m.env.Halt(&RunawayError{At: now, Element: el.path, Rule: d.Rule, Choice: d.Choice, Decisions: DecisionsPerTickMax})
		sp := m.env.Trace.StartMsg(now, msgStopped, trace.Str(el.path))
		sp.ReasonMsg(msgStoppedWhy, trace.Str(d.Rule), trace.Str(el.path), trace.Int(DecisionsPerTickMax))
		sp.Error(now, msgHalted, trace.Str(m.env.Halted().Error()))
		sp.End()
		return false
	}
	el.decisions++
	return true
}

// start starts a decision's span, "repair: <what> <path>".
func (m *Manager) start(now clock.Tick, link trace.LinkID, what, path trace.Arg) *trace.Span {
	if link != 0 {
		return m.env.Trace.StartLinkedMsg(now, link, msgDecision, what, path)
	}
	return m.env.Trace.StartMsg(now, msgDecision, what, path)
}

// call carries out an action.
func (m *Manager) call(sp *trace.Span, e views.ElemID, call string) {
	now := m.env.Now
	ref := m.hw.ElementRef(e)
	do := func(op hardware.Op, on, hard bool) {
		m.hw.Do(hardware.Request{Op: op, Target: ref, On: on, Hard: hard, Guard: now}, sp)
	}
	switch call {
	case "power-on":
		do(hardware.OpPower, true, false)
		if ref.Kind == hardware.KindBlade {
			do(hardware.OpConnect, true, false)
		}
	case "boot", "soft-reboot":
		do(hardware.OpBoot, false, false)
	case "hard-reboot":
		do(hardware.OpBoot, false, true)
	case "shutdown":
		do(hardware.OpShutdown, false, false)
		m.elems[e].unstarted = true // it is off on purpose: start it, not reboot it, when it should run again
	case "power-off":
		do(hardware.OpPower, false, false)
		m.elems[e].unstarted = true
	case "power-cycle":
		do(hardware.OpPower, false, false)
		el := &m.elems[e]
		el.cycle++ // a pending power-on of an older power-cycle is replaced by this one's
		link := sp.LinkMsg(now, msgPowerBackAt, trace.Int(now+1))
		m.env.Queue.Push(now+1, clock.Event{Kind: EvPowerBack, Target: uint32(e), Ref: el.cycle, Link: uint64(link)})
	case "technician":
		m.callTechnician(sp, e)
	case "wait":
	}
}

func (m *Manager) setCondition(sp *trace.Span, e views.ElemID, c inventory.Condition) {
	el := &m.elems[e]
	t := m.target(e)
	sp.Info(m.env.Now, msgCondition, trace.Str(el.path), trConditions.Of(uint8(t.Condition)), trConditions.Of(uint8(c)))
	if el.targetKey == "" {
		el.targetKey = "target/" + el.path
	}
	sp.Impact(trace.Modify, el.targetKey)
	t.Condition = c
	m.env.Views.Targets.Put(e, t)
}

// callTechnician marks the element out for repair and sends a technician,
// whose repair time is drawn now: from the fault's own mean repair time
// when a random failure process caused it, else uniformly.
func (m *Manager) callTechnician(sp *trace.Span, e views.ElemID) {
	now := m.env.Now
	el := &m.elems[e]
	el.job = true
	el.serial++
	el.until = clock.Never
	m.setCondition(sp, e, inventory.ConditionOutForRepair)
	d := clock.Tick(m.rand.Range(int64(m.set.Technician.Low), int64(m.set.Technician.High)))
	if mean := m.repairMean(e); mean > 0 {
		d = clock.Tick(m.rand.Exp(float64(mean)))
	}
	link := sp.LinkMsg(now, msgTechDue, trace.Int(now+d))
	sp.Info(now, msgTechCalled, trace.Str(el.path), trace.Int(now+d))
	m.env.Queue.Push(now+d, clock.Event{Kind: EvTechnician, Target: uint32(e), Ref: el.serial, Link: uint64(link)})
}

// repairMean is the mean repair time recorded with a fault on the element
// (or on a cable to it), 0 if none says.
func (m *Manager) repairMean(e views.ElemID) int64 {
	for _, p := range m.faultKeys(e) {
		if f, ok := m.env.Views.Faults.Get(p); ok {
			if f.RepairMean > 0 {
				return f.RepairMean
			}
		}
	}
	return 0
}

// faultKeys are the places whose faults a technician fixes when sent to
// e: the element and its cables. The slice is the manager's, valid until
// the next call.
func (m *Manager) faultKeys(e views.ElemID) []views.Place {
	ref := m.hw.ElementRef(e)
	keys := append(m.keys[:0], hardware.PlaceOf(ref))
	switch ref.Kind {
	case hardware.KindBlade:
		power, network := m.hw.BladeCables(ref.Blade())
		for _, p := range append(power, network...) {
			keys = append(keys, m.hw.Cable(p).Place)
		}
	case hardware.KindPDU, hardware.KindTOR:
		for _, c := range m.hw.Ports(ref) {
			keys = append(keys, c.Place)
		}
	}
	m.keys = keys
	return keys
}

// Handle runs the repair manager's timers.
func (m *Manager) Handle(ev clock.Event) {
	now := m.env.Now
	e := views.ElemID(ev.Target)
	el := &m.elems[e]
	switch ev.Kind {
	case EvRecheck:
		if ev.Ref != el.serial {
			return
		}
		el.until = clock.Never
		m.consider(e, 0)
	case EvPowerBack:
		if ev.Ref != el.cycle {
			return
		}
		sp := m.env.Trace.StartLinkedMsg(now, trace.LinkID(ev.Link), msgPowerBack, trace.Str(el.path))
		sp.ReasonMsg(msgPowerBackWhy, trace.Str(el.path))
		m.call(sp, e, "power-on")
		sp.End()
	case EvTechnician:
		if ev.Ref != el.serial {
			return
		}
		m.technicianDone(e, trace.LinkID(ev.Link))
	case EvBurnIn:
		if ev.Ref != el.burn {
			return
		}
		sp := m.env.Trace.StartMsg(now, msgBurnInOver, trace.Str(el.path))
		sp.ReasonMsg(msgBurnInWhy, trace.Str(el.path), trace.Int(m.set.BurnIn))
		m.setCondition(sp, e, inventory.ConditionOperational)
		sp.End()
	default:
		panic(fmt.Sprintf("repair: unknown event %v", ev))
	}
}

// technicianDone is the technician's work: fix whatever is broken on the
// element and its cables, clear the fault records, and hand it back.
func (m *Manager) technicianDone(e views.ElemID, link trace.LinkID) {
	now := m.env.Now
	el := &m.elems[e]
	sp := m.env.Trace.StartLinkedMsg(now, link, msgTechnician, trace.Str(el.path))
	defer sp.End()
	ref := m.hw.ElementRef(e)
	var buf [8]trace.Arg
	fixed := append(buf[:0], trace.Str(el.path)) // msgTechFixed's arguments: the path, then each fix
	fix := func(err error, what trace.Msg, args ...trace.Arg) {
		if err == nil {
			fixed = trace.AppendMsg(fixed, what, args...)
		}
	}
	switch ref.Kind {
	case hardware.KindBlade:
		if m.hw.Blade(ref.Blade()).State == hardware.BladeFaulted {
			fix(m.hw.RepairBlade(sp, ref.Blade()), msgFixBlade)
		}
		power, network := m.hw.BladeCables(ref.Blade())
		for _, p := range append(power, network...) {
			if c := m.hw.Cable(p); c.Faulted {
				fix(m.hw.SetCableFault(sp, p, false), msgFixCable, trace.Str(m.hw.CablePath(p)))
			}
		}
	case hardware.KindPDU, hardware.KindTOR:
		if m.hw.Device(ref).State == hardware.DeviceStuck {
			msg := msgFixPDU
			if ref.Kind == hardware.KindTOR {
				msg = msgFixTOR
			}
			fix(m.hw.SetStuck(sp, ref, false), msg)
		}
		for p, c := range m.hw.Ports(ref) {
			if c.Faulted {
				fix(m.hw.SetCableFault(sp, p, false), msgFixCable, trace.Str(m.hw.CablePath(p)))
			}
		}
	}
	for _, k := range m.faultKeys(e) {
		if m.env.Views.Faults.Delete(k) {
			sp.Impact(trace.Delete, views.FaultKey(m.hw.PlacePath(k)))
		}
	}
	if len(fixed) == 1 {
		sp.ReasonMsg(msgTechNothing, trace.Str(el.path))
	} else {
		sp.ReasonMsg(msgTechFixed, fixed...)
	}
	el.job, el.tried, el.unstarted, el.quiet = false, nil, true, ""
	el.serial++
	if m.set.BurnIn > 0 {
		m.setCondition(sp, e, inventory.ConditionBurnIn)
		el.burn++
		m.env.Queue.Push(now+m.set.BurnIn, clock.Event{Kind: EvBurnIn, Target: uint32(e), Ref: el.burn})
	} else {
		m.setCondition(sp, e, inventory.ConditionOperational)
	}
}

// CallTechnician sends a technician to an element now, whatever the rules
// say (the user's "call a technician" action).
func (m *Manager) CallTechnician(sp *trace.Span, e views.ElemID) error {
	if m.elems[e].job {
		return fmt.Errorf("a technician is already on %s", m.elems[e].path)
	}
	m.callTechnician(sp, e)
	return nil
}

// MarshalSnapshot writes the manager's per-element state and generator.
func (m *Manager) MarshalSnapshot(w *snap.Writer) {
	w.Section("repair", 2)
	b, _ := m.rand.MarshalBinary()
	w.Blob(b)
	w.Uint(uint64(len(m.elems)))
	for i := range m.elems {
		el := &m.elems[i]
		w.Uint(uint64(len(el.tried)))
		for _, t := range el.tried {
			w.String(m.facts.choices[t-factTried])
		}
		w.Uint(el.serial)
		w.Int(int64(el.until))
		w.Bool(el.job)
		w.Bool(el.unstarted)
		w.String(el.quiet)
		w.Uint(el.burn)
		w.Uint(el.cycle)
		w.Bool(el.works)
		w.Uint(uint64(el.goal))
		w.Int(int64(el.decidedAt))
		w.Uint(uint64(el.decisions))
	}
}

// UnmarshalSnapshot restores what MarshalSnapshot wrote.
func (m *Manager) UnmarshalSnapshot(r *snap.Reader) error {
	r.Section("repair", 2)
	if err := m.rand.UnmarshalBinary(r.Blob()); err != nil {
		return r.Fail(err)
	}
	if n := r.Len(len(m.elems)); n != len(m.elems) {
		return r.Failf("repair snapshot has %d elements, the inventory %d", n, len(m.elems))
	}
	for i := range m.elems {
		el := &m.elems[i]
		el.tried = nil
		for range r.Len(64) {
			c := r.String()
			t, ok := m.facts.tried(c)
			if !ok && r.Err() == nil {
				return r.Failf("repair snapshot: element %d tried %q, which is no choice of the rules", i, c)
			}
			el.tried = append(el.tried, t)
		}
		el.serial, el.until = r.Uint(), clock.Tick(r.Int())
		el.job, el.unstarted, el.quiet, el.burn = r.Bool(), r.Bool(), r.String(), r.Uint()
		el.cycle, el.works, el.goal = r.Uint(), r.Bool(), goal(r.Uint())
		el.decidedAt, el.decisions = clock.Tick(r.Int()), uint8(r.Uint())
		if el.goal > goalTakeOut || el.decisions > DecisionsPerTickMax {
			return r.Failf("repair snapshot: element %d has goal %d and %d decisions", i, el.goal, el.decisions)
		}
	}
	return r.Err()
}

// CheckEvent reports whether ev is a repair timer of an element.
func (m *Manager) CheckEvent(ev clock.Event) error {
	switch ev.Kind {
	case EvRecheck, EvPowerBack, EvTechnician, EvBurnIn:
	default:
		return fmt.Errorf("repair event of unknown kind %#04x", uint16(ev.Kind))
	}
	if int(ev.Target) >= len(m.elems) {
		return fmt.Errorf("repair event for element %d of %d", ev.Target, len(m.elems))
	}
	return nil
}

// CheckRestored verifies a restored manager: an element with a technician
// on it has the technician's event queued, and nothing is dated after now.
func (m *Manager) CheckRestored(now clock.Tick, pending map[uint64]clock.Scheduled) error {
	technicians := map[uint32]uint64{} // element -> serial of its queued technician
	for _, s := range pending {
		if s.Kind == EvTechnician {
			technicians[s.Target] = s.Ref
		}
	}
	for e := range m.elems {
		el := &m.elems[e]
		switch {
		case el.decidedAt != clock.Never && el.decidedAt > now:
			return fmt.Errorf("%s: decided at t=%d, at t=%d", el.path, el.decidedAt, now)
		case el.job && technicians[uint32(e)] != el.serial:
			return fmt.Errorf("%s: a technician is on it, but none is due", el.path)
		}
	}
	return nil
}
