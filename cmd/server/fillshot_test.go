//go:build e2e && shots

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestFillScreenshot saves the GPU fill tab with the paper's experiment
// (six policies × seeds 42..51 on the default task list) into $CC_SHOTS
// (make shots): before the run, and with its results.
func TestFillScreenshot(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	p := openFillTab(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 900)))
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fill-form.png"), png, 0o644))
	p.click(t, "fill-run")
	p.until(t, "the results", `document.querySelector('[data-testid="fill-results"]') !== null`)
	p.eval(t, `document.querySelector('[data-testid="fill-chart"]').scrollIntoView()`)
	png, err = chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fill.png"), png, 0o644))
	// The whole panel, in a viewport tall enough to hold it.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 2400)))
	png, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(".panel-fill")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fill-panel.png"), png, 0o644))
}
