package app

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/workload"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Bounds of what the workloads panel draws, so a churn scenario with
// thousands of workloads still renders in a frame: the newest workloads
// that are not deleted, and the first instances of each. Counts per state
// cover everything.
const (
	workloadsShownMax    = 100
	instancesShownMax    = 12
	workloadInstancesMax = 50 // the create form's bound on instances
)

// WorkloadsPanel lists the workloads: each instance's state and blade, or
// why it waits. It stops, resumes and deletes them, and creates new ones
// from a form. Every change is a command applied at the current tick.
type WorkloadsPanel struct {
	app.Compo
	C *Controller
	V uint64

	form     workloadForm // the create form as typed
	formErr  string       // why the last create was refused ("" if it was not)
	errField string       // the form field formErr is about ("" for none)
	confirm  string       // the workload whose Delete waits for "Confirm delete"
}

// workloadForm is the create form's fields as the user typed them.
type workloadForm struct {
	Name, Count, Cores, MemoryMB, Arch, Affinity, Domain string
}

func defaultWorkloadForm() workloadForm {
	return workloadForm{Count: "3", Cores: "1", MemoryMB: "1024", Affinity: sched.AffinityNone.String(), Domain: sched.DomainRack.String()}
}

// workloadAffinities lists the affinity rules in the form's order.
func workloadAffinities() []sched.Affinity {
	return []sched.Affinity{sched.AffinityNone, sched.StrongAffinity, sched.WeakAffinity, sched.StrongAntiAffinity, sched.WeakAntiAffinity}
}

// workloadDomains lists the fault domains, smallest first.
func workloadDomains() []sched.Domain {
	return []sched.Domain{sched.DomainBlade, sched.DomainRack, sched.DomainZone}
}

// parseWorkloadForm turns the form into a workload: count instances named
// i0, i1, …, each with the same requirements and its index as its affinity
// group, so anti-affinity spreads them over the domain. On error it also
// names the field at fault ("name", "count", "cores", "memory", "arch",
// "affinity", "domain"; "" when the error is about the whole workload).
func parseWorkloadForm(f workloadForm) (sched.Workload, string, error) {
	var w sched.Workload
	w.Name = strings.TrimSpace(f.Name)
	if w.Name == "" {
		return w, "name", errors.New("name: give the workload a name")
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Count))
	if err != nil || n < 1 || n > workloadInstancesMax {
		return w, "count", fmt.Errorf("instances: want a whole number from 1 to %d, got %q", workloadInstancesMax, f.Count)
	}
	cores, err := sched.ParseMilli(strings.TrimSpace(f.Cores))
	if err != nil {
		return w, "cores", err
	}
	if cores == 0 {
		return w, "cores", errors.New("cores: must be more than 0")
	}
	mem, err := strconv.ParseInt(strings.TrimSpace(f.MemoryMB), 10, 64)
	if err != nil || mem < 0 {
		return w, "memory", fmt.Errorf("memory: want a whole number of MB, 0 or more, got %q", f.MemoryMB)
	}
	arch := strings.TrimSpace(f.Arch)
	if strings.ContainsFunc(arch, func(r rune) bool { return r == ' ' || r < 0x20 }) {
		return w, "arch", fmt.Errorf("arch: want one word such as x86_64 or arm64 (or nothing for any), got %q", f.Arch)
	}
	i := slices.IndexFunc(workloadAffinities(), func(a sched.Affinity) bool { return a.String() == f.Affinity })
	if i < 0 {
		return w, "affinity", fmt.Errorf("affinity: %q is not an affinity rule", f.Affinity)
	}
	w.Affinity = workloadAffinities()[i]
	j := slices.IndexFunc(workloadDomains(), func(d sched.Domain) bool { return d.String() == f.Domain })
	if j < 0 {
		return w, "domain", fmt.Errorf("domain: %q is not a fault domain (want blade, rack or zone)", f.Domain)
	}
	w.Domain = workloadDomains()[j]
	w.Instances = make([]sched.Instance, n)
	for k := range w.Instances {
		w.Instances[k] = sched.Instance{
			Name:          "i" + strconv.Itoa(k),
			AffinityGroup: int64(k),
			Requires:      sched.Requirements{Cores: cores, MemoryMB: mem, Arch: arch},
		}
	}
	if err := w.Validate(); err != nil {
		field := ""
		var fe *sched.FieldError
		if errors.As(err, &fe) && fe.Path == "name" {
			field = "name"
		}
		return w, field, err
	}
	return w, "", nil
}

// OnInit fills the form with its defaults.
func (p *WorkloadsPanel) OnInit() {
	p.form = defaultWorkloadForm()
}

// manager is the running workload manager, nil when the scenario has
// none.
func (p *WorkloadsPanel) manager() *workload.Manager {
	if p.C == nil || p.C.World().Control() == nil {
		return nil
	}
	return p.C.World().Control().Workloads
}

// create sends the form's workload as a create-workload command; a bad
// field is shown next to the form and nothing is sent.
func (p *WorkloadsPanel) create() {
	m := p.manager()
	if m == nil {
		p.formErr, p.errField = "this scenario has no workloads block, so it cannot run workloads", ""
		return
	}
	def, field, err := parseWorkloadForm(p.form)
	if err == nil {
		if _, exists := m.Lookup(def.Name); exists {
			field, err = "name", fmt.Errorf("name: a workload named %q exists", def.Name)
		}
	}
	if err != nil {
		p.formErr, p.errField = err.Error(), field
		return
	}
	if err := p.C.Apply(scenario.Command{Do: scenario.CreateWorkload, Workload: &def}); err != nil {
		p.formErr, p.errField = err.Error(), ""
		return
	}
	p.formErr, p.errField = "", ""
	p.form.Name = "" // the next workload needs a name of its own
}

// command sends stop-, resume- or delete-workload; an error is the page's
// (Controller.Err).
func (p *WorkloadsPanel) command(op scenario.Op, name string) {
	if op == scenario.DeleteWorkload || p.confirm == name {
		p.confirm = ""
	}
	p.C.Apply(scenario.Command{Do: op, Name: name})
}

// askDelete turns a workload's Delete into "Confirm delete"; cancelDelete
// turns it back.
func (p *WorkloadsPanel) askDelete(name string) { p.confirm = name }
func (p *WorkloadsPanel) cancelDelete()         { p.confirm = "" }

// Render draws the panel.
func (p *WorkloadsPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-workloads").Aria("label", "Workloads")
	if p.C == nil {
		return sec.Body(app.H2().Text("Workloads"))
	}
	if p.C.World().Control() == nil {
		return sec.Body(
			app.H2().Text("Workloads"),
			app.P().Class("wl-none").DataSet("testid", "workloads-none").
				Text("This scenario has no control plane, so it runs no workloads. Load one with a control block (such as standard) to run them."),
		)
	}
	m := p.manager()
	if m == nil {
		return sec.Body(
			app.H2().Text("Workloads"),
			app.P().Class("wl-none").DataSet("testid", "workloads-none").
				Text("This scenario has no workloads block, so no scheduler runs and workloads cannot be created. Add a \"workloads\" block to its control plane to run them."),
		)
	}
	return sec.Body(
		app.H2().Text("Workloads"),
		p.renderCounts(m),
		p.renderList(m),
		p.renderForm(),
	)
}

// renderCounts sums every instance by state, the waiting ones and the
// policy, over all workloads (shown or not).
func (p *WorkloadsPanel) renderCounts(m *workload.Manager) app.UI {
	var parts []string
	for _, s := range workload.States() {
		if n := m.Count(s); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no instances")
	}
	parts = append(parts, fmt.Sprintf("waiting %d", m.Waiting()), fmt.Sprintf("moved %d", m.Moved()))
	return app.P().Class("wl-counts").DataSet("testid", "workload-counts").Body(
		app.Strong().Text("Instances: "),
		app.Text(strings.Join(parts, " · ")),
		app.Span().Class("wl-policy").Text(" · placed by "+m.Policy()),
	)
}

func (p *WorkloadsPanel) renderList(m *workload.Manager) app.UI {
	wls := m.Workloads()
	var shown []int
	deleted := m.Removed()
	for i, w := range wls {
		switch {
		case w == nil: // a free slot
		case w.Deleted:
			deleted++
		default:
			shown = append(shown, i)
		}
	}
	// In the order they were created; the newest workloadsShownMax.
	slices.SortFunc(shown, func(a, b int) int { return cmp.Compare(wls[a].Seq, wls[b].Seq) })
	live := len(shown)
	shown = shown[max(0, live-workloadsShownMax):]
	summary := plural(live, "workload")
	if live > len(shown) {
		summary += fmt.Sprintf(", the newest %d shown", len(shown))
	}
	if deleted > 0 {
		summary += fmt.Sprintf(" (%d deleted)", deleted)
	}
	items := make([]app.UI, 0, len(shown))
	for _, i := range shown {
		items = append(items, p.renderWorkload(m, wls[i]))
	}
	if len(items) == 0 {
		items = append(items, app.Li().Class("wl-empty").Text("No workloads: create one below."))
	}
	return app.Div().Class("wl-list-wrap").Body(
		app.P().Class("wl-summary").Text(summary),
		app.Ul().Class("wl-list").DataSet("testid", "workload-list").Body(items...),
	)
}

func (p *WorkloadsPanel) renderWorkload(m *workload.Manager, w *workload.Workload) app.UI {
	name := w.Def.Name
	all := m.Instances()
	insts := make([]workload.Instance, len(w.Insts))
	for k, i := range w.Insts {
		insts[k] = all[i]
	}
	hw := p.C.World().Hardware()
	counts := make([]int, len(workload.States())+1) // by state; states count from 1
	stopping := false
	rows := make([]app.UI, 0, min(len(insts), instancesShownMax))
	for k, in := range insts {
		counts[in.State]++
		stopping = stopping || in.State == workload.Stopping
		if k >= instancesShownMax {
			continue
		}
		where := app.Span().Class("wl-where")
		switch {
		case in.Blade >= 0:
			where = where.Body(app.Text("on "), app.Code().Text(hw.Blade(in.Blade).Path))
		case in.State == workload.Created || in.State == workload.Faulted:
			where = where.Class("wl-why").Text("waits: " + in.Why.String())
		}
		cells := []app.UI{
			app.Span().Class("wl-inst-name").Text(w.Def.Instances[in.Index].Name),
			app.Span().Class("wl-state", "wl-state-"+in.State.String()).Text(in.State.String()),
			where,
		}
		if in.Moves > 0 {
			cells = append(cells, app.Span().Class("wl-moves").Textf("moved %d×", in.Moves))
		}
		row := app.Li().Class("wl-instance").DataSet("state", in.State.String()).Title(in.Why.String()).Body(cells...)
		rows = append(rows, row)
	}
	var states []string
	for _, s := range workload.States() {
		if n := counts[s]; n > 0 {
			states = append(states, fmt.Sprintf("%s %d", s, n))
		}
	}
	meta := fmt.Sprintf("%s · %s domain · %s: %s", w.Def.Affinity, w.Def.Domain, plural(len(insts), "instance"), strings.Join(states, ", "))
	head := []app.UI{app.Strong().Class("wl-name").Text(name), app.Span().Class("wl-meta").Text(meta)}
	if w.Stopped {
		head = append(head, app.Span().Class("wl-badge", "wl-badge-stopped").Text("stopped"))
	}
	if w.Generated {
		head = append(head, app.Span().Class("wl-badge").Text("generated"))
	}
	more := app.P().Class("wl-more").Hidden(len(insts) <= instancesShownMax)
	if len(insts) > instancesShownMax {
		more = more.Text("and " + plural(len(insts)-instancesShownMax, "more instance"))
	}
	return app.Li().Class("wl-item").DataSet("testid", "workload").DataSet("name", name).Body(
		app.Div().Class("wl-head").Body(head...),
		app.Ul().Class("wl-instances").Aria("label", "Instances of "+name).Body(rows...),
		more,
		p.renderActions(w, stopping),
	)
}

// renderActions are a workload's buttons: row handlers (onRow), keyed by
// the workload's name.
func (p *WorkloadsPanel) renderActions(w *workload.Workload, stopping bool) app.UI {
	name := w.Def.Name
	var first app.UI
	if w.Stopped {
		resumeTitle := ""
		if stopping {
			resumeTitle = "Its instances are still stopping"
		}
		first = app.Button().Type("button").Class("wl-resume").DataSet("testid", "workload-resume").
			Aria("label", "Resume "+name).Disabled(stopping).Title(resumeTitle).
			Text("Resume").OnClick(onRow("resume", name, p.onResume))
	} else {
		first = app.Button().Type("button").Class("wl-stop").DataSet("testid", "workload-stop").
			Aria("label", "Stop "+name).Text("Stop").
			OnClick(onRow("stop", name, p.onStop))
	}
	if p.confirm == name {
		return app.Div().Class("wl-actions").Body(
			first,
			app.Button().Type("button").Class("wl-delete", "wl-confirm").DataSet("testid", "workload-confirm-delete").
				Aria("label", "Confirm delete "+name).Text("Confirm delete").
				OnClick(onRow("delete", name, p.onDelete)),
			app.Button().Type("button").Class("wl-cancel").DataSet("testid", "workload-cancel-delete").
				Aria("label", "Keep "+name).Text("Cancel").
				OnClick(onRow("keep", name, p.onKeep)),
		)
	}
	return app.Div().Class("wl-actions").Body(
		first,
		app.Button().Type("button").Class("wl-delete").DataSet("testid", "workload-delete").
			Aria("label", "Delete "+name).Text("Delete").
			OnClick(onRow("ask-delete", name, p.onAskDelete)),
	)
}

func (p *WorkloadsPanel) onStop(ctx app.Context, name string) { p.command(scenario.StopWorkload, name) }
func (p *WorkloadsPanel) onResume(ctx app.Context, name string) {
	p.command(scenario.ResumeWorkload, name)
}
func (p *WorkloadsPanel) onDelete(ctx app.Context, name string) {
	p.command(scenario.DeleteWorkload, name)
}
func (p *WorkloadsPanel) onAskDelete(ctx app.Context, name string) { p.askDelete(name) }
func (p *WorkloadsPanel) onKeep(ctx app.Context, name string)      { p.cancelDelete() }

// renderForm is the create form. Its structure never changes with its
// state (the error line is always there), so the browser keeps focus and
// caret while the user types.
func (p *WorkloadsPanel) renderForm() app.UI {
	f := p.form
	input := func(id, field, label, typ, value string, to *string) app.UI {
		in := app.Input().ID(id).Type(typ).Value(value).AutoComplete(false).
			Aria("invalid", strconv.FormatBool(p.errField == field)).Aria("describedby", "wl-form-error").
			OnInput(p.ValueTo(to), app.EventScope(id))
		switch field {
		case "count":
			in = in.Min(1).Max(workloadInstancesMax).Step(1)
		case "memory":
			in = in.Min(0).Step(1)
		case "cores":
			in = in.Attr("inputmode", "decimal").Placeholder("0.5")
		case "arch":
			in = in.Placeholder("any")
		}
		return app.Div().Class("wl-field").Body(app.Label().For(id).Text(label), in)
	}
	sel := func(id, field, label, value string, names []string, to *string) app.UI {
		opts := make([]app.UI, len(names))
		for i, n := range names {
			opts[i] = choiceOption(n, n, n == value)
		}
		return app.Div().Class("wl-field").Body(
			app.Label().For(id).Text(label),
			app.Select().ID(id).Aria("invalid", strconv.FormatBool(p.errField == field)).Aria("describedby", "wl-form-error").
				OnChange(p.ValueTo(to), app.EventScope(id)).Body(opts...),
		)
	}
	var affinities, domains []string
	for _, a := range workloadAffinities() {
		affinities = append(affinities, a.String())
	}
	for _, d := range workloadDomains() {
		domains = append(domains, d.String())
	}
	return app.Form().Class("wl-form").DataSet("testid", "workload-form").Aria("label", "Create a workload").NoValidate(true).
		OnSubmit(p.onSubmit).Body(
		app.H3().Text("Create a workload"),
		app.Div().Class("wl-fields").Body(
			input("wl-name", "name", "Name", "text", f.Name, &p.form.Name),
			input("wl-count", "count", fmt.Sprintf("Instances (1–%d)", workloadInstancesMax), "number", f.Count, &p.form.Count),
			input("wl-cores", "cores", "Cores per instance", "text", f.Cores, &p.form.Cores),
			input("wl-memory", "memory", "Memory per instance (MB)", "number", f.MemoryMB, &p.form.MemoryMB),
			input("wl-arch", "arch", "Architecture (optional)", "text", f.Arch, &p.form.Arch),
			sel("wl-affinity", "affinity", "Affinity", f.Affinity, affinities, &p.form.Affinity),
			sel("wl-domain", "domain", "Fault domain", f.Domain, domains, &p.form.Domain),
		),
		app.P().Class("wl-hint").Text("Each instance is its own affinity group, so anti-affinity spreads the instances over the domain."),
		app.Button().Type("submit").Class("wl-add").DataSet("testid", "workload-add").Text("Create workload"),
		app.P().ID("wl-form-error").Class("wl-error").DataSet("testid", "workload-form-error").Aria("live", "polite").Text(p.formErr),
	)
}

// choiceOption is an option of a select. Only the selected one carries the
// attribute: go-app writes Selected(false) as selected="false" in the
// server's HTML, which a browser reads as selected.
func choiceOption(value, text string, selected bool) app.UI {
	o := app.Option().Value(value).Text(text)
	if selected {
		o = o.Selected(true)
	}
	return o
}

func (p *WorkloadsPanel) onSubmit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	p.create()
}
