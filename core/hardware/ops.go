package hardware

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// Op is what a request asks of an element.
type Op uint8

const (
	OpPower    Op = iota + 1 // switch power on or off: a blade's outlets, or a whole PDU
	OpConnect                // connect or disconnect a blade's network ports
	OpBoot                   // boot a blade (Hard: reset at once; soft: shut down gracefully, then boot)
	OpShutdown               // shut a blade down gracefully
	OpStatus                 // ask an element for its status
)

var opNames = [...]string{"", "power", "connect", "boot", "shutdown", "status"}

func (o Op) String() string { return enumName(opNames[:], uint8(o), "op") }

// Request is a command to the hardware.
type Request struct {
	Op     Op
	Target Ref
	On     bool       // OpPower, OpConnect
	Hard   bool       // OpBoot
	Guard  clock.Tick // the tick the sender based its decision on
}

// Errors a request can be answered with.
var (
	ErrNoOperation   = errors.New("no operation")
	ErrCableStuck    = errors.New("cable is faulted")
	ErrTooLate       = errors.New("too late")
	ErrInvalidTarget = errors.New("invalid target")
	ErrBadState      = errors.New("not possible in this state")
)

// Reply is the answer to a request. A dropped request gets no answer; the
// sender cannot tell an unreachable element from a dead one.
type Reply struct {
	Dropped bool
	Err     error
	At      clock.Tick
	Status  Status // for OpStatus
}

// Status is what an element reports about itself.
type Status struct {
	Path      string
	Kind      Kind
	State     views.State
	EnteredAt clock.Tick
	Cables    []CableStatus // a PDU's outlets or a TOR's ports
}

// CableStatus is one port in a status report.
type CableStatus struct {
	Port    int64
	On      bool
	Faulted bool
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// Do carries out a request at the current tick. Its work is traced as a
// child of parent, or as a root span when parent is nil.
func (m *Model) Do(req Request, parent *trace.Span) Reply {
	now := m.env.Now
	name, args := m.requestName(req)
	var sp *trace.Span
	if parent == nil {
		sp = m.env.Trace.StartMsg(now, name, args[:name.Arity()]...)
	} else {
		sp = parent.ChildMsg(now, name, args[:name.Arity()]...)
	}
	defer sp.End()
	rep := m.do(req, sp)
	rep.At = now
	switch {
	case rep.Dropped:
		sp.Info(now, msgNoAnswer)
	case errors.Is(rep.Err, ErrNoOperation):
		// Asked for what already holds: not a failure.
		sp.Info(now, msgNothingToDo, trace.Str(strings.TrimPrefix(rep.Err.Error(), ErrNoOperation.Error()+": ")))
	case rep.Err != nil:
		sp.Warn(now, msgFailed, trace.Str(rep.Err.Error()))
	}
	return rep
}

// requestName is the message naming a request's span and its arguments
// (as many as the message takes).
func (m *Model) requestName(req Request) (trace.Msg, [2]trace.Arg) {
	target := trace.Str(m.Path(req.Target))
	switch req.Op {
	case OpPower:
		return msgDoPower, [2]trace.Arg{trace.Bool(req.On), target}
	case OpConnect:
		if req.On {
			return msgDoConnect, [2]trace.Arg{target}
		}
		return msgDoDisconnect, [2]trace.Arg{target}
	case OpBoot:
		if req.Hard {
			return msgDoHardReboot, [2]trace.Arg{target}
		}
		return msgDoBoot, [2]trace.Arg{target}
	}
	if req.Op > OpStatus {
		return msgDoOther, [2]trace.Arg{trace.Str(req.Op.String()), target}
	}
	return msgDoOther, [2]trace.Arg{trOps.Of(uint8(req.Op)), target}
}

func (m *Model) do(req Request, sp *trace.Span) Reply {
	if !m.valid(req.Target) {
		return Reply{Err: fmt.Errorf("%w: no such element %s#%d", ErrInvalidTarget, req.Target.Kind, req.Target.Index)}
	}
	if r := m.rackOf(req.Target); r.State != RackWorking {
		sp.Info(m.env.Now, msgRackSilent, trace.Str(r.Path), trRackStates.Of(uint8(r.State)))
		return Reply{Dropped: true}
	}
	switch req.Op {
	case OpPower:
		switch req.Target.Kind {
		case KindBlade:
			return m.powerBlade(sp, req.Target.Blade(), req.On, req.Guard)
		case KindPDU:
			return m.powerPDU(sp, req.Target.Index, req.On, req.Guard)
		}
	case OpConnect:
		if req.Target.Kind == KindBlade {
			return m.connectBlade(sp, req.Target.Blade(), req.On, req.Guard)
		}
	case OpBoot, OpShutdown:
		if req.Target.Kind == KindBlade {
			return m.bladeCommand(sp, req)
		}
	case OpStatus:
		return m.status(sp, req.Target)
	}
	return Reply{Err: fmt.Errorf("%w: cannot %s a %s", ErrInvalidTarget, req.Op, req.Target.Kind)}
}

func (m *Model) valid(r Ref) bool {
	switch r.Kind {
	case KindRack:
		return r.Index >= 0 && int(r.Index) < len(m.racks)
	case KindPDU, KindTOR:
		return r.Index >= 0 && int(r.Index) < len(m.devices(r.Kind))
	case KindBlade:
		return r.Index >= 0 && int(r.Index) < len(m.blades)
	}
	return false
}

func (m *Model) rackOf(r Ref) *Rack {
	switch r.Kind {
	case KindPDU, KindTOR:
		return &m.racks[m.device(r).Rack]
	case KindBlade:
		return &m.racks[m.blades[r.Index].Rack]
	}
	return &m.racks[r.Index]
}

func tooLate(path string, guard, changed clock.Tick) error {
	return fmt.Errorf("%w: %s has been modified later (tick %d) than the check condition time (tick %d)", ErrTooLate, path, changed, guard)
}

// setPort switches the port in slot of a PDU or TOR, one cabled to a blade.
func (m *Model) setPort(sp *trace.Span, d *Device, slot int32, on bool, guard clock.Tick, changed *bool, firstErr *error) {
	now := m.env.Now
	c, path := &d.ports[slot], d.portPath(slot)
	var err error
	switch {
	case guard < c.Guard:
		err = tooLate(path, guard, c.Guard)
	case c.Faulted:
		err = fmt.Errorf("%w: %s", ErrCableStuck, path)
	case c.On == on:
		sp.Info(now, msgCableAlready, trace.Str(path), trace.Bool(on))
		return
	default:
		c.On, c.Guard = on, now
		m.putCable(c)
		sp.Impact(trace.Modify, path)
		sp.Info(now, msgCableSwitched, trace.Str(path), trace.Bool(!on), trace.Bool(on))
		*changed = true
		return
	}
	if *firstErr == nil { // Do traces the reply's error
		*firstErr = err
	}
}

// powerBlade switches the outlets that feed a blade, on every enabled PDU
// that feeds it, then sends the blade its new power input.
func (m *Model) powerBlade(sp *trace.Span, b views.BladeID, on bool, guard clock.Tick) Reply {
	handled, changed, firstErr := m.switchCabled(sp, b, KindPDU, on, guard)
	return m.outcome(sp, b, handled, changed, firstErr, "power is already "+onOff(on), m.sendPower)
}

// connectBlade switches the TOR ports that link a blade, on every enabled
// TOR that links it, then sends the blade its new network input.
func (m *Model) connectBlade(sp *trace.Span, b views.BladeID, on bool, guard clock.Tick) Reply {
	handled, changed, firstErr := m.switchCabled(sp, b, KindTOR, on, guard)
	what := "the network is already disconnected"
	if on {
		what = "the network is already connected"
	}
	return m.outcome(sp, b, handled, changed, firstErr, what, m.sendNetwork)
}

// switchCabled switches the ports of devices of kind k cabled to a blade,
// on every enabled device; handled is whether any working one took the
// command.
func (m *Model) switchCabled(sp *trace.Span, b views.BladeID, k Kind, on bool, guard clock.Tick) (handled, changed bool, firstErr error) {
	now := m.env.Now
	devs := m.devices(k)
	for _, f := range m.cabled(b, k) {
		d := &devs[f.dev]
		if !d.Def.Enabled {
			continue
		}
		sp.Impact(trace.Execute, d.Path)
		if d.State != DeviceWorking {
			dk := d.kind()
			sp.Info(now, dk.msgDropped, trace.Str(d.Path), dk.stateArg(d.State))
			continue
		}
		handled = true
		m.setPort(sp, d, f.slot, on, guard, &changed, &firstErr)
	}
	return handled, changed, firstErr
}

func (m *Model) outcome(sp *trace.Span, b views.BladeID, handled, changed bool, firstErr error, noop string,
	send func(*trace.Span, views.BladeID)) Reply {
	switch {
	case !handled:
		return Reply{Dropped: true}
	case changed:
		send(sp, b)
		return Reply{}
	case firstErr != nil:
		return Reply{Err: firstErr}
	}
	return Reply{Err: fmt.Errorf("%w: %s", ErrNoOperation, noop)}
}

// powerInput is whether any enabled PDU that passes power feeds the blade
// over a cable that carries.
func (m *Model) powerInput(b views.BladeID) bool { return m.inputFrom(b, KindPDU) }

// networkInput is whether any enabled TOR links the blade over a cable that
// carries (a stuck TOR still forwards traffic; it only stops obeying).
func (m *Model) networkInput(b views.BladeID) bool { return m.inputFrom(b, KindTOR) }

func (m *Model) inputFrom(b views.BladeID, k Kind) bool {
	devs := m.devices(k)
	for _, f := range m.cabled(b, k) {
		d := &devs[f.dev]
		if d.Def.Enabled && d.passes() && d.ports[f.slot].carries() {
			return true
		}
	}
	return false
}

// sendPower schedules the blade to see its power input after the power
// delay. The blade reads its input when the change arrives, so changes that
// overtake each other still leave it with the outlets' final state.
func (m *Model) sendPower(sp *trace.Span, b views.BladeID) {
	now := m.env.Now
	d := m.draw(streamPower, m.delays.SetPower)
	link := sp.LinkMsg(now, msgPowerReaches, trace.Str(m.blades[b].Path), trace.Int(now+d))
	m.env.Queue.Push(now+d, clock.Event{Kind: EvPower, Target: uint32(b), Link: uint64(link)})
}

func (m *Model) sendNetwork(sp *trace.Span, b views.BladeID) {
	now := m.env.Now
	d := m.draw(streamConnection, m.delays.SetConnection)
	link := sp.LinkMsg(now, msgNetworkReaches, trace.Str(m.blades[b].Path), trace.Int(now+d))
	m.env.Queue.Push(now+d, clock.Event{Kind: EvNetwork, Target: uint32(b), Link: uint64(link)})
}

// powerPDU switches a whole PDU off or back on; every blade it feeds sees
// its new input after the power delay.
func (m *Model) powerPDU(sp *trace.Span, pi int32, on bool, guard clock.Tick) Reply {
	now := m.env.Now
	p := &m.pdus[pi]
	sp.Impact(trace.Execute, p.Path)
	switch {
	case p.State == DeviceStuck:
		sp.Info(now, msgStuckDropped, trace.Str(p.Path))
		return Reply{Dropped: true}
	case on == (p.State == DeviceWorking):
		return Reply{Err: fmt.Errorf("%w: %s is already %s", ErrNoOperation, p.Path, onOff(on))}
	case guard < p.Guard:
		return Reply{Err: tooLate(p.Path, guard, p.Guard)}
	}
	to, why := DeviceOff, whySwitchedOff
	if on {
		to, why = DeviceWorking, whySwitchedOn
	}
	m.enterDevice(sp, Ref{KindPDU, pi}, to, why)
	m.notifyFed(sp, pi)
	return Reply{}
}

// notifyFed sends a power change to every blade the PDU feeds over a cable
// that is on, each blade once.
func (m *Model) notifyFed(sp *trace.Span, pi int32) {
	p := &m.pdus[pi]
	last := views.BladeID(-1)
	for i := range p.ports {
		c := &p.ports[i]
		if c.Blade >= 0 && c.carries() && c.Blade != last {
			m.sendPower(sp, c.Blade)
			last = c.Blade
		}
	}
}

// reach finds a working path through the network to a blade: an enabled,
// working TOR whose port to the blade carries. It returns the TOR's index.
func (m *Model) reach(b views.BladeID) (int32, bool) {
	for _, l := range m.cabled(b, KindTOR) {
		t := &m.tors[l.dev]
		if t.Def.Enabled && t.State == DeviceWorking && t.ports[l.slot].carries() {
			return l.dev, true
		}
	}
	return -1, false
}

// overNetwork reports whether a request reaches blade b over the network
// and the blade answers it, tracing the TOR it goes through, or why it is
// dropped.
func (m *Model) overNetwork(sp *trace.Span, b views.BladeID) bool {
	now := m.env.Now
	bl := &m.blades[b]
	tor, ok := m.reach(b)
	if !ok {
		sp.Info(now, msgNoPath, trace.Str(bl.Path))
		return false
	}
	sp.Impact(trace.Execute, m.tors[tor].Path)
	if !bl.State.answers() {
		sp.Info(now, msgNoAnswerState, trace.Str(bl.Path), bladeState(bl.State))
		return false
	}
	return true
}

// bladeCommand delivers a boot or shutdown over the network.
func (m *Model) bladeCommand(sp *trace.Span, req Request) Reply {
	now := m.env.Now
	b := req.Target.Blade()
	bl := &m.blades[b]
	if !m.overNetwork(sp, b) {
		return Reply{Dropped: true}
	}
	if req.Guard < bl.Guard {
		return Reply{Err: tooLate(bl.Path, req.Guard, bl.Guard)}
	}
	switch {
	case req.Op == OpShutdown:
		switch bl.State {
		case BladeWorking, BladeBooting:
			bl.rebootPending = false
			m.enter(sp, b, BladeStopping, whyShutdownRequested, 0)
			return Reply{}
		case BladeStopping:
			bl.rebootPending = false
			return Reply{Err: fmt.Errorf("%w: %s is already stopping", ErrNoOperation, bl.Path)}
		}
	case req.Hard:
		m.enter(sp, b, BladeBooting, whyHardReboot, 0)
		return Reply{}
	default: // soft boot
		switch bl.State {
		case BladePoweredConnected:
			m.enter(sp, b, BladeBooting, whyBootRequested, 0)
			return Reply{}
		case BladeWorking:
			bl.rebootPending = true
			m.enter(sp, b, BladeStopping, whySoftReboot, 0)
			return Reply{}
		case BladeStopping:
			bl.rebootPending = true
			sp.Info(now, msgBootAfterStop, trace.Str(bl.Path))
			return Reply{}
		case BladeBooting:
			return Reply{Err: fmt.Errorf("%w: %s is already booting", ErrNoOperation, bl.Path)}
		}
	}
	return Reply{Err: fmt.Errorf("%w: %s is %s", ErrBadState, bl.Path, bl.State)}
}

// status answers a status request. A blade is asked over the network; a PDU
// and a TOR answer on their management ports unless they are stuck.
func (m *Model) status(sp *trace.Span, r Ref) Reply {
	now := m.env.Now
	switch r.Kind {
	case KindBlade:
		bl := &m.blades[r.Index]
		if !m.overNetwork(sp, r.Blade()) {
			return Reply{Dropped: true}
		}
		sp.Impact(trace.Read, bl.Path)
		return Reply{Status: Status{Path: bl.Path, Kind: KindBlade, State: bl.State.Reported(), EnteredAt: bl.EnteredAt}}
	case KindPDU, KindTOR:
		d := m.device(r)
		if d.State == DeviceStuck {
			sp.Info(now, msgStuckSilent, trace.Str(d.Path))
			return Reply{Dropped: true}
		}
		sp.Impact(trace.Read, d.Path)
		return Reply{Status: Status{Path: d.Path, Kind: d.Kind, State: d.State.Reported(), EnteredAt: d.EnteredAt, Cables: cableStatus(d.ports)}}
	}
	return Reply{Err: fmt.Errorf("%w: a %s has no status of its own", ErrInvalidTarget, r.Kind)}
}

func cableStatus(ports []Cable) []CableStatus {
	out := make([]CableStatus, len(ports))
	for i, c := range ports {
		out[i] = CableStatus{Port: c.Port, On: c.On, Faulted: c.Faulted}
	}
	return out
}
