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

// A zone of 2,500 blades drawn as rack summaries (chosen over the map);
// choosing one draws it in full right there, in view, and what is in it
// can be selected by click and by Enter, and faulted. Its PDU's 101 ports stay inside the bar.
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
	p.until(t, "the map", `document.querySelector('[data-testid="cluster-map"]') !== null`)
	p.click(t, "draw-racks") // the rack summaries, not the map
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

	// 101 ports on the PDU, 101 on the TOR: every mark inside its bar.
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(() => {
		const bad = [];
		let n = 0;
		for (const g of document.querySelectorAll('[data-testid="rack-drill"] g[data-testid^="pdu-"], [data-testid="rack-drill"] g[data-testid^="tor-"]')) {
			const bar = g.querySelector('rect.dev').getBBox();
			for (const m of g.querySelectorAll('[data-port]')) {
				n++;
				const b = m.getBBox();
				if (b.x < bar.x || b.y < bar.y || b.x + b.width > bar.x + bar.width || b.y + b.height > bar.y + bar.height) bad.push(g.dataset.testid + " port " + m.dataset.port);
			}
		}
		return n + " " + bad.join(", ");
	})()`))
	require.NoError(t, err)
	require.Equal(t, "202 ", out, "port marks outside their bar")
	require.Empty(t, p.errors())
}

// Port 0, the cable between a rack's PDU and TOR, is drawn and listed on
// while both work.
func TestPortZeroDrawnOn(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "5")
	for _, dev := range []string{"pdu-rack3-0", "tor-rack3-0"} {
		require.Equal(t, "port on", attr(t, p, `[data-testid="`+dev+`"] [data-port="0"]`, "class"), dev)
	}
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="tor-rack3-0"]`))))
	p.until(t, "the TOR's card", `document.querySelector('[data-testid="detail-card"] h2').textContent.endsWith("rack3/tor/0")`)
	require.Equal(t, "on", attr(t, p, `[data-testid="detail-card"] .cables li[data-port="0"]`, "data-state"))
}
