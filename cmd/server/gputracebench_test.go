//go:build e2e && uibench

package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// keepWasm keeps the page's WebAssembly instance as window.ccWasm, so the
// test can read the size of its linear memory (the Go heap lives there,
// and it never shrinks: its size is the peak).
const keepWasm = `(() => {
	const keep = r => { window.ccWasm = r.instance || r; return r; };
	const is = WebAssembly.instantiateStreaming, ins = WebAssembly.instantiate;
	if (is) WebAssembly.instantiateStreaming = (...a) => is.apply(WebAssembly, a).then(keep);
	WebAssembly.instantiate = (...a) => ins.apply(WebAssembly, a).then(keep);
})()`

// TestGPUTraceImportBench measures the import of the whole published GPU
// trace in the page (issue 14: "import time and memory of the trace in
// the page"): reading each file on arrival, building the scenario, opening
// it as the session, the wall time from the click to the status saying it
// is done, and then saved; the wasm linear memory and the JS heap before
// the files, with them held, and after the import.
func TestGPUTraceImportBench(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	p := newPage(t)
	_, err := chromedp.Call(p.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: keepWasm})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	p.waitSaved(t)
	mem := func(what string) {
		t.Helper()
		v, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]float64](`[window.ccWasm.exports.mem.buffer.byteLength, performance.memory ? performance.memory.usedJSHeapSize : 0]`))
		require.NoError(t, err)
		fmt.Printf("BENCH gputrace-page-wasm-memory-%s %.1f MiB\n", what, v[0]/(1<<20))
		fmt.Printf("BENCH gputrace-page-js-heap-%s %.1f MiB\n", what, v[1]/(1<<20))
	}
	p.click(t, "tab-scenario")
	mem("before")
	var files []string
	for _, f := range []string{"openb_node_list_all_node.csv", "openb_pod_list_default.csv"} {
		files = append(files, filepath.Join(gpuTraceDir, f))
	}
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="trace-import"]`), files)))
	status := `document.querySelector('[data-testid="trace-import-status"]')`
	p.until(t, "both held", status+`.dataset.state === "ready"`)
	for _, f := range []string{"openb_node_list_all_node.csv", "openb_pod_list_default.csv"} {
		ms := attr(t, p, `li.trace-file[data-name="`+f+`"]`, "data-read-ms")
		fmt.Printf("BENCH gputrace-page-read-%s %s ms\n", f, ms)
	}
	mem("held")
	p.eval(t, `window.ccT0 = performance.now(); document.querySelector('[data-testid="trace-import-run"]').click()`)
	p.until(t, "the import", status+`.dataset.state === "done"`)
	wall, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`performance.now() - window.ccT0`))
	require.NoError(t, err)
	require.Equal(t, "1523", attr(t, p, `[data-testid="trace-import-status"]`, "data-blades"))
	for _, k := range []string{"build-ms", "open-ms"} {
		v, err := strconv.ParseFloat(attr(t, p, `[data-testid="trace-import-status"]`, "data-"+k), 64)
		require.NoError(t, err)
		fmt.Printf("BENCH gputrace-page-%s %.0f ms\n", k, v)
	}
	fmt.Printf("BENCH gputrace-page-import-wall %.0f ms\n", wall)
	mem("imported")
	p.waitSaved(t)
	saved, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`performance.now() - window.ccT0`))
	require.NoError(t, err)
	fmt.Printf("BENCH gputrace-page-import-saved %.0f ms\n", saved)
	mem("saved")
	require.Empty(t, p.errors())
}
