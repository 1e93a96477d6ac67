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
// A file pieced picks (by its name) is not read: it goes to inPieces, on
// the UI goroutine, for its reader to read a piece at a time (readPieces).
func readFileBytes(ctx app.Context, files app.Value, pieced func(name string) bool, inPieces func(ctx app.Context, name string, file app.Value),
	fn func(ctx app.Context, name string, data []byte, err error)) {
	if !files.Truthy() {
		return
	}
	for i := range files.Length() {
		f := files.Index(i)
		name := f.Get("name").String()
		if pieced != nil && pieced(name) {
			inPieces(ctx, name, f)
			continue
		}
		readBlob(f, func(data []byte, err error) {
			ctx.Dispatch(func(ctx app.Context) { fn(ctx, name, data, err) })
		})
	}
}

// readBlob reads a Blob (a File, or a slice of one) as bytes and hands
// them, or why it could not be read, to fn, from the browser's callback.
func readBlob(blob app.Value, fn func(data []byte, err error)) {
	var then, fail app.Func
	release := func() { then.Release(); fail.Release() }
	then = app.FuncOf(func(this app.Value, args []app.Value) any {
		release()
		arr := app.Window().Get("Uint8Array").New(args[0])
		data := make([]byte, arr.Length())
		app.CopyBytesToGo(data, arr)
		fn(data, nil)
		return nil
	})
	fail = app.FuncOf(func(this app.Value, args []app.Value) any {
		release()
		msg := "the browser could not read it"
		if len(args) > 0 && args[0].Truthy() && args[0].Get("message").Truthy() {
			msg += " (" + args[0].Get("message").String() + ")"
		}
		fn(nil, errors.New(msg))
		return nil
	})
	blob.Call("arrayBuffer").Call("then", then, fail)
}

// pieceBytes is how much of a file readPieces reads at a time.
const pieceBytes = 1 << 20

// readPieces reads a File pieceBytes at a time, calling pace after every
// piece, and returns its pieces in order: a large file (25 MB at 50,000
// blades) is never held in one allocation, whose zeroing alone froze the
// page for 85 to 200 ms. It waits for each piece, so it runs off the UI
// goroutine (an import's); pace's error stops it.
func readPieces(file app.Value, pace func() error) ([][]byte, error) {
	type piece struct {
		data []byte
		err  error
	}
	size := file.Get("size").Int()
	pieces := make([][]byte, 0, (size+pieceBytes-1)/pieceBytes)
	got := make(chan piece, 1)
	for at := 0; at < size; at += pieceBytes {
		readBlob(file.Call("slice", at, min(at+pieceBytes, size)), func(data []byte, err error) { got <- piece{data, err} })
		p := <-got
		if p.err != nil {
			return nil, p.err
		}
		pieces = append(pieces, p.data)
		if err := pace(); err != nil {
			return nil, err
		}
	}
	return pieces, nil
}
