package monitor

import (
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/trace"
	"github.com/cloudchamber/cloudchamber/core/views"
)

// The monitor's trace messages: the trace hash covers the keys and
// arguments, the English is rendered when shown.
var (
	trHealth     = trace.DefineEnum("views.health", trace.EnumNames(int(views.Removing)+1, views.Health.String))
	trConditions = trace.DefineEnum("inventory.condition", trace.EnumNames(int(inventory.ConditionRetired)+1, inventory.Condition.String))

	msgReports        = trace.Define("monitor.reports", "monitor: {0} reports {1}")
	msgFirstReport    = trace.Define("monitor.first-report", "first report from {0}: {1}")
	msgAnswersAgain   = trace.Define("monitor.answers-again", "{0} answers again after {1:tick|ticks} of silence (it was {2}), reporting {3}")
	msgReportsChange  = trace.Define("monitor.reports-change", "{0} reports a change: {1} -> {2}")
	msgReportsFaulted = trace.Define("monitor.reports-faulted", "{0} reports its faulted ports: {1}")
	msgFaultedCables  = trace.Define("monitor.faulted-cables", "{0} reports faulted cables on ports {1}")
	msgIs             = trace.Define("monitor.is", "monitor: {0} is {1}")
	msgIsWhy          = trace.Define("monitor.is.why", "{0} is heard, and its target condition is now {1}, so it is {2}")
	msgHealthChange   = trace.Define("monitor.health-change", "{0} {1} -> {2}")
	msgSilenceTimer   = trace.Define("monitor.silence-timer", "monitor: silence timer for {0}")
	msgStaleTimer     = trace.Define("monitor.silence-timer.stale", "stale: the element was heard from since the timer was armed, so it is ignored")
	msgPoll           = trace.Define("monitor.poll", "monitor: poll {0}")
	msgPollWhy        = trace.Define("monitor.poll.why", "no heartbeat from {0} for {1:tick|ticks}: ask it for its status")
	msgSilent         = trace.Define("monitor.silent", "monitor: {0} is silent")
	msgSuspected      = trace.Define("monitor.suspected", "{0} has sent no heartbeat since t={1} ({2:tick|ticks}) and did not answer a status poll, so it is suspected")
	msgUnavailable    = trace.Define("monitor.unavailable", "{0} has been silent since t={1} ({2:tick|ticks}), so it is marked unavailable; {3}")
	msgUnavailableOut = trace.Define("monitor.unavailable.out", "{0} has been silent since t={1} ({2:tick|ticks}), so it is marked unavailable; its target takes it out of service ({3}), so its silence is what was asked for")
	msgUnavailableTOR = trace.Define("monitor.unavailable.tors", "{0} has been silent since t={1} ({2:tick|ticks}), so it is marked unavailable; its rack's TOR {3} is silent too: a blade cut off by its TOR looks exactly like a dead one, and the monitor cannot tell them apart")
	msgSilentChange   = trace.Define("monitor.silent-change", "{0} {1} -> {2} (last reported {3:q} at t={4})")
	msgDependents     = trace.Define("monitor.dependents", "what depends on {0} reacts")

	// What the monitor can tell of a silence (msgUnavailable's last argument).
	trCannotTell = trace.DefineEnum("monitor.cannot-tell", []string{
		"it is disabled, so its silence is expected",
		"it is out for repair, so its silence is expected",
		"it may be stuck, off or cut off: the monitor cannot tell which",
		"the monitor cannot tell a dead blade from a broken path to it",
	})
)

func health(h views.Health) trace.Arg { return trHealth.Of(uint8(h)) }
