//go:build js && wasm

package app

import (
	"fmt"
	"math"
	"strings"

	"github.com/cloudchamber/cloudchamber/app/clustermap"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// jsMapCanvas is the cluster map's canvas in the page: its 2D context, an
// ImageData the size of the canvas whose bytes (a Uint8ClampedArray) the
// Go buffer is copied into, the listeners that bring the pointer back to
// the map on the UI goroutine, and the ResizeObserver that sizes the
// canvas's backing store to the device pixels CSS gives it.
type jsMapCanvas struct {
	el, ctx2d, img, data, hoverEl app.Value
	imgW, imgH                    int
	labels                        []mapLabel        // drawn over the cells a put paints (drawLabels)
	labelBoxes                    []clustermap.Rect // each label's tab, in canvas pixels
	labelFont                     string
	labelPad                      float64
	funcs                         []app.Func
	events                        []string
	observer                      app.Value
	onResize                      app.Func
}

// attachMapCanvas finds m's canvas under its root, sizes m to it and
// listens to it.
func attachMapCanvas(ctx app.Context, m *ClusterMap) mapCanvas {
	root := ctx.JSSrc()
	el := root.Call("querySelector", "canvas")
	if !el.Truthy() {
		return nil
	}
	c := &jsMapCanvas{el: el, hoverEl: root.Call("querySelector", ".map-hover")}
	c.ctx2d = el.Call("getContext", "2d")
	if w, h, ok := devicePixels(el); ok {
		m.resize(w, h)
	}
	// The backing store follows the size CSS draws the canvas at (the
	// panel's width, the page's zoom), in device pixels.
	c.onResize = app.FuncOf(func(this app.Value, args []app.Value) any {
		entries := args[0]
		if entries.Length() == 0 {
			return nil
		}
		w, h, ok := entryPixels(entries.Index(0))
		if !ok {
			return nil
		}
		ctx.Dispatch(func(ctx app.Context) {
			if !m.resize(w, h) {
				ctx.PreventUpdate()
			}
		})
		return nil
	})
	if ro := app.Window().Get("ResizeObserver"); ro.Truthy() {
		c.observer = ro.New(c.onResize)
		c.observer.Call("observe", el)
	}
	// The pointer in the canvas's own pixels: CSS draws it at another size.
	at := func(e app.Value) (int, int) {
		r := el.Call("getBoundingClientRect")
		w, h := r.Get("width").Float(), r.Get("height").Float()
		if w <= 0 || h <= 0 {
			return -1, -1
		}
		// The border (the client box is inside it) is not the canvas's.
		bx, by := el.Get("clientLeft").Float(), el.Get("clientTop").Float()
		cw, ch := el.Get("clientWidth").Float(), el.Get("clientHeight").Float()
		if cw <= 0 || ch <= 0 {
			cw, ch, bx, by = w, h, 0, 0
		}
		x := (e.Get("clientX").Float() - r.Get("left").Float() - bx) * el.Get("width").Float() / cw
		y := (e.Get("clientY").Float() - r.Get("top").Float() - by) * el.Get("height").Float() / ch
		return int(math.Floor(x)), int(math.Floor(y))
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

// devicePixels is the size of el's content box in device pixels.
func devicePixels(el app.Value) (w, h int, ok bool) {
	dpr := app.Window().Get("devicePixelRatio").Float()
	if dpr <= 0 {
		dpr = 1
	}
	cw, ch := el.Get("clientWidth").Float(), el.Get("clientHeight").Float()
	if cw <= 0 || ch <= 0 {
		return 0, 0, false
	}
	return int(math.Round(cw * dpr)), int(math.Round(ch * dpr)), true
}

// entryPixels is the content box of a ResizeObserverEntry in device
// pixels: exact where the browser gives them, else its CSS size times the
// device's pixel ratio.
func entryPixels(e app.Value) (w, h int, ok bool) {
	if d := e.Get("devicePixelContentBoxSize"); d.Truthy() && d.Length() > 0 {
		w, h = d.Index(0).Get("inlineSize").Int(), d.Index(0).Get("blockSize").Int()
		return w, h, w > 0 && h > 0
	}
	r := e.Get("contentRect")
	dpr := app.Window().Get("devicePixelRatio").Float()
	if dpr <= 0 {
		dpr = 1
	}
	w, h = int(math.Round(r.Get("width").Float()*dpr)), int(math.Round(r.Get("height").Float()*dpr))
	return w, h, w > 0 && h > 0
}

// put copies rows r.Y0 … r.Y1-1 of cv into the ImageData's bytes (one
// copy, the buffer's rows being contiguous) and puts r of it on the
// canvas; a canvas of another size than cv is resized first (which
// clears it: the map repaints it all after a resize). data-painted counts
// the frames painted, for tests.
func (c *jsMapCanvas) put(cv *clustermap.Canvas, r clustermap.Rect, frame uint64) {
	if c.imgW != cv.W || c.imgH != cv.H {
		c.el.Set("width", cv.W)
		c.el.Set("height", cv.H)
		c.img = c.ctx2d.Call("createImageData", cv.W, cv.H)
		c.data = c.img.Get("data")
		c.imgW, c.imgH = cv.W, cv.H
	}
	lo, hi := 4*r.Y0*cv.W, 4*r.Y1*cv.W
	app.CopyBytesToJS(c.data.Call("subarray", lo, hi), cv.Pix[lo:hi])
	c.ctx2d.Call("putImageData", c.img, 0, 0, r.X0, r.Y0, r.X1-r.X0, r.Y1-r.Y0)
	c.drawLabels(r)
	c.el.Call("setAttribute", "data-painted", frame)
}

// label sets the names drawn over the map from the next put on
// (data-labels lists them, for tests).
func (c *jsMapCanvas) label(labels []mapLabel) {
	c.labels, c.labelBoxes = labels, make([]clustermap.Rect, len(labels))
	names := make([]string, len(labels))
	for i, l := range labels {
		names[i] = l.Text
	}
	c.el.Call("setAttribute", "data-labels", strings.Join(names, "|"))
	if len(labels) == 0 {
		return
	}
	scale := 1.0
	if dpr := app.Window().Get("devicePixelRatio"); dpr.Truthy() {
		scale = dpr.Float()
	}
	c.labelFont = fmt.Sprintf("600 %.0fpx system-ui, sans-serif", math.Round(12*scale))
	c.labelPad = math.Round(3 * scale)
	c.ctx2d.Set("font", c.labelFont)
	for i, l := range labels { // each tab's box, measured once
		w := c.ctx2d.Call("measureText", l.Text).Get("width").Float()
		c.labelBoxes[i] = clustermap.Rect{X0: l.X, Y0: l.Y,
			X1: l.X + int(math.Ceil(w+2*c.labelPad)), Y1: l.Y + int(math.Round(12*scale)+2*c.labelPad)}
	}
}

// drawLabels draws, white on a dark tab 12 CSS pixels high, each label
// whose tab the put of r painted over.
func (c *jsMapCanvas) drawLabels(r clustermap.Rect) {
	font := false
	for i, l := range c.labels {
		box := c.labelBoxes[i]
		if box.Intersect(r).Empty() {
			continue
		}
		if !font { // a resize of the canvas resets its context's state
			c.ctx2d.Set("font", c.labelFont)
			c.ctx2d.Set("textBaseline", "top")
			font = true
		}
		c.ctx2d.Set("fillStyle", "rgba(30, 41, 59, 0.85)")
		c.ctx2d.Call("fillRect", box.X0, box.Y0, box.X1-box.X0, box.Y1-box.Y0)
		c.ctx2d.Set("fillStyle", "#fff")
		c.ctx2d.Call("fillText", l.Text, float64(l.X)+c.labelPad, float64(l.Y)+c.labelPad)
	}
}

func (c *jsMapCanvas) hover(text string) {
	if c.hoverEl.Truthy() {
		c.hoverEl.Set("textContent", text)
		c.hoverEl.Set("title", text) // the line is cut at the map's width
	}
}

func (c *jsMapCanvas) release() {
	if c.observer.Truthy() {
		c.observer.Call("disconnect")
	}
	c.onResize.Release()
	for i, f := range c.funcs {
		c.el.Call("removeEventListener", c.events[i], f)
		f.Release()
	}
	c.funcs, c.events = nil, nil
}
