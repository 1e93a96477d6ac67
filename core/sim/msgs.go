package sim

import (
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/trace"
)

// The simulation's own trace messages (commands, bring-up, stepping): the
// trace hash covers the keys and arguments, the English is rendered when
// shown. A command's span is named by the command as written.
var (
	trConditions = trace.DefineEnum("inventory.condition", trace.EnumNames(int(inventory.ConditionRetired)+1, inventory.Condition.String))
	trBool       = trace.DefineEnum("bool", []string{"false", "true"})
	trWho        = trace.DefineEnum("sim.who", []string{"user command", "scenario script"})

	msgCommand     = trace.Define("sim.command", "{0}")
	msgCommandWhy  = trace.Define("sim.command.why", "{0} at t={1}")
	msgBringUpWhy  = trace.Define("sim.bring-up.why", "the scenario's start-up: power on and connect every enabled blade through its PDUs and TORs, as the original's start-up sequence did")
	msgFailed      = trace.Define("sim.failed", "failed: {0}")
	msgBringUpRack = trace.Define("sim.bring-up.rack", "bring-up {0}")
	msgLeftOff     = trace.Define("sim.bring-up.left-off", "{0} is disabled: left off")
	msgBroughtUp   = trace.Define("sim.bring-up.done", "{0:blade|blades} powered and connected")
	msgSkipped     = trace.Define("sim.script-skipped", "script command skipped: {0}")
	msgEnabled     = trace.Define("sim.target-enabled", "{0} target enabled {1} -> {2}")
	msgCondition   = trace.Define("sim.target-condition", "{0} target condition {1} -> {2}")
	msgStep        = trace.Define("sim.step", "step {0} to t={1}")
	msgRunUntil    = trace.Define("sim.run-until", "run until t={0}")
	msgPolicy      = trace.Define("sim.policy", "policy {0} (version {1})")
	msgPolicyRate  = trace.Define("sim.policy.rate", "policy {0} at {1} ticks/s (version {2})")
)

// who ran a command, for msgCommandWhy.
const (
	whoUser uint8 = iota
	whoScript
)

func boolArg(b bool) trace.Arg {
	if b {
		return trBool.Of(1)
	}
	return trBool.Of(0)
}
