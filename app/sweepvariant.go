package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/variant"
)

// sweepDraft is the Sweep tab's "add a variant" editor as typed: a name, a
// placement policy ("" keeps the scenario's; custom takes a filter and a
// score), and monitor and repair settings in ticks. A blank setting takes
// the scenario's value; a group left wholly blank overrides nothing.
type sweepDraft struct {
	Name, Policy, Filter, Score string
	Suspect, Fail               string // monitor.suspectAfter, monitor.failAfter
	TechLow, TechHigh, BurnIn   string // repair.technician.low/high, repair.burnIn
}

// variant is the draft as a variant over base, checked by
// variant.Validate and applied to base (a policy needs workloads...).
// Errors name the field: "monitor.failAfter: ...".
func (d sweepDraft) variant(base *scenario.Scenario) (variant.Variant, error) {
	v := variant.Variant{Name: strings.TrimSpace(d.Name), Policy: d.Policy}
	if d.Policy == sched.CustomName {
		v.Custom = &sched.CustomSpec{Filter: strings.TrimSpace(d.Filter), Score: strings.TrimSpace(d.Score)}
	}
	ctl := scenario.DefaultControl()
	if base != nil && base.Control != nil {
		ctl = base.Control
	}
	tick := func(field, s string, dflt clock.Tick) (clock.Tick, error) {
		s = strings.TrimSpace(s)
		if s == "" {
			return dflt, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a whole number of ticks", field, s)
		}
		return clock.Tick(n), nil
	}
	blank := func(ss ...string) bool {
		return !slices.ContainsFunc(ss, func(s string) bool { return strings.TrimSpace(s) != "" })
	}
	var err error
	if !blank(d.Suspect, d.Fail) {
		m := monitor.Settings{}
		if m.SuspectAfter, err = tick("monitor.suspectAfter", d.Suspect, ctl.Monitor.SuspectAfter); err != nil {
			return v, err
		}
		if m.FailAfter, err = tick("monitor.failAfter", d.Fail, ctl.Monitor.FailAfter); err != nil {
			return v, err
		}
		v.Monitor = &m
	}
	if !blank(d.TechLow, d.TechHigh, d.BurnIn) {
		r := repair.Settings{}
		if r.Technician.Low, err = tick("repair.technician.low", d.TechLow, ctl.Repair.Technician.Low); err != nil {
			return v, err
		}
		if r.Technician.High, err = tick("repair.technician.high", d.TechHigh, ctl.Repair.Technician.High); err != nil {
			return v, err
		}
		if r.BurnIn, err = tick("repair.burnIn", d.BurnIn, ctl.Repair.BurnIn); err != nil {
			return v, err
		}
		v.Repair = &r
	}
	if v.Policy == "" && v.Monitor == nil && v.Repair == nil {
		return v, fmt.Errorf("policy: choose a policy, or set the monitor or the repairs: this variant would be the scenario as it is")
	}
	if _, err := v.Apply(base); err != nil {
		return v, err
	}
	return v, nil
}

// describeVariant says what a variant overrides, for its row in the list.
func describeVariant(v variant.Variant) string {
	var parts []string
	switch {
	case v.Custom != nil:
		s := "custom policy: score " + v.Custom.Score
		if v.Custom.Filter != "" {
			s += ", filter " + v.Custom.Filter
		}
		parts = append(parts, s)
	case v.Policy != "":
		parts = append(parts, "policy "+v.Policy)
	}
	if m := v.Monitor; m != nil {
		parts = append(parts, fmt.Sprintf("monitor: suspect after %d, fail after %d ticks", m.SuspectAfter, m.FailAfter))
	}
	if r := v.Repair; r != nil {
		parts = append(parts, fmt.Sprintf("repairs: technician %d to %d, burn-in %d ticks", r.Technician.Low, r.Technician.High, r.BurnIn))
	}
	if v.Rules != nil {
		parts = append(parts, "its own repair rules")
	}
	if len(parts) == 0 {
		return "the scenario as it is"
	}
	return strings.Join(parts, "; ")
}

// isPlainPolicy reports whether v is a built-in policy's variant as the
// tab's checkboxes make it: named by the policy, nothing else set.
func isPlainPolicy(v variant.Variant) bool {
	return slices.Contains(sched.Policies(), v.Policy) && v.Name == v.Policy &&
		v.Custom == nil && v.Rules == nil && v.Monitor == nil && v.Repair == nil && v.Seed == nil
}
