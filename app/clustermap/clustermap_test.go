package clustermap

import (
	"math/rand/v2"
	"testing"

	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomRacks are n racks of 0 … maxN blades in up to zones zones,
// numbered from first.
func randomRacks(r *rand.Rand, n, maxN, zones int, first int32) []Rack {
	out := make([]Rack, n)
	z := int32(0)
	for i := range out {
		if i > 0 && r.IntN(n) < zones {
			z++
		}
		out[i] = Rack{First: first, N: int32(r.IntN(maxN + 1)), Zone: z}
		first += out[i].N
	}
	return out
}

// cellsByBruteForce is every blade's cell, found rack by rack from the
// rack boxes alone.
func cellsByBruteForce(l *Layout) map[[2]int]int32 {
	out := map[[2]int]int32{}
	for r := range l.NumRacks() {
		box, rk := l.RackBox(r), l.Rack(r)
		for k := range rk.N {
			out[[2]int{box.X0 + int(k)%(box.X1-box.X0), box.Y0 + int(k)/(box.X1-box.X0)}] = rk.First + k
		}
	}
	return out
}

func TestLayoutShapes(t *testing.T) {
	for _, c := range []struct {
		name          string
		racks         []Rack
		w, h, blades  int
		rackW, rackH  int
		zones, perRow int
	}{
		{"nothing", nil, 0, 0, 0, 0, 0, 0, 0},
		{"one blade", []Rack{{0, 1, 0}}, 7, 7, 1, 1, 1, 1, 1},
		{"8 racks of 8", uniform(1, 8, 8), 3 + 3*4 - 1 + 3, 3 + 3*(3+1) - 1 + 3, 64, 3, 3, 1, 3},
		{"5 zones of 100 racks of 100", uniform(5, 100, 100), 3 + 3*(10*11-1+3), 3 + 2*(10*11-1+3), 50000, 10, 10, 5, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := NewLayout(c.racks)
			w, h := l.Size()
			assert.Equal(t, c.w, w, "width")
			assert.Equal(t, c.h, h, "height")
			assert.Equal(t, c.blades, l.Blades())
			assert.Equal(t, c.zones, l.NumZones())
			assert.Equal(t, c.rackW, l.rackW)
			assert.Equal(t, c.rackH, l.rackH)
			if c.zones > 0 {
				assert.Equal(t, c.perRow, l.zones[0].perRow)
			}
		})
	}
}

// uniform is zones zones of racks racks of n blades each.
func uniform(zones, racks, n int) []Rack {
	var out []Rack
	for z := range zones {
		for range racks {
			out = append(out, Rack{First: int32(len(out) * n), N: int32(n), Zone: int32(z)})
		}
	}
	return out
}

// Every blade has one cell, no two share one, each lies in its rack's box
// and its zone's, and At finds the blade at every cell of the layout and
// nothing anywhere else (compared with a brute-force map).
func TestLayoutCellsAndAtAgreeWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		racks := randomRacks(r, 1+r.IntN(40), 1+r.IntN(120), r.IntN(6), int32(r.IntN(1000)))
		l := NewLayout(racks)
		want := cellsByBruteForce(l)
		require.Len(t, want, l.Blades(), "trial %d: two blades share a cell", trial)
		for _, rk := range racks {
			for b := rk.First; b < rk.First+rk.N; b++ {
				x, y, ok := l.Cell(b)
				require.True(t, ok)
				require.Equal(t, b, want[[2]int{x, y}], "trial %d blade %d", trial, b)
			}
		}
		w, h := l.Size()
		for y := -2; y < h+2; y++ {
			for x := -2; x < w+2; x++ {
				got, ok := l.At(x, y)
				exp, has := want[[2]int{x, y}]
				require.Equal(t, has, ok, "trial %d at %d,%d", trial, x, y)
				require.Equal(t, exp, got, "trial %d at %d,%d", trial, x, y)
			}
		}
		_, ok := l.RackOf(l.First() - 1)
		assert.False(t, ok, "before the first blade")
		_, _, ok = l.Cell(l.First() + int32(l.Blades()))
		assert.False(t, ok, "after the last blade")
	}
}

// A hit test at any pixel of any view finds the blade whose cell rect
// holds the pixel, as a brute-force scan of every cell finds it.
func TestHitAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 40 {
		l := NewLayout(randomRacks(r, 1+r.IntN(12), 1+r.IntN(40), r.IntN(3), 0))
		v := View{W: 40 + r.IntN(80), H: 30 + r.IntN(60), Pitch: 1 + r.IntN(9), X: r.IntN(41) - 20, Y: r.IntN(41) - 20}
		for py := range v.H {
			for px := range v.W {
				got, ok := v.Hit(l, px, py)
				var want int32
				found := false
				for b := l.First(); b < l.First()+int32(l.Blades()); b++ {
					x, y, _ := l.Cell(b)
					if v.CellRect(x, y).Contains(px, py) {
						want, found = b, true
						break
					}
				}
				require.Equal(t, found, ok, "trial %d pixel %d,%d view %+v", trial, px, py, v)
				require.Equal(t, want, got, "trial %d pixel %d,%d", trial, px, py)
			}
		}
		_, ok := v.Hit(l, -1, 0)
		assert.False(t, ok, "off the canvas")
		_, ok = v.Hit(l, v.W, 0)
		assert.False(t, ok, "off the canvas")
	}
}

func TestFitShowsEverything(t *testing.T) {
	for _, c := range []struct {
		name  string
		racks []Rack
		w, h  int
		pitch int
	}{
		{"64 blades", uniform(1, 8, 8), 800, 500, 29},
		{"10k blades", uniform(1, 100, 100), 800, 500, 4},
		{"50k blades", uniform(5, 100, 100), 800, 500, 2},
		{"too large: one pixel a cell", uniform(5, 100, 400), 300, 200, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := NewLayout(c.racks)
			v := Fit(l, c.w, c.h)
			assert.Equal(t, c.pitch, v.Pitch)
			lw, lh := l.Size()
			if c.pitch > 1 {
				assert.True(t, v.Pixels(Rect{0, 0, lw, lh}).Intersect(v.Canvas()) == v.Pixels(Rect{0, 0, lw, lh}), "all of it on the canvas: %+v", v)
			}
		})
	}
}

// Zooming keeps the cell under the pointer under it, and the pitch in
// bounds; zooming out then in at the same point comes back.
func TestZoomKeepsThePointer(t *testing.T) {
	for _, c := range []struct {
		name     string
		v        View
		num, den int
		px, py   int
		pitch    int
	}{
		{"in", View{W: 100, H: 100, Pitch: 4, X: 10, Y: 5}, 2, 1, 50, 40, 8},
		{"out", View{W: 100, H: 100, Pitch: 8, X: -30, Y: 5}, 1, 2, 33, 71, 4},
		{"in by less than a pixel", View{W: 100, H: 100, Pitch: 1}, 5, 4, 10, 10, 2},
		{"out at the bottom", View{W: 100, H: 100, Pitch: 1}, 1, 2, 10, 10, 1},
		{"in at the top", View{W: 100, H: 100, Pitch: PitchMax}, 2, 1, 10, 10, PitchMax},
	} {
		t.Run(c.name, func(t *testing.T) {
			z := c.v.Zoom(c.num, c.den, c.px, c.py)
			assert.Equal(t, c.pitch, z.Pitch)
			x0, y0 := c.v.CellAt(c.px, c.py)
			x1, y1 := z.CellAt(c.px, c.py)
			assert.Equal(t, [2]int{x0, y0}, [2]int{x1, y1}, "the cell under the pointer")
		})
	}
}

func TestDirty(t *testing.T) {
	var d Dirty
	d.Reset(130)
	var got []int32
	take := func() bool { got = nil; return d.Take(func(b int32) { got = append(got, b) }) }
	d.Mark(5)
	assert.True(t, take(), "everything after Reset")
	assert.Empty(t, got)
	for _, b := range []int32{7, 129, 7, 64, -1, 130, 0} {
		d.Mark(b)
	}
	assert.Equal(t, 4, d.Len())
	assert.False(t, take())
	assert.Equal(t, []int32{7, 129, 64, 0}, got, "each once, in the order marked; out of range ignored")
	assert.False(t, take())
	assert.Empty(t, got, "taken")
	d.Mark(7)
	d.MarkAll()
	assert.True(t, take())
	d.Mark(7)
	assert.False(t, take())
	assert.Equal(t, []int32{7}, got, "its bit was cleared by the take that said All")
}

// Painting: every blade's cell shows its colour at its cell's pixels,
// the selection ring surrounds the selected one, and a cell repainted
// alone changes only its pixels (and the ring's, when they meet).
func TestPaint(t *testing.T) {
	l := NewLayout(uniform(2, 3, 10))
	v := Fit(l, 300, 200)
	require.GreaterOrEqual(t, v.Pitch, 8)
	cv := NewCanvas(v.W, v.H)
	colour := func(b int32) RGBA {
		if b%2 == 0 {
			return Working
		}
		return StateColour(hardware.BladeFaulted)
	}
	cv.PaintAll(l, v, colour, 13)
	for b := range int32(l.Blades()) {
		x, y, _ := l.Cell(b)
		r := v.CellRect(x, y)
		mx, my := (r.X0+r.X1)/2, (r.Y0+r.Y1)/2 // the middle: the ring around a neighbour may cover an edge
		assert.Equal(t, colour(b), cv.At(mx, my), "blade %d", b)
		got, ok := v.Hit(l, mx, my)
		assert.True(t, ok)
		assert.Equal(t, b, got)
	}
	x, y, _ := l.Cell(13)
	r := v.CellRect(x, y)
	assert.Equal(t, SelectRing, cv.At(r.X0-1, r.Y0-1), "the ring")
	before := append([]byte(nil), cv.Pix...)
	changed := cv.PaintCell(l, v, 2, Booting, 13)
	x, y, _ = l.Cell(2)
	assert.Equal(t, v.CellRect(x, y), changed)
	assert.Equal(t, Booting, cv.At(changed.X0, changed.Y0))
	for py := range v.H {
		for px := range v.W {
			if !changed.Contains(px, py) {
				require.Equal(t, before[4*(py*v.W+px):4*(py*v.W+px)+4], cv.Pix[4*(py*v.W+px):4*(py*v.W+px)+4], "pixel %d,%d", px, py)
			}
		}
	}
	assert.Equal(t, Rect{}, cv.PaintCell(l, v, 999, Booting, 13), "not laid out")
}

func TestRamp(t *testing.T) {
	assert.Equal(t, Empty, Ramp(0))
	assert.Equal(t, Empty, Ramp(-5))
	assert.Equal(t, RGBA{0x08, 0x30, 0x6b, 255}, Ramp(1000))
	assert.Equal(t, Ramp(1000), Ramp(2000), "clamped")
	assert.NotEqual(t, Empty, Ramp(1), "a little in use still shows")
}
