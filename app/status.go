package app

import (
	"time"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// StatusBar shows the clock: policy, rate, tick, simulated time, events,
// and the trace hash (copyable).
type StatusBar struct {
	app.Compo
	S *Session
	V uint64
}

// Render draws the status line.
func (s *StatusBar) Render() app.UI {
	foot := app.Footer().Class("status").Aria("label", "Status")
	if s.S == nil {
		return foot.Body(app.Span().Class("muted").Text("build " + app.Getenv("GOAPP_VERSION")))
	}
	st := s.S.World().Status()
	policy := st.Policy.String()
	if st.Policy == clock.Measured {
		policy = policy + ", " + plural(st.Rate, "tick") + "/s"
	}
	simTime := time.Duration(int64(st.Tick)*s.S.World().Scenario().TickMillis) * time.Millisecond
	return foot.Body(
		app.Span().Title("the time policy: manual (you step), measured (a rate of ticks a second) or no-wait").Text("time "+policy),
		app.Span().Body(app.Text("tick "), app.Strong().DataSet("testid", "tick").Text(st.Tick)),
		app.Span().Text("simulated "+simTime.String()),
		app.Span().Text(plural(st.Dispatched, "event")+", "+digits(st.Pending)+" pending"),
		app.Span().Class("hash").Body(
			app.Text("trace "),
			app.Code().DataSet("testid", "trace-hash").Title("SHA-256 of the trace, every decision logged so far: the same scenario and commands give the same hash anywhere. It changes only when something is logged, so a quiet cloud keeps it").Text(st.Hash),
			app.Button().Text("Copy").Aria("label", "Copy the trace hash").OnClick(s.onCopy),
		),
		app.Span().Class("muted").Text("build "+app.Getenv("GOAPP_VERSION")),
	)
}

func (s *StatusBar) onCopy(ctx app.Context, e app.Event) {
	clip := app.Window().Get("navigator").Get("clipboard")
	if clip.Truthy() {
		clip.Call("writeText", s.S.World().Status().Hash)
	}
}
