package hardware

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/trace"
)

// enter is the only writer of a blade's state. It traces the transition
// with its reason, stops a timer the new state does not keep, and runs the
// new state's entry action.
func (m *Model) enter(sp *trace.Span, b int32, s BladeState, why string) {
	now := m.env.Now
	bl := &m.Blades[b]
	from := bl.State
	sp.Infof(now, "%s %s -> %s (%s)", bl.Path, from, s, why)
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
		m.arm(sp, b, EvBootTimer, streamBoot, m.delays.Booting, "boot")
	case (s == BladeStopping || s == BladeStoppingIsolated) && !keepsTimer:
		m.arm(sp, b, EvShutdownTimer, streamShutdown, m.delays.Shutdown, "shutdown")
	}
	m.putBlade(b)
	if s == BladePoweredConnected && bl.Def.BootOnPowerOn {
		m.enter(sp, b, BladeBooting, "boots when powered and connected")
	}
}

// arm starts the blade's boot or shutdown timer; its expiry is linked to
// the span that armed it.
func (m *Model) arm(sp *trace.Span, b int32, kind clock.Kind, stream int, r Range, what string) {
	now := m.env.Now
	bl := &m.Blades[b]
	d := m.draw(stream, r)
	m.timers++
	bl.timerSerial, bl.TimerDue = m.timers, now+d
	link := sp.Link(now, fmt.Sprintf("%s timer %d due t=%d", what, m.timers, now+d))
	bl.timerSeq = m.env.Queue.Push(now+d, clock.Event{Kind: kind, Target: uint32(b), Ref: m.timers, Link: uint64(link)})
}

func (m *Model) disarm(sp *trace.Span, b int32) {
	bl := &m.Blades[b]
	m.env.Queue.Cancel(bl.timerSeq)
	sp.Infof(m.env.Now, "timer %d (due t=%d) cancelled", bl.timerSerial, bl.TimerDue)
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
func (m *Model) input(sp *trace.Span, b int32, power bool) {
	now := m.env.Now
	bl := &m.Blades[b]
	field, what := &bl.Connected, "network"
	on := m.networkInput(b)
	table := networkDownTo
	if on {
		table = networkUpTo
	}
	if power {
		field, what, on = &bl.Powered, "power", m.powerInput(b)
		table = powerOffTo
		if on {
			table = powerOnTo
		}
	}
	if *field == on {
		sp.Infof(now, "%s input of %s is still %s", what, bl.Path, onOff(on))
		return
	}
	*field = on
	why := "power " + onOff(on)
	switch {
	case !power && on:
		why = "network up"
	case !power:
		why = "network down"
	}
	if bl.State == BladeFaulted {
		sp.Infof(now, "%s is faulted and ignores the change (%s)", bl.Path, why)
		m.putBlade(b)
		return
	}
	if to, ok := table[bl.State]; ok {
		m.enter(sp, b, to, why)
		return
	}
	sp.Infof(now, "%s stays %s (%s)", bl.Path, bl.State, why)
	m.putBlade(b)
}

// Handle carries out a hardware event that has come due.
func (m *Model) Handle(ev clock.Event) {
	now := m.env.Now
	b := int32(ev.Target)
	if int(b) >= len(m.Blades) {
		panic(fmt.Sprintf("hardware: event for blade %d of %d", b, len(m.Blades)))
	}
	bl := &m.Blades[b]
	var name string
	switch ev.Kind {
	case EvPower:
		name = "power change reaches " + bl.Path
	case EvNetwork:
		name = "network change reaches " + bl.Path
	case EvBootTimer:
		name = "boot timer of " + bl.Path
	case EvShutdownTimer:
		name = "shutdown timer of " + bl.Path
	default:
		panic(fmt.Sprintf("hardware: unknown event %v", ev))
	}
	sp := m.env.Trace.StartLinked(now, name, trace.LinkID(ev.Link))
	defer sp.End()
	if m.Racks[bl.Rack].State != RackWorking {
		sp.Infof(now, "rack %s is %s: dropped", m.Racks[bl.Rack].Path, m.Racks[bl.Rack].State)
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
func (m *Model) expire(sp *trace.Span, b int32, ev clock.Event) {
	now := m.env.Now
	bl := &m.Blades[b]
	boot := ev.Kind == EvBootTimer
	active := bl.timerSerial == ev.Ref &&
		(boot && bl.State == BladeBooting || !boot && (bl.State == BladeStopping || bl.State == BladeStoppingIsolated))
	if !active {
		sp.Infof(now, "stale timer %d of %s ignored (%s, active timer %d)", ev.Ref, bl.Path, bl.State, bl.timerSerial)
		return
	}
	serial := bl.timerSerial
	bl.timerSerial, bl.timerSeq, bl.TimerDue = 0, 0, clock.Never
	why := fmt.Sprintf("timer %d fired", serial)
	switch {
	case boot:
		m.enter(sp, b, BladeWorking, "booted: "+why)
	case bl.State == BladeStoppingIsolated:
		m.enter(sp, b, BladeOffDisconnected, "shut down: "+why)
	case bl.rebootPending:
		m.enter(sp, b, BladeBooting, "shut down for a reboot: "+why)
	default:
		m.enter(sp, b, BladeOffConnected, "shut down: "+why)
	}
}
