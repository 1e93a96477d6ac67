package app

import (
	"strings"
	"sync"

	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Welcome is the guide: what the page shows, what to try (step or run,
// break something, watch the repair), the built-in stories to open, and
// the keyboard shortcuts. It shows itself on the first visit (nothing
// stored yet, never closed before: Shell.firstVisit) and whenever the
// user asks with ? (the key or the button); it sits above the page, never
// over it, so everything stays usable while it is open.
type Welcome struct {
	app.Compo
	Page welcomePage // the Shell; nil in tests (the buttons then do nothing)

	open map[string]bool // the stories whose whole description is shown
}

// welcomePage is what the guide's buttons change (the Shell).
type welcomePage interface {
	closeWelcome()                          // hide the guide, and remember it was seen
	openStory(ctx app.Context, name string) // open a built-in scenario as ?builtin= does
}

// welcomedKey is the browser's localStorage key set once the guide was
// closed: from then on it no longer opens by itself.
const welcomedKey = "cloudchamber.welcomed"

// story is a built-in scenario as the guide offers it.
type story struct {
	name    string
	summary string // its description's first sentence, at most storySummaryMax characters
	full    string // its whole description
}

// storySummaryMax bounds a story's summary in the guide, in characters.
const storySummaryMax = 140

// builtinStories are the built-in scenarios with their summaries, in
// scenario.Builtins' order; parsed once, on the guide's first render.
var builtinStories = sync.OnceValue(func() []story {
	var out []story
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		if err != nil { // a built-in that does not parse fails the scenario tests; offer the rest
			continue
		}
		out = append(out, story{name: name, summary: firstSentence(sc.Description, storySummaryMax), full: sc.Description})
	}
	return out
})

// firstSentence is s up to its first ". " (the full stop kept), cut to at
// most max runes with "…" when longer.
func firstSentence(s string, max int) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if r := []rune(s); len(r) > max {
		return strings.TrimRight(string(r[:max-1]), " ,;:") + "…"
	}
	return s
}

// Render draws the guide.
func (w *Welcome) Render() app.UI {
	var stories []app.UI
	for _, st := range builtinStories() {
		name := st.name
		open := w.open[name]
		text, mark, label := st.summary, "▸ ", "Read all of the story of "+name
		if open {
			text, mark, label = st.full, "▾ ", "Show the story of "+name+" in a line"
		}
		// The summary is cut (at its first sentence, and to one line on
		// a wide screen): it unfolds into the whole description, inside
		// the guide, which scrolls rather than grows.
		var more app.UI = app.Span().Class("story-summary").Text(text)
		if st.full != st.summary {
			more = app.Button().Class("story-more").DataSet("testid", "welcome-more-"+name).Aria("expanded", open).
				Title(label).Text(mark + text).OnClick(func(ctx app.Context, e app.Event) { w.toggle(name) })
		}
		li := app.Li()
		if open {
			li = li.Class("story-unfolded")
		}
		stories = append(stories, li.Body(
			app.Button().Class("story-open").DataSet("testid", "welcome-story-"+name).Title("Open "+name+" as a new session").Text(name).
				OnClick(func(ctx app.Context, e app.Event) {
					if w.Page != nil {
						w.Page.openStory(ctx, name)
					}
				}),
			more,
		))
	}
	return app.Section().Class("welcome").DataSet("testid", "welcome").Aria("labelledby", "welcome-title").Body(
		app.Div().Class("welcome-head").Body(
			app.H2().ID("welcome-title").Text("A cloud you can watch, drive and break"),
			app.Button().DataSet("testid", "welcome-close").Text("Close").Aria("label", "Close the guide").OnClick(w.onClose),
		),
		app.P().Text("This is a simulated cloud running in your browser: racks of blades (each drawn in its state's colour), "+
			"the control plane that runs them (monitor, scheduler, repair manager), and beside them a log of every decision with its reason. "+
			"The scenario's story is told just below; the tick and the trace hash are at the bottom."),
		app.Div().Class("welcome-cols").Body(
			app.Div().Body(
				app.H3().Text("Try this"),
				app.Ol().Body(
					app.Li().Body(app.Strong().Text("Step or run"), app.Text(" ("), app.Kbd().Text("→"), app.Text(" or "), app.Kbd().Text("Space"),
						app.Text("): the repair manager powers the blades on, they boot, and the monitor hears them working.")),
					app.Li().Body(app.Strong().Text("Break something"), app.Text(": click a blade, then inject a fault on it in the Faults tab.")),
					app.Li().Body(app.Strong().Text("Watch the repair"), app.Text(": the Log says what the repair manager tries and why, until the blade works again. A repair takes a few hundred ticks: pick a faster rate beside Run, or Run to a tick.")),
				),
				app.H3().Text("Keyboard shortcuts"),
				app.Dl().Class("welcome-keys").Body(
					app.Dt().Body(app.Kbd().Text("Space")), app.Dd().Text("run at the chosen rate, or pause"),
					app.Dt().Body(app.Kbd().Text("→")), app.Dd().Text("step one tick"),
					app.Dt().Body(app.Kbd().Text("Shift"), app.Text(" + "), app.Kbd().Text("→")), app.Dd().Text("step N ticks"),
					app.Dt().Body(app.Kbd().Text("?")), app.Dd().Text("show or hide this guide"),
					app.Dt().Body(app.Kbd().Text("Esc")), app.Dd().Text("close it"),
				),
			),
			app.Div().Body(
				app.H3().Text("Or open a story"),
				app.P().Class("muted").Text("Each opens as a new session; the one you have is kept in the library."),
				app.Ul().Class("welcome-stories").Body(stories...),
			),
		),
	)
}

// toggle unfolds or folds the story of name.
func (w *Welcome) toggle(name string) {
	if w.open == nil {
		w.open = map[string]bool{}
	}
	w.open[name] = !w.open[name]
}

func (w *Welcome) onClose(ctx app.Context, e app.Event) {
	if w.Page != nil {
		w.Page.closeWelcome()
	}
}

// Story shows the scenario's description while it runs, above the
// inventory, so the user reads what to watch for without opening the
// Scenario tab; it folds away (a <details>) and shows nothing for a
// scenario without one. A long one shows its first lines (its box
// scrolls), with Read all (story-more) to see the rest in a taller box.
type Story struct {
	app.Compo
	Name string // the scenario's name
	Text string // its description

	full bool // Read all: the taller box
	cut  bool // in its box, the text is cut (measured once drawn, and when the window is resized)
}

// OnMount measures the story once drawn.
func (s *Story) OnMount(ctx app.Context) { s.measure(ctx) }

// OnUpdate starts another scenario's story in its short box, and measures
// it once drawn.
func (s *Story) OnUpdate(ctx app.Context) {
	s.full = false
	s.measure(ctx)
}

// OnResize measures the story again when the window's size changed
// (go-app calls it at most every 250 ms while a resize goes on): a wider
// window may hold a story that was cut, a narrower one cut a story that
// was whole. It reads two heights of one element.
func (s *Story) OnResize(ctx app.Context) { s.measure(ctx) }

// measure finds out, once the story is drawn, whether its short box cuts
// it (then Read all is offered); it draws the story again only when that
// changed.
func (s *Story) measure(ctx app.Context) {
	if !app.IsClient {
		return
	}
	ctx.Defer(func(ctx app.Context) {
		el := app.Window().Get("document").Call("querySelector", `[data-testid="story-text"]`)
		if s.full || !el.Truthy() {
			return
		}
		if cut := el.Get("scrollHeight").Int() > el.Get("clientHeight").Int()+1; cut != s.cut {
			s.cut = cut
			ctx.Dispatch(nil)
		}
	})
}

// Render draws the story.
func (s *Story) Render() app.UI {
	if s.Text == "" {
		return app.Div().Class("story-none")
	}
	text := app.P().DataSet("testid", "story-text").Text(s.Text)
	var more app.UI = app.Text("")
	if s.full {
		text = text.Class("story-full")
	}
	if s.cut || s.full {
		label := "Read all"
		if s.full {
			label = "Show less"
		}
		more = app.Button().Class("story-toggle").DataSet("testid", "story-more").Aria("expanded", s.full).Text(label).
			OnClick(func(ctx app.Context, e app.Event) { s.full = !s.full })
	}
	return app.Details().Class("story").DataSet("testid", "story").Open(true).Body(
		app.Summary().Body(app.Text("The story: "), app.Strong().Text(s.Name)),
		text,
		more,
	)
}

// firstVisit reports whether this is a first visit: nothing stored yet
// (no saved session was found) and the guide never closed in this
// browser. It then opens the guide, unless the page was opened by a link
// (byLink: a shared run, which the guide would push out of view; the
// link's notice says where the guide is instead).
func (s *Shell) firstVisit(ctx app.Context, nothingStored, byLink bool) bool {
	first := nothingStored && !ctx.LocalStorage().Contains(welcomedKey)
	if first && !byLink {
		s.help = true
	}
	return first
}

// guideHint is what a link's notice adds on a first visit, which opens no
// guide by itself.
const guideHint = " New here? The ? button opens a short guide to the page."

// closeWelcome hides the guide and remembers, in this browser, that it
// was seen: it no longer opens by itself (welcomePage).
func (s *Shell) closeWelcome() {
	s.help = false
	if s.mounted { // natively (tests) the shell has no context of its own
		s.ctx.LocalStorage().Set(welcomedKey, true)
	}
}

// openStory opens the built-in scenario name as a new session, keeping an
// unsaved one in the library first, as ?builtin= does, and closes the
// guide (welcomePage).
func (s *Shell) openStory(ctx app.Context, name string) {
	s.closeWelcome()
	if s.c == nil || s.busy() {
		return
	}
	sc, err := scenario.Builtin(name)
	if err != nil {
		s.c.SetErr(err.Error())
		return
	}
	var kept []byte
	if s.c.Unsaved() {
		if kept, err = s.c.runJSON(); err != nil {
			s.c.SetErr("The built-in scenario " + name + " was not opened: " + err.Error())
			return
		}
	}
	s.openBuiltin(ctx, sc, kept, func(ctx app.Context, err error) {
		if err != nil {
			s.c.SetErr("The built-in scenario " + name + " was not opened: " + err.Error())
		}
	})
}

// storyName and storyText are the running scenario's name and description
// for the Story ("" before the controller exists).
func storyName(c *Controller) string {
	if c == nil {
		return ""
	}
	return c.Base().Name
}

func storyText(c *Controller) string {
	if c == nil {
		return ""
	}
	return c.Base().Description
}
