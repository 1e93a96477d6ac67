//go:build e2e

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The UI tests drive the default scenario by ticks, never by wall time:
// they click, then wait for what the page shows.

func openApp(t *testing.T) *page { return openAppAt(t, "/") }

// openAppAt opens the app at a path (e.g. "/?builtin=blade-failure") in a
// fresh browser context.
func openAppAt(t *testing.T, path string) *page {
	t.Helper()
	srv := startServer(t, realSite(t).handler)
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+path)))
	p.waitReady(t)
	return p
}

func (p *page) click(t *testing.T, testid string) {
	t.Helper()
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="`+testid+`"]`))))
}

func (p *page) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err)
	return s
}

func (p *page) tick(t *testing.T) int {
	n, err := strconv.Atoi(p.text(t, `[data-testid="tick"]`))
	require.NoError(t, err)
	return n
}

func TestUIStepRunAndFault(t *testing.T) {
	p := openApp(t)
	require.Equal(t, 0, p.tick(t))
	p.setInput(t, `[data-testid="step-count"]`, "10")
	p.click(t, "step-n")
	p.until(t, "tick 10", `document.querySelector('[data-testid="tick"]').textContent === "10"`)

	// Run until every blade is working (the repair manager brings them up),
	// then pause: the test waits on states, not on time.
	p.until(t, "64 blades drawn", `document.querySelectorAll('[data-testid^="blade-"]').length === 64`)
	p.click(t, "run")
	p.until(t, "every blade working", `[...document.querySelectorAll('[data-testid^="blade-"]')].every(b => b.dataset.state === "working" && b.dataset.observed === "working")`)
	p.click(t, "pause")
	p.until(t, "paused", `document.querySelector('[data-testid="run"]').disabled === false`)

	// Select a blade and inject a fault on it from the faults panel.
	blade := `[data-testid="blade-rack4-6"]`
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(blade))))
	p.until(t, "the detail card", `document.querySelector('[data-testid="detail-card"] h2').textContent.includes("rack4/blade/6")`)
	p.click(t, "tab-faults")
	p.until(t, "the fault kinds", `document.querySelector('[data-testid="fault-kind"]') !== null`)
	p.click(t, "inject-fault")
	p.until(t, "the blade faulted", `document.querySelector('`+blade+`').dataset.state === "faulted"`)

	// Step on: the log explains the repair, and the blade comes back.
	p.setInput(t, `#run-to`, "2000")
	p.click(t, "run-to")
	p.until(t, "tick 2000", `document.querySelector('[data-testid="tick"]').textContent === "2000"`)
	require.Equal(t, "working", attr(t, p, blade, "data-state"))
	p.click(t, "tab-log")
	p.until(t, "a repair decision in the log", `[...document.querySelectorAll('[data-testid="log-entry"]')].some(e => e.textContent.includes("rack4/blade/6 should be working"))`)
	require.Empty(t, p.errors())
}

// eval runs JavaScript in the page.
func (p *page) eval(t *testing.T, js string) {
	t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Evaluate[any](js))
	require.NoError(t, err)
}

// setInput types a value into a field as a user would, so go-app sees the
// input and change events.
func (p *page) setInput(t *testing.T, sel, value string) {
	t.Helper()
	p.eval(t, `(() => { const e = document.querySelector('`+sel+`'); e.value = '`+value+`';
		e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()`)
}

func attr(t *testing.T, p *page, sel, name string) string {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('`+sel+`').getAttribute('`+name+`')`))
	require.NoError(t, err)
	return v
}

func TestUIWorkloadPlacedAndDrawn(t *testing.T) {
	p := openApp(t)
	p.click(t, "step-n") // 10 ticks: blades come up
	p.until(t, "tick 10", `document.querySelector('[data-testid="tick"]').textContent === "10"`)
	p.click(t, "step-n")
	p.until(t, "tick 20", `document.querySelector('[data-testid="tick"]').textContent === "20"`)
	p.click(t, "tab-workloads")
	p.until(t, "the workload form", `document.querySelector('[data-testid="workload-add"]') !== null`)
	p.eval(t, `(() => {
		const set = (sel, v) => { const e = document.querySelector(sel); e.value = v; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); };
		set('#wl-name', 'e2e');
		set('#wl-cores', '3');
	})()`)
	p.click(t, "workload-add")
	p.click(t, "step")
	p.until(t, "the workload listed", `document.querySelector('[data-testid="workload-list"]').textContent.includes("e2e")`)
	p.click(t, "step-n")
	p.until(t, "usage drawn on a blade", `document.querySelectorAll('[data-testid^="usage-"]').length > 0`)
	require.Empty(t, p.errors())
}

func TestUIBadImportKeepsTheScenario(t *testing.T) {
	p := openApp(t)
	p.click(t, "step-n")
	p.until(t, "tick 10", `document.querySelector('[data-testid="tick"]').textContent === "10"`)
	hash := p.text(t, `[data-testid="trace-hash"]`)
	p.click(t, "tab-scenario")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("Regions:\n  - Name: r\n    Zones: [\n"), 0o644))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{bad})))
	p.until(t, "an error naming the file", `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("bad.yaml")`)
	msg := p.text(t, `[data-testid="error"]`)
	require.Contains(t, msg, "bad.yaml:4: did not find expected node content", "where, as the parser located it")
	require.NotContains(t, msg, "bad.yaml: bad.yaml", "the file named once")
	require.Equal(t, hash, p.text(t, `[data-testid="trace-hash"]`))
	require.Equal(t, 10, p.tick(t))
}

// A Go panic leaves a message and a reload button, never a blank page.
func TestUICrashOverlay(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/?panic=test")))
	p.until(t, "the crash overlay", `(document.querySelector('[data-testid="crash"]')?.textContent || "").includes("test of the crash overlay")`)
	p.until(t, "its reload button", `[...document.querySelectorAll('[data-testid="crash"] button')].some(b => b.textContent === "Reload")`)
}
