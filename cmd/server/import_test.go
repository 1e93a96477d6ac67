//go:build e2e

package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/stretchr/testify/require"
)

// genInventory writes a generated inventory of racks × blades blades (two
// zones) as name.yaml in a temporary directory and returns its path.
func genInventory(t *testing.T, name string, racks, blades int) string {
	t.Helper()
	d, err := inventory.Generate(inventory.GenSpec{Regions: 1, ZonesPerRegion: 2, RacksPerZone: racks / 2, BladesPerRack: blades})
	require.NoError(t, err)
	y, err := inventory.MarshalYAML(d)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), name+".yaml")
	require.NoError(t, os.WriteFile(file, y, 0o644))
	return file
}

// TestImportShowsProgressAndCompletes: a 10,000-blade inventory imports
// with its progress shown (lines read of the file's lines) and Cancel
// offered, every import input disabled meanwhile, then opens as the
// session.
func TestImportShowsProgressAndCompletes(t *testing.T) {
	file := genInventory(t, "gen10k", 100, 100)
	srv := startServer(t, realSite(t).handler)
	p := newPageFor(t, 5*time.Minute) // a loaded machine takes half a minute
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	p.click(t, "tab-scenario")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "progress in lines", `(() => { const e = document.querySelector('[data-testid="import-progress"]'); return e !== null && +e.dataset.done > 0 && +e.dataset.total > +e.dataset.done; })()`)
	p.until(t, "one import at a time", `document.querySelector('[data-testid="scenario-import"]').disabled`)
	p.until(t, "the GPU trace's input disabled too", `document.querySelector('[data-testid="trace-import"]').disabled &&
		document.querySelector('[data-testid="trace-import"]').title.startsWith("An import is running")`)
	p.until(t, "the file named, not the empty input", `document.querySelector('[data-testid="import-file"]')?.textContent === "importing gen10k.yaml" && document.querySelector('[data-testid="scenario-import"]').offsetParent === null`)
	p.until(t, "Cancel offered", `document.querySelector('[data-testid="import-cancel"]') !== null`)
	p.until(t, "the inventory opened", `document.querySelector('.shell-tagline').textContent === "Scenario: gen10k"`)
	require.Equal(t, "Imported gen10k.yaml: 10,000 blades in 100 racks (2 zones), opened as a new, unsaved session.", p.text(t, `[data-testid="notice"] > span`),
		"the page says the import succeeded, in its notice")
	p.until(t, "the progress gone", `document.querySelector('[data-testid="import-progress"]') === null`)
	p.until(t, "the file input back", `!document.querySelector('[data-testid="scenario-import"]').disabled && document.querySelector('[data-testid="scenario-import"]').offsetParent !== null`)
	p.until(t, "no file named", `document.querySelector('[data-testid="import-file"]') === null`)
	p.until(t, "the GPU trace's input back", `!document.querySelector('[data-testid="trace-import"]').disabled`)
	require.Empty(t, p.errors())
}

// TestCancelledImportChangesNothing: cancelling an import leaves the
// session (its tick, its trace hash), the library and the autosaved
// session as they were.
func TestCancelledImportChangesNothing(t *testing.T) {
	file := genInventory(t, "gen10k", 100, 100)
	p, _ := openAppServer(t, "/")
	p.runTo(t, "12")
	hash := p.hash(t)
	library := p.libraryNames(t)
	p.click(t, "tab-scenario")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the import running", `document.querySelector('[data-testid="import-cancel"]') !== null`)
	p.click(t, "import-cancel")
	p.until(t, "the import cancelled", `(document.querySelector('[data-testid="import-note"]')?.textContent || "").includes("cancelled; nothing changed")`)
	require.Equal(t, 12, p.tick(t))
	require.Equal(t, hash, p.hash(t))
	require.Equal(t, "Scenario: standard", p.text(t, ".shell-tagline"))
	require.Equal(t, library, p.libraryNames(t), "nothing kept in the library")
	p.waitSaved(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	require.Equal(t, 12, p.tick(t), "the autosaved session is the one before")
	require.Equal(t, hash, p.hash(t))
	require.Empty(t, p.errors())
}

// TestImportGoesOnInAHiddenTab: a hidden tab has no animation frames; an
// import started there (or left running behind another tab) still
// completes, its slices posted as tasks of their own.
func TestImportGoesOnInAHiddenTab(t *testing.T) {
	file := genInventory(t, "gen1k", 20, 50)
	p, _ := openAppServer(t, "/")
	p.click(t, "tab-scenario")
	// What a hidden tab is to the page: document.hidden, and animation
	// frames that never come.
	p.eval(t, `(() => {
		Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
		Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
		window.requestAnimationFrame = () => 0;
	})()`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the inventory opened without a frame", `document.querySelector('.shell-tagline').textContent === "Scenario: gen1k"`)
	require.Empty(t, p.errors())
}
