//go:build !js

package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// webFiles serves the web directory under /web/ (go-app's resources): no
// directory listings, nothing outside the directory, and compressible files
// sent compressed: a precompressed .br or .gz next to the file when the
// browser accepts it and the copy is not older than the file, otherwise gzip
// made once in memory.
//
// The directory is read once, when the server starts (its hash is the app's
// version), and every file is served from that copy: no request reads the
// disk, and a response holds no buffer of its own (see memReader). Each
// representation (the file, its gzip, its brotli) has its own strong ETag, a
// hash of the bytes sent, so a conditional request is answered 304 only for
// the representation the client has. Files are sent with Cache-Control:
// no-cache (the URLs carry no version): browsers revalidate, and a 304 costs
// a few hundred bytes.
//
// It is also go-app's ResourceResolver: paths stay as they are (TOOLCHAIN P8).
type webFiles struct {
	dir     string
	files   map[string]*webFile // by slash-separated path under dir
	version string              // hash of the names and contents of the files
}

// webFile is one file of the web directory and its representations.
type webFile struct {
	ctype    string
	mod      time.Time
	compress bool
	identity representation
	br, gz   *representation // precompressed copies from the directory, if fresh

	gzOnce sync.Once
	gzMade *representation // gzip made in memory; nil when it would not be smaller
	gzErr  error
}

// representation is one encoding of a file's content.
type representation struct {
	encoding string // "" (identity), "gzip" or "br"
	body     []byte
	etag     string
}

func newRepresentation(encoding string, body []byte) *representation {
	return &representation{encoding: encoding, body: body, etag: etag(body, encoding)}
}

// etag is a strong validator of one representation: a hash of its bytes,
// and its encoding, so that two encodings never share one.
func etag(body []byte, encoding string) string {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	if encoding != "" {
		tag += "-" + encoding
	}
	return `"` + tag + `"`
}

// compressible lists the types worth compressing; images are compressed already.
var compressible = map[string]bool{
	".wasm": true, ".js": true, ".css": true, ".svg": true, ".json": true,
	".html": true, ".txt": true, ".yaml": true, ".webmanifest": true,
}

// loadWebFiles reads the web directory dir: every regular file whose name
// does not start with a dot, with its fresh precompressed copies.
func loadWebFiles(dir string) (*webFiles, error) {
	f := &webFiles{dir: dir, files: map[string]*webFile{}}
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || isPrecompressed(p) {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		file, err := readWebFile(p)
		if err != nil {
			return err
		}
		if file == nil { // not a regular file (a link to a directory, a device)
			return nil
		}
		rel = filepath.ToSlash(rel)
		f.files[rel] = file
		names = append(names, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading web directory: %w", err)
	}
	sort.Strings(names)
	sum := sha256.New()
	for _, n := range names {
		b := f.files[n].identity.body
		fmt.Fprintf(sum, "%s\x00%d\x00", n, len(b))
		sum.Write(b)
	}
	f.version = hex.EncodeToString(sum.Sum(nil))[:20]
	return f, nil
}

func readWebFile(name string) (*webFile, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, nil
	}
	body, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	ext := path.Ext(name)
	ctype := mime.TypeByExtension(ext)
	if ext == ".wasm" {
		ctype = "application/wasm"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	file := &webFile{ctype: ctype, mod: info.ModTime(), compress: compressible[ext]}
	file.identity = *newRepresentation("", body)
	if file.compress {
		if file.br, err = precompressed(name+".br", "br", info); err != nil {
			return nil, err
		}
		if file.gz, err = precompressed(name+".gz", "gzip", info); err != nil {
			return nil, err
		}
	}
	return file, nil
}

// precompressed reads a compressed copy of a file, unless there is none or
// it is older than the file (a stale copy from an earlier build must never
// be served).
func precompressed(name, encoding string, orig os.FileInfo) (*representation, error) {
	info, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) || err == nil && (!info.Mode().IsRegular() || info.ModTime().Before(orig.ModTime())) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return newRepresentation(encoding, b), nil
}

func isPrecompressed(name string) bool {
	return strings.HasSuffix(name, ".gz") || strings.HasSuffix(name, ".br")
}

// Resolve implements app.ResourceResolver.
func (f *webFiles) Resolve(p string) string { return p }

// size is the length of a file's content, or -1 when there is no such file.
func (f *webFiles) size(rel string) int {
	if file, ok := f.files[rel]; ok {
		return len(file.identity.body)
	}
	return -1
}

// warm makes the gzip form of every compressible file that has no
// precompressed copy, so that no visitor waits for it.
func (f *webFiles) warm() {
	for _, file := range f.files {
		if file.compress && file.gz == nil {
			file.gzipped()
		}
	}
}

// gzipped returns the gzip form of the file at name (a path under dir),
// making it if need be.
func (f *webFiles) gzipped(name string) ([]byte, error) {
	rel, err := filepath.Rel(f.dir, name)
	if err != nil {
		return nil, err
	}
	file, ok := f.files[filepath.ToSlash(rel)]
	if !ok {
		return nil, fs.ErrNotExist
	}
	if file.gz != nil {
		return file.gz.body, nil
	}
	rep, err := file.gzipped()
	if err != nil || rep == nil {
		return nil, err
	}
	return rep.body, nil
}

// gzipped makes the gzip form once; it is nil when it is not smaller than
// the file itself.
func (file *webFile) gzipped() (*representation, error) {
	file.gzOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(file.identity.body)
		if file.gzErr = zw.Close(); file.gzErr != nil {
			return
		}
		if b.Len() < len(file.identity.body) {
			file.gzMade = newRepresentation("gzip", b.Bytes())
		}
	})
	return file.gzMade, file.gzErr
}

// choose picks the representation for an Accept-Encoding header: brotli,
// then gzip, then the file itself.
func (file *webFile) choose(accept string) *representation {
	if !file.compress || accept == "" {
		return &file.identity
	}
	if file.br != nil && acceptsEncoding(accept, "br") {
		return file.br
	}
	if acceptsEncoding(accept, "gzip") {
		if file.gz != nil {
			return file.gz
		}
		if rep, err := file.gzipped(); err == nil && rep != nil {
			return rep
		}
	}
	return &file.identity
}

func (f *webFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel, ok := strings.CutPrefix(r.URL.Path, "/web/")
	file := f.files[rel]
	if !ok || file == nil {
		http.NotFound(w, r) // directories are never listed
		return
	}
	rep := file.choose(r.Header.Get("Accept-Encoding"))
	h := w.Header()
	h.Set("Content-Type", file.ctype)
	if file.compress {
		h.Add("Vary", "Accept-Encoding")
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", rep.etag)
	if rep.encoding != "" {
		h.Set("Content-Encoding", rep.encoding)
		// ServeContent leaves out Content-Length when Content-Encoding is
		// set (for handlers that compress on the fly); ours is known.
		w = &lengthSetter{ResponseWriter: w, length: strconv.Itoa(len(rep.body))}
	}
	http.ServeContent(w, r, "", file.mod, &memReader{b: rep.body})
}

// lengthSetter sets Content-Length on a 200 response that has none.
type lengthSetter struct {
	http.ResponseWriter
	length string
}

func (l *lengthSetter) Unwrap() http.ResponseWriter { return l.ResponseWriter }

func (l *lengthSetter) WriteHeader(code int) {
	if code == http.StatusOK && l.Header().Get("Content-Length") == "" {
		l.Header().Set("Content-Length", l.length)
	}
	l.ResponseWriter.WriteHeader(code)
}

// ReadFrom keeps the path that sends a memReader without a copy.
func (l *lengthSetter) ReadFrom(src io.Reader) (int64, error) {
	if rf, ok := l.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{l.ResponseWriter}, src)
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

// memReader reads a shared, never-modified byte slice. It is what
// http.ServeContent copies a body from; deadlineWriter.ReadFrom recognises it
// and writes the shared slice straight to the connection, so a response
// holds no copy of the body and no copy buffer, however slowly the client
// reads.
type memReader struct {
	b   []byte
	off int64
}

func (m *memReader) Read(p []byte) (int, error) {
	if m.off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[m.off:])
	m.off += int64(n)
	return n, nil
}

func (m *memReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += m.off
	case io.SeekEnd:
		offset += int64(len(m.b))
	default:
		return 0, errors.New("memReader.Seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("memReader.Seek: negative position")
	}
	m.off = offset
	return offset, nil
}

// next returns up to n of the bytes not read yet, and counts them as read.
func (m *memReader) next(n int64) []byte {
	if m.off >= int64(len(m.b)) {
		return nil
	}
	end := min(int64(len(m.b)), m.off+n)
	b := m.b[m.off:end]
	m.off = end
	return b
}
