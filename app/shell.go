package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Shell is the page frame: the app's name and the regions that the panels
// live in. A region only shows what is really built.
type Shell struct {
	app.Compo

	// mounted is set once the wasm app has taken over the server-rendered
	// page; tests wait on its data-ready attribute.
	mounted bool
}

// OnMount runs in the browser, on the UI goroutine, when the page is live.
// The "cc-ready" performance mark is when the app became interactive; tests
// and benchmarks read it.
func (s *Shell) OnMount(ctx app.Context) {
	s.mounted = true
	app.Window().Get("performance").Call("mark", "cc-ready")
}

// Render draws the frame.
func (s *Shell) Render() app.UI {
	return app.Div().
		Class("shell").
		DataSet("testid", "shell").
		DataSet("ready", s.mounted).
		Body(
			app.Header().Class("shell-header").Body(
				app.Img().Class("shell-logo").Src("/web/icon.svg").Alt("CloudChamber logo").Aria("hidden", true),
				app.H1().Class("shell-title").Text("CloudChamber"),
				app.P().Class("shell-tagline").Text("A cloud you can watch, drive and break, simulated in your browser."),
			),
			app.Nav().Class("shell-commands").Aria("label", "Simulation controls"),
			app.Main().Class("shell-main").Aria("label", "Inventory and control plane"),
			app.Aside().Class("shell-log").Aria("label", "Trace log"),
			app.Footer().Class("shell-status").Aria("label", "Status").Body(
				app.Span().Class("shell-version").Text("build "+app.Getenv("GOAPP_VERSION")),
			),
		)
}
