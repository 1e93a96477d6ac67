package clustermap

// Canvas is an RGBA pixel buffer (4 bytes a pixel, row by row, as a
// canvas's ImageData holds it) and the drawing of a layout in it.
type Canvas struct {
	W, H int
	Pix  []byte
}

// NewCanvas is a w x h canvas, transparent.
func NewCanvas(w, h int) *Canvas { return &Canvas{W: w, H: h, Pix: make([]byte, 4*w*h)} }

// Fill paints r (clipped to the canvas) in c.
func (cv *Canvas) Fill(r Rect, c RGBA) {
	r = r.Intersect(Rect{0, 0, cv.W, cv.H})
	if r.Empty() {
		return
	}
	row := cv.Pix[4*(r.Y0*cv.W+r.X0) : 4*(r.Y0*cv.W+r.X1)]
	for i := 0; i < len(row); i += 4 {
		copy(row[i:i+4], c[:])
	}
	for y := r.Y0 + 1; y < r.Y1; y++ {
		copy(cv.Pix[4*(y*cv.W+r.X0):], row)
	}
}

// Outline paints a one-pixel line just inside r (clipped).
func (cv *Canvas) Outline(r Rect, c RGBA) {
	cv.Fill(Rect{r.X0, r.Y0, r.X1, r.Y0 + 1}, c)
	cv.Fill(Rect{r.X0, r.Y1 - 1, r.X1, r.Y1}, c)
	cv.Fill(Rect{r.X0, r.Y0, r.X0 + 1, r.Y1}, c)
	cv.Fill(Rect{r.X1 - 1, r.Y0, r.X1, r.Y1}, c)
}

// At is the colour of pixel (x, y).
func (cv *Canvas) At(x, y int) RGBA {
	i := 4 * (y*cv.W + x)
	return RGBA(cv.Pix[i : i+4])
}

// cellPixels is what a cell paints of its CellRect: all of it up to a
// pitch of 3, and from 4 up, all but a pixel on the right and bottom, so
// neighbours stay apart.
func cellPixels(r Rect, pitch int) Rect {
	if pitch >= 4 {
		r.X1--
		r.Y1--
	}
	return r
}

// PaintAll draws layout l as v shows it: the background, each zone's
// outline, each rack's (when cells are at least 3 pixels), every blade
// whose cell is on the canvas in colour(blade), then the ring around the
// selected blade (sel < 0: none). This is the full repaint, after the
// view, the layout or the colouring changed; it is the only pass that
// reads every blade shown.
func (cv *Canvas) PaintAll(l *Layout, v View, colour func(b int32) RGBA, sel int32) {
	cv.Fill(Rect{0, 0, cv.W, cv.H}, Background)
	whole := v.Canvas()
	for z := range l.NumZones() {
		box := v.Pixels(l.ZoneBox(z))
		cv.Fill(box.Intersect(whole), ZoneFill)
		cv.Outline(Rect{box.X0 - 1, box.Y0 - 1, box.X1 + 1, box.Y1 + 1}, ZoneLine)
	}
	for r := range l.NumRacks() {
		box := v.Pixels(l.RackBox(r))
		if box.Intersect(whole).Empty() {
			continue
		}
		if v.Pitch >= 3 {
			cv.Outline(Rect{box.X0 - 1, box.Y0 - 1, box.X1 + 1, box.Y1 + 1}, RackLine)
		}
		rk := l.Rack(r)
		for b := rk.First; b < rk.First+rk.N; b++ {
			cv.paintCell(l, v, b, colour(b))
		}
	}
	cv.Ring(l, v, sel)
}

// PaintCell repaints blade b's cell in c, and the selection ring (sel)
// over it when they meet; it returns the pixels it changed (empty if b's
// cell is off the canvas or not laid out).
func (cv *Canvas) PaintCell(l *Layout, v View, b int32, c RGBA, sel int32) Rect {
	r := cv.paintCell(l, v, b, c)
	if sel >= 0 && sel != b {
		if ring := cv.ringRect(l, v, sel); !ring.Intersect(r).Empty() {
			cv.Ring(l, v, sel)
		}
	} else if sel == b {
		cv.Ring(l, v, sel)
		r = cv.ringRect(l, v, sel)
	}
	return r.Intersect(v.Canvas())
}

func (cv *Canvas) paintCell(l *Layout, v View, b int32, c RGBA) Rect {
	x, y, ok := l.Cell(b)
	if !ok {
		return Rect{}
	}
	r := v.CellRect(x, y)
	cv.Fill(cellPixels(r, v.Pitch), c)
	return r
}

// ringRect is the pixels the ring around blade sel covers: two pixels
// out from its cell.
func (cv *Canvas) ringRect(l *Layout, v View, sel int32) Rect {
	x, y, ok := l.Cell(sel)
	if !ok || sel < 0 {
		return Rect{}
	}
	r := v.CellRect(x, y)
	return Rect{r.X0 - 2, r.Y0 - 2, r.X1 + 2, r.Y1 + 2}
}

// Ring draws the selection ring around blade sel (if laid out): two
// pixels wide, outside its cell, so the cell keeps its colour at every
// pitch.
func (cv *Canvas) Ring(l *Layout, v View, sel int32) {
	r := cv.ringRect(l, v, sel)
	if r.Empty() {
		return
	}
	cv.Outline(r, SelectRing)
	cv.Outline(Rect{r.X0 + 1, r.Y0 + 1, r.X1 - 1, r.Y1 - 1}, SelectRing)
}
