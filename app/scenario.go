package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/gpuimport"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ScenarioPanel picks a built-in scenario, imports a YAML inventory or a
// JSON scenario from a file, edits the seed and delays, and exports the
// scenario as it stands. A failed import replaces nothing.
type ScenarioPanel struct {
	app.Compo
	C    *Controller
	V    uint64
	Page replacer // keeps the session a load replaces; nil in tests
	// Trace is the GPU trace import (traceimport.go): the Shell's, so that
	// files dropped stay while another tab is shown; nil makes the
	// panel's own.
	Trace *traceImport
	// Import is the import of a scenario or an inventory file: the
	// Shell's, so that it goes on while another tab is shown; nil makes
	// the panel's own.
	Import *fileImport
	// Progress is the running import's progress, so that the panel
	// redraws when it moves, and nothing else does.
	Progress importProgress

	pick   string
	seed   string
	delays string
}

// Render draws the panel.
func (p *ScenarioPanel) Render() app.UI {
	// Files dropped anywhere on the panel are imported: a scenario or an
	// inventory by its name, anything else as a GPU trace's list.
	sec := app.Section().Class("panel", "panel-scenario").Aria("label", "Scenario").On("dragover", p.onDragOver).On("drop", p.onDrop)
	if p.C == nil {
		return sec.Body(app.H2().Text("Scenario"))
	}
	c := p.C
	base := c.Base()
	pick := p.pick
	if pick == "" {
		pick = base.Name
	}
	var opts []app.UI
	desc := ""
	for _, name := range scenario.Builtins() {
		opts = append(opts, app.Option().Value(name).Text(name).Selected(name == pick))
		if name == pick && pick != base.Name {
			if s, err := scenario.Builtin(name); err == nil {
				desc = s.Description
			}
		}
	}
	seed := p.seed
	if seed == "" {
		seed = strconv.FormatUint(base.Seed, 10)
	}
	delays := p.delays
	if delays == "" {
		d := base.Delays
		delays = fmt.Sprintf("%d-%d %d-%d %d-%d %d-%d", d.SetPower.Low, d.SetPower.High, d.SetConnection.Low, d.SetConnection.High,
			d.Booting.Low, d.Booting.High, d.Shutdown.Low, d.Shutdown.High)
	}
	return sec.Body(
		app.H2().Text("Scenario"),
		app.P().Body(app.Strong().Text(base.Name), app.Text(" — "+base.Description)),
		app.Div().Class("row").Body(
			app.Label().For("scenario-picker").Text("Built-in scenarios"),
			app.Select().ID("scenario-picker").DataSet("testid", "scenario-picker").OnChange(p.onPick).Body(opts...),
			app.Button().DataSet("testid", "scenario-load").Text("Load").OnClick(p.onLoad),
		),
		app.P().Class("muted").Text(desc),
		p.importRow(),
		p.importUI(),
		app.Div().Class("row").Body(
			app.Label().For("seed").Text("Seed"),
			app.Input().ID("seed").Type("number").Min(0).Value(seed).OnInput(func(ctx app.Context, e app.Event) { p.seed = ctx.JSSrc().Get("value").String() }),
			app.Label().For("delays").Text("Delays (power, connect, boot, shutdown; low-high ticks)"),
			app.Input().ID("delays").Type("text").Value(delays).OnInput(func(ctx app.Context, e app.Event) { p.delays = ctx.JSSrc().Get("value").String() }),
			app.Button().Text("Apply and restart at tick 0").OnClick(p.onEdit),
		),
		app.Div().Class("row").Body(
			app.Button().DataSet("testid", "scenario-export").Text("Export scenario (JSON)").
				Title("The whole scenario with your commands so far, to import or share").OnClick(p.onExport),
			app.Button().DataSet("testid", "scenario-export-yaml").Text("Export inventory (YAML)").
				Title("The inventory alone, in the original's YAML format, to import or edit").OnClick(p.onExportYAML),
		),
		p.traceUI(),
	)
}

func (p *ScenarioPanel) onPick(ctx app.Context, e app.Event) {
	p.pick = ctx.JSSrc().Get("value").String()
}

func (p *ScenarioPanel) onLoad(ctx app.Context, e app.Event) {
	name := p.pick
	if name == "" {
		name = p.C.Base().Name
	}
	sc, err := scenario.Builtin(name)
	if err != nil {
		p.C.SetErr(err.Error())
		return
	}
	replaceWith(p.Page, ctx, "loading "+name, func(ctx app.Context) {
		if err := p.C.Load(sc); err != nil {
			p.C.SetErr(err.Error())
			return
		}
		p.seed, p.delays = "", ""
	})
}

func (p *ScenarioPanel) onExport(ctx app.Context, e app.Event) {
	data, err := scenario.MarshalIndent(p.C.Scenario())
	if err != nil {
		p.C.SetErr(err.Error())
		return
	}
	Download(p.C.Base().Name+".json", "application/json", data)
}

// onExportYAML downloads the inventory as the original's YAML.
func (p *ScenarioPanel) onExportYAML(ctx app.Context, e app.Event) {
	data, err := p.C.InventoryYAML()
	if err != nil {
		p.C.SetErr("Export inventory: " + err.Error())
		return
	}
	Download(p.C.Base().Name+".yaml", "application/yaml", data)
}

// importRow is the file input of a scenario or an inventory
// (scenario-import), disabled while any import runs (importRunning). While
// its own runs it is also hidden, and
// the file being imported is named in its place (import-file): the input
// itself would read "No file chosen", as the page empties it to read the
// same file again.
func (p *ScenarioPanel) importRow() app.UI {
	j := p.imports().job
	input := p.importInput(app.Input().ID("scenario-import").Type("file").Accept(".yaml,.yml,.json").DataSet("testid", "scenario-import").
		OnChange(p.onImport))
	label := app.Label().For("scenario-import").Text("Import a YAML inventory or JSON scenario")
	if j == nil {
		return app.Div().Class("row").Body(label, input)
	}
	return app.Div().Class("row").Body(label, input.Hidden(true),
		app.Span().Class("import-file").DataSet("testid", "import-file").Body(app.Text("importing "), app.Code().Text(j.name)))
}

// onImport reads the chosen file and imports it (fileImport.start).
func (p *ScenarioPanel) onImport(ctx app.Context, e app.Event) {
	p.takeFiles(ctx, ctx.JSSrc().Get("files"))
	ctx.JSSrc().Set("value", "") // the same file chosen again is read again
}

// onImportCancel cancels the running import.
func (p *ScenarioPanel) onImportCancel(ctx app.Context, e app.Event) {
	if j := p.imports().job; j != nil {
		j.Cancel()
	}
}

// importRunning is whether an import runs: a file's (fileImport.run,
// which a GPU trace's import also goes through once its scenario is
// built) or a GPU trace's being built. Every import input is disabled
// meanwhile, as fileImport.run would refuse a second import.
func (p *ScenarioPanel) importRunning() bool {
	return p.imports().job != nil || p.trace().state() == "importing"
}

// importInput is an import's file input, disabled while an import runs
// (importRunning), with a title saying so.
func (p *ScenarioPanel) importInput(in app.HTMLInput) app.HTMLInput {
	if !p.importRunning() {
		return in
	}
	return in.Disabled(true).Title("An import is running: cancel it or wait for it to finish")
}

// imports is the panel's file import.
func (p *ScenarioPanel) imports() *fileImport {
	if p.Import == nil {
		p.Import = &fileImport{}
	}
	return p.Import
}

func (p *ScenarioPanel) onEdit(ctx app.Context, e app.Event) {
	seed, delays := p.seed, p.delays
	replaceWith(p.Page, ctx, "restarting with other settings", func(ctx app.Context) {
		if err := p.C.Edit(seed, delays); err != nil {
			return
		}
		p.seed, p.delays = "", ""
	})
}

// trace is the panel's GPU trace import.
func (p *ScenarioPanel) trace() *traceImport {
	if p.Trace == nil {
		p.Trace = &traceImport{}
	}
	return p.Trace
}

// traceUI is the GPU trace import: a drop zone (hook trace-import-zone)
// with a file input (trace-import), the files held and what is still
// needed (trace-import-status), the options (trace-rack-size,
// trace-mtbf, trace-mttr, trace-policy), the import (trace-import-run) and the located messages of
// the last refusal (trace-import-errors).
func (p *ScenarioPanel) traceUI() app.UI {
	st := p.trace()
	st.sync(p.C.Begun())
	held := func(what string, f *gpuTraceFile, summary func(*gpuTraceFile) string) app.UI {
		if f == nil {
			return app.Li().Class("trace-file", "missing").Body(app.Strong().Text(what+": "), app.Text("not yet"))
		}
		return app.Li().Class("trace-file").DataSet("name", f.Name).DataSet("rows", f.Rows).DataSet("read-ms", strconv.FormatFloat(f.ReadMs, 'f', 1, 64)).Body(
			app.Strong().Text(what+": "), app.Code().Text(f.Name), app.Text(" — "+summary(f)))
	}
	nodes := func(f *gpuTraceFile) string {
		return fmt.Sprintf("%s, %s with GPUs (%s: %s)", plural(f.Rows, "node"), digits(f.GPURows), plural(f.GPUs, "GPU"), strings.Join(f.Models, ", "))
	}
	tasks := func(f *gpuTraceFile) string {
		return fmt.Sprintf("%s, %s asking for GPUs (%s GPUs in all)", plural(f.Rows, "task"), digits(f.GPURows), strconv.FormatFloat(float64(f.GPUs)/1000, 'f', -1, 64))
	}
	state := st.state()
	var status string
	switch state {
	case "importing":
		status = st.importing
	case "ready":
		status = "Has both lists: choose the options, then import."
	case "done":
		status = st.done
	case "partial":
		status = "Still needs " + st.needs() + "."
	default:
		status = "Needs " + st.needs() + "."
	}
	policy := st.policy
	if policy == "" {
		policy = gpuimport.DefaultPolicy
	}
	var pols []app.UI
	for _, name := range sched.Policies() {
		pols = append(pols, app.Option().Value(name).Text(name).Selected(name == policy))
	}
	var errs app.UI = app.Text("")
	if st.refused != "" {
		lines := make([]app.UI, len(st.errs))
		for i, e := range st.errs {
			lines[i] = app.Li().Text(e)
		}
		errs = app.Div().Class("trace-errors").DataSet("testid", "trace-import-errors").Attr("role", "alert").Body(
			app.P().Text(st.refused), app.Ul().Body(lines...))
	}
	statusUI := app.P().Class("trace-status").DataSet("testid", "trace-import-status").DataSet("state", state).DataSet("needs", st.needs()).
		Attr("role", "status").Text(status)
	if state == "done" {
		statusUI = statusUI.DataSet("blades", st.blades).
			DataSet("build-ms", strconv.FormatFloat(st.buildMs, 'f', 1, 64)).DataSet("open-ms", strconv.FormatFloat(st.openMs, 'f', 1, 64))
	}
	return app.Div().Class("trace-import").DataSet("testid", "trace-import-zone").Body(
		app.H3().Text("Import a GPU cluster trace"),
		app.P().Body(
			app.Text("Drop its two CSV files here, or choose them: the node list and a task list, together or one at a time, in either order (each is recognised by its header). "),
			p.importInput(app.Input().ID("trace-import").Type("file").Multiple(true).Accept(".csv,text/csv").DataSet("testid", "trace-import").
				Aria("label", "choose the trace's node list and task list").OnChange(p.onTraceChoose)),
		),
		app.Ul().Class("trace-files").Body(held("Node list", st.nodes, nodes), held("Task list", st.tasks, tasks)),
		statusUI,
		errs,
		app.Div().Class("row").Body(
			// Each label with its input, so that a wrapped row keeps them together.
			app.Span().Class("trace-option").Body(
				app.Label().For("trace-rack-size").Text("Blades per rack "),
				app.Input().ID("trace-rack-size").DataSet("testid", "trace-rack-size").Type("number").Min(1).Max(inventory.GenBladesPerRackMax).
					Placeholder(strconv.Itoa(gpuimport.DefaultRackSize)).Value(st.rackSize).OnInput(func(ctx app.Context, e app.Event) { st.rackSize = ctx.JSSrc().Get("value").String() }),
			),
			app.Span().Class("trace-option").Body(
				app.Label().For("trace-mtbf").Text("Blade MTBF (ticks) "),
				app.Input().ID("trace-mtbf").DataSet("testid", "trace-mtbf").Type("number").Min(0).Placeholder("0").Value(st.mtbf).
					Title("each blade fails after an exponential time with this mean, in ticks (seconds); 0 or blank: blades do not fail").
					OnInput(func(ctx app.Context, e app.Event) { st.mtbf = ctx.JSSrc().Get("value").String() }),
			),
			app.Span().Class("trace-option").Body(
				app.Label().For("trace-mttr").Text("MTTR (ticks) "),
				app.Input().ID("trace-mttr").DataSet("testid", "trace-mttr").Type("number").Min(1).Placeholder(strconv.Itoa(gpuimport.DefaultMTTR)).Value(st.mttr).
					Title("with an MTBF: the mean ticks to repair a failed blade").
					OnInput(func(ctx app.Context, e app.Event) { st.mttr = ctx.JSSrc().Get("value").String() }),
			),
			app.Span().Class("trace-option").Body(
				app.Label().For("trace-policy").Text("Placement policy "),
				app.Select().ID("trace-policy").DataSet("testid", "trace-policy").OnChange(func(ctx app.Context, e app.Event) { st.policy = ctx.JSSrc().Get("value").String() }).Body(pols...),
			),
			app.Button().DataSet("testid", "trace-import-run").Text("Import as a new session").Disabled(state != "ready" || p.imports().job != nil).OnClick(p.onTraceImport),
		),
		app.P().Class("muted").Body(
			app.Text("Each node becomes a blade with its GPUs, in racks of the size chosen (zones of "+strconv.Itoa(gpuimport.DefaultZoneRacks)+" racks); each task a workload created and deleted at its times, a tick a second, as "),
			app.Code().Text("ccsim import alibaba-gpu"),
			app.Text(" does. Alibaba's GPU trace (2023): "),
			app.Code().Text("openb_node_list_all_node.csv"),
			app.Text(" and an "),
			app.Code().Text("openb_pod_list_*.csv"),
			app.Text(" from github.com/alibaba/clusterdata, cluster-trace-gpu-v2023."),
		),
	)
}

func (p *ScenarioPanel) onDragOver(ctx app.Context, e app.Event) { e.PreventDefault() }

// onDrop imports the files dropped on the panel.
func (p *ScenarioPanel) onDrop(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if dt := e.Get("dataTransfer"); dt.Truthy() {
		p.takeFiles(ctx, dt.Get("files"))
	}
}

// onTraceChoose takes the files chosen in the trace's input.
func (p *ScenarioPanel) onTraceChoose(ctx app.Context, e app.Event) {
	p.takeFiles(ctx, ctx.JSSrc().Get("files"))
	ctx.JSSrc().Set("value", "") // the same file chosen again is read again
}

// takeFiles takes each file of a FileList: a YAML inventory is imported
// as its import reads it, a piece at a time (fileImport.startPieces); any
// other file is read whole, then taken (takeFile).
func (p *ScenarioPanel) takeFiles(ctx app.Context, files app.Value) {
	readFileBytes(ctx, files, isYAMLName, func(ctx app.Context, name string, file app.Value) {
		p.imports().startPieces(lastingCtx(p.Page, ctx), p.Page, p.C, name, file)
	}, p.takeFile)
}

// takeFile imports a file read whole (takeFiles): a JSON scenario as the
// scenario input does, anything else as a trace's list (a YAML inventory
// never comes here: takeFiles gives it to startPieces).
func (p *ScenarioPanel) takeFile(ctx app.Context, name string, data []byte, err error) {
	st := p.trace()
	switch {
	case err != nil:
		st.refuse(name+" was not taken; nothing changed:", fmt.Errorf("%s: %w", name, err))
	case strings.HasSuffix(name, ".json"):
		p.imports().start(lastingCtx(p.Page, ctx), p.Page, p.C, name, data)
		return
	default:
		wasRefused := st.refused != ""
		t0 := nowMs()
		if st.add(name, data) == nil {
			if f := st.held(name); f != nil {
				f.ReadMs = nowMs() - t0
			}
			if wasRefused {
				p.C.SetErr("")
			}
			return
		}
	}
	p.C.SetErr(st.summary())
}

// onTraceImport builds the scenario of the files held, once the status
// saying so is painted (the page does not answer meanwhile), then builds
// its world in slices between frames and opens it as a new session, as a
// file's import does (fileImport.run: its progress and Cancel). A refusal
// shows every message and, like a cancel, changes nothing.
func (p *ScenarioPanel) onTraceImport(ctx app.Context, e app.Event) {
	st, c, page, fi := p.trace(), p.C, p.Page, p.imports()
	if st.state() != "ready" || fi.job != nil {
		return
	}
	st.importing = "Importing: reading both lists again and building the scenario…"
	afterPaint(ctx, func(ctx app.Context) {
		t0 := nowMs()
		sc, err := st.build()
		st.importing = "" // the import's progress shows from here on
		if err != nil {
			c.SetErr(st.summary())
			return
		}
		built, t1 := nowMs()-t0, nowMs()
		fi.run(lastingCtx(page, ctx), page, c, sc.Name, func(*importJob) (*scenario.Scenario, error) { return sc, nil },
			func(ctx app.Context, err error) {
				st.refuse("The trace was not opened; nothing changed:", err)
				c.SetErr(st.summary())
			},
			func(ctx app.Context) {
				hw := c.World().Hardware()
				st.opened(sc, c.Begun(), hw.NumBlades(), hw.NumRacks(), len(c.Zones()), built, nowMs()-t1)
			})
	})
}
