package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/variant"
)

// compareDraft is one variant as the Compare tab's set-up edits it: the
// name, policy and custom expressions as a variant.Variant, and the other
// overrides as the text typed (blank: the scenario's own), read by build
// when the comparison starts.
type compareDraft struct {
	v variant.Variant // Name, Policy, Custom

	seed                      string
	suspectAfter, failAfter   string // monitor.Settings, ticks
	techLow, techHigh, burnIn string // repair.Settings, ticks
	rules                     string // rulesScenario, rulesNone or rulesCustom
	rulesText                 string // the custom rule set, JSON (with rulesCustom)
}

// The choices of a variant's repair rules.
const (
	rulesScenario = ""       // the scenario's own
	rulesNone     = "none"   // an empty set: nothing acts on a broken element
	rulesCustom   = "custom" // a rule set written as JSON
)

// draftOf is the set-up's form of a variant (from a running comparison):
// whole settings objects fill every field of theirs.
func draftOf(v variant.Variant) compareDraft {
	d := compareDraft{v: variant.Variant{Name: v.Name, Policy: v.Policy, Custom: v.Custom}}
	if v.Seed != nil {
		d.seed = strconv.FormatUint(*v.Seed, 10)
	}
	if m := v.Monitor; m != nil {
		d.suspectAfter, d.failAfter = fmt.Sprint(m.SuspectAfter), fmt.Sprint(m.FailAfter)
	}
	if r := v.Repair; r != nil {
		d.techLow, d.techHigh, d.burnIn = fmt.Sprint(r.Technician.Low), fmt.Sprint(r.Technician.High), fmt.Sprint(r.BurnIn)
	}
	switch {
	case v.Rules == nil:
	case len(v.Rules.Rules) == 0:
		d.rules = rulesNone
	default:
		d.rules, d.rulesText = rulesCustom, rulesJSON(v.Rules)
	}
	return d
}

// overridesMore reports whether the draft sets anything beyond name and
// policy (its settings are then shown open).
func (d *compareDraft) overridesMore() bool {
	return d.seed != "" || d.suspectAfter != "" || d.failAfter != "" || d.techLow != "" || d.techHigh != "" || d.burnIn != "" || d.rules != rulesScenario
}

// tickField reads a field of ticks: blank is def (the scenario's value).
func tickField(field, text string, def clock.Tick) (clock.Tick, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a whole number of ticks", field, text)
	}
	return clock.Tick(n), nil
}

// build is the variant the draft stands for, over base (the scenario
// every variant starts from): blank fields keep the scenario's values; a
// monitor or repair field set overrides that whole settings object, its
// other fields the scenario's. Errors start with the field's name
// (seed: ..., monitor.failAfter ..., rules:3:18: ...) and the variant is
// checked with variant.Validate.
func (d *compareDraft) build(base *scenario.Scenario) (variant.Variant, error) {
	v := d.v
	v.Seed, v.Monitor, v.Repair, v.Rules = nil, nil, nil, nil
	if s := strings.TrimSpace(d.seed); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return v, fmt.Errorf("seed: %q is not a whole number (0 or more); leave it blank for the scenario's (%d)", s, base.Seed)
		}
		v.Seed = &n
	}
	ctl := base.Control
	if ctl == nil && (d.suspectAfter+d.failAfter+d.techLow+d.techHigh+d.burnIn != "" || d.rules != rulesScenario) {
		return v, fmt.Errorf("monitor, repair, rules: scenario %q has no control plane to set them in", base.Name)
	}
	if strings.TrimSpace(d.suspectAfter+d.failAfter) != "" {
		m := ctl.Monitor
		var err error
		if m.SuspectAfter, err = tickField("monitor.suspectAfter", d.suspectAfter, m.SuspectAfter); err != nil {
			return v, err
		}
		if m.FailAfter, err = tickField("monitor.failAfter", d.failAfter, m.FailAfter); err != nil {
			return v, err
		}
		v.Monitor = &m
	}
	if strings.TrimSpace(d.techLow+d.techHigh+d.burnIn) != "" {
		r := ctl.Repair
		var err error
		if r.Technician.Low, err = tickField("repair.technician.low", d.techLow, r.Technician.Low); err != nil {
			return v, err
		}
		if r.Technician.High, err = tickField("repair.technician.high", d.techHigh, r.Technician.High); err != nil {
			return v, err
		}
		if r.BurnIn, err = tickField("repair.burnIn", d.burnIn, r.BurnIn); err != nil {
			return v, err
		}
		v.Repair = &r
	}
	switch d.rules {
	case rulesScenario:
	case rulesNone:
		v.Rules = emptyRules()
	case rulesCustom:
		if strings.TrimSpace(d.rulesText) == "" {
			return v, errors.New("rules: the rule set is blank; write one as JSON, or choose the scenario's rules or none")
		}
		s, err := parseRulesEdit(d.rulesText)
		if err != nil {
			return v, err
		}
		v.Rules = s
	default:
		return v, fmt.Errorf("rules: %q is not a choice", d.rules)
	}
	if err := v.Validate(); err != nil {
		return v, err
	}
	return v, nil
}

// buildVariants builds every draft; the first error names the variant
// by its place and name, and no variant is returned.
func buildVariants(drafts []compareDraft, base *scenario.Scenario) ([]variant.Variant, error) {
	out := make([]variant.Variant, len(drafts))
	for i := range drafts {
		v, err := drafts[i].build(base)
		if err != nil {
			return nil, fmt.Errorf("variant %d (%s): %w", i+1, drafts[i].v.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

// overrides says in words what a variant changes besides its placement
// policy, e.g. "seed 7", "monitor: suspect after 5 ticks, unavailable
// after 30 ticks"; none for a variant that changes nothing else.
func overrides(v variant.Variant) []string {
	var out []string
	if v.Seed != nil {
		out = append(out, fmt.Sprintf("seed %d", *v.Seed))
	}
	if m := v.Monitor; m != nil {
		out = append(out, fmt.Sprintf("monitor: suspect after %d ticks of silence, unavailable after %d", m.SuspectAfter, m.FailAfter))
	}
	if r := v.Repair; r != nil {
		out = append(out, fmt.Sprintf("repair: technician %d–%d ticks, burn-in %d ticks", r.Technician.Low, r.Technician.High, r.BurnIn))
	}
	if r := v.Rules; r != nil {
		if len(r.Rules) == 0 {
			out = append(out, "rules: none (nothing acts on a broken element)")
		} else {
			out = append(out, fmt.Sprintf("rules: its own (%d rules)", len(r.Rules)))
		}
	}
	return out
}

// The scenario's values, shown as the placeholders of blank fields.
func scenarioMonitor(base *scenario.Scenario) monitor.Settings {
	if base == nil || base.Control == nil {
		return monitor.DefaultSettings()
	}
	return base.Control.Monitor
}

func scenarioRepair(base *scenario.Scenario) repair.Settings {
	if base == nil || base.Control == nil {
		return repair.DefaultSettings()
	}
	return base.Control.Repair
}

// emptyRules is "no rules": a set with none (not nil, which is the
// scenario's own).
func emptyRules() *rules.Set { return &rules.Set{Rules: []rules.Rule{}} }
