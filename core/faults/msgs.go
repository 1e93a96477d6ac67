package faults

import "github.com/cloudchamber/cloudchamber/core/trace"

// The fault injector's trace messages: the trace hash covers the keys and
// arguments (injection ids, fault kinds and targets as written, ticks), the
// English is rendered when shown.
var (
	msgInjectFlap    = trace.Define("faults.inject.flap", "injection {0}: {1} on {2} flaps {3} on / {4} off, {5}")
	msgInject        = trace.Define("faults.inject", "injection {0}: {1} on {2}")
	msgCyclesForever = trace.Define("faults.cycles.forever", "until removed")
	msgCycles        = trace.Define("faults.cycles", "for {0:cycle|cycles}")
	msgFlapTurns     = trace.Define("faults.flap-turns", "flap of injection {0} turns {1} at t={2}")
	msgApplyFailed   = trace.Define("faults.apply-failed", "injection {0}: {1}")
	msgPaused        = trace.Define("faults.paused", "injection {0} paused: its fault is taken out until resumed")
	msgResumed       = trace.Define("faults.resumed", "injection {0} resumed")
	msgRemoved       = trace.Define("faults.removed", "injection {0} removed")
	msgProcessSet    = trace.Define("faults.process-set", "random process {0:q} {1}")
	msgFlap          = trace.Define("faults.flap", "fault injector: flap {0} {1}")
	msgFlapEnds      = trace.Define("faults.flap.ends", "injection {0} has flapped its {1:cycle|cycles} and ends")
	msgFlapClears    = trace.Define("faults.flap.clears", "injection {0}: cycle {1} ends, the fault clears for {2:tick|ticks}")
	msgFlapBack      = trace.Define("faults.flap.back", "injection {0}: the fault comes back for {1:tick|ticks}")
	msgRandom        = trace.Define("faults.random", "fault injector: random {0} {1}")
	msgRandomNoFault = trace.Define("faults.random.no-fault", "random process {0:q} (MTBF {1:tick|ticks} over {2:working member|working members}) draws {3}, but {4}: no new fault")
	msgRandomFails   = trace.Define("faults.random.fails", "random process {0:q} (MTBF {1:tick|ticks} over {2:working member|working members}) fails {3}")
)

// cyclesArgs appends how long a flap lasts, as an argument of msgInjectFlap.
func cyclesArgs(args []trace.Arg, n int64) []trace.Arg {
	if n == 0 {
		return trace.AppendMsg(args, msgCyclesForever)
	}
	return trace.AppendMsg(args, msgCycles, trace.Int(n))
}
