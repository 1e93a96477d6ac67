package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

const svgNS = "http://www.w3.org/2000/svg"

// svg makes an SVG element: go-app does not pass the namespace down, so
// every node carries it (TOOLCHAIN P16).
func svg(tag string) app.HTMLElem { return app.Elem(tag).XMLNS(svgNS) }

// AggregateAbove is the zone size past which racks are drawn as state
// counts, with the chosen rack drawn in full right after its summary.
const AggregateAbove = 1000

// Inventory draws the racks of the shown zone. One click listener on the
// drawing finds the element clicked by its data-path, and selects it.
type Inventory struct {
	app.Compo
	C        *Controller
	V        uint64 // the session's version: the rack versions live in the racks
	Selected string // the selected element's path ("" if none)
	Zone     string // the region/zone shown ("" for the first)
	Pick     picker // where a click or a zone choice goes; nil in tests

	drilled int    // the rack drawn in full in a large zone (-1: none), as last seen
	seenSel string // the selection as last seen (OnUpdate)
	drawAs  string // "map" or "racks" as the user chose; "" for the zone's size to choose
	all     bool   // the map shows the whole cluster, not just the zone
}

// usesMap reports whether the zone is drawn as the cluster map: when the
// user chose it, or by default when it is too large to draw rack by rack.
func (v *Inventory) usesMap(aggregate bool) bool {
	return v.drawAs == "map" || v.drawAs == "" && aggregate
}

// OnInit starts with no rack drilled into, and the selection it is
// given as seen (a resumed session's does not move the page).
func (v *Inventory) OnInit() { v.drilled, v.seenSel = -1, v.Selected }

// drillRack is the rack a large zone draws in full, or -1.
func (v *Inventory) drillRack() int {
	if v.C == nil {
		return -1
	}
	return drilledRack(v.C.Session, v.Selected, shownZone(v.C.Session, v.Zone))
}

// OnUpdate brings a newly drilled rack into view, however it was chosen
// (a click on its summary, an element named in the log); not under the
// map, where the user is looking at the map.
func (v *Inventory) OnUpdate(ctx app.Context) {
	if v.Selected != v.seenSel {
		v.seenSel = v.Selected
		if v.Selected != "" {
			ctx.Defer(func(app.Context) { peekDetail() })
		}
	}
	r := v.drillRack()
	if r == v.drilled {
		return
	}
	v.drilled = r
	if r >= 0 && !v.usesMap(true) {
		ctx.Defer(func(ctx app.Context) {
			if el := app.Window().Get("document").Call("querySelector", `[data-testid="rack-drill"]`); el.Truthy() {
				el.Call("scrollIntoView", map[string]any{"block": "nearest"})
			}
		})
	}
}

// peekDetail scrolls the top of the detail card into the bottom of its
// column when a new selection left it out of sight below (a blade clicked
// in a 10,000-blade map or in the racks of a small zone, whose card is
// drawn under them), so that the click visibly did something, scrolling no
// more than that. A card already in view does not move.
func peekDetail() {
	if !app.IsClient {
		return
	}
	win := app.Window()
	el := win.Get("document").Call("querySelector", `[data-testid="detail-card"]`)
	if !el.Truthy() {
		return
	}
	// The box that scrolls it: the inventory's column on a wide page, the
	// page itself on a phone.
	box := win.Get("document").Get("scrollingElement")
	for p := el.Get("parentElement"); p.Truthy(); p = p.Get("parentElement") {
		if ov := win.Call("getComputedStyle", p).Get("overflowY").String(); (ov == "auto" || ov == "scroll") &&
			p.Get("scrollHeight").Int() > p.Get("clientHeight").Int() {
			box = p
			break
		}
	}
	from, h := 0.0, win.Get("innerHeight").Float()
	if box.Get("tagName").String() != "HTML" {
		r := box.Call("getBoundingClientRect")
		from, h = r.Get("top").Float(), min(h, r.Get("height").Float())
	}
	if top := el.Call("getBoundingClientRect").Get("top").Float() - from; top > h-peekPx/2 {
		box.Call("scrollBy", 0, top-(h-peekPx))
	}
}

// peekPx is how much of the detail card peekDetail shows: its title and
// the first lines of its definition.
const peekPx = 120

// testName is a rack's name in test ids: lower case, anything but letters
// and digits turned into "-".
func testName(rack string) string {
	b := []byte(strings.ToLower(rack))
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9') {
			b[i] = '-'
		}
	}
	return string(b)
}

// Render draws the zone selector, the racks and the legend.
func (v *Inventory) Render() app.UI {
	sec := app.Section().Class("panel", "panel-inventory").Aria("label", "Inventory")
	if v.C == nil {
		return sec.Body(app.H2().Text("Inventory"), app.P().Class("muted").Text("Starting the simulation…"))
	}
	c := v.C
	hw := c.World().Hardware()
	zone := shownZone(c.Session, v.Zone)
	racks := zoneRacks(c.Session, zone)
	aggregate := zoneBlades(c.Session, zone) > AggregateAbove
	sel := v.Selected
	drill := v.drillRack()
	useMap := v.usesMap(aggregate)
	var drawn []app.UI
	if useMap {
		drawn = append(drawn, &ClusterMap{C: c, V: v.V, Selected: sel, Zone: zone, All: v.all, Pick: v.Pick})
		if drill >= 0 {
			drawn = append(drawn, v.drillDown(drill))
		}
	}
	for _, ri := range racks {
		if useMap {
			break // the map draws them all
		}
		if !aggregate {
			drawn = append(drawn, &RackView{S: c.Session, Rack: ri, V: c.RackVersion(ri), Sel: selIn(hw, sel, ri)})
			continue
		}
		drawn = append(drawn, &RackSummary{S: c.Session, Rack: ri, V: c.RackVersion(ri), Chosen: ri == drill})
		if ri == drill {
			drawn = append(drawn, v.drillDown(drill))
		}
	}
	zones := c.Zones()
	whole := useMap && v.all
	var opts []app.UI
	if whole { // the box names what is drawn: every zone, not the one a zone's map would show
		opts = append(opts, app.Option().Value("").Text("whole cluster").Selected(true))
	}
	for _, z := range zones {
		opts = append(opts, app.Option().Value(z).Text(z).Selected(z == zone && !whole))
	}
	note := plural(len(racks), "rack") + ", " + plural(zoneBlades(c.Session, zone), "blade")
	switch {
	case whole:
		note = plural(hw.NumRacks(), "rack") + ", " + plural(hw.NumBlades(), "blade") + " in the cluster — one cell a blade; click one to select it and draw its rack in full"
	case useMap:
		note += " — one cell a blade; click one to select it and draw its rack in full"
	case aggregate:
		note += fmt.Sprintf(" — more than %s blades: each rack shows its blades per state; choose a rack to draw it in full", digits(AggregateAbove))
	}
	choice := func(testid, text string, on bool, fn func()) app.UI {
		return app.Button().Class("choice").DataSet("testid", testid).Aria("pressed", on).Text(text).
			OnClick(func(ctx app.Context, e app.Event) { fn() })
	}
	tools := []app.UI{
		choice("draw-racks", "Racks", !useMap, func() { v.drawAs = "racks" }),
		choice("draw-map", "Map", useMap, func() { v.drawAs = "map" }),
	}
	if useMap {
		tools = append(tools,
			choice("map-zone", "This zone", !v.all, func() { v.all = false }),
			choice("map-all", "Whole cluster", v.all, func() { v.all = true }))
	}
	return sec.Body(
		app.Div().Class("inventory-head").Body(
			app.H2().Text("Inventory"),
			app.Label().For("zone-select").Text("Region / zone"),
			app.Select().ID("zone-select").DataSet("testid", "zone-select").OnChange(v.onZone).Body(opts...),
			app.Span().Class("draw-as").Aria("label", "Draw as").Body(tools...),
			app.Span().Class("muted").Text(note),
		),
		app.Div().Class("racks").OnClick(v.onClick).OnKeyDown(v.onKey).Body(drawn...),
		app.If(!useMap || drill >= 0, func() app.UI { return legend(racksHaveGPUs(hw, drawnInFull(racks, aggregate || useMap, drill))) }),
	)
}

// drillDown is rack ri drawn in full, with the card of what is selected in
// it beside it, inside the drawing (whose listeners select what is clicked
// or entered in it), on a line of its own: right after the rack's summary,
// or under the map. The card stays in view while the rack scrolls by (the
// page's own card is not drawn meanwhile: see Shell.Render).
func (v *Inventory) drillDown(ri int) app.UI {
	c := v.C
	r := c.World().Hardware().Rack(int32(ri))
	n := int(r.BladeHi - r.BladeLo)
	return app.Div().Class("rack-drill").DataSet("testid", "rack-drill").Aria("label", "Rack "+r.Name+" in full").Body(
		app.H3().Text("Rack "+r.Name+", in full"),
		app.Div().Class("rack-drill-body").Body(
			&RackView{S: c.Session, Rack: ri, V: c.RackVersion(ri), Sel: v.Selected, Cols: min(2, (n+29)/30)},
			&DetailCard{C: c, V: v.V, Selected: v.Selected, Pick: v.Pick},
		),
	)
}

func (v *Inventory) onZone(ctx app.Context, e app.Event) {
	z := ctx.JSSrc().Get("value").String()
	if z == "" { // "whole cluster", shown while the map draws it
		return
	}
	v.all = false // a zone chosen while the whole cluster is drawn: that zone's map
	if v.Pick != nil {
		v.Pick.showZone(z)
	}
}

// onClick is the drawing's one listener: the clicked element is the
// nearest ancestor with a data-path.
func (v *Inventory) onClick(ctx app.Context, e app.Event) {
	t := e.Get("target")
	if !t.Truthy() || t.Get("closest").IsUndefined() {
		return
	}
	el := t.Call("closest", "[data-path]")
	if !el.Truthy() {
		return
	}
	if v.Pick != nil {
		v.Pick.selectElement(el.Call("getAttribute", "data-path").String())
	}
}

func (v *Inventory) onKey(ctx app.Context, e app.Event) {
	if k := e.Get("key").String(); k == "Enter" || k == " " {
		v.onClick(ctx, e)
	}
}

// Palette: Okabe–Ito (colour-blind safe), and each state also has a mark,
// so colour is never the only cue.
var stateLook = map[string]struct{ class, mark, label string }{
	"working":              {"st-working", "✓", "working"},
	"booting":              {"st-booting", "↑", "booting"},
	"stopping":             {"st-stopping", "↓", "stopping"},
	"stopping_isolated":    {"st-stopping", "↓", "stopping, isolated"},
	"powered_connected":    {"st-powered", "○", "powered, connected"},
	"powered_disconnected": {"st-isolated", "⌁", "powered, disconnected"},
	"isolated":             {"st-isolated", "!", "isolated (working, no network)"},
	"off_connected":        {"st-off", "·", "off"},
	"off_disconnected":     {"st-off", "·", "off, disconnected"},
	"faulted":              {"st-faulted", "✕", "faulted"},
	"start":                {"st-off", "·", "not started"},
	"stuck":                {"st-faulted", "✕", "stuck"},
	"off":                  {"st-off", "·", "off"},
}

// stateWords is what the page calls a state (a blade's, a PDU's or TOR's,
// a rack's, or what the monitor makes of an element): the legend's words
// for a drawn state, the name spelt out for the others ("awaiting_start":
// "awaiting start", "never_seen": "never seen"). The hover line, the
// tooltips, the detail card and the legends say it; data-state and
// data-observed keep the names.
func stateWords(state string) string {
	if l, ok := stateLook[state]; ok {
		return l.label
	}
	return strings.ReplaceAll(state, "_", " ")
}

// observedWords is what the page says the monitor observes of an element:
// its reported state's words while it hears it, else its health's.
func observedWords(o views.Observed) string { return stateWords(observedName(o)) }

func look(state string) (class, mark string) {
	if l, ok := stateLook[state]; ok {
		return l.class, l.mark
	}
	return "st-off", "?"
}

// drawnInFull are the racks drawn blade by blade: all of them, or in a
// zone drawn as summaries the one drilled into, if any.
func drawnInFull(racks []int, aggregate bool, drill int) []int {
	switch {
	case !aggregate:
		return racks
	case drill >= 0:
		return []int{drill}
	}
	return nil
}

// racksHaveGPUs says whether a blade of the racks has GPU devices.
func racksHaveGPUs(hw *hardware.Model, racks []int) bool {
	for _, ri := range racks {
		r := hw.Rack(int32(ri))
		for b := r.BladeLo; b < r.BladeHi; b++ {
			if hw.Blade(b).Def.Capacity.Devices() > 0 {
				return true
			}
		}
	}
	return false
}

// legend explains the drawing's colours and marks; gpus adds the GPU
// cells, for a zone drawn with some.
func legend(gpus bool) app.UI {
	items := []string{"working", "booting", "stopping", "powered_connected", "isolated", "off_connected", "faulted"}
	var lis []app.UI
	for _, s := range items {
		l := stateLook[s]
		lis = append(lis, app.Li().Body(
			app.Span().Class("swatch", l.class).Aria("hidden", true).Text(l.mark),
			app.Text(" "+stateWords(s)),
		))
	}
	lis = append(lis,
		app.Li().Body(app.Span().Class("swatch", "obs-unheard").Aria("hidden", true).Text("?"), app.Text(" not heard by the monitor (observed ≠ actual)")),
		app.Li().Body(app.Span().Class("swatch", "usage").Aria("hidden", true), app.Text(" cores in use by workloads (a blade is as wide as its cores)")),
	)
	if gpus {
		lis = append(lis, app.Li().DataSet("testid", "legend-gpu").Body(
			app.Span().Class("swatch", "gpu-swatch").Aria("hidden", true).Body(app.Span().Class("gpu-swatch-used")),
			app.Text(" a GPU device, filled by the share in use")))
	}
	lis = append(lis,
		app.Li().Body(app.Span().Class("port on").Aria("hidden", true), app.Text(" cable on "),
			app.Span().Class("port off").Aria("hidden", true), app.Text(" off "),
			app.Span().Class("port faulted").Aria("hidden", true), app.Text(" faulted")),
	)
	return app.Ul().Class("legend").Aria("label", "Legend").Body(lis...)
}

// observedName is what data-observed says: the reported state while the
// monitor hears the element, else its health (never_seen, suspected,
// unavailable).
func observedName(o views.Observed) string {
	if o.Health.Heard() {
		return o.State.String()
	}
	return o.Health.String()
}

// RackView draws one rack: its TORs and PDUs with their ports, then its
// blades, each as wide as its cores, with the cores in use shaded.
type RackView struct {
	app.Compo
	S    *Session
	Rack int
	V    uint64 // the rack's version: it re-renders only when its rack changed
	Sel  string // the selected element, if in this rack
	Cols int    // columns of blades (0 or 1: one), for a large rack drawn alone
}

const (
	rackW   = 150
	rowH    = 18
	rowGap  = 3
	portR   = 2.5
	portGap = 7
	colGap  = 8   // between columns of blades
	labelCh = 6.1 // the width of a character of a device's label (10px monospace)
	unheard = 12  // room kept at the right of a device's bar for the "?" mark
)

// labelEnd is where a device's label ends in its bar.
func labelEnd(label string) float64 { return 4 + labelCh*float64(len([]rune(label))) }

// portMarks draws a PDU's or TOR's ports in its bar at height y: a dot
// each after the label when they fit there, else (a 100-blade rack's
// PDU has 101 ports) a thin mark each in a strip along the bottom of the
// bar. Every mark stays inside the bar.
func portMarks(hw *hardware.Model, dev hardware.Ref, ports []hardware.Cable, from float64, y int) []app.UI {
	out := make([]app.UI, 0, len(ports))
	x0 := from + portR + 3
	fit := float64(rackW-unheard) - x0 - portR
	gap, r := float64(portGap), portR
	if n := len(ports); n > 1 && float64(n-1)*gap > fit {
		gap = fit / float64(n-1) // closer and smaller dots, down to a gap of 4
		r = min(portR, gap/2-0.4)
	}
	if gap >= 4 {
		for i, p := range ports {
			out = append(out, svg("circle").Class("port", cableState(hw, dev, p)).Attr("data-port", p.Port).
				Attr("cx", strconv.FormatFloat(x0+float64(i)*gap, 'f', 2, 64)).Attr("cy", y+rowH/2).Attr("r", r))
		}
		return out
	}
	const pad, h = 3.0, 3.5
	w := (rackW - 2*pad) / float64(len(ports))
	for i, p := range ports {
		out = append(out, svg("rect").Class("port", "port-strip", cableState(hw, dev, p)).Attr("data-port", p.Port).
			Attr("x", strconv.FormatFloat(pad+float64(i)*w, 'f', 2, 64)).Attr("y", strconv.FormatFloat(float64(y+rowH)-h-1, 'f', 2, 64)).
			Attr("width", strconv.FormatFloat(max(w-0.4, 0.5), 'f', 2, 64)).Attr("height", h))
	}
	return out
}

// devicePorts are a PDU's or TOR's ports, by slot.
func devicePorts(hw *hardware.Model, dev hardware.Ref) []hardware.Cable {
	out := make([]hardware.Cable, 0, hw.NumPorts(dev))
	for _, c := range hw.Ports(dev) {
		out = append(out, c)
	}
	return out
}

// cableState is how a PDU's or TOR's port is drawn and listed: "faulted",
// "on" or "off". A cable to a blade is on when its device switched it on.
// The cable between a rack's PDU and TOR (port 0) is switched by nothing
// in the simulation: it is on while it is sound and both its ends work.
func cableState(hw *hardware.Model, dev hardware.Ref, c hardware.Cable) string {
	switch {
	case c.Faulted:
		return "faulted"
	case c.On:
		return "on"
	case c.To.Type != inventory.HwPDU && c.To.Type != inventory.HwTOR:
		return "off"
	}
	rack := hw.Rack(hw.RackOf(dev))
	works := func(d hardware.Device) bool { return d.Def.Enabled && d.State == hardware.DeviceWorking }
	kind := hardware.KindTOR
	if c.To.Type == inventory.HwPDU {
		kind = hardware.KindPDU
	}
	far := false
	lo, hi := rack.Devices(kind)
	for i := lo; i < hi; i++ {
		d := hw.Device(hardware.Ref{Kind: kind, Index: i})
		far = far || d.Def.Index == c.To.ID && works(d)
	}
	if far && works(hw.Device(dev)) {
		return "on"
	}
	return "off"
}

// Render draws the rack as an SVG.
func (v *RackView) Render() app.UI {
	c := v.S
	hw := c.World().Hardware()
	r := hw.Rack(int32(v.Rack))
	name := testName(r.Name)
	maxCores := int64(1)
	for b := r.BladeLo; b < r.BladeHi; b++ {
		maxCores = max(maxCores, hw.Blade(b).Def.Capacity.Cores)
	}
	var rows []app.UI
	y := 0
	device := func(dev hardware.Ref, path, kind, state, testid string) {
		o, _ := c.observed(path)
		cls, mark := look(state)
		g := svg("g").Attr("data-path", path).Attr("tabindex", "0").Attr("role", "button").
			DataSet("testid", testid).DataSet("state", state).DataSet("observed", observedName(o)).
			Aria("label", fmt.Sprintf("%s %s: %s, observed %s", kind, path, stateWords(state), observedWords(o)))
		sel := ""
		if path == v.Sel {
			sel = "selected"
		}
		label := fmt.Sprintf("%s %s %s", mark, strings.ToUpper(kind), path[strings.LastIndexByte(path, '/')+1:])
		kids := []app.UI{
			svg("title").Text(fmt.Sprintf("%s — %s (observed: %s)", path, stateWords(state), observedWords(o))),
			svg("rect").Class("dev", cls, sel).Attr("x", 0).Attr("y", y).Attr("width", rackW).Attr("height", rowH).Attr("rx", 3),
			svg("text").Class("dev-label").Attr("x", 4).Attr("y", y+13).Text(label),
		}
		if !o.Health.Heard() && state != "" {
			kids = append(kids, svg("text").Class("unheard").Attr("x", rackW-10).Attr("y", y+13).Text("?"))
		}
		kids = append(kids, portMarks(hw, dev, devicePorts(hw, dev), labelEnd(label), y)...)
		rows = append(rows, g.Body(kids...))
		y += rowH + rowGap
	}
	for _, k := range []hardware.Kind{hardware.KindTOR, hardware.KindPDU} {
		lo, hi := r.Devices(k)
		for i := lo; i < hi; i++ {
			ref := hardware.Ref{Kind: k, Index: i}
			d := hw.Device(ref)
			device(ref, d.Path, k.String(), d.State.String(), fmt.Sprintf("%s-%s-%d", k, name, d.Def.Index))
		}
	}
	// In a rack with GPUs every blade's row is taller, with room for the
	// cells of its devices under its label (gpucells.go).
	bladeH := rowH
	for b := r.BladeLo; b < r.BladeHi && bladeH == rowH; b++ {
		if hw.Blade(b).Def.Capacity.Devices() > 0 {
			bladeH += gpuStripH
		}
	}
	cols := max(v.Cols, 1)
	perCol := (int(r.BladeHi-r.BladeLo) + cols - 1) / cols
	top, bottom := y, y
	for b := r.BladeLo; b < r.BladeHi; b++ {
		k := int(b - r.BladeLo)
		y = top + k%max(perCol, 1)*(bladeH+rowGap)
		bottom = max(bottom, y+bladeH+rowGap)
		bl := hw.Blade(b)
		state := bl.State.String()
		o, _ := c.observed(bl.Path)
		cls, mark := look(state)
		w := max(40, int(int64(rackW)*bl.Def.Capacity.Cores/maxCores))
		u := c.usage(bl.Path)
		sel := ""
		if bl.Path == v.Sel {
			sel = "selected"
		}
		tip := fmt.Sprintf("%s — %s (observed: %s), %s, %s in use", bl.Path, stateWords(state), observedWords(o), plural(bl.Def.Capacity.Cores, "core"), milliText(u.MilliCores))
		var gpus []app.UI
		gpuList, gpuAria := "", ""
		if n := int(bl.Def.Capacity.Devices()); n > 0 {
			books := c.gpuBooks(b)
			used := make([]int32, len(books))
			for i, d := range books {
				used[i] = d.UsedMilli
			}
			var text string
			text, gpuList = gpuUse(n, books)
			tip += ", " + text
			gpuAria = ", " + text
			gpus = gpuCells(n, used, 3, float64(y+rowH-3), float64(w-6))
		}
		kids := []app.UI{
			svg("title").Text(tip),
			svg("rect").Class("dev", cls, sel).Attr("x", 0).Attr("y", y).Attr("width", w).Attr("height", bladeH).Attr("rx", 3),
		}
		kids = append(kids, gpus...)
		if u.MilliCores > 0 && bl.Def.Capacity.Cores > 0 {
			uw := int(int64(w-4) * u.MilliCores / (bl.Def.Capacity.Cores * 1000))
			kids = append(kids, svg("rect").Class("usage").Attr("x", 2).Attr("y", y+bladeH-5).Attr("width", max(1, uw)).Attr("height", 3).
				DataSet("testid", fmt.Sprintf("usage-%s-%d", name, bl.Def.Index)))
		}
		kids = append(kids, svg("text").Class("dev-label").Attr("x", 4).Attr("y", y+12).Text(fmt.Sprintf("%s %d", mark, bl.Def.Index)))
		if !o.Health.Heard() && bl.Def.Enabled {
			kids = append(kids, svg("text").Class("unheard").Attr("x", w-10).Attr("y", y+12).Text("?"))
		}
		g := svg("g").Attr("data-path", bl.Path).Attr("tabindex", "0").Attr("role", "button").
			DataSet("testid", fmt.Sprintf("blade-%s-%d", name, bl.Def.Index)).DataSet("state", state).DataSet("observed", observedName(o)).
			Aria("label", fmt.Sprintf("blade %s: %s, observed %s%s", bl.Path, stateWords(state), observedWords(o), gpuAria))
		if gpuList != "" {
			g = g.DataSet("gpu-used", gpuList)
		}
		if col := k / max(perCol, 1); col > 0 {
			g = g.Attr("transform", fmt.Sprintf("translate(%d 0)", col*(rackW+colGap)))
		}
		rows = append(rows, g.Body(kids...))
	}
	h := bottom + 2
	w := cols*rackW + (cols-1)*colGap
	return app.Figure().Class("rack").DataSet("testid", "rack-"+name).Body(
		app.FigCaption().Body(app.Button().Class("rack-name").Attr("data-path", r.Path).Text(r.Name)),
		svg("svg").Attr("viewBox", fmt.Sprintf("-1 -1 %d %d", w+2, h)).Attr("width", w+2).Attr("height", h).Body(rows...),
	)
}

// milliText writes milli-cores as cores.
func milliText(m int64) string {
	if m%1000 == 0 {
		return plural(m/1000, "core")
	}
	return strconv.FormatFloat(float64(m)/1000, 'f', -1, 64) + " cores"
}

// RackSummary is a rack of a large zone: its blades counted per state.
type RackSummary struct {
	app.Compo
	S      *Session
	Rack   int
	V      uint64
	Chosen bool
}

// Render draws the counts as a stacked bar.
func (v *RackSummary) Render() app.UI {
	hw := v.S.World().Hardware()
	r := hw.Rack(int32(v.Rack))
	counts := map[string]int{}
	var order []string
	for b := r.BladeLo; b < r.BladeHi; b++ {
		s := hw.Blade(b).State.String()
		if counts[s] == 0 {
			order = append(order, s)
		}
		counts[s]++
	}
	n := int(r.BladeHi - r.BladeLo)
	var segs []app.UI
	x := 0
	var label []string
	for _, s := range order {
		w := 100 * counts[s] / max(n, 1)
		cls, mark := look(s)
		segs = append(segs, svg("rect").Class("dev", cls).Attr("x", x).Attr("y", 0).Attr("width", max(w, 1)).Attr("height", 12))
		x += w
		label = append(label, fmt.Sprintf("%s %d %s", mark, counts[s], stateWords(s)))
	}
	// The rack's GPUs in words: no cell per device where blades are
	// summarised.
	gpus, booked := 0, false
	var used int64
	for b := r.BladeLo; b < r.BladeHi; b++ {
		if k := int(hw.Blade(b).Def.Capacity.Devices()); k > 0 {
			gpus += k
			for _, d := range v.S.gpuBooks(b) {
				used += int64(d.UsedMilli)
				booked = true
			}
		}
	}
	if gpus > 0 {
		label = append(label, gpuUseText(gpus, used, booked))
	}
	cls := "rack-summary"
	if v.Chosen {
		cls += " selected"
	}
	return app.Button().Class(cls).Attr("data-path", r.Path).DataSet("testid", "rack-"+testName(r.Name)).
		Aria("label", "rack "+r.Name+": "+strings.Join(label, ", ")).Body(
		app.Span().Class("rack-name").Text(r.Name),
		svg("svg").Attr("viewBox", "0 0 100 12").Attr("width", 100).Attr("height", 12).Attr("preserveAspectRatio", "none").Body(segs...),
		app.Span().Class("muted").Text(strings.Join(label, " · ")),
	)
}
