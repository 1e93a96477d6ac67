package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// ShowCrash covers the page with what went wrong and a way to reload,
// written straight into the DOM: after a panic go-app no longer renders.
func ShowCrash(msg string) {
	if !app.IsClient {
		return
	}
	doc := app.Window().Get("document")
	el := func(tag, text string) app.Value {
		e := doc.Call("createElement", tag)
		if text != "" {
			e.Set("textContent", text)
		}
		return e
	}
	box := el("div", "")
	box.Set("className", "crash")
	box.Call("setAttribute", "role", "alertdialog")
	box.Call("setAttribute", "data-testid", "crash")
	box.Call("appendChild", el("h2", "CloudChamber stopped"))
	box.Call("appendChild", el("p", "Something went wrong inside the app: "+msg))
	box.Call("appendChild", el("p", "Your saved work is not affected. Reload to start again."))
	btn := el("button", "Reload")
	btn.Call("addEventListener", "click", app.FuncOf(func(this app.Value, args []app.Value) any {
		app.Window().Get("location").Call("reload")
		return nil
	}))
	box.Call("appendChild", btn)
	doc.Get("body").Call("appendChild", box)
	btn.Call("focus")
}
