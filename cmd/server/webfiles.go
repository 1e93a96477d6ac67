//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// webFiles serves the web directory under /web/ (go-app's resources): no
// directory listings, nothing outside the directory, and compressible files
// sent compressed: a precompressed .br or .gz next to the file when the
// browser accepts it, otherwise gzip made once in memory.
//
// It is also go-app's ResourceResolver: paths stay as they are (TOOLCHAIN P8).
type webFiles struct {
	dir string

	mu   sync.Mutex
	gzip map[string]gzipped // by file path
}

type gzipped struct {
	mod  time.Time
	size int64
	body []byte
}

func newWebFiles(dir string) *webFiles {
	return &webFiles{dir: dir, gzip: map[string]gzipped{}}
}

// Resolve implements app.ResourceResolver.
func (f *webFiles) Resolve(p string) string { return p }

// compressible lists the types worth compressing; images are compressed already.
var compressible = map[string]bool{
	".wasm": true, ".js": true, ".css": true, ".svg": true, ".json": true,
	".html": true, ".txt": true, ".yaml": true, ".webmanifest": true,
}

func (f *webFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel, ok := strings.CutPrefix(r.URL.Path, "/web/")
	if !ok || rel == "" || !cleanPath("/"+rel) || isPrecompressed(rel) {
		http.NotFound(w, r)
		return
	}
	name := filepath.Join(f.dir, filepath.FromSlash(rel))
	info, err := os.Stat(name)
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r) // directories are never listed
		return
	}
	ext := path.Ext(rel)
	ctype := mime.TypeByExtension(ext)
	if ext == ".wasm" {
		ctype = "application/wasm"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)

	if compressible[ext] {
		h.Add("Vary", "Accept-Encoding")
		accept := r.Header.Get("Accept-Encoding")
		for _, enc := range []struct{ token, suffix string }{{"br", ".br"}, {"gzip", ".gz"}} {
			if !acceptsEncoding(accept, enc.token) {
				continue
			}
			if pre, ok := precompressed(name+enc.suffix, info); ok {
				h.Set("Content-Encoding", enc.token)
				http.ServeContent(w, r, "", info.ModTime(), bytes.NewReader(pre))
				return
			}
		}
		if acceptsEncoding(accept, "gzip") {
			if body, err := f.gzipped(name); err == nil {
				h.Set("Content-Encoding", "gzip")
				http.ServeContent(w, r, "", info.ModTime(), bytes.NewReader(body))
				return
			}
		}
	}
	http.ServeFile(w, r, name)
}

// precompressed reads a compressed copy of a file, unless it is older than
// the file (a stale copy from an earlier build must never be served).
func precompressed(name string, orig os.FileInfo) ([]byte, bool) {
	info, err := os.Stat(name)
	if err != nil || info.ModTime().Before(orig.ModTime()) {
		return nil, false
	}
	b, err := os.ReadFile(name)
	return b, err == nil
}

// gzipped returns the gzip form of a file, made once per version of the file.
func (f *webFiles) gzipped(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if g, ok := f.gzip[name]; ok && g.mod.Equal(info.ModTime()) && g.size == info.Size() {
		return g.body, nil
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	f.gzip[name] = gzipped{mod: info.ModTime(), size: info.Size(), body: b.Bytes()}
	return b.Bytes(), nil
}

// acceptsEncoding reports whether an Accept-Encoding header allows token
// (present and not with q=0).
func acceptsEncoding(header, token string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
