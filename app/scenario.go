package app

import (
	"fmt"
	"strconv"

	"github.com/cloudchamber/cloudchamber/core/scenario"
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

	pick   string
	seed   string
	delays string
}

// Render draws the panel.
func (p *ScenarioPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-scenario").Aria("label", "Scenario")
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
			app.Button().Text("Load").OnClick(p.onLoad),
		),
		app.P().Class("muted").Text(desc),
		app.Div().Class("row").Body(
			app.Label().For("scenario-import").Text("Import a YAML inventory or JSON scenario"),
			app.Input().ID("scenario-import").Type("file").Accept(".yaml,.yml,.json").DataSet("testid", "scenario-import").OnChange(p.onImport),
		),
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

// onImport reads the chosen file and loads it.
func (p *ScenarioPanel) onImport(ctx app.Context, e app.Event) {
	readChosenFile(ctx, func(ctx app.Context, name string, data []byte) {
		replaceWith(p.Page, ctx, "importing "+name, func(ctx app.Context) { p.C.Import(name, data) })
	})
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
