//go:build !(js && wasm)

package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/repair"
	"github.com/cloudchamber/cloudchamber/core/rules"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/stretchr/testify/require"
)

type policiesUnderTest struct {
	PoliciesPanel
	ctx app.Context
}

func (p *policiesUnderTest) OnPreRender(ctx app.Context) { p.ctx = ctx }

func loadPolicies(t *testing.T, c *Controller) (*policiesUnderTest, app.TestEngine) {
	t.Helper()
	p := &policiesUnderTest{PoliciesPanel: PoliciesPanel{C: c, V: c.Version()}}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(p))
	e.ConsumeAll()
	require.NotNil(t, p.ctx, "OnPreRender did not run")
	return p, e
}

// act runs f as an event handler does, then lets the panel re-render.
func (p *policiesUnderTest) act(e app.TestEngine, f func()) {
	p.ctx.Dispatch(func(app.Context) { f(); p.V = p.C.Version() })
	e.ConsumeAll()
}

func TestPoliciesPanelShowsPolicyAndRules(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, _ := loadPolicies(t, c)
	html := app.HTMLString(p)
	require.Contains(t, html, "<strong>first-fit</strong>")
	for _, name := range []string{"first-fit", "best-fit", "spread"} {
		require.Contains(t, html, `value="`+name+`"`)
	}
	require.Contains(t, html, "the default rules")
	require.Contains(t, html, "blade-down")
	require.Contains(t, html, "when a blade has should-run, not working, not transitioning, not suspected, not out-for-repair: ")
	require.Contains(t, html, "soft-reboot — if not unstarted, not tried:soft-reboot → soft-reboot (wait 20) &#34;reboot it&#34;")
	require.Contains(t, html, "technician — always → technician")
	require.Contains(t, html, "Apply and restart at tick 0")
	require.True(t, tagFlag("disabled", html, `data-testid="policy-apply"`), "nothing to apply yet")
	require.True(t, tagFlag("hidden", html, `class="pol-editor"`))
}

func TestPoliciesPanelRefusesRulesThatDoNotParse(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadPolicies(t, c)
	base, now := c.Base(), c.World().Now()

	p.act(e, func() { p.startEdit() })
	require.True(t, p.isEditing())
	require.Equal(t, rulesJSON(repair.DefaultRules()), p.draft)
	html := app.HTMLString(p)
	require.False(t, tagFlag("hidden", html, `class="pol-editor"`))
	require.Contains(t, html, "take-blade-out")

	p.act(e, func() {
		p.draft = "{\n  \"rules\": [\n    {\"name\": \"x\",, }\n  ]\n}"
		p.applyRules()
	})
	require.Contains(t, p.err, "rules:3:18: rules[0]: invalid character ','")
	require.Same(t, base, c.Base(), "the scenario is unchanged")
	require.Equal(t, now, c.World().Now(), "and keeps running where it was")
	require.True(t, p.isEditing(), "the edit stays open to be fixed")
	require.Contains(t, app.HTMLString(p), "rules:3:18: rules[0]: invalid character")

	// Valid JSON the repair manager cannot run is refused too.
	p.act(e, func() {
		p.draft = strings.Replace(rulesJSON(repair.DefaultRules()), `"call": "soft-reboot"`, `"call": "reboot"`, 1)
		p.applyRules()
	})
	require.Contains(t, p.err, `rules[2].choices[4].call: "reboot" is not an action`)
	require.Contains(t, p.err, `(rule "blade-down", choice "soft-reboot")`)
	require.True(t, strings.HasPrefix(p.err, "rules:118:19: "), "located at the call: %s", p.err)
	require.Same(t, base, c.Base())

	p.act(e, func() { p.draft = `{"rules": []}`; p.applyRules() })
	require.Contains(t, p.err, "the set is empty")
	require.Same(t, base, c.Base())

	p.act(e, func() { p.cancelEdit() })
	require.False(t, p.isEditing())
	require.Empty(t, p.err)
}

func TestPoliciesPanelAppliesEditedRulesAndRestarts(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadPolicies(t, c)
	require.Nil(t, c.Base().Control.Rules)

	edited := repair.DefaultRules()
	down := slices.IndexFunc(edited.Rules, func(r rules.Rule) bool { return r.Name == "blade-down" })
	require.GreaterOrEqual(t, down, 0)
	r := &edited.Rules[down]
	r.Choices = slices.DeleteFunc(r.Choices, func(ch rules.Choice) bool { return ch.Name == "power-cycle" })

	p.act(e, func() {
		p.startEdit()
		p.draft = rulesJSON(edited)
		p.applyRules()
	})
	require.Empty(t, p.err)
	require.Equal(t, clock.Tick(0), c.World().Now(), "restarted at tick 0")
	got := c.Base().Control.Rules
	require.NotNil(t, got)
	require.Equal(t, edited, got)
	require.False(t, slices.ContainsFunc(got.Rules[down].Choices, func(ch rules.Choice) bool { return ch.Name == "power-cycle" }))
	require.False(t, p.isEditing())
	html := app.HTMLString(p)
	require.Contains(t, html, "the scenario&#39;s own rules")
	require.NotContains(t, html, "power-cycle — ")
	require.Contains(t, html, "Restarted at tick 0 with the edited rules (8 rules).")

	// The new rules run: the standard scenario still brings every blade up.
	require.NoError(t, c.Step(40))
	require.Empty(t, c.Err())

	// Use the default rules: the editor shows them again.
	p.act(e, func() { p.startEdit(); p.useDefaultRules() })
	require.Equal(t, rulesJSON(repair.DefaultRules()), p.draft)
}

func TestPoliciesPanelAppliesPolicy(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadPolicies(t, c)
	p.act(e, func() { p.choosePolicy("spread") })
	require.False(t, tagFlag("disabled", app.HTMLString(p), `data-testid="policy-apply"`))
	p.act(e, func() { p.applyPolicy() })
	require.Empty(t, p.err)
	require.Equal(t, "spread", c.Base().Control.Workloads.Policy)
	require.Equal(t, "spread", c.World().Control().Workloads.Policy())
	require.Equal(t, clock.Tick(0), c.World().Now())
	require.Contains(t, app.HTMLString(p), "<strong>spread</strong>")

	require.Contains(t, app.HTMLString(p), "Restarted at tick 0 with the spread policy.")

	// A choice made for a scenario since replaced is forgotten, and so is
	// the note about the old one.
	p.act(e, func() { p.choosePolicy("best-fit") })
	p.act(e, func() { require.NoError(t, c.Load(scenario.Default())) })
	require.Equal(t, "first-fit", p.chosenPolicy())
	require.NotContains(t, app.HTMLString(p), "Restarted at tick 0")

	p.act(e, func() { p.choosePolicy("nonsense"); p.applyPolicy() })
	require.Contains(t, p.err, `"nonsense" is not a placement policy`)
	require.Equal(t, "first-fit", c.Base().Control.Workloads.Policy)
}

// The custom policy: its fields show while it is chosen, an expression
// that does not compile is refused with its column and changes nothing,
// and good ones restart the scenario placing by them.
func TestPoliciesPanelAppliesCustomPolicy(t *testing.T) {
	c := newTestController(t, "standard", 40)
	p, e := loadPolicies(t, c)
	html := app.HTMLString(p)
	require.Contains(t, html, `value="custom"`)
	require.True(t, tagFlag("hidden", html, `data-testid="policy-custom"`))

	p.act(e, func() { p.choosePolicy("custom") })
	html = app.HTMLString(p)
	require.False(t, tagFlag("hidden", html, `data-testid="policy-custom"`))
	require.Contains(t, html, `value="blade.instances < 8"`, "the example to start from")
	require.Contains(t, html, "blade.free_cores, blade.free_memory_mb")

	p.act(e, func() { p.setCustom(false, "blade.free_cores * blade.cpu"); p.applyPolicy() })
	require.Contains(t, p.err, "custom.score: column 20: unknown name blade.cpu")
	require.Equal(t, "first-fit", c.Base().Control.Workloads.Policy, "nothing changed")
	require.Equal(t, clock.Tick(40), c.World().Now())

	p.act(e, func() { p.setCustom(false, "-blade.free_cores"); p.setCustom(true, ""); p.applyPolicy() })
	require.Empty(t, p.err)
	require.Equal(t, "custom", c.Base().Control.Workloads.Policy)
	require.Equal(t, "-blade.free_cores", c.Base().Control.Workloads.Custom.Score)
	require.Equal(t, "custom", c.World().Control().Workloads.Policy())
	require.Equal(t, clock.Tick(0), c.World().Now())
	html = app.HTMLString(p)
	require.Contains(t, html, "<code>(every blade that fits)</code>")
	require.Contains(t, html, "<code>-blade.free_cores</code>")
	require.True(t, tagFlag("disabled", html, `data-testid="policy-apply"`), "what is shown is in force")
	require.NoError(t, c.Step(30))
}

func TestPoliciesPanelWithoutControlPlane(t *testing.T) {
	c := newTestController(t, "extended", 0)
	p, _ := loadPolicies(t, c)
	html := app.HTMLString(p)
	require.Contains(t, html, "no control plane")
	require.NotContains(t, html, "rules-edit")

	sc := scenario.Default()
	sc.Control.Workloads = nil
	c2, err := NewController(sc)
	require.NoError(t, err)
	p2, _ := loadPolicies(t, c2)
	html = app.HTMLString(p2)
	require.Contains(t, html, "no workloads block, so no scheduler runs")
	require.Contains(t, html, "rules-edit")

	empty := &PoliciesPanel{}
	e := app.NewTestEngine()
	require.NoError(t, e.Load(empty))
	e.ConsumeAll()
	require.NoError(t, app.Match(app.Section().Class("panel", "panel-policies").Aria("label", "Policies"), empty, 0))
}

func TestPoliciesRulesText(t *testing.T) {
	set := &rules.Set{Rules: []rules.Rule{{
		Name: "pdu-off", Kind: "pdu", When: []string{"should-run", "!heard"}, Should: "{element} should be on",
		Choices: []rules.Choice{
			{Name: "grace", Assuming: []string{"!tried:grace"}, Call: "wait", Wait: 15, Chosen: "give it time"},
			{Name: "technician", Call: "technician", Chosen: "call a technician"},
		},
	}}}
	require.Equal(t, `pdu-off — when a PDU has should-run, not heard: "{element} should be on"; choices in order:
  1. grace — if not tried:grace → wait (wait 15) "give it time"
  2. technician — always → technician "call a technician"
`, rulesText(set))
	require.Equal(t, "always", describeFacts(nil))
	require.Equal(t, "a TOR", elementName("tor"))
	require.Equal(t, "a blade", elementName("blade"))

	// The editor's JSON reads back to the same set.
	back, err := parseRulesEdit(rulesJSON(repair.DefaultRules()))
	require.NoError(t, err)
	require.Equal(t, repair.DefaultRules(), back)
	_, err = parseRulesEdit(`{"rules": [], "extra": 1}`)
	require.EqualError(t, err, "rules:1:15: extra: unknown key (known here: rules)")
}
