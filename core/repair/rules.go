package repair

import (
	"slices"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/rules"
)

// Kinds are the element kinds rules may name, each with the facts the
// manager describes it with (see the package documentation): a rule
// testing any other fact is refused.
func Kinds() []rules.Kind {
	common := []string{"should-run", "take-out", "out-for-repair", "burn-in",
		"never-seen", "heard", "suspected", "unavailable", "working", "transitioning", "unstarted"}
	states := func(names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = "state:" + n
		}
		return out
	}
	var blade []string
	for _, s := range hardware.BladeStates()[1:] { // not "invalid"
		blade = append(blade, s.String())
	}
	return []rules.Kind{
		{Name: "blade", Facts: slices.Concat(common, []string{"tor-unavailable", "pdu-unavailable", "cable-faulted", "has-workloads"}, states(blade))},
		{Name: "pdu", Facts: slices.Concat(common, []string{"reports-faulted"}, states(hardware.DeviceStateNames(hardware.KindPDU)))},
		{Name: "tor", Facts: slices.Concat(common, []string{"reports-faulted"}, states(hardware.DeviceStateNames(hardware.KindTOR)))},
	}
}

// Actions are the actions rules may call, each with the least wait a
// choice must give it: every hardware command takes effect a tick later at
// the earliest (the delays are at least one tick), a power-cycle two (off,
// then on a tick later), and a technician none, since the manager waits
// for the technician's work whatever the rule says.
func Actions() []rules.Action {
	return []rules.Action{
		{Name: "power-on", MinWait: 1},
		{Name: "boot", MinWait: 1},
		{Name: "soft-reboot", MinWait: 1},
		{Name: "hard-reboot", MinWait: 1},
		{Name: "power-cycle", MinWait: 2},
		{Name: "shutdown", MinWait: 1},
		{Name: "power-off", MinWait: 1},
		{Name: "technician", MinWait: 0},
		{Name: "wait", MinWait: 1},
	}
}

// ValidateRules checks a rule set against the kinds and actions of the
// repair manager; errors name the rule and the field.
func ValidateRules(s *rules.Set) error { return s.Validate(Kinds(), Actions()) }

// DefaultRules are the shipped repair rules: for a blade that should be
// working, gentle fixes first and a technician last; PDUs and TORs that do
// not answer, or report a faulted cable, go to a technician directly.
// Facts a rule can test are listed in the package documentation.
func DefaultRules() *rules.Set {
	return &rules.Set{Rules: []rules.Rule{
		{
			// A blade taken out is drained, shut down gracefully and then
			// switched off, so that it is started (not rebooted) when it
			// returns. A blade reporting stopping is shutting down as asked:
			// it gets its time before anything stronger.
			Name: "take-blade-out", Kind: "blade", When: []string{"take-out", "heard", "!transitioning", "!tried:power-off"},
			Should: "{element} is to be taken out of service",
			Choices: []rules.Choice{
				{Name: "drain", Assuming: []string{"has-workloads"}, Call: "wait", Wait: 5, Chosen: "wait until its workloads have moved away"},
				{Name: "shutdown", Assuming: []string{"!tried:shutdown"}, Call: "shutdown", Wait: 10, Chosen: "shut it down gracefully", Rejected: "it did not shut down when asked"},
				{Name: "power-off", Call: "power-off", Wait: 10, Chosen: "switch its power off"},
			},
		},
		{
			Name: "switch-off-blade", Kind: "blade", When: []string{"take-out", "!heard", "tried:shutdown", "!tried:power-off"},
			Should: "{element} is to be taken out of service and went silent after its graceful shutdown",
			Choices: []rules.Choice{
				{Name: "power-off", Call: "power-off", Wait: 10, Chosen: "switch its power off"},
			},
		},
		{
			Name: "blade-down", Kind: "blade", When: []string{"should-run", "!working", "!transitioning", "!suspected", "!out-for-repair"},
			Should: "{element} should be working",
			Choices: []rules.Choice{
				{Name: "wait-for-tor", Assuming: []string{"tor-unavailable"}, Call: "wait", Wait: 30,
					Chosen: "wait: its TOR is unavailable, so the blade cannot be reached and may well be fine"},
				{Name: "wait-for-cable", Assuming: []string{"cable-faulted"}, Call: "wait", Wait: 30,
					Chosen: "wait: a cable to it is reported faulted and its PDU or TOR is being repaired"},
				{Name: "power-on", Assuming: []string{"unstarted", "!tried:power-on"}, Call: "power-on", Wait: 20,
					Chosen: "power it on and connect it", Rejected: "it stayed silent after being powered on and connected"},
				{Name: "boot", Assuming: []string{"state:powered_connected", "!tried:boot"}, Call: "boot", Wait: 20,
					Chosen: "boot it", Rejected: "it did not boot when asked"},
				{Name: "soft-reboot", Assuming: []string{"!unstarted", "!tried:soft-reboot"}, Call: "soft-reboot", Wait: 20,
					Chosen: "reboot it", Rejected: "it did not answer a soft reboot"},
				{Name: "hard-reboot", Assuming: []string{"!unstarted", "!tried:hard-reboot"}, Call: "hard-reboot", Wait: 20,
					Chosen: "reset it (hard reboot)", Rejected: "a hard reboot did not bring it back"},
				{Name: "power-cycle", Assuming: []string{"!tried:power-cycle"}, Call: "power-cycle", Wait: 20,
					Chosen: "power-cycle it", Rejected: "a power-cycle did not bring it back"},
				{Name: "technician", Call: "technician", Chosen: "mark it out_for_repair and call a technician"},
			},
		},
		{
			Name: "pdu-off", Kind: "pdu", When: []string{"should-run", "heard", "state:off"},
			Should: "{element} should be on",
			Choices: []rules.Choice{
				{Name: "grace", Assuming: []string{"!tried:grace"}, Call: "wait", Wait: 15,
					Chosen: "give it 15 ticks in case it was switched off on purpose", Rejected: "it stayed off for 15 ticks"},
				{Name: "power-on", Assuming: []string{"!tried:power-on"}, Call: "power-on", Wait: 10, Chosen: "switch it back on", Rejected: "it did not switch on"},
				{Name: "technician", Call: "technician", Chosen: "mark it out_for_repair and call a technician"},
			},
		},
		{
			Name: "pdu-silent", Kind: "pdu", When: []string{"should-run", "unavailable", "!out-for-repair"},
			Should:  "{element} should answer on its management port",
			Choices: []rules.Choice{{Name: "technician", Call: "technician", Chosen: "mark it out_for_repair and call a technician"}},
		},
		{
			Name: "tor-silent", Kind: "tor", When: []string{"should-run", "unavailable", "!out-for-repair"},
			Should:  "{element} should answer on its management port",
			Choices: []rules.Choice{{Name: "technician", Call: "technician", Chosen: "mark it out_for_repair and call a technician"}},
		},
		{
			Name: "pdu-cable", Kind: "pdu", When: []string{"should-run", "heard", "reports-faulted", "!out-for-repair"},
			Should:  "every cable of {element} should carry power",
			Choices: []rules.Choice{{Name: "technician", Call: "technician", Chosen: "mark it out_for_repair and call a technician to replace the faulted cable"}},
		},
		{
			Name: "tor-cable", Kind: "tor", When: []string{"should-run", "heard", "reports-faulted", "!out-for-repair"},
			Should:  "every cable of {element} should carry traffic",
			Choices: []rules.Choice{{Name: "technician", Call: "technician", Chosen: "mark it out_for_repair and call a technician to replace the faulted cable"}},
		},
	}}
}
