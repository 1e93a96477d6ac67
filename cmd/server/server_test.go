//go:build !js

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// newTestSite builds a site over a temporary web directory holding a stand-in
// app.wasm (the server never looks inside it) and the real icons and styles.
func newTestSite(t *testing.T, extra map[string]string) *site {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"app.wasm": strings.Repeat("\x00asm wasm bytes ", 4096)}
	for _, name := range []string{"icon.svg", "icon-192.png", "icon-512.png", "cloudchamber.css", "robots.txt"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "web", name))
		require.NoError(t, err)
		files[name] = string(b)
	}
	for k, v := range extra {
		files[k] = v
	}
	built := time.Now().Add(-time.Minute) // one build: every file has the same time
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		require.NoError(t, os.Chtimes(p, built, built))
	}
	s, err := newSite(dir)
	require.NoError(t, err)
	return s
}

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, r *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return string(b)
}

func TestPageHasSecurityHeadersAndShell(t *testing.T) {
	s := newTestSite(t, nil)
	r := get(t, s.handler, "GET", "/", nil)
	require.Equal(t, 200, r.StatusCode)
	require.Equal(t, headerCSP, r.Header.Get("Content-Security-Policy"))
	require.Contains(t, headerCSP, "'wasm-unsafe-eval'")
	require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "no-referrer", r.Header.Get("Referrer-Policy"))
	page := body(t, r)
	require.Contains(t, page, `<meta http-equiv="Content-Security-Policy" content="`+contentSecurityPolicy+`">`)
	require.Contains(t, page, `data-testid="shell"`)
	require.NotContains(t, contentSecurityPolicy, "frame-ancestors", "browsers reject frame-ancestors in a meta tag")
}

func TestOnlyGetAndHead(t *testing.T) {
	s := newTestSite(t, nil)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		r := get(t, s.handler, m, "/", nil)
		require.Equal(t, http.StatusMethodNotAllowed, r.StatusCode, m)
		require.Equal(t, "GET, HEAD", r.Header.Get("Allow"))
	}
	r := get(t, s.handler, "HEAD", "/web/icon.svg", nil)
	require.Equal(t, 200, r.StatusCode)
	require.Empty(t, body(t, r))
}

func TestNoPathEscapesOrListings(t *testing.T) {
	s := newTestSite(t, map[string]string{"sub/file.txt": "x"})
	for _, p := range []string{"/../etc/passwd", "/web/../../etc/passwd", "/web/%2e%2e/%2e%2e/etc/passwd", "/web/./icon.svg", "/web//icon.svg", "/web\\..\\x"} {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = p
		if strings.Contains(p, "%") {
			req = httptest.NewRequest("GET", p, nil)
		}
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req)
		require.Equal(t, http.StatusBadRequest, rec.Code, p)
	}
	for _, p := range []string{"/web/", "/web/sub/", "/web/sub", "/web/app.wasm.gz", "/web/nothing"} {
		r := get(t, s.handler, "GET", p, nil)
		require.Equal(t, http.StatusNotFound, r.StatusCode, p)
	}
	r := get(t, s.handler, "GET", "/web/sub/file.txt", nil)
	require.Equal(t, 200, r.StatusCode)
}

func TestWasmIsSentCompressed(t *testing.T) {
	s := newTestSite(t, nil)
	raw, err := os.ReadFile(filepath.Join(s.web.dir, "app.wasm"))
	require.NoError(t, err)

	r := get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": "gzip, deflate"})
	require.Equal(t, 200, r.StatusCode)
	require.Equal(t, "application/wasm", r.Header.Get("Content-Type"))
	require.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
	require.Contains(t, r.Header.Get("Vary"), "Accept-Encoding")
	zr, err := gzip.NewReader(r.Body)
	require.NoError(t, err)
	got, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, raw, got)
	require.Less(t, int(r.ContentLength), len(raw))

	// go-app's progress bar counts decompressed bytes against this length.
	require.Equal(t, s.app.WasmContentLength, strconv.Itoa(len(raw)))

	// Without Accept-Encoding, the raw bytes.
	r = get(t, s.handler, "GET", "/web/app.wasm", nil)
	require.Empty(t, r.Header.Get("Content-Encoding"))
	require.Equal(t, raw, []byte(body(t, r)))

	// q=0 refuses an encoding.
	r = get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": "gzip;q=0"})
	require.Empty(t, r.Header.Get("Content-Encoding"))

	// /app.wasm is go-app's alias for the same file.
	r = get(t, s.handler, "GET", "/app.wasm", map[string]string{"Accept-Encoding": "gzip"})
	require.Equal(t, "gzip", r.Header.Get("Content-Encoding"))
}

func TestPrecompressedBrotliWins(t *testing.T) {
	s := newTestSite(t, map[string]string{"app.wasm.br": "brotli bytes"})
	r := get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": "gzip, br"})
	require.Equal(t, "br", r.Header.Get("Content-Encoding"))
	require.Equal(t, "application/wasm", r.Header.Get("Content-Type"))
	require.Equal(t, "brotli bytes", body(t, r))

	r = get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": "gzip"})
	require.Equal(t, "gzip", r.Header.Get("Content-Encoding"))

	// A copy older than the file is left over from an earlier build: never served.
	wasm := filepath.Join(s.web.dir, "app.wasm")
	later := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(wasm, later, later))
	s, err := newSite(s.web.dir)
	require.NoError(t, err)
	r = get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": "br"})
	require.Empty(t, r.Header.Get("Content-Encoding"))
}

func TestVersionIsAHashOfTheBuild(t *testing.T) {
	a := newTestSite(t, nil)
	b, err := newSite(a.web.dir)
	require.NoError(t, err)
	require.Equal(t, a.app.Version, b.app.Version, "a restart keeps the version")
	require.NoError(t, os.WriteFile(filepath.Join(a.web.dir, "app.wasm"), []byte("rebuilt"), 0o644))
	c, err := newSite(a.web.dir)
	require.NoError(t, err)
	require.NotEqual(t, a.app.Version, c.app.Version, "a rebuild is an update")
	require.NoError(t, os.WriteFile(filepath.Join(a.web.dir, "app.wasm.br"), []byte("x"), 0o644))
	d, err := newSite(a.web.dir)
	require.NoError(t, err)
	require.Equal(t, c.app.Version, d.app.Version, "precompressed copies do not change the version")
}

func TestMissingWasmIsAClearError(t *testing.T) {
	_, err := newSite(t.TempDir())
	require.ErrorContains(t, err, "make wasm")
}

func TestOnlyLocalResources(t *testing.T) {
	s := newTestSite(t, nil)
	for _, p := range []string{"/manifest.webmanifest", "/app-worker.js", "/"} {
		b := body(t, get(t, s.handler, "GET", p, nil))
		require.NotContains(t, b, "githubusercontent", p)
		for _, remote := range []string{`src="http`, `href="http`, `"src":"http`, `["http`, `,"http`} {
			require.NotContains(t, b, remote, p)
		}
	}
	worker := body(t, get(t, s.handler, "GET", "/app-worker.js", nil))
	for _, res := range []string{"/web/icon.svg", "/web/icon-192.png", "/web/icon-512.png", "/web/app.wasm", "/web/cloudchamber.css"} {
		require.Contains(t, worker, `"`+res+`"`, "the service worker must pre-cache %s", res)
	}
	// go-app would fetch /robots.txt over HTTP from the request's Host; we serve the file.
	req := httptest.NewRequest("GET", "/robots.txt", nil)
	req.Host = "169.254.169.254"
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	require.Equal(t, 200, rec.Code)
	require.Contains(t, rec.Body.String(), "User-agent")
	require.Equal(t, 404, get(t, s.handler, "GET", "/sitemap.xml", nil).StatusCode)
}

// go-app picks wasm_exec.js by the server's Go version; the wasm must be built
// by the same Go (TOOLCHAIN P7).
func TestWasmExecMatchesThisGo(t *testing.T) {
	s := newTestSite(t, nil)
	want, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	require.NoError(t, err)
	got := body(t, get(t, s.handler, "GET", "/wasm_exec.js", nil))
	require.True(t, bytes.Equal(want, []byte(got)), "served wasm_exec.js differs from %s's", runtime.Version())
}

func TestStaticSiteFiles(t *testing.T) {
	s := newTestSite(t, nil)
	out := t.TempDir()
	require.NoError(t, generateStatic(out, s))
	for _, f := range []string{"index.html", "app.js", "app-worker.js", "wasm_exec.js", "manifest.webmanifest", "app.css", "robots.txt",
		"web/app.wasm", "web/icon.svg", "web/icon-192.png", "web/icon-512.png", "web/cloudchamber.css"} {
		require.FileExists(t, filepath.Join(out, f))
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	require.NoError(t, err)
	require.Contains(t, string(index), `http-equiv="Content-Security-Policy"`)
}

func TestAcceptsEncoding(t *testing.T) {
	for _, c := range []struct {
		header, token string
		want          bool
	}{
		{"gzip, br", "br", true},
		{"gzip;q=0.5", "gzip", true},
		{"gzip; q=0", "gzip", false},
		{"GZIP", "gzip", true},
		{"deflate", "gzip", false},
		{"", "gzip", false},
		{"xgzip", "gzip", false},
	} {
		require.Equal(t, c.want, acceptsEncoding(c.header, c.token), "%q %q", c.header, c.token)
	}
}

// Each representation of a file has its own validator: a conditional
// request gets 304 only for the representation the client holds.
func TestEachEncodingHasItsOwnETag(t *testing.T) {
	s := newTestSite(t, map[string]string{"app.wasm.br": "brotli bytes"})
	encodings := map[string]string{"br": "br", "gzip": "gzip", "": ""} // Accept-Encoding: Content-Encoding
	tags := map[string]string{}
	for accept, enc := range encodings {
		r := get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": accept})
		require.Equal(t, 200, r.StatusCode)
		require.Equal(t, enc, r.Header.Get("Content-Encoding"))
		require.Equal(t, "Accept-Encoding", r.Header.Get("Vary"))
		require.Equal(t, "no-cache", r.Header.Get("Cache-Control"))
		tag := r.Header.Get("ETag")
		require.Regexp(t, `^"[0-9a-f]{24}(-br|-gzip)?"$`, tag)
		require.NotEqual(t, `"`+s.app.Version+`"`, tag, "the app's version validates no file")
		if enc != "" {
			require.True(t, strings.HasSuffix(tag, "-"+enc+`"`), tag)
		}
		full := body(t, r)
		require.Equal(t, strconv.Itoa(len(full)), r.Header.Get("Content-Length"), "known length, not chunked")
		tags[accept] = tag

		// A range of the representation.
		rg := get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": accept, "Range": "bytes=2-5", "If-Range": tag})
		require.Equal(t, http.StatusPartialContent, rg.StatusCode)
		require.Equal(t, full[2:6], body(t, rg))

		// HEAD: the same headers, no body.
		h := get(t, s.handler, "HEAD", "/web/app.wasm", map[string]string{"Accept-Encoding": accept})
		require.Equal(t, 200, h.StatusCode)
		require.Equal(t, tag, h.Header.Get("ETag"))
		require.Equal(t, strconv.Itoa(len(full)), h.Header.Get("Content-Length"))
		require.Empty(t, body(t, h))

		// The client's own copy: 304, with the same validator.
		nm := get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": accept, "If-None-Match": tag})
		require.Equal(t, http.StatusNotModified, nm.StatusCode, accept)
		require.Equal(t, tag, nm.Header.Get("ETag"))
		require.Empty(t, body(t, nm))
	}
	require.Len(t, map[string]bool{tags["br"]: true, tags["gzip"]: true, tags[""]: true}, 3, "one validator per encoding")

	// A copy in another encoding is not the one this client would get: 200.
	for accept, enc := range encodings {
		for other, tag := range tags {
			if other == accept {
				continue
			}
			r := get(t, s.handler, "GET", "/web/app.wasm", map[string]string{"Accept-Encoding": accept, "If-None-Match": tag})
			require.Equal(t, 200, r.StatusCode, "%q with the %q copy's tag", accept, other)
			require.Equal(t, enc, r.Header.Get("Content-Encoding"))
		}
	}

	// Files that are not compressed have one representation and no Vary.
	r := get(t, s.handler, "GET", "/web/icon-192.png", map[string]string{"Accept-Encoding": "br, gzip"})
	require.Empty(t, r.Header.Get("Content-Encoding"))
	require.Empty(t, r.Header.Get("Vary"))
	require.Equal(t, http.StatusNotModified, get(t, s.handler, "GET", "/web/icon-192.png", map[string]string{"If-None-Match": r.Header.Get("ETag")}).StatusCode)
}

// go-app's own responses are validated by their content, not by the app's
// version, which go-app would send for all: the scripts and the manifest by
// a hash of their bytes; a page, which go-app renders anew for each request
// with its attributes in no fixed order, by a weak tag of the version and
// the server's build.
func TestPagesHaveTheirOwnETags(t *testing.T) {
	s := newTestSite(t, nil)
	for _, p := range []string{"/", "/app.js", "/app-worker.js", "/manifest.webmanifest", "/wasm_exec.js"} {
		r := get(t, s.handler, "GET", p, nil)
		require.Equal(t, 200, r.StatusCode, p)
		b := body(t, r)
		tag := r.Header.Get("ETag")
		if p == "/" {
			require.Regexp(t, `^W/"[0-9a-f]{24}"$`, tag, p)
		} else {
			require.Regexp(t, `^"[0-9a-f]{24}"$`, tag, p)
			require.Equal(t, etag([]byte(b), ""), tag, p)
		}
		require.Equal(t, strconv.Itoa(len(b)), r.Header.Get("Content-Length"), p)
		require.Equal(t, "no-cache", r.Header.Get("Cache-Control"), p)
		require.Equal(t, headerCSP, r.Header.Get("Content-Security-Policy"), p)

		nm := get(t, s.handler, "GET", p, map[string]string{"If-None-Match": tag})
		require.Equal(t, http.StatusNotModified, nm.StatusCode, p)
		require.Equal(t, tag, nm.Header.Get("ETag"), p)
		old := get(t, s.handler, "GET", p, map[string]string{"If-None-Match": `"` + s.app.Version + `"`})
		require.Equal(t, 200, old.StatusCode, "%s: the version is no validator", p)
		require.Len(t, body(t, old), len(b), p)

		h := get(t, s.handler, "HEAD", p, nil)
		require.Equal(t, 200, h.StatusCode, p)
		require.Equal(t, tag, h.Header.Get("ETag"), p)
		require.Equal(t, strconv.Itoa(len(b)), h.Header.Get("Content-Length"), p)
		require.Empty(t, body(t, h), p)
	}
	r := get(t, s.handler, "GET", "/no/such/page", nil)
	require.Equal(t, 404, r.StatusCode)
	require.Empty(t, r.Header.Get("ETag"))

	// Another version (or another build of the server) renders other pages.
	other := newTestSite(t, nil)
	other.app.Version += "-next"
	require.NotEqual(t, get(t, s.handler, "GET", "/", nil).Header.Get("ETag"), get(t, other.handler, "GET", "/", nil).Header.Get("ETag"))
}

// Every file is read once, when the site is made: a request reads no disk
// and copies no body.
func TestFilesAreServedFromMemory(t *testing.T) {
	s := newTestSite(t, map[string]string{"app.wasm.br": string(noise(2 << 20))})
	want := map[string]string{}
	for _, p := range []string{"/web/app.wasm", "/web/icon.svg", "/robots.txt"} {
		want[p] = body(t, get(t, s.handler, "GET", p, map[string]string{"Accept-Encoding": "br"}))
	}
	entries, err := os.ReadDir(s.web.dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NoError(t, os.Remove(filepath.Join(s.web.dir, e.Name())))
	}
	for p, b := range want {
		require.Equal(t, b, body(t, get(t, s.handler, "GET", p, map[string]string{"Accept-Encoding": "br"})), p)
	}

	// Sending the 2 MiB brotli copy allocates a few hundred bytes, not 2 MiB.
	h := defaultLimits.bounded(s.handler)
	req := httptest.NewRequest("GET", "/web/app.wasm", nil)
	req.Header.Set("Accept-Encoding", "br")
	w := &discardResponse{header: http.Header{}}
	h.ServeHTTP(w, req) // warm up
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 20
	for range n {
		w = &discardResponse{header: http.Header{}}
		h.ServeHTTP(w, req)
		require.Equal(t, 2<<20, w.n)
	}
	runtime.ReadMemStats(&after)
	perRequest := (after.TotalAlloc - before.TotalAlloc) / n
	require.Less(t, perRequest, uint64(16<<10), "bytes allocated per request")
}

// discardResponse is a ResponseWriter that counts the body's bytes.
type discardResponse struct {
	header http.Header
	status int
	n      int
}

func (d *discardResponse) Header() http.Header  { return d.header }
func (d *discardResponse) WriteHeader(code int) { d.status = code }
func (d *discardResponse) Write(p []byte) (int, error) {
	d.n += len(p)
	return len(p), nil
}

// noise is n bytes that do not compress.
func noise(n int) []byte {
	b := make([]byte, n)
	x := uint64(88172645463325252)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// shortLimits make every bound of the server observable within a test.
var shortLimits = limits{
	ReadHeader:     300 * time.Millisecond,
	Read:           time.Second,
	Idle:           300 * time.Millisecond,
	Stall:          300 * time.Millisecond,
	Write:          5 * time.Second,
	MaxHeaderBytes: 8 << 10,
	MaxConns:       8,
}

// startLimited serves s over TCP on the loopback within lim, and records
// the connections the server closes.
func startLimited(t *testing.T, s *site, lim limits) (addr string, closed *closeLog) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := lim.server(s.handler)
	closed = &closeLog{at: map[string]time.Time{}}
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateClosed {
			closed.mu.Lock()
			closed.at[c.RemoteAddr().String()] = time.Now()
			closed.mu.Unlock()
		}
	}
	go srv.Serve(lim.listener(ln))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), closed
}

// closeLog is when the server closed each connection, by the client's address.
type closeLog struct {
	mu sync.Mutex
	at map[string]time.Time
}

// within waits up to d for the server to close the client's connection c,
// and tells how long after start it did.
func (l *closeLog) within(t *testing.T, c net.Conn, start time.Time, d time.Duration) time.Duration {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		l.mu.Lock()
		at, ok := l.at[c.LocalAddr().String()]
		l.mu.Unlock()
		if ok {
			return at.Sub(start)
		}
	}
	require.FailNow(t, "the server kept the connection open", "after %v", d)
	return 0
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestDefaultLimitsAreSet(t *testing.T) {
	srv := defaultLimits.server(http.NotFoundHandler())
	require.NotZero(t, srv.ReadHeaderTimeout)
	require.NotZero(t, srv.ReadTimeout)
	require.NotZero(t, srv.WriteTimeout)
	require.NotZero(t, srv.IdleTimeout)
	require.NotZero(t, srv.MaxHeaderBytes)
	require.True(t, srv.DisableGeneralOptionsHandler)
	require.NotZero(t, defaultLimits.Stall)
	require.NotZero(t, defaultLimits.MaxConns)
}

func TestIdleConnectionIsClosed(t *testing.T) {
	addr, closed := startLimited(t, newTestSite(t, nil), shortLimits)
	c := dial(t, addr)
	br := bufio.NewReader(c)
	for range 2 { // kept alive between requests, then closed when idle
		_, err := io.WriteString(c, "GET /web/icon.svg HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
		r, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		require.Equal(t, 200, r.StatusCode)
		_, err = io.Copy(io.Discard, r.Body)
		require.NoError(t, err)
	}
	idleSince := time.Now()
	waited := closed.within(t, c, idleSince, 3*time.Second)
	require.GreaterOrEqual(t, waited, 250*time.Millisecond, "closed before the idle timeout")
	_, err := br.ReadByte()
	require.ErrorIs(t, err, io.EOF)
}

func TestSlowHeadersAreCut(t *testing.T) {
	addr, closed := startLimited(t, newTestSite(t, nil), shortLimits)
	silent := dial(t, addr) // connects and says nothing
	slow := dial(t, addr)   // starts a request and never ends its headers
	_, err := io.WriteString(slow, "GET / HTTP/1.1\r\nHost: x\r\n")
	require.NoError(t, err)
	start := time.Now()
	require.Less(t, closed.within(t, silent, start, 3*time.Second), 2*time.Second)
	require.Less(t, closed.within(t, slow, start, 3*time.Second), 2*time.Second)
}

func TestLargeHeadersAreRefused(t *testing.T) {
	addr, _ := startLimited(t, newTestSite(t, nil), shortLimits)
	c := dial(t, addr)
	_, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 64<<10)+"\r\n\r\n")
	require.NoError(t, err)
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, r.StatusCode)
}

func TestOtherMethodsOverTCP(t *testing.T) {
	addr, _ := startLimited(t, newTestSite(t, nil), shortLimits)
	for _, line := range []string{"OPTIONS * HTTP/1.1", "TRACE / HTTP/1.1", "POST /web/icon.svg HTTP/1.1", "CONNECT x:443 HTTP/1.1"} {
		c := dial(t, addr)
		_, err := io.WriteString(c, line+"\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
		require.NoError(t, err)
		r, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err, line)
		require.Equal(t, http.StatusMethodNotAllowed, r.StatusCode, line)
		require.Equal(t, "GET, HEAD", r.Header.Get("Allow"), line)
	}
}

// A client that asks for a large file and never reads holds its connection
// no longer than the stall timeout, and the server keeps no copy of the
// file for it.
func TestNeverReadingClientIsCut(t *testing.T) {
	const size = 32 << 20 // more than the loopback's socket buffers hold
	s := newTestSite(t, map[string]string{"big.bin": strings.Repeat("x", size)})
	addr, closed := startLimited(t, s, shortLimits)
	c := dial(t, addr)
	require.NoError(t, c.(*net.TCPConn).SetReadBuffer(4096))
	_, err := io.WriteString(c, "GET /web/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	closed.within(t, c, time.Now(), 5*time.Second)
}

func TestStalledClientsShareOneCopy(t *testing.T) {
	const size, clients = 8 << 20, 16
	s := newTestSite(t, map[string]string{"big.bin": strings.Repeat("x", size)})
	lim := shortLimits
	lim.Stall, lim.MaxConns = 10*time.Second, 64
	addr, _ := startLimited(t, s, lim)
	var before, during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range clients {
		c := dial(t, addr)
		require.NoError(t, c.(*net.TCPConn).SetReadBuffer(4096))
		_, err := io.WriteString(c, "GET /web/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
		require.NoError(t, err)
	}
	time.Sleep(300 * time.Millisecond) // every response is under way and blocked
	runtime.GC()
	runtime.ReadMemStats(&during)
	grown := int64(during.HeapAlloc) - int64(before.HeapAlloc)
	require.Less(t, grown, int64(2<<20), "heap grown by %d B for %d stalled clients of an %d B file", grown, clients, size)
}

// The write deadline moves with each chunk of at most writeChunk bytes and
// never passes the bound of the whole response.
func TestWriteDeadlineFollowsProgress(t *testing.T) {
	fw := &deadlineRecorder{}
	lim := limits{Stall: time.Second, Write: time.Minute}
	start := time.Now()
	lim.bounded(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := w.Write(make([]byte, 3*writeChunk+10))
		require.NoError(t, err)
		require.Equal(t, 3*writeChunk+10, n)
	})).ServeHTTP(fw, httptest.NewRequest("GET", "/", nil))
	require.Equal(t, []int{writeChunk, writeChunk, writeChunk, 10}, fw.writes)
	require.Len(t, fw.deadlines, 4)
	for _, d := range fw.deadlines {
		require.WithinDuration(t, start.Add(time.Second), d, 500*time.Millisecond)
	}

	fw = &deadlineRecorder{}
	lim = limits{Stall: time.Minute, Write: time.Second}
	lim.bounded(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("x"))
	})).ServeHTTP(fw, httptest.NewRequest("GET", "/", nil))
	require.WithinDuration(t, start.Add(time.Second), fw.deadlines[0], 500*time.Millisecond, "capped by Write")
}

type deadlineRecorder struct {
	discardResponse
	writes    []int
	deadlines []time.Time
}

func (d *deadlineRecorder) Header() http.Header {
	if d.header == nil {
		d.header = http.Header{}
	}
	return d.header
}

func (d *deadlineRecorder) Write(p []byte) (int, error) {
	d.writes = append(d.writes, len(p))
	return len(p), nil
}

func (d *deadlineRecorder) SetWriteDeadline(t time.Time) error {
	d.deadlines = append(d.deadlines, t)
	return nil
}

// Beyond MaxConns, a connection waits to be accepted until another closes.
func TestConnectionsAreBounded(t *testing.T) {
	lim := shortLimits
	lim.MaxConns, lim.ReadHeader, lim.Read = 2, 10*time.Second, 10*time.Second
	addr, _ := startLimited(t, newTestSite(t, nil), lim)
	first := dial(t, addr)
	dial(t, addr)
	time.Sleep(100 * time.Millisecond)
	third := dial(t, addr)
	_, err := io.WriteString(third, "GET /web/icon.svg HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(third)
	require.NoError(t, third.SetReadDeadline(time.Now().Add(300*time.Millisecond)))
	_, err = br.ReadByte()
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "served beyond the bound")
	first.Close()
	require.NoError(t, third.SetReadDeadline(time.Now().Add(3*time.Second)))
	r, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	require.Equal(t, 200, r.StatusCode)
}
