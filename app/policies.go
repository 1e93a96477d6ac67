package app

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/scoring"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// PoliciesPanel shows the scheduler's placement policy and the repair
// rules of the loaded scenario, and changes them. A change makes a new
// scenario (the loaded one with the change) and restarts it at tick 0: a
// policy or a rule set is part of the run's input, not a command.
type PoliciesPanel struct {
	app.Compo
	C    *Controller
	V    uint64
	Page replacer // keeps the session a restart replaces; nil in tests

	policy    string             // the policy chosen in the select ("" : the scenario's)
	policyFor *scenario.Scenario // the scenario it was chosen for; another one forgets it
	custom    sched.CustomSpec   // the custom policy's expressions being edited (for policyFor)
	editing   bool
	draft     string             // the rules being edited, as JSON
	draftFor  *scenario.Scenario // the scenario the edit started from
	err       string             // why the last apply was refused
	note      string             // what the last apply did
	msgFor    *scenario.Scenario // the scenario err and note are about; another one hides them
}

// rulesJSON is a rule set as the editor shows it: indented JSON.
func rulesJSON(s *rules.Set) string {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("policies: a rule set does not encode: %v", err)) // plain strings and ints: our bug
	}
	return string(b)
}

// parseRulesEdit reads an edited rule set: strict JSON that the repair
// manager can run (its kinds and calls). Every error names the line and
// column: "rules:3:18: rules[0]: invalid character ...".
func parseRulesEdit(text string) (*rules.Set, error) {
	s, err := rules.Parse([]byte(text))
	if err != nil {
		return nil, err
	}
	if len(s.Rules) == 0 {
		return nil, strictjson.PlaceAt("rules", []byte(text), "rules", "the set is empty; the repair manager would do nothing (use the default rules instead)", nil)
	}
	if err := repair.ValidateRules(s); err != nil {
		return nil, strictjson.Place("rules", []byte(text), err)
	}
	return s, nil
}

// describeFacts reads a list of facts: "should-run, not working", or
// "always" for none.
func describeFacts(facts []string) string {
	if len(facts) == 0 {
		return "always"
	}
	out := make([]string, len(facts))
	for i, f := range facts {
		if neg, ok := strings.CutPrefix(f, "!"); ok {
			out[i] = "not " + neg
		} else {
			out[i] = f
		}
	}
	return strings.Join(out, ", ")
}

// elementName is a rule kind as people write it: "a blade", "a PDU".
func elementName(kind string) string {
	if kind == "pdu" || kind == "tor" {
		return "a " + strings.ToUpper(kind)
	}
	return "a " + kind
}

// ruleSummary is a rule's trigger: `blade-down — when a blade has
// should-run, not working: "{element} should be working"; choices in order:`.
func ruleSummary(r rules.Rule) string {
	return fmt.Sprintf("%s — when %s has %s: %q; choices in order:", r.Name, elementName(r.Kind), describeFacts(r.When), r.Should)
}

// choiceSummary is one choice: `soft-reboot — if not unstarted → soft-reboot
// (wait 20) "reboot it"`.
func choiceSummary(c rules.Choice) string {
	cond := "always"
	if len(c.Assuming) > 0 {
		cond = "if " + describeFacts(c.Assuming)
	}
	wait := ""
	if c.Wait > 0 {
		wait = fmt.Sprintf(" (wait %d)", c.Wait)
	}
	return fmt.Sprintf("%s — %s → %s%s %q", c.Name, cond, c.Call, wait, c.Chosen)
}

// rulesText is a rule set as readable text, a rule per paragraph and its
// choices numbered.
func rulesText(s *rules.Set) string {
	var b strings.Builder
	for i, r := range s.Rules {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(ruleSummary(r) + "\n")
		for j, c := range r.Choices {
			fmt.Fprintf(&b, "  %d. %s\n", j+1, choiceSummary(c))
		}
	}
	return b.String()
}

// say sets the panel's error and note, about the scenario loaded now.
func (p *PoliciesPanel) say(err, note string) {
	p.err, p.note, p.msgFor = err, note, p.C.Base()
}

// control is the loaded scenario's control block, nil without one.
func (p *PoliciesPanel) control() *scenario.Control {
	if p.C == nil {
		return nil
	}
	return p.C.Base().Control
}

// chosenPolicy is the policy the select shows.
func (p *PoliciesPanel) chosenPolicy() string {
	if p.policy != "" && p.policyFor == p.C.Base() {
		return p.policy
	}
	if ctl := p.control(); ctl != nil && ctl.Workloads != nil {
		return ctl.Workloads.Policy
	}
	return ""
}

// isEditing is whether an edit of the loaded scenario's rules is open; an
// edit begun on a scenario since replaced is dropped.
func (p *PoliciesPanel) isEditing() bool {
	return p.editing && p.draftFor == p.C.Base()
}

func (p *PoliciesPanel) choosePolicy(name string) {
	if p.policyFor != p.C.Base() {
		p.custom = p.scenarioCustom()
	}
	p.policy, p.policyFor = name, p.C.Base()
}

// exampleCustom is what the custom policy's fields start with when the
// scenario has none: a packer that leaves room for one more instance.
var exampleCustom = sched.CustomSpec{
	Filter: "blade.instances < 8",
	Score:  "request.cores - blade.free_cores",
}

// scenarioCustom is the loaded scenario's custom policy, or the example.
func (p *PoliciesPanel) scenarioCustom() sched.CustomSpec {
	if ctl := p.control(); ctl != nil && ctl.Workloads != nil && ctl.Workloads.Custom != nil {
		return *ctl.Workloads.Custom
	}
	return exampleCustom
}

// customDraft is the custom policy's expressions the fields show.
func (p *PoliciesPanel) customDraft() sched.CustomSpec {
	if p.policyFor == p.C.Base() {
		return p.custom
	}
	return p.scenarioCustom()
}

// setCustom edits one of the custom policy's expressions.
func (p *PoliciesPanel) setCustom(filter bool, text string) {
	if p.policyFor != p.C.Base() {
		p.custom, p.policy, p.policyFor = p.scenarioCustom(), p.chosenPolicy(), p.C.Base()
	}
	if filter {
		p.custom.Filter = text
	} else {
		p.custom.Score = text
	}
}

// applyPolicy restarts the scenario at tick 0 with the chosen policy (and,
// for the custom one, its expressions). A custom policy whose expressions
// do not compile is refused with the expression and column at fault.
func (p *PoliciesPanel) applyPolicy() {
	ctl := p.control()
	name := p.chosenPolicy()
	var custom *sched.CustomSpec
	switch {
	case ctl == nil || ctl.Workloads == nil:
		p.say("policy: this scenario has no workloads block, so no scheduler runs", "")
		return
	case name == sched.CustomName:
		c := p.customDraft()
		if _, err := sched.PolicyFor(name, &c); err != nil {
			p.say(err.Error(), "")
			return
		}
		custom = &c
	case !slices.Contains(sched.Policies(), name):
		p.say(fmt.Sprintf("policy: %q is not a placement policy (want one of %s, or %s)", name, strings.Join(sched.Policies(), ", "), sched.CustomName), "")
		return
	}
	sc := p.C.Base().Clone()
	sc.Control.Workloads.Policy, sc.Control.Workloads.Custom = name, custom
	if err := p.C.Load(sc); err != nil {
		p.say(err.Error(), "")
		return
	}
	p.policy = ""
	p.say("", fmt.Sprintf("Restarted at tick 0 with the %s policy.", name))
}

// startEdit opens the editor on the rules in force.
func (p *PoliciesPanel) startEdit() {
	if ctl := p.control(); ctl != nil {
		p.editing, p.draftFor = true, p.C.Base()
		p.say("", "")
		p.draft = rulesJSON(ctl.RulesOrDefault())
	}
}

func (p *PoliciesPanel) cancelEdit() {
	p.editing, p.draft, p.draftFor = false, "", nil
	p.say("", "")
}

// useDefaultRules puts the shipped rules in the editor.
func (p *PoliciesPanel) useDefaultRules() {
	p.draft = rulesJSON(repair.DefaultRules())
}

// applyRules restarts the scenario at tick 0 with the edited rules. An
// edit that does not parse or validate is refused with its error, and
// nothing changes.
func (p *PoliciesPanel) applyRules() {
	if p.control() == nil || !p.isEditing() {
		return
	}
	set, err := parseRulesEdit(p.draft)
	if err != nil {
		p.say(err.Error(), "")
		return
	}
	sc := p.C.Base().Clone()
	sc.Control.Rules = set
	if err := p.C.Load(sc); err != nil {
		p.say(err.Error(), "")
		return
	}
	p.editing, p.draft, p.draftFor = false, "", nil
	p.say("", fmt.Sprintf("Restarted at tick 0 with the edited rules (%s).", plural(len(set.Rules), "rule")))
}

// Render draws the panel.
func (p *PoliciesPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-policies").Aria("label", "Policies")
	if p.C == nil {
		return sec.Body(app.H2().Text("Policies"))
	}
	ctl := p.control()
	if ctl == nil {
		return sec.Body(
			app.H2().Text("Policies"),
			app.P().Class("pol-none").DataSet("testid", "policies-none").
				Text("This scenario has no control plane: no scheduler places workloads and no repair manager follows rules. Load one with a control block (such as standard) to see and change them."),
		)
	}
	msgErr, msgNote := "", ""
	if p.msgFor == p.C.Base() {
		msgErr, msgNote = p.err, p.note
	}
	return sec.Body(
		app.H2().Text("Policies"),
		app.P().Class("pol-restart").Text("The policy and the rules are part of the scenario: changing either restarts it at tick 0, without the commands given since."),
		p.renderPolicy(ctl),
		p.renderRules(ctl),
		app.P().ID("pol-error").Class("pol-error").DataSet("testid", "policies-error").Aria("live", "polite").Text(msgErr),
		app.P().Class("pol-note").DataSet("testid", "policies-note").Aria("live", "polite").Text(msgNote),
	)
}

func (p *PoliciesPanel) renderPolicy(ctl *scenario.Control) app.UI {
	wrap := app.Div().Class("pol-policy").DataSet("testid", "policy")
	if ctl.Workloads == nil {
		return wrap.Body(
			app.H3().Text("Placement policy"),
			app.P().Class("pol-none").Text("This scenario has no workloads block, so no scheduler runs."),
		)
	}
	current := ctl.Workloads.Policy
	chosen := p.chosenPolicy()
	names := append(sched.Policies(), sched.CustomName)
	opts := make([]app.UI, 0, len(names))
	for _, name := range names {
		label := name
		if name == sched.CustomName {
			label = "custom (your expressions)"
		}
		opts = append(opts, choiceOption(name, label, name == chosen))
	}
	currentText := []app.UI{app.Text("The scheduler places instances by "), app.Strong().Text(current), app.Text(".")}
	if c := ctl.Workloads.Custom; current == sched.CustomName && c != nil {
		currentText = append(currentText[:2], app.Text(": filter "), app.Code().Text(orAll(c.Filter)), app.Text(", score "), app.Code().Text(orZero(c.Score)), app.Text("."))
	}
	draft := p.customDraft()
	changed := chosen != current || chosen == sched.CustomName && (ctl.Workloads.Custom == nil || draft != *ctl.Workloads.Custom)
	return wrap.Body(
		app.H3().Text("Placement policy"),
		app.P().Class("pol-current").Body(currentText...),
		app.Div().Class("pol-row").Body(
			app.Label().For("pol-policy").Text("Policy"),
			app.Select().ID("pol-policy").DataSet("testid", "policy-select").
				OnChange(func(ctx app.Context, e app.Event) { p.choosePolicy(ctx.JSSrc().Get("value").String()) }, app.EventScope("pol-policy")).
				Body(opts...),
			app.Button().Type("button").Class("pol-apply").DataSet("testid", "policy-apply").Disabled(!changed).
				Text("Apply and restart at tick 0").OnClick(func(ctx app.Context, e app.Event) {
				replaceWith(p.Page, ctx, "restarting with another policy", func(app.Context) { p.applyPolicy() })
			}),
		),
		p.renderCustom(chosen == sched.CustomName, draft),
	)
}

func orAll(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(every blade that fits)"
	}
	return s
}

func orZero(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(0: the first blade)"
	}
	return s
}

// renderCustom is the custom policy's two expressions and what they may
// use, shown while custom is chosen.
func (p *PoliciesPanel) renderCustom(shown bool, draft sched.CustomSpec) app.UI {
	field := func(id, testid, label, value, hint string, filter bool) app.UI {
		return app.Div().Class("pol-row", "pol-expr").Body(
			app.Label().For(id).Text(label),
			app.Input().Type("text").ID(id).DataSet("testid", testid).Spellcheck(false).Aria("describedby", "pol-error").
				Attr("value", value).Placeholder(hint).
				OnInput(func(ctx app.Context, e app.Event) { p.setCustom(filter, ctx.JSSrc().Get("value").String()) }, app.EventScope(id)),
		)
	}
	names := make([]string, 0, scoring.NumVars)
	for v := range scoring.NumVars {
		names = append(names, v.String())
	}
	return app.Div().Class("pol-custom").DataSet("testid", "policy-custom").Hidden(!shown).Body(
		app.P().Class("pol-help").Text("Among the blades that fit an instance, the filter keeps those it is true for, and the highest score wins (ties: the first blade). Go's expression syntax over integers: + - * / %, comparisons, && || !, min, max, abs."),
		field("pol-filter", "policy-filter", "Filter", draft.Filter, "every blade that fits", true),
		field("pol-score", "policy-score", "Score", draft.Score, "0: the first blade", false),
		app.P().Class("pol-help").Body(app.Text("Names: "), app.Code().Text(strings.Join(names, ", "))),
	)
}

func (p *PoliciesPanel) renderRules(ctl *scenario.Control) app.UI {
	set := ctl.RulesOrDefault()
	whose := "the default rules"
	if ctl.Rules != nil {
		whose = "the scenario's own rules"
	}
	items := make([]app.UI, len(set.Rules))
	for i, r := range set.Rules {
		choices := make([]app.UI, len(r.Choices))
		for j, c := range r.Choices {
			choices[j] = app.Li().Class("pol-choice").Text(choiceSummary(c))
		}
		items[i] = app.Li().Class("pol-rule").DataSet("name", r.Name).Body(
			app.P().Class("pol-rule-head").Body(
				app.Strong().Text(r.Name),
				app.Text(" — when "+elementName(r.Kind)+" has "+describeFacts(r.When)+": "),
				app.Q().Text(r.Should),
				app.Text("; choices in order:"),
			),
			app.Ol().Class("pol-choices").Body(choices...),
		)
	}
	editing := p.isEditing()
	draft := ""
	if editing {
		draft = p.draft
	}
	return app.Div().Class("pol-rules-wrap").Body(
		app.H3().Text("Repair rules"),
		app.P().Class("pol-current").Textf("The repair manager follows %s: for each element, the first rule that triggers decides, and within it the first choice whose assumptions hold.", whose),
		app.Ol().Class("pol-rules").DataSet("testid", "rules").Body(items...),
		app.Button().Type("button").Class("pol-edit").DataSet("testid", "rules-edit").Hidden(editing).
			Text("Edit rules").OnClick(func(ctx app.Context, e app.Event) { p.startEdit() }),
		app.Div().Class("pol-editor").Hidden(!editing).Body(
			app.Label().For("pol-rules").Text("Rules (JSON)"),
			app.Textarea().ID("pol-rules").DataSet("testid", "rules-text").Rows(24).Spellcheck(false).
				Aria("describedby", "pol-error").
				// The value property, not only the text: a textarea the user
				// has typed in ignores its text, and "Use the default rules"
				// must still replace what it shows.
				Attr("value", draft).Text(draft).
				OnInput(p.ValueTo(&p.draft), app.EventScope("pol-rules")),
			app.Div().Class("pol-row").Body(
				app.Button().Type("button").Class("pol-apply").DataSet("testid", "rules-apply").
					Text("Apply and restart at tick 0").OnClick(func(ctx app.Context, e app.Event) {
					if _, err := parseRulesEdit(p.draft); err != nil {
						p.applyRules() // says what is wrong; nothing to keep
						return
					}
					replaceWith(p.Page, ctx, "restarting with edited rules", func(app.Context) { p.applyRules() })
				}),
				app.Button().Type("button").Class("pol-default").DataSet("testid", "rules-default").
					Text("Use the default rules").OnClick(func(ctx app.Context, e app.Event) { p.useDefaultRules() }),
				app.Button().Type("button").Class("pol-cancel").DataSet("testid", "rules-cancel").
					Text("Cancel").OnClick(func(ctx app.Context, e app.Event) { p.cancelEdit() }),
			),
		),
	)
}
