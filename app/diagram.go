package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// DiagramPanel draws the control plane: its services, the hardware and the
// three stores, with who reads and writes what. A box lights up while the
// trace shows it at work, so the picture follows the story the log tells.
// The page renders it as &DiagramPanel{S: c.Session, V: c.Version()}.
type DiagramPanel struct {
	app.Compo

	S *Session // nil while the server pre-renders: an empty panel
	V uint64   // the session's Version when rendered; only here to trigger updates
}

// diagramLitTicks is how long a box stays lit after the trace last showed
// it at work: long enough to see at a measured rate, short enough that a
// quiet service goes dark.
const diagramLitTicks = 10

// diagramBox is a box of the drawing, in the SVG's own units.
type diagramBox struct {
	S          Service
	X, Y, W, H int
	Does       string // the box's tooltip: what the service does
}

var diagramBoxes = []diagramBox{
	{SvcStepper, 20, 8, 600, 36, "Advances simulated time and hands each due timer event to the service it belongs to, in order. Nothing acts on its own: every box here moves only when the stepper drives it."},
	{SvcInjector, 20, 80, 140, 46, "Breaks hardware: the scenario's scripted faults and its random fault processes (blades, PDUs, TORs, cables)."},
	{SvcMonitor, 250, 80, 140, 46, "Listens to heartbeats over the network and polls silent elements; writes what it concludes (healthy, suspected, unavailable) to the observed store. It never reads the actual state."},
	{SvcObserved, 480, 80, 140, 46, "What the monitor believes about each element. The repair managers and the scheduler decide from this, not from the truth."},
	{SvcHardware, 20, 190, 140, 46, "The simulated racks: PDUs, TORs, blades and cables, each a state machine with its own timers. Its state is the actual store."},
	{SvcRepair, 250, 190, 140, 46, "Compare the observed state with the target; when they differ, pick a repair by rule (reboot, power-cycle, technician, move the workloads), record it in the target store and command the hardware over the network."},
	{SvcScheduler, 480, 190, 140, 46, "Places workload instances on blades that should run and are seen healthy, and restarts them elsewhere when a blade is lost; records the capacity they use."},
	{SvcTarget, 250, 300, 140, 46, "What each element should be: the desired state the repair managers work toward."},
	{SvcActual, 480, 300, 140, 46, "The truth: the hardware's real state and the capacity instances use. No control service reads it to decide."},
}

// diagramArrow is an arrow of the drawing: an SVG path and a label.
type diagramArrow struct {
	D      string
	Label  string
	LX, LY int
	Anchor string // text-anchor of the label
	Drive  bool   // the stepper driving a service (dashed)
	Both   bool   // read and written: heads at both ends
}

// The layout leaves no data arrow crossing another; only the stepper's
// drive to the repair managers crosses the network arrow.
var diagramArrows = []diagramArrow{
	{D: "M90 126 L90 188", Label: "faults", LX: 96, LY: 162, Anchor: "start"},
	{D: "M160 196 L248 118", Label: "network", LX: 198, LY: 150, Anchor: "end"},
	{D: "M390 103 L478 103", Label: "writes", LX: 434, LY: 97, Anchor: "middle"},
	{D: "M500 126 L392 196", Label: "reads", LX: 452, LY: 172, Anchor: "start"},
	{D: "M550 126 L550 188", Label: "reads", LX: 556, LY: 162, Anchor: "start"},
	{D: "M250 222 L162 222", Label: "commands", LX: 206, LY: 216, Anchor: "middle"},
	{D: "M320 238 L320 298", Label: "reads, writes", LX: 326, LY: 272, Anchor: "start", Both: true},
	{D: "M390 302 L478 234", Label: "reads", LX: 420, LY: 300, Anchor: "start"},
	{D: "M550 236 L550 298", Label: "usage", LX: 556, LY: 272, Anchor: "start"},
	{D: "M90 236 L90 362 L550 362 L550 348", Label: "state", LX: 320, LY: 358, Anchor: "middle"},
	{D: "M90 44 L90 78", Drive: true},
	{D: "M320 44 L320 78", Drive: true},
	{D: "M230 44 L230 204 L248 204", Drive: true},
	{D: "M620 26 L632 26 L632 213 L622 213", Drive: true},
	{D: "M20 26 L8 26 L8 213 L18 213", Drive: true},
}

// diagramLit says which boxes the trace shows at work in the last
// diagramLitTicks ticks. Lit cannot tell "at tick 0" from "never" (both
// read 0), so a 0 counts only if a kept entry ending at tick 0 shows the
// service, by the same rules that set Lit.
func diagramLit(c *Session) (lit [serviceCount]bool, seen [serviceCount]clock.Tick) {
	now := c.World().Now()
	var atZero [serviceCount]bool
	zeroChecked := false
	for _, s := range Services() {
		t := c.Lit(s)
		seen[s] = clock.Never
		switch {
		case t < 0 || t > now: // clock.Never, or not of this run
			continue
		case t == 0:
			if !zeroChecked {
				atZero, zeroChecked = diagramAtZero(c), true
			}
			if !atZero[s] {
				continue
			}
		}
		seen[s] = t
		lit[s] = now-t < diagramLitTicks
	}
	return lit, seen
}

// diagramAtZero is the services the kept entries show at work at tick 0.
func diagramAtZero(c *Session) (out [serviceCount]bool) {
	for _, e := range c.Entries() {
		if e.End != 0 {
			continue
		}
		if s, ok := serviceOf(e); ok {
			out[s] = true
		}
		t, a, o := storesTouched(e)
		out[SvcTarget] = out[SvcTarget] || t
		out[SvcActual] = out[SvcActual] || a
		out[SvcObserved] = out[SvcObserved] || o
	}
	return out
}

// Render draws the diagram, and under it in words what is lit.
func (p *DiagramPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-diagram").Aria("label", "Control plane diagram")
	if p.S == nil || p.S.World() == nil {
		return sec.Body(app.H2().Text("Control plane"))
	}
	if p.S.World().Control() == nil {
		return sec.Body(
			app.H2().Text("Control plane"),
			app.P().Class("diagram-none").Text("This scenario has no control plane: only the stepper and the hardware run, and nothing repairs a fault."),
			p.drawing(),
		)
	}
	return sec.Body(app.H2().Text("Control plane"), p.drawing())
}

func (p *DiagramPanel) drawing() app.UI {
	lit, seen := diagramLit(p.S)
	nodes := []app.UI{
		chartSVG("title").Text("The control plane: services, the hardware and the stores, and who reads and writes what"),
		chartSVG("defs").Body(
			chartSVG("marker").ID("dg-head").Class("dg-head").Attr("viewBox", "0 0 10 10").Attr("refX", 9).Attr("refY", 5).
				Attr("markerWidth", 7).Attr("markerHeight", 7).Attr("orient", "auto-start-reverse").Body(
				chartSVG("path").Attr("d", "M0 0 L10 5 L0 10 z"),
			),
		),
	}
	for _, a := range diagramArrows {
		path := chartSVG("path").Attr("d", a.D).Attr("marker-end", "url(#dg-head)")
		if a.Both {
			path = path.Attr("marker-start", "url(#dg-head)")
		}
		if a.Drive {
			nodes = append(nodes, path.Class("dg-arrow", "dg-drive"))
			continue
		}
		nodes = append(nodes, path.Class("dg-arrow"),
			chartSVG("text").Class("dg-label").Attr("x", a.LX).Attr("y", a.LY).Attr("text-anchor", a.Anchor).Text(a.Label))
	}
	var active []string
	for _, b := range diagramBoxes {
		class := []string{"dg-box", "dg-" + strings.ReplaceAll(b.S.String(), " ", "-")}
		if diagramIsStore(b.S) {
			class = append(class, "dg-store")
		}
		if lit[b.S] {
			class = append(class, "lit")
			active = append(active, b.S.String())
		}
		last := "not seen yet"
		if seen[b.S] >= 0 {
			last = "last seen t=" + strconv.FormatInt(int64(seen[b.S]), 10)
		}
		cx := b.X + b.W/2
		nodes = append(nodes, chartSVG("g").Class(class...).DataSet("testid", "dg-"+strings.ReplaceAll(b.S.String(), " ", "-")).Body(
			chartSVG("title").Text(diagramTitle(b.S)+": "+b.Does+" ("+last+")"),
			chartSVG("rect").Attr("x", b.X).Attr("y", b.Y).Attr("width", b.W).Attr("height", b.H).Attr("rx", 6),
			chartSVG("text").Class("dg-name").Attr("x", cx).Attr("y", b.Y+b.H/2-2).Attr("text-anchor", "middle").Text(diagramTitle(b.S)),
			chartSVG("text").Class("dg-seen").Attr("x", cx).Attr("y", b.Y+b.H-7).Attr("text-anchor", "middle").Text(last),
		))
	}
	summary := "Nothing was at work in the last " + strconv.Itoa(diagramLitTicks) + " ticks."
	if len(active) > 0 {
		summary = fmt.Sprintf("At work in the last %d ticks (from the trace): %s.", diagramLitTicks, strings.Join(active, ", "))
	}
	return app.Figure().Class("diagram").Body(
		chartSVG("svg").Class("diagram-svg").Attr("viewBox", "0 0 640 372").Attr("role", "img").
			Aria("label", "Control plane diagram. "+summary).Body(nodes...),
		app.FigCaption().Class("diagram-summary").DataSet("testid", "diagram-summary").Text(summary),
	)
}

func diagramIsStore(s Service) bool { return s == SvcTarget || s == SvcActual || s == SvcObserved }

// diagramTitle is a box's label: the service's name, capitalised.
func diagramTitle(s Service) string {
	n := s.String()
	return strings.ToUpper(n[:1]) + n[1:]
}
