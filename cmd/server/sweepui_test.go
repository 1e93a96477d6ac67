//go:build e2e

package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/stretchr/testify/require"
)

// countWorkers wraps the page's Worker constructor so a test can see how
// many Workers were started and whether each was terminated.
const countWorkers = `(() => {
	const W = window.Worker;
	window.ccWorkers = [];
	window.Worker = function (url) {
		const w = new W(url), terminate = w.terminate.bind(w);
		w.ccTerminated = false;
		w.terminate = () => { w.ccTerminated = true; terminate(); };
		window.ccWorkers.push(w);
		return w;
	};
})()`

// The Sweep tab runs 2 policies × 5 seeds of workload-churn in Web
// Workers with progress, and shows the means a native summary of the same
// spec gives, bit for bit; a second sweep cancelled mid-way shows no
// results and terminates its Workers.
func TestUISweepInWorkers(t *testing.T) {
	const specJSON = `{"format": 1, "name": "workload-churn", "scenario": {"builtin": "workload-churn"},
	 "variants": [{"name": "first-fit", "policy": "first-fit"}, {"name": "spread", "policy": "spread"}],
	 "seeds": {"first": 1, "count": 5}, "ticks": 2000}`
	spec, err := sweep.Parse("spec", []byte(specJSON))
	require.NoError(t, err)
	base, err := spec.Load("spec", []byte(specJSON), nil)
	require.NoError(t, err)
	sw, err := sweep.New(spec, base)
	require.NoError(t, err)
	var rs []sweep.Result
	for i := range sw.Runs() {
		r, err := sw.Do(i)
		require.NoError(t, err)
		rs = append(rs, r)
	}
	want, err := sw.Summarize(rs)
	require.NoError(t, err)

	p := openAppAt(t, "/?builtin=workload-churn")
	p.eval(t, countWorkers)
	p.click(t, "tab-sweep")
	p.until(t, "the sweep form", `document.querySelector('[data-testid="sweep-run"]') !== null`)
	p.setInput(t, `[data-testid="sweep-seeds"]`, "5")
	p.setInput(t, `[data-testid="sweep-ticks"]`, "2000")
	p.click(t, "sweep-run")
	p.until(t, "progress", `document.querySelector('[data-testid="sweep-progress"]')?.dataset.total === "10"`)
	p.until(t, "the results", `document.querySelector('[data-testid="sweep-results"]') !== null`)
	require.Equal(t, "10", attr(t, p, `[data-testid="sweep-progress"]`, "data-done"))

	type row struct{ Variant, Figure, Mean string }
	rows, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll('[data-testid="sweep-results"] tbody tr')].map(r => ({Variant: r.dataset.variant, Figure: r.dataset.figure, Mean: r.dataset.mean}))`))
	require.NoError(t, err)
	var wantRows []row
	for _, f := range want.Figures {
		for _, v := range want.Variants {
			mean := ""
			if iv := v.Figures[f]; iv.N > 0 {
				mean = strconv.FormatFloat(iv.Mean, 'g', -1, 64)
			}
			wantRows = append(wantRows, row{v.Name, f, mean})
		}
	}
	require.Equal(t, wantRows, rows)
	require.Equal(t, sw.ID(), attr(t, p, `[data-testid="sweep-results"]`, "data-sweep"))

	// A chart per figure, in the summary's order, with a mark per variant.
	type drawn struct {
		Figure string
		Marks  []string
	}
	charts, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]drawn](`[...document.querySelectorAll('[data-testid="sweep-chart"]')].map(c => ({Figure: c.dataset.figure, Marks: [...c.querySelectorAll('.sweep-mark')].map(m => m.dataset.variant)}))`))
	require.NoError(t, err)
	var wantCharts []drawn
	for _, f := range want.Figures {
		wantCharts = append(wantCharts, drawn{f, []string{"first-fit", "spread"}})
	}
	require.Equal(t, wantCharts, charts)
	require.Equal(t, len(want.Figures), count(t, p, `[data-testid="sweep-chart"] .sweep-mark.baseline[data-variant="first-fit"]`))
	started, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`window.ccWorkers.length`))
	require.NoError(t, err)
	require.GreaterOrEqual(t, started, 1)
	require.LessOrEqual(t, started, 4)
	p.until(t, "the Workers terminated", `window.ccWorkers.every(w => w.ccTerminated)`)

	// Kept in IndexedDB, and shown again after a reload.
	p.untilStored(t, "the sweep kept", "sweeps", "last")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.eval(t, countWorkers)
	p.click(t, "tab-sweep")
	p.until(t, "the results again", `document.querySelector('[data-testid="sweep-results"]') !== null`)
	again, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll('[data-testid="sweep-results"] tbody tr')].map(r => ({Variant: r.dataset.variant, Figure: r.dataset.figure, Mean: r.dataset.mean}))`))
	require.NoError(t, err)
	require.Equal(t, wantRows, again)
	ticks, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="sweep-ticks"]').value`))
	require.NoError(t, err)
	require.Equal(t, "2000", ticks, "the form as it was")
	// The form runs the last sweep's own scenario, and says so when the
	// session's is another (a ?builtin session is not kept until changed, so
	// after the reload the session is the one before it).
	p.until(t, "the form's scenario said", `(() => {
		const note = document.querySelector('[data-testid="sweep-from-link"]');
		return document.querySelector('.shell-tagline').textContent === "Scenario: workload-churn" ? note === null :
			note !== null && note.textContent.includes("“workload-churn” is the scenario of the last sweep");
	})()`)
	started = 0

	// A longer sweep, cancelled once some runs are in.
	p.setInput(t, `[data-testid="sweep-ticks"]`, "100000")
	p.click(t, "sweep-run")
	p.until(t, "a run done", `+(document.querySelector('[data-testid="sweep-progress"]')?.dataset.done ?? 0) >= 1`)
	require.Equal(t, 0, count(t, p, `[data-testid="sweep-results"]`))
	p.click(t, "sweep-cancel")
	p.until(t, "the note", `document.querySelector('[data-testid="sweep-note"]')?.textContent.includes("cancelled")`)
	p.until(t, "every Worker terminated", `window.ccWorkers.length > `+strconv.Itoa(started)+` && window.ccWorkers.every(w => w.ccTerminated)`)
	time.Sleep(500 * time.Millisecond)
	require.Equal(t, 0, count(t, p, `[data-testid="sweep-results"]`))
	require.Equal(t, 0, count(t, p, `[data-testid="sweep-progress"]`))
	require.Equal(t, 0, count(t, p, `[data-testid="sweep-cancel"]`))
	require.Empty(t, p.errors())
}

// count is how many elements match sel.
func count(t *testing.T, p *page, sel string) int {
	t.Helper()
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('`+sel+`').length`))
	require.NoError(t, err)
	return n
}
