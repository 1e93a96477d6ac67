//go:build e2e && shots

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestSweepScreenshot saves the Sweep tab with the results of 3 policies
// × 5 seeds of workload-churn into $CC_SHOTS (make shots).
func TestSweepScreenshot(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	p := openAppAt(t, "/?builtin=workload-churn")
	p.click(t, "tab-sweep")
	p.until(t, "the sweep form", `document.querySelector('[data-testid="sweep-run"]') !== null`)
	p.eval(t, `document.querySelector('[data-policy="best-fit"]').click()`)
	p.setInput(t, `[data-testid="sweep-ticks"]`, "2000")
	p.click(t, "sweep-run")
	p.until(t, "the results", `document.querySelector('[data-testid="sweep-results"]') !== null`)
	p.eval(t, `document.querySelector('[data-testid="sweep-results"]').scrollIntoView()`)
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep.png"), png, 0o644))

	// The whole panel, in a viewport tall enough to hold it.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 3200)))
	png, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(".panel-sweep")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep-panel.png"), png, 0o644))
}
