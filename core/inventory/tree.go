package inventory

// The YAML node tree Parse reads from, built by compose.go. It holds what
// the schema walk and locate need of yaml.v3's *yaml.Node (kind, position,
// value, what ShortTag says, alias target) in 12 bytes a node plus the
// scalars' text, instead of the ~200 bytes of a *yaml.Node and its slices:
// nodes are records in fixed blocks, in document order, a collection's
// children following it up to its end; the text is kept in immutable
// 64 KiB strings, short values once each, so reading a value allocates
// nothing.

import "strings"

type kind uint8

const (
	scalarNode kind = iota + 1
	mappingNode
	sequenceNode
	aliasNode
)

// tagClass is what yaml.v3's ShortTag would say about a scalar, as far as
// the schema tells them apart.
type tagClass uint8

const (
	tagStr   tagClass = iota // !!str; also plain dates, which yaml.v3 calls !!timestamp and the schema reads as strings alike
	tagNull                  // !!null
	tagBool                  // !!bool
	tagInt                   // !!int
	tagMerge                 // !!merge (a plain <<)
	tagOther                 // !!float, !!binary and any other explicit tag
)

// rec is one node, in 12 bytes: its line (the top bit says it is shared:
// in an anchored subtree, so aliases may reach it more than once), its
// column (its kind and tag class in the top 5 bits; InputBytesMax keeps
// columns under 2^27), and ref: a scalar's value and an alias's target and
// name (both as the offset of an entry in the text), or a collection's end,
// the index just past its last descendant.
type rec struct {
	line uint32
	col  uint32
	ref  uint32
}

const (
	sharedBit = 1 << 31
	colBits   = 27
	colMask   = 1<<colBits - 1
	tagShift  = colBits     // 3 bits
	kindShift = colBits + 3 // 2 bits, kind-1

	recBlockBits = 12 // 4096 records (48 KiB) a block
	recBlock     = 1 << recBlockBits
	textBlock    = 1 << 16 // text is cut into strings this long, or one longer entry each
	// shortText is the longest value stored once however often it repeats
	// (keys, enum names, small numbers); shortTextMax bounds that table.
	shortText    = 16
	shortTextMax = 1 << 14
)

type tree struct {
	recs  [][]rec           // full blocks of recBlock records, then the last one
	n     int32             // records
	text  []string          // text blocks: entries of uvarint length then bytes, or for an alias uvarint target, uvarint length, name
	cur   []byte            // the text block being written; text[len(text)] once flushed
	short map[string]uint32 // short values already in the text
	hint  int               // the text's size: small texts get small first blocks
	tmp   [20]byte          // scratch for entries' prefixes
}

// add appends a node and returns its index.
func (t *tree) add(k kind, tag tagClass, shared bool, line, col int) int32 {
	if int(t.n)&(recBlock-1) == 0 {
		n := recBlock
		if t.n == 0 {
			n = min(recBlock, t.hint/8+16) // grows to recBlock if need be
		}
		t.recs = append(t.recs, make([]rec, 0, n))
	}
	r := rec{line: uint32(line), col: uint32(col)&colMask | uint32(tag)<<tagShift | uint32(k-1)<<kindShift}
	if shared {
		r.line |= sharedBit
	}
	b := &t.recs[len(t.recs)-1]
	*b = append(*b, r)
	t.n++
	return t.n - 1
}

func (t *tree) rec(i int32) *rec { return &t.recs[i>>recBlockBits][i&(recBlock-1)] }

func (r *rec) kind() kind           { return kind(r.col>>kindShift) + 1 }
func (r *rec) tag() tagClass        { return tagClass(r.col >> tagShift & 7) }
func (r *rec) shared() bool         { return r.line&sharedBit != 0 }
func (r *rec) position() (l, c int) { return int(r.line &^ sharedBit), int(r.col & colMask) }

// entry writes prefix then data to the text and returns where.
func (t *tree) entry(prefix, data []byte) uint32 {
	n := len(prefix) + len(data)
	if len(t.cur)+n > textBlock {
		t.flush()
	}
	block := len(t.text)
	if n > textBlock {
		var b strings.Builder
		b.Grow(n)
		b.Write(prefix)
		b.Write(data)
		t.text = append(t.text, b.String())
		return uint32(block) << 16
	}
	if t.cur == nil {
		t.cur = make([]byte, 0, min(textBlock, t.hint+16))
	}
	at := uint32(block)<<16 | uint32(len(t.cur))
	t.cur = append(append(t.cur, prefix...), data...)
	return at
}

// flush turns the block being written into an immutable string.
func (t *tree) flush() {
	if len(t.cur) > 0 {
		t.text = append(t.text, string(t.cur))
		t.cur = t.cur[:0]
	}
}

func (t *tree) setValue(i int32, v []byte) {
	if len(v) <= shortText {
		if at, ok := t.short[string(v)]; ok {
			t.rec(i).ref = at
			return
		}
	}
	at := t.entry(putUvarint(t.tmp[:0], uint64(len(v))), v)
	if len(v) <= shortText && len(t.short) < shortTextMax {
		if t.short == nil {
			t.short = map[string]uint32{}
		}
		t.short[string(v)] = at
	}
	t.rec(i).ref = at
}

func (t *tree) setAlias(i, target int32, name []byte) {
	p := putUvarint(t.tmp[:0], uint64(target))
	p = putUvarint(p, uint64(len(name)))
	t.rec(i).ref = t.entry(p, name)
}

// textAt reads the entry at ref: its first uvarint, then the string after
// the second (for an alias) or the first.
func (t *tree) textAt(ref uint32, alias bool) (uint64, string) {
	s := t.text[ref>>16][ref&0xffff:]
	v, w := uvarint(s)
	s = s[w:]
	if alias {
		n, w := uvarint(s)
		return v, s[w : w+int(n)]
	}
	return v, s[:v]
}

func putUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func uvarint(s string) (uint64, int) {
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	return v, len(s)
}

// node is a node of a tree; the zero node is none.
type node struct {
	t *tree
	i int32
}

func (n node) ok() bool   { return n.t != nil }
func (n node) r() *rec    { return n.t.rec(n.i) }
func (n node) kind() kind { return n.r().kind() }
func (n node) line() int  { l, _ := n.r().position(); return l }
func (n node) col() int   { _, c := n.r().position(); return c }

// shared says aliases may reach n more than once.
func (n node) shared() bool { return n.r().shared() }

// tag is a scalar's tag class (tagOther for anything else).
func (n node) tag() tagClass {
	if r := n.r(); r.kind() == scalarNode {
		return r.tag()
	}
	return tagOther
}

// value is a scalar's value, or the anchor name an alias uses.
func (n node) value() string {
	switch r := n.r(); r.kind() {
	case scalarNode:
		_, s := n.t.textAt(r.ref, false)
		return s
	case aliasNode:
		_, s := n.t.textAt(r.ref, true)
		return s
	}
	return ""
}

// alias is the node an alias names.
func (n node) alias() node {
	target, _ := n.t.textAt(n.r().ref, true)
	return node{n.t, int32(target)}
}

// next is the node after n and its descendants: its next sibling, or its
// parent's end.
func (n node) next() node {
	r := n.r()
	if k := r.kind(); k == mappingNode || k == sequenceNode {
		return node{n.t, int32(r.ref)}
	}
	return node{n.t, n.i + 1}
}

// children calls f on each child of a collection in order, until f returns
// false.
func (n node) children(f func(node) bool) {
	r := n.r()
	if k := r.kind(); k != mappingNode && k != sequenceNode {
		return
	}
	for c, end := (node{n.t, n.i + 1}), int32(r.ref); c.i < end; c = c.next() {
		if !f(c) {
			return
		}
	}
}

// content lists the children of a collection.
func (n node) content() []node {
	var out []node
	n.children(func(c node) bool { out = append(out, c); return true })
	return out
}

// len is the number of children of a collection.
func (n node) len() int {
	k := 0
	n.children(func(node) bool { k++; return true })
	return k
}

// pairs calls f on each key and value of a mapping in order, until f
// returns false.
func (n node) pairs(f func(k, v node) bool) {
	if n.kind() != mappingNode {
		return
	}
	end := int32(n.r().ref)
	for k := (node{n.t, n.i + 1}); k.i < end; {
		v := k.next()
		if !f(k, v) {
			return
		}
		k = v.next()
	}
}
