//go:build e2e

package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// welcomeShown is true while the guide (with the keyboard shortcuts) is on the page.
const welcomeShown = `document.querySelector('[data-testid="welcome"]') !== null`

// closeWelcome closes the first visit's guide and waits for the page to be
// drawn without it: the page moves up as the guide goes, so a click given
// before that (located, then sent at a point) could land on whatever took
// its place.
func (p *page) closeWelcome(t *testing.T) {
	t.Helper()
	p.click(t, "welcome-close")
	p.until(t, "the guide closed", "!("+welcomeShown+")")
}

// The guide is open on a first visit; Esc hides it, ? shows it, as the
// button does; ? hides it again.
func TestQuestionMarkShowsGuide(t *testing.T) {
	p := openApp(t)
	p.until(t, "the guide on a first visit", welcomeShown)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Escape)))
	p.until(t, "no guide", "!("+welcomeShown+")")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("?")))
	p.until(t, "the guide from ?", welcomeShown)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("?")))
	p.until(t, "no guide", "!("+welcomeShown+")")
	p.click(t, "help")
	p.until(t, "the guide from the button", welcomeShown)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("?")))
	p.until(t, "no guide", "!("+welcomeShown+")")
}
