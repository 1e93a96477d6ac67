//go:build e2e

package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/stretchr/testify/require"
)

// The inventory exports as the original's YAML, which reads back.
func TestInventoryExportsAsYAML(t *testing.T) {
	p := openApp(t)
	dir := allowDownloads(t, p)
	p.click(t, "tab-scenario")
	p.click(t, "scenario-export-yaml")
	data := waitFile(t, p, filepath.Join(dir, "standard.yaml"))
	def, err := inventory.Parse("standard.yaml", data)
	require.NoError(t, err)
	c := def.Counts()
	require.Equal(t, 64, c.Blades)
	require.Equal(t, 8, c.Racks)
}

// allowDownloads lets the page download files, into a new directory it
// returns.
func allowDownloads(t *testing.T, p *page) string {
	t.Helper()
	dir := t.TempDir()
	_, err := chromedp.Call(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllow,
		BrowserContextID: chromedp.FromContext(p.ctx).BrowserContextID,
		DownloadPath:     dir,
	})
	require.NoError(t, err)
	return dir
}

// waitFile waits for a download to be complete and returns it.
func waitFile(t *testing.T, p *page, file string) []byte {
	t.Helper()
	for {
		if b, err := os.ReadFile(file); err == nil && len(b) > 0 {
			if _, err := os.Stat(file + ".crdownload"); err != nil {
				return b
			}
		}
		require.NoError(t, p.ctx.Err(), "gave up waiting for %s", file)
		time.Sleep(50 * time.Millisecond)
	}
}
