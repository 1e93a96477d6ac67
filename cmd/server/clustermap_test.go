//go:build e2e

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/app/clustermap"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// openAppFor is openApp for a test that may take up to d (tens of
// thousands of blades on a shared machine).
func openAppFor(t *testing.T, d time.Duration) *page {
	t.Helper()
	p := newPageFor(t, d)
	srv := startServer(t, realSite(t).handler)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	return p
}

// generatedScenario writes the thousand built-in's settings over a
// generated inventory of zones x racks x blades (the generator of ccsim
// gen) as a scenario file to import.
func generatedScenario(t *testing.T, name string, zones, racks, blades int) string {
	t.Helper()
	sc, err := scenario.Builtin("thousand")
	require.NoError(t, err)
	sc.Name = name
	g := sc.Inventory.Generate
	g.ZonesPerRegion, g.RacksPerZone, g.BladesPerRack = zones, racks, blades
	data, err := scenario.MarshalIndent(sc)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), name+".json")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	return file
}

// importScenario opens a scenario file from the Scenario tab and waits for
// the map to draw n blades.
func (p *page) importScenario(t *testing.T, file string, n int) {
	t.Helper()
	p.click(t, "tab-scenario")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, fmt.Sprintf("the map of %d blades", n), fmt.Sprintf(`(() => {
		const c = document.querySelector('[data-testid="cluster-map"]');
		return c !== null && c.dataset.blades === "%d" && Number(c.dataset.painted || 0) > 0;
	})()`, n))
}

// shotIfAsked saves a screenshot as $CC_SHOTS/name.png when CC_SHOTS is
// set (make shots sets it).
func (p *page) shotIfAsked(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("CC_SHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
}

// mapPixel is the colour the map's canvas shows at canvas pixel (x, y),
// as "r,g,b".
func (p *page) mapPixel(t *testing.T, x, y int) string {
	t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const d = document.querySelector('[data-testid="cluster-map"]').getContext('2d').getImageData(%d, %d, 1, 1).data;
		return d[0] + "," + d[1] + "," + d[2];
	})()`, x, y)))
	require.NoError(t, err)
	return s
}

// mapMouse sends a mouse event at canvas pixel (x, y), scaled to where
// the page draws the canvas (inside its border).
func (p *page) mapMouse(t *testing.T, kind string, x, y int) {
	t.Helper()
	p.eval(t, fmt.Sprintf(`(() => {
		const c = document.querySelector('[data-testid="cluster-map"]');
		const r = c.getBoundingClientRect();
		const at = {clientX: r.left + c.clientLeft + (%d + 0.5) * c.clientWidth / c.width,
			clientY: r.top + c.clientTop + (%d + 0.5) * c.clientHeight / c.height, bubbles: true};
		c.dispatchEvent(new MouseEvent(%q, at));
	})()`, x, y, kind))
}

func rgb(c clustermap.RGBA) string { return fmt.Sprintf("%d,%d,%d", c[0], c[1], c[2]) }

// In a zone of 10,000 blades the map draws every blade on one canvas; a
// click on a blade's cell (found by its coordinates) selects it in the
// detail card, and a fault injected on it from the page shows in its
// cell's colour, read back from the canvas.
func TestClusterMapSelectAndFault(t *testing.T) {
	p := openAppFor(t, 4*time.Minute)
	p.importScenario(t, generatedScenario(t, "ten-thousand", 1, 100, 100), 10000)
	p.until(t, "one canvas, no blade drawn one by one", `document.querySelectorAll('canvas').length === 1 && document.querySelector('[data-testid^="blade-"]') === null`)
	p.runTo(t, "30")

	// Blade 43 of rack38 (blade 42 of the 38th rack, counting from 0) where the map draws it:
	// the layout the page makes of 100 racks of 100, fitted to its
	// canvas, whose pixels are the screen's: the size CSS draws it at
	// times the device's pixel ratio.
	racks := make([]clustermap.Rack, 100)
	for i := range racks {
		racks[i] = clustermap.Rack{First: int32(i * 100), N: 100}
	}
	l := clustermap.NewLayout(racks)
	size, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]int](`(() => {
		const c = document.querySelector('[data-testid="cluster-map"]');
		return [c.width, c.height, Math.round(c.clientWidth * devicePixelRatio), Math.round(c.clientHeight * devicePixelRatio)];
	})()`))
	require.NoError(t, err)
	require.Equal(t, size[2:], size[:2], "the canvas's pixels are the device's")
	v := clustermap.Fit(l, size[0], size[1])
	cx, cy, ok := l.Cell(37*100 + 42)
	require.True(t, ok)
	r := v.CellRect(cx, cy)
	x, y := (r.X0+r.X1-1)/2, (r.Y0+r.Y1-1)/2
	p.until(t, "the blade working in the map", fmt.Sprintf(`(() => {
		const d = document.querySelector('[data-testid="cluster-map"]').getContext('2d').getImageData(%d, %d, 1, 1).data;
		return d[0] + "," + d[1] + "," + d[2] === %q;
	})()`, x, y, rgb(clustermap.Working)))

	p.mapMouse(t, "mousemove", x, y)
	p.until(t, "the hover line", `document.querySelector('[data-testid="map-hover"]').textContent.startsWith("region1/zone1/rack38/blade/43 — working")`)
	p.mapMouse(t, "mousedown", x, y)
	p.mapMouse(t, "mouseup", x, y)
	p.until(t, "blade 43 selected", `document.querySelector('[data-testid="detail-card"] h2').textContent.endsWith("rack38/blade/43")`)
	p.until(t, "its rack drawn in full under the map", `document.querySelectorAll('[data-testid="rack-drill"] [data-testid^="blade-rack38-"]').length === 100`)
	require.Equal(t, rgb(clustermap.Working), p.mapPixel(t, x, y), "selected, the cell keeps its colour")
	require.Equal(t, rgb(clustermap.SelectRing), p.mapPixel(t, r.X0-1, r.Y0-1), "the ring around it")

	p.click(t, "tab-faults")
	p.until(t, "the form for blade 43", `document.querySelector('.fault-form h3').textContent.endsWith("rack38/blade/43")`)
	p.click(t, "inject-fault")
	p.click(t, "step")
	p.until(t, "its cell faulted", fmt.Sprintf(`(() => {
		const d = document.querySelector('[data-testid="cluster-map"]').getContext('2d').getImageData(%d, %d, 1, 1).data;
		return d[0] + "," + d[1] + "," + d[2] === %q;
	})()`, x, y, rgb(clustermap.Faulted)))
	p.mapMouse(t, "mousemove", x, y)
	p.shotIfAsked(t, "map-10k")
	// The next blade but one (clear of the ring) did not change.
	nx, ny, _ := l.Cell(37*100 + 44)
	n := v.CellRect(nx, ny)
	require.Equal(t, rgb(clustermap.Working), p.mapPixel(t, (n.X0+n.X1-1)/2, (n.Y0+n.Y1-1)/2), "blade 45")

	// A drag pans without selecting; the zoom buttons change the pitch.
	p.mapMouse(t, "mousedown", 100, 100)
	p.mapMouse(t, "mousemove", 140, 130)
	p.mapMouse(t, "mouseup", 140, 130)
	require.True(t, strings.HasSuffix(p.text(t, `[data-testid="detail-card"] h2`), "rack38/blade/43"), "still blade 43 after a drag")
	p.click(t, "map-zoom-in")
	p.until(t, "8 px a blade", `document.querySelector('.map-tools .muted').textContent === "`+strconv.Itoa(v.Pitch*2)+` px a blade"`)
	require.Empty(t, p.errors())
}

// The page calls a state by the legend's words wherever it names one: the
// map's hover line, the detail card and the rack drawing's tooltips say
// "off, disconnected" and "never seen", not off_disconnected and
// never_seen (the names stay in data-state and data-observed).
func TestStatesInTheLegendsWords(t *testing.T) {
	p := openApp(t)
	p.closeWelcome(t)
	tip := `document.querySelector('[data-testid="blade-rack1-1"] title').textContent`
	p.until(t, "the rack drawing's tooltip", tip+` === "standard/standard/rack1/blade/1 — off, disconnected (observed: never seen), 16 cores, 0 cores in use"`)
	require.Equal(t, "off_disconnected", attr(t, p, `[data-testid="blade-rack1-1"]`, "data-state"))
	require.Equal(t, "never_seen", attr(t, p, `[data-testid="blade-rack1-1"]`, "data-observed"))

	p.click(t, "draw-map")
	p.until(t, "the map", `document.querySelector('[data-testid="cluster-map"]') !== null`)
	racks := make([]clustermap.Rack, 8)
	for i := range racks {
		racks[i] = clustermap.Rack{First: int32(i * 8), N: 8}
	}
	l := clustermap.NewLayout(racks)
	size, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]int](`(() => { const c = document.querySelector('[data-testid="cluster-map"]'); return [c.width, c.height]; })()`))
	require.NoError(t, err)
	v := clustermap.Fit(l, size[0], size[1])
	cx, cy, ok := l.Cell(0)
	require.True(t, ok)
	r := v.CellRect(cx, cy)
	x, y := (r.X0+r.X1-1)/2, (r.Y0+r.Y1-1)/2
	p.mapMouse(t, "mousemove", x, y)
	p.until(t, "the hover line", `document.querySelector('[data-testid="map-hover"]').textContent === "standard/standard/rack1/blade/1 — off, disconnected (observed never seen)"`)
	p.mapMouse(t, "mousedown", x, y)
	p.mapMouse(t, "mouseup", x, y)
	p.until(t, "its card", `document.querySelector('[data-testid="detail-card"] h2').textContent.endsWith("rack1/blade/1")`)
	card := p.text(t, `[data-testid="detail-card"]`)
	for _, words := range []string{"off, disconnected", "never seen", "operational"} {
		require.Contains(t, card, words)
	}
	for _, name := range []string{"off_disconnected", "never_seen"} {
		require.NotContains(t, card, name)
	}
	require.Contains(t, p.text(t, `[data-testid="map-legend"]`), "off")
	require.Empty(t, p.errors())
}

// A click on a blade whose detail card is drawn below the window (a
// laptop's window, the racks of a small zone above it) scrolls the card's
// title into the bottom of the window, no further.
func TestSelectionPeeksAtTheDetailCard(t *testing.T) {
	p := openApp(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 657)))
	p.closeWelcome(t)
	card := `document.querySelector('[data-testid="detail-card"]')`
	p.until(t, "the card below the window", card+` === null || `+card+`.getBoundingClientRect().top > innerHeight`)
	p.eval(t, `document.querySelector('[data-testid="blade-rack2-3"]').dispatchEvent(new MouseEvent("click", {bubbles: true}))`)
	p.until(t, "blade 3 selected", card+`?.querySelector('h2')?.textContent.endsWith("rack2/blade/3")`)
	p.until(t, "its card's title in view, at the bottom", `(r => r.top > innerHeight / 2 && r.top + 40 < innerHeight)(`+card+`.querySelector('h2').getBoundingClientRect())`)
	p.shotIfAsked(t, "selection-peek")
	require.Empty(t, p.errors())
}

// While the map draws the whole cluster, the zone box says so and the
// map names each zone over it; choosing a zone in the box draws that
// zone's map, which names none.
func TestWholeClusterMapNamedInTheZoneBox(t *testing.T) {
	p := openAppFor(t, 4*time.Minute)
	p.importScenario(t, generatedScenario(t, "two-zones", 2, 20, 100), 2000)
	sel := `document.querySelector('[data-testid="zone-select"]')`
	shown := sel + `.selectedOptions[0].textContent`
	p.until(t, "zone 1's map", shown+` === "region1/zone1"`)
	p.click(t, "map-all")
	p.until(t, "the whole cluster's map", `document.querySelector('[data-testid="cluster-map"]').dataset.blades === "4000" && `+shown+` === "whole cluster"`)
	p.until(t, "its zones named on it", `document.querySelector('[data-testid="cluster-map"]').dataset.labels === "region1/zone1|region1/zone2"`)
	if os.Getenv("CC_SHOTS") != "" {
		p.eval(t, `document.querySelector('[data-testid="welcome-close"]')?.click()`)
		p.eval(t, `document.querySelector('[data-testid="cluster-map"]').scrollIntoView({block: "start"}); window.scrollBy(0, -300)`)
		p.shotIfAsked(t, "map-whole-cluster")
	}
	p.setInput(t, `[data-testid="zone-select"]`, "region1/zone2")
	p.until(t, "zone 2's map", `document.querySelector('[data-testid="cluster-map"]').dataset.blades === "2000" && `+shown+` === "region1/zone2" && document.querySelector('[data-testid="map-zone"]').getAttribute("aria-pressed") === "true"`)
	p.until(t, "one zone: its name is in the zone box", `document.querySelector('[data-testid="cluster-map"]').dataset.labels === ""`)
	require.Empty(t, p.errors())
}
