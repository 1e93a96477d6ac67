// Package variant is a scenario with overrides: the unit that a
// comparison (policies side by side) and a sweep (variants × seeds) vary.
// All the variants of a comparison start from the same scenario; a variant
// changes only what it names, so any difference between two runs comes
// from those overrides (and, in a sweep, the seed).
//
// A variant's JSON form:
//
//	{"name": "spread", "policy": "spread"}
//	{"name": "packer", "policy": "custom", "custom": {"filter": "blade.instances < 8", "score": "-blade.free_cores"}}
//	{"name": "slow monitor", "monitor": {"suspectAfter": 30, "failAfter": 60}}
//	{"name": "fast techs", "repair": {"technician": {"low": 60, "high": 180}, "burnIn": 60}}
//	{"name": "no power cycles", "rules": {...a rule set, as in a scenario's control.rules...}}
//	{"name": "seed 7", "seed": 7}
//
// The settings objects replace the scenario's whole (monitor, repair) or
// rule set; they are not merged field by field, so what a variant runs is
// what it says.
package variant

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/monitor"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
)

// NameMax bounds a variant's name, in bytes.
const NameMax = 64

// Variant is a scenario's overrides. A nil field leaves the scenario's own.
type Variant struct {
	Name    string            `json:"name"`
	Policy  string            `json:"policy,omitempty"`  // a placement policy (sched.Policies, or custom)
	Custom  *sched.CustomSpec `json:"custom,omitempty"`  // the custom policy's expressions (with policy custom)
	Rules   *rules.Set        `json:"rules,omitempty"`   // the repair rules in force
	Monitor *monitor.Settings `json:"monitor,omitempty"` // the monitor's settings
	Repair  *repair.Settings  `json:"repair,omitempty"`  // the repair manager's settings
	Seed    *uint64           `json:"seed,omitempty"`    // the scenario's seed
}

// Validate checks the variant on its own: a name, and every override valid.
// Errors start with the field's name (policy: ..., monitor.failAfter: ...).
func (v *Variant) Validate() error {
	switch {
	case strings.TrimSpace(v.Name) == "":
		return errors.New("name: a variant needs a name")
	case len(v.Name) > NameMax:
		return fmt.Errorf("name: at most %d bytes, got %d", NameMax, len(v.Name))
	}
	if v.Policy != "" || v.Custom != nil {
		if _, err := sched.PolicyFor(v.Policy, v.Custom); err != nil {
			return err
		}
	}
	if v.Rules != nil {
		if err := repair.ValidateRules(v.Rules); err != nil {
			return fmt.Errorf("rules.%w", err)
		}
	}
	if v.Monitor != nil {
		if err := v.Monitor.Validate(); err != nil {
			return err // "monitor.failAfter must be ..."
		}
	}
	if v.Repair != nil {
		if err := v.Repair.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Apply returns a copy of sc with the variant's overrides; sc is not
// changed. It fails, naming the field, when the variant overrides what the
// scenario does not have: a policy without workloads, rules or settings
// without a control plane.
func (v *Variant) Apply(sc *scenario.Scenario) (*scenario.Scenario, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	out := sc.Clone()
	needControl := func(field string) error {
		if out.Control == nil {
			return fmt.Errorf("%s: scenario %q has no control plane to set it in", field, sc.Name)
		}
		return nil
	}
	if v.Policy != "" {
		if err := needControl("policy"); err != nil {
			return nil, err
		}
		if out.Control.Workloads == nil {
			return nil, fmt.Errorf("policy: scenario %q has no workloads to place", sc.Name)
		}
		p, _ := sched.PolicyFor(v.Policy, v.Custom)
		out.Control.Workloads.Policy, out.Control.Workloads.Custom = p.Name(), nil
		if v.Custom != nil {
			custom := *v.Custom
			out.Control.Workloads.Custom = &custom
		}
	}
	if v.Rules != nil {
		if err := needControl("rules"); err != nil {
			return nil, err
		}
		out.Control.Rules = v.Rules.Clone()
	}
	if v.Monitor != nil {
		if err := needControl("monitor"); err != nil {
			return nil, err
		}
		out.Control.Monitor = *v.Monitor
	}
	if v.Repair != nil {
		if err := needControl("repair"); err != nil {
			return nil, err
		}
		out.Control.Repair = *v.Repair
	}
	if v.Seed != nil {
		out.Seed = *v.Seed
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckNames refuses a list of variants with a repeated name (names
// compare regardless of case, as a reader would), naming both places as
// variants[i].
func CheckNames(vs []Variant) error {
	seen := make([]string, 0, len(vs))
	for i := range vs {
		n := strings.ToLower(vs[i].Name)
		if j := slices.Index(seen, n); j >= 0 {
			return fmt.Errorf("variants[%d].name: %q is the name of variants[%d] too", i, vs[i].Name, j)
		}
		seen = append(seen, n)
	}
	return nil
}
