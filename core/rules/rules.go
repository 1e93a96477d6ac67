// Package rules is the repair manager's data-driven rules engine (reference
// §4.1). A rule has a trigger and ordered choices; the first choice whose
// assumptions hold is taken, so putting the gentle fix first and the
// drastic one last gives escalation. Everything is data — a scenario
// carries its rules and a user can change them.
//
// The engine knows nothing of blades or PDUs. The caller describes an
// element as a set of facts (short names such as "never-seen",
// "tried:soft-reboot", "tor-unavailable") and receives a Decision: the
// action to call and a reason a person can read, built from the rule and
// from the choices passed over and taken:
//
//	blade region1/zone1/rack1/blade/3 should be working, but it did not
//	answer a soft reboot, so power-cycle it
//
// A caller that decides often numbers its facts once and compiles the set
// against that numbering (Set.Compile): an element is then described as
// Bits, and each condition is a bit test.
package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/strictjson"
)

// Set is an ordered list of rules; the first rule that triggers decides.
type Set struct {
	Rules []Rule `json:"rules"`
}

// Rule reacts to an element whose facts match When.
type Rule struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`   // the kind of element it applies to: blade, pdu, tor
	When    []string `json:"when"`   // facts that must all hold ("!fact": must not hold)
	Should  string   `json:"should"` // the start of the reason; {element} is replaced by the element's name
	Choices []Choice `json:"choices"`
}

// Choice is one way to act on a triggered rule.
type Choice struct {
	Name     string   `json:"name"`
	Assuming []string `json:"assuming,omitempty"` // facts that must all hold
	Call     string   `json:"call"`               // the action the caller carries out
	Wait     int64    `json:"wait,omitempty"`     // ticks to wait for its effect before deciding again
	Chosen   string   `json:"chosen"`             // "power-cycle it"
	// Rejected explains passing this choice over after it was tried (the
	// fact "tried:<name>" holds): "it did not answer a soft reboot".
	// Choices passed over for other reasons are not mentioned.
	Rejected string `json:"rejected,omitempty"`
}

// Facts is what the caller knows about one element.
type Facts interface {
	Has(fact string) bool
}

// FactSet is a Facts backed by a list of names.
type FactSet []string

// Has reports whether fact is in the set.
func (f FactSet) Has(fact string) bool { return slices.Contains(f, fact) }

// Decision is what the engine decided for one element.
type Decision struct {
	Rule   string
	Choice string // "" when no choice applies
	Call   string
	Wait   int64

	// Why, in the rule's own words (Reason chains them): its Should text
	// with {element} replaced, the Rejected texts of the choices tried that
	// no longer apply, and the chosen choice's Chosen text.
	Should string
	But    []string
	Chosen string
}

// Reason chains the rule's texts: "X should be Y, but A, and B, so Z", or
// "X should be Y: no choice applies".
func (d *Decision) Reason() string {
	r := reason(d.Should, d.But, d.Chosen)
	if d.Choice == "" {
		r += ": no choice applies"
	}
	return r
}

// Decide returns the decision of the first rule of kind that triggers on
// facts, and false when no rule triggers. A triggered rule with no choice
// whose assumptions hold decides nothing, but says so in the reason.
func (s *Set) Decide(kind, element string, facts Facts) (Decision, bool) {
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.Kind != kind || !holds(r.When, facts) {
			continue
		}
		var but []string
		for j := range r.Choices {
			c := &r.Choices[j]
			if !holds(c.Assuming, facts) {
				if c.Rejected != "" && facts.Has("tried:"+c.Name) {
					but = append(but, c.Rejected)
				}
				continue
			}
			return decision(r, c, element, but), true
		}
		return decision(r, nil, element, but), true
	}
	return Decision{}, false
}

// decision is rule r's decision to take choice c (nil: none applies) about
// element, having passed over the choices tried whose Rejected texts are
// but.
func decision(r *Rule, c *Choice, element string, but []string) Decision {
	d := Decision{Rule: r.Name, Should: strings.ReplaceAll(r.Should, "{element}", element), But: but}
	if c != nil {
		d.Choice, d.Call, d.Wait, d.Chosen = c.Name, c.Call, c.Wait, c.Chosen
	}
	return d
}

func holds(conds []string, facts Facts) bool {
	for _, c := range conds {
		if neg, ok := strings.CutPrefix(c, "!"); ok {
			if facts.Has(neg) {
				return false
			}
		} else if !facts.Has(c) {
			return false
		}
	}
	return true
}

// reason chains the rule's text with the rejected and chosen choices:
// "X should be Y, but A, and B, so Z".
func reason(should string, but []string, chosen string) string {
	var b strings.Builder
	b.WriteString(should)
	for i, r := range but {
		if i == 0 {
			b.WriteString(", but ")
		} else {
			b.WriteString(", and ")
		}
		b.WriteString(r)
	}
	if chosen != "" {
		b.WriteString(", so ")
		b.WriteString(chosen)
	}
	return b.String()
}

// Action is an action a choice may call, as the caller carries it out.
type Action struct {
	Name string
	// MinWait is the least wait, in ticks, a choice calling it must give:
	// the earliest its effect can be seen. Deciding again sooner would act
	// on facts the action has not had time to change, which is how a rule
	// that re-triggers itself runs away.
	MinWait int64
}

// Kind is an element kind rules may name, with its vocabulary: every fact
// the caller may describe such an element with. The engine adds its own
// "tried:<choice>" facts, for every choice name of the set.
type Kind struct {
	Name  string
	Facts []string
}

// Validate checks a set against the kinds (with their facts) and actions
// the caller knows. A fact outside the rule's kind's vocabulary is refused:
// a misspelt fact would never hold (and its negation always would), so the
// rule would silently never trigger, or trigger for every element.
// Each error starts with the path of the field at fault, then names the
// rule (and the choice): `rules[2].choices[1].call: "reboot" is not an
// action (want one of ...) (rule "blade-down", choice "reboot")`, so a
// reader can locate it in the JSON it came from.
func (s *Set) Validate(kinds []Kind, actions []Action) error {
	calls := make([]string, len(actions))
	for i, a := range actions {
		calls[i] = a.Name
	}
	kindNames := make([]string, len(kinds))
	for i, k := range kinds {
		kindNames[i] = k.Name
	}
	var choiceNames []string // every choice's: "tried:<name>" is a fact of the engine's
	for _, r := range s.Rules {
		for _, c := range r.Choices {
			if !slices.Contains(choiceNames, c.Name) {
				choiceNames = append(choiceNames, c.Name)
			}
		}
	}
	names := map[string]bool{}
	for i := range s.Rules {
		r := &s.Rules[i]
		at := fmt.Sprintf("rules[%d]", i)
		fail := func(field, format string, args ...any) error {
			return fmt.Errorf("%s.%s: %s (rule %q)", at, field, fmt.Sprintf(format, args...), r.Name)
		}
		switch {
		case r.Name == "":
			return fmt.Errorf("%s.name: is empty", at)
		case names[r.Name]:
			return fmt.Errorf("%s.name: %q is used twice", at, r.Name)
		case !slices.Contains(kindNames, r.Kind):
			return fail("kind", "%q is not one of %s", r.Kind, strings.Join(kindNames, ", "))
		case r.Should == "":
			return fail("should", "is empty")
		case len(r.Choices) == 0:
			return fail("choices", "there are none")
		}
		names[r.Name] = true
		vocab := vocabulary{kind: &kinds[slices.Index(kindNames, r.Kind)], choices: choiceNames}
		if err := vocab.check(r.When, at+".when", fmt.Sprintf("(rule %q)", r.Name)); err != nil {
			return err
		}
		choices := map[string]bool{}
		for j := range r.Choices {
			c := &r.Choices[j]
			cat := fmt.Sprintf("%s.choices[%d]", at, j)
			who := fmt.Sprintf("(rule %q, choice %q)", r.Name, c.Name)
			switch {
			case c.Name == "":
				return fmt.Errorf("%s.name: is empty (rule %q)", cat, r.Name)
			case choices[c.Name]:
				return fmt.Errorf("%s.name: %q is used twice (rule %q)", cat, c.Name, r.Name)
			case !slices.Contains(calls, c.Call):
				return fmt.Errorf("%s.call: %q is not an action (want one of %s) %s", cat, c.Call, strings.Join(calls, ", "), who)
			case c.Wait < 0:
				return fmt.Errorf("%s.wait: must be >= 0, got %d %s", cat, c.Wait, who)
			case c.Wait < actions[slices.Index(calls, c.Call)].MinWait:
				min := actions[slices.Index(calls, c.Call)].MinWait
				got := fmt.Sprintf("got %d", c.Wait)
				if c.Wait == 0 {
					got = "got 0 (or it is left out)"
				}
				return fmt.Errorf("%s.wait: must be >= %d for %s, whose effect is seen %d %s later at the earliest; %s %s", cat, min, c.Call, min, ticks(min), got, who)
			case c.Chosen == "":
				return fmt.Errorf("%s.chosen: is empty %s", cat, who)
			}
			choices[c.Name] = true
			if err := vocab.check(c.Assuming, cat+".assuming", who); err != nil {
				return err
			}
		}
	}
	return nil
}

func ticks(n int64) string {
	if n == 1 {
		return "tick"
	}
	return "ticks"
}

// vocabulary is what a rule of one kind may test.
type vocabulary struct {
	kind    *Kind
	choices []string // the set's choice names, for "tried:<choice>"
}

func (v vocabulary) check(facts []string, at, who string) error {
	for k, f := range facts {
		name := strings.TrimPrefix(f, "!")
		if name == "" || strings.TrimSpace(f) != f {
			return fmt.Errorf("%s[%d]: %q is not a fact name %s", at, k, f, who)
		}
		if tried, ok := strings.CutPrefix(name, "tried:"); ok {
			if !slices.Contains(v.choices, tried) {
				return fmt.Errorf("%s[%d]: %q names no choice of these rules (want tried:<choice>, <choice> one of %s) %s",
					at, k, f, strings.Join(v.choices, ", "), who)
			}
			continue
		}
		if !slices.Contains(v.kind.Facts, name) {
			as := "" // a negation is quoted as written, then its fact
			if f != name {
				as = strconv.Quote(f) + ": "
			}
			return fmt.Errorf("%s[%d]: %s%q is not a fact of a %s (want one of %s, or tried:<choice>) %s",
				at, k, as, name, v.kind.Name, strings.Join(v.kind.Facts, ", "), who)
		}
	}
	return nil
}

// Parse reads a rule set from strict JSON (core/strictjson: no repeated,
// case-variant or unknown keys, nothing after the set); every error is a
// *strictjson.Error naming "rules", the line, the column and the path.
func Parse(data []byte) (*Set, error) {
	var s Set
	if err := strictjson.Decode("rules", data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Clone returns a deep copy.
func (s *Set) Clone() *Set {
	c := &Set{Rules: make([]Rule, len(s.Rules))}
	for i, r := range s.Rules {
		r.When = slices.Clone(r.When)
		r.Choices = slices.Clone(r.Choices)
		for j := range r.Choices {
			r.Choices[j].Assuming = slices.Clone(r.Choices[j].Assuming)
		}
		c.Rules[i] = r
	}
	return c
}
