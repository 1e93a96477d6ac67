//go:build e2e && uibench

package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// mapRunJS runs the page at 100 ticks/s for ms milliseconds of frames
// (ms < 0: watches the paused page for -ms) and returns [frame interval
// p95, max, ticks per second reached, frames painted, frames, tick at the
// end], then the p50, p95 and max of each part of the page's frames
// (window.ccFrameStats: simulation, map paint, autosave, render; zeros
// for a page without them), then the GC's cycles, seconds, live MiB and
// MiB allocated meanwhile and the seconds of it the idle mark worker took
// (the GC's work while the page waits for a frame); it pauses the run again when pause is true.
const mapRunJS = `(async (ms, pause) => {
	const tick = () => Number(document.querySelector('[data-testid="tick"]').textContent);
	const map = document.querySelector('[data-testid="cluster-map"]');
	const painted0 = Number(map.dataset.painted || 0), tick0 = tick();
	if (document.querySelector('[data-testid="pause"]').disabled !== false || tick0 === 0) {
		const rate = document.querySelector('[data-testid="rate"]');
		rate.value = "100"; rate.dispatchEvent(new Event('change', {bubbles: true}));
		for (let i = 0; i < 2; i++) await new Promise(r => requestAnimationFrame(r)); // the page renders the rate (an older page ran at the one it showed)
		if (ms > 0) {
			window.ccRunAt = performance.now();
			document.querySelector('[data-testid="run"]').click();
		}
	}
	const stats = window.ccFrameStats || (() => [[0], [0], [0], [0], [0, 0, 0, 0, 0]]); // older pages have none
	const gc0 = stats()[4];
	const gaps = [];
	let last = await new Promise(r => requestAnimationFrame(r));
	const start = last, end = last + Math.abs(ms);
	while (last < end) {
		const now = await new Promise(r => requestAnimationFrame(r));
		gaps.push(now - last);
		last = now;
	}
	const ticks = tick() - tick0, painted = Number(map.dataset.painted) - painted0;
	if (pause) document.querySelector('[data-testid="pause"]').click();
	gaps.sort((a, b) => a - b);
	const got = stats(), gc1 = got.pop();
	const parts = got.flatMap(p => {
		p.sort((a, b) => a - b);
		return [p[Math.floor(p.length * 0.5)], p[Math.floor(p.length * 0.95)], p[p.length - 1]];
	});
	return [gaps[Math.floor(gaps.length * 0.95)], gaps[gaps.length - 1], ticks * 1000 / (last - start), painted, gaps.length, tick(), ...parts, gc1[0] - gc0[0], gc1[1] - gc0[1], gc1[2] / 1048576, (gc1[3] - gc0[3]) / 1048576, (gc1[4] || 0) - (gc0[4] || 0)];
})`

// TestUIBenchClusterMap50k measures in Chromium the frame interval p95
// while 50,000 blades (5 zones of 100 racks of 100) run at 100 ticks/s
// with the whole cluster's map shown: first for five seconds from tick 0
// (the bring-up, when every blade changes: ui-map-50k-run-frame), then,
// the run going on, for five more seconds once the bring-up is over
// (ui-map-50k-steady-frame); and the ticks per second the run reached
// meanwhile (the simulation's share of a frame is bounded, so a slow
// machine runs fewer ticks rather than longer frames).
func TestUIBenchClusterMap50k(t *testing.T) {
	p := openAppFor(t, 10*time.Minute)
	p.importScenario(t, generatedScenario(t, "fifty-thousand", 5, 100, 100), 10000)
	p.click(t, "map-all")
	p.until(t, "the whole cluster's map", `document.querySelector('[data-testid="cluster-map"]').dataset.blades === "50000"`)
	report := func(name string, out []float64) {
		fmt.Printf("BENCH ui-map-50k-%s-frame %.1f ms\n", name, out[0])
		fmt.Printf("BENCH ui-map-50k-%s-frame-max %.1f ms\n", name, out[1])
		fmt.Printf("BENCH ui-map-50k-%s-ticks-per-s %.1f ticks/s\n", name, out[2])
		fmt.Printf("BENCH ui-map-50k-%s-frames-painted %.0f of %.0f (to tick %.0f)\n", name, out[3], out[4], out[5])
		for i, part := range []string{"sim", "paint", "save", "render"} {
			fmt.Printf("BENCH ui-map-50k-%s-%s %.1f / %.1f / %.1f ms (p50 / p95 / max)\n", name, part, out[6+3*i], out[7+3*i], out[8+3*i])
		}
		fmt.Printf("BENCH ui-map-50k-%s-gc %.0f cycles, %.2f s (%.2f s idle marking), %.0f MiB live, %.0f MiB allocated\n", name, out[18], out[19], out[22], out[20], out[21])
	}
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](mapRunJS+`(5000, false)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	report("run", out)
	// Steady running: once every blade has come up (the thousand
	// scenario's blades are working by tick 30), still at 100 ticks/s.
	p.until(t, "the bring-up over", `Number(document.querySelector('[data-testid="tick"]').textContent) >= 30`)
	up, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`performance.now() - window.ccRunAt`))
	require.NoError(t, err)
	fmt.Printf("BENCH ui-map-50k-to-tick-30 %.1f s (from Run, the bring-up)\n", up/1000)
	out, err = chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](mapRunJS+`(5000, true)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	report("steady", out)
	// The same page paused: what the browser's frames are worth on this
	// machine at this load, with nothing to do.
	out, err = chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](mapRunJS+`(-3000, false)`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	fmt.Printf("BENCH ui-map-50k-paused-frame %.1f ms\n", out[0])
	p.shotIfAsked(t, "map-50k")
	require.Empty(t, p.errors())
}
