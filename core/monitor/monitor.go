// Package monitor keeps the observed view: what the control plane knows of
// every blade, PDU and TOR, learnt only through the simulated network
// (heartbeats and status polls that travel the hardware's paths), never by
// reading the actual view.
//
// Sustained silence is failure. When an element's heartbeats stop the
// monitor arms a silence timer; a report re-arms nothing and makes the
// timer stale. The first expiry polls the element (an infrastructure span)
// and, with no answer, marks it suspected; the second, failed
// (unavailable). That costs events per change, not per element per poll,
// so 10,000 blades over 30 simulated days stay cheap.
//
// A blade behind a stuck TOR keeps working, but its heartbeats cannot get
// out: the monitor marks it unavailable like a dead one, and says that it
// cannot tell them apart.
package monitor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/env"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/registry"
	"github.com/cloudchamber/cloudchamber/core/snap"
	"github.com/cloudchamber/cloudchamber/core/store"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Subsystem is the high byte of the monitor's event kinds.
const Subsystem = registry.SubsystemMonitor

// EvSilence is a silence timer: Target element, Ref the element's timer
// serial when armed, Arg the stage (1: suspect, 2: fail).
var EvSilence = clock.MakeKind(Subsystem, 1)

// Settings say how long a silence must last.
type Settings struct {
	SuspectAfter clock.Tick `json:"suspectAfter"` // silence before an element is suspected (and polled)
	FailAfter    clock.Tick `json:"failAfter"`    // silence before it is marked unavailable
}

// DefaultSettings suspect after 5 ticks of silence and fail after 10.
func DefaultSettings() Settings { return Settings{SuspectAfter: 5, FailAfter: 10} }

// Validate checks 1 <= suspectAfter < failAfter <= clock.SettingMax.
func (s Settings) Validate() error {
	switch {
	case s.SuspectAfter < 1:
		return fmt.Errorf("monitor.suspectAfter must be >= 1, got %d", s.SuspectAfter)
	case s.FailAfter <= s.SuspectAfter:
		return fmt.Errorf("monitor.failAfter must be > suspectAfter (%d), got %d", s.SuspectAfter, s.FailAfter)
	case s.FailAfter > clock.SettingMax:
		return fmt.Errorf("monitor.failAfter must be <= %d, got %d", clock.SettingMax, s.FailAfter)
	}
	return nil
}

// Network is what the monitor learns of the hardware: what travels the
// network (heartbeats, and the answers to status polls) and the element
// numbering, paths and racks of the inventory. It never reads the
// hardware's states, cables or inputs; the partition test in core/sim
// shows the consequence (actual says working, observed says unavailable).
// *hardware.Model is one.
type Network interface {
	// Elements is the number of elements, numbered 0 … Elements()-1.
	Elements() int
	Element(hardware.Ref) views.ElemID
	ElementRef(e views.ElemID) hardware.Ref
	Path(hardware.Ref) string
	// RackDevices is the range of the PDUs or TORs in an element's rack.
	RackDevices(ref hardware.Ref, k hardware.Kind) (lo, hi int32)
	// Heartbeats has fn receive every change of what the monitor hears.
	Heartbeats(fn func(hardware.Heartbeat))
	// Poll sends an element a status request, traced under parent.
	Poll(ref hardware.Ref, parent *trace.Span) hardware.Reply
}

// Monitor is the monitor service.
type Monitor struct {
	env   *env.Env
	hw    Network
	set   Settings
	elems []elem // by hardware element number
	// byHealth counts the elements per published health, as put changes
	// it, so that a sample reads it without a pass over every element.
	byHealth [views.HealthCount]int64
}

type elem struct {
	obs    views.Observed
	path   string
	serial uint64 // bumped by every heartbeat change: older timers are stale
	target views.Target
	health views.Health // as counted in byHealth: the last published
}

// New builds the monitor over the hardware's elements, every one never
// seen, with the hardware's heartbeats wired to it. It puts nothing in the
// store: Start does for a fresh run, UnmarshalSnapshot for a restored one.
func New(env *env.Env, hw Network, set Settings) (*Monitor, error) {
	if err := set.Validate(); err != nil {
		return nil, err
	}
	m := &Monitor{env: env, hw: hw, set: set, elems: make([]elem, hw.Elements())}
	for e := range m.elems {
		el := &m.elems[e]
		el.path = hw.Path(hw.ElementRef(views.ElemID(e)))
		el.obs = views.Observed{LastSeen: clock.Never, SilentSince: clock.Never}
		el.health = views.NeverSeen
	}
	m.byHealth[views.NeverSeen] = int64(len(m.elems))
	env.Views.Targets.Watch(m.targetChanged)
	hw.Heartbeats(m.heartbeat)
	return m, nil
}

// Start publishes every element as never seen, as a fresh run begins,
// each with the target already in the store. The first flush tells it what
// answers at once.
func (m *Monitor) Start() {
	for e := range m.elems {
		el := &m.elems[e]
		if t, ok := m.env.Views.Targets.Get(views.ElemID(e)); ok {
			el.target = t
		}
		m.env.Views.Observations.Put(views.ElemID(e), el.obs)
	}
}

// Observed is the monitor's view of element e.
func (m *Monitor) Observed(e views.ElemID) views.Observed { return m.elems[e].obs }

// CountHealth is the number of elements whose published health is h. O(1).
func (m *Monitor) CountHealth(h views.Health) int64 { return m.byHealth[h] }

func (m *Monitor) put(e views.ElemID) {
	el := &m.elems[e]
	if el.health != el.obs.Health {
		m.byHealth[el.health]--
		m.byHealth[el.obs.Health]++
		el.health = el.obs.Health
	}
	m.env.Views.Observations.Put(e, el.obs)
}

// heartbeat takes a change of what the network carries from an element.
func (m *Monitor) heartbeat(hb hardware.Heartbeat) {
	now := m.env.Now
	e := m.hw.Element(hb.Element)
	el := &m.elems[e]
	el.serial++
	if !hb.Up {
		// Silence from now on; only the timer will notice it.
		if el.obs.LastSeen != clock.Never {
			el.obs.SilentSince = hb.At
			m.env.Queue.Push(hb.At+m.set.SuspectAfter, clock.Event{Kind: EvSilence, Target: uint32(e), Ref: el.serial, Arg: 1})
		}
		return
	}
	was := el.obs
	el.obs.State, el.obs.LastSeen, el.obs.SilentSince = hb.State, now, clock.Never
	el.obs.Faulted = slices.Clone(hb.Faulted)
	el.obs.Health = m.heardHealth(el)
	path, state := trace.Str(el.path), trace.Str(hb.State.String())
	sp := m.env.Trace.StartMsg(now, msgReports, path, state)
	defer sp.End()
	sp.Impact(trace.Modify, el.path)
	switch {
	case was.Health == views.NeverSeen:
		sp.ReasonMsg(msgFirstReport, path, state)
	case !was.Health.Heard():
		sp.ReasonMsg(msgAnswersAgain, path, trace.Int(now-was.SilentSince), health(was.Health), state)
	case was.State != hb.State:
		sp.ReasonMsg(msgReportsChange, path, trace.Str(was.State.String()), state)
	default:
		sp.ReasonMsg(msgReportsFaulted, path, trace.Str(fmt.Sprint(hb.Faulted)))
	}
	if len(hb.Faulted) > 0 {
		sp.Warn(now, msgFaultedCables, path, trace.Str(fmt.Sprint(hb.Faulted)))
	}
	m.put(e)
}

// heardHealth is the health of an element that is heard: healthy, or
// draining/removing when its target takes it out.
func (m *Monitor) heardHealth(el *elem) views.Health {
	switch el.target.Condition {
	case inventory.ConditionNotInService, inventory.ConditionRetiring:
		return views.Draining
	case inventory.ConditionRetired:
		return views.Removing
	}
	return views.Healthy
}

func (m *Monitor) targetChanged(ch store.Change[views.ElemID, views.Target]) {
	if ch.Deleted {
		return
	}
	e, t := ch.Key, ch.New
	el := &m.elems[e]
	el.target = t
	if el.obs.Health.Heard() {
		if h := m.heardHealth(el); h != el.obs.Health {
			sp := m.env.Trace.StartMsg(m.env.Now, msgIs, trace.Str(el.path), health(h))
			sp.ReasonMsg(msgIsWhy, trace.Str(el.path), trConditions.Of(uint8(t.Condition)), health(h))
			sp.Info(m.env.Now, msgHealthChange, trace.Str(el.path), health(el.obs.Health), health(h))
			sp.Impact(trace.Modify, el.path)
			sp.End()
			el.obs.Health = h
			m.put(e)
		}
	}
}

// Handle runs a silence timer.
func (m *Monitor) Handle(ev clock.Event) {
	now := m.env.Now
	e := views.ElemID(ev.Target)
	el := &m.elems[e]
	if ev.Ref != el.serial {
		sp := m.env.Trace.StartInfraMsg(now, msgSilenceTimer, trace.Str(el.path))
		sp.ReasonMsg(msgStaleTimer)
		sp.End()
		return
	}
	silent := now - el.obs.SilentSince
	poll := m.env.Trace.StartInfraMsg(now, msgPoll, trace.Str(el.path))
	poll.ReasonMsg(msgPollWhy, trace.Str(el.path), trace.Int(silent))
	rep := m.hw.Poll(m.hw.ElementRef(e), poll)
	poll.End()
	if !rep.Dropped && rep.Err == nil {
		// It answered the poll although its heartbeats stopped: believe the answer.
		m.heartbeat(hardware.Heartbeat{Element: m.hw.ElementRef(e), At: now, Up: true, State: rep.Status.State})
		return
	}
	sp := m.env.Trace.StartMsg(now, msgSilent, trace.Str(el.path))
	defer sp.End()
	sp.Impact(trace.Modify, el.path)
	was := el.obs.Health
	if ev.Arg == 1 {
		el.obs.Health = views.Suspected
		sp.ReasonMsg(msgSuspected, trace.Str(el.path), trace.Int(el.obs.SilentSince), trace.Int(silent))
		m.env.Queue.Push(el.obs.SilentSince+m.set.FailAfter, clock.Event{Kind: EvSilence, Target: uint32(e), Ref: el.serial, Arg: 2})
	} else {
		el.obs.Health = views.Unavailable
		msg, what := m.cannotTell(e)
		sp.ReasonMsg(msg, trace.Str(el.path), trace.Int(el.obs.SilentSince), trace.Int(silent), what)
	}
	sp.Info(now, msgSilentChange, trace.Str(el.path), health(was), health(el.obs.Health), trace.Str(el.obs.State.String()), trace.Int(el.obs.LastSeen))
	el.obs.Link = uint64(sp.LinkMsg(now, msgDependents, trace.Str(el.path)))
	m.put(e)
}

// cannotTell says what the silence may mean: the message that marks the
// element unavailable, and its last argument. For a blade, the monitor only
// knows whether the TORs that link it are heard.
func (m *Monitor) cannotTell(e views.ElemID) (trace.Msg, trace.Arg) {
	switch t := m.elems[e].target; {
	case !t.Enabled:
		return msgUnavailable, trCannotTell.Of(0)
	case t.Condition == inventory.ConditionOutForRepair:
		return msgUnavailable, trCannotTell.Of(1)
	case !t.ShouldRun():
		return msgUnavailableOut, trConditions.Of(uint8(t.Condition))
	}
	ref := m.hw.ElementRef(e)
	if ref.Kind != hardware.KindBlade {
		return msgUnavailable, trCannotTell.Of(2)
	}
	var silentTORs []string
	lo, hi := m.hw.RackDevices(ref, hardware.KindTOR)
	for t := lo; t < hi; t++ {
		te := m.hw.Element(hardware.Ref{Kind: hardware.KindTOR, Index: t})
		if !m.elems[te].obs.Health.Heard() {
			silentTORs = append(silentTORs, m.elems[te].path)
		}
	}
	if len(silentTORs) > 0 {
		return msgUnavailableTOR, trace.Str(strings.Join(silentTORs, ", "))
	}
	return msgUnavailable, trCannotTell.Of(3)
}

// MarshalSnapshot writes every element's observed record and timer serial.
func (m *Monitor) MarshalSnapshot(w *snap.Writer) {
	w.Section("monitor", 2)
	w.Uint(uint64(len(m.elems)))
	for i := range m.elems {
		el := &m.elems[i]
		w.Uint(el.serial)
		views.ObservedCodec.Write(w, el.obs)
		views.TargetCodec.Write(w, el.target)
	}
}

// UnmarshalSnapshot restores what MarshalSnapshot wrote.
func (m *Monitor) UnmarshalSnapshot(r *snap.Reader) error {
	if v := r.Section("monitor", 2); r.Err() == nil && v < 2 {
		return r.Failf("monitor section version %d is older than this build's 2", v)
	}
	if n := r.Len(len(m.elems)); n != len(m.elems) {
		return r.Failf("monitor snapshot has %d elements, the inventory %d", n, len(m.elems))
	}
	for i := range m.elems {
		el := &m.elems[i]
		el.serial = r.Uint()
		o, err := views.ObservedCodec.Read(r)
		if err != nil {
			return r.Failf("%s: %v", el.path, err)
		}
		t, err := views.TargetCodec.Read(r)
		if err != nil {
			return r.Failf("%s: %v", el.path, err)
		}
		el.obs, el.target = o, t
	}
	m.byHealth = [views.HealthCount]int64{}
	for i := range m.elems {
		el := &m.elems[i]
		if int(el.obs.Health) >= len(m.byHealth) {
			return r.Failf("element %s: health %d", el.path, el.obs.Health)
		}
		el.health = el.obs.Health
		m.byHealth[el.health]++
	}
	return r.Err()
}

// CheckEvent reports whether ev is a silence timer the monitor can run.
func (m *Monitor) CheckEvent(ev clock.Event) error {
	if ev.Kind != EvSilence || int(ev.Target) >= len(m.elems) || ev.Arg != 1 && ev.Arg != 2 {
		return fmt.Errorf("monitor event %v: not a silence timer of an element", ev)
	}
	return nil
}

// CheckRestored verifies a restored monitor against the store: each
// element's observation is one it can have at tick now, and is the record
// of the observed view, and its target the target view's.
func (m *Monitor) CheckRestored(now clock.Tick) error {
	for e := range m.elems {
		el := &m.elems[e]
		o := el.obs
		switch {
		case o.LastSeen != clock.Never && (o.LastSeen < 0 || o.LastSeen > now),
			o.SilentSince != clock.Never && (o.SilentSince < 0 || o.SilentSince > now):
			return fmt.Errorf("%s: last seen t=%d, silent since t=%d, at t=%d", el.path, o.LastSeen, o.SilentSince, now)
		case (o.Health == views.NeverSeen) != (o.LastSeen == clock.Never):
			return fmt.Errorf("%s: %s, last seen t=%d", el.path, o.Health, o.LastSeen)
		}
		got, ok := m.env.Views.Observations.Get(views.ElemID(e))
		if !ok || !equalObserved(got, o) {
			return fmt.Errorf("%s: the observed record is not the monitor's", el.path)
		}
		if t, ok := m.env.Views.Targets.Get(views.ElemID(e)); !ok || t != el.target {
			return fmt.Errorf("%s: the monitor's target is not the target record", el.path)
		}
	}
	if n := m.env.Views.Observations.Len(); n != len(m.elems) {
		return fmt.Errorf("the observed view has %d records for %d elements", n, len(m.elems))
	}
	return nil
}

// equalObserved: the record is the monitor's observation, except that a
// silence the monitor has noted but not yet judged (no timer fired) is not
// written, so the record may still say it is heard.
func equalObserved(rec, obs views.Observed) bool {
	return rec.State == obs.State && rec.Health == obs.Health && rec.LastSeen == obs.LastSeen &&
		(rec.SilentSince == obs.SilentSince || rec.SilentSince == clock.Never) && rec.Link == obs.Link && slices.Equal(rec.Faulted, obs.Faulted)
}
