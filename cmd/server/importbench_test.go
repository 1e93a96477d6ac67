//go:build e2e && uibench

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/stretchr/testify/require"
)

// watchFrames starts recording, in the page, the time between animation
// frames (window.ccGaps, ms), the moment the tagline first names the
// import (window.ccDone, ms since window.ccT0) and the largest gap until
// then (window.ccGapDone): a frame gap is how long the page was frozen.
// Every gap over 100 ms is also kept in window.ccLong with what the page
// said of the import in the frame before it (the phase it froze in; "" when
// nothing: before the import shows or after it ended). It records until
// window.ccStop is set.
const watchFrames = `(() => {
	window.ccGaps = []; window.ccLong = []; window.ccDone = 0; window.ccT0 = performance.now(); window.ccStop = false;
	let last = window.ccT0, said = "";
	const tick = now => {
		window.ccGaps.push(now - last);
		if (now - last > 100) window.ccLong.push(Math.round(now - last) + " ms after «" + said + "» at " + Math.round(last - window.ccT0) + " ms");
		last = now;
		const p = document.querySelector('[data-testid="import-progress"] span');
		said = p ? p.textContent.replace(/[0-9,]+/g, "N") : "";
		if (!window.ccDone && document.querySelector('.shell-tagline').textContent === "Scenario: " + window.ccName) {
			window.ccDone = performance.now() - window.ccT0; window.ccGapDone = Math.max(...window.ccGaps);
		}
		if (!window.ccStop) requestAnimationFrame(tick);
	};
	requestAnimationFrame(tick);
})()`

// TestImportBench measures the import of a generated inventory of 10,000
// and of 50,000 blades (issue 15), each in a fresh page: from the file
// chosen to the page showing it (import-<n>-interactive, ms), the longest
// time between two frames meanwhile (import-<n>-max-frame-gap, ms: how
// long the page froze), to the session autosaved (import-<n>-saved) and
// the longest gap until a second after that, and the wasm linear memory
// (which never shrinks, so it is the peak) once the blades are up, at
// tick 20 (import-<n>-wasm-memory, MiB), with what it was before the
// import (import-<n>-wasm-memory-before) and once the session is saved,
// before it runs (import-<n>-wasm-memory-saved). CC_BENCH_IMPORT=10k (or
// 50k) measures one size only. It also prints the garbage collector's
// cycles and seconds to the save (import-<n>-gc: its idle mark worker
// runs while the page waits for a frame, in one piece) and each gap over
// 100 ms with the phase it froze in.
func TestImportBench(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	for _, c := range []struct {
		name string
		spec inventory.GenSpec
	}{
		{"10k", inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: 50, BladesPerRack: 100}},
		{"50k", inventory.GenSpec{Regions: 2, ZonesPerRegion: 5, RacksPerZone: 50, BladesPerRack: 100}},
	} {
		if only := os.Getenv("CC_BENCH_IMPORT"); only != "" && only != c.name {
			continue
		}
		d, err := inventory.Generate(c.spec)
		require.NoError(t, err)
		y, err := inventory.MarshalYAML(d)
		require.NoError(t, err)
		name := "gen" + c.name
		file := filepath.Join(t.TempDir(), name+".yaml")
		require.NoError(t, os.WriteFile(file, y, 0o644))

		p := newPageFor(t, 10*time.Minute)
		_, err = chromedp.Call(p.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: keepWasm})
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
		p.waitReady(t)
		p.waitSaved(t)
		p.click(t, "tab-scenario")
		wasmMiB := func() float64 {
			mem, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`window.ccWasm.exports.mem.buffer.byteLength`))
			require.NoError(t, err)
			return mem / (1 << 20)
		}
		before := wasmMiB()
		p.eval(t, `window.ccName = "`+name+`"`)
		p.eval(t, `window.ccGC0 = window.ccFrameStats().pop()`)
		p.eval(t, watchFrames)
		require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
		p.until(t, "the import shown", `window.ccDone > 0`)
		p.waitSaved(t)
		p.eval(t, `window.ccSaved = performance.now() - window.ccT0`)
		p.until(t, "a second more", `performance.now() - window.ccT0 > window.ccSaved + 1000`)
		p.eval(t, `window.ccStop = true`)
		v, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](`[window.ccDone, window.ccGapDone, window.ccSaved, Math.max(...window.ccGaps)]`))
		require.NoError(t, err)
		fmt.Printf("BENCH import-%s-interactive %.0f ms\n", c.name, v[0])
		fmt.Printf("BENCH import-%s-max-frame-gap %.0f ms\n", c.name, v[1])
		fmt.Printf("BENCH import-%s-saved %.0f ms\n", c.name, v[2])
		fmt.Printf("BENCH import-%s-max-frame-gap-to-saved %.0f ms\n", c.name, v[3])
		fmt.Printf("BENCH import-%s-wasm-memory-before %.0f MiB\n", c.name, before)
		fmt.Printf("BENCH import-%s-wasm-memory-saved %.0f MiB\n", c.name, wasmMiB())
		gc, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](`(g => [g[0] - ccGC0[0], g[1] - ccGC0[1], g[4] - ccGC0[4], g[3] - ccGC0[3]])(window.ccFrameStats().pop())`))
		require.NoError(t, err)
		fmt.Printf("BENCH import-%s-gc %.0f cycles, %.2f s (%.2f s idle marking), %.0f MiB allocated\n", c.name, gc[0], gc[1], gc[2], gc[3]/(1<<20))
		long, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`window.ccLong`))
		require.NoError(t, err)
		for _, l := range long {
			fmt.Printf("import-%s frame gap: %s\n", c.name, l)
		}
		p.runTo(t, "20")
		fmt.Printf("BENCH import-%s-wasm-memory %.0f MiB\n", c.name, wasmMiB())
		require.Empty(t, p.errors())
	}
}
