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
	note string // what became of it: copied to the clipboard, or saved as a file
	gen  uint64 // the session's world it was made for (Session.rackGen): another forgets it
}

// Render draws the button and, once pressed, the link.
func (b *ShareButton) Render() app.UI {
	div := app.Div().Class("share")
	if b.S == nil {
		return div
	}
	if b.gen != b.S.rackGen { // a session opened since: its link is not this one
		b.link, b.long, b.note, b.gen = "", false, "", b.S.rackGen
	}
	var out app.UI = app.Text("")
	if b.link != "" {
		out = app.Input().Class("share-link").ReadOnly(true).Value(b.link).DataSet("testid", "share-url").Aria("label", "Link to this run")
	}
	switch {
	case b.long && b.note != "":
		out = app.Text("") // saved as a file: the note says where
	case b.long:
		out = app.Span().Class("share-long").Body(
			app.Text(fmt.Sprintf("This run's link is longer than %d characters, too long for some browsers. ", link.FileAbove)),
			app.Button().DataSet("testid", "share-file").Text("Save it as a file instead").OnClick(b.onFile),
		)
	}
	var note app.UI = app.Text("")
	if b.note != "" {
		note = app.Span().Class("share-note").DataSet("testid", "share-note").Attr("role", "status").Text(b.note)
	}
	return div.Body(
		app.Button().DataSet("testid", "share-link").Text("Share").Title("Copy a link that replays this run exactly").OnClick(b.onShare),
		out,
		note,
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
	b.link, b.note, b.gen = l, "", b.S.rackGen
	if clip := app.Window().Get("navigator").Get("clipboard"); clip.Truthy() && !b.long {
		// Said only once the browser has it: a page without the
		// clipboard's permission shows the link to copy by hand.
		var copied, refused app.Func
		release := func() { copied.Release(); refused.Release() }
		copied = app.FuncOf(func(this app.Value, args []app.Value) any {
			release()
			ctx.Dispatch(func(ctx app.Context) {
				if b.link == l {
					b.note = "Copied."
				}
			})
			return nil
		})
		refused = app.FuncOf(func(this app.Value, args []app.Value) any { release(); return nil })
		clip.Call("writeText", l).Call("then", copied, refused)
	}
}

func (b *ShareButton) onFile(ctx app.Context, e app.Event) {
	data, err := scenario.MarshalIndent(b.S.Scenario())
	if err != nil {
		b.S.SetErr(err.Error())
		return
	}
	name := b.S.Base().Name + ".json"
	Download(name, "application/json", data)
	b.note = "Saved as " + name + " in your downloads: Scenario → Import replays it."
}
