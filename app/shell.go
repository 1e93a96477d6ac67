package app

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Shell is the page: the command bar, the inventory and the selected
// element's card, the panels in tabs, and the status line. It owns the
// page's Controller, made when the app mounts in the browser; the server
// pre-renders the frame without one.
type Shell struct {
	app.Compo

	// mounted is set once the wasm app has taken over the server-rendered
	// page; tests wait on its data-ready attribute.
	mounted  bool
	opts     Options     // from Routes: how to open the storage
	view     pageView    // what is selected and shown (synced to the session's run when rendered)
	time     timeChoice  // the user's step count and rate, for the command bar and the keyboard
	logInfra bool        // the log shows infrastructure entries, so its version counts them
	ctx      app.Context // the shell's own: its element lives as long as the page
	c        *Controller
	tab      string
	crash    string

	store       *storageState // nil until the storage is open
	ready       bool          // the session is open (resumed, or a link opened)
	pendingLink string        // a link made by another engine, offered to open anyway
	notice      string        // a message that is not an error
	updated     bool          // a new version of the app is installed: offer to reload
	lastSave    float64       // page time of the last autosave check
	help        bool          // the guide (Welcome) with the keyboard shortcuts is shown
	gpuTrace    *traceImport  // the Scenario panel's GPU trace import, its files held; made when first shown
	fileImport  *fileImport   // the Scenario panel's import of a scenario or inventory file; made when first shown
	libV        uint64        // bumped when the library panel's storage work is done
	kept        uint64        // bumped when a session is filed in the library from outside the panel (keep)
	logV        uint64        // the log version last rendered
	logAt       float64       // and when
	opening     *opening      // a session being replayed aside, between frames
	cmp         *Compare      // the Compare tab's comparison, nil for none (compare_page.go)
	cmpSaved    uint64        // the comparison's version last saved
	cmpNote     string        // what became of the last save of the comparison to the library
	cmpShown    compareShown  // the comparison's version the Compare tab shows (compare_page.go)
	sweep       *sweepState   // the Sweep tab's form, sweep under way and results; made when first shown
	fill        *fillState    // the GPU fill tab's files, form, experiment under way and results; made when first shown
	cmap        *ClusterMap   // the cluster map shown, painted every frame; nil when none is
	renderFrom  float64       // page time the last Render began (the frame loop's figures)
	budget      frameBudget   // the simulation's share of each frame, adapted to what the browser leaves
}

// OnMount runs in the browser, on the UI goroutine, when the page is live.
// The "cc-ready" performance mark is when the app became interactive; tests
// and benchmarks read it.
func (s *Shell) OnMount(ctx app.Context) {
	if app.Window().URL().Query().Get("panic") == "test" {
		panic("a test of the crash overlay (?panic=test)")
	}
	s.ctx = ctx
	s.start()
	s.openComparison(ctx)
	startFrames(ctx, s)
	listenKeys(ctx, s)
	s.mounted = true
	if s.c != nil {
		ctx.Async(func() { s.openSession(ctx) })
	}
	app.Window().Get("performance").Call("mark", "cc-ready")
}

// OnAppUpdate is go-app telling that a new version was deployed and
// installed: offer to reload into it.
func (s *Shell) OnAppUpdate(ctx app.Context) { s.updated = true }

// saved reports whether everything shown is in storage.
func (s *Shell) saved() bool {
	return s.store != nil && !s.store.writing && (s.store.st.Kind() == "memory" || s.store.lastVer == s.c.Version())
}

// start makes the controller with the default scenario. A link or
// ?builtin=NAME in the address is opened once the storage is (openSession),
// as a new session that keeps the one it replaces.
func (s *Shell) start() {
	if s.c != nil {
		return
	}
	c, err := NewController(scenario.Default())
	if err != nil {
		s.crash = "the default scenario does not load: " + err.Error()
		return
	}
	s.c = c
}

// frame is one animation frame's work.
func (s *Shell) frame(ctx app.Context, nowMs float64) bool {
	if s.c == nil {
		return false
	}
	start := pageClock()
	most := s.budget.next(nowMs, frameBudgetMs)
	cmp := s.frameCompare(ctx, most)
	budget := max(1, most-(pageClock()-start)) // what the comparison left of the frame
	if s.opening != nil {
		s.advanceOpening(ctx, budget, pageClock)
		return true
	}
	return s.c.Frame(nowMs, budget, pageClock) || cmp
}

// frameBudgetMs is the most of a frame the simulation takes (Settings);
// it takes less while frames are late (frameBudget).
var frameBudgetMs = 8.0

// pageClock is the clock Frame measures its budget with.
var pageClock = nowMs

// panels are the tabs beside the inventory, in order.
var panels = []struct{ id, title string }{
	{"log", "Log"},
	{"workloads", "Workloads"},
	{"faults", "Faults"},
	{"policies", "Policies"},
	{"scenario", "Scenario"},
	{"library", "Library"},
	{"charts", "Charts"},
	{"compare", "Compare"},
	{"diagram", "Controller"},
	{"sweep", "Sweep"},
	{"fill", "GPU fill"},
	{"settings", "Settings"},
}

// Render draws the page.
func (s *Shell) Render() app.UI {
	if app.IsClient {
		s.renderFrom = nowMs()
	}
	c := s.c
	var v uint64
	if c != nil {
		v = c.Version()
	}
	tab := s.tab
	if tab == "" {
		tab = "log"
	}
	var tabs []app.UI
	for _, p := range panels {
		id := p.id
		tabs = append(tabs, app.Button().Class("tab").ID("tab-"+id).DataSet("testid", "tab-"+id).
			Aria("role", "tab").Aria("selected", id == tab).Aria("controls", "panel-"+id).
			Text(p.title).OnClick(onRow("tab", id, s.onTab)))
	}
	var errUI app.UI = app.Text("")
	if c != nil && c.Err() != "" {
		errUI = app.Div().Class("error").DataSet("testid", "error").Aria("role", "alert").Body(
			app.Span().Text(c.Err()),
			app.Button().Text("Dismiss").OnClick(func(ctx app.Context, e app.Event) { c.SetErr("") }),
		)
	}
	var crash app.UI = app.Text("")
	if s.crash != "" {
		crash = crashOverlay(s.crash)
	}
	var notes []app.UI
	if s.updated {
		notes = append(notes, app.Div().Class("notice").Aria("role", "status").Body(
			app.Span().Text("A new version of CloudChamber is installed."),
			app.Button().Text("Reload to use it").OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() })))
	}
	if s.store != nil && s.store.note != "" {
		notes = append(notes, app.Div().Class("notice").DataSet("testid", "storage-note").Aria("role", "status").Text(s.store.note))
	}
	if s.notice != "" {
		notes = append(notes, app.Div().Class("notice").DataSet("testid", "notice").Aria("role", "status").Body(
			app.Span().Text(s.notice),
			app.Button().Text("Dismiss").OnClick(func(ctx app.Context, e app.Event) { s.notice = "" })))
	}
	if o := s.opening; o != nil {
		from, to, now := o.r.progress()
		notes = append(notes, app.Div().Class("notice").DataSet("testid", "opening").Aria("role", "status").Body(
			app.Span().Text(fmt.Sprintf("Opening %s: replaying to tick %d ", o.what, to)),
			app.Progress().Max(int(max(1, to-from))).Value(int(now-from)).Aria("label", "replay progress"),
			app.Text(fmt.Sprintf(" t=%d ", now)),
			app.Button().DataSet("testid", "opening-cancel").Text("Cancel").OnClick(func(ctx app.Context, e app.Event) { s.cancelOpening(ctx) }),
		))
	}
	if s.pendingLink != "" {
		notes = append(notes, app.Div().Class("notice").Body(
			app.Button().DataSet("testid", "open-anyway").Text("Open the link anyway").OnClick(s.onOpenAnyway)))
	}
	if len(notes) > 0 {
		errUI = app.Div().Class("notes").Body(append([]app.UI{errUI}, notes...)...)
	}
	drilled := -1
	if c != nil {
		s.view.sync(c.Session)
		drilled = drilledRack(c.Session, s.view.selected, shownZone(c.Session, s.view.zone))
	}
	sel, zone := s.view.selected, s.view.zone
	ready := s.mounted && s.ready
	return app.Div().Class("shell").DataSet("testid", "shell").DataSet("ready", ready).DataSet("saved", ready && s.saved()).Body(
		app.Header().Class("shell-header").Body(
			app.Img().Class("shell-logo").Src("/web/icon.svg").Alt("CloudChamber logo").Aria("hidden", true),
			app.H1().Class("shell-title").Text("CloudChamber"),
			app.P().Class("shell-tagline").Text(tagline(c)),
			&ShareButton{S: sessionOf(c), V: v},
		),
		&CommandBar{C: c, V: v, Time: s.time, Page: s, Help: s.help, Busy: s.busy()},
		app.Div().Class("guide").Body(
			app.If(s.help, func() app.UI { return &Welcome{Page: s} }),
			&Story{Name: storyName(c), Text: storyText(c)},
		),
		errUI,
		app.Main().Class("shell-main").Aria("label", "Inventory").Body(
			&Inventory{C: c, V: v, Selected: sel, Zone: zone, Pick: s},
			app.If(drilled < 0, func() app.UI { return &DetailCard{C: c, V: v, Selected: sel, Pick: s} }), // else beside the drilled rack
		),
		app.Aside().Class("shell-side").Aria("label", "Panels").Body(
			app.Div().Class("tabs").Aria("role", "tablist").Body(tabs...),
			app.Div().Class("tab-panel").ID("panel-"+tab).Aria("role", "tabpanel").Aria("labelledby", "tab-"+tab).Body(s.panel(tab, c, v)),
		),
		&StatusBar{S: sessionOf(c), V: v},
		crash,
	)
}

func (s *Shell) onTab(ctx app.Context, id string) { s.tab = id }

// setTime keeps the user's step count and rate (commandPage).
func (s *Shell) setTime(t timeChoice) { s.time = t }

// toggleHelp shows or hides the guide with the keyboard shortcuts
// (commandPage); hidden, it is remembered as seen.
func (s *Shell) toggleHelp() {
	if s.help {
		s.closeWelcome()
		return
	}
	s.help = true
}

// showInfra says whether the log shows infrastructure entries, so that it
// re-renders for them too (logPage).
func (s *Shell) showInfra(on bool) { s.logInfra = on }

// selectElement selects the element at path ("" for none), if the world
// has it (picker).
func (s *Shell) selectElement(path string) {
	if s.c == nil {
		return
	}
	s.view.sync(s.c.Session)
	if _, ok := s.c.World().Hardware().Lookup(path); !ok && path != "" {
		return
	}
	s.view.selected = path
	s.c.touch()
}

// showMap has m painted every frame (mapHost).
func (s *Shell) showMap(m *ClusterMap) { s.cmap = m }

// hideMap stops painting m (mapHost).
func (s *Shell) hideMap(m *ClusterMap) {
	if s.cmap == m {
		s.cmap = nil
	}
}

// showZone shows region/zone z, if the world has it (picker).
func (s *Shell) showZone(z string) {
	if s.c == nil || !s.c.hasZone(z) {
		return
	}
	s.view.sync(s.c.Session)
	s.view.zone = z
	s.c.touch()
}

func tagline(c *Controller) string {
	if c == nil {
		return "A cloud you can watch, drive and break, simulated in your browser."
	}
	return "Scenario: " + c.Base().Name
}

func crashOverlay(msg string) app.UI {
	return app.Div().Class("crash").Aria("role", "alertdialog").Aria("label", "CloudChamber stopped").Body(
		app.H2().Text("CloudChamber stopped"),
		app.P().Text(msg),
		app.Button().Text("Reload").OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() }),
	)
}

// onKey is a page keyboard shortcut; keys typed into fields are theirs.
func (s *Shell) onKey(key string, shift bool, inField bool) bool {
	switch {
	case inField:
		return false
	case key == "?":
		s.toggleHelp()
		return true
	case key == "Escape":
		used := s.help
		if used {
			s.closeWelcome()
		}
		return used
	case s.c == nil || s.busy():
		return false
	}
	return s.time.key(s.c.Runner, key, shift, nowMs())
}

// busy reports whether the session is not the user's to drive yet: the
// saved session, a link or ?builtin= is still being opened (what the user
// did meanwhile would be lost when it replaces the default), or a link is
// being replayed.
func (s *Shell) busy() bool { return s.mounted && (!s.ready || s.opening != nil) }

// resetKeeping restarts the scenario at tick 0 once the session it
// replaces is kept in the library; if it cannot be kept, nothing changes.
func (s *Shell) resetKeeping(ctx app.Context) {
	c := s.c
	c.Pause()
	data, err := c.runJSON()
	if err != nil {
		c.SetErr("Not reset: " + err.Error())
		return
	}
	s.keep(data, "session before a reset", func(ctx app.Context, keptAs string, err error) {
		if err != nil {
			c.SetErr("Not reset: the session could not be kept in the library (" + err.Error() + ").")
			return
		}
		if c.Reset() == nil {
			s.notice = "Reset to tick 0." + keptNote(keptAs)
		}
	})
}
