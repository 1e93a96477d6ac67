package scenario

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/cloudchamber/cloudchamber/core/inventory"
)

// inventoryHole is where a scenario's JSON names its inventory when the
// inventory is left empty: the first occurrence is the top level's, since
// only strings (whose quotes are escaped) come before it.
const inventoryHole = `"inventory":{`

// shell is the canonical JSON of s around its inline inventory definition
// (ok false when s has none, or names its inventory twice, which Validate
// refuses: Marshal then writes it whole): head ends where the definition
// goes (after `"inventory":{`), tail is the rest. The format at the head is
// the one Marshal would write, given whether the definition has a "gpus"
// key (defGPUs).
func shell(s *Scenario, defGPUs bool) (head, tail []byte, ok bool, err error) {
	inv := s.Inventory
	if inv.Definition == nil || inv.Builtin != "" || inv.Version != 0 || inv.Generate != nil {
		return nil, nil, false, nil
	}
	c := *s
	c.Inventory = Inventory{}
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, nil, false, err
	}
	i := bytes.Index(b, []byte(inventoryHole+"}"))
	if i < 0 {
		return nil, nil, false, nil
	}
	i += len(inventoryHole)
	head, tail = b[:i], b[i:]
	was := `{"format":` + strconv.Itoa(s.Format) + ","
	if s.Format == Format && bytes.HasPrefix(head, []byte(was)) && !defGPUs &&
		!bytes.Contains(head, []byte(`"gpus":`)) && !bytes.Contains(tail, []byte(`"gpus":`)) {
		head = append([]byte(`{"format":`+strconv.Itoa(formatNoGPUs)+","), head[len(was):]...)
	}
	return head, tail, true, nil
}

// WriteCanonical writes Marshal(s)'s bytes to w without holding them: an
// inline inventory definition goes a rack at a time (each, if not nil, is
// called after every rack), the rest in one piece. It is how a large
// scenario (20 MB of JSON at 50,000 blades) is hashed in slices.
func WriteCanonical(w io.Writer, s *Scenario, each func()) error {
	def := s.Inventory.Definition
	return writeAround(w, s, def != nil && def.HasGPUKey(), func() error { return def.WriteJSON(w, each) })
}

// writeAround writes Marshal(s)'s bytes to w: the shell of s (defGPUs as
// for shell) around its inline definition, which writeDef writes to w; a
// scenario without one (or with its inventory named twice) as Marshal
// gives it.
func writeAround(w io.Writer, s *Scenario, defGPUs bool, writeDef func() error) error {
	head, tail, ok, err := shell(s, defGPUs)
	if err != nil {
		return err
	}
	if !ok {
		b, err := Marshal(s)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `"definition":`); err != nil {
		return err
	}
	if err := writeDef(); err != nil {
		return err
	}
	_, err = w.Write(tail)
	return err
}

// Encoder writes the canonical JSON of scenarios that share one inline
// inventory definition (a run's, as its commands and tick change) and
// encodes that definition once: it keeps its JSON (about 400 bytes a
// blade) for as long as the scenarios it is given share it. A definition
// is never modified once loaded (see Clone). The zero Encoder is ready.
type Encoder struct {
	def     *inventory.Definition // the definition defJSON is of
	defJSON blocks
	defGPUs bool
}

// Keep encodes def, the inline inventory of the scenarios to come, now, a
// rack at a time with each (if not nil) called after every rack, so that
// the first Marshal does not encode it in one piece. It returns the first
// error of the encoding, and then keeps nothing.
//
// The JSON is kept in blocks filled as it is written, not in one buffer
// grown by doubling: at 50,000 blades that buffer took 64 MiB for 20 MiB of
// JSON, 52 MiB of it alive together at the end (the doubled buffer and its
// copy to size), what set the peak of a page's import.
func (e *Encoder) Keep(def *inventory.Definition, each func()) error {
	var b blocks
	if err := def.WriteJSON(&b, each); err != nil {
		return err
	}
	b.trim()
	e.def, e.defJSON, e.defGPUs = def, b, def.HasGPUKey()
	return nil
}

// Holds reports whether e holds the JSON of def (not nil): whether a
// scenario with def inline is written without encoding it.
func (e *Encoder) Holds(def *inventory.Definition) bool { return def != nil && e.def == def }

// Marshal is Marshal(s), the same bytes, re-encoding s's inline
// definition only when it is not the one encoded last.
func (e *Encoder) Marshal(s *Scenario) ([]byte, error) {
	var b bytes.Buffer
	if e.Holds(s.Inventory.Definition) {
		b.Grow(e.defJSON.size + marshalShellHint) // the shell is small: the buffer is not grown by doubling past the definition
	}
	if err := e.Write(&b, s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// marshalShellHint is the room Encoder.Marshal leaves for a scenario's JSON
// around its kept definition (settings, control plane, commands).
const marshalShellHint = 16 << 10

// Write writes Marshal(s)'s bytes to w, as Marshal.
func (e *Encoder) Write(w io.Writer, s *Scenario) error {
	def := s.Inventory.Definition
	if def != nil && def != e.def {
		if err := e.Keep(def, nil); err != nil {
			return err
		}
	}
	return writeAround(w, s, def != nil && e.defGPUs, func() error { return e.defJSON.writeTo(w) })
}

// Pieces is Marshal(s)'s bytes as pieces to be written in order, without
// copying the kept JSON of s's inline definition into one buffer with the
// rest: the pieces of that JSON are the Encoder's own (shared, never
// modified; the caller must not modify them either), the others are new.
// A store that copies them straight where it keeps them (autosave's, into
// a JS value) never holds a large run's JSON whole (20 MB at 50,000 blades).
func (e *Encoder) Pieces(s *Scenario) ([][]byte, error) {
	def := s.Inventory.Definition
	if def != nil && def != e.def {
		if err := e.Keep(def, nil); err != nil {
			return nil, err
		}
	}
	var p pieces
	err := writeAround(&p, s, def != nil && e.defGPUs, func() error {
		p = append(p, e.defJSON.list...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// pieces is an io.Writer that keeps a copy of each write as a piece.
type pieces [][]byte

func (p *pieces) Write(b []byte) (int, error) {
	*p = append(*p, bytes.Clone(b))
	return len(b), nil
}

// blocks is an io.Writer that keeps what is written to it in blocks of
// growing size (up to blockMax), allocated as they fill: no byte is
// copied twice and no buffer is left behind as garbage.
type blocks struct {
	list [][]byte
	size int // bytes written
}

// Block sizes: the first is small (a small inventory's JSON is a few KB),
// each next one twice the last, up to blockMax.
const (
	blockMin = 4 << 10
	blockMax = 256 << 10
)

func (b *blocks) Write(p []byte) (int, error) {
	n := len(p)
	b.size += n
	for len(p) > 0 {
		if len(b.list) == 0 || len(b.list[len(b.list)-1]) == cap(b.list[len(b.list)-1]) {
			size := blockMin
			if k := len(b.list); k > 0 {
				size = min(2*cap(b.list[k-1]), blockMax)
			}
			b.list = append(b.list, make([]byte, 0, size))
		}
		last := &b.list[len(b.list)-1]
		c := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:c]...)
		p = p[c:]
	}
	return n, nil
}

// trim gives the last block the size of what it holds when that is less
// than half of it.
func (b *blocks) trim() {
	if k := len(b.list); k > 0 && len(b.list[k-1]) < cap(b.list[k-1])/2 {
		b.list[k-1] = bytes.Clone(b.list[k-1])
	}
}

// writeTo writes the blocks to w, in order.
func (b *blocks) writeTo(w io.Writer) error {
	for _, blk := range b.list {
		if _, err := w.Write(blk); err != nil {
			return err
		}
	}
	return nil
}
