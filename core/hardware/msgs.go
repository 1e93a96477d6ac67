package hardware

import "github.com/cloudchamber/cloudchamber/core/trace"

// The hardware's trace messages and the enums their arguments use: the trace
// hash covers the keys and arguments, the English is rendered when shown.
var (
	trBladeStates = trace.DefineEnum("hardware.blade-state", bladeStateNames[:])
	trPDUStates   = trace.DefineEnum("hardware.pdu-state", pduStateNames)
	trTORStates   = trace.DefineEnum("hardware.tor-state", torStateNames)
	trRackStates  = trace.DefineEnum("hardware.rack-state", rackStateNames[:])
	trOps         = trace.DefineEnum("hardware.op", opNames[:])
	trWhys        = trace.DefineEnum("hardware.why", whyNames[:])
	trInputs      = trace.DefineEnum("hardware.input", []string{"network", "power"})
	trTimers      = trace.DefineEnum("hardware.timer", []string{"boot", "shutdown"})

	msgDoPower      = trace.Define("hardware.do.power", "power {0} {1}")
	msgDoConnect    = trace.Define("hardware.do.connect", "connect {0}")
	msgDoDisconnect = trace.Define("hardware.do.disconnect", "disconnect {0}")
	msgDoHardReboot = trace.Define("hardware.do.hard-reboot", "hard reboot {0}")
	msgDoBoot       = trace.Define("hardware.do.boot", "boot {0}")
	msgDoOther      = trace.Define("hardware.do.other", "{0} {1}")
	msgNoAnswer     = trace.Define("hardware.no-answer", "no answer")
	msgNothingToDo  = trace.Define("hardware.nothing-to-do", "nothing to do: {0}")
	msgFailed       = trace.Define("hardware.failed", "failed: {0}")

	msgRackSilent      = trace.Define("hardware.rack-silent", "rack {0} is {1} and answers nothing")
	msgCableAlready    = trace.Define("hardware.cable-already", "{0} is already {1}")
	msgCableSwitched   = trace.Define("hardware.cable-switched", "{0} {1} -> {2}")
	msgPDUDropped      = trace.Define("hardware.pdu-dropped", "{0} is {1}: the request is dropped")
	msgTORDropped      = trace.Define("hardware.tor-dropped", "{0} is {1}: the request is dropped")
	msgPowerReaches    = trace.Define("hardware.power-reaches", "power change reaches {0} at t={1}")
	msgNetworkReaches  = trace.Define("hardware.network-reaches", "network change reaches {0} at t={1}")
	msgStuckDropped    = trace.Define("hardware.stuck-dropped", "{0} is stuck: the request is dropped")
	msgPDUEnter        = trace.Define("hardware.pdu-enter", "{0} {1} -> {2} ({3})")
	msgTOREnter        = trace.Define("hardware.tor-enter", "{0} {1} -> {2} ({3})")
	msgNoPath          = trace.Define("hardware.no-path", "no working network path to {0}")
	msgNoAnswerState   = trace.Define("hardware.blade-silent", "{0} is {1} and does not answer")
	msgBootAfterStop   = trace.Define("hardware.boot-after-stop", "{0} will boot when its shutdown completes")
	msgStuckSilent     = trace.Define("hardware.stuck-silent", "{0} is stuck and does not answer")
	msgBladeEnter      = trace.Define("hardware.blade-enter", "{0} {1} -> {2} ({3})")
	msgBladeEnterTimer = trace.Define("hardware.blade-enter-timer", "{0} {1} -> {2} ({3}: timer {4} fired)")
	msgTimerDue        = trace.Define("hardware.timer-due", "{0} timer {1} due t={2}")
	msgTimerCancelled  = trace.Define("hardware.timer-cancelled", "timer {0} (due t={1}) cancelled")
	msgInputStill      = trace.Define("hardware.input-still", "{0} input of {1} is still {2}")
	msgFaultedIgnores  = trace.Define("hardware.faulted-ignores", "{0} is faulted and ignores the change ({1})")
	msgStays           = trace.Define("hardware.stays", "{0} stays {1} ({2})")
	msgEvPower         = trace.Define("hardware.ev.power", "power change reaches {0}")
	msgEvNetwork       = trace.Define("hardware.ev.network", "network change reaches {0}")
	msgEvBootTimer     = trace.Define("hardware.ev.boot-timer", "boot timer of {0}")
	msgEvShutdownTimer = trace.Define("hardware.ev.shutdown-timer", "shutdown timer of {0}")
	msgRackDropped     = trace.Define("hardware.rack-dropped", "rack {0} is {1}: dropped")
	msgStaleTimer      = trace.Define("hardware.stale-timer", "stale timer {0} of {1} ignored ({2}, active timer {3})")
	msgCableFaulted    = trace.Define("hardware.cable-faulted", "{0} is faulted: it carries nothing")
	msgCableMended     = trace.Define("hardware.cable-mended", "{0} is mended")
	msgRackTerminated  = trace.Define("hardware.rack-terminated", "rack {0} {1} -> terminated")
	msgStartRack       = trace.Define("hardware.start-rack", "start rack {0}")
	msgStartRackWhy    = trace.Define("hardware.start-rack.why", "the simulated rack starts its own state machine and those of its PDUs, TORs and blades")
	msgRackWorking     = trace.Define("hardware.rack-working", "rack awaiting_start -> working")
	msgRackStarted     = trace.Define("hardware.rack-started", "{0:PDU|PDUs} working, {1:TOR|TORs} working, {2:blade starts|blades start} -> off_disconnected, every cable off")
)

// why is the reason a state machine changes state, as its trace line says.
type why uint8

const (
	whyBootsWhenPowered why = iota
	whyFaultInjected
	whyRepairedPoweredConnected
	whyRepairedPowered
	whyRepairedConnected
	whyRepaired
	whyShutdownRequested
	whyHardReboot
	whyBootRequested
	whySoftReboot
	whyPowerOn
	whyPowerOff
	whyNetworkUp
	whyNetworkDown
	whySwitchedOn
	whySwitchedOff
	whyBooted       // with a timer serial
	whyShutDown     // with a timer serial
	whyShutDownBoot // with a timer serial
)

var whyNames = [...]string{
	"boots when powered and connected", "fault injected", "repaired, powered and connected", "repaired, powered",
	"repaired, connected", "repaired", "graceful shutdown requested", "hard reboot", "boot requested",
	"soft reboot: shut down gracefully, then boot", "power on", "power off", "network up", "network down",
	"switched on", "switched off", "booted", "shut down", "shut down for a reboot",
}

func (w why) arg() trace.Arg { return trWhys.Of(uint8(w)) }

func bladeState(s BladeState) trace.Arg { return trBladeStates.Of(uint8(s)) }
