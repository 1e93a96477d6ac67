//go:build e2e && !js

// End-to-end tests: the real server (or a plain file server over the
// generated static site) and the real wasm app in Debian's headless Chromium.
// One Chromium serves the package; each test gets a fresh browser context,
// so storage, caches and service workers never leak between tests.
//
//	make test-e2e     (builds web/app.wasm first)
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

var browserCtx context.Context

func TestMain(m *testing.M) {
	chrome := os.Getenv("CHROME_BIN")
	if chrome == "" {
		chrome = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chrome); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: no Chromium at %s (set CHROME_BIN, or run `make deps`): %v\n", chrome, err)
		os.Exit(1)
	}
	if _, err := os.Stat(filepath.Join("..", "..", "web", "app.wasm")); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: web/app.wasm is missing; run `make wasm` (make test-e2e does)")
		os.Exit(1)
	}
	profile, err := os.MkdirTemp("", "cc-e2e-profile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting Chromium:", err)
		os.Exit(1)
	}
	browserCtx = ctx
	code := m.Run()
	cancelBrowser()
	cancelAlloc()
	os.RemoveAll(profile)
	os.Exit(code)
}

// page is one test's tab in its own browser context, with the console
// messages the page wrote.
type page struct {
	ctx context.Context
	mu  sync.Mutex
	log []chromedp.ConsoleMessage
}

func newPage(t *testing.T) *page { t.Helper(); return newPageFor(t, 60*time.Second) }

// newPageFor is newPage for a test that may take longer than a minute
// (tens of thousands of blades on a shared machine).
func newPageFor(t *testing.T, d time.Duration) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, d)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	p := &page{ctx: ctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.log = append(p.log, m)
			p.mu.Unlock()
		}
	}()
	return p
}

// errors returns the console errors and uncaught exceptions so far.
func (p *page) errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.log {
		if m.Type == chromedp.ConsoleError || m.IsException() {
			out = append(out, m.String())
		}
	}
	return out
}

// waitReady waits until the wasm app has mounted the shell.
func (p *page) waitReady(t *testing.T) {
	t.Helper()
	require.NoError(t, chromedp.Do(p.ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="shell"][data-ready="true"]`))))
}

// until evaluates a JavaScript expression (which may return a promise)
// until it is true.
func (p *page) until(t *testing.T, what, expr string) {
	t.Helper()
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](expr, chromedp.EvalAwaitPromise))
		if err == nil && ok {
			return
		}
		if p.ctx.Err() != nil {
			t.Fatalf("gave up waiting for %s: %v (last error: %v)", what, p.ctx.Err(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// server runs h on a loopback port until stopped.
type server struct {
	URL string
	srv *http.Server
}

func startServer(t *testing.T, h http.Handler) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &server{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: h}}
	go s.srv.Serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *server) stop() { s.srv.Close() }

func realSite(t *testing.T) *site {
	t.Helper()
	s, err := newSite(filepath.Join("..", "..", "web"))
	require.NoError(t, err)
	_, err = s.web.gzipped(filepath.Join(s.web.dir, "app.wasm")) // as serve does at start
	require.NoError(t, err)
	return s
}

func TestAppStartsWithoutConsoleErrors(t *testing.T) {
	srv := startServer(t, realSite(t).handler)
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)

	title, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(".shell-title")))
	require.NoError(t, err)
	require.Equal(t, "CloudChamber", title)
	ready, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`performance.getEntriesByName("cc-ready")[0].startTime`))
	require.NoError(t, err)
	t.Logf("first load: interactive %.0f ms after navigation", ready)
	require.Empty(t, p.errors())
}

// workerCached waits until the service worker controls the page and has
// cached every resource it lists.
func workerCached(t *testing.T, p *page, base string) {
	t.Helper()
	res, err := http.Get(base + "/app-worker.js")
	require.NoError(t, err)
	worker, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	m := regexp.MustCompile(`const resourcesToCache = (\[.*?\]);`).FindSubmatch(worker)
	require.NotNil(t, m, "app-worker.js lists no resources")
	var resources []string
	require.NoError(t, json.Unmarshal(m[1], &resources))
	p.until(t, "the service worker to cache the app", fmt.Sprintf(`(async () => {
		if (!navigator.serviceWorker.controller) return false;
		const names = await caches.keys();
		if (names.length !== 1) return false;
		const cache = await caches.open(names[0]);
		return (await cache.keys()).length === %d;
	})()`, len(resources)))
}

// oneVisitThenOffline opens the app served by h, waits until the service
// worker has cached it, stops the server and reloads: from then on the
// page has only its cache. It returns the page and the address it had.
func oneVisitThenOffline(t *testing.T, h http.Handler) (*page, string) {
	t.Helper()
	srv := startServer(t, h)
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	workerCached(t, p, srv.URL)

	srv.stop()
	_, err := http.Get(srv.URL + "/")
	require.Error(t, err, "the server must be gone")

	require.NoError(t, chromedp.Do(p.ctx, chromedp.Reload()))
	p.waitReady(t)
	title, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(".shell-title")))
	require.NoError(t, err)
	require.Equal(t, "CloudChamber", title)
	return p, srv.URL
}

// staticSite writes the static site and serves it from a plain file server.
func staticSite(t *testing.T) http.Handler {
	t.Helper()
	out := t.TempDir()
	require.NoError(t, generateStatic(out, realSite(t)))
	return http.FileServer(http.Dir(out))
}

// A browser that does not send the CSP header still gets the policy from the
// page: check that the meta policy is in force on the static site.
func TestStaticSiteEnforcesMetaPolicy(t *testing.T) {
	srv := startServer(t, staticSite(t))
	p := newPage(t)
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(srv.URL+"/")))
	p.waitReady(t)
	// An allowed inline script runs as it is appended; a refused one never does.
	blocked, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => {
		const s = document.createElement("script");
		s.textContent = "window.injected = true";
		document.head.appendChild(s);
		return window.injected !== true;
	})()`))
	require.NoError(t, err)
	require.True(t, blocked, "an inline script must be refused by the page's policy")
	var violations []string
	for _, e := range p.errors() {
		if !strings.Contains(e, "Content Security Policy") {
			violations = append(violations, e)
		}
	}
	require.Empty(t, violations)
}
