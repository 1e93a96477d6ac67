//go:build js && wasm

package app

import (
	"runtime/metrics"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// startFrames runs the page's frame loop: each animation frame does the
// simulation's share of work on the UI goroutine and re-renders what
// changed. Go wasm only yields to the browser when every goroutine is
// blocked (TOOLCHAIN P17), so the work is cut into frames rather than run
// in a loop.
func startFrames(ctx app.Context, s *Shell) {
	var cb app.Func
	var st frameStats
	app.Window().Set("ccFrameStats", app.FuncOf(func(this app.Value, args []app.Value) any { return st.take() }))
	cb = app.FuncOf(func(this app.Value, args []app.Value) any {
		ts := args[0].Float()
		ctx.Dispatch(func(ctx app.Context) {
			t0 := nowMs()
			changed := s.frame(ctx, ts)
			t1 := nowMs()
			if s.cmap != nil {
				s.cmap.paint() // the canvas only: nothing to re-render
			}
			t2 := nowMs()
			if s.c != nil && s.c.Mode() == ModePaused || ts-s.lastSave > float64(autosaveEvery.Milliseconds()) {
				s.lastSave = ts
				s.autosave(ctx)
			}
			t3 := nowMs()
			if !changed {
				ctx.PreventUpdate()
				st.add(t1-t0, t2-t1, t3-t2, 0)
				return
			}
			ctx.Defer(func(app.Context) { st.add(t1-t0, t2-t1, t3-t2, nowMs()-s.renderFrom) })
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
// frame. A hidden tab (another tab in front, a minimised window) has no
// animation frames and throttles timers to one a second or less: there fn
// runs in a task of its own at once (postTask), so an import goes on
// behind another tab instead of waiting for the user to come back.
func afterPaintJS(fn func()) {
	if app.Window().Get("document").Get("hidden").Bool() {
		postTask(fn)
		return
	}
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

// tasks posts the functions given to postTask, in order, each as a task
// of its own: a message to a MessageChannel's port, which browsers do not
// throttle in a hidden tab (setTimeout they do).
var tasks struct {
	port  app.Value // the channel's second port, posted to; nil until first used
	queue []func()
}

// postTask calls fn from JavaScript in a task of its own, soon, after the
// tasks posted before it.
func postTask(fn func()) {
	if tasks.port == nil {
		ch := app.Window().Get("MessageChannel").New()
		ch.Get("port1").Set("onmessage", app.FuncOf(func(this app.Value, args []app.Value) any {
			f := tasks.queue[0]
			tasks.queue = tasks.queue[1:]
			f()
			return nil
		}))
		tasks.port = ch.Get("port2")
	}
	tasks.queue = append(tasks.queue, fn)
	tasks.port.Call("postMessage", nil)
}

// frameStats keeps what the last frames spent, in milliseconds, by part:
// the simulation (the Runner's slice), the map's paint, autosave and
// go-app's render (from the Shell's Render to the update's end; 0 when
// nothing changed). The bench reads them with window.ccFrameStats(),
// which returns [sim[], paint[], save[], render[], gc] and starts afresh;
// gc is [GC cycles, GC CPU seconds, live heap bytes, bytes allocated],
// all since the start.
type frameStats struct{ parts [4][]float64 }

// frameStatsMax bounds the frames kept between two reads.
const frameStatsMax = 2000

func (f *frameStats) add(sim, paint, save, render float64) {
	if len(f.parts[0]) >= frameStatsMax {
		return
	}
	for i, v := range [4]float64{sim, paint, save, render} {
		f.parts[i] = append(f.parts[i], v)
	}
}

func (f *frameStats) take() any {
	gc := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/allocs:bytes"}, {Name: "/cpu/classes/gc/mark/idle:cpu-seconds"}}
	metrics.Read(gc)
	out := make([]any, len(f.parts), len(f.parts)+1)
	for i, p := range f.parts {
		vs := make([]any, len(p))
		for j, v := range p {
			vs[j] = v
		}
		out[i] = vs
		f.parts[i] = p[:0]
	}
	vals := make([]any, len(gc))
	for i, g := range gc {
		if g.Value.Kind() == metrics.KindFloat64 {
			vals[i] = g.Value.Float64()
		} else {
			vals[i] = float64(g.Value.Uint64())
		}
	}
	return append(out, vals)
}
