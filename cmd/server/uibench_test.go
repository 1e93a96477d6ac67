//go:build e2e && uibench

package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestUIBench measures in Chromium, with the Performance API, what make
// bench reports: step + render at 64 and 1,000 blades (p95 of 60 steps,
// from the click to the first frame that shows the new tick) and the first
// interactive frame (navigation start to the app's cc-ready mark, the
// median of five reloads on a warm cache, as a returning user has it).
func TestUIBench(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	for _, c := range []struct{ name, builtin string }{{"ui-step-64", "standard"}, {"ui-step-1000", "thousand"}} {
		p := newPage(t)
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/?builtin="+c.builtin)))
		p.waitReady(t)
		p95, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`(async () => {
			const step = document.querySelector('[data-testid="step"]');
			const tick = document.querySelector('[data-testid="tick"]');
			const frame = () => new Promise(r => requestAnimationFrame(() => r()));
			const times = [];
			for (let i = 0; i < 70; i++) {
				const before = tick.textContent;
				const t0 = performance.now();
				step.click();
				while (tick.textContent === before) await frame();
				await frame();
				if (i >= 10) times.push(performance.now() - t0);
			}
			times.sort((a, b) => a - b);
			return times[Math.floor(times.length * 0.95)];
		})()`, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		fmt.Printf("BENCH %s %.1f ms\n", c.name, p95)
	}
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	var times []float64
	for range 5 {
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
		p.waitReady(t)
		ms, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`performance.getEntriesByName("cc-ready")[0].startTime`))
		require.NoError(t, err)
		times = append(times, ms)
	}
	slices.Sort(times)
	fmt.Printf("BENCH first-interactive %.0f ms\n", times[len(times)/2]) // the median
}
