//go:build !js

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

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

// newSite builds the app handler over the web directory dir. The wasm must
// already be built: the version is a hash of the built files, so a restart
// keeps the service worker's cache and every rebuild is seen as an update.
func newSite(dir string) (*site, error) {
	wasm, err := os.Stat(filepath.Join(dir, "app.wasm"))
	if err != nil {
		return nil, fmt.Errorf("web directory %q has no app.wasm (build it with `make wasm`): %w", dir, err)
	}
	version, err := hashDir(dir)
	if err != nil {
		return nil, err
	}
	ccapp.Routes()
	web := newWebFiles(dir)
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
		Styles:          []string{"/web/cloudchamber.css", "/web/panels-a.css", "/web/panels-b.css"},
		// The SVG icon is linked but go-app does not pre-cache it (TOOLCHAIN P5).
		CacheableResources: []string{"/web/icon.svg"},
		RawHeaders: []string{
			`<meta http-equiv="Content-Security-Policy" content="` + contentSecurityPolicy + `">`,
		},
		Resources:         web,
		Version:           version,
		WasmContentLength: strconv.FormatInt(wasm.Size(), 10),
	}
	return &site{web: web, app: h, handler: secure(web, h)}, nil
}

// hashDir hashes the names and contents of the files under dir (not the
// precompressed copies, which follow from the originals).
func hashDir(dir string) (string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") || isPrecompressed(p) {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("hashing web directory: %w", err)
	}
	sort.Strings(names)
	sum := sha256.New()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil {
			return "", fmt.Errorf("hashing web directory: %w", err)
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", n, len(b))
		sum.Write(b)
	}
	return hex.EncodeToString(sum.Sum(nil))[:20], nil
}

func isPrecompressed(name string) bool {
	return strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".br")
}

// proxiedFiles are root paths that go-app would fetch over HTTP from the
// request's Host (an open door to server-side request forgery); we serve
// them from the web directory ourselves.
var proxiedFiles = map[string]bool{"/robots.txt": true, "/sitemap.xml": true, "/ads.txt": true}

// secure admits only GET and HEAD on clean paths and sets the security
// headers on every response.
func secure(web *webFiles, next http.Handler) http.Handler {
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
		if !cleanPath(r.URL.Path) {
			http.Error(w, "bad path", http.StatusBadRequest)
			return
		}
		if proxiedFiles[r.URL.Path] {
			u := *r.URL
			u.Path = "/web" + r.URL.Path
			r2 := *r
			r2.URL = &u
			web.ServeHTTP(w, &r2)
			return
		}
		next.ServeHTTP(w, r)
	})
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
