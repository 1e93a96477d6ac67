//go:build e2e && shots

package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestClusterMapScreenshots saves the cluster map of 1,000 blades into
// $CC_SHOTS (make shots): a run brought up to tick 30, with a blade
// selected and faulted. The maps of 10,000 and 50,000 blades are saved by
// TestClusterMapSelectAndFault and TestUIBenchClusterMap50k when CC_SHOTS
// is set (here, on a loaded machine, the 10k case did not reach its map
// within ten minutes, for a reason not found yet).
func TestClusterMapScreenshots(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	for _, c := range []struct {
		name                 string
		zones, racks, blades int
		all                  bool
	}{
		{"map-1k", 1, 25, 40, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := openAppFor(t, 10*time.Minute)
			require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 900)))
			n := c.zones * c.racks * c.blades
			p.click(t, "tab-scenario")
			require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`),
				[]string{generatedScenario(t, c.name, c.zones, c.racks, c.blades)})))
			p.until(t, "the new scenario", `document.querySelector('.shell-tagline').textContent.endsWith("`+c.name+`")`)
			if n <= 1000 {
				p.click(t, "draw-map")
			}
			if c.all {
				p.click(t, "map-all")
			}
			p.until(t, "the map", `(() => { const c = document.querySelector('[data-testid="cluster-map"]'); return c !== null && c.dataset.blades === "`+itoa(n)+`"; })()`)
			t.Log("drawn; running to tick 30")
			p.runTo(t, "30")
			t.Log("at tick 30")
			p.mapMouse(t, "mousemove", 440, 200)
			p.mapMouse(t, "mousedown", 440, 200)
			p.mapMouse(t, "mouseup", 440, 200)
			p.until(t, "a blade selected", `document.querySelector('[data-testid="detail-card"] h2').textContent.includes("/blade/")`)
			p.click(t, "tab-faults")
			p.until(t, "the fault form", `document.querySelector('[data-testid="inject-fault"]') !== null`)
			p.click(t, "inject-fault")
			p.click(t, "step")
			p.mapMouse(t, "mousemove", 440, 200)
			png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, c.name+".png"), png, 0o644))
		})
	}
}
