package app

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// injectionsShownMax bounds the injection list: a random process running
// for a long time makes thousands; the newest are shown.
const injectionsShownMax = 100

// Fault modes of the inject form.
const (
	faultHard         = "hard"
	faultIntermittent = "intermittent"
)

// FaultsPanel injects faults on the selected element, lists the
// injections with pause, resume and remove, and turns the random failure
// processes on and off. Every change is a command at the current tick.
type FaultsPanel struct {
	app.Compo
	C        *Controller
	V        uint64
	Selected string // the selected element's path: where a fault goes

	form    faultForm // the inject form as typed
	formErr string    // why the last inject was refused
	errFor  string    // the selection formErr is about; another one hides it
}

// faultForm is the inject form as the user set it. Kind and Port are kept
// as chosen even when another element is selected; a kind the element
// does not take, or a port it does not have, falls back to the first one.
type faultForm struct {
	Kind, Port, Mode, On, Off, Cycles string
}

func defaultFaultForm() faultForm {
	return faultForm{Mode: faultHard, On: "5", Off: "10", Cycles: "0"}
}

// faultKindsFor lists the fault kinds an element kind takes, in the
// injector's order: a blade takes blade-fault; a PDU pdu-off, pdu-stuck
// and cable-fault; a TOR tor-stuck and cable-fault; a rack rack-power.
func faultKindsFor(k hardware.Kind) []faults.Kind {
	var out []faults.Kind
	for _, fk := range faults.Kinds() {
		if slices.Contains(fk.TargetKinds(), k) {
			out = append(out, fk)
		}
	}
	return out
}

// cabledPorts are a PDU's or TOR's ports with a cable plugged in (nil for
// other elements).
func cabledPorts(hw *hardware.Model, ref hardware.Ref) []hardware.Cable {
	var out []hardware.Cable
	for _, c := range hw.Ports(ref) {
		if c.To != (inventory.Hardware{}) {
			out = append(out, c)
		}
	}
	return out
}

// hwKindLabel names an element kind as people write it: blade, PDU, TOR,
// rack.
func hwKindLabel(k hardware.Kind) string {
	if k == hardware.KindPDU || k == hardware.KindTOR {
		return strings.ToUpper(k.String())
	}
	return k.String()
}

// portLabel names a port and what its cable reaches.
func portLabel(hw *hardware.Model, c hardware.Cable) string {
	if c.Blade >= 0 {
		b := hw.Blade(c.Blade).Path
		return fmt.Sprintf("port %d → blade %s", c.Port, b[strings.LastIndexByte(b, '/')+1:])
	}
	return fmt.Sprintf("port %d → %s %d", c.Port, c.To.Type, c.To.ID)
}

// pickKind is the kind the form shows: the chosen one if the element takes
// it, else the first it takes ("" if none).
func pickKind(kinds []faults.Kind, chosen string) faults.Kind {
	if slices.Contains(kinds, faults.Kind(chosen)) {
		return faults.Kind(chosen)
	}
	if len(kinds) == 0 {
		return ""
	}
	return kinds[0]
}

// pickPort is the port the form shows: the chosen one if cabled, else the
// first cabled one.
func pickPort(ports []hardware.Cable, chosen string) (int64, bool) {
	if n, err := strconv.ParseInt(chosen, 10, 64); err == nil && slices.ContainsFunc(ports, func(c hardware.Cable) bool { return c.Port == n }) {
		return n, true
	}
	if len(ports) == 0 {
		return 0, false
	}
	return ports[0].Port, true
}

// parseFaultForm makes the spec the form describes for target, an element
// that takes kinds and has the cabled ports given.
func parseFaultForm(f faultForm, target string, kinds []faults.Kind, ports []hardware.Cable) (faults.Spec, error) {
	s := faults.Spec{Kind: pickKind(kinds, f.Kind), Target: target}
	if s.Kind == "" {
		return s, fmt.Errorf("%s takes no fault", target)
	}
	if s.Kind == faults.CableFault {
		port, ok := pickPort(ports, f.Port)
		if !ok {
			return s, fmt.Errorf("cable-fault: %s has no cabled port", target)
		}
		s.Port = port
	}
	switch f.Mode {
	case faultHard:
	case faultIntermittent:
		num := func(name, v string, lo int64) (int64, error) {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < lo || n > 1<<40 {
				return 0, fmt.Errorf("%s: want a whole number of at least %d, got %q", name, lo, v)
			}
			return n, nil
		}
		on, err := num("on", f.On, 1)
		if err != nil {
			return s, err
		}
		off, err := num("off", f.Off, 1)
		if err != nil {
			return s, err
		}
		cycles, err := num("cycles", f.Cycles, 0)
		if err != nil {
			return s, err
		}
		s.Flap = &faults.Flap{On: clock.Tick(on), Off: clock.Tick(off), Cycles: cycles}
	default:
		return s, fmt.Errorf("mode: want hard or intermittent, got %q", f.Mode)
	}
	return s, s.Validate()
}

// OnInit fills the form with its defaults.
func (p *FaultsPanel) OnInit() {
	p.form = defaultFaultForm()
}

// injector is the running fault injector, nil without a control plane.
func (p *FaultsPanel) injector() *faults.Injector {
	if p.C == nil || p.C.World().Control() == nil {
		return nil
	}
	return p.C.World().Control().Faults
}

// target is the selected element, its fault kinds and cabled ports.
func (p *FaultsPanel) target() (string, hardware.Ref, []faults.Kind, []hardware.Cable) {
	path := p.Selected
	hw := p.C.World().Hardware()
	ref, ok := hw.Lookup(path)
	if path == "" || !ok {
		return "", ref, nil, nil
	}
	return path, ref, faultKindsFor(ref.Kind), cabledPorts(hw, ref)
}

// inject sends the form's fault on the selected element; a bad field is
// shown next to the form and nothing is sent.
func (p *FaultsPanel) inject() {
	p.errFor = p.Selected
	if p.injector() == nil {
		p.formErr = "this scenario has no control plane, so it has no fault injector"
		return
	}
	path, _, kinds, ports := p.target()
	if path == "" {
		p.formErr = "select a blade, PDU, TOR or rack in the inventory first"
		return
	}
	spec, err := parseFaultForm(p.form, path, kinds, ports)
	if err != nil {
		p.formErr = err.Error()
		return
	}
	if err := p.C.Apply(scenario.Command{Do: scenario.Inject, Fault: &spec}); err != nil {
		p.formErr = err.Error()
		return
	}
	p.formErr = ""
}

// command sends pause-fault, resume-fault or remove-fault for injection
// id, or process for a random process; errors are the page's.
func (p *FaultsPanel) command(op scenario.Op, id uint64) {
	p.C.Apply(scenario.Command{Do: op, ID: id})
}

func (p *FaultsPanel) setProcess(name string, on bool) {
	p.C.Apply(scenario.Command{Do: scenario.Process, Name: name, On: on})
}

// Render draws the panel.
func (p *FaultsPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-faults").Aria("label", "Faults")
	if p.C == nil {
		return sec.Body(app.H2().Text("Faults"))
	}
	in := p.injector()
	if in == nil {
		return sec.Body(
			app.H2().Text("Faults"),
			app.P().Class("fault-none").DataSet("testid", "faults-none").
				Text("This scenario has no control plane, so it has no fault injector. Load one with a control block (such as standard) to inject faults."),
		)
	}
	st := in.Stats()
	return sec.Body(
		app.H2().Text("Faults"),
		app.P().Class("fault-counts").DataSet("testid", "fault-counts").
			Textf("Injected %d · active %d · repaired %d", st.Injected, st.Active, st.Repaired),
		p.renderForm(),
		p.renderList(in),
		p.renderProcesses(in),
	)
}

// renderForm is the inject form for the selected element. Its structure
// stays the same whatever is selected or chosen (parts are hidden, not
// removed), so focus and the handlers stay with their fields.
func (p *FaultsPanel) renderForm() app.UI {
	path, ref, kinds, ports := p.target()
	f := p.form
	kind := pickKind(kinds, f.Kind)
	port, _ := pickPort(ports, f.Port)
	hw := p.C.World().Hardware()

	formErr := ""
	if p.errFor == p.Selected {
		formErr = p.formErr
	}
	title := "Inject a fault"
	if path != "" {
		title = fmt.Sprintf("Inject a fault on %s %s", hwKindLabel(ref.Kind), path)
	}
	kindOpts := make([]app.UI, len(kinds))
	for i, k := range kinds {
		kindOpts[i] = choiceOption(string(k), string(k), k == kind)
	}
	portOpts := make([]app.UI, len(ports))
	for i, c := range ports {
		portOpts[i] = choiceOption(strconv.FormatInt(c.Port, 10), portLabel(hw, c), c.Port == port)
	}
	modeOpts := []app.UI{
		choiceOption(faultHard, "hard, until repaired", f.Mode == faultHard), // short enough for the select's width beside Fault
		choiceOption(faultIntermittent, "intermittent, on and off", f.Mode == faultIntermittent),
	}
	num := func(id, label, value string, min int, to *string) app.UI {
		return app.Div().Class("fault-field").Body(
			app.Label().For(id).Text(label),
			app.Input().ID(id).Type("number").Min(min).Step(1).Value(value).
				Aria("describedby", "fault-form-error").OnInput(p.ValueTo(to), app.EventScope(id)),
		)
	}
	return app.Form().Class("fault-form").DataSet("testid", "fault-form").Aria("label", "Inject a fault").NoValidate(true).
		OnSubmit(p.onSubmit).Body(
		app.H3().Text(title),
		app.P().Class("fault-select-hint").DataSet("testid", "fault-select-hint").Hidden(path != "").
			Text("Select a blade, PDU, TOR or rack in the inventory"),
		app.Div().Class("fault-fields").Hidden(path == "").Body(
			app.Div().Class("fault-field").Body(
				app.Label().For("fault-kind").Text("Fault"),
				app.Select().ID("fault-kind").DataSet("testid", "fault-kind").
					OnChange(p.ValueTo(&p.form.Kind), app.EventScope("fault-kind")).Body(kindOpts...),
			),
			app.Div().Class("fault-field", "fault-port-field").Hidden(kind != faults.CableFault).Body(
				app.Label().For("fault-port").Text("Port"),
				app.Select().ID("fault-port").DataSet("testid", "fault-port").
					OnChange(p.ValueTo(&p.form.Port), app.EventScope("fault-port")).Body(portOpts...),
			),
			app.Div().Class("fault-field").Body(
				app.Label().For("fault-mode").Text("Mode"),
				app.Select().ID("fault-mode").DataSet("testid", "fault-mode").
					OnChange(p.ValueTo(&p.form.Mode), app.EventScope("fault-mode")).Body(modeOpts...),
			),
			app.FieldSet().Class("fault-flap").Hidden(f.Mode != faultIntermittent).Body(
				app.Legend().Text("Flapping rhythm (ticks)"),
				num("fault-on", "On for", f.On, 1, &p.form.On),
				num("fault-off", "Off for", f.Off, 1, &p.form.Off),
				num("fault-cycles", "Cycles (0: until removed)", f.Cycles, 0, &p.form.Cycles),
			),
			app.Button().Type("submit").Class("fault-inject").DataSet("testid", "inject-fault").Text("Inject fault"),
		),
		app.P().ID("fault-form-error").Class("fault-error").DataSet("testid", "fault-form-error").Aria("live", "polite").Text(formErr),
	)
}

func (p *FaultsPanel) onSubmit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	p.inject()
}

// injectionText describes an injection: what, where, whence and how it
// stands.
func injectionText(x faults.Injection) (what, origin, state string) {
	what = fmt.Sprintf("%s %s", x.Spec.Kind, x.Spec.Target)
	if x.Spec.Kind == faults.CableFault {
		what += fmt.Sprintf(" port %d", x.Spec.Port)
	}
	origin = "plan or command"
	if x.Process != "" {
		origin = "random process " + x.Process
	}
	state = x.State.String()
	if fl := x.Spec.Flap; fl != nil {
		rhythm := fmt.Sprintf("flaps %d on / %d off", fl.On, fl.Off)
		live := x.State == faults.Active || x.State == faults.Paused
		switch {
		case !live:
			rhythm += ", " + plural(x.Cycle, "cycle") + " done"
		case fl.Cycles > 0:
			rhythm += fmt.Sprintf(", cycle %d of %d", x.Cycle+1, fl.Cycles)
		default:
			rhythm += fmt.Sprintf(", cycle %d, until removed", x.Cycle+1)
		}
		if x.State == faults.Active {
			phase := "fault off"
			if x.FaultOn {
				phase = "fault on"
			}
			rhythm += ", " + phase
		}
		state += " (" + rhythm + ")"
	}
	state += fmt.Sprintf(" · since t=%d", x.At)
	if x.State == faults.Repaired {
		state += fmt.Sprintf(", repaired at t=%d", x.RepairedAt)
	}
	return what, origin, state
}

func (p *FaultsPanel) renderList(in *faults.Injector) app.UI {
	all := in.Injections()
	items := make([]app.UI, 0, min(len(all), injectionsShownMax))
	for i := len(all) - 1; i >= 0 && len(items) < injectionsShownMax; i-- { // newest first
		items = append(items, p.renderInjection(all[i]))
	}
	summary := plural(int(in.Issued()), "injection")
	if shown := len(items); uint64(shown) < in.Issued() {
		summary += fmt.Sprintf(", the newest %d shown", shown)
	}
	if len(items) == 0 {
		items = append(items, app.Li().Class("fault-empty").Text("No faults injected yet."))
	}
	return app.Div().Class("fault-list-wrap").Body(
		app.H3().Text("Injections"),
		app.P().Class("fault-summary").Text(summary),
		app.Ul().Class("fault-list").DataSet("testid", "fault-list").Body(items...),
	)
}

// renderInjection is one injection and its buttons: row handlers (onRow),
// keyed by the injection's id.
func (p *FaultsPanel) renderInjection(x faults.Injection) app.UI {
	what, origin, state := injectionText(x)
	id := x.ID
	label := fmt.Sprintf(" injection %d (%s)", id, what)
	var buttons []app.UI
	if x.State == faults.Active {
		buttons = append(buttons, app.Button().Type("button").Class("fault-pause").DataSet("testid", "fault-pause").
			Aria("label", "Pause"+label).Text("Pause").
			OnClick(onRow("pause", id, p.onPause)))
	}
	if x.State == faults.Paused {
		buttons = append(buttons, app.Button().Type("button").Class("fault-resume").DataSet("testid", "fault-resume").
			Aria("label", "Resume"+label).Text("Resume").
			OnClick(onRow("resume", id, p.onResume)))
	}
	if x.State == faults.Active || x.State == faults.Paused {
		buttons = append(buttons, app.Button().Type("button").Class("fault-remove").DataSet("testid", "fault-remove").
			Aria("label", "Remove"+label).Text("Remove").
			OnClick(onRow("remove", id, p.onRemove)))
	}
	return app.Li().Class("fault-item", "fault-item-"+x.State.String()).DataSet("testid", "fault").DataSet("id", id).
		DataSet("state", x.State.String()).Body(
		app.Span().Class("fault-id").Textf("#%d", id),
		app.Span().Class("fault-what").Text(what),
		app.Span().Class("fault-origin").Text(origin),
		app.Span().Class("fault-state", "fault-state-"+x.State.String()).Text(state),
		app.Div().Class("fault-actions").Body(buttons...),
	)
}

func (p *FaultsPanel) onPause(ctx app.Context, id uint64)  { p.command(scenario.PauseFault, id) }
func (p *FaultsPanel) onResume(ctx app.Context, id uint64) { p.command(scenario.ResumeFault, id) }
func (p *FaultsPanel) onRemove(ctx app.Context, id uint64) { p.command(scenario.RemoveFault, id) }

// onProcessOn and onProcessOff are the processes' row handlers.
func (p *FaultsPanel) onProcessOn(ctx app.Context, name string)  { p.setProcess(name, true) }
func (p *FaultsPanel) onProcessOff(ctx app.Context, name string) { p.setProcess(name, false) }

func (p *FaultsPanel) renderProcesses(in *faults.Injector) app.UI {
	procs := in.Processes()
	if len(procs) == 0 {
		return app.Div().Class("fault-processes-wrap").Body(
			app.H3().Text("Random failure processes"),
			app.P().Class("fault-none").Text("This scenario defines no random failure process."),
		)
	}
	items := make([]app.UI, len(procs))
	for i, pr := range procs {
		name, on := pr.Name, !pr.Off
		status, action, verb, toggle := "off", "Turn on", "on", p.onProcessOn
		if on {
			status, action, verb, toggle = "running", "Turn off", "off", p.onProcessOff
		}
		items[i] = app.Li().Class("fault-process").DataSet("testid", "fault-process").DataSet("name", name).DataSet("on", on).Body(
			app.Strong().Class("fault-process-name").Text(name),
			app.Span().Class("fault-process-meta").Textf("%s · MTBF %s · MTTR %s", pr.Kind, plural(pr.MTBF, "tick"), plural(pr.MTTR, "tick")),
			app.Span().Class("fault-process-status", "fault-process-"+status).Text(status),
			app.Button().Type("button").Class("fault-process-toggle").DataSet("testid", "process-toggle").
				Aria("label", fmt.Sprintf("%s random process %s", action, name)).Text(action).
				OnClick(onRow(verb, name, toggle)),
		)
	}
	return app.Div().Class("fault-processes-wrap").Body(
		app.H3().Text("Random failure processes"),
		app.Ul().Class("fault-processes").DataSet("testid", "fault-processes").Body(items...),
	)
}
