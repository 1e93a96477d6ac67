//go:build e2e && uibench

package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestFirstLoadBench measures a first visit in Chromium: navigation start
// to the app's cc-ready mark with an empty cache (each load in a fresh
// browser context, so app.wasm is fetched as sent, brotli, decompressed,
// compiled and started), the median of three, on the loopback. make bench
// reports it as first-interactive-cold, beside TestUIBench's warm
// first-interactive.
func TestFirstLoadBench(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	var times []float64
	for range 3 {
		p := newPage(t)
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
		p.waitReady(t)
		ms, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`performance.getEntriesByName("cc-ready")[0].startTime`))
		require.NoError(t, err)
		times = append(times, ms)
	}
	slices.Sort(times)
	fmt.Printf("BENCH first-interactive-cold %.0f ms\n", times[len(times)/2])
}
