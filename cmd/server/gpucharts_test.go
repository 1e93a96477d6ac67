//go:build e2e

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The gpu-sharing built-in (GPU devices) in the Charts tab: the three GPU
// charts after the four, and the GPU figures; in the Compare tab, each
// variant's column ends with its GPU figures. A scenario without GPUs
// (blade-failure) shows none of them. With $CC_SHOTS set, screenshots of
// both tabs are saved there.
func TestUIGPUChartsAndCompare(t *testing.T) {
	p := openAppAt(t, "/?builtin=gpu-sharing")
	p.runTo(t, "600")
	p.click(t, "tab-charts")
	p.until(t, "the charts", `document.querySelectorAll('.panel-charts svg').length === 7`)
	titles := mustEval[[]string](t, p, `[...document.querySelectorAll('.panel-charts .chart-title')].map(e => e.textContent)`)
	require.Equal(t, []string{"GPU allocation", "GPU fragmentation", "GPU tasks waiting"}, titles[4:])
	figures := mustEval[[]string](t, p, `[...document.querySelectorAll('[data-testid="run-figures"] .run-figure')].map(e => e.dataset.figure)`)
	require.Subset(t, figures, []string{"gpu-allocation", "gpu-allocation-schedulable", "gpu-fragmentation", "gpu-tasks-waiting"})
	require.Regexp(t, `^\d+\.\d\d %$`, p.text(t, `[data-figure="gpu-allocation"] dd`))
	shot := func(name, sel string) {
		t.Helper()
		dir := os.Getenv("CC_SHOTS")
		if dir == "" {
			return
		}
		p.eval(t, `document.querySelector('`+sel+`').scrollIntoView()`)
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	}
	shot("gpu-charts", ".panel-charts .charts-grid figure:nth-child(5)")

	p.click(t, "tab-compare")
	p.until(t, "two variants offered", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 2`)
	p.click(t, "compare-start")
	p.until(t, "two columns", `document.querySelectorAll('[data-testid="compare-variant"]').length === 2`)
	p.setInput(t, `[data-testid="compare-tick"]`, "600")
	p.click(t, "compare-run-to")
	p.until(t, "t=600", `[...document.querySelectorAll('[data-testid="compare-variant"]')].every(e => e.dataset.tick === "600")`)
	names := mustEval[[][]string](t, p, `[...document.querySelectorAll('[data-testid="compare-variant"]')].map(c => [...c.querySelectorAll('dt')].map(e => e.textContent).slice(-3))`)
	for _, n := range names {
		require.Equal(t, []string{"GPU allocation", "GPU fragmentation", "GPU tasks waiting"}, n)
	}
	shot("gpu-compare", `[data-testid="compare-variant"]`)
	require.Empty(t, p.errors())

	q := openAppAt(t, "/?builtin=blade-failure")
	q.runTo(t, "200")
	q.click(t, "tab-charts")
	q.until(t, "the charts", `document.querySelectorAll('.panel-charts svg').length === 4`)
	require.NotContains(t, q.text(t, `.panel-charts`), "GPU")
}
