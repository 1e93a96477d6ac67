//go:build e2e && uibench

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/stretchr/testify/require"
)

// benchSpec is issue 13's sweep figure: three policies × 30 seeds of
// workload-churn to tick 20,000.
const benchSpec = `{"format": 1, "name": "3x30", "scenario": {"builtin": "workload-churn"},
 "variants": [{"name": "first-fit", "policy": "first-fit"}, {"name": "spread", "policy": "spread"}, {"name": "best-fit", "policy": "best-fit"}],
 "seeds": {"first": 1, "count": 30}, "ticks": 20000}`

// TestSweepBench times the 3 × 30 sweep in Chromium's Web Workers (1 and
// 2 of them) and natively in this process (1 and 2 goroutines), one after
// the other in the same run, and checks the two give the same lines.
func TestSweepBench(t *testing.T) {
	spec, err := sweep.Parse("spec", []byte(benchSpec))
	require.NoError(t, err)
	base, err := spec.Load("spec", []byte(benchSpec), nil)
	require.NoError(t, err)
	sw, err := sweep.New(spec, base)
	require.NoError(t, err)
	header, _ := json.Marshal(sw.Header())
	n := sw.Runs()

	native := func(jobs int) ([]string, time.Duration) {
		lines := make([]string, n)
		t0 := time.Now()
		var wg sync.WaitGroup
		for k := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := k; i < n; i += jobs {
					r, err := sw.Do(i)
					require.NoError(t, err)
					b, _ := json.Marshal(&r)
					lines[i] = string(b)
				}
			}()
		}
		wg.Wait()
		return lines, time.Since(t0)
	}

	srv := startServer(t, realSite(t).handler)
	ctx, cancelContext := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Minute) // ~400 runs
	t.Cleanup(func() { cancelTimeout(); cancelContext() })
	p := &page{ctx: ctx}
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	headerJS, _ := json.Marshal(string(header))
	page := func(workers int) ([]string, time.Duration) {
		type result struct {
			Lines []string `json:"lines"`
			Ms    float64  `json:"ms"`
		}
		res, err := chromedp.Run(p.ctx, chromedp.Evaluate[result](`(async () => {
			const header = `+string(headerJS)+`, n = `+fmt.Sprint(n)+`, k = `+fmt.Sprint(workers)+`;
			const lines = new Array(n);
			const t0 = performance.now();
			await Promise.all(Array.from({length: k}, (_, part) => new Promise((resolve, reject) => {
				const w = new Worker("/web/sweep-worker.js");
				w.onmessage = (e) => {
					const m = e.data;
					if (m.kind === "run") lines[m.index] = m.line;
					else if (m.kind === "done") { w.terminate(); resolve(); }
					else reject(new Error(m.error));
				};
				const runs = [];
				for (let i = part; i < n; i += k) runs.push(i);
				w.postMessage({header, runs});
			})));
			return {lines, ms: performance.now() - t0};
		})()`, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		return res.Lines, time.Duration(res.Ms * float64(time.Millisecond))
	}
	want, n1 := native(1)
	_, n2 := native(2)
	got1, w1 := page(1)
	got2, w2 := page(2)
	require.Equal(t, want, got1)
	require.Equal(t, want, got2)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fmt.Printf("BENCH sweep-3x30-native-1job-wall %.0f ms\n", ms(n1))
	fmt.Printf("BENCH sweep-3x30-native-2jobs-wall %.0f ms\n", ms(n2))
	fmt.Printf("BENCH sweep-3x30-page-1worker-wall %.0f ms\n", ms(w1))
	fmt.Printf("BENCH sweep-3x30-page-2workers-wall %.0f ms\n", ms(w2))
	fmt.Printf("BENCH sweep-3x30-page-per-run %.1f ms\n", ms(w1)/float64(n))
	fmt.Printf("BENCH sweep-3x30-native-per-run %.1f ms\n", ms(n1)/float64(n))
	fmt.Printf("BENCH sweep-3x30-page/native-1 %.2f x\n", float64(w1)/float64(n1))
	fmt.Printf("BENCH sweep-3x30-page-speedup-2workers %.2f x\n", float64(w1)/float64(w2))
	fmt.Printf("BENCH sweep-3x30-native-speedup-2jobs %.2f x\n", float64(n1)/float64(n2))
}
