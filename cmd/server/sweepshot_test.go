//go:build e2e && shots

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/sweep"
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

// TestSweepVariantsScreenshot saves the Sweep tab of a scenario without
// workloads, swept over monitor and repair variants added in the editor
// (one refused first), into $CC_SHOTS.
func TestSweepVariantsScreenshot(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	p := openAppAt(t, "/?builtin=availability")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 3200)))
	p.click(t, "tab-sweep")
	p.until(t, "the sweep form", `document.querySelector('[data-testid="sweep-run"]') !== null`)
	p.eval(t, `document.querySelector('[data-policy="first-fit"]').click()`)
	p.eval(t, `document.querySelector('[data-policy="spread"]').click()`)
	p.eval(t, `document.querySelector('.sweep-variants details').open = true`)
	p.setInput(t, `[data-testid="sweep-draft-name"]`, "slow monitor")
	p.setInput(t, `[data-testid="sweep-draft-suspect"]`, "30")
	p.setInput(t, `[data-testid="sweep-draft-fail"]`, "20")
	p.click(t, "sweep-add-variant")
	p.until(t, "the refusal", `document.querySelector('[data-testid="sweep-variant-error"]') !== null`)
	png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(".panel-sweep")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep-variant-refused.png"), png, 0o644))
	p.setInput(t, `[data-testid="sweep-draft-fail"]`, "60")
	p.click(t, "sweep-add-variant")
	p.until(t, "added", `document.querySelectorAll('[data-testid="sweep-variant"]').length === 1`)
	p.setInput(t, `[data-testid="sweep-draft-name"]`, "fast repairs")
	p.setInput(t, `[data-testid="sweep-draft-tech-low"]`, "60")
	p.setInput(t, `[data-testid="sweep-draft-tech-high"]`, "120")
	p.click(t, "sweep-add-variant")
	p.until(t, "added", `document.querySelectorAll('[data-testid="sweep-variant"]').length === 2`)
	p.setInput(t, `[data-testid="sweep-ticks"]`, "2000")
	p.click(t, "sweep-run")
	p.until(t, "the results", `document.querySelector('[data-testid="sweep-results"]') !== null`)
	png, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(".panel-sweep")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep-variants.png"), png, 0o644))
}

// TestSweepLinkScreenshot saves the Sweep tab as a sweep's link opens it
// (a custom variant among the policies) over a session of another
// scenario, into $CC_SHOTS.
func TestSweepLinkScreenshot(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	const specJSON = `{"format": 1, "name": "workload-churn", "scenario": {"builtin": "workload-churn"},
	 "variants": [{"name": "first-fit", "policy": "first-fit"}, {"name": "packer", "policy": "custom", "custom": {"score": "-blade.free_cores"}},
	  {"name": "slow monitor", "policy": "first-fit", "monitor": {"suspectAfter": 30, "failAfter": 60}}],
	 "seeds": {"first": 1, "count": 10}, "ticks": 3000}`
	spec, err := sweep.Parse("spec", []byte(specJSON))
	require.NoError(t, err)
	base, err := spec.Load("spec", []byte(specJSON), nil)
	require.NoError(t, err)
	frag, err := link.EncodeSweep(spec, base, sim.EngineVersion)
	require.NoError(t, err)
	p := openAppAt(t, "/?builtin=blade-failure")
	p.waitSaved(t)
	origin, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.origin`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(origin+"/#"+frag)))
	p.waitReady(t)
	p.until(t, "the sweep form", `document.querySelector('[data-testid="sweep-from-link"]') !== null`)
	p.until(t, "the session", `document.querySelector('.shell-tagline').textContent === "Scenario: blade-failure"`)
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep-link.png"), png, 0o644))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 3200)))
	png, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(".panel-sweep")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sweep-link-panel.png"), png, 0o644))
}
