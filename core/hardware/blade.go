package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// enter is the only writer of a blade's state. It traces the transition
// with its reason, stops a timer the new state does not keep, and runs the
// new state's entry action.
// A timer's serial (not 0) says the transition is that timer firing.
func (m *Model) enter(sp *trace.Span, b views.BladeID, s BladeState, why why, timer uint64) {
	now := m.env.Now
	bl := &m.blades[b]
	from := bl.State
	if timer != 0 {
		sp.Info(now, msgBladeEnterTimer, trace.Str(bl.Path), bladeState(from), bladeState(s), why.arg(), trace.Uint(timer))
	} else {
		sp.Info(now, msgBladeEnter, trace.Str(bl.Path), bladeState(from), bladeState(s), why.arg())
	}
	sp.Impact(trace.Modify, bl.Path)

	keepsTimer := s == BladeStopping && from == BladeStoppingIsolated || s == BladeStoppingIsolated && from == BladeStopping
	if !keepsTimer && bl.timerSerial != 0 {
		m.disarm(sp, b)
	}
	if s != BladeStopping && s != BladeStoppingIsolated {
		bl.rebootPending = false
	}
	bl.State, bl.EnteredAt, bl.Guard = s, now, now

	switch {
	case s == BladeBooting:
		m.arm(sp, b, EvBootTimer, streamBoot, m.delays.Booting, 0)
	case (s == BladeStopping || s == BladeStoppingIsolated) && !keepsTimer:
		m.arm(sp, b, EvShutdownTimer, streamShutdown, m.delays.Shutdown, 1)
	}
	m.putBlade(b)
	if s == BladePoweredConnected && bl.Def.BootOnPowerOn {
		m.enter(sp, b, BladeBooting, whyBootsWhenPowered, 0)
	}
}

// arm starts the blade's boot or shutdown timer; its expiry is linked to
// the span that armed it.
// what is the trTimers value: 0 boot, 1 shutdown.
func (m *Model) arm(sp *trace.Span, b views.BladeID, kind clock.Kind, stream int, r clock.Range, what uint8) {
	now := m.env.Now
	bl := &m.blades[b]
	d := m.draw(stream, r)
	m.timers++
	bl.timerSerial, bl.TimerDue = m.timers, now+d
	link := sp.LinkMsg(now, msgTimerDue, trTimers.Of(what), trace.Uint(m.timers), trace.Int(now+d))
	bl.timerSeq = m.env.Queue.Push(now+d, clock.Event{Kind: kind, Target: uint32(b), Ref: m.timers, Link: uint64(link)})
}

func (m *Model) disarm(sp *trace.Span, b views.BladeID) {
	bl := &m.blades[b]
	m.env.Queue.Cancel(bl.timerSeq)
	sp.Info(m.env.Now, msgTimerCancelled, trace.Uint(bl.timerSerial), trace.Int(bl.TimerDue))
	bl.timerSerial, bl.timerSeq, bl.TimerDue = 0, 0, clock.Never
}

// powerOnTo is the blade's transition when its power input becomes on.
var powerOnTo = map[BladeState]BladeState{
	BladeOffDisconnected: BladePoweredDisconnected,
	BladeOffConnected:    BladePoweredConnected,
}

var powerOffTo = map[BladeState]BladeState{
	BladePoweredDisconnected: BladeOffDisconnected, // the original stayed here: a defect
	BladePoweredConnected:    BladeOffConnected,
	BladeBooting:             BladeOffConnected,
	BladeWorking:             BladeOffConnected,
	BladeStopping:            BladeOffConnected,
	BladeIsolated:            BladeOffDisconnected, // the original went to off_connected: a defect
	BladeStoppingIsolated:    BladeOffDisconnected,
}

var networkUpTo = map[BladeState]BladeState{
	BladeOffDisconnected:     BladeOffConnected,
	BladePoweredDisconnected: BladePoweredConnected,
	BladeIsolated:            BladeWorking,
	BladeStoppingIsolated:    BladeStopping,
}

var networkDownTo = map[BladeState]BladeState{
	BladeOffConnected:     BladeOffDisconnected,
	BladePoweredConnected: BladePoweredDisconnected,
	BladeBooting:          BladePoweredDisconnected,
	BladeWorking:          BladeIsolated,
	BladeStopping:         BladeStoppingIsolated,
}

// input applies a change of the blade's power or network input.
func (m *Model) input(sp *trace.Span, b views.BladeID, power bool) {
	now := m.env.Now
	bl := &m.blades[b]
	field, what := &bl.Connected, uint8(0)
	on := m.networkInput(b)
	table := networkDownTo
	if on {
		table = networkUpTo
	}
	if power {
		field, what, on = &bl.Powered, 1, m.powerInput(b)
		table = powerOffTo
		if on {
			table = powerOnTo
		}
	}
	if *field == on {
		sp.Info(now, msgInputStill, trInputs.Of(what), trace.Str(bl.Path), trace.Bool(on))
		return
	}
	*field = on
	why := whyPowerOff
	switch {
	case power && on:
		why = whyPowerOn
	case !power && on:
		why = whyNetworkUp
	case !power:
		why = whyNetworkDown
	}
	if bl.State == BladeFaulted {
		sp.Info(now, msgFaultedIgnores, trace.Str(bl.Path), why.arg())
		m.putBlade(b)
		return
	}
	if to, ok := table[bl.State]; ok {
		m.enter(sp, b, to, why, 0)
		return
	}
	sp.Info(now, msgStays, trace.Str(bl.Path), bladeState(bl.State), why.arg())
	m.putBlade(b)
}

// Handle carries out a hardware event that has come due.
func (m *Model) Handle(ev clock.Event) {
	now := m.env.Now
	b := views.BladeID(ev.Target)
	if int(b) >= len(m.blades) {
		panic(fmt.Sprintf("hardware: event for blade %d of %d", b, len(m.blades)))
	}
	bl := &m.blades[b]
	var name trace.Msg
	switch ev.Kind {
	case EvPower:
		name = msgEvPower
	case EvNetwork:
		name = msgEvNetwork
	case EvBootTimer:
		name = msgEvBootTimer
	case EvShutdownTimer:
		name = msgEvShutdownTimer
	default:
		panic(fmt.Sprintf("hardware: unknown event %v", ev))
	}
	sp := m.env.Trace.StartLinkedMsg(now, trace.LinkID(ev.Link), name, trace.Str(bl.Path))
	defer sp.End()
	if m.racks[bl.Rack].State != RackWorking {
		sp.Info(now, msgRackDropped, trace.Str(m.racks[bl.Rack].Path), trRackStates.Of(uint8(m.racks[bl.Rack].State)))
		return
	}
	switch ev.Kind {
	case EvPower:
		m.input(sp, b, true)
	case EvNetwork:
		m.input(sp, b, false)
	default:
		m.expire(sp, b, ev)
	}
}

// expire handles a boot or shutdown timer. An expiry that is not the
// blade's active timer is stale and ignored.
func (m *Model) expire(sp *trace.Span, b views.BladeID, ev clock.Event) {
	now := m.env.Now
	bl := &m.blades[b]
	boot := ev.Kind == EvBootTimer
	active := bl.timerSerial == ev.Ref &&
		(boot && bl.State == BladeBooting || !boot && (bl.State == BladeStopping || bl.State == BladeStoppingIsolated))
	if !active {
		sp.Info(now, msgStaleTimer, trace.Uint(ev.Ref), trace.Str(bl.Path), bladeState(bl.State), trace.Uint(bl.timerSerial))
		return
	}
	serial := bl.timerSerial
	bl.timerSerial, bl.timerSeq, bl.TimerDue = 0, 0, clock.Never
	switch {
	case boot:
		m.enter(sp, b, BladeWorking, whyBooted, serial)
	case bl.State == BladeStoppingIsolated:
		m.enter(sp, b, BladeOffDisconnected, whyShutDown, serial)
	case bl.rebootPending:
		m.enter(sp, b, BladeBooting, whyShutDownBoot, serial)
	default:
		m.enter(sp, b, BladeOffConnected, whyShutDown, serial)
	}
}
