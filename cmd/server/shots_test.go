//go:build e2e && shots

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestScreenshots saves a screenshot of every panel into $CC_SHOTS (make
// shots), to look at what was built.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	p := openApp(t)
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
	// A phone-sized screen.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844)))
	p.click(t, "tab-log")
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "phone.png"), png, 0o644))
}
