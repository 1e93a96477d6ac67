//go:build e2e

package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/link"
	"github.com/cloudchamber/cloudchamber/core/scenario"
	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/stretchr/testify/require"
)

// The product's two promises: a link replays to the same tick and hash
// anywhere, and nothing saved is lost.

// nativeLink is the link of sc run natively to tick at, and the hash it
// reaches.
func nativeLink(t *testing.T, sc *scenario.Scenario, at clock.Tick) (frag, hash string) {
	t.Helper()
	w, err := sim.New(sc)
	require.NoError(t, err)
	require.NoError(t, w.RunTo(at))
	l, err := link.Encode(w.Scenario(), sim.EngineVersion)
	require.NoError(t, err)
	return "#" + l, w.Status().Hash
}

// openLink opens frag in the running page (as if pasted into the address
// bar) and waits until it is replayed and installed.
func (p *page) openLink(t *testing.T, base, frag string, at clock.Tick) {
	t.Helper()
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/"+frag)))
	p.until(t, "the link opened at "+strconv.FormatInt(int64(at), 10),
		`document.querySelector('[data-testid="opening"]') === null && document.querySelector('[data-testid="tick"]').textContent === "`+
			strconv.FormatInt(int64(at), 10)+`" && (document.querySelector('[data-testid="notice"]')?.textContent || "").includes("Opened a shared link")`)
}

// Every built-in's link opens at its tick with the native hash: in a fresh
// profile, and over the session of the built-in before it (run on, so it
// has snapshots of its own); and the links of the reliability probe (a
// flapping TOR at 1000, a seed-8 run over a seed-7 one) likewise.
func TestLinksOpenExactlyInAnyState(t *testing.T) {
	const at = 60
	srv := startServer(t, realSite(t).handler)
	base := srv.URL
	type want struct{ frag, hash string }
	var links []want
	for _, name := range scenario.Builtins() {
		sc, err := scenario.Builtin(name)
		require.NoError(t, err)
		frag, hash := nativeLink(t, sc, at)
		links = append(links, want{frag, hash})
		// In a fresh profile (a browser context of its own, closed after).
		ctx, cancelContext := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
		cancel := func() { cancelTimeout(); cancelContext() }
		fresh := &page{ctx: ctx}
		require.NoError(t, chromedp.Do(fresh.ctx, chromedp.Navigate(base+"/"+frag)))
		fresh.waitReady(t)
		fresh.until(t, "opened", `document.querySelector('[data-testid="tick"]').textContent === "60"`)
		require.Equal(t, hash, fresh.hash(t), "%s in a fresh profile", name)
		if len(links) == 1 { // untouched, it is what a reload resumes
			fresh.waitSaved(t)
			require.NoError(t, chromedp.Do(fresh.ctx, chromedp.Reload()))
			fresh.waitReady(t)
			require.Equal(t, hash, fresh.hash(t), "%s after a reload", name)
		}
		cancel()
	}
	// Each over the session of the one before, run on so that it has
	// snapshots of its own for the next link to ignore.
	ctx, cancelContext := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute) // twelve links in one page
	t.Cleanup(func() { cancelTimeout(); cancelContext() })
	p := &page{ctx: ctx}
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/")))
	p.waitReady(t)
	for i, name := range scenario.Builtins() {
		p.openLink(t, base, links[i].frag, at)
		require.Equal(t, links[i].hash, p.hash(t), "%s over the previous session", name)
		p.click(t, "step-n")
		p.until(t, "stepped", `document.querySelector('[data-testid="tick"]').textContent !== "60"`)
	}
	for _, file := range []string{"flapping-tor-at1000.json", "churn-seed7-at250.json", "churn-seed8-at250.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "core", "sim", "testdata", "reliability", file))
		require.NoError(t, err)
		sc, err := scenario.Parse(file, data)
		require.NoError(t, err)
		frag, hash := nativeLink(t, sc, sc.At)
		p.openLink(t, base, frag, sc.At)
		require.Equal(t, hash, p.hash(t), file)
	}
}

// idbSession runs js on the stored session record (as `rec`, in a
// readwrite transaction of the "session" store, `st`) and returns what it
// returns.
func (p *page) idb(t *testing.T, js string) string {
	t.Helper()
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`new Promise((ok, fail) => {
		const r = indexedDB.open("cloudchamber");
		r.onsuccess = () => {
			const db = r.result, tx = db.transaction("session", "readwrite"), st = tx.objectStore("session");
			const g = st.get("current");
			let out = "";
			g.onsuccess = () => { const rec = g.result; out = String((() => { `+js+` })()); };
			tx.oncomplete = () => { db.close(); ok(out); };
			tx.onerror = () => fail(tx.error);
		};
	})`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	return out
}

// asideKeys lists the session records set aside.
func (p *page) asideKeys(t *testing.T) []string {
	t.Helper()
	keys, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](`new Promise((ok, fail) => {
		const r = indexedDB.open("cloudchamber");
		r.onsuccess = () => {
			const db = r.result, g = db.transaction("session").objectStore("session").getAllKeys();
			g.onsuccess = () => { db.close(); ok(g.result.filter(k => k.startsWith("aside-"))); };
			g.onerror = () => fail(g.error);
		};
	})`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	return keys
}

// A stored snapshot with one bit flipped no longer crash-loops the page:
// it says the snapshot is damaged, replays the session from its scenario
// and commands to the same tick and hash, keeps the damaged record aside,
// and works on.
func TestDamagedSnapshotIsReplayedNotACrash(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "100")
	hash := p.hash(t)
	flipped := p.idb(t, `const s = rec.snapshots[rec.snapshots.length - 1]; s.data[s.data.length >> 1] ^= 16; st.put(rec, "current"); return s.tick;`)
	require.NotEmpty(t, flipped)
	tick := 100
	for round := range 2 { // and not on every load: the second load is clean
		require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
		p.waitReady(t)
		require.Equal(t, tick, p.tick(t), "round %d", round)
		require.Equal(t, hash, p.hash(t), "round %d", round)
		crashed, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.querySelector('.crash') !== null`))
		require.NoError(t, err)
		require.False(t, crashed)
		if round == 0 {
			p.until(t, "the page says so", `(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("damaged snapshot") && (document.querySelector('[data-testid="notice"]')?.textContent || "").includes("kept aside")`)
			require.Len(t, p.asideKeys(t), 1, "the damaged record is kept")
			p.click(t, "step") // and it works on
			p.until(t, "stepped", `document.querySelector('[data-testid="tick"]').textContent === "101"`)
			p.waitSaved(t)
			tick, hash = 101, p.hash(t)
		}
	}
	require.Len(t, p.asideKeys(t), 1)
}

// A session that cannot be read (a newer format) is set aside, never
// written over; the page starts the default and says where it is.
func TestUnreadableSessionIsKeptAside(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "10")
	p.idb(t, `rec.v = 99; st.put(rec, "current"); return rec.v;`)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	p.until(t, "the page says so", `(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("could not be read") && (document.querySelector('[data-testid="notice"]')?.textContent || "").includes("kept aside")`)
	require.Equal(t, 0, p.tick(t))
	p.click(t, "step")
	p.waitSaved(t)
	keys := p.asideKeys(t)
	require.Len(t, keys, 1)
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`new Promise(ok => {
		const r = indexedDB.open("cloudchamber");
		r.onsuccess = () => { const g = r.result.transaction("session").objectStore("session").get("`+keys[0]+`"); g.onsuccess = () => ok(g.result.v); };
	})`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, 99, v, "kept as it was")
}

// Two tabs of one profile: the first to save its session wins; the other's
// save is refused and it says so (it used to overwrite silently).
func TestTwoTabsDoNotOverwriteEachOthersSession(t *testing.T) {
	a, _ := openAppServer(t, "/")
	a.runTo(t, "5")
	b := a.sameContextPage(t)
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(mustEval[string](t, a, `location.origin`)+"/")))
	b.waitReady(t)
	a.runTo(t, "15")
	b.click(t, "step")
	b.until(t, "b is told", `(document.querySelector('[data-testid="storage-note"]')?.textContent || "").includes("another tab has saved its session")`)
	saved, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="shell"]').dataset.saved`))
	require.NoError(t, err)
	require.Equal(t, "false", saved)
	require.NoError(t, chromedp.Do(a.ctx, chromedp.Reload()))
	a.waitReady(t)
	require.Equal(t, 15, a.tick(t), "a's session is intact")
}

// Back in time and reload: the commands after the travel point are still
// there, and going forward again reaches the same hash.
func TestReloadKeepsTheFuture(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "12")
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(`[data-testid="blade-rack3-2"]`))))
	p.click(t, "tab-faults")
	p.until(t, "inject", `document.querySelector('[data-testid="inject-fault"]') !== null`)
	p.click(t, "inject-fault")
	p.runTo(t, "30")
	hash := p.hash(t)
	p.setInput(t, `[data-testid="time-slider"]`, "8")
	p.until(t, "tick 8", `document.querySelector('[data-testid="tick"]').textContent === "8"`)
	p.waitSaved(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	require.Equal(t, 8, p.tick(t))
	p.setInput(t, `[data-testid="time-slider"]`, "30")
	p.until(t, "tick 30", `document.querySelector('[data-testid="tick"]').textContent === "30"`)
	require.Equal(t, hash, p.hash(t), "the fault injected at 12 is still in the run")
}

// Opening a library entry keeps the unsaved work it replaces.
func TestLibraryOpenKeepsUnsavedWork(t *testing.T) {
	p := openApp(t)
	p.runTo(t, "10")
	p.saveAs(t, "A")
	p.runTo(t, "20")
	p.eval(t, `[...document.querySelectorAll('[data-testid="library-item"]')].find(e => e.dataset.name === "A").querySelector('[data-testid="library-open"]').click()`)
	p.until(t, "A opened", `document.querySelector('[data-testid="tick"]').textContent === "10"`)
	p.until(t, "kept", `[...document.querySelectorAll('[data-testid="library-item"]')].some(e => e.dataset.name.includes("session before opening “A”"))`)
}

func mustEval[T any](t *testing.T, p *page, js string) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js))
	require.NoError(t, err)
	return v
}

// A link that asks for a long run is replayed between frames with a
// progress bar, and Cancel leaves the page as it was.
func TestALongLinkShowsProgressAndCancels(t *testing.T) {
	p, base := openAppServer(t, "/")
	p.runTo(t, "7")
	hash := p.hash(t)
	sc, err := scenario.Builtin("workload-churn")
	require.NoError(t, err)
	sc.At = 3_000_000 // minutes of replay in a browser
	l, err := link.Encode(sc, sim.EngineVersion)
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(base+"/#"+l)))
	p.until(t, "the progress", `document.querySelector('[data-testid="opening"] progress') !== null && +document.querySelector('[data-testid="opening"] progress').value > 0`)
	disabled, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.querySelector('[data-testid="step"]').disabled`))
	require.NoError(t, err)
	require.True(t, disabled, "time cannot be driven while it replays")
	p.click(t, "opening-cancel")
	p.until(t, "cancelled", `document.querySelector('[data-testid="opening"]') === null && (document.querySelector('[data-testid="error"]')?.textContent || "").includes("cancelled: nothing was changed")`)
	require.Equal(t, 7, p.tick(t))
	require.Equal(t, hash, p.hash(t))
	p.click(t, "step")
	p.until(t, "it works on", `document.querySelector('[data-testid="tick"]').textContent === "8"`)
}
