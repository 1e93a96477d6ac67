//go:build e2e

package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/fill"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/stretchr/testify/require"
)

// traceDir holds the Alibaba GPU trace (2023).
var traceDir = filepath.Join("..", "..", "core", "gputrace", "testdata", "alibaba-gpu-2023")

// traceFiles are the absolute paths of the trace's node list and default
// task list, as a user chooses them.
func traceFiles(t *testing.T) (nodes, tasks string) {
	t.Helper()
	nodes, err := filepath.Abs(filepath.Join(traceDir, "openb_node_list_all_node.csv"))
	require.NoError(t, err)
	tasks, err = filepath.Abs(filepath.Join(traceDir, "openb_pod_list_default.csv"))
	require.NoError(t, err)
	return nodes, tasks
}

// nativeFill runs the experiment natively, as `ccsim experiment fill`
// does, for policies × seeds in that order.
func nativeFill(t *testing.T, policies []string, seeds []uint64) []*fill.Result {
	t.Helper()
	nodesFile, tasksFile := traceFiles(t)
	nb, err := os.ReadFile(nodesFile)
	require.NoError(t, err)
	tb, err := os.ReadFile(tasksFile)
	require.NoError(t, err)
	nodes, err := gputrace.ReadNodes(bytes.NewReader(nb), nodesFile)
	require.NoError(t, err)
	tasks, err := gputrace.ReadTasks(bytes.NewReader(tb), tasksFile)
	require.NoError(t, err)
	var out []*fill.Result
	for _, p := range policies {
		for _, s := range seeds {
			r, err := fill.Run(nodes, tasks, fill.Config{Policy: p, Seed: s, Tune: fill.DefaultTune})
			require.NoError(t, err)
			out = append(out, r)
		}
	}
	return out
}

// openFillTab opens the GPU fill tab and chooses the trace's two files
// (the task list first: they are told apart by their header). Workers
// are counted (countWorkers) from before the files: the tab starts them
// then, to load the runner while the user chooses.
func openFillTab(t *testing.T) *page {
	t.Helper()
	p := openAppAt(t, "/")
	p.eval(t, countWorkers)
	p.click(t, "tab-fill")
	p.until(t, "the fill tab", `document.querySelector('[data-testid="fill-choose"]') !== null`)
	nodes, tasks := traceFiles(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="fill-choose"]`), []string{tasks, nodes})))
	p.until(t, "both files read", `document.querySelector('[data-testid="fill-nodes"]')?.dataset.count === "1523" &&
		document.querySelector('[data-testid="fill-tasks"]')?.dataset.count === "8152"`)
	return p
}

// The GPU fill tab: the trace's two files chosen, 2 policies × 2 seeds
// run in Web Workers give the mean at 100 % and the CSV natively computed,
// byte for byte, beside the published means; a bad file dropped is
// refused with its line and column and changes nothing; a longer
// experiment draws its curves as runs come in, and cancelled, terminates
// its Workers and keeps nothing.
func TestUIFillExperiment(t *testing.T) {
	policies, seeds := []string{"gpu-packing", "fgd"}, []uint64{42, 43}
	want := nativeFill(t, policies, seeds)
	var wantCSV bytes.Buffer
	require.NoError(t, fill.WriteCSV(&wantCSV, "openb_pod_list_default", want))

	p := openFillTab(t)
	p.until(t, "the Workers started ahead", `window.ccWorkers.length >= 1`)
	dir := allowDownloads(t, p)
	require.Contains(t, p.text(t, `[data-testid="fill-tasks"]`), "the peer published results of this list")

	// A bad task list dropped on the zone: refused, nothing changes.
	p.eval(t, `(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(["name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\nt1,100,100,x,0,,0,\n"], "bad_pods.csv"));
		document.querySelector('[data-testid="fill-files"]').dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`)
	p.until(t, "the refusal", `document.querySelector('[data-testid="fill-error"]') !== null`)
	require.Contains(t, p.text(t, `[data-testid="fill-error"]`), `bad_pods.csv:2:4: num_gpu: want an integer 0..64, got "x"`)
	require.Equal(t, "openb_pod_list_default.csv", attr(t, p, `[data-testid="fill-tasks"]`, "data-name"))

	for _, pol := range []string{"random", "dot-product", "gpu-clustering", "best-fit"} {
		p.eval(t, `document.querySelector('[data-testid="fill-policy"][data-policy="`+pol+`"]').click()`)
	}
	p.setInput(t, `[data-testid="fill-seed-last"]`, "43")
	p.until(t, "the form", `document.querySelector('[data-testid="fill-run"]').textContent === "Run 4 runs (2 policies × 2 seeds)"`)
	p.click(t, "fill-run")
	p.until(t, "the results", `document.querySelector('[data-testid="fill-results"]') !== null`)
	require.Equal(t, "4", attr(t, p, `[data-testid="fill-progress"]`, "data-done"))
	require.Equal(t, "4", attr(t, p, `[data-testid="fill-progress"]`, "data-total"))

	type row struct{ Policy, Mean, Published string }
	rows, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]row](`[...document.querySelectorAll('[data-testid="fill-results"] tbody tr')].map(r => ({Policy: r.dataset.policy, Mean: r.dataset.mean, Published: r.dataset.published}))`))
	require.NoError(t, err)
	published := map[string]string{"gpu-packing": "91.78", "fgd": "95.23"} // README, to two decimals
	for i, pol := range policies {
		a, b := want[2*i].Curve[100], want[2*i+1].Curve[100]
		mean := strconv.FormatFloat(float64(a+b)/2/100, 'f', -1, 64)
		require.Equal(t, pol, rows[i].Policy)
		require.Equal(t, mean, rows[i].Mean, pol)
		pub, err := strconv.ParseFloat(rows[i].Published, 64)
		require.NoError(t, err)
		require.Equal(t, published[pol], strconv.FormatFloat(pub, 'f', 2, 64), pol)
	}
	require.Len(t, rows, 2)
	// Each policy solid and its published curve dashed, in both charts.
	require.Equal(t, 2, count(t, p, `[data-testid="fill-chart"] path[data-kind="ours"]`))
	require.Equal(t, 2, count(t, p, `[data-testid="fill-chart"] path[data-kind="published"]`))
	require.Equal(t, 4, count(t, p, `[data-testid="fill-chart-zoom"] path[data-policy]`))

	p.click(t, "fill-csv")
	got := waitFile(t, p, filepath.Join(dir, "fill-openb_pod_list_default.csv"))
	require.Equal(t, wantCSV.String(), string(got))
	// The page's row of fgd, seed 42 hashes to the value pinned natively
	// and under Node (a change of the native result cannot hide here).
	prefix := "openb_pod_list_default," + fill.PeerName("fgd") + "," + fill.FormatThousandths(fill.DefaultTune) + ",42,"
	var fgdRow []byte
	for line := range bytes.Lines(got) {
		if bytes.HasPrefix(line, []byte(prefix)) {
			fgdRow = line
		}
	}
	require.NotNil(t, fgdRow, "no row %q in the page's CSV", prefix)
	require.Equal(t, fill.PinnedRowSHA256, fmt.Sprintf("%x", sha256.Sum256(fgdRow)))
	p.until(t, "the Workers terminated", `window.ccWorkers.length >= 1 && window.ccWorkers.every(w => w.ccTerminated)`)
	started, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`window.ccWorkers.length`))
	require.NoError(t, err)

	// Every policy, seeds 42..51, cancelled once a run is in.
	for _, pol := range []string{"random", "dot-product", "gpu-clustering", "best-fit"} {
		p.eval(t, `document.querySelector('[data-testid="fill-policy"][data-policy="`+pol+`"]').click()`)
	}
	p.setInput(t, `[data-testid="fill-seed-last"]`, "51")
	p.until(t, "the form", `document.querySelector('[data-testid="fill-run"]').textContent === "Run 60 runs (6 policies × 10 seeds)"`)
	p.click(t, "fill-run")
	// The last experiment's progress (4 of 4) and table stay until this one
	// starts: wait for its own total first, or the checks below read them.
	p.until(t, "this experiment started", `document.querySelector('[data-testid="fill-progress"]')?.dataset.total === "60"`)
	p.until(t, "a run done", `+(document.querySelector('[data-testid="fill-progress"]')?.dataset.done ?? 0) >= 1`)
	p.until(t, "its curve drawn", `document.querySelector('[data-testid="fill-chart"] path[data-kind="ours"]') !== null`)
	require.Equal(t, 0, count(t, p, `[data-testid="fill-results"]`), "the table once complete")
	p.click(t, "fill-cancel")
	p.until(t, "the note", `document.querySelector('[data-testid="fill-note"]')?.textContent.startsWith("Cancelled after")`)
	p.until(t, "every Worker terminated", `window.ccWorkers.length > `+strconv.Itoa(started)+` && window.ccWorkers.every(w => w.ccTerminated)`)
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, 0, count(t, p, `[data-testid="fill-results"]`))
	require.Equal(t, 0, count(t, p, `[data-testid="fill-chart"]`))
	require.Equal(t, 0, count(t, p, `[data-testid="fill-progress"]`))
	require.Equal(t, 0, count(t, p, `[data-testid="fill-cancel"]`))
	require.Empty(t, p.errors())
}

// After one visit, with the server gone, the tab reads the files and runs
// an experiment in its Workers from the page's cache.
func TestUIFillOffline(t *testing.T) {
	p, _ := oneVisitThenOffline(t, realSite(t).handler)
	p.click(t, "tab-fill")
	p.until(t, "the fill tab", `document.querySelector('[data-testid="fill-choose"]') !== null`)
	nodes, tasks := traceFiles(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="fill-choose"]`), []string{nodes, tasks})))
	p.until(t, "both files read", `document.querySelector('[data-testid="fill-tasks"]')?.dataset.count === "8152"`)
	for _, pol := range []string{"random", "dot-product", "gpu-clustering", "gpu-packing", "best-fit"} {
		p.eval(t, `document.querySelector('[data-testid="fill-policy"][data-policy="`+pol+`"]').click()`)
	}
	p.setInput(t, `[data-testid="fill-seed-last"]`, "42")
	p.until(t, "the form", `document.querySelector('[data-testid="fill-run"]').textContent === "Run 1 run (1 policy × 1 seed)"`)
	p.click(t, "fill-run")
	p.until(t, "the results", `document.querySelector('[data-testid="fill-results"] tr[data-policy="fgd"]') !== null`)
	want := nativeFill(t, []string{"fgd"}, []uint64{42})
	require.Equal(t, strconv.FormatFloat(float64(want[0].Curve[100])/100, 'f', -1, 64),
		attr(t, p, `[data-testid="fill-results"] tr[data-policy="fgd"]`, "data-mean"))
}

// The last complete experiment is kept in IndexedDB and shown again after
// a reload: the same curves, table, key and CSV bytes, the form as it
// was; the files are dropped again to run another.
func TestUIFillKeptAcrossReload(t *testing.T) {
	want := nativeFill(t, []string{"fgd"}, []uint64{42})
	var wantCSV bytes.Buffer
	require.NoError(t, fill.WriteCSV(&wantCSV, "openb_pod_list_default", want))
	p := openFillTab(t)
	dir := allowDownloads(t, p)
	for _, pol := range []string{"random", "dot-product", "gpu-clustering", "gpu-packing", "best-fit"} {
		p.eval(t, `document.querySelector('[data-testid="fill-policy"][data-policy="`+pol+`"]').click()`)
	}
	p.setInput(t, `[data-testid="fill-seed-last"]`, "42")
	p.until(t, "the form", `document.querySelector('[data-testid="fill-run"]').textContent === "Run 1 run (1 policy × 1 seed)"`)
	p.click(t, "fill-run")
	p.until(t, "the results", `document.querySelector('[data-testid="fill-results"]') !== null`)
	shown := func() string {
		t.Helper()
		s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[data-testid^="fill-chart"] path[data-policy]')].
			map(e => e.closest('figure').dataset.testid + " " + e.dataset.policy + " " + e.dataset.kind + " " + e.getAttribute("d")).join("\n") +
			"\n" + document.querySelector('[data-testid="fill-results"]').innerText + "\n" + document.querySelector('[data-testid="fill-key"]').textContent`))
		require.NoError(t, err)
		return s
	}
	before := shown()
	p.untilStored(t, "the experiment kept", "sweeps", "fill")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.click(t, "tab-fill")
	p.until(t, "the results again", `document.querySelector('[data-testid="fill-results"]') !== null`)
	require.Equal(t, before, shown())
	require.Contains(t, p.text(t, `[data-testid="fill-progress"]`), "1 of 1 runs, kept from an earlier visit")
	require.Equal(t, "Run 1 run (1 policy × 1 seed)", p.text(t, `[data-testid="fill-run"]`), "the form as it was")
	require.Contains(t, p.text(t, `[data-testid="fill-nodes"]`), "not yet", "the files are not kept")
	p.click(t, "fill-csv")
	got := waitFile(t, p, filepath.Join(dir, "fill-openb_pod_list_default.csv"))
	require.Equal(t, wantCSV.String(), string(got), "the CSV after a reload")
	require.Empty(t, p.errors())
}
