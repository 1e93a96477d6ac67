package repair

import (
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/trace"
)

// The repair manager's trace messages: the trace hash covers the keys and
// arguments (a rule's own texts are arguments: they are the scenario's),
// the English is rendered when shown.
var (
	trConditions = trace.DefineEnum("inventory.condition", trace.EnumNames(int(inventory.ConditionRetired)+1, inventory.Condition.String))

	msgDecision     = trace.Define("repair.decision", "repair: {0} {1}")
	msgNoChoice     = trace.Define("repair.no-choice", "no choice of rule {0:q} applies to {1} (facts: {2})")
	msgChose        = trace.Define("repair.chose", "rule {0:q}, choice {1:q}; facts: {2}")
	msgStopped      = trace.Define("repair.stopped", "repair: stopped at {0}")
	msgStoppedWhy   = trace.Define("repair.stopped.why", "rule {0:q} decided about {1} {2} times in this tick and would go on: the run stops here")
	msgHalted       = trace.Define("repair.halted", "{0}")
	msgPowerBackAt  = trace.Define("repair.power-back-at", "power back on at t={0}")
	msgCondition    = trace.Define("repair.condition", "{0} target condition {1} -> {2}")
	msgTechDue      = trace.Define("repair.technician-due", "technician due t={0}")
	msgTechCalled   = trace.Define("repair.technician-called", "a technician is called for {0} and will be done at t={1}")
	msgPowerBack    = trace.Define("repair.power-back", "repair: power back on {0}")
	msgPowerBackWhy = trace.Define("repair.power-back.why", "the second half of a power-cycle of {0}: power on (and connect) again")
	msgBurnInOver   = trace.Define("repair.burn-in-over", "repair: burn-in over {0}")
	msgBurnInWhy    = trace.Define("repair.burn-in-over.why", "{0} has finished its burn-in of {1:tick|ticks}, so it is operational again")
	msgTechnician   = trace.Define("repair.technician", "technician: {0}")
	msgTechNothing  = trace.Define("repair.technician.nothing", "the technician found nothing wrong with {0} (no fault found) and hands it back")
	msgTechFixed    = trace.Define("repair.technician.fixed", "the technician {1..., } and hands {0} back")
	msgFixBlade     = trace.Define("repair.fix.blade", "replaces the faulted blade")
	msgFixCable     = trace.Define("repair.fix.cable", "replaces cable {0}")
	msgFixPDU       = trace.Define("repair.fix.pdu", "resets the stuck PDU")
	msgFixTOR       = trace.Define("repair.fix.tor", "resets the stuck TOR")

	// A rule's reason: its Should text, then each rejected choice's text
	// and the chosen one's, as rules.Decision.Reason chains them.
	msgRuleReason = trace.Define("repair.rule-reason", "{0}{1...}")
	msgRuleBut    = trace.Define("repair.rule-reason.but", ", but {0}")
	msgRuleAnd    = trace.Define("repair.rule-reason.and", ", and {0}")
	msgRuleSo     = trace.Define("repair.rule-reason.so", ", so {0}")
	msgRuleNone   = trace.Define("repair.rule-reason.none", ": no choice applies")
)

// reasonArgs appends the arguments of msgRuleReason for a decision to args.
func reasonArgs(args []trace.Arg, d *rules.Decision) []trace.Arg {
	args = append(args, trace.Str(d.Should))
	for i, b := range d.But {
		if i == 0 {
			args = trace.AppendMsg(args, msgRuleBut, trace.Str(b))
		} else {
			args = trace.AppendMsg(args, msgRuleAnd, trace.Str(b))
		}
	}
	switch {
	case d.Choice == "":
		args = trace.AppendMsg(args, msgRuleNone)
	case d.Chosen != "":
		args = trace.AppendMsg(args, msgRuleSo, trace.Str(d.Chosen))
	}
	return args
}
