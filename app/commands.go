package app

import (
	"fmt"
	"strconv"
	"time"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// CommandBar drives time: pause, step, step N, run at a rate or fastest,
// run to a tick, reset; its ? button shows the guide (Welcome).
type CommandBar struct {
	app.Compo
	C    *Controller
	V    uint64
	Time timeChoice  // the user's step count and rate (the shell's, as the keyboard uses them too)
	Page commandPage // where the user's choices go, and a reset that keeps the session; nil in tests
	Help bool        // the guide is shown (the shell's, so the ? key shows it too)
	Busy bool        // the session is being opened: time cannot be driven yet

	runTo        string
	confirmReset bool // Reset waits for the user's yes
}

// Rates offered, ticks per wall second.
var rates = []int64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}

// commandPage is how the command bar changes what is not its own (the
// Shell).
type commandPage interface {
	setTime(t timeChoice) // the user chose another step count or rate
	toggleHelp()          // show or hide the guide with the keyboard shortcuts
	resetKeeping(ctx app.Context)
}

// timeChoice is how the user drives time: the "step N" count and the
// rate. The zero value is the defaults: 10 ticks, 10 ticks per second.
type timeChoice struct {
	stepN int64  // the user's "step N" (0: 10)
	rate  string // ticks per second, or "fastest" ("": 10)
}

// StepN is the "step N" count the user chose (10 by default).
func (t timeChoice) StepN() int64 {
	if t.stepN < 1 {
		return 10
	}
	return t.stepN
}

// Rate is the rate the user chose: ticks per second, or "fastest".
func (t timeChoice) Rate() string {
	if t.rate == "" {
		return "10"
	}
	return t.rate
}

// start runs r's time at the chosen rate, from the wall time nowMs on.
func (t timeChoice) start(r *Runner, nowMs float64) {
	if t.Rate() == "fastest" {
		r.Fastest()
		return
	}
	rate, _ := strconv.ParseInt(t.Rate(), 10, 64)
	r.Run(rate, nowMs)
}

// key handles a keyboard shortcut for r; it reports whether it used the key.
func (t timeChoice) key(r *Runner, key string, shift bool, nowMs float64) bool {
	switch {
	case key == " ":
		if r.Mode() == ModePaused {
			t.start(r, nowMs)
		} else {
			r.Pause()
		}
	case key == "ArrowRight" && shift:
		r.Step(t.StepN())
	case key == "ArrowRight":
		r.Step(1)
	default:
		return false
	}
	return true
}

// Render draws the controls.
func (b *CommandBar) Render() app.UI {
	nav := app.Nav().Class("commands").Aria("label", "Simulation controls")
	if b.C == nil {
		return nav
	}
	c := b.C
	running := c.Mode() != ModePaused
	rateOpts := []app.UI{app.Option().Value("fastest").Text("fastest").Selected(b.Time.Rate() == "fastest")}
	for _, r := range rates {
		v := strconv.FormatInt(r, 10)
		rateOpts = append(rateOpts, app.Option().Value(v).Text(plural(r, "tick")+"/s").Selected(b.Time.Rate() == v))
	}
	stepN := strconv.FormatInt(b.Time.StepN(), 10)
	var progress app.UI = app.Text("")
	if from, to, now := c.Progress(); to > from {
		progress = app.Span().Class("progress").Body(
			app.Progress().Max(int(to-from)).Value(int(now-from)).Aria("label", "progress"),
			app.Text(fmt.Sprintf(" t=%d of %d", now, to)),
			app.Button().Text("Cancel").OnClick(b.onPause),
		)
	}
	var reset app.UI = app.Text("")
	if b.confirmReset {
		n := len(c.World().Commands()) + len(c.Future())
		reset = app.Div().Class("help-popover", "confirm-popover").DataSet("testid", "reset-dialog").
			Aria("role", "alertdialog").Aria("labelledby", "reset-title").Aria("describedby", "reset-what").Body(
			app.H3().ID("reset-title").Text("Reset to tick 0?"),
			app.P().ID("reset-what").Text(resetText(c.Base().Name, n, c.Horizon())),
			app.Div().Class("row").Body(
				app.Button().DataSet("testid", "reset-confirm").Text("Keep a copy and reset").OnClick(b.onResetConfirm),
				app.Button().DataSet("testid", "reset-cancel").Text("Cancel").OnClick(b.onResetCancel),
			),
		)
	}
	busy := b.Busy
	runBtn := app.Button().DataSet("testid", "run").Text("▶ Run").Aria("label", "Run").OnClick(b.onRun).Disabled(running || busy)
	pauseBtn := app.Button().DataSet("testid", "pause").Text("❚❚ Pause").Aria("label", "Pause").OnClick(b.onPause).Disabled(!running)
	return nav.Body(
		pauseBtn,
		app.Button().DataSet("testid", "step").Text("Step").Aria("label", "Step one tick").OnClick(b.onStep).Disabled(busy),
		app.Label().For("step-count").Class("sr-only").Text("Ticks per step"),
		app.Input().ID("step-count").Type("number").Min(1).Max(1_000_000).Value(stepN).DataSet("testid", "step-count").
			OnInput(b.onStepN).Aria("label", "Ticks to step"),
		app.Button().Text("Step N").Aria("label", "Step N ticks").DataSet("testid", "step-n").OnClick(b.onStepMany).Disabled(busy),
		runBtn,
		app.Label().For("rate").Class("sr-only").Text("Rate"),
		app.Select().ID("rate").DataSet("testid", "rate").Aria("label", "Rate").OnChange(b.onRate).Body(rateOpts...),
		app.Label().For("run-to").Class("sr-only").Text("Run to tick"),
		app.Input().ID("run-to").Type("number").Min(0).Placeholder("tick").Value(b.runTo).OnInput(b.onRunToInput).Aria("label", "Run to tick"),
		app.Button().Text("Run to").DataSet("testid", "run-to").OnClick(b.onRunTo).Disabled(busy),
		app.Button().DataSet("testid", "reset").Text("↺ Reset").Aria("label", "Reset to tick 0").OnClick(b.onReset).Disabled(busy),
		progress,
		app.Label().For("time-slider").Class("time-label").Text(fmt.Sprintf("Time travel (0–%d)", c.Horizon())),
		app.Input().ID("time-slider").Type("range").Min(0).Max(int(c.Horizon())).Value(strconv.FormatInt(int64(c.World().Now()), 10)).
			DataSet("testid", "time-slider").Aria("label", "Go back or forward to a tick").OnChange(b.onTravel).Disabled(busy),
		app.Button().Class("help").DataSet("testid", "help").Text("?").Aria("label", "Guide and keyboard shortcuts").Aria("expanded", b.Help).OnClick(b.onHelp),
		reset,
	)
}

func (b *CommandBar) onStepN(ctx app.Context, e app.Event) {
	n, err := strconv.ParseInt(ctx.JSSrc().Get("value").String(), 10, 64)
	if err == nil && n >= 1 && b.Page != nil {
		t := b.Time
		t.stepN = n
		b.Page.setTime(t)
	}
}
func (b *CommandBar) onRunToInput(ctx app.Context, e app.Event) {
	b.runTo = ctx.JSSrc().Get("value").String()
}
func (b *CommandBar) onHelp(ctx app.Context, e app.Event) {
	if b.Page != nil {
		b.Page.toggleHelp()
	}
}
func (b *CommandBar) onPause(ctx app.Context, e app.Event) { b.C.Pause() }
func (b *CommandBar) onStep(ctx app.Context, e app.Event)  { b.C.Step(1) }
func (b *CommandBar) onStepMany(ctx app.Context, e app.Event) {
	b.C.Step(b.Time.StepN())
}

// onReset asks first when a reset would lose anything.
func (b *CommandBar) onReset(ctx app.Context, e app.Event) {
	if !b.C.HasHistory() {
		b.C.Reset()
		return
	}
	b.C.Pause()
	b.confirmReset = true
}

func (b *CommandBar) onResetCancel(ctx app.Context, e app.Event) { b.confirmReset = false }

func (b *CommandBar) onResetConfirm(ctx app.Context, e app.Event) {
	b.confirmReset = false
	if b.Page == nil {
		b.C.Reset()
		return
	}
	b.Page.resetKeeping(ctx)
}

func (b *CommandBar) onTravel(ctx app.Context, e app.Event) {
	t, err := strconv.ParseInt(ctx.JSSrc().Get("value").String(), 10, 64)
	if err == nil {
		b.C.TravelTo(clock.Tick(t))
	}
}

func (b *CommandBar) onRate(ctx app.Context, e app.Event) {
	t := b.Time
	t.rate = ctx.JSSrc().Get("value").String()
	b.Time = t // until the page renders it back: a Run clicked before then runs at this rate
	if b.Page != nil {
		b.Page.setTime(t)
	}
	if b.C.Mode() == ModeRun || b.C.Mode() == ModeFastest {
		t.start(b.C.Runner, nowMs())
	}
}

func (b *CommandBar) onRun(ctx app.Context, e app.Event) { b.Time.start(b.C.Runner, nowMs()) }

func (b *CommandBar) onRunTo(ctx app.Context, e app.Event) {
	t, err := strconv.ParseInt(b.runTo, 10, 64)
	if err != nil {
		b.C.SetErr(fmt.Sprintf("run to: %q is not a tick", b.runTo))
		return
	}
	b.C.RunTo(clock.Tick(t))
}

// nowMs is the page's clock in milliseconds (performance.now), or the
// wall clock natively.
func nowMs() float64 {
	if app.IsClient {
		return app.Window().Get("performance").Call("now").Float()
	}
	return float64(time.Now().UnixNano()) / 1e6
}

// resetText is what the Reset dialog says it drops of the session name:
// the n commands given (none named when there are none) and the time-travel
// history up to tick horizon.
func resetText(name string, n int, horizon clock.Tick) string {
	dropped := "the time-travel history (up to tick " + strconv.FormatInt(int64(horizon), 10) + ") is dropped"
	if n > 0 {
		dropped = "the " + plural(n, "command") + " you gave and the time-travel history (up to tick " + strconv.FormatInt(int64(horizon), 10) + ") are dropped"
	}
	return "This restarts " + name + " at tick 0: " + dropped + ". The session as it stands is kept in the library first, so you can open it again."
}
