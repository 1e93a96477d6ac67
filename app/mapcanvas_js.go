//go:build js && wasm

package app

import (
	"github.com/cloudchamber/cloudchamber/app/clustermap"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// jsMapCanvas is the cluster map's canvas in the page: its 2D context, an
// ImageData the size of the canvas whose bytes (a Uint8ClampedArray) the
// Go buffer is copied into, and the listeners that bring the pointer back
// to the map on the UI goroutine.
type jsMapCanvas struct {
	el, ctx2d, img, data, hoverEl app.Value
	funcs                         []app.Func
	events                        []string
}

// attachMapCanvas finds m's canvas under its root and listens to it.
func attachMapCanvas(ctx app.Context, m *ClusterMap) mapCanvas {
	root := ctx.JSSrc()
	el := root.Call("querySelector", "canvas")
	if !el.Truthy() {
		return nil
	}
	c := &jsMapCanvas{el: el, hoverEl: root.Call("querySelector", ".map-hover")}
	c.ctx2d = el.Call("getContext", "2d")
	c.img = c.ctx2d.Call("createImageData", mapW, mapH)
	c.data = c.img.Get("data")
	// The pointer in the canvas's own pixels: CSS may draw it smaller.
	at := func(e app.Value) (int, int) {
		r := el.Call("getBoundingClientRect")
		w, h := r.Get("width").Float(), r.Get("height").Float()
		if w <= 0 || h <= 0 {
			return -1, -1
		}
		x := (e.Get("clientX").Float() - r.Get("left").Float()) * mapW / w
		y := (e.Get("clientY").Float() - r.Get("top").Float()) * mapH / h
		return int(x), int(y)
	}
	// on listens to event; fn runs on the UI goroutine and says whether the
	// page must re-render (a selection); else only the canvas changes.
	on := func(event string, passive bool, fn func(dy float64, x, y int) bool) {
		f := app.FuncOf(func(this app.Value, args []app.Value) any {
			e := args[0]
			if !passive {
				e.Call("preventDefault")
			}
			x, y := at(e)
			dy := 0.0
			if event == "wheel" {
				dy = e.Get("deltaY").Float()
			}
			ctx.Dispatch(func(ctx app.Context) {
				if !fn(dy, x, y) {
					ctx.PreventUpdate()
				}
			})
			return nil
		})
		el.Call("addEventListener", event, f, map[string]any{"passive": passive})
		c.funcs, c.events = append(c.funcs, f), append(c.events, event)
	}
	on("mousemove", true, func(_ float64, x, y int) bool { m.onHover(x, y); return false })
	on("mouseleave", true, func(float64, int, int) bool { m.onLeave(); return false })
	on("mousedown", true, func(_ float64, x, y int) bool { m.onPress(x, y); return false })
	on("mouseup", true, func(_ float64, x, y int) bool { return m.onRelease(x, y) })
	on("wheel", false, func(dy float64, x, y int) bool { m.onWheel(dy, x, y); return false })
	return c
}

// put copies rows r.Y0 … r.Y1-1 of cv into the ImageData's bytes (one
// copy, the buffer's rows being contiguous) and puts r of it on the
// canvas. data-painted counts the frames painted, for tests.
func (c *jsMapCanvas) put(cv *clustermap.Canvas, r clustermap.Rect, frame uint64) {
	lo, hi := 4*r.Y0*cv.W, 4*r.Y1*cv.W
	app.CopyBytesToJS(c.data.Call("subarray", lo, hi), cv.Pix[lo:hi])
	c.ctx2d.Call("putImageData", c.img, 0, 0, r.X0, r.Y0, r.X1-r.X0, r.Y1-r.Y0)
	c.el.Call("setAttribute", "data-painted", frame)
}

func (c *jsMapCanvas) hover(text string) {
	if c.hoverEl.Truthy() {
		c.hoverEl.Set("textContent", text)
	}
}

func (c *jsMapCanvas) release() {
	for i, f := range c.funcs {
		c.el.Call("removeEventListener", c.events[i], f)
		f.Release()
	}
	c.funcs, c.events = nil, nil
}
