//go:build e2e

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// runTo types a tick into "run to" and waits for the clock to read it and
// for the session to be saved.
func (p *page) runTo(t *testing.T, tick string) {
	t.Helper()
	p.setInput(t, `#run-to`, tick)
	p.click(t, "run-to")
	p.until(t, "tick "+tick, `document.querySelector('[data-testid="tick"]').textContent === "`+tick+`"`)
	p.waitSaved(t)
}

// untilStored waits until the page's IndexedDB holds a record under key
// in the object store named store.
func (p *page) untilStored(t *testing.T, what, store, key string) {
	t.Helper()
	p.until(t, what, `new Promise((ok) => {
		const r = indexedDB.open("cloudchamber");
		r.onerror = () => ok(false);
		r.onsuccess = () => {
			const db = r.result;
			if (!db.objectStoreNames.contains("`+store+`")) { db.close(); ok(false); return; }
			const g = db.transaction("`+store+`").objectStore("`+store+`").get("`+key+`");
			g.onsuccess = () => { db.close(); ok(g.result !== undefined); };
			g.onerror = () => { db.close(); ok(false); };
		};
	})`)
}

func (p *page) waitSaved(t *testing.T) {
	t.Helper()
	p.until(t, "the session saved", `document.querySelector('[data-testid="shell"]').dataset.saved === "true"`)
}

func (p *page) hash(t *testing.T) string { return p.text(t, `[data-testid="trace-hash"]`) }

func TestReloadResumesTheSession(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "25")
	hash := p.hash(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	require.Equal(t, 25, p.tick(t))
	require.Equal(t, hash, p.hash(t))
	require.Empty(t, p.errors())
}

// Back to tick 10 and forward to 25 gives the same hash, with a fault
// injected at 12 in between (so the two ticks differ).
func TestTimeTravelBackAndForward(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "12")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-rack3-2"]`))))
	p.click(t, "tab-faults")
	p.until(t, "inject", `document.querySelector('[data-testid="inject-fault"]') !== null`)
	p.click(t, "inject-fault")
	p.runTo(t, "25")
	hash := p.hash(t)
	p.setInput(t, `[data-testid="time-slider"]`, "10")
	p.until(t, "tick 10", `document.querySelector('[data-testid="tick"]').textContent === "10"`)
	require.NotEqual(t, hash, p.hash(t))
	require.Equal(t, "working", attr(t, p, `[data-testid="blade-rack3-2"]`, "data-state"))
	p.setInput(t, `[data-testid="time-slider"]`, "25")
	p.until(t, "tick 25", `document.querySelector('[data-testid="tick"]').textContent === "25"`)
	require.Equal(t, hash, p.hash(t))
	require.NotEqual(t, "working", attr(t, p, `[data-testid="blade-rack3-2"]`, "data-state"))
}

func (p *page) saveAs(t *testing.T, name string) {
	t.Helper()
	p.click(t, "tab-library")
	p.until(t, "the library", `document.querySelector('[data-testid="library-save"]') !== null && !document.querySelector('[data-testid="library-save"]').disabled`)
	p.setInput(t, `#save-name`, name)
	p.click(t, "library-save")
	p.until(t, name+" listed", `[...document.querySelectorAll('[data-testid="library-item"]')].some(e => e.dataset.name === "`+name+`")`)
}

func TestSavedScenarioSurvivesReload(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "12")
	p.saveAs(t, "e2e-one")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.click(t, "tab-library")
	p.until(t, "e2e-one still listed", `[...document.querySelectorAll('[data-testid="library-item"]')].some(e => e.dataset.name === "e2e-one")`)
}

// A shared link opened in a fresh profile replays to the same tick and
// hash; the fragment then leaves the address bar.
func TestShareLinkInAFreshProfile(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "20")
	blade := `[data-testid="blade-rack2-5"]`
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(blade))))
	p.click(t, "tab-faults")
	p.until(t, "inject", `document.querySelector('[data-testid="inject-fault"]') !== null`)
	p.click(t, "inject-fault")
	p.runTo(t, "40")
	hash := p.hash(t)
	state := attr(t, p, blade, "data-state")
	p.click(t, "share-link")
	p.until(t, "the link", `(document.querySelector('[data-testid="share-url"]')?.value || "").includes("#s2.")`)
	url, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="share-url"]').value`))
	require.NoError(t, err)

	q := newPage(t) // a new browser context: no storage of the first
	require.NoError(t, chromedp.Do(q.ctx, chromedp.Navigate(url)))
	q.waitReady(t)
	require.Equal(t, 40, q.tick(t))
	require.Equal(t, hash, q.hash(t))
	loc, err := chromedp.Run(q.ctx, chromedp.Evaluate[string](`location.href`))
	require.NoError(t, err)
	require.NotContains(t, loc, "#", "the fragment is removed once opened")
	require.Equal(t, state, attr(t, q, blade, "data-state"))

	bad := newPage(t)
	require.NoError(t, chromedp.Do(bad.ctx, chromedp.Navigate(strings.Replace(url, "#s2.", "#s2.xx", 1)[:len(url)/2])))
	bad.waitReady(t)
	bad.until(t, "a clear message", `(document.querySelector('[data-testid="error"]')?.textContent || "").includes("could not be opened")`)
	require.Equal(t, 0, bad.tick(t), "and the app still works")
}

// TestShareOffersAFileForALongRun: a run whose link would be too long
// (an imported inventory of 2,000 blades) offers a file instead, and once
// it is saved says where it went and how to replay it.
func TestShareOffersAFileForALongRun(t *testing.T) {
	file := genInventory(t, "gen2k", 20, 100)
	srv := startServer(t, realSite(t).handler)
	p := newPageFor(t, 5*time.Minute)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	p.click(t, "tab-scenario")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the inventory opened", `document.querySelector('.shell-tagline').textContent === "Scenario: gen2k"`)
	p.click(t, "share-link")
	p.until(t, "a file offered", `document.querySelector('[data-testid="share-file"]') !== null`)
	require.True(t, mustEval[bool](t, p, `document.querySelector('[data-testid="share-note"]') === null`), "nothing said before it is saved")
	p.click(t, "share-file")
	p.until(t, "where it went", `(document.querySelector('[data-testid="share-note"]')?.textContent || "") === "Saved as gen2k.json in your downloads: Scenario → Import replays it."`)
	p.shotIfAsked(t, "share-long-saved")
	require.Empty(t, p.errors())
}

// A record that cannot be read is reported by name; the others load.
func TestCorruptRecordIsReported(t *testing.T) {
	p := openApp(t)
	p.saveAs(t, "good-one")
	p.saveAs(t, "bad-one")
	done, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`new Promise((ok, fail) => {
		const r = indexedDB.open("cloudchamber");
		r.onsuccess = () => {
			const db = r.result, tx = db.transaction("scenarios", "readwrite"), st = tx.objectStore("scenarios");
			const c = st.openCursor();
			c.onsuccess = () => {
				const cur = c.result;
				if (!cur) { return; }
				if (cur.value.name === "bad-one") { cur.update({v: 1, id: cur.value.id, name: "bad-one", scenario: "not bytes"}); }
				cur.continue();
			};
			tx.oncomplete = () => { db.close(); ok(true); };
			tx.onerror = () => fail(tx.error);
		};
	})`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.True(t, done, "the record corrupted before the reload")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.click(t, "tab-library")
	p.until(t, "the bad record reported", `(document.querySelector('[data-testid="library-bad"]')?.textContent || "").length > 0`)
	p.until(t, "the good one listed", `[...document.querySelectorAll('[data-testid="library-item"]')].some(e => e.dataset.name === "good-one")`)
}

// Two tabs save the same scenario: the second is told, nothing is lost.
func TestTwoTabsNoSilentLoss(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	a := newPage(t)
	require.NoError(t, chromedp.Do(a.ctx, chromedp.Navigate(srv.URL+"/")))
	a.waitReady(t)
	a.saveAs(t, "shared")
	b := a.sameContextPage(t)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/")))
	b.waitReady(t)
	for _, p := range []*page{a, b} {
		p.click(t, "tab-library")
		p.until(t, "shared listed", `[...document.querySelectorAll('[data-testid="library-item"]')].some(e => e.dataset.name === "shared")`)
		p.eval(t, `[...document.querySelectorAll('[data-testid="library-item"]')].find(e => e.dataset.name === "shared").querySelector('[data-testid="library-open"]').click()`)
		p.until(t, "opened", `(document.querySelector('[data-testid="library-msg"]')?.textContent || "").includes("Opened")`)
	}
	a.click(t, "step")
	a.setInput(t, `#save-name`, "shared")
	a.click(t, "library-save")
	a.until(t, "a saved", `(document.querySelector('[data-testid="library-msg"]')?.textContent || "").includes("Saved")`)
	b.click(t, "step")
	b.click(t, "step")
	b.setInput(t, `#save-name`, "shared")
	b.click(t, "library-save")
	b.until(t, "b told", `(document.querySelector('[data-testid="library-msg"]')?.textContent || "").includes("changed elsewhere")`)
}

// sameContextPage opens another tab in p's browser context: the same
// storage, as a second tab of the same user.
func (p *page) sameContextPage(t *testing.T) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(p.ctx)
	t.Cleanup(cancel)
	return &page{ctx: ctx}
}

// offlineWork does, with the server gone, what a user does: run the
// simulation, import a file, open a link and save to the library.
func offlineWork(t *testing.T, p *page, base string) {
	t.Helper()
	p.runTo(t, "15")
	p.click(t, "tab-scenario")
	file := filepath.Join(t.TempDir(), "pdu.json")
	require.NoError(t, os.WriteFile(file, []byte(pduOutageJSON(t)), 0o644))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.CSS(`[data-testid="scenario-import"]`), []string{file})))
	p.until(t, "the imported scenario", `document.querySelector('.shell-tagline').textContent.includes("pdu-outage")`)
	p.runTo(t, "30")
	hash := p.hash(t)
	p.click(t, "share-link")
	p.until(t, "the link", `(document.querySelector('[data-testid="share-url"]')?.value || "").includes("#s2.")`)
	url, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="share-url"]').value`))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(url, base))
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/")))
	p.waitReady(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(url)))
	p.waitReady(t)
	p.until(t, "the link's tick", `document.querySelector('[data-testid="tick"]').textContent === "30"`)
	require.Equal(t, hash, p.hash(t))
	p.saveAs(t, "offline-save")
	p.until(t, "the previous session kept in the library", `[...document.querySelectorAll('[data-testid="library-item"]')].some(e => e.dataset.name.startsWith("pdu-outage (session before a shared link"))`)
}

func pduOutageJSON(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "static", "scenarios", "pdu-outage.json"))
	require.NoError(t, err)
	return string(data)
}

// After one visit, with the server gone, the whole app works: from the
// real server, and from the static site on a plain file server.
func TestEverythingWorksOffline(t *testing.T) {
	for _, c := range []struct {
		name string
		site func(t *testing.T) http.Handler
	}{
		{"server", func(t *testing.T) http.Handler { return realSite(t).handler }},
		{"static site", staticSite},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, base := oneVisitThenOffline(t, c.site(t))
			require.Empty(t, p.errors())
			offlineWork(t, p, base)
			require.Empty(t, p.errors())
		})
	}
}

// A new version deployed while the app is in use is offered, not forced.
func TestNewVersionIsOffered(t *testing.T) {
	old := realSite(t)
	next := realSite(t)
	next.app.Version = old.app.Version + "-next" // before its first request: go-app reads it once
	newer := next.handler
	var current atomic.Pointer[http.Handler]
	oldH := old.handler
	current.Store(&oldH)
	srv := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*current.Load()).ServeHTTP(w, r) }))
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	workerCached(t, p, srv.URL)
	current.Store(&newer)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.until(t, "the update offered", `document.querySelector('.shell').textContent.includes("A new version of CloudChamber is installed")`)
}

// The built wasm goes out brotli-compressed when make wasm made a .br
// (brotli keeps the source's mtime unless told not to, which once made
// the copy look stale), gzip otherwise.
func TestBuiltWasmIsSentCompressed(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/web/app.wasm", nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "br, gzip")
	res, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	res.Body.Close()
	want := "gzip"
	if _, err := os.Stat(filepath.Join("..", "..", "web", "app.wasm.br")); err == nil {
		want = "br"
	}
	require.Equal(t, want, res.Header.Get("Content-Encoding"))
}

// Without IndexedDB (some private windows) the app runs in memory and
// says so.
func TestWithoutIndexedDBRunsInMemory(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	p := newPage(t)
	_, err := chromedp.Call(p.ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
		Source: `Object.defineProperty(window, "indexedDB", {value: undefined, configurable: true});`})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	p.until(t, "the note", `(document.querySelector('[data-testid="storage-note"]')?.textContent || "").includes("runs in memory")`)
	p.runTo(t, "10")
	require.Equal(t, 10, p.tick(t))
}
