package clustermap

// View is where a layout is drawn on a canvas of W x H pixels: a cell is
// Pitch x Pitch pixels, and the layout's cell (0, 0) has its top-left
// corner at pixel (X, Y) (negative when panned past it).
type View struct {
	W, H  int
	Pitch int
	X, Y  int
}

// Pitch bounds: a cell is 1 to PitchMax pixels wide.
const PitchMax = 48

// Fit is the view of l on a w x h canvas with the largest pitch that shows
// all of it (at least 1: a layout wider than the canvas at one pixel a
// cell is shown from its top-left, to be panned), centred.
func Fit(l *Layout, w, h int) View {
	lw, lh := l.Size()
	p := 1
	if lw > 0 && lh > 0 {
		p = max(1, min(w/lw, h/lh, PitchMax))
	}
	v := View{W: w, H: h, Pitch: p}
	v.X, v.Y = max(0, (w-lw*p)/2), max(0, (h-lh*p)/2)
	return v
}

// CellRect is the pixels of the cell at (x, y), in cells, unclipped.
func (v View) CellRect(x, y int) Rect {
	return Rect{v.X + x*v.Pitch, v.Y + y*v.Pitch, v.X + (x+1)*v.Pitch, v.Y + (y+1)*v.Pitch}
}

// Pixels is the pixels of a rectangle of cells, unclipped.
func (v View) Pixels(r Rect) Rect {
	return Rect{v.X + r.X0*v.Pitch, v.Y + r.Y0*v.Pitch, v.X + r.X1*v.Pitch, v.Y + r.Y1*v.Pitch}
}

// Canvas is the whole canvas's rectangle.
func (v View) Canvas() Rect { return Rect{0, 0, v.W, v.H} }

// CellAt is the cell under pixel (px, py): floor division, so the cells
// tile the plane exactly as CellRect draws them.
func (v View) CellAt(px, py int) (x, y int) {
	return floorDiv(px-v.X, v.Pitch), floorDiv(py-v.Y, v.Pitch)
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// Hit is the blade of l drawn at canvas pixel (px, py), and false for a
// pixel off the canvas or not on a blade's cell.
func (v View) Hit(l *Layout, px, py int) (int32, bool) {
	if !v.Canvas().Contains(px, py) {
		return 0, false
	}
	return l.At(v.CellAt(px, py))
}

// Zoom is v with its pitch multiplied by num/den (kept within 1 …
// PitchMax, and changed by at least a pixel), the cell under pixel (px,
// py) staying under it.
func (v View) Zoom(num, den, px, py int) View {
	p := v.Pitch * num / den
	if p == v.Pitch {
		if num > den {
			p++
		} else if num < den {
			p--
		}
	}
	p = max(1, min(p, PitchMax))
	// The layout point under (px, py), in 1/Pitch of a cell, scaled.
	v.X = px - floorDiv((px-v.X)*p, v.Pitch)
	v.Y = py - floorDiv((py-v.Y)*p, v.Pitch)
	v.Pitch = p
	return v
}

// Pan is v moved by (dx, dy) pixels.
func (v View) Pan(dx, dy int) View {
	v.X += dx
	v.Y += dy
	return v
}
