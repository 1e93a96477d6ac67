//go:build e2e

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/stretchr/testify/require"
)

const workerSpec = `{"format": 1, "name": "workers", "scenario": {"builtin": "workload-churn"},
 "variants": [{"name": "first-fit", "policy": "first-fit"}, {"name": "packer", "policy": "custom", "custom": {"score": "-blade.free_cores"}}],
 "seeds": {"first": 1, "count": 5}, "ticks": 2000, "figures": ["instances_moved", "capacity_used_cores"]}`

// A sweep's runs, split over two Web Workers in Chromium, give exactly the
// lines the same runs give natively; a terminated worker posts nothing
// more.
func TestSweepWorkersMatchNative(t *testing.T) {
	spec, err := sweep.Parse("spec", []byte(workerSpec))
	require.NoError(t, err)
	base, err := spec.Load("spec", []byte(workerSpec), nil)
	require.NoError(t, err)
	sw, err := sweep.New(spec, base)
	require.NoError(t, err)
	header, err := json.Marshal(sw.Header())
	require.NoError(t, err)
	var want []string
	for i := range sw.Runs() {
		r, err := sw.Do(i)
		require.NoError(t, err)
		line, _ := json.Marshal(&r)
		want = append(want, string(line))
	}

	srv := startServer(t, realSite(t).handler)
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	headerJS, _ := json.Marshal(string(header))
	got, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`(async () => {
		const header = `+string(headerJS)+`, n = `+itoa(sw.Runs())+`;
		const lines = new Array(n);
		const part = (k) => new Promise((resolve, reject) => {
			const w = new Worker("/web/sweep-worker.js");
			w.onmessage = (e) => {
				const m = e.data;
				if (m.kind === "run") lines[m.index] = m.line;
				else if (m.kind === "done") { w.terminate(); resolve(); }
				else { w.terminate(); reject(new Error(m.error)); }
			};
			w.onerror = (e) => reject(new Error(e.message));
			const runs = [];
			for (let i = k; i < n; i += 2) runs.push(i);
			w.postMessage({header, runs});
		});
		await Promise.all([part(0), part(1)]);
		return lines;
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, want, got)

	// Cancel: terminate after the first result; nothing else arrives.
	after, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`(async () => {
		const w = new Worker("/web/sweep-worker.js");
		let seen = 0;
		await new Promise((resolve) => {
			w.onmessage = (e) => { seen++; if (seen === 1) { w.terminate(); setTimeout(resolve, 1500); } };
			w.postMessage({header: `+string(headerJS)+`, runs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]});
		});
		return seen;
	})()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, 1, after)
	require.Empty(t, p.errors())
	require.True(t, strings.HasPrefix(want[0], `{"kind":"run"`))
}
