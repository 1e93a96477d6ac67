//go:build e2e

package main

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// gpuTraceDir holds the published Alibaba GPU trace (2023).
var gpuTraceDir, _ = filepath.Abs(filepath.Join("..", "..", "core", "gputrace", "testdata", "alibaba-gpu-2023")) // Chromium reads files by absolute path

// dropFile drops a file of the given name and text on the element sel, as
// a user dragging it from their files does.
func (p *page) dropFile(t *testing.T, sel, name, text string) {
	t.Helper()
	n, err := json.Marshal(name)
	require.NoError(t, err)
	body, err := json.Marshal(text)
	require.NoError(t, err)
	p.eval(t, `(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([`+string(body)+`], `+string(n)+`, {type: "text/csv"}));
		const el = document.querySelector('`+sel+`');
		el.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt}));
		el.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
	})()`)
}

// The published trace's two files, the node list chosen first, then a
// malformed task list dropped on the panel (refused with its located
// message, in the panel and the page's error bar, changing nothing), then
// the real task list: imported as a new session of the trace's 1,523
// blades, whose racks draw their GPUs' cells, filled once tasks run.
func TestUIGPUTraceImport(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	p := newPageFor(t, 3*time.Minute) // the world is built between frames: longer than a minute on a loaded machine
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	p.click(t, "step-n")
	p.until(t, "tick 10", `document.querySelector('[data-testid="tick"]').textContent === "10"`)
	hash := p.text(t, `[data-testid="trace-hash"]`)
	p.click(t, "tab-scenario")
	status := `document.querySelector('[data-testid="trace-import-status"]')`
	p.until(t, "the import's status", status+`?.dataset.needs === "a node list and a task list"`)

	nodes := filepath.Join(gpuTraceDir, "openb_node_list_all_node.csv")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="trace-import"]`), []string{nodes})))
	p.until(t, "the node list held", status+`.dataset.needs === "a task list" && `+status+`.textContent === "Still needs a task list."`)
	p.until(t, "its counts", `document.querySelector('li.trace-file[data-name="openb_node_list_all_node.csv"]')?.dataset.rows === "1523"`)

	bad := "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n" +
		"t0,4000,8192,1,500,,0,100\n" +
		"t1,4000,8192,x,500,,0,100\n"
	p.dropFile(t, `[data-testid="trace-import-zone"]`, "bad_pods.csv", bad)
	const msg = `bad_pods.csv:3:4: num_gpu: want an integer 0..64, got \"x\"`
	p.until(t, "the located message in the panel", `(document.querySelector('[data-testid="trace-import-errors"]')?.textContent || "").includes("`+msg+`")`)
	p.until(t, "and in the error bar", `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("`+msg+`")`)
	require.Equal(t, hash, p.text(t, `[data-testid="trace-hash"]`))
	require.Equal(t, 10, p.tick(t))
	require.Equal(t, "a task list", attr(t, p, `[data-testid="trace-import-status"]`, "data-needs"), "the node list is still held")

	tasks := filepath.Join(gpuTraceDir, "openb_pod_list_default.csv")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="trace-import"]`), []string{tasks})))
	p.until(t, "both held", status+`.dataset.state === "ready"`)
	p.until(t, "the refusal cleared", `document.querySelector('[data-testid="trace-import-errors"]') === null && document.querySelector('[data-testid="error"]') === null`)
	p.setInput(t, `[data-testid="trace-rack-size"]`, "16")
	// An MTTR of 0 is refused, as by ccsim import --mttr, and changes nothing.
	p.setInput(t, `[data-testid="trace-mtbf"]`, "86400")
	p.setInput(t, `[data-testid="trace-mttr"]`, "0")
	p.click(t, "trace-import-run")
	p.until(t, "the refusal", `(document.querySelector('[data-testid="trace-import-errors"]')?.textContent || "").includes('MTTR: want a whole number of ticks, 1 or more, got "0"')`)
	require.Equal(t, "ready", attr(t, p, `[data-testid="trace-import-status"]`, "data-state"))
	require.Equal(t, hash, p.text(t, `[data-testid="trace-hash"]`))
	p.setInput(t, `[data-testid="trace-mttr"]`, "600")
	p.click(t, "trace-import-run")
	p.until(t, "the import", status+`.dataset.state === "done"`)
	desc := p.text(t, `.panel-scenario`)
	require.Contains(t, desc, "A GPU cluster trace imported by the page's trace import from openb_node_list_all_node.csv and openb_pod_list_default.csv: 1523 nodes as blades (racks of 16, zones of 8 racks)")
	require.Contains(t, desc, "Each blade fails after an exponential time with mean 86400 ticks and is repaired in about 600.")
	require.NotContains(t, desc, "ccsim import alibaba-gpu:")
	require.Equal(t, "1523", attr(t, p, `[data-testid="trace-import-status"]`, "data-blades"))
	notice := p.text(t, `[data-testid="notice"]`)
	require.Contains(t, notice, ": 1,523 blades in 96 racks (12 zones), opened as a new, unsaved session.", "the page says the import succeeded")
	require.Contains(t, notice, "Your previous session is in the library as")
	require.Equal(t, 0, p.tick(t))
	require.NotEqual(t, hash, p.text(t, `[data-testid="trace-hash"]`))
	zones, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="zone-select"] option').length`))
	require.NoError(t, err)
	require.Equal(t, 12, zones, "96 racks of 16 in zones of 8")
	p.until(t, "GPU cells drawn", `document.querySelectorAll('path.gpu-cells').length > 0 && document.querySelector('[data-testid="legend-gpu"]') !== null`)
	require.Empty(t, p.errors())
}

// A small GPU scenario's racks draw each GPU blade's devices as cells,
// filled as the scheduler books them: by tick 300 some are in use, and a
// blade's data-gpu-used agrees with its detail card.
func TestUIGPUCells(t *testing.T) {
	p := openApp(t)
	p.gpuSharingAt300(t)
	used, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('g[data-gpu-used]')].find(g => g.querySelector('path.gpu-used')).dataset.testid`))
	require.NoError(t, err)
	list := attr(t, p, `[data-testid="`+used+`"]`, "data-gpu-used")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="`+used+`"]`))))
	p.until(t, "its card", `document.querySelectorAll('[data-testid="gpu-device"]').length > 0`)
	card, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[data-testid="gpu-device"]')].map(li => li.dataset.used).join(",")`))
	require.NoError(t, err)
	require.Equal(t, list, card, "the drawing's cells and the card read the same books")
	require.Empty(t, p.errors())
}

// gpuSharingAt300 imports core/sim's small GPU-sharing scenario and runs
// it to tick 300, when some of its devices are in use.
func (p *page) gpuSharingAt300(t *testing.T) {
	t.Helper()
	p.click(t, "tab-scenario")
	file, err := filepath.Abs(filepath.Join("..", "..", "core", "sim", "testdata", "gpu-sharing.json"))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the GPU scenario", `document.querySelector('g[data-gpu-used]') !== null`)
	p.runTo(t, "300")
	p.until(t, "some GPU in use", `document.querySelectorAll('path.gpu-used').length > 0`)
}
