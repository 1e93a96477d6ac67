package app

import (
	"fmt"
	"strconv"

	"github.com/cloudchamber/cloudchamber/app/clustermap"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The cluster map draws every blade of a zone, or of the whole cluster, as
// one cell of a <canvas>: the pixels are painted in Go (package
// clustermap) and copied to the canvas once a frame (mapcanvas_js.go), so
// 50,000 blades cost one element, not 50,000. Each frame repaints only the
// cells of the blades the store reported changed (Session.takeMapChanges);
// a new world, zone, mode, selection or view repaints it all. Hover names
// the blade under the pointer, a click selects it (a hit test from the
// pointer's pixel), the wheel or the buttons zoom and a drag or the arrows
// pan.

// mapMode is what a cell's colour shows.
type mapMode string

const (
	mapState    mapMode = "state"    // the blade's actual state
	mapObserved mapMode = "observed" // whether the monitor sees the blade as it is
	mapLoad     mapMode = "load"     // the share of its cores the workloads use
	mapGPU      mapMode = "gpu"      // the share of its GPU devices in use
)

// The canvas's size in pixels until the page has measured it: the glue
// then sizes its backing store to the size CSS draws it at times the
// device's pixel ratio (resize), so that a cell's pixels are the screen's
// and the gaps between cells stay visible; it maps the pointer back to
// the canvas's pixels.
const (
	mapW = 880
	mapH = 520
	// mapSideMax bounds either side of the canvas, in device pixels.
	mapSideMax = 4096
)

// mapCanvas is the browser's side of the cluster map: the canvas its
// pixels go to, the hover line, the pointer's listeners.
type mapCanvas interface {
	put(cv *clustermap.Canvas, r clustermap.Rect, frame uint64) // copy r's rows of cv to the canvas
	label(labels []mapLabel)                                    // names drawn over the map from the next put on
	hover(text string)                                          // the hover line says text
	release()                                                   // drop the listeners
}

// mapLabel is a name drawn over the map at canvas pixel (X, Y), its top
// left corner: a zone's, at its outline's corner, when the map shows
// more than one zone.
type mapLabel struct {
	X, Y int
	Text string
}

// mapHost is the page that paints the shown map every frame (the Shell).
type mapHost interface {
	showMap(m *ClusterMap) // m is mounted: paint it each frame
	hideMap(m *ClusterMap) // m is gone (nothing if another took its place)
}

// ClusterMap is the cluster map: the zone Zone's blades, or with All every
// blade of the world.
type ClusterMap struct {
	app.Compo
	C        *Controller
	V        uint64
	Selected string // the selected element's path ("" if none)
	Zone     string // the region/zone shown, as shownZone gives it
	All      bool   // the whole cluster, not just Zone
	Pick     picker // where a click goes; nil in tests

	mode     mapMode
	laidFor  mapKey // what layout was laid out for
	layout   *clustermap.Layout
	zones    []string // the layout's zones' names (region/zone), in its order
	gpus     bool     // a blade laid out has GPU devices (the GPU mode is offered)
	view     clustermap.View
	cv       *clustermap.Canvas
	sel      int32 // the selected blade as last painted (-1: none)
	full     bool  // everything must be repainted at the next frame
	hovered  int32 // the blade under the pointer (-1: none)
	canvas   mapCanvas
	drag     *mapDrag
	painted  uint64 // frames that painted something (data-painted, for tests)
	lastFull bool   // the last paint was a full one
	w, h     int    // the canvas's size in pixels (0: mapW x mapH)
}

// mapKey is what a layout depends on.
type mapKey struct {
	gen  uint64 // the world (Session.rackGen)
	zone string
	all  bool
}

// mapDrag is a drag under way: where the pointer was pressed and last seen.
type mapDrag struct {
	x0, y0, x, y int
	moved        bool
}

// OnInit starts with nothing selected or hovered.
func (m *ClusterMap) OnInit() { m.sel, m.hovered = -1, -1 }

// size is the canvas's size in pixels.
func (m *ClusterMap) size() (w, h int) {
	if m.w <= 0 || m.h <= 0 {
		return mapW, mapH
	}
	return m.w, m.h
}

// resize makes the canvas w x h pixels (each side 1 to mapSideMax),
// refits the map to it and repaints it all; the same size changes
// nothing. It reports whether the size changed.
func (m *ClusterMap) resize(w, h int) bool {
	w, h = max(1, min(w, mapSideMax)), max(1, min(h, mapSideMax))
	if ow, oh := m.size(); ow == w && oh == h {
		return false
	}
	m.w, m.h = w, h
	m.cv = nil
	if m.layout != nil {
		m.view = clustermap.Fit(m.layout, w, h)
	}
	m.full = true
	return true
}

// shownMode is the mode chosen; the state mode until one is.
func (m *ClusterMap) shownMode() mapMode {
	if m.mode == "" {
		return mapState
	}
	return m.mode
}

// OnMount attaches the canvas's listeners and has the page paint the map
// every frame.
func (m *ClusterMap) OnMount(ctx app.Context) {
	m.canvas = attachMapCanvas(ctx, m)
	m.full = true
	if h, ok := m.Pick.(mapHost); ok {
		h.showMap(m)
	}
}

// OnDismount stops the painting and releases the listeners.
func (m *ClusterMap) OnDismount() {
	if h, ok := m.Pick.(mapHost); ok {
		h.hideMap(m)
	}
	if m.canvas != nil {
		m.canvas.release()
		m.canvas = nil
	}
}

// racks are the racks the map shows, as the layout takes them, and the
// names of their zones (region/zone) in the layout's order.
func (m *ClusterMap) racks() ([]clustermap.Rack, []string) {
	hw := m.C.World().Hardware()
	var idx []int
	if m.All {
		idx = make([]int, hw.NumRacks())
		for i := range idx {
			idx[i] = i
		}
	} else {
		idx = zoneRacks(m.C.Session, m.Zone)
	}
	out := make([]clustermap.Rack, len(idx))
	var names []string
	for i, ri := range idx {
		r := hw.Rack(int32(ri))
		if z := r.Region + "/" + r.Zone; len(names) == 0 || z != names[len(names)-1] {
			names = append(names, z)
		}
		out[i] = clustermap.Rack{First: int32(r.BladeLo), N: int32(r.BladeHi - r.BladeLo), Zone: int32(len(names) - 1)}
	}
	return out, names
}

// zoneLabels are the names of the zones shown, at their outlines' top
// left corners, when the map shows more than one; none when it shows one
// (the zone box names it) or a zone is off the canvas.
func (m *ClusterMap) zoneLabels() []mapLabel {
	if m.layout.NumZones() < 2 {
		return nil
	}
	var out []mapLabel
	canvas := m.view.Canvas()
	for z := range m.layout.NumZones() {
		r := m.view.Pixels(m.layout.ZoneBox(z))
		if r.Intersect(canvas).Empty() {
			continue
		}
		out = append(out, mapLabel{X: max(r.X0, 0), Y: max(r.Y0, 0), Text: m.zones[z]})
	}
	return out
}

// relayout lays out the map again when the world, zone or scope changed,
// and fits it to the canvas.
func (m *ClusterMap) relayout() {
	key := mapKey{gen: m.C.rackGen, zone: m.Zone, all: m.All}
	if m.layout != nil && key == m.laidFor {
		return
	}
	m.laidFor = key
	racks, zones := m.racks()
	m.layout, m.zones = clustermap.NewLayout(racks), zones
	hw := m.C.World().Hardware()
	m.gpus = false
	for b := m.layout.First(); b < m.layout.First()+int32(m.layout.Blades()) && !m.gpus; b++ {
		m.gpus = hw.Blade(views.BladeID(b)).Def.Capacity.Devices() > 0
	}
	if m.mode == mapGPU && !m.gpus {
		m.mode = mapState
	}
	w, h := m.size()
	m.view = clustermap.Fit(m.layout, w, h)
	m.hovered = -1
	m.full = true
}

// selectedBlade is the selected element's blade number, or -1 if it is
// not a blade.
func (m *ClusterMap) selectedBlade() int32 {
	ref, ok := m.C.World().Hardware().Lookup(m.Selected)
	if !ok || ref.Kind != hardware.KindBlade {
		return -1
	}
	return ref.Index
}

// colour is what blade b's cell shows under the map's mode.
func (m *ClusterMap) colour() func(b int32) clustermap.RGBA {
	s := m.C.Session
	hw, vs := s.World().Hardware(), s.World().Views()
	switch m.shownMode() {
	case mapObserved:
		return func(b int32) clustermap.RGBA {
			st := hw.BladeState(views.BladeID(b))
			o, ok := vs.Observations.Get(hw.Element(hardware.BladeRef(views.BladeID(b))))
			switch {
			case !ok || !o.Health.Heard():
				return clustermap.Unheard
			case o.State.String() != st.String():
				return clustermap.Differs
			}
			return clustermap.Agrees
		}
	case mapLoad:
		return func(b int32) clustermap.RGBA {
			u, _ := vs.Usage.Get(views.BladeID(b))
			cores := hw.Blade(views.BladeID(b)).Def.Capacity.Cores
			if cores <= 0 {
				return clustermap.Empty
			}
			return clustermap.Ramp(u.MilliCores / cores) // milli-cores per core: per mille
		}
	case mapGPU:
		return func(b int32) clustermap.RGBA {
			n := hw.Blade(views.BladeID(b)).Def.Capacity.Devices()
			if n == 0 {
				return clustermap.Background
			}
			var used int64
			for _, d := range s.gpuBooks(views.BladeID(b)) {
				used += int64(d.UsedMilli)
			}
			return clustermap.Ramp(used / n)
		}
	}
	return func(b int32) clustermap.RGBA { return clustermap.StateColour(hw.BladeState(views.BladeID(b))) }
}

// paint brings the canvas up to date: the page calls it once a frame,
// after the simulation's work. It repaints every cell after a change of
// world, zone, mode, view or selection, and otherwise only the cells of
// the blades changed since the last frame, then copies the rows it
// changed to the canvas. It reports whether it painted anything.
func (m *ClusterMap) paint() bool {
	if m.C == nil || m.canvas == nil {
		return false
	}
	m.relayout()
	if m.cv == nil {
		w, h := m.size()
		m.cv = clustermap.NewCanvas(w, h)
		m.full = true
	}
	if sel := m.selectedBlade(); sel != m.sel {
		m.sel, m.full = sel, true
	}
	colour := m.colour()
	var changed clustermap.Rect
	rehover := false
	all := m.C.takeMapChanges(func(b int32) {
		rehover = rehover || b == m.hovered
		if m.full {
			return
		}
		c, ok := m.colourIfShown(b, colour)
		if !ok {
			return
		}
		r := m.cv.PaintCell(m.layout, m.view, b, c, m.sel)
		if changed.Empty() {
			changed = r
		} else if !r.Empty() {
			changed = clustermap.Rect{X0: min(changed.X0, r.X0), Y0: min(changed.Y0, r.Y0), X1: max(changed.X1, r.X1), Y1: max(changed.Y1, r.Y1)}
		}
	})
	m.lastFull = m.full || all
	if (rehover || m.lastFull) && m.hovered >= 0 {
		m.canvas.hover(m.describe(m.hovered)) // the blade under the pointer changed
	}
	if m.lastFull {
		m.full = false
		m.cv.PaintAll(m.layout, m.view, colour, m.sel)
		m.canvas.label(m.zoneLabels()) // the view may have moved
		changed = m.view.Canvas()
	}
	if changed.Empty() {
		return false
	}
	m.painted++
	m.canvas.put(m.cv, changed, m.painted)
	return true
}

// colourIfShown is blade b's colour, and false when the map does not show
// b (another zone) or its cell is off the canvas.
func (m *ClusterMap) colourIfShown(b int32, colour func(int32) clustermap.RGBA) (clustermap.RGBA, bool) {
	x, y, ok := m.layout.Cell(b)
	if !ok || m.view.CellRect(x, y).Intersect(m.view.Canvas()).Empty() {
		return clustermap.RGBA{}, false
	}
	return colour(b), true
}

// describe is what hovering blade b says: its path, state and, by the
// mode, what its colour shows.
func (m *ClusterMap) describe(b int32) string {
	s := m.C.Session
	hw := s.World().Hardware()
	bl := hw.Blade(views.BladeID(b))
	text := bl.Path + " — " + stateWords(bl.State.String())
	o, _ := s.observed(bl.Path)
	text += " (observed " + observedWords(o) + ")"
	switch m.shownMode() {
	case mapLoad:
		u := s.usage(bl.Path)
		text += ", " + milliText(u.MilliCores) + " of " + plural(bl.Def.Capacity.Cores, "core") + " in use"
	case mapGPU:
		if n := int(bl.Def.Capacity.Devices()); n > 0 {
			t, _ := gpuUse(n, s.gpuBooks(views.BladeID(b)))
			text += ", " + t
		}
	}
	return text
}

// The pointer, in canvas pixels (the glue has scaled it from CSS pixels).

// onHover names the blade at (px, py), if any, above the map.
func (m *ClusterMap) onHover(px, py int) {
	if d := m.drag; d != nil {
		if abs(px-d.x0)+abs(py-d.y0) > 3 {
			d.moved = true
		}
		if d.moved {
			m.view = m.view.Pan(px-d.x, py-d.y)
			m.full = true
		}
		d.x, d.y = px, py
		return
	}
	b, ok := int32(-1), false
	if m.layout != nil {
		b, ok = m.view.Hit(m.layout, px, py)
	}
	if !ok {
		b = -1
	}
	if b == m.hovered {
		return
	}
	m.hovered = b
	if m.canvas == nil {
		return
	}
	if b < 0 {
		m.canvas.hover("")
		return
	}
	m.canvas.hover(m.describe(b))
}

// onLeave forgets the hovered blade and any drag.
func (m *ClusterMap) onLeave() {
	m.drag = nil
	m.hovered = -1
	if m.canvas != nil {
		m.canvas.hover("")
	}
}

func (m *ClusterMap) onPress(px, py int) { m.drag = &mapDrag{x0: px, y0: py, x: px, y: py} }

// onRelease ends a drag, or for a press that did not move, selects the
// blade under the pointer (and shows its zone when the whole cluster is
// drawn). It reports whether the selection changed.
func (m *ClusterMap) onRelease(px, py int) bool {
	d := m.drag
	m.drag = nil
	if d != nil && d.moved {
		return false
	}
	return m.selectAt(px, py)
}

// selectAt selects the blade drawn at (px, py), if any.
func (m *ClusterMap) selectAt(px, py int) bool {
	if m.layout == nil || m.Pick == nil {
		return false
	}
	b, ok := m.view.Hit(m.layout, px, py)
	if !ok {
		return false
	}
	hw := m.C.World().Hardware()
	bl := hw.Blade(views.BladeID(b))
	if m.All {
		r := hw.Rack(bl.Rack)
		m.Pick.showZone(r.Region + "/" + r.Zone)
	}
	m.Pick.selectElement(bl.Path)
	return true
}

// onWheel zooms in (dy < 0) or out by a step at (px, py).
func (m *ClusterMap) onWheel(dy float64, px, py int) {
	if dy < 0 {
		m.zoom(3, 2, px, py)
	} else if dy > 0 {
		m.zoom(2, 3, px, py)
	}
}

func (m *ClusterMap) zoom(num, den, px, py int) {
	m.view = m.view.Zoom(num, den, px, py)
	m.full = true
}

func abs(x int) int { return max(x, -x) }

// Render draws the map's tools, the hover line, the canvas and the legend.
func (m *ClusterMap) Render() app.UI {
	if m.C == nil {
		return app.Div()
	}
	m.relayout()
	modes := []struct {
		m    mapMode
		text string
	}{{mapState, "state"}, {mapObserved, "observed ≠ actual"}, {mapLoad, "load (cores in use)"}}
	if m.gpus {
		modes = append(modes, struct {
			m    mapMode
			text string
		}{mapGPU, "GPU use"})
	}
	opts := make([]app.UI, len(modes))
	for i, o := range modes {
		opts[i] = app.Option().Value(string(o.m)).Text(o.text).Selected(o.m == m.shownMode())
	}
	btn := func(testid, text, label string, fn func()) app.UI {
		return app.Button().Class("map-tool").DataSet("testid", testid).Aria("label", label).Title(label).Text(text).
			OnClick(func(ctx app.Context, e app.Event) { fn() })
	}
	w, h := m.size()
	c := w / 2
	pan := w / 4
	return app.Div().Class("cluster-map-wrap").Body(
		app.Div().Class("map-tools").Body(
			app.Label().For("map-mode").Text("Colour by"),
			app.Select().ID("map-mode").DataSet("testid", "map-mode").OnChange(m.onMode).Body(opts...),
			btn("map-zoom-in", "+", "Zoom in", func() { m.zoom(2, 1, c, h/2) }),
			btn("map-zoom-out", "−", "Zoom out", func() { m.zoom(1, 2, c, h/2) }),
			btn("map-fit", "Fit", "Fit the whole map", func() { m.view = clustermap.Fit(m.layout, w, h); m.full = true }),
			btn("map-left", "←", "Pan left", func() { m.view = m.view.Pan(pan, 0); m.full = true }),
			btn("map-right", "→", "Pan right", func() { m.view = m.view.Pan(-pan, 0); m.full = true }),
			btn("map-up", "↑", "Pan up", func() { m.view = m.view.Pan(0, pan); m.full = true }),
			btn("map-down", "↓", "Pan down", func() { m.view = m.view.Pan(0, -pan); m.full = true }),
			app.Span().Class("muted").Text(fmt.Sprintf("%d px a blade", m.view.Pitch)),
		),
		// The hover line is above the map, one line high: under it, it was
		// below the window on a laptop's screen for a map of 10,000 blades.
		app.P().Class("map-hover").DataSet("testid", "map-hover").Aria("live", "polite").Text(""),
		app.Canvas().Class("cluster-map").DataSet("testid", "cluster-map").
			DataSet("blades", strconv.Itoa(m.layout.Blades())).
			DataSet("first", strconv.Itoa(int(m.layout.First()))).
			Aria("label", fmt.Sprintf("Cluster map: %s, one cell a blade coloured by %s; click a cell to select its blade", plural(m.layout.Blades(), "blade"), m.shownMode())),
		mapLegend(m.shownMode()),
	)
}

func (m *ClusterMap) onMode(ctx app.Context, e app.Event) {
	switch md := mapMode(ctx.JSSrc().Get("value").String()); md {
	case mapState, mapObserved, mapLoad, mapGPU:
		m.mode, m.full = md, true
	}
}

// mapLegend explains the colours of a mode.
func mapLegend(mode mapMode) app.UI {
	item := func(c clustermap.RGBA, text string) app.UI {
		return app.Li().Body(
			app.Span().Class("swatch", "map-swatch").Aria("hidden", true).Style("background", cssColour(c)),
			app.Text(" "+text))
	}
	var lis []app.UI
	switch mode {
	case mapObserved:
		lis = []app.UI{item(clustermap.Agrees, "observed as it is"), item(clustermap.Differs, "observed in another state"),
			item(clustermap.Unheard, "not heard by the monitor")}
	case mapLoad, mapGPU:
		what := "cores"
		if mode == mapGPU {
			what = "GPU"
		}
		lis = []app.UI{item(clustermap.Empty, "no "+what+" in use"), item(clustermap.Ramp(250), "25 %"),
			item(clustermap.Ramp(500), "50 %"), item(clustermap.Ramp(1000), "all "+what+" in use")}
		if mode == mapGPU {
			lis = append(lis, item(clustermap.Background, "no GPU"))
		}
	default:
		for _, s := range []hardware.BladeState{hardware.BladeWorking, hardware.BladeBooting, hardware.BladeStopping,
			hardware.BladePoweredConnected, hardware.BladeIsolated, hardware.BladeOffConnected, hardware.BladeFaulted} {
			lis = append(lis, item(clustermap.StateColour(s), stateWords(s.String())))
		}
	}
	lis = append(lis, app.Li().Body(app.Span().Class("swatch", "map-swatch", "map-ring").Aria("hidden", true), app.Text(" selected")),
		app.Li().Text("racks and zones outlined; wheel or +/− zooms, drag or arrows pan"))
	return app.Ul().Class("legend").DataSet("testid", "map-legend").Aria("label", "Map legend").Body(lis...)
}

// cssColour writes c as CSS.
func cssColour(c clustermap.RGBA) string { return fmt.Sprintf("rgb(%d %d %d)", c[0], c[1], c[2]) }
