//go:build e2e

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// A zone of 2,500 blades is drawn as rack summaries; choosing one draws it
// in full right there, in view, and what is in it can be selected by click
// and by Enter, and faulted.
func TestLargeZoneDrilledRack(t *testing.T) {
	sc, err := scenario.Builtin("thousand")
	require.NoError(t, err)
	sc.Name = "big"
	sc.Inventory.Generate.BladesPerRack = 100 // 25 racks: 2,500 blades in the zone
	data, err := scenario.MarshalIndent(sc)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "big.json")
	require.NoError(t, os.WriteFile(file, data, 0o644))

	p := openApp(t)
	p.click(t, "tab-scenario")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the summaries", `document.querySelectorAll('button.rack-summary').length === 25`)
	p.runTo(t, "30")

	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="rack-rack20"]`))))
	p.until(t, "rack20 drawn in full", `document.querySelectorAll('[data-testid="rack-drill"] [data-testid^="blade-rack20-"]').length === 100`)
	p.until(t, "right after its summary", `document.querySelector('[data-testid="rack-rack20"]').nextElementSibling === document.querySelector('[data-testid="rack-drill"]')`)
	p.until(t, "the drilled rack in view", `(() => {
		const main = document.querySelector('.shell-main').getBoundingClientRect();
		const r = document.querySelector('[data-testid="rack-drill"] .rack').getBoundingClientRect();
		return r.top >= main.top - 1 && r.top < main.bottom - 60;
	})()`)

	// Click a blade in it.
	blade := `[data-testid="blade-rack20-7"]`
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(blade))))
	p.until(t, "blade 7 selected", `document.querySelector('[data-testid="detail-card"] h2').textContent.endsWith("rack20/blade/7")`)
	// Enter on another.
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS(`[data-testid="blade-rack20-9"]`)), chromedp.KeyEvent(kb.Enter)))
	p.until(t, "blade 9 selected", `document.querySelector('[data-testid="detail-card"] h2').textContent.endsWith("rack20/blade/9")`)
	// And fault it.
	p.click(t, "tab-faults")
	p.until(t, "the form for blade 9", `document.querySelector('.fault-form h3').textContent.endsWith("rack20/blade/9")`)
	p.click(t, "inject-fault")
	p.until(t, "blade 9 faulted", `document.querySelector('[data-testid="blade-rack20-9"]').dataset.state === "faulted"`)

	require.Empty(t, p.errors())
}
