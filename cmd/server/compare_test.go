//go:build e2e

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/compare"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/variant"
	"github.com/stretchr/testify/require"
)

// compareHashes are the hashes compare.Run gives natively for first-fit
// and spread on workload-churn, with a blade failed at t=300, at t=at.
func compareHashes(t *testing.T, blade string, at clock.Tick) []string {
	t.Helper()
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	r, err := compare.New(sc, []variant.Variant{{Name: "first-fit", Policy: "first-fit"}, {Name: "spread", Policy: "spread"}})
	require.NoError(t, err)
	require.NoError(t, r.SetPolicy(clock.NoWait, 0, -1))
	require.NoError(t, r.RunUntil(300))
	_, err = r.Apply(scenario.Command{Do: scenario.FaultBlade, Target: blade})
	require.NoError(t, err)
	require.NoError(t, r.RunUntil(at))
	var out []string
	for _, w := range r.Worlds() {
		out = append(out, w.Status().Hash)
	}
	return out
}

// compareAt waits until both columns stand at tick at with the hashes
// want, and returns the divergence's text.
func (p *page) compareAt(t *testing.T, at clock.Tick, want []string) string {
	t.Helper()
	tick := strconv.FormatInt(int64(at), 10)
	p.until(t, "both variants at "+tick, `(() => { const c = [...document.querySelectorAll('[data-testid="compare-variant"]')];
		return c.length === 2 && c.every(e => e.dataset.tick === "`+tick+`"); })()`)
	got := mustEval[[]string](t, p, `[...document.querySelectorAll('[data-testid="compare-variant"]')].map(e => e.dataset.hash)`)
	require.Equal(t, want, got, "the page's hashes are compare.Run's")
	return p.text(t, `[data-testid="compare-divergence"]`)
}

// The Compare tab on workload-churn: first-fit against spread, a blade
// failed in both at t=300, run to t=1000: both columns at 1000 with the
// native hashes, and the first divergent decision named by its tick. The
// comparison survives a reload, and its share link opens it elsewhere.
func TestCompareTwoPolicies(t *testing.T) {
	const blade = "standard/standard/rack1/blade/1"
	want := compareHashes(t, blade, 1000)
	p, base := openAppServer(t, "/?builtin=workload-churn")
	p.click(t, "tab-compare")
	p.until(t, "two variants offered", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 2`)
	p.click(t, "compare-add-variant")
	p.until(t, "three", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 3`)
	p.eval(t, `[...document.querySelectorAll('.compare-draft button')].at(-1).click()`)
	p.until(t, "two again", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 2`)
	require.Equal(t, []string{"spread", "first-fit"}, mustEval[[]string](t, p, `[...document.querySelectorAll('[data-testid="compare-variant-policy"]')].map(s => s.value)`),
		"the loaded scenario's own policy (workload-churn's spread) offered first")
	p.setNth(t, "compare-variant-policy", 0, "first-fit")
	p.setNth(t, "compare-variant-policy", 1, "spread")
	p.click(t, "compare-start")
	p.until(t, "two columns", `document.querySelectorAll('[data-testid="compare-variant"]').length === 2`)
	require.Contains(t, p.text(t, `[data-testid="compare-divergence"]`), "No divergence yet")

	p.setInput(t, `[data-testid="compare-tick"]`, "300")
	p.click(t, "compare-run-to")
	p.until(t, "t=300", `[...document.querySelectorAll('[data-testid="compare-variant"]')].every(e => e.dataset.tick === "300")`)
	p.setInput(t, `[data-testid="compare-command-target"]`, blade)
	p.click(t, "compare-command")
	p.setInput(t, `[data-testid="compare-tick"]`, "1000")
	p.click(t, "compare-run-to")
	div := p.compareAt(t, 1000, want)
	require.Regexp(t, `First divergent decision at tick \d+`, div)
	require.Contains(t, div, "first-fit:")
	require.Contains(t, div, "spread:")
	require.Equal(t, 3.0, mustEval[float64](t, p, `document.querySelectorAll('[data-testid="compare-charts"] svg').length`), "three charts overlaid")
	if dir := os.Getenv("CC_SHOTS"); dir != "" {
		p.eval(t, `document.querySelector('[data-testid="compare-divergence"]').scrollIntoView()`)
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compare.png"), png, 0o644))
		p.eval(t, `document.querySelector('[data-testid="compare-charts"]').scrollIntoView()`)
		png, err = chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-charts.png"), png, 0o644))
		p.eval(t, `document.querySelector('[data-testid="compare-now"]').scrollIntoView()`)
		png, err = chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-controls.png"), png, 0o644))
	}

	// Back in time and forward again: the same hashes.
	p.setInput(t, `[data-testid="compare-tick"]`, "500")
	p.click(t, "compare-run-to")
	p.until(t, "t=500", `[...document.querySelectorAll('[data-testid="compare-variant"]')].every(e => e.dataset.tick === "500")`)
	p.setInput(t, `[data-testid="compare-tick"]`, "1000")
	p.click(t, "compare-run-to")
	require.Equal(t, div, p.compareAt(t, 1000, want))

	// A reload reopens it.
	p.until(t, "saved", `(localStorage.getItem("cc-compare") || "").includes("s3.")`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.click(t, "tab-compare")
	require.Equal(t, div, p.compareAt(t, 1000, want))

	// The share link opens it in a fresh browser, in the Compare tab.
	p.click(t, "compare-share")
	p.until(t, "the link", `(document.querySelector('[data-testid="compare-share-url"]')?.value || "").includes("#s3.")`)
	l := mustEval[string](t, p, `document.querySelector('[data-testid="compare-share-url"]').value`)
	require.Contains(t, l, base)
	q := newPage(t)
	require.NoError(t, chromedp.Do(q.ctx, chromedp.Navigate(l)))
	q.waitReady(t)
	q.until(t, "the Compare tab", `document.querySelector('[data-testid="tab-compare"]').getAttribute('aria-selected') === "true"`)
	require.Equal(t, div, q.compareAt(t, 1000, want))

	// Pasted into a running page, it replaces the comparison there.
	q.setInput(t, `[data-testid="compare-tick"]`, "500")
	q.click(t, "compare-run-to")
	q.until(t, "t=500", `[...document.querySelectorAll('[data-testid="compare-variant"]')].every(e => e.dataset.tick === "500")`)
	q.until(t, "the address without the link", `location.hash === ""`)
	require.NoError(t, chromedp.Do(q.ctx, chromedp.Navigate(l)))
	require.Equal(t, div, q.compareAt(t, 1000, want))
	require.Empty(t, p.errors())
	require.Empty(t, q.errors())
}

// setNth types value into the n-th element with the test id, as a user
// would.
func (p *page) setNth(t *testing.T, testid string, n int, value string) {
	t.Helper()
	p.eval(t, `(() => { const e = document.querySelectorAll('[data-testid="`+testid+`"]')[`+strconv.Itoa(n)+`]; e.value = '`+value+`';
		e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()`)
}

// columnsAt waits until the n columns stand at tick at and returns their
// hashes.
func (p *page) columnsAt(t *testing.T, n int, at clock.Tick) []string {
	t.Helper()
	tick := strconv.FormatInt(int64(at), 10)
	p.until(t, strconv.Itoa(n)+" columns at "+tick, `(() => { const c = [...document.querySelectorAll('[data-testid="compare-variant"]')];
		return c.length === `+strconv.Itoa(n)+` && c.every(e => e.dataset.tick === "`+tick+`"); })()`)
	return mustEval[[]string](t, p, `[...document.querySelectorAll('[data-testid="compare-variant"]')].map(e => e.dataset.hash)`)
}

// Variants of one policy that differ in seed or monitor settings: a bad
// seed is refused naming the variant and the field; good ones run to the
// hashes compare.Run gives natively, each its own, and each column says
// what its variant overrides, the tick its figures are measured from (the
// end of the bring-up) and the placement failures after it and in all.
func TestCompareVariantSettings(t *testing.T) {
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	seed := uint64(8)
	mon := sc.Control.Monitor
	mon.SuspectAfter, mon.FailAfter = 30, 60
	r, err := compare.New(sc, []variant.Variant{{Name: "first-fit", Policy: "first-fit"}, {Name: "seed 8", Policy: "first-fit", Seed: &seed},
		{Name: "slow monitor", Policy: "first-fit", Monitor: &mon}})
	require.NoError(t, err)
	require.NoError(t, r.SetPolicy(clock.NoWait, 0, -1))
	hashesAt := func(at clock.Tick) []string {
		require.NoError(t, r.RunUntil(at))
		var out []string
		for _, w := range r.Worlds() {
			out = append(out, w.Status().Hash)
		}
		return out
	}
	want400, want := hashesAt(400), hashesAt(1000)

	p, _ := openAppServer(t, "/?builtin=workload-churn")
	p.click(t, "tab-compare")
	p.until(t, "two variants offered", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 2`)
	p.setNth(t, "compare-variant-policy", 0, "first-fit")
	p.setNth(t, "compare-variant-policy", 1, "first-fit")
	p.setNth(t, "compare-variant-name", 1, "seed 8")
	p.setNth(t, "compare-variant-seed", 1, "x")
	p.click(t, "compare-start")
	p.until(t, "refused", `(document.querySelector('[data-testid="compare-error"]')?.textContent || "").includes('variant 2 (seed 8): seed: "x" is not a whole number')`)
	require.Zero(t, mustEval[float64](t, p, `document.querySelectorAll('[data-testid="compare-variant"]').length`), "nothing started")

	p.setNth(t, "compare-variant-seed", 1, "8")
	p.click(t, "compare-add-variant")
	p.until(t, "three", `document.querySelectorAll('[data-testid="compare-variant-policy"]').length === 3`)
	p.setNth(t, "compare-variant-policy", 2, "first-fit")
	p.setNth(t, "compare-variant-name", 2, "slow monitor")
	p.setNth(t, "compare-variant-suspect-after", 2, "30")
	p.setNth(t, "compare-variant-fail-after", 2, "60")
	p.click(t, "compare-start")
	p.setInput(t, `[data-testid="compare-tick"]`, "1000")
	p.click(t, "compare-run-to")
	got := p.columnsAt(t, 3, 1000)
	require.Equal(t, want, got, "the page's hashes are compare.Run's")
	require.NotEqual(t, got[0], got[1], "another seed, another run")
	require.NotEqual(t, got[0], got[2], "another monitor, another run")
	over := mustEval[[]string](t, p, `[...document.querySelectorAll('[data-testid="compare-variant-overrides"]')].map(e => e.textContent)`)
	require.Equal(t, []string{"nothing else overridden", "seed 8",
		"monitor: suspect after 30 ticks of silence, unavailable after 60"}, over)
	// The travel slider: back to 400 and forward again to its end, 1000.
	require.Equal(t, "1000", attr(t, p, `[data-testid="compare-travel"]`, "data-max"))
	p.setInput(t, `[data-testid="compare-travel"]`, "400")
	require.Equal(t, want400, p.columnsAt(t, 3, 400))
	require.Equal(t, "1000", attr(t, p, `[data-testid="compare-travel"]`, "data-max"), "the slider still reaches 1000")
	p.setInput(t, `[data-testid="compare-travel"]`, "1000")
	require.Equal(t, want, p.columnsAt(t, 3, 1000))
	cols := mustEval[[]string](t, p, `[...document.querySelectorAll('[data-testid="compare-variant"]')].map(e => e.textContent)`)
	measured := mustEval[[]string](t, p, `[...document.querySelectorAll('[data-testid="compare-measured"]')].map(e => e.getAttribute('data-from') + ' ' + e.textContent)`)
	for i, w := range r.Worlds() {
		f := w.Figures()
		require.Contains(t, cols[i], fmt.Sprintf("placement failures%d (%d from tick 0)", *f.PlacementFailures, *f.PlacementFailuresTotal))
		require.Equal(t, fmt.Sprintf("%d measured from tick %d, after the bring-up", *f.MeasuredFrom, *f.MeasuredFrom), measured[i])
	}
	if dir := os.Getenv("CC_SHOTS"); dir != "" {
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-settings.png"), png, 0o644))
		p.eval(t, `document.querySelector('[data-testid="compare-travel"]').scrollIntoView()`)
		png, err = chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-travel.png"), png, 0o644))
		p.eval(t, `document.querySelector('[data-testid="compare-divergence"]').scrollIntoView()`)
		png, err = chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-settings-columns.png"), png, 0o644))
	}

	// Saved in the library, it reopens there after the comparison here
	// changed (and after a reload): the same variants, tick and hashes.
	p.setInput(t, `[data-testid="compare-save-name"]`, "seeds and monitors")
	p.click(t, "compare-save")
	p.until(t, "saved", `(document.querySelector('[data-testid="compare-save-msg"]')?.textContent || "").includes("Saved “seeds and monitors” in the library, at t=1000")`)
	p.setInput(t, `[data-testid="compare-tick"]`, "200")
	p.click(t, "compare-run-to")
	p.columnsAt(t, 3, 200)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.click(t, "tab-library")
	p.until(t, "the entry, a comparison", libItem("seeds and monitors")+`?.dataset.kind === "comparison"`)
	p.eval(t, libItem("seeds and monitors")+`.querySelector('[data-testid="library-open"]').click()`)
	p.until(t, "the Compare tab", `document.querySelector('[data-testid="tab-compare"]').getAttribute('aria-selected') === "true"`)
	require.Equal(t, want, p.columnsAt(t, 3, 1000), "reopened at t=1000 with the same hashes")
	if dir := os.Getenv("CC_SHOTS"); dir != "" {
		p.click(t, "tab-library")
		p.until(t, "the list", libItem("seeds and monitors")+` != null`)
		png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "compare-library.png"), png, 0o644))
	}
	require.Empty(t, p.errors())
}
