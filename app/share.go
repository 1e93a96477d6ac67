package app

import (
	"fmt"

	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ShareButton copies a link that replays the current run: the scenario,
// its settings and the commands so far, in the address's fragment. Past
// link.FileAbove characters it offers a file instead, since some browsers
// and chat tools cut long addresses.
type ShareButton struct {
	app.Compo
	S *Session
	V uint64

	link string // the last link made, shown so it can be copied by hand
	long bool
}

// Render draws the button and, once pressed, the link.
func (b *ShareButton) Render() app.UI {
	div := app.Div().Class("share")
	if b.S == nil {
		return div
	}
	var out app.UI = app.Text("")
	if b.link != "" {
		out = app.Input().Class("share-link").ReadOnly(true).Value(b.link).DataSet("testid", "share-url").Aria("label", "Link to this run")
	}
	if b.long {
		out = app.Span().Class("share-long").Body(
			app.Text(fmt.Sprintf("This run's link is longer than %d characters, too long for some browsers. ", link.FileAbove)),
			app.Button().Text("Save it as a file instead").OnClick(b.onFile),
		)
	}
	return div.Body(
		app.Button().DataSet("testid", "share-link").Text("Share").Title("Copy a link that replays this run exactly").OnClick(b.onShare),
		out,
	)
}

func (b *ShareButton) onShare(ctx app.Context, e app.Event) {
	loc := app.Window().Get("location")
	origin := loc.Get("origin").String() + loc.Get("pathname").String()
	l, err := b.S.ShareLink(origin)
	if err != nil {
		b.S.SetErr("Share: " + err.Error())
		return
	}
	b.long = len(l) > link.FileAbove
	b.link = l
	if clip := app.Window().Get("navigator").Get("clipboard"); clip.Truthy() && !b.long {
		clip.Call("writeText", l)
	}
}

func (b *ShareButton) onFile(ctx app.Context, e app.Event) {
	data, err := scenario.MarshalIndent(b.S.Scenario())
	if err != nil {
		b.S.SetErr(err.Error())
		return
	}
	Download(b.S.Base().Name+".json", "application/json", data)
}
