// Package clustermap is the pure part of the cluster map: where each blade's
// cell lies (Layout), where the map is drawn on the canvas (View), which
// blade a canvas pixel shows (View.Hit), the colour of a cell (colour.go),
// painting into an RGBA pixel buffer (Canvas) and the blades changed since
// the last frame (Dirty). It has no syscall/js: the page's glue copies the
// buffer to a <canvas> once a frame.
//
// Units. A layout is in cells: a blade is one cell, 1 x 1. A view draws a
// cell as Pitch x Pitch canvas pixels, the layout's origin at canvas pixel
// (X, Y), so every figure is a whole pixel and a hit test is exact integer
// arithmetic.
package clustermap

import "sort"

// Rack is a rack as the layout takes it: its blades are First … First+N-1
// in the model's numbering, and Zone says which zone it is in (racks come
// zone by zone, in the model's order; Zone only has to change where the
// zone does).
type Rack struct {
	First, N int32
	Zone     int32
}

// Rect is a rectangle: [X0, X1) x [Y0, Y1), in cells or pixels.
type Rect struct{ X0, Y0, X1, Y1 int }

// Empty reports whether r has no area.
func (r Rect) Empty() bool { return r.X1 <= r.X0 || r.Y1 <= r.Y0 }

// Intersect is the part of r inside o.
func (r Rect) Intersect(o Rect) Rect {
	return Rect{max(r.X0, o.X0), max(r.Y0, o.Y0), min(r.X1, o.X1), min(r.Y1, o.Y1)}
}

// Contains reports whether the point (x, y) is in r.
func (r Rect) Contains(x, y int) bool { return x >= r.X0 && x < r.X1 && y >= r.Y0 && y < r.Y1 }

// Gaps, in cells: between the racks of a zone, and around and between zones.
const (
	RackGap = 1
	ZoneGap = 3
)

// zoneBox is one zone of a layout: its racks are racks[lo:hi], drawn in a
// grid of perRow racks from (x, y), each slot rackW x rackH cells plus the
// gap.
type zoneBox struct {
	lo, hi int
	x, y   int
	perRow int
	box    Rect // the zone's racks with a cell of margin: its outline
}

// Layout places every blade of some racks (a zone, or a whole cluster) in
// a grid of cells: each rack a block rackW cells wide, filled row by row;
// a zone's racks side by side in rows, as square as can be; the zones
// side by side in rows too. It holds figures per rack and per zone only,
// never per blade.
type Layout struct {
	racks        []Rack
	zones        []zoneBox
	rackW, rackH int // every rack's slot, without the gap
	w, h         int
	blades       int
	first        int32 // the first blade of the first rack
}

// NewLayout lays out racks (zone by zone, blades numbered consecutively
// from the first rack's First). Racks of no blade take their slot, empty.
func NewLayout(racks []Rack) *Layout {
	l := &Layout{racks: append([]Rack(nil), racks...)}
	if len(racks) == 0 {
		return l
	}
	l.first = racks[0].First
	maxN := int32(1)
	for _, r := range racks {
		maxN = max(maxN, r.N)
		l.blades += int(r.N)
	}
	l.rackW = isqrtCeil(int(maxN))
	l.rackH = (int(maxN) + l.rackW - 1) / l.rackW
	// Zones: runs of racks of one Zone.
	for lo := 0; lo < len(racks); {
		hi := lo + 1
		for hi < len(racks) && racks[hi].Zone == racks[lo].Zone {
			hi++
		}
		n := hi - lo
		l.zones = append(l.zones, zoneBox{lo: lo, hi: hi, perRow: isqrtCeil(n)})
		lo = hi
	}
	// Zones in rows of about the square root of their number.
	perRow := isqrtCeil(len(l.zones))
	x, y, rowH := ZoneGap, ZoneGap, 0
	for i := range l.zones {
		z := &l.zones[i]
		if i > 0 && i%perRow == 0 {
			x, y, rowH = ZoneGap, y+rowH+ZoneGap, 0
		}
		rows := (z.hi - z.lo + z.perRow - 1) / z.perRow
		cols := min(z.perRow, z.hi-z.lo)
		w := cols*(l.rackW+RackGap) - RackGap
		h := rows*(l.rackH+RackGap) - RackGap
		z.x, z.y = x, y
		z.box = Rect{x - 1, y - 1, x + w + 1, y + h + 1}
		x += w + ZoneGap
		rowH = max(rowH, h)
		l.w = max(l.w, x)
	}
	l.h = y + rowH + ZoneGap
	return l
}

// isqrtCeil is the smallest k with k*k >= n (n >= 0).
func isqrtCeil(n int) int {
	k := 0
	for k*k < n {
		k++
	}
	return max(k, 1)
}

// Size is the layout's extent in cells, margins included.
func (l *Layout) Size() (w, h int) { return l.w, l.h }

// Blades is the number of blades laid out.
func (l *Layout) Blades() int { return l.blades }

// First is the model number of the first blade laid out; they run to
// First()+Blades()-1.
func (l *Layout) First() int32 { return l.first }

// NumRacks and NumZones count what is laid out; racks and zones are
// numbered from 0 in the order given.
func (l *Layout) NumRacks() int { return len(l.racks) }
func (l *Layout) NumZones() int { return len(l.zones) }

// ZoneBox is zone z's outline, in cells.
func (l *Layout) ZoneBox(z int) Rect { return l.zones[z].box }

// RackBox is rack r's block (what its blades can fill), in cells.
func (l *Layout) RackBox(r int) Rect {
	z := &l.zones[l.zoneOfRack(r)]
	k := r - z.lo
	x := z.x + k%z.perRow*(l.rackW+RackGap)
	y := z.y + k/z.perRow*(l.rackH+RackGap)
	return Rect{x, y, x + l.rackW, y + l.rackH}
}

// zoneOfRack is the zone of rack r: the last zone starting at or before it.
func (l *Layout) zoneOfRack(r int) int {
	return sort.Search(len(l.zones), func(i int) bool { return l.zones[i].lo > r }) - 1
}

// RackOf is the rack of blade b (a model number), and false if b is not
// laid out.
func (l *Layout) RackOf(b int32) (int, bool) {
	if len(l.racks) == 0 || b < l.first {
		return 0, false
	}
	lo := sort.Search(len(l.racks), func(i int) bool { return l.racks[i].First > b }) - 1
	r := l.racks[lo]
	if b >= r.First+r.N {
		return 0, false
	}
	return lo, true
}

// Cell is blade b's cell (its top-left corner, in cells), and false if b
// is not laid out.
func (l *Layout) Cell(b int32) (x, y int, ok bool) {
	r, ok := l.RackOf(b)
	if !ok {
		return 0, 0, false
	}
	box := l.RackBox(r)
	k := int(b - l.racks[r].First)
	return box.X0 + k%l.rackW, box.Y0 + k/l.rackW, true
}

// At is the blade whose cell is at (x, y), in cells, and false for a gap,
// a margin or an empty slot.
func (l *Layout) At(x, y int) (int32, bool) {
	for i := range l.zones {
		z := &l.zones[i]
		if !z.box.Contains(x, y) {
			continue
		}
		sw, sh := l.rackW+RackGap, l.rackH+RackGap
		dx, dy := x-z.x, y-z.y
		if dx < 0 || dy < 0 || dx%sw >= l.rackW || dy%sh >= l.rackH || dx/sw >= z.perRow {
			return 0, false
		}
		r := z.lo + dy/sh*z.perRow + dx/sw
		if r >= z.hi {
			return 0, false
		}
		k := int32(dy%sh*l.rackW + dx%sw)
		if k >= l.racks[r].N {
			return 0, false
		}
		return l.racks[r].First + k, true
	}
	return 0, false
}

// Rack is rack r as given to NewLayout.
func (l *Layout) Rack(r int) Rack { return l.racks[r] }
