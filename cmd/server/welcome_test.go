//go:build e2e

package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/stretchr/testify/require"
)

// A first visit shows the guide and the scenario's story; once closed,
// a reload does not show the guide again, and ? brings it back.
func TestWelcomeFirstVisitOnly(t *testing.T) {
	p := openApp(t)
	p.until(t, "the guide on a first visit", welcomeShown)
	require.Contains(t, p.text(t, `[data-testid="welcome"]`), "Break something")
	require.Contains(t, p.text(t, `[data-testid="story"]`), "standard")
	require.Contains(t, p.text(t, `[data-testid="story"]`), "by tick 20 all 64 are working")

	p.closeWelcome(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool]("!("+welcomeShown+")"))
	require.NoError(t, err)
	require.True(t, ok, "the guide came back after it was closed and the page reloaded")
	require.Contains(t, p.text(t, `[data-testid="story"]`), "standard", "the story stays while the guide is closed")

	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent("?")))
	p.until(t, "the guide from ?", welcomeShown)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.KeyEvent(kb.Escape)))
	p.until(t, "the guide closed by Esc", "!("+welcomeShown+")")
}

// A story the guide offers opens as ?builtin= does: a new session of that
// built-in, its story shown, the guide out of the way.
func TestWelcomeOpensAStory(t *testing.T) {
	p := openApp(t)
	p.until(t, "the guide on a first visit", welcomeShown)
	p.click(t, "welcome-story-blade-failure")
	p.until(t, "the blade-failure story", `(document.querySelector('[data-testid="story"]')?.textContent ?? "").includes("blade-failure")`)
	p.until(t, "the guide closed", "!("+welcomeShown+")")
	require.Contains(t, p.text(t, `[data-testid="notice"]`), "Opened the built-in scenario blade-failure")
	p.runTo(t, "20")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	require.Equal(t, 20, p.tick(t), "the story's session resumes")
	require.Contains(t, p.text(t, `[data-testid="story"]`), "Blade 6 of rack 4 fails at tick 100")
}

// A story opened from the guide leaves the address as ?builtin= does:
// the page's path alone, so that a reload resumes the story, even when
// the address held what had been asked before (here an unknown
// built-in, which a reload would have asked for again).
func TestWelcomeStoryLeavesTheAddressAsBuiltinDoes(t *testing.T) {
	p, base := openAppServer(t, "/?builtin=nosuch")
	p.until(t, "the unknown built-in refused", `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("nosuch")`)
	p.until(t, "the guide on a first visit", welcomeShown)
	p.click(t, "welcome-story-blade-failure")
	p.until(t, "blade-failure open", `document.querySelector('.shell-tagline').textContent.includes("blade-failure")`)
	href := func() string {
		s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.href`))
		require.NoError(t, err)
		return s
	}
	require.Equal(t, base+"/", href(), "the guide's story leaves the page's path")
	p.runTo(t, "7")
	p.waitSaved(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	require.Equal(t, 7, p.tick(t), "a reload resumes the story")
	require.Contains(t, p.text(t, ".shell-tagline"), "blade-failure")
	require.Equal(t, "", p.errorText(t), "and asks for nothing again")

	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/?builtin=blade-failure")))
	p.waitReady(t)
	p.until(t, "blade-failure open anew", `document.querySelector('[data-testid="tick"]').textContent === "0"`)
	require.Equal(t, base+"/", href(), "the same address as ?builtin= leaves")
}

// A story's summary in the guide unfolds into its whole description (and
// folds back), on a desktop inside the guide's 45 % of the window, which
// scrolls to it, and on a phone.
func TestWelcomeStoryUnfolds(t *testing.T) {
	sc, err := scenario.Builtin("gpu-sharing")
	require.NoError(t, err)
	full, err := json.Marshal("▾ " + sc.Description)
	require.NoError(t, err)
	more := `document.querySelector('[data-testid="welcome-more-gpu-sharing"]')`
	for _, vp := range []struct{ w, h int64 }{{1280, 800}, {390, 844}} {
		t.Run(fmt.Sprintf("%dx%d", vp.w, vp.h), func(t *testing.T) {
			p := openApp(t)
			require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(vp.w, vp.h)))
			p.until(t, "the guide on a first visit", welcomeShown)
			require.NotContains(t, p.text(t, `[data-testid="welcome"]`), sc.Description[len(sc.Description)-40:], "folded: the summary alone")
			p.click(t, "welcome-more-gpu-sharing")
			p.until(t, "the whole story", more+`.textContent === `+string(full)+` && `+more+`.getAttribute("aria-expanded") === "true"`)
			p.until(t, "all of it shown, several lines", more+`.scrollWidth <= `+more+`.clientWidth + 1 && `+more+`.getBoundingClientRect().height > 60`)
			if vp.w > 800 {
				p.until(t, "the guide no taller than 45 % of the window (and its padding)", `(() => {
					const g = document.querySelector('[data-testid="welcome"]'), cs = getComputedStyle(g);
					const frame = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom) + parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
					return g.getBoundingClientRect().height <= 0.45 * innerHeight + frame + 1 && g.scrollHeight > g.clientHeight;
				})()`)
			}
			p.eval(t, more+`.scrollIntoView({block: "end"})`)
			p.until(t, "its end in view, in the guide", `(() => {
				const r = `+more+`.getBoundingClientRect(), g = document.querySelector('[data-testid="welcome"]').getBoundingClientRect();
				return r.bottom <= g.bottom + 1 && r.bottom <= innerHeight + 1;
			})()`)
			p.click(t, "welcome-more-gpu-sharing")
			p.until(t, "folded again", more+`.textContent.startsWith("▸ ") && `+more+`.getAttribute("aria-expanded") === "false"`)
			require.Empty(t, p.errors())
		})
	}
}

// A long story under the command bar shows its first lines with Read
// all, which shows all of it, the guide staying within 45 % of the
// window; a story its box holds offers none.
func TestLongStoryReadsInFull(t *testing.T) {
	p := openAppAt(t, "/?builtin=gpu-sharing")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)))
	p.until(t, "the guide on a first visit", welcomeShown)
	p.closeWelcome(t)
	text := `document.querySelector('[data-testid="story-text"]')`
	p.until(t, "the story cut, Read all offered", text+`.scrollHeight > `+text+`.clientHeight + 1 && document.querySelector('[data-testid="story-more"]')?.textContent === "Read all"`)
	p.click(t, "story-more")
	p.until(t, "all of it", text+`.scrollHeight <= `+text+`.clientHeight + 1 && document.querySelector('[data-testid="story-more"]').textContent === "Show less"`)
	p.until(t, "the guide within 45 % of the window", `document.querySelector('.guide').getBoundingClientRect().height <= 0.45 * innerHeight`)
	p.click(t, "story-more")
	p.until(t, "short again", text+`.scrollHeight > `+text+`.clientHeight + 1 && document.querySelector('[data-testid="story-more"]').textContent === "Read all"`)

	p.click(t, "tab-scenario")
	p.until(t, "the Scenario tab", `document.querySelector('[data-testid="scenario-picker"]') !== null`)
	p.eval(t, `(() => { const s = document.querySelector('[data-testid="scenario-picker"]'); s.value = "blade-failure"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	p.eval(t, `[...document.querySelectorAll('.panel-scenario button')].find(b => b.textContent === "Load").click()`)
	p.until(t, "a short story", `document.querySelector('.shell-tagline').textContent.includes("blade-failure") && `+text+`.scrollHeight <= `+text+`.clientHeight + 1`)
	p.until(t, "no Read all", `document.querySelector('[data-testid="story-more"]') === null`)
	require.Empty(t, p.errors())
}

// On a phone-sized screen the page is long; the command bar and the
// status bar (with the tick) stay in view when it is scrolled.
func TestPhoneKeepsBarsInView(t *testing.T) {
	p := openApp(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844)))
	p.closeWelcome(t)
	p.until(t, "a page longer than two screens", `document.documentElement.scrollHeight > 2 * innerHeight`)
	p.eval(t, `window.scrollTo(0, document.documentElement.scrollHeight / 2)`)
	p.until(t, "the page scrolled", `scrollY > innerHeight`)
	inView := func(sel string) string {
		return `(() => { const r = document.querySelector('` + sel + `').getBoundingClientRect(); return r.top >= -1 && r.bottom <= innerHeight + 1 && r.height > 0; })()`
	}
	p.until(t, "the command bar in view", inView(`nav.commands`))
	p.until(t, "the status bar in view", inView(`footer.status`))
	for _, b := range []string{"help", "pause", "run"} { // Run came last on the bar, cut by the screen's edge
		p.until(t, b+" whole on the bar, unscrolled", `(() => { const r = document.querySelector('[data-testid="`+b+`"]').getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; })()`)
	}
	p.click(t, "step")
	p.until(t, "tick 1 in view", `document.querySelector('[data-testid="tick"]').textContent === "1"`)
	p.until(t, "still scrolled", `scrollY > innerHeight`)
}

// At 1280 px wide the status bar is one line, every field whole but the
// trace hash, which gives way (its title and Copy hold all of it): at
// tick 300 of gpu-sharing its "558 events, 304 pending" used to push the
// build field onto a second line.
func TestStatusBarOneLineAt1280(t *testing.T) {
	p := openAppAt(t, "/?builtin=gpu-sharing")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)))
	p.runTo(t, "300")
	oneLine := `(() => {
		const bar = document.querySelector('footer.status'), r = bar.getBoundingClientRect();
		const kids = [...bar.children].map(e => e.getBoundingClientRect());
		return kids.length >= 6 && kids.every(k => k.top - r.top < 12 && r.bottom - k.bottom < 12 && k.right <= r.right + 1) &&
			bar.scrollWidth <= bar.clientWidth && r.height < 2.2 * parseFloat(getComputedStyle(bar).fontSize) + 16;
	})()`
	p.until(t, "the status bar on one line", oneLine)
	whole := `[...document.querySelectorAll('footer.status > :not(.hash)')].every(e => e.scrollWidth <= e.clientWidth + 1)`
	p.until(t, "its fields whole", whole)
	p.until(t, "the build field shown", `document.querySelector('footer.status > :last-child').textContent.startsWith("build ")`)
}

// A first visit by a shared link opens no guide over the shared run: the
// link's notice says where the guide is, and ? opens it. A later visit by
// a link says nothing of it.
func TestWelcomeStaysAwayFromASharedLink(t *testing.T) {
	sc, err := scenario.Builtin("blade-failure")
	require.NoError(t, err)
	frag, hash := nativeLink(t, sc, 40)
	p, base := openAppServer(t, "/"+frag)
	p.until(t, "the link opened", `(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("Opened a shared link")`)
	require.Equal(t, hash, p.hash(t))
	require.Contains(t, p.text(t, `[data-testid="notice"]`), "New here? The ? button opens a short guide")
	ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool]("!("+welcomeShown+")"))
	require.NoError(t, err)
	require.True(t, ok, "no guide over the shared run")
	p.click(t, "help")
	p.until(t, "the guide from ?", welcomeShown)
	p.closeWelcome(t)

	p.waitSaved(t)
	p.openLink(t, base, frag, 40)
	require.NotContains(t, p.text(t, `[data-testid="notice"]`), "New here?", "a later visit")
	require.Empty(t, p.errors())
}

// An error on screen before a story opens (a link that could not be
// opened) goes once the story is open, from the guide or from the Scenario
// panel's Load: a new session starts with none.
func TestOpeningAStoryClearsTheError(t *testing.T) {
	p, base := openAppServer(t, "/#s1.nonsense")
	const linkErr = `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("This link could not be opened")`
	p.until(t, "the link's error", linkErr)
	p.eval(t, `(`+welcomeShown+`) || document.querySelector('[data-testid="help"]').click()`)
	p.until(t, "the guide", welcomeShown)
	p.click(t, "welcome-story-blade-failure")
	p.until(t, "the blade-failure story", `document.querySelector('.shell-tagline').textContent.includes("blade-failure")`)
	p.until(t, "no error", `document.querySelector('[data-testid="error"]') === null`)

	p.waitSaved(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/#s1.nonsense")))
	p.until(t, "the link's error again", linkErr)
	p.eval(t, `(`+welcomeShown+`) && document.querySelector('[data-testid="welcome-close"]').click()`)
	p.click(t, "tab-scenario")
	p.until(t, "the Scenario panel", `document.querySelector('#scenario-picker') !== null`)
	p.eval(t, `(() => { const e = document.querySelector('#scenario-picker'); e.value = 'flapping-tor'; e.dispatchEvent(new Event('change', {bubbles: true})); })()`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="scenario-load"]`))))
	p.until(t, "the flapping-tor story", `document.querySelector('.shell-tagline').textContent.includes("flapping-tor")`)
	p.until(t, "no error", `document.querySelector('[data-testid="error"]') === null`)
	require.Empty(t, p.errors())
}

// Whether the story's box cuts it is measured again when the window is
// resized: a story cut at 1280 pixels offers Read all, no longer once the
// window is wide enough to show it whole, and again once it narrows.
func TestStoryReadAllFollowsTheWindow(t *testing.T) {
	p := openAppAt(t, "/?builtin=gpu-sharing")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)))
	p.until(t, "the guide on a first visit", welcomeShown)
	p.closeWelcome(t)
	text := `document.querySelector('[data-testid="story-text"]')`
	cut := text + `.scrollHeight > ` + text + `.clientHeight + 1`
	readAll := `document.querySelector('[data-testid="story-more"]')?.textContent === "Read all"`
	p.until(t, "the story cut at 1280, Read all offered", cut+` && `+readAll)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(3600, 800)))
	p.until(t, "the story whole at 3600, no Read all", `!(`+cut+`) && document.querySelector('[data-testid="story-more"]') === null`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)))
	p.until(t, "cut again at 1280, Read all again", cut+` && `+readAll)
	require.Empty(t, p.errors())
}

// Loading another scenario leaves nothing of what the page said about the
// session it replaces: not the notice of the built-in it had opened, not
// the link Share had made of it.
func TestLoadingAnotherScenarioForgetsTheOldNotices(t *testing.T) {
	p := openAppAt(t, "/?builtin=blade-failure")
	p.until(t, "the built-in's notice", `(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("Opened the built-in scenario blade-failure")`)
	p.eval(t, `document.querySelector('[data-testid="welcome-close"]')?.click()`)
	p.click(t, "share-link")
	p.until(t, "its link", `(document.querySelector('[data-testid="share-url"]')?.value || "").includes("#s2.")`)
	p.click(t, "tab-scenario")
	p.until(t, "the Scenario panel", `document.querySelector('#scenario-picker') !== null`)
	p.eval(t, `(() => { const e = document.querySelector('#scenario-picker'); e.value = 'flapping-tor'; e.dispatchEvent(new Event('change', {bubbles: true})); })()`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="scenario-load"]`))))
	p.until(t, "the flapping-tor story", `document.querySelector('.shell-tagline').textContent.includes("flapping-tor")`)
	p.until(t, "no notice of blade-failure", `!(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("blade-failure")`)
	p.until(t, "no link of blade-failure", `document.querySelector('[data-testid="share-url"]') === null`)
	require.Empty(t, p.errors())
}
