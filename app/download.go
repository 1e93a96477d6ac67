package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Download offers data to the user as a file, as a browser download
// (a Blob URL on a temporary link). Natively it does nothing.
func Download(filename, mime string, data []byte) {
	if !app.IsClient {
		return
	}
	arr := app.Window().Get("Uint8Array").New(len(data))
	app.CopyBytesToJS(arr, data)
	blob := app.Window().Get("Blob").New([]any{arr}, map[string]any{"type": mime})
	url := app.Window().Get("URL").Call("createObjectURL", blob)
	a := app.Window().Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", filename)
	a.Call("click")
	app.Window().Get("URL").Call("revokeObjectURL", url)
}

// readChosenFile reads the file chosen in a file input (the event's
// source) and hands its name and contents to fn on the UI goroutine.
func readChosenFile(ctx app.Context, fn func(ctx app.Context, name string, data []byte)) {
	files := ctx.JSSrc().Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	f := files.Index(0)
	name := f.Get("name").String()
	var then app.Func
	then = app.FuncOf(func(this app.Value, args []app.Value) any {
		text := args[0].String()
		then.Release()
		ctx.Dispatch(func(ctx app.Context) { fn(ctx, name, []byte(text)) })
		return nil
	})
	f.Call("text").Call("then", then)
}
