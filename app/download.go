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
