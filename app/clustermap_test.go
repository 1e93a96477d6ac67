//go:build !(js && wasm)

package app

import (
	"slices"
	"testing"

	"github.com/cloudchamber/cloudchamber/app/clustermap"
	"github.com/cloudchamber/cloudchamber/core/faults"
	"github.com/cloudchamber/cloudchamber/core/hardware"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/views"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeMapCanvas records what the map copies to the canvas.
type fakeMapCanvas struct {
	puts   []clustermap.Rect
	said   string     // the hover line
	labels []mapLabel // the names drawn over it
}

func (f *fakeMapCanvas) put(cv *clustermap.Canvas, r clustermap.Rect, frame uint64) {
	f.puts = append(f.puts, r)
}
func (f *fakeMapCanvas) hover(text string)       { f.said = text }
func (f *fakeMapCanvas) label(labels []mapLabel) { f.labels = labels }
func (f *fakeMapCanvas) release()                {}

// fakePick records what the map selects.
type fakePick struct{ selected, zone string }

func (p *fakePick) selectElement(path string) { p.selected = path }
func (p *fakePick) showZone(z string)         { p.zone = z }

// shownMap is a ClusterMap of c's first zone as the browser mounts it,
// with a fake canvas.
func shownMap(c *Controller) (*ClusterMap, *fakeMapCanvas, *fakePick) {
	f, pick := &fakeMapCanvas{}, &fakePick{}
	m := &ClusterMap{C: c, Zone: shownZone(c.Session, ""), Pick: pick}
	m.OnInit()
	m.canvas, m.full = f, true
	return m, f, pick
}

// cellCentre is the canvas pixel in the middle of blade b's cell.
func cellCentre(t *testing.T, m *ClusterMap, b views.BladeID) (int, int) {
	t.Helper()
	x, y, ok := m.layout.Cell(int32(b))
	require.True(t, ok, "blade %d laid out", b)
	r := m.view.CellRect(x, y)
	return (r.X0 + r.X1 - 1) / 2, (r.Y0 + r.Y1 - 1) / 2
}

// The map paints everything once, then only what the store reports
// changed: a step that changes nothing paints nothing, a fault on one
// blade repaints its cell alone, in the faulted colour.
func TestClusterMapPaintsWhatChanged(t *testing.T) {
	c := newTestController(t, "thousand", 40)
	m, f, _ := shownMap(c)
	require.True(t, m.paint())
	require.True(t, m.lastFull)
	assert.Equal(t, []clustermap.Rect{m.view.Canvas()}, f.puts)
	assert.Equal(t, 1000, m.layout.Blades())
	require.False(t, m.paint(), "nothing changed")

	hw := c.World().Hardware()
	path := hw.Blade(137).Path
	x, y := cellCentre(t, m, 137)
	assert.Equal(t, clustermap.Working, m.cv.At(x, y))
	require.NoError(t, c.Apply(scenario.Command{Do: scenario.Inject, Fault: &faults.Spec{Kind: faults.BladeFault, Target: path}}))
	require.Equal(t, hardware.BladeFaulted, hw.BladeState(137))
	f.puts = nil
	require.True(t, m.paint())
	require.False(t, m.lastFull)
	assert.Equal(t, clustermap.Faulted, m.cv.At(x, y))
	require.Len(t, f.puts, 1)
	cx, cy, _ := m.layout.Cell(137)
	assert.Equal(t, m.view.CellRect(cx, cy), f.puts[0], "only its cell")

	// A new world repaints it all.
	require.NoError(t, c.Reset())
	f.puts = nil
	require.True(t, m.paint())
	assert.True(t, m.lastFull)
}

// Hover names the blade under the pointer; a click selects it, a drag
// pans instead; the wheel zooms about the pointer.
func TestClusterMapPointer(t *testing.T) {
	c := newTestController(t, "thousand", 40)
	m, f, pick := shownMap(c)
	m.paint()
	hw := c.World().Hardware()
	x, y := cellCentre(t, m, 517)
	m.onHover(x, y)
	assert.Equal(t, hw.Blade(517).Path+" — working (observed working)", f.said)
	m.onHover(0, 0)
	assert.Empty(t, f.said, "a margin")

	m.onPress(x, y)
	require.True(t, m.onRelease(x, y))
	assert.Equal(t, hw.Blade(517).Path, pick.selected)
	assert.Empty(t, pick.zone, "the zone is shown already")

	pick.selected = ""
	v := m.view
	m.onPress(x, y)
	m.onHover(x+20, y+10)
	require.False(t, m.onRelease(x+20, y+10))
	assert.Empty(t, pick.selected, "a drag selects nothing")
	assert.Equal(t, v.Pan(20, 10), m.view)

	m.onWheel(-1, x+20, y+10)
	assert.Greater(t, m.view.Pitch, v.Pitch)
	x2, y2 := cellCentre(t, m, 517)
	b, ok := m.view.Hit(m.layout, x2, y2)
	assert.True(t, ok)
	assert.EqualValues(t, 517, b)
}

// The modes colour by what they say: load by cores in use, observed ≠
// actual by what the monitor hears.
func TestClusterMapModes(t *testing.T) {
	c := newTestController(t, "thousand", 60)
	m, _, _ := shownMap(c)
	m.paint()
	vs := c.World().Views()
	var loaded views.BladeID = -1
	for b := range views.BladeID(1000) {
		if u, _ := vs.Usage.Get(b); u.MilliCores > 0 {
			loaded = b
			break
		}
	}
	require.GreaterOrEqual(t, loaded, views.BladeID(0), "a workload placed")
	m.mode, m.full = mapLoad, true
	m.paint()
	x, y := cellCentre(t, m, loaded)
	u, _ := vs.Usage.Get(loaded)
	assert.Equal(t, clustermap.Ramp(u.MilliCores/c.World().Hardware().Blade(loaded).Def.Capacity.Cores), m.cv.At(x, y))
	assert.NotEqual(t, clustermap.Empty, m.cv.At(x, y))

	m.mode, m.full = mapObserved, true
	m.paint()
	assert.Equal(t, clustermap.Agrees, m.cv.At(x, y), "a working blade, heard working")
	assert.False(t, m.gpus, "no GPU mode without GPUs")
}

// The page sizes the canvas to the device pixels CSS gives it: a new size
// refits the map to it and repaints it all into a buffer of that size;
// the same size changes nothing; a size is kept within 1 … mapSideMax.
func TestClusterMapResize(t *testing.T) {
	c := newTestController(t, "thousand", 40)
	m, f, _ := shownMap(c)
	require.True(t, m.paint())
	assert.Equal(t, [2]int{mapW, mapH}, [2]int{m.cv.W, m.cv.H}, "before the page measured it")

	for _, s := range []struct {
		name         string
		w, h         int
		changed      bool
		wantW, wantH int
	}{
		{"narrower, as at 1280 px", 734, 434, true, 734, 434},
		{"the same", 734, 434, false, 734, 434},
		{"twice the pixels (devicePixelRatio 2)", 1468, 868, true, 1468, 868},
		{"too large", 100000, 5, true, mapSideMax, 5},
		{"nothing", 0, -3, true, 1, 1},
	} {
		t.Run(s.name, func(t *testing.T) {
			f.puts = nil
			require.Equal(t, s.changed, m.resize(s.w, s.h))
			painted := m.paint()
			assert.Equal(t, [2]int{s.wantW, s.wantH}, [2]int{m.cv.W, m.cv.H})
			assert.Equal(t, clustermap.Fit(m.layout, s.wantW, s.wantH), m.view, "fitted to the new size")
			if s.changed {
				require.True(t, painted)
				assert.True(t, m.lastFull)
				assert.Equal(t, []clustermap.Rect{m.view.Canvas()}, f.puts, "all of it")
			} else {
				assert.False(t, painted, "nothing to paint")
			}
		})
	}
	// The hit test stays exact at the new size.
	require.True(t, m.resize(734, 434))
	m.paint()
	x, y := cellCentre(t, m, 517)
	b, ok := m.view.Hit(m.layout, x, y)
	require.True(t, ok)
	assert.EqualValues(t, 517, b)
	assert.Equal(t, clustermap.Working, m.cv.At(x, y))
}

// The whole cluster's map names its zones over it, each at its outline's
// corner; a zone's own map names none (the zone box does), and a zone
// zoomed off the canvas is not named.
func TestClusterMapNamesZones(t *testing.T) {
	c := newTestController(t, "extended", 0)
	m, f, _ := shownMap(c)
	require.True(t, m.paint())
	assert.Empty(t, f.labels, "one zone shown")

	m.All, m.full = true, true
	require.True(t, m.paint())
	require.Greater(t, m.layout.NumZones(), 1)
	require.Len(t, f.labels, m.layout.NumZones())
	hw := c.World().Hardware()
	first := hw.Rack(0)
	assert.Equal(t, first.Region+"/"+first.Zone, f.labels[0].Text)
	for z, l := range f.labels {
		assert.Equal(t, m.zones[z], l.Text)
		r := m.view.Pixels(m.layout.ZoneBox(z))
		assert.Equal(t, mapLabel{X: r.X0, Y: r.Y0, Text: m.zones[z]}, l)
	}
	assert.Len(t, slices.Compact(slices.Clone(m.zones)), len(m.zones), "each zone named once")

	m.view, m.full = m.view.Zoom(16, 1, 0, 0), true // the first zone's corner, close up
	require.True(t, m.paint())
	require.NotEmpty(t, f.labels)
	assert.Less(t, len(f.labels), m.layout.NumZones(), "the zones off the canvas are not named")
	assert.Equal(t, m.zones[0], f.labels[0].Text)
}
