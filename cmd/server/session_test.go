//go:build e2e

package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// openAppServer opens the app at path on a server of its own, and returns
// the server's address for later navigations.
func openAppServer(t *testing.T, path string) (*page, string) {
	t.Helper()
	srv := startServer(t, realSite(t).handler)
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+path)))
	p.waitReady(t)
	return p, srv.URL
}

// libraryNames lists the library's entries, from the Library tab.
func (p *page) libraryNames(t *testing.T) []string {
	t.Helper()
	p.click(t, "tab-library")
	p.until(t, "the library read", `document.querySelector('[data-testid="library-save"]') !== null && !document.querySelector('[data-testid="library-save"]').disabled`)
	names, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="library-item"]')].map(e => e.dataset.name)`))
	require.NoError(t, err)
	return names
}

func (p *page) errorText(t *testing.T) string {
	t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="error"]')?.textContent || ""`))
	require.NoError(t, err)
	return s
}

// A damaged link changes nothing: the session resumes as it was, nothing
// is filed in the library (however often it is tried), and the message
// says what is wrong.
func TestDamagedLinkChangesNothing(t *testing.T) {
	p, base := openAppServer(t, "/")
	p.runTo(t, "20")
	hash := p.hash(t)
	message := `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("could not be opened, and nothing was changed")`
	check := func(how, frag string) {
		t.Helper()
		p.until(t, "the message for "+frag+" "+how, message)
		require.Equal(t, 20, p.tick(t), frag)
		require.Equal(t, hash, p.hash(t), frag)
		require.NotContains(t, p.text(t, ".shell"), "Opened a shared link", frag)
		require.Empty(t, p.libraryNames(t), frag)
	}
	for _, frag := range []string{"#s2.not-a-deflate-stream", "#s2.AAAA", "#s1.AAAA", "#s3.AAAA", "#s4.AAAA", "#s5.someday"} {
		// Into the running page (a hashchange) ...
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/"+frag)))
		check("in the running page", frag)
		p.eval(t, `document.querySelector('[data-testid="error"] button').click()`)
		p.until(t, "the message dismissed", "!"+message)
		// ... and as the page opens, twice.
		for range 2 {
			require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
			p.waitReady(t)
			check("on opening", frag)
		}
	}
	require.Contains(t, p.errorText(t), "newer CloudChamber", "the message says what is wrong")
}

// ?builtin=NAME opens the built-in as a new session and keeps the one it
// replaces; a reload then resumes it; ?builtin=nosuch says so and changes
// nothing.
func TestBuiltinOpensAsANewSession(t *testing.T) {
	p, base := openAppServer(t, "/")
	p.runTo(t, "20")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/?builtin=blade-failure")))
	p.waitReady(t)
	p.until(t, "blade-failure open", `document.querySelector('.shell-tagline').textContent.includes("blade-failure")`)
	require.Equal(t, 0, p.tick(t))
	p.until(t, "where the old session went", `(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("standard (session before the built-in blade-failure")`)
	loc, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.href`))
	require.NoError(t, err)
	require.NotContains(t, loc, "builtin", "a reload resumes the session rather than opening it again")
	names := p.libraryNames(t)
	require.Len(t, names, 1)
	require.True(t, strings.HasPrefix(names[0], "standard (session before the built-in blade-failure, "), names[0])
	// Untouched, it is what a reload resumes (it was never stored: a
	// reload showed the session it had replaced).
	p.waitSaved(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	require.Contains(t, p.text(t, ".shell-tagline"), "blade-failure")
	require.Equal(t, 0, p.tick(t))

	p.runTo(t, "5")
	p.waitSaved(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	require.Equal(t, 5, p.tick(t))
	require.Contains(t, p.text(t, ".shell-tagline"), "blade-failure")

	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/?builtin=nosuch")))
	p.waitReady(t)
	p.until(t, "the message", `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("nosuch")`)
	require.Contains(t, p.errorText(t), "blade-failure", "it lists the built-ins there are")
	require.Equal(t, 5, p.tick(t))
	require.Contains(t, p.text(t, ".shell-tagline"), "blade-failure")
	require.Len(t, p.libraryNames(t), 1)
}

// Reset asks first, and keeps the session it replaces in the library.
func TestResetAsksAndKeepsTheSession(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "20")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-rack2-4"]`))))
	p.click(t, "tab-faults")
	p.until(t, "inject", `document.querySelector('[data-testid="inject-fault"]') !== null`)
	p.click(t, "inject-fault")
	p.runTo(t, "30")
	hash := p.hash(t)

	p.click(t, "reset")
	p.until(t, "the question", `(document.querySelector('[data-testid="reset-dialog"]')?.textContent || "").includes("1 command you gave")`)
	p.click(t, "reset-cancel")
	p.until(t, "no question", `document.querySelector('[data-testid="reset-dialog"]') === null`)
	require.Equal(t, 30, p.tick(t))

	p.click(t, "reset")
	p.until(t, "the question", `document.querySelector('[data-testid="reset-confirm"]') !== null`)
	p.click(t, "reset-confirm")
	p.until(t, "tick 0", `document.querySelector('[data-testid="tick"]').textContent === "0"`)
	p.until(t, "where the old session went", `(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("standard (session before a reset")`)
	names := p.libraryNames(t)
	require.Len(t, names, 1)
	require.True(t, strings.HasPrefix(names[0], "standard (session before a reset, "), names[0])

	p.eval(t, libItem(names[0])+`.querySelector('[data-testid="library-open"]').click()`)
	p.until(t, "tick 30", `document.querySelector('[data-testid="tick"]').textContent === "30"`)
	require.Equal(t, hash, p.hash(t), "the kept session replays to the same run")

	// At tick 0 with nothing done there is nothing to lose: no question.
	p.click(t, "reset")
	p.until(t, "the question", `document.querySelector('[data-testid="reset-confirm"]') !== null`)
	p.click(t, "reset-confirm")
	p.until(t, "tick 0", `document.querySelector('[data-testid="tick"]').textContent === "0"`)
	p.click(t, "reset")
	p.until(t, "still tick 0, no question", `document.querySelector('[data-testid="tick"]').textContent === "0" && document.querySelector('[data-testid="reset-dialog"]') === null`)
	require.Empty(t, p.errors())
}
