package app

import (
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

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

// readFileBytes reads each file of a FileList (a file input's files, or a
// drop's dataTransfer.files) as bytes, and hands its name and bytes, or
// why it could not be read, to fn on the UI goroutine, each as it is read.
func readFileBytes(ctx app.Context, files app.Value, fn func(ctx app.Context, name string, data []byte, err error)) {
	if !files.Truthy() {
		return
	}
	for i := range files.Length() {
		f := files.Index(i)
		name := f.Get("name").String()
		var then, fail app.Func
		release := func() { then.Release(); fail.Release() }
		then = app.FuncOf(func(this app.Value, args []app.Value) any {
			release()
			arr := app.Window().Get("Uint8Array").New(args[0])
			data := make([]byte, arr.Length())
			app.CopyBytesToGo(data, arr)
			ctx.Dispatch(func(ctx app.Context) { fn(ctx, name, data, nil) })
			return nil
		})
		fail = app.FuncOf(func(this app.Value, args []app.Value) any {
			release()
			msg := "the browser could not read it"
			if len(args) > 0 && args[0].Truthy() && args[0].Get("message").Truthy() {
				msg += " (" + args[0].Get("message").String() + ")"
			}
			ctx.Dispatch(func(ctx app.Context) { fn(ctx, name, nil, errors.New(msg)) })
			return nil
		})
		f.Call("arrayBuffer").Call("then", then, fail)
	}
}
