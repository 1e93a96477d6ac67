//go:build e2e && shots

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestGPUScreenshots saves, into $CC_SHOTS, the Scenario panel's GPU trace
// import at each step (nothing held, a file refused, both held, imported),
// the imported trace's racks, and the racks of a small GPU scenario with
// its devices in use.
func TestGPUScreenshots(t *testing.T) {
	dir := os.Getenv("CC_SHOTS")
	require.NotEmpty(t, dir, "set CC_SHOTS to a directory")
	p := openApp(t)
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	}
	element := func(name, sel string) {
		t.Helper()
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	}
	zone := `[data-testid="trace-import-zone"]`
	status := `document.querySelector('[data-testid="trace-import-status"]')`
	p.click(t, "tab-scenario")
	p.until(t, "the import", status+` !== null`)
	p.eval(t, `document.querySelector('`+zone+`').scrollIntoView()`)
	shot("trace-empty")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="trace-import"]`), []string{filepath.Join(gpuTraceDir, "openb_node_list_all_node.csv")})))
	p.until(t, "the node list held", status+`.dataset.state === "partial"`)
	p.dropFile(t, zone, "my_pods.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,creation_time,deletion_time\n"+
		"t0,4000,8192,1,500,,0,100\nt1,4000,8192,x,500,,0,100\nt2,4000,8192,2,500,,0,100\nt3,4000,8192,1,500,,0\n")
	p.until(t, "the refusal", `document.querySelector('[data-testid="trace-import-errors"]') !== null`)
	p.eval(t, `document.querySelector('`+zone+`').scrollIntoView()`)
	shot("trace-refused")
	element("trace-refused-zone", zone)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="trace-import"]`), []string{filepath.Join(gpuTraceDir, "openb_pod_list_default.csv")})))
	p.until(t, "both held", status+`.dataset.state === "ready"`)
	element("trace-ready", zone)
	p.click(t, "trace-import-run")
	p.until(t, "the import", status+`.dataset.state === "done"`)
	element("trace-done", zone)
	p.setInput(t, `[data-testid="zone-select"]`, "region1/zone3") // zone1's nodes have few GPUs
	p.until(t, "zone3", `document.querySelectorAll('path.gpu-cells').length > 100`)
	p.eval(t, `document.querySelector('.panel-inventory').scrollIntoView()`)
	shot("trace-racks")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 656, chromedp.EmulateScale(3))))
	element("trace-rack", `[data-testid="rack-rack1"]`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 656)))

	p.gpuSharingAt300(t)
	p.eval(t, `document.querySelector('.panel-inventory').scrollIntoView()`)
	shot("gpu-racks")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 656, chromedp.EmulateScale(3))))
	element("gpu-rack", `[data-testid="rack-rack1"]`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 656)))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-rack1-1"]`))))
	p.until(t, "its card", `document.querySelectorAll('[data-testid="gpu-device"]').length > 0`)
	shot("gpu-blade")
}
