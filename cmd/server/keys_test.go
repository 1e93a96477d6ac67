//go:build e2e

package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// ? shows the keyboard shortcuts, as the button does; ? or Esc hides them.
func TestQuestionMarkShowsHelp(t *testing.T) {
	p := openApp(t)
	help := `document.querySelector('.help-popover[aria-label="Keyboard shortcuts"]') !== null`
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("?")))
	p.until(t, "the help", help)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Escape)))
	p.until(t, "no help", "!("+help+")")
	p.click(t, "help")
	p.until(t, "the help from the button", help)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("?")))
	p.until(t, "no help", "!("+help+")")
}
