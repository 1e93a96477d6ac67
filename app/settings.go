package app

import (
	"strconv"

	"github.com/cloudchamber/cloudchamber/core/clock"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// SettingsPanel holds the page's own settings: how much of each frame the
// simulation may use.
type SettingsPanel struct {
	app.Compo
	C *Controller
	V uint64
}

// Render draws the settings.
func (p *SettingsPanel) Render() app.UI {
	sec := app.Section().Class("panel", "panel-settings").Aria("label", "Settings")
	cost := ""
	if p.C != nil {
		cost = strconv.FormatFloat(p.C.FrameCost(), 'f', 1, 64) + " ms in the last frame"
	}
	return sec.Body(
		app.H2().Text("Settings"),
		app.Label().For("budget").Text("Simulation time per frame, at most (ms): more runs faster, less keeps the page smoother; under a display frame it takes less while frames come late"),
		app.Input().ID("budget").Type("number").Min(1).Max(50).Value(strconv.FormatFloat(frameBudgetMs, 'f', -1, 64)).OnChange(p.onBudget),
		app.P().Class("muted").Text(cost),
		app.Label().For("snap-every").Text("Snapshot every N ticks (time travel restores the nearest one and replays from it)"),
		app.Input().ID("snap-every").Type("number").Min(1).Max(1_000_000).Value(snapEvery(p.C)).OnChange(p.onSnap),
	)
}

func snapEvery(c *Controller) string {
	if c == nil {
		return strconv.Itoa(DefaultSnapshotEvery)
	}
	return strconv.FormatInt(int64(c.SnapshotEvery()), 10)
}

func (p *SettingsPanel) onSnap(ctx app.Context, e app.Event) {
	v, err := strconv.ParseInt(ctx.JSSrc().Get("value").String(), 10, 64)
	if err == nil {
		p.C.SetSnapshotEvery(clock.Tick(v))
	}
}

func (p *SettingsPanel) onBudget(ctx app.Context, e app.Event) {
	v, err := strconv.ParseFloat(ctx.JSSrc().Get("value").String(), 64)
	if err == nil && v >= 1 && v <= 50 {
		frameBudgetMs = v
	}
}
