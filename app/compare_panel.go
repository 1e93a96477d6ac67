package app

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/compare"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// comparePage is what the Compare tab needs of the page: the loaded
// scenario's session, and a place for the comparison that outlives the
// tab (the Shell keeps it, runs it in frames and saves it).
type comparePage interface {
	comparison() *Compare
	setComparison(c *Compare)
	// saveComparison files c in the library under name; the page's note
	// (the panel's Note) says how it went.
	saveComparison(name string, c *Compare)
}

// ComparePanel is the Compare tab: variants of the loaded scenario (a
// name and a placement policy each, 2 to compare.VariantsMax) started
// together at tick 0, moved in lockstep, shown side by side with their
// first divergent decision.
type ComparePanel struct {
	app.Compo
	S    *Session
	C    *Compare // the comparison, nil before one is started
	V    uint64   // C's version
	Page comparePage
	Note string // what became of the last save to the library

	drafts   []compareDraft // the variants being set up
	draftsOf *Compare       // the comparison they were last taken from
	tick     string         // the run-to field
	op       scenario.Op    // the command chosen ("": fail blade)
	path     string         // the command's element
	link     string         // the last share link made
	name     string         // the name to save the comparison under ("": saveName's default)
	err      string
}

// defaultDrafts are the variants a new comparison of sc offers: sc's own
// placement policy (first-fit when it has no workloads) against spread,
// or against first-fit when sc's policy is spread; on a cluster with GPU
// devices (gpus), against fgd, the policy of Beware of Fragmentation, or
// against best-fit when sc's policy is fgd.
func defaultDrafts(sc *scenario.Scenario, gpus bool) []compareDraft {
	first := variant.Variant{Name: "first-fit", Policy: "first-fit"}
	if sc != nil && sc.Control != nil && sc.Control.Workloads != nil && sc.Control.Workloads.Policy != "" {
		wl := sc.Control.Workloads
		first = variant.Variant{Name: wl.Policy, Policy: wl.Policy}
		if wl.Custom != nil {
			c := *wl.Custom
			first.Custom = &c
		}
	}
	other, instead := "spread", "first-fit"
	if gpus {
		other, instead = "fgd", "best-fit"
	}
	if first.Policy == other {
		other = instead
	}
	return []compareDraft{{v: first}, {v: variant.Variant{Name: other, Policy: other}}}
}

// Render draws the set-up, the controls, the columns and the divergence.
func (p *ComparePanel) Render() app.UI {
	switch {
	case p.C != nil && p.C != p.draftsOf:
		// Another comparison (started here, or opened from a link or the
		// library): the set-up shows its variants.
		p.drafts, p.draftsOf = p.drafts[:0], p.C
		for _, v := range p.C.Variants() {
			p.drafts = append(p.drafts, draftOf(v))
		}
	case p.drafts == nil:
		var sc *scenario.Scenario
		if p.S != nil {
			sc = p.S.Base()
		}
		p.drafts = defaultDrafts(sc, p.hasGPUs())
	}
	body := []app.UI{
		app.H2().Text("Compare variants"),
		app.P().Class("compare-about").Text("Each variant is the loaded scenario with its own placement policy, and if you like its own seed, monitor and repair settings or repair rules. They start together at tick 0 and move in lockstep, apart from the session on the left; a command given here (fail a blade, stick a PDU…) reaches every variant at the same tick."),
		p.renderSetup(),
	}
	if p.err != "" {
		body = append(body, app.P().Class("compare-error").Aria("role", "alert").DataSet("testid", "compare-error").Text(p.err))
	}
	if p.C != nil {
		body = append(body, p.renderControls(), p.renderDivergence(), p.renderColumns(), p.renderCharts())
	}
	return app.Section().Class("compare").DataSet("testid", "compare-panel").Body(body...)
}

// hasGPUs is whether the scenario the variants start from has blades
// with GPU devices (its workload manager's, O(1)); false with no
// workloads.
func (p *ComparePanel) hasGPUs() bool {
	var w *sim.World
	switch {
	case p.C != nil:
		w = p.C.Run().Worlds()[0]
	case p.S != nil:
		w = p.S.World()
	}
	if w == nil {
		return false
	}
	ctl := w.Control()
	return ctl != nil && ctl.Workloads != nil && ctl.Workloads.HasGPUs()
}

// policyOptions are the placement policies a variant can have, with
// chosen selected; without GPU devices (gpus false) the policies written
// for them (sched.ForGPUs) are shown disabled, saying why.
func policyOptions(chosen string, gpus bool) []app.UI {
	names := append(sched.Policies(), sched.CustomName)
	opts := make([]app.UI, 0, len(names))
	for _, name := range names {
		if !gpus && sched.ForGPUs(name) {
			opts = append(opts, app.Option().Value(name).Text(name+" (needs GPUs)").Selected(name == chosen).Disabled(true).
				Title(name+" places by the blades' GPU devices, and this scenario has none"))
			continue
		}
		opts = append(opts, app.Option().Value(name).Text(name).Selected(name == chosen))
	}
	return opts
}

func (p *ComparePanel) renderSetup() app.UI {
	from := p.startFrom()
	gpus := p.hasGPUs()
	var rows []app.UI
	for i := range p.drafts {
		i := i
		v := p.drafts[i].v
		opts := policyOptions(v.Policy, gpus)
		var custom app.UI = app.Text("")
		if v.Policy == sched.CustomName && v.Custom != nil {
			custom = app.Div().Class("compare-custom").Body(
				app.Input().DataSet("testid", "compare-variant-filter").Aria("label", fmt.Sprintf("Variant %d filter", i+1)).
					Placeholder("filter, e.g. blade.instances < 8").Value(v.Custom.Filter).
					OnChange(func(ctx app.Context, e app.Event) { p.setCustom(i, ctx.JSSrc().Get("value").String(), true) }),
				app.Input().DataSet("testid", "compare-variant-score").Aria("label", fmt.Sprintf("Variant %d score", i+1)).
					Placeholder("score, e.g. blade.free_memory_mb - request.memory_mb").Value(v.Custom.Score).
					OnChange(func(ctx app.Context, e app.Event) { p.setCustom(i, ctx.JSSrc().Get("value").String(), false) }),
			)
		}
		rows = append(rows, app.Div().Class("compare-draft").Body(
			app.Input().Class("compare-variant-name").DataSet("testid", "compare-variant-name").Aria("label", fmt.Sprintf("Variant %d name", i+1)).
				Value(v.Name).OnChange(func(ctx app.Context, e app.Event) {
				p.drafts[i].v.Name = strings.TrimSpace(ctx.JSSrc().Get("value").String())
			}),
			app.Select().DataSet("testid", "compare-variant-policy").Aria("label", fmt.Sprintf("Variant %d placement policy", i+1)).
				OnChange(func(ctx app.Context, e app.Event) { p.choosePolicy(i, ctx.JSSrc().Get("value").String()) }).Body(opts...),
			app.If(len(p.drafts) > 2, func() app.UI {
				return app.Button().Type("button").Text("Remove").OnClick(func(ctx app.Context, e app.Event) {
					p.drafts = append(p.drafts[:i:i], p.drafts[i+1:]...)
				})
			}),
		), custom, p.renderSettings(i, from))
	}
	scName := ""
	if from != nil {
		scName = from.Name
	}
	start := "Start from " + scName + " at tick 0"
	if p.C != nil {
		start = "Restart these variants from " + scName + " at tick 0"
	}
	return app.Div().Class("compare-setup").Body(
		app.Div().Body(rows...),
		app.Button().Type("button").DataSet("testid", "compare-add-variant").Text("Add a variant").
			Disabled(len(p.drafts) >= compare.VariantsMax).OnClick(p.onAdd),
		app.Button().Type("button").DataSet("testid", "compare-start").Text(start).
			Disabled(p.S == nil).OnClick(p.onStart),
		app.If(p.edited(), func() app.UI {
			return app.P().Class("compare-pending").DataSet("testid", "compare-pending").
				Text("Edited: the running variants are still the ones shown below, and Save and Share keep them. Your changes apply when you restart.")
		}),
	)
}

// edited is whether the set-up differs from the running comparison's
// variants: the edits wait for a restart, and the page says so.
func (p *ComparePanel) edited() bool {
	if p.C == nil {
		return false
	}
	vs := p.C.Variants()
	if len(vs) != len(p.drafts) {
		return true
	}
	for i, v := range vs {
		if !reflect.DeepEqual(draftOf(v), p.drafts[i]) {
			return true
		}
	}
	return false
}

// renderSettings is variant i's overrides beyond the policy: seed,
// monitor, repair and rules, each blank for the scenario's own (shown as
// the placeholder).
func (p *ComparePanel) renderSettings(i int, from *scenario.Scenario) app.UI {
	d := &p.drafts[i]
	field := func(testid, label, placeholder, value string, set func(d *compareDraft, s string)) app.UI {
		return app.Label().Class("compare-field").Body(
			app.Span().Text(label),
			app.Input().Type("text").Attr("inputmode", "numeric").DataSet("testid", testid).
				Aria("label", fmt.Sprintf("Variant %d %s", i+1, label)).Placeholder(placeholder).Value(value).
				OnChange(func(ctx app.Context, e app.Event) {
					set(&p.drafts[i], strings.TrimSpace(ctx.JSSrc().Get("value").String()))
				}),
		)
	}
	seed := "?"
	if from != nil {
		seed = strconv.FormatUint(from.Seed, 10)
	}
	body := []app.UI{
		app.Summary().Text(settingsSummary(d)),
		app.Div().Class("compare-fields").Body(
			field("compare-variant-seed", "seed", seed+" (scenario's)", d.seed, func(d *compareDraft, s string) { d.seed = s }),
		),
	}
	if from != nil && from.Control != nil {
		mon, rep := scenarioMonitor(from), scenarioRepair(from)
		ticks := func(t clock.Tick) string { return fmt.Sprintf("%d (scenario's)", t) }
		var rulesText app.UI = app.Text("")
		if d.rules == rulesCustom {
			rulesText = app.Textarea().Class("compare-rules-json").DataSet("testid", "compare-variant-rules-json").
				Aria("label", fmt.Sprintf("Variant %d repair rules, JSON", i+1)).Rows(8).Text(d.rulesText).
				OnChange(func(ctx app.Context, e app.Event) { p.drafts[i].rulesText = ctx.JSSrc().Get("value").String() })
		}
		var ropts []app.UI
		for _, o := range [][2]string{{"scenario", "the scenario's rules"}, {rulesNone, "no rules (nothing acts on a broken element)"}, {rulesCustom, "my own, as JSON"}} {
			ropts = append(ropts, app.Option().Value(o[0]).Text(o[1]).Selected(o[0] == d.rules || o[0] == "scenario" && d.rules == rulesScenario))
		}
		body = append(body,
			app.Div().Class("compare-fields").Body(
				app.Span().Class("compare-fields-head").Text("monitor, in ticks of silence:"),
				field("compare-variant-suspect-after", "suspect after", ticks(mon.SuspectAfter), d.suspectAfter, func(d *compareDraft, s string) { d.suspectAfter = s }),
				field("compare-variant-fail-after", "unavailable after", ticks(mon.FailAfter), d.failAfter, func(d *compareDraft, s string) { d.failAfter = s }),
			),
			app.Div().Class("compare-fields").Body(
				app.Span().Class("compare-fields-head").Text("repair, in ticks:"),
				field("compare-variant-technician-low", "technician takes at least", ticks(rep.Technician.Low), d.techLow, func(d *compareDraft, s string) { d.techLow = s }),
				field("compare-variant-technician-high", "at most", ticks(rep.Technician.High), d.techHigh, func(d *compareDraft, s string) { d.techHigh = s }),
				field("compare-variant-burn-in", "burn-in", ticks(rep.BurnIn), d.burnIn, func(d *compareDraft, s string) { d.burnIn = s }),
			),
			app.Div().Class("compare-fields").Body(
				app.Label().Class("compare-field").Body(
					app.Span().Text("repair rules"),
					app.Select().DataSet("testid", "compare-variant-rules").Aria("label", fmt.Sprintf("Variant %d repair rules", i+1)).
						OnChange(func(ctx app.Context, e app.Event) { p.chooseRules(i, ctx.JSSrc().Get("value").String()) }).Body(ropts...),
				),
			),
			rulesText,
		)
	}
	return app.Details().Class("compare-settings").DataSet("testid", "compare-variant-settings").Open(d.overridesMore()).Body(body...)
}

// settingsSummary is the settings' fold: what the variant overrides, or
// that it keeps the scenario's.
func settingsSummary(d *compareDraft) string {
	var set []string
	if d.seed != "" {
		set = append(set, "seed")
	}
	if d.suspectAfter+d.failAfter != "" {
		set = append(set, "monitor")
	}
	if d.techLow+d.techHigh+d.burnIn != "" {
		set = append(set, "repair")
	}
	if d.rules != rulesScenario {
		set = append(set, "rules")
	}
	if len(set) == 0 {
		return "Seed, monitor, repair, rules: the scenario's"
	}
	return "Seed, monitor, repair, rules: its own " + strings.Join(set, ", ")
}

// chooseRules sets variant i's rules choice; "my own" starts from the
// rules in force in the scenario.
func (p *ComparePanel) chooseRules(i int, choice string) {
	d := &p.drafts[i]
	if choice == "scenario" {
		choice = rulesScenario
	}
	d.rules = choice
	if choice == rulesCustom && strings.TrimSpace(d.rulesText) == "" {
		if from := p.startFrom(); from != nil && from.Control != nil {
			d.rulesText = rulesJSON(from.Control.RulesOrDefault())
		}
	}
}

// choosePolicy sets variant i's policy, and its name too while the name
// is still the old policy's.
func (p *ComparePanel) choosePolicy(i int, policy string) {
	v := &p.drafts[i].v
	if v.Name == v.Policy || v.Name == "" {
		v.Name = policy
	}
	v.Policy = policy
	v.Custom = nil
	if policy == sched.CustomName {
		v.Custom = &sched.CustomSpec{Score: defaultCustomScore}
	}
}

// defaultCustomScore is the score a custom variant starts with: the blade
// that keeps the most memory free.
const defaultCustomScore = "blade.free_memory_mb - request.memory_mb"

// setCustom sets variant i's filter (or score) expression; the spec is
// copied, as a running comparison may share the old one.
func (p *ComparePanel) setCustom(i int, expr string, filter bool) {
	cs := sched.CustomSpec{}
	if p.drafts[i].v.Custom != nil {
		cs = *p.drafts[i].v.Custom
	}
	if filter {
		cs.Filter = strings.TrimSpace(expr)
	} else {
		cs.Score = strings.TrimSpace(expr)
	}
	p.drafts[i].v.Custom = &cs
}

func (p *ComparePanel) onAdd(ctx app.Context, e app.Event) {
	if len(p.drafts) >= compare.VariantsMax {
		return
	}
	p.drafts = append(p.drafts, compareDraft{v: variant.Variant{Name: fmt.Sprintf("variant %d", len(p.drafts)+1), Policy: "best-fit"}})
}

// startFrom is the scenario the start button starts from: the running
// comparison's own (a restart of these variants, which may have come from
// a link while the session holds another scenario), else the session's.
func (p *ComparePanel) startFrom() *scenario.Scenario {
	switch {
	case p.C != nil:
		return p.C.Base()
	case p.S != nil:
		return p.S.Base()
	}
	return nil
}

func (p *ComparePanel) onStart(ctx app.Context, e app.Event) {
	from := p.startFrom()
	if from == nil {
		return
	}
	vs, err := buildVariants(p.drafts, from)
	if err != nil {
		p.err = "Not started: " + err.Error()
		return
	}
	c, err := NewCompare(from, vs)
	if err != nil {
		p.err = "Not started: " + err.Error()
		return
	}
	p.err, p.link = "", ""
	p.Page.setComparison(c)
}

func (p *ComparePanel) renderControls() app.UI {
	c := p.C
	running, target := c.Running()
	status := fmt.Sprintf("t=%d", c.Now())
	if running {
		status = fmt.Sprintf("t=%d, running to %d", c.Now(), target)
	}
	var shared app.UI = app.Text("")
	if p.link != "" {
		shared = app.Input().Class("share-link").ReadOnly(true).Value(p.link).DataSet("testid", "compare-share-url").Aria("label", "Link to this comparison")
	}
	var cerr app.UI = app.Text("")
	if c.Err() != "" {
		cerr = app.P().Class("compare-error").Aria("role", "alert").DataSet("testid", "compare-run-error").Text(c.Err())
	}
	return app.Div().Class("compare-controls").Body(
		app.Div().Body(
			app.Span().Class("compare-now").DataSet("testid", "compare-now").DataSet("tick", int64(c.Now())).Text(status+" "),
			app.Button().Type("button").DataSet("testid", "compare-step").Text("Step 1").OnClick(func(ctx app.Context, e app.Event) { p.C.Step(1) }),
			app.Button().Type("button").Text("Step 100").OnClick(func(ctx app.Context, e app.Event) { p.C.Start(p.C.Now() + 100) }),
			app.Input().Type("number").Min(0).DataSet("testid", "compare-tick").Aria("label", "Tick to run or travel to").
				Value(p.tick).OnInput(func(ctx app.Context, e app.Event) { p.tick = ctx.JSSrc().Get("value").String() }),
			app.Button().Type("button").DataSet("testid", "compare-run-to").Text("Run or travel to tick").Title("A tick before now rebuilds the variants and replays them to it").OnClick(p.onRunTo),
			app.If(running, func() app.UI {
				return app.Button().Type("button").DataSet("testid", "compare-pause").Text("Pause").OnClick(func(ctx app.Context, e app.Event) { p.C.Pause() })
			}),
		),
		app.Div().Class("compare-travel").Body(
			app.Label().For("compare-travel").Text(fmt.Sprintf("Time travel (0–%d)", c.Reach())),
			app.Input().ID("compare-travel").Type("range").Min(0).Max(int64(c.Reach())).Value(strconv.FormatInt(int64(c.Now()), 10)).
				DataSet("testid", "compare-travel").DataSet("max", int64(c.Reach())).
				Aria("label", "Go back or forward to a tick in every variant").
				Title("Back rebuilds the variants and replays them to the tick; a blade failed after it is forgotten").
				OnChange(p.onTravel),
		),
		app.Div().Class("compare-command").Body(
			app.Select().DataSet("testid", "compare-command-op").Aria("label", "Command to give every variant").
				OnChange(func(ctx app.Context, e app.Event) { p.op = scenario.Op(ctx.JSSrc().Get("value").String()) }).
				Body(app.Range(compareOps).Slice(func(i int) app.UI {
					o := compareOps[i]
					return app.Option().Value(string(o.op)).Text(o.label).Selected(o.op == p.command())
				})),
			app.Input().DataSet("testid", "compare-command-target").Placeholder(opPlaceholder(c.Run().Worlds()[0].Hardware(), p.command())).Aria("label", "Path of the element the command is for").
				Value(p.path).OnInput(func(ctx app.Context, e app.Event) { p.path = strings.TrimSpace(ctx.JSSrc().Get("value").String()) }),
			app.Button().Type("button").DataSet("testid", "compare-command").Text("Give it to every variant").
				Title("At this tick, in every variant; a variant where it does not apply says why").OnClick(p.onCommand),
		),
		app.Div().Class("share").Body(
			app.Button().Type("button").DataSet("testid", "compare-share").Text("Share this comparison").OnClick(p.onShare),
			shared,
		),
		app.Div().Class("compare-save").Body(
			app.Input().DataSet("testid", "compare-save-name").Aria("label", "Name to save this comparison under").
				Value(p.saveName()).OnInput(func(ctx app.Context, e app.Event) { p.name = ctx.JSSrc().Get("value").String() }),
			app.Button().Type("button").DataSet("testid", "compare-save").Text("Save in the library").
				Title("Keeps this comparison, at this tick, in the Library tab").OnClick(p.onSave),
			app.If(p.Note != "", func() app.UI {
				return app.Span().Class("compare-note").DataSet("testid", "compare-save-msg").Aria("role", "status").Text(p.Note)
			}),
		),
		cerr,
	)
}

func (p *ComparePanel) onRunTo(ctx app.Context, e app.Event) {
	t, err := strconv.ParseInt(strings.TrimSpace(p.tick), 10, 64)
	if err != nil || t < 0 {
		p.err = fmt.Sprintf("Run to: %q is not a tick (a whole number, 0 or more)", p.tick)
		return
	}
	p.err = ""
	p.C.Start(clock.Tick(t))
}

// onTravel goes to the slider's tick in every variant, over frames.
func (p *ComparePanel) onTravel(ctx app.Context, e app.Event) {
	t, err := strconv.ParseInt(ctx.JSSrc().Get("value").String(), 10, 64)
	if err != nil {
		return
	}
	if err := p.C.TravelStart(clock.Tick(t)); err != nil {
		p.err = "Time travel: " + err.Error()
		return
	}
	p.err = ""
}

// compareOps are the commands the Compare tab gives every variant: those
// that name one element by its path.
var compareOps = []struct {
	op    scenario.Op
	label string
}{
	{scenario.FaultBlade, "Fail blade"},
	{scenario.RepairBlade, "Repair blade"},
	{scenario.Maintain, "Drain blade for maintenance"},
	{scenario.Retire, "Retire blade"},
	{scenario.ReturnService, "Return blade to service"},
	{scenario.Stick, "Stick PDU or TOR"},
	{scenario.Unstick, "Unstick PDU or TOR"},
	{scenario.StopRack, "Stop rack"},
	{scenario.CallTechnician, "Call a technician to blade, PDU or TOR"},
}

// opPlaceholder is an example path for the element op is for: the first
// of its kind in hw.
func opPlaceholder(hw *hardware.Model, op scenario.Op) string {
	ref := hardware.Ref{Kind: hardware.KindBlade}
	switch op {
	case scenario.Stick, scenario.Unstick:
		ref.Kind = hardware.KindPDU
	case scenario.StopRack:
		ref.Kind = hardware.KindRack
	}
	n := hw.NumBlades()
	switch ref.Kind {
	case hardware.KindRack:
		n = hw.NumRacks()
	case hardware.KindPDU:
		n = hw.NumDevices(ref.Kind)
	}
	if n == 0 {
		return ""
	}
	return hw.Path(ref)
}

// command is the op chosen (fail blade by default).
func (p *ComparePanel) command() scenario.Op {
	if p.op == "" {
		return scenario.FaultBlade
	}
	return p.op
}

func (p *ComparePanel) onCommand(ctx app.Context, e app.Event) {
	out, err := p.C.Apply(scenario.Command{Do: p.command(), Target: p.path})
	if err != nil {
		p.err = "Not applied: " + err.Error()
		return
	}
	p.err = ""
	var refused []string
	for i, o := range out {
		if o.Err != nil {
			refused = append(refused, p.C.Variants()[i].Name+": "+o.Err.Error())
		}
	}
	if len(refused) > 0 {
		p.err = "Refused in " + strings.Join(refused, "; ")
	}
}

// saveName is the name Save uses: the one typed, else the scenario's and
// the variants' ("workload-churn: first-fit vs spread").
func (p *ComparePanel) saveName() string {
	if p.name != "" {
		return p.name
	}
	var names []string
	for _, v := range p.C.Variants() {
		names = append(names, v.Name)
	}
	return p.C.Base().Name + ": " + strings.Join(names, " vs ")
}

func (p *ComparePanel) onSave(ctx app.Context, e app.Event) {
	if p.Page != nil {
		p.Page.saveComparison(p.saveName(), p.C)
	}
}

func (p *ComparePanel) onShare(ctx app.Context, e app.Event) {
	l, err := p.C.Link()
	if err != nil {
		p.err = "Share: " + err.Error()
		return
	}
	loc := app.Window().Get("location")
	p.link = loc.Get("origin").String() + loc.Get("pathname").String() + "#" + l
	if clip := app.Window().Get("navigator").Get("clipboard"); clip.Truthy() {
		clip.Call("writeText", p.link)
	}
}

func (p *ComparePanel) renderColumns() app.UI {
	var cols []app.UI
	columns := p.C.Columns()
	for _, col := range columns {
		var figs []app.UI
		for k, f := range col.Figures {
			dd := app.Dd().Text(f.Value)
			if figureDiffers(columns, k) {
				dd = dd.Class("compare-differs").Title("differs between the variants")
			}
			doc := sweep.FigureDoc(compareSweepFigure[f.Name])
			dt := app.Dt().Text(f.Name).Title(doc)
			if better := figureBetter(f.Name); better != "" { // an arrow after the name (CSS), which its text leaves out
				dt = dt.DataSet("better", better).Title(doc + " (" + better + " is better)")
			}
			figs = append(figs, dt, dd)
		}
		var blades []string
		for _, b := range col.Blades {
			blades = append(blades, fmt.Sprintf("%d %s", b.N, b.State))
		}
		cols = append(cols, app.Div().Class("compare-column").DataSet("testid", "compare-variant").
			DataSet("name", col.Name).DataSet("tick", int64(col.Tick)).DataSet("hash", col.Hash).Body(
			app.H3().Text(col.Name),
			app.P().Class("compare-policy").Text("placement: "+col.Policy),
			app.P().Class("compare-overrides").DataSet("testid", "compare-variant-overrides").Text(overridesText(col.Overrides)),
			app.P().Class("compare-hash").Title("the trace hash: equal hashes, equal runs").Text(fmt.Sprintf("t=%d · hash %.12s", col.Tick, col.Hash)),
			app.P().Class("compare-measured").DataSet("testid", "compare-measured").DataSet("from", int64(col.MeasuredFrom)).
				Title("the figures that add up over time leave out the start-up, when every policy waits for the blades to boot").Text(MeasuredText(col)),
			app.Dl().Class("compare-figures").Body(figs...),
			app.P().Class("compare-blades").Text("blades: "+strings.Join(blades, ", ")),
		))
	}
	return app.Div().Body(
		app.Div().Class("compare-columns").Body(cols...),
		app.P().Class("compare-seed-note").DataSet("testid", "compare-seed-note").Text(
			"Each variant is one run, with one seed: a difference between them may be chance. "+
				"To decide, the Sweep tab runs policies over several seeds and says which differences are more than chance."),
	)
}

// compareSweepFigure is the sweep's figure (core/sweep.Figures) each
// Compare figure shows, whose doc and direction the tab shows with it.
var compareSweepFigure = map[string]string{
	"availability": "availability", "MTTR": "mttr_ticks",
	"instances waiting": "instances_waiting", "instances moved": "instances_moved", "placement failures": "placement_failures",
	"capacity used (cores)": "capacity_used_cores", "capacity used (memory)": "capacity_used_memory",
	"GPU allocation": "gpu_allocation", "GPU fragmentation": "gpu_fragmentation", "GPU tasks waiting": "gpu_tasks_waiting",
}

// figureBetter is which way a Compare figure is better, "higher" or
// "lower", as its sweep figure says (sweep.FigureBetter); "" for neither
// (capacity used: it follows the load as much as the policy).
func figureBetter(name string) string { return string(sweep.FigureBetter(compareSweepFigure[name])) }

func (p *ComparePanel) renderDivergence() app.UI {
	div := app.Div().Class("compare-divergence").DataSet("testid", "compare-divergence")
	tick, decs, ok := p.C.FirstDivergence()
	if !ok {
		return div.DataSet("tick", -1).Body(app.P().Text(fmt.Sprintf("No divergence yet: up to t=%d every variant decided the same.", p.C.Now())))
	}
	var items []app.UI
	for _, d := range decs {
		what := d.Decision
		if what == "" {
			what = "(nothing yet)"
		}
		if d.Reason != "" {
			what += " — because " + d.Reason
		}
		items = append(items, app.Li().Body(app.Strong().Text(d.Variant+": "), app.Text(what)))
	}
	return div.DataSet("tick", int64(tick)).Body(
		app.P().Text(fmt.Sprintf("First divergent decision at tick %d:", tick)),
		app.Ul().Body(items...),
	)
}

// renderCharts overlays the variants' figures over time, one line each.
func (p *ComparePanel) renderCharts() app.UI {
	var figs []app.UI
	for _, m := range p.C.Charts() {
		figs = append(figs, renderChart(m))
	}
	return app.Div().Class("charts-grid", "compare-charts").DataSet("testid", "compare-charts").Body(figs...)
}

// figureDiffers reports whether the k-th figure reads differently in some
// variant.
func figureDiffers(cols []CompareColumn, k int) bool {
	for _, c := range cols[1:] {
		if k >= len(c.Figures) || k >= len(cols[0].Figures) || c.Figures[k] != cols[0].Figures[k] {
			return true
		}
	}
	return false
}

// overridesText is a column's line of what else its variant changes.
func overridesText(o []string) string {
	if len(o) == 0 {
		return "nothing else overridden"
	}
	return strings.Join(o, "; ")
}
