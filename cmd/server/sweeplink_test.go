//go:build e2e

package main

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/stretchr/testify/require"
)

// A sweep shared from the Sweep tab (a custom variant among them) opens,
// in a page whose session is another scenario, in the Sweep tab with the
// same form and the link's scenario, not started, the session as it was;
// run, it is the same sweep (its id) as the link's spec natively, every
// mean (the custom variant's too) the same bits as core/sweep's, and its
// CSV download is Summary.WriteCSV's. A broken sweep link changes nothing
// and says why.
func TestUISweepShareLink(t *testing.T) {
	p := openAppAt(t, "/?builtin=workload-churn")
	p.click(t, "tab-sweep")
	p.until(t, "the sweep form", `document.querySelector('[data-testid="sweep-run"]') !== null`)
	p.eval(t, `document.querySelector('.sweep-variants details').open = true`)
	p.setInput(t, `[data-testid="sweep-draft-name"]`, "packer")
	p.setInput(t, `[data-testid="sweep-draft-policy"]`, "custom")
	p.until(t, "the custom fields", `document.querySelector('[data-testid="sweep-draft-score"]') !== null`)
	p.setInput(t, `[data-testid="sweep-draft-score"]`, "-blade.free_cores")
	p.click(t, "sweep-add-variant")
	p.until(t, "added", `document.querySelectorAll('[data-testid="sweep-variant"]').length === 3`)
	p.setInput(t, `[data-testid="sweep-seeds"]`, "3")
	p.setInput(t, `[data-testid="sweep-ticks"]`, "1500")
	p.click(t, "sweep-share")
	p.until(t, "the link", `document.querySelector('[data-testid="sweep-share-url"]') !== null`)
	url, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="sweep-share-url"]').value`))
	require.NoError(t, err)
	require.Contains(t, url, "#s4.")
	d, err := link.Decode(url, sim.EngineVersion)
	require.NoError(t, err)
	require.NotNil(t, d.Sweep)
	require.Equal(t, "workload-churn", d.Scenario.Name)
	sw, err := sweep.New(d.Sweep, d.Scenario)
	require.NoError(t, err)

	// Another page, its session blade-failure, opens the link.
	q := openAppAt(t, "/?builtin=blade-failure")
	q.until(t, "the session", `document.querySelector('.shell-tagline').textContent === "Scenario: blade-failure"`)
	q.waitSaved(t)
	frag := url[strings.Index(url, "#"):]
	// The same origin as q's session (each page has a server of its own).
	qOrigin, err := chromedp.Run(q.ctx, chromedp.Evaluate[string](`location.origin`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(q.ctx, chromedp.Navigate(qOrigin+"/"+frag)))
	q.waitReady(t)
	q.until(t, "the sweep form", `document.querySelector('[data-testid="sweep-run"]') !== null`)
	variants, err := chromedp.Run(q.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="sweep-variant"]')].map(r => r.dataset.variant)`))
	require.NoError(t, err)
	require.Equal(t, []string{"first-fit", "spread", "packer"}, variants)
	for sel, want := range map[string]string{`[data-testid="sweep-seeds"]`: "3", `[data-testid="sweep-ticks"]`: "1500"} {
		v, err := chromedp.Run(q.ctx, chromedp.Evaluate[string](`document.querySelector('`+sel+`').value`))
		require.NoError(t, err)
		require.Equal(t, want, v, sel)
	}
	require.Contains(t, q.text(t, `[data-testid="sweep-from-link"]`), "“workload-churn” is the scenario of the shared sweep's link")
	require.Contains(t, q.text(t, `[data-testid="notice"]`), "Opened a shared sweep of workload-churn")
	require.Equal(t, 0, count(t, q, `[data-testid="sweep-progress"]`), "not started")
	require.Equal(t, 0, count(t, q, `[data-testid="sweep-results"]`))
	q.until(t, "the session as it was", `document.querySelector('.shell-tagline').textContent === "Scenario: blade-failure" && document.querySelector('[data-testid="shell"]').dataset.saved === "true"`)

	dir := allowDownloads(t, q)
	q.click(t, "sweep-run")
	q.until(t, "the results", `document.querySelector('[data-testid="sweep-results"]') !== null`)
	require.Equal(t, sw.ID(), attr(t, q, `[data-testid="sweep-results"]`, "data-sweep"), "the link's sweep, on the link's scenario")
	require.Equal(t, "Scenario: blade-failure", q.text(t, `.shell-tagline`))

	// The custom variant ran in the Workers as core/sweep runs it natively:
	// every mean the same bits, and the CSV download is Summary.WriteCSV.
	var rs []sweep.Result
	for i := range sw.Runs() {
		r, err := sw.Do(i)
		require.NoError(t, err)
		rs = append(rs, r)
	}
	want, err := sw.Summarize(rs)
	require.NoError(t, err)
	type row struct{ Variant, Figure, Mean string }
	rows, err := chromedp.Run(q.ctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll('[data-testid="sweep-results"] tbody tr')].map(r => ({Variant: r.dataset.variant, Figure: r.dataset.figure, Mean: r.dataset.mean}))`))
	require.NoError(t, err)
	var wantRows []row
	for _, f := range want.Figures {
		for _, v := range want.Variants {
			wantRows = append(wantRows, row{v.Name, f, strconv.FormatFloat(v.Figures[f].Mean, 'g', -1, 64)})
		}
	}
	require.Equal(t, wantRows, rows)
	require.Equal(t, "packer", want.Variants[2].Name)
	q.click(t, "sweep-csv")
	got := waitFile(t, q, filepath.Join(dir, "sweep-"+sw.ID()+".csv"))
	var csv bytes.Buffer
	require.NoError(t, want.WriteCSV(&csv))
	require.Equal(t, csv.String(), string(got))

	// A broken sweep link: nothing changes, and the page says why.
	r := openAppAt(t, "/?builtin=blade-failure")
	r.until(t, "the session", `document.querySelector('.shell-tagline').textContent === "Scenario: blade-failure"`)
	r.waitSaved(t)
	rOrigin, err := chromedp.Run(r.ctx, chromedp.Evaluate[string](`location.origin`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(r.ctx, chromedp.Navigate(rOrigin+"/"+frag[:len(frag)-12])))
	r.waitReady(t)
	r.until(t, "the message", `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("The sweep in this link could not be opened, and nothing was changed")`)
	r.until(t, "the session as it was", `document.querySelector('.shell-tagline').textContent === "Scenario: blade-failure" && document.querySelector('[data-testid="shell"]').dataset.saved === "true"`)
	require.Empty(t, p.errors())
	require.Empty(t, q.errors())
}
