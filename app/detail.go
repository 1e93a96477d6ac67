package app

import (
	"fmt"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sched"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// DetailCard shows the selected element: its definition, target, actual
// and observed views side by side, its cables, capacity and usage, its
// recent trace lines, and what can be done to it.
type DetailCard struct {
	app.Compo
	C        *Controller
	V        uint64
	Selected string // the element shown ("" for none)
	Pick     picker // where Close goes; nil in tests
}

type field struct{ k, v string }

func column(title string, fields []field) app.UI {
	var rows []app.UI
	for _, f := range fields {
		rows = append(rows, app.Dt().Text(f.k), app.Dd().Text(f.v))
	}
	return app.Div().Class("view").Body(app.H4().Text(title), app.Dl().Body(rows...))
}

// Render draws the card, or a hint when nothing is selected.
func (d *DetailCard) Render() app.UI {
	sec := app.Section().Class("panel", "detail").DataSet("testid", "detail-card").Aria("label", "Selected element")
	if d.C == nil || d.Selected == "" {
		return sec.Body(app.H2().Text("Details"), app.P().Class("muted").Text("Select a rack, PDU, TOR or blade in the inventory (click it, or Tab to it and press Enter)."))
	}
	c := d.C
	path := d.Selected
	hw := c.World().Hardware()
	ref, _ := hw.Lookup(path)
	var def, tgt, act, obs []field
	var cables []app.UI
	var actions []app.UI
	capacity, gpus := app.UI(app.Text("")), app.UI(app.Text(""))
	targets, e := c.World().Views().Targets, hw.Element(ref)
	if t, ok := targets.Get(e); ok {
		tgt = []field{{"condition", stateWords(t.Condition.String())}, {"enabled", fmt.Sprint(t.Enabled)}}
	} else {
		tgt = []field{{"", "no target (no control plane)"}}
	}
	if o, ok := c.observed(path); ok {
		seen := "never"
		if o.LastSeen >= 0 && o.Health != views.NeverSeen {
			seen = fmt.Sprintf("t=%d", o.LastSeen)
		}
		obs = []field{{"health", stateWords(o.Health.String())}, {"reported state", orDash(stateWords(o.State.String()))}, {"last report", seen}}
		if o.Health.Heard() {
			obs = append(obs, field{"heard", "now"})
		} else if o.SilentSince >= 0 && o.Health != views.NeverSeen {
			obs = append(obs, field{"silent since", fmt.Sprintf("t=%d", o.SilentSince)})
		}
		if len(o.Faulted) > 0 {
			obs = append(obs, field{"faulted ports", fmt.Sprint(o.Faulted)})
		}
	} else {
		obs = []field{{"", "no monitor (no control plane)"}}
	}
	portRows := func() {
		for _, p := range hw.Ports(ref) {
			to := "not cabled"
			if p.Blade >= 0 {
				to = hw.Blade(p.Blade).Path
			} else if p.To.Type != 0 {
				to = fmt.Sprintf("%v %d", p.To.Type, p.To.ID)
			}
			state := cableState(hw, ref, p)
			cables = append(cables, app.Li().DataSet("port", p.Port).DataSet("state", state).Text(fmt.Sprintf("port %d → %s: %s", p.Port, to, state)))
		}
	}
	hasControl := c.World().Control() != nil
	// The command is the action's key (onRow): Enable and Disable take the
	// same place, and each must send its own.
	act2 := func(label string, cmd scenario.Command) app.UI {
		return app.Button().Text(label).OnClick(onRow("command", cmd, d.apply))
	}
	kind := ref.Kind.String()
	switch ref.Kind {
	case hardware.KindBlade:
		b := hw.Blade(ref.Blade())
		cp := b.Def.Capacity
		def = []field{{"index", fmt.Sprint(b.Def.Index)}, {"enabled", fmt.Sprint(b.Def.Enabled)}, {"condition", stateWords(b.Def.Condition.String())},
			{"boots on power-on", fmt.Sprint(b.Def.BootOnPowerOn)}, {"boot", b.Def.Boot.Image + " " + b.Def.Boot.Version}}
		act = []field{{"state", stateWords(b.State.String())}, {"since", fmt.Sprintf("t=%d", b.EnteredAt)}, {"power input", onOff(b.Powered)}, {"network input", onOff(b.Connected)}}
		u := c.usage(path)
		capacity = app.P().Class("capacity").Text(fmt.Sprintf("Capacity %s, %d MB, %d GB disk, %d Mbps, %s%s. In use: %s, %s, %d MB.",
			plural(cp.Cores, "core"), cp.MemoryMB, cp.DiskGB, cp.NetworkMbps, cp.Arch, gpuText(cp.GPUs)+accs(cp.Accelerators), plural(u.Instances, "instance"), milliText(u.MilliCores), u.MemoryMB))
		gpus = d.gpuDevices(&cp, ref.Blade())
		power, network := hw.BladeCables(ref.Blade())
		for _, p := range append(power, network...) {
			cb := hw.Cable(p)
			cables = append(cables, app.Li().Text(fmt.Sprintf("%s: %s", hw.CablePath(p), cableState(hw, p.Dev, cb))))
		}
		if hasControl {
			actions = append(actions,
				act2("Drain for maintenance", scenario.Command{Do: scenario.Maintain, Target: path}),
				act2("Retire", scenario.Command{Do: scenario.Retire, Target: path}),
				act2("Return to service", scenario.Command{Do: scenario.ReturnService, Target: path}),
				act2("Call a technician now", scenario.Command{Do: scenario.CallTechnician, Target: path}))
			if t, ok := targets.Get(e); ok && t.Enabled {
				actions = append(actions, act2("Disable", scenario.Command{Do: scenario.Enable, Target: path, On: false}))
			} else {
				actions = append(actions, act2("Enable", scenario.Command{Do: scenario.Enable, Target: path, On: true}))
			}
		} else {
			actions = append(actions,
				act2("Power on", scenario.Command{Do: scenario.Power, Target: path, On: true}),
				act2("Power off", scenario.Command{Do: scenario.Power, Target: path}),
				act2("Connect", scenario.Command{Do: scenario.Connect, Target: path, On: true}),
				act2("Boot", scenario.Command{Do: scenario.Boot, Target: path}))
		}
	case hardware.KindPDU, hardware.KindTOR:
		d := hw.Device(ref)
		def = []field{{"index", fmt.Sprint(d.Def.Index)}, {"enabled", fmt.Sprint(d.Def.Enabled)}, {"condition", stateWords(d.Def.Condition.String())}, {"ports", fmt.Sprint(hw.NumPorts(ref))}}
		act = []field{{"state", stateWords(d.State.String())}, {"since", fmt.Sprintf("t=%d", d.EnteredAt)}}
		portRows()
		if hasControl {
			actions = append(actions, act2("Call a technician now", scenario.Command{Do: scenario.CallTechnician, Target: path}))
		}
	case hardware.KindRack:
		r := hw.Rack(ref.Index)
		def = []field{{"name", r.Name}, {"enabled", fmt.Sprint(r.Def.Enabled)}, {"condition", stateWords(r.Def.Condition.String())}, {"location", orDash(r.Def.Location)},
			{"blades", fmt.Sprint(r.BladeHi - r.BladeLo)}}
		act = []field{{"state", stateWords(r.State.String())}}
		tgt, obs = []field{{"", "racks have no target"}}, []field{{"", "racks are not monitored; their PDUs, TORs and blades are"}}
	}
	var lines []app.UI
	for _, e := range c.World().Trace().ByElement(path, 8) {
		txt := fmt.Sprintf("t=%d %s", e.Start, e.Name)
		if reason := e.Reason.String(); reason != "" {
			txt += " — " + reason
		}
		lines = append(lines, app.Li().Text(txt))
	}
	if len(lines) == 0 {
		lines = append(lines, app.Li().Class("muted").Text("no recent trace lines"))
	}
	var actionsUI app.UI = app.Text("")
	if len(actions) > 0 {
		actionsUI = app.Div().Class("actions").Aria("label", "Actions").Body(actions...)
	}
	return sec.Body(
		app.H2().Text(strings.ToUpper(kind[:1])+kind[1:]+" "+path),
		app.Div().Class("views").Body(column("Definition", def), column("Target", tgt), column("Actual", act), column("Observed", obs)),
		capacity,
		gpus,
		app.H4().Text("Cables"),
		app.Ul().Class("cables").Body(cables...),
		actionsUI,
		app.H4().Text("Recent trace"),
		app.Ul().Class("recent").Body(lines...),
		app.Button().Text("Close").OnClick(d.onClose),
	)
}

func (d *DetailCard) onClose(ctx app.Context, e app.Event) {
	if d.Pick != nil {
		d.Pick.selectElement("")
	}
}

func (d *DetailCard) apply(ctx app.Context, cmd scenario.Command) { d.C.Apply(cmd) }

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// gpuDevices lists a blade's GPU devices with the milli-GPU the scheduler
// has in use on each, as a bar and a number; nothing for a blade without.
func (d *DetailCard) gpuDevices(cp *inventory.Capacity, b views.BladeID) app.UI {
	models := cp.DeviceModels()
	if len(models) == 0 {
		return app.Text("")
	}
	books := d.C.gpuBooks(b)
	rows := make([]app.UI, len(models))
	for i, m := range models {
		text, used := fmt.Sprintf("GPU %d · %s · no scheduler", i, m), int32(0)
		if i < len(books) {
			used = books[i].UsedMilli
			text = fmt.Sprintf("GPU %d · %s · %d/%d milli-GPU in use", i, m, used, sched.GPUMilli)
		}
		rows[i] = app.Li().DataSet("testid", "gpu-device").DataSet("device", i).DataSet("used", used).Body(
			app.Meter().Min(0).Max(sched.GPUMilli).Value(used).Aria("label", fmt.Sprintf("GPU %d in use", i)),
			app.Span().Text(" "+text))
	}
	return app.Div().Body(app.H4().Text("GPU devices"), app.Ul().Class("gpus").DataSet("testid", "gpu-devices").Body(rows...))
}

// gpuText is a capacity's Gpus for the capacity line: ", GPUs 4 × A100,
// 2 × T4".
func gpuText(gpus []inventory.GPU) string {
	if len(gpus) == 0 {
		return ""
	}
	parts := make([]string, len(gpus))
	for i, g := range gpus {
		parts[i] = fmt.Sprintf("%d × %s", g.Count, g.Model)
	}
	return ", GPUs " + strings.Join(parts, ", ")
}

func accs(a []string) string {
	if len(a) == 0 {
		return ""
	}
	return ", accelerators " + strings.Join(a, ", ")
}
