//go:build js && wasm

package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// startFrames runs the page's frame loop: each animation frame does the
// simulation's share of work on the UI goroutine and re-renders what
// changed. Go wasm only yields to the browser when every goroutine is
// blocked (TOOLCHAIN P17), so the work is cut into frames rather than run
// in a loop.
func startFrames(ctx app.Context, s *Shell) {
	var cb app.Func
	cb = app.FuncOf(func(this app.Value, args []app.Value) any {
		ts := args[0].Float()
		ctx.Dispatch(func(ctx app.Context) {
			changed := s.frame(ctx, ts)
			if s.cmap != nil {
				s.cmap.paint() // the canvas only: nothing to re-render
			}
			if s.c != nil && s.c.Mode() == ModePaused || ts-s.lastSave > float64(autosaveEvery.Milliseconds()) {
				s.lastSave = ts
				s.autosave(ctx)
			}
			if !changed {
				ctx.PreventUpdate()
			}
		})
		app.Window().Call("requestAnimationFrame", cb)
		return nil
	})
	app.Window().Call("requestAnimationFrame", cb)
}

// listenKeys sends the page's keyboard shortcuts to the shell, and links
// pasted into the address bar of the running page.
func listenKeys(ctx app.Context, s *Shell) {
	app.Window().Call("addEventListener", "hashchange", app.FuncOf(func(this app.Value, args []app.Value) any {
		frag := app.Window().Get("location").Get("hash").String()
		ctx.Dispatch(func(ctx app.Context) { s.linkArrived(ctx, frag) })
		return nil
	}))
	app.Window().Call("addEventListener", "keydown", app.FuncOf(func(this app.Value, args []app.Value) any {
		e := args[0]
		tag := e.Get("target").Get("tagName").String()
		inField := tag == "INPUT" || tag == "TEXTAREA" || tag == "SELECT"
		key, shift := e.Get("key").String(), e.Get("shiftKey").Bool()
		if key == " " && tag == "BUTTON" {
			return nil // a focused button takes its own space
		}
		if inField || (key != " " && key != "ArrowRight" && key != "?" && key != "Escape") {
			return nil
		}
		e.Call("preventDefault")
		ctx.Dispatch(func(ctx app.Context) { s.onKey(key, shift, inField) })
		return nil
	}))
}

// afterPaint runs fn on the UI goroutine once the browser has painted what
// is rendered now, so that a status set before long work ("Importing…")
// is seen while it runs: the work waits for the next animation frame and
// then for a task after it.
func afterPaint(ctx app.Context, fn func(ctx app.Context)) {
	afterPaintJS(func() { ctx.Dispatch(fn) })
}

// afterPaintJS calls fn from JavaScript in a task after the next animation
// frame.
func afterPaintJS(fn func()) {
	var frame, task app.Func
	task = app.FuncOf(func(this app.Value, args []app.Value) any {
		task.Release()
		fn()
		return nil
	})
	frame = app.FuncOf(func(this app.Value, args []app.Value) any {
		frame.Release()
		app.Window().Call("setTimeout", task, 0)
		return nil
	})
	app.Window().Call("requestAnimationFrame", frame)
}

// waitFrame blocks the calling goroutine (never the UI goroutine) until
// the browser has had an animation frame and a task after it: the page
// draws, and the UI goroutine handles what was dispatched meanwhile.
func waitFrame() {
	done := make(chan struct{})
	afterPaintJS(func() { close(done) })
	<-done
}
