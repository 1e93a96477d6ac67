//go:build e2e && shots

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// TestScreenshots saves a screenshot of every panel into $CC_SHOTS (make
// shots), to look at what was built.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	p := openApp(t)
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	}
	// The first visit: the guide, on a desktop and on a phone.
	p.until(t, "the guide", `document.querySelector('[data-testid="welcome"]') !== null`)
	shot("welcome")
	p.click(t, "welcome-more-gpu-sharing")
	p.until(t, "a story unfolded", `document.querySelector('[data-testid="welcome-more-gpu-sharing"]').getAttribute("aria-expanded") === "true"`)
	shot("welcome-story-unfolded")
	p.click(t, "welcome-more-gpu-sharing")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844)))
	shot("welcome-phone")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)))
	p.closeWelcome(t)
	p.click(t, "step-n")
	p.until(t, "tick 10", `document.querySelector('[data-testid="tick"]').textContent === "10"`)
	p.setInput(t, `#run-to`, "130")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-rack4-6"]`))))
	p.click(t, "tab-faults")
	p.until(t, "the fault kinds", `document.querySelector('[data-testid="inject-fault"]') !== null`)
	p.click(t, "inject-fault")
	p.click(t, "run-to")
	p.until(t, "tick 130", `document.querySelector('[data-testid="tick"]').textContent === "130"`)
	for _, tab := range []string{"log", "workloads", "faults", "policies", "scenario", "library", "charts", "diagram", "settings"} {
		p.click(t, "tab-"+tab)
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, tab+".png"), png, 0o644))
	}
	// The guide again (the ? key) and the reset question.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("?")))
	p.until(t, "the guide", `document.querySelector('[data-testid="welcome"]') !== null`)
	shot("help")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Escape)))
	p.click(t, "reset")
	p.until(t, "the reset question", `document.querySelector('[data-testid="reset-dialog"]') !== null`)
	shot("reset")
	p.click(t, "reset-cancel")
	// A phone-sized screen.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844)))
	p.click(t, "tab-log")
	shot("phone")
	p.eval(t, `window.scrollTo(0, document.documentElement.scrollHeight / 2)`)
	shot("phone-scrolled")
	p.eval(t, `window.scrollTo(0, 0)`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 656)))
	// A zone of 2,500 blades with a rack drilled into, then a blade in it.
	sc, err := scenario.Builtin("thousand")
	require.NoError(t, err)
	sc.Name = "big"
	sc.Inventory.Generate.BladesPerRack = 100
	data, err := scenario.MarshalIndent(sc)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "big.json")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	p.click(t, "tab-scenario")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the map", `document.querySelector('[data-testid="cluster-map"]') !== null`)
	p.until(t, "the notice", `(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("Imported big.json")`)
	shot("imported")
	p.click(t, "draw-racks") // the rack summaries, not the map
	p.until(t, "the summaries", `document.querySelectorAll('button.rack-summary').length === 25`)
	p.runTo(t, "40")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="rack-rack14"]`))))
	p.until(t, "rack14 in full", `document.querySelector('[data-testid="rack-drill"] [data-testid="blade-rack14-3"]') !== null`)
	shot("large-zone")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-rack14-3"]`))))
	p.until(t, "the blade's card", `document.querySelector('[data-testid="detail-card"] h2').textContent.endsWith("rack14/blade/3")`)
	shot("large-zone-blade")
}

// TestScreenshotsImport saves the Scenario panel while a 10,000-blade
// inventory imports (the file named, its progress, Cancel) into $CC_SHOTS.
func TestScreenshotsImport(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	file := genInventory(t, "gen10k", 100, 100)
	p := openApp(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)))
	p.closeWelcome(t)
	p.click(t, "tab-scenario")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the import running", `document.querySelector('[data-testid="import-file"]') !== null && document.querySelector('[data-testid="import-progress"]') !== null`)
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "import-running.png"), png, 0o644))
	p.until(t, "the inventory opened", `document.querySelector('.shell-tagline').textContent === "Scenario: gen10k"`)
	png, err = chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "import-done.png"), png, 0o644))
}

// TestScreenshotsCompare saves the Compare tab into $CC_SHOTS: the draft
// (the first policy select open, on a scenario without GPUs) and the charts of three variants, the first two
// the same policy (one line over the other, the second dashed and called
// the same in the legend).
func TestScreenshotsCompare(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	p, _ := openAppServer(t, "/?builtin=workload-churn")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)))
	p.closeWelcome(t)
	p.click(t, "tab-compare")
	p.until(t, "two variants offered", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 2`)
	p.click(t, "compare-add-variant")
	p.until(t, "three", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 3`)
	p.setNth(t, "compare-variant-policy", 0, "first-fit")
	p.setNth(t, "compare-variant-policy", 1, "first-fit")
	p.setNth(t, "compare-variant-policy", 2, "spread")
	p.setNth(t, "compare-variant-name", 1, "first-fit again")
	p.eval(t, `document.querySelector('[data-testid="compare-variant-policy"]').size = 10`) // its options in view
	png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(`.compare-setup`)))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-draft.png"), png, 0o644))
	p.eval(t, `document.querySelector('[data-testid="compare-variant-policy"]').size = 0`)
	p.eval(t, `document.querySelector('.compare-setup').scrollIntoView()`)
	png, err = chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-draft-page.png"), png, 0o644))
	p.click(t, "compare-start")
	p.until(t, "three columns", `document.querySelectorAll('[data-testid="compare-variant"]').length === 3`)
	p.setInput(t, `[data-testid="compare-tick"]`, "300")
	p.click(t, "compare-run-to")
	p.until(t, "t=300", `[...document.querySelectorAll('[data-testid="compare-variant"]')].every(e => e.dataset.tick === "300")`)
	p.setInput(t, `[data-testid="compare-command-target"]`, "standard/standard/rack1/blade/1")
	p.click(t, "compare-command")
	p.setInput(t, `[data-testid="compare-tick"]`, "2000")
	p.click(t, "compare-run-to")
	p.until(t, "t=2000", `[...document.querySelectorAll('[data-testid="compare-variant"]')].every(e => e.dataset.tick === "2000")`)
	p.eval(t, `document.querySelector('.compare-columns').scrollIntoView(); window.scrollBy(0, -200)`)
	png, err = chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-columns.png"), png, 0o644))
	p.eval(t, `document.querySelector('[data-testid="compare-charts"]').scrollIntoView()`)
	png, err = chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-charts.png"), png, 0o644))
}
