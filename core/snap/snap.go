// Package snap is the compact binary form that every part of the simulation
// writes its state in for snapshots: unsigned and signed varints, strings and
// byte strings with a length prefix, and a section header that names the part
// and its version, so a reader can say exactly what it could not read.
//
// Reader errors are sticky: after the first failure every read returns a zero
// value and Err reports the first failure, so decoding code reads straight
// through and checks once.
package snap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Writer appends encoded values to a buffer.
type Writer struct {
	buf       []byte
	pace      func() // SetPace's fn (nil: none)
	paceEvery int
	paceAt    int // the length of buf at which pace is called next
}

// SetPace has fn called once the buffer has grown by every bytes (every
// >= 1) since it was last called, checked at each Uint (every record
// writes some): a large snapshot (megabytes at 50,000 blades) lets other
// work run while it is written. It changes none of the bytes.
func (w *Writer) SetPace(every int, fn func()) {
	w.pace, w.paceEvery, w.paceAt = fn, max(every, 1), len(w.buf)+max(every, 1)
}

// NewWriter returns a writer whose buffer starts with capacity n.
func NewWriter(n int) *Writer { return &Writer{buf: make([]byte, 0, n)} }

// Bytes returns what has been written.
func (w *Writer) Bytes() []byte { return w.buf }

// Uint writes an unsigned varint.
func (w *Writer) Uint(v uint64) {
	w.buf = binary.AppendUvarint(w.buf, v)
	if w.pace != nil && len(w.buf) >= w.paceAt {
		w.paceAt = len(w.buf) + w.paceEvery
		w.pace()
	}
}

// Int writes a signed (zig-zag) varint.
func (w *Writer) Int(v int64) { w.buf = binary.AppendVarint(w.buf, v) }

// Bool writes one byte.
func (w *Writer) Bool(v bool) {
	if v {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

// String writes a length-prefixed string.
func (w *Writer) String(s string) {
	w.Uint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// Blob writes a length-prefixed byte string.
func (w *Writer) Blob(b []byte) {
	w.Uint(uint64(len(b)))
	w.buf = append(w.buf, b...)
}

// Section writes a header naming a part of the state and its format version.
func (w *Writer) Section(name string, version uint64) {
	w.String(name)
	w.Uint(version)
}

// Reader decodes what a Writer wrote.
type Reader struct {
	buf []byte
	off int
	err error
}

// NewReader reads b.
func NewReader(b []byte) *Reader { return &Reader{buf: b} }

// Err is the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Fail records err (if no error was recorded before) and returns the first error.
func (r *Reader) Fail(err error) error {
	if r.err == nil {
		r.err = err
	}
	return r.err
}

// Failf records a formatted error at the current offset.
func (r *Reader) Failf(format string, args ...any) error {
	return r.Fail(fmt.Errorf("snapshot byte %d: %s", r.off, fmt.Sprintf(format, args...)))
}

// Done reports an error if bytes are left over after a complete read.
func (r *Reader) Done() error {
	if r.err == nil && r.off != len(r.buf) {
		r.Failf("%d unexpected bytes after the end", len(r.buf)-r.off)
	}
	return r.err
}

// Uint reads an unsigned varint.
func (r *Reader) Uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf[r.off:])
	if n <= 0 {
		r.Failf("bad or truncated unsigned number")
		return 0
	}
	r.off += n
	return v
}

// Int reads a signed varint.
func (r *Reader) Int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.buf[r.off:])
	if n <= 0 {
		r.Failf("bad or truncated signed number")
		return 0
	}
	r.off += n
	return v
}

// Len reads a count and checks it against max and against the bytes left
// (each counted item takes at least one byte), so a corrupt count cannot make
// the caller allocate without bound.
func (r *Reader) Len(max int) int {
	v := r.Uint()
	if r.err != nil {
		return 0
	}
	if v > uint64(max) || v > uint64(len(r.buf)-r.off) || v > math.MaxInt32 {
		r.Failf("count %d out of range", v)
		return 0
	}
	return int(v)
}

// Bool reads one byte written by Writer.Bool.
func (r *Reader) Bool() bool {
	if r.err != nil {
		return false
	}
	if r.off >= len(r.buf) {
		r.Failf("truncated")
		return false
	}
	b := r.buf[r.off]
	r.off++
	if b > 1 {
		r.Failf("bad boolean %d", b)
		return false
	}
	return b == 1
}

func (r *Reader) raw() []byte {
	n := r.Uint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.buf)-r.off) {
		r.Failf("length %d runs past the end", n)
		return nil
	}
	b := r.buf[r.off : r.off+int(n)]
	r.off += int(n)
	return b
}

// String reads a length-prefixed string.
func (r *Reader) String() string { return string(r.raw()) }

// Blob reads a length-prefixed byte string (a copy).
func (r *Reader) Blob() []byte {
	b := r.raw()
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// ErrVersion is wrapped by Section when a part was written by a format this
// build does not read.
var ErrVersion = errors.New("unsupported snapshot version")

// Section reads a header and checks that it names the expected part and a
// version in [1, maxVersion]. It returns the version read.
func (r *Reader) Section(name string, maxVersion uint64) uint64 {
	got := r.String()
	v := r.Uint()
	if r.err != nil {
		return 0
	}
	if got != name {
		r.Failf("expected section %q, found %q", name, got)
		return 0
	}
	if v == 0 || v > maxVersion {
		r.Fail(fmt.Errorf("section %q: %w %d (this build reads 1..%d)", name, ErrVersion, v, maxVersion))
		return 0
	}
	return v
}
