//go:build !js

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	ccapp "github.com/cloudchamber/cloudchamber/app"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// contentSecurityPolicy is what the page may load and run: only our own
// files; WebAssembly compilation ('wasm-unsafe-eval') for go-app's loader;
// inline style attributes, which go-app's Style() writes. The static site
// carries the same policy in a <meta> tag, where frame-ancestors is not
// allowed (browsers ignore it there and log an error), so the header adds it.
const contentSecurityPolicy = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; " +
	"connect-src 'self'; " +
	"worker-src 'self'; " +
	"manifest-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'none'; " +
	"form-action 'none'"

const headerCSP = contentSecurityPolicy + "; frame-ancestors 'none'"

// site is everything the server serves: go-app's pages and PWA files, and
// the files of the web directory.
type site struct {
	web     *webFiles
	app     *app.Handler
	handler http.Handler // app wrapped in the security layer
}

// newSite builds the app handler over the web directory dir, which it reads
// once: the server serves the files as they were when it started. The wasm
// must already be built: the version is a hash of the built files, so a
// restart keeps the service worker's cache and every rebuild is seen as an
// update.
func newSite(dir string) (*site, error) {
	if _, err := os.Stat(filepath.Join(dir, "app.wasm")); err != nil {
		return nil, fmt.Errorf("web directory %q has no app.wasm (build it with `make wasm`): %w", dir, err)
	}
	web, err := loadWebFiles(dir)
	if err != nil {
		return nil, err
	}
	wasmSize := web.size("app.wasm")
	if wasmSize < 0 {
		return nil, fmt.Errorf("web directory %q: app.wasm is not a regular file", dir)
	}
	ccapp.Routes(ccapp.Options{}) // the server only pre-renders: the page opens its storage in the browser
	h := &app.Handler{
		Name:        "CloudChamber",
		ShortName:   "CloudChamber",
		Title:       "CloudChamber",
		Description: "A visible simulation of a cloud: racks, power, network, blades and the control plane that runs them, in your browser.",
		Lang:        "en",
		Icon: app.Icon{
			Default:  "/web/icon-192.png",
			Large:    "/web/icon-512.png",
			Maskable: "/web/icon-512.png",
			SVG:      "/web/icon.svg",
		},
		BackgroundColor: "#1f2a44",
		ThemeColor:      "#1f2a44",
		LoadingLabel:    "Loading CloudChamber {progress}%",
		Styles:          []string{"/web/cloudchamber.css", "/web/panels-a.css", "/web/panels-b.css", "/web/compare.css", "/web/welcome.css"},
		// The SVG icon is linked but go-app does not pre-cache it (TOOLCHAIN P5);
		// the Workers' scripts and programs (a sweep's, a GPU fill job's) are
		// fetched only when one runs, and cached so that both run offline.
		CacheableResources: []string{"/web/icon.svg", "/web/sweep-worker.js", "/web/sweep.wasm", "/web/fill-worker.js", "/web/fill.wasm"},
		RawHeaders: []string{
			`<meta http-equiv="Content-Security-Policy" content="` + contentSecurityPolicy + `">`,
		},
		Resources:         web,
		Version:           web.version,
		WasmContentLength: strconv.Itoa(wasmSize),
	}
	return &site{web: web, app: h, handler: secure(web, &contentETag{app: h})}, nil
}

// proxiedFiles are root paths that go-app would fetch over HTTP from the
// request's Host (an open door to server-side request forgery); we serve
// them from the web directory ourselves.
var proxiedFiles = map[string]bool{"/robots.txt": true, "/sitemap.xml": true, "/ads.txt": true}

// secure admits only GET and HEAD on clean paths, sets the security headers
// on every response, and sends the web directory's files (and go-app's
// aliases of them) to web, everything else to pages.
func secure(web *webFiles, pages http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", headerCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed: this server only serves files", http.StatusMethodNotAllowed)
			return
		}
		p := r.URL.Path
		if !cleanPath(p) {
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
		switch {
		case strings.HasPrefix(p, "/web/"):
			web.ServeHTTP(w, r)
		case p == "/app.wasm" || p == "/goapp.wasm":
			web.ServeHTTP(w, withPath(r, "/web/app.wasm"))
		case proxiedFiles[p]:
			web.ServeHTTP(w, withPath(r, "/web"+p))
		default:
			pages.ServeHTTP(w, r)
		}
	})
}

func withPath(r *http.Request, p string) *http.Request {
	u := *r.URL
	u.Path = p
	r2 := *r
	r2.URL = &u
	return &r2
}

// contentETag gives go-app's responses a validator of their own. go-app
// sends the app's version as the ETag of everything it serves and answers
// 304 to it, even where a newer server sends another page or script for the
// same web directory. app.js, app-worker.js, the manifest and wasm_exec.js
// are made once and never change: their ETag is a hash of their bytes. A
// page is rendered for each request, and go-app writes its attributes in no
// fixed order, so the same page differs in bytes from one request to the
// next: its ETag is weak, a hash of the version and of the server's own
// executable. These responses are small (17 kB at most): contentETag keeps
// one in a pooled buffer, answers If-None-Match itself and otherwise sends
// it as go-app made it.
type contentETag struct {
	app      *app.Handler
	pageOnce sync.Once
	pageTag  string
}

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (c *contentETag) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	inner := r
	if r.Header.Get("If-None-Match") != "" {
		r2 := *r
		r2.Header = r.Header.Clone()
		r2.Header.Del("If-None-Match") // go-app would compare it with the version
		inner = &r2
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer pageBuffers.Put(buf)
	rec := &recordedResponse{header: w.Header(), body: buf}
	c.app.ServeHTTP(rec, inner)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	h := w.Header()
	if rec.status != http.StatusOK {
		h.Del("ETag") // go-app's version, on a 404
		w.WriteHeader(rec.status)
		w.Write(buf.Bytes())
		return
	}
	h.Del("Content-Length") // ServeContent sets it, and answers HEAD and ranges
	if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		c.pageOnce.Do(func() { // after go-app has read the version, as it reads it once
			c.pageTag = `W/"` + strings.Trim(etag([]byte(c.app.Version+"\x00"+executableHash()), ""), `"`) + `"`
		})
		h.Set("ETag", c.pageTag)
	} else {
		h.Set("ETag", etag(buf.Bytes(), ""))
	}
	http.ServeContent(w, r, "", time.Time{}, &memReader{b: buf.Bytes()})
}

// executableHash identifies the server's build: the pages it renders depend
// on its code as well as on the web directory.
var executableHash = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err == nil {
		var f *os.File
		if f, err = os.Open(exe); err == nil {
			defer f.Close()
			sum := sha256.New()
			if _, err = io.Copy(sum, f); err == nil {
				return hex.EncodeToString(sum.Sum(nil))
			}
		}
	}
	return strconv.FormatInt(time.Now().UnixNano(), 10) // unknown: a new tag for each start
})

// recordedResponse keeps a handler's status and body; its headers go
// straight into the real response's.
type recordedResponse struct {
	header http.Header
	status int
	body   *bytes.Buffer
}

func (r *recordedResponse) Header() http.Header { return r.header }

func (r *recordedResponse) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recordedResponse) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// cleanPath reports whether p is absolute and has no "." or ".." segment,
// no empty segment inside it and no backslash.
func cleanPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	trimmed := strings.TrimSuffix(p, "/")
	return trimmed == "" || path.Clean(trimmed) == trimmed
}
