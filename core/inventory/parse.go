package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds on what Parse accepts, so hostile input (a shared link, an import)
// fails fast, in bounded memory, instead of eating the browser's memory.
// They are checked while the text is read (see compose.go), never after:
// reading S bytes takes at most 20 S bytes of heap plus 1 MiB, 512 MB at
// InputBytesMax, save what aliases expand to (memory_test.go, README).
const (
	// InputBytesMax bounds the YAML text; the largest generated inventory
	// (GenBladesMax blades, GenRacksMax racks) fits.
	InputBytesMax = 80 << 20
	// YAMLNodesMax bounds the YAML nodes counted with every alias expanded,
	// which stops "billion laughs" documents before any expansion happens.
	// A generated blade takes 60 to 100 nodes, its share of cables included.
	YAMLNodesMax = 1 << 24
	// bytesPerNode bounds the nodes a text holds for its size: one per
	// bytesPerNode bytes (beyond the first few thousand). Inventories take
	// 8 to 15 bytes a node (4 at the tersest, all flow style and merge
	// keys); a text of nothing but tiny nodes ("[0,0,0,...") is not one,
	// and would cost 6 bytes of memory (12 per node) for each of its bytes.
	bytesPerNode = 3
	// valueBytesMax bounds one value (a scalar, an anchor or a tag), so
	// that reading one is cheap: names and notes are a few hundred bytes.
	valueBytesMax = 1 << 20
	// yamlDepthMax bounds nesting (the schema needs about 15 levels).
	yamlDepthMax = 200
	// anchorsMax bounds the anchors a file defines.
	anchorsMax = 1 << 16
	// mappingKeysMax bounds the keys of one mapping (the schema has at most 7).
	mappingKeysMax = 64
	// internMax bounds the table of shared strings built while parsing.
	internMax = 4096
)

// The tree packs a column in 27 bits.
var _ [1<<colBits - InputBytesMax]struct{}

// nodesFor is how many YAML nodes a text of size bytes may hold.
func nodesFor(size int) int32 {
	return int32(min(YAMLNodesMax, size/bytesPerNode+4096))
}

// Parse reads an inventory in the original's YAML format (§1.7): keys and
// enum names match case-insensitively, unknown keys are errors, anchors,
// aliases and merge keys work, and the top-level ZoneTypes, RackTypes,
// PduTypes, TorTypes and BladeTypes lists only hold anchors. The result is in
// canonical order and has passed Validate. file names the input in errors.
func Parse(file string, data []byte) (*Definition, error) {
	return ParsePaced(file, data, nil)
}

// Pace is called now and then while ParsePaced reads a long text, with
// how far it got: 0 of 0 while the text's lines are counted (a text over
// a MiB), then done of total, in lines of the text while the YAML is
// read (total is the number of lines), then the racks turned into the
// model (done stays at total then: the model takes a tenth of the time of
// the reading, and its size is not known before). A non-nil
// error stops the parse, which returns that error as it is. The caller may
// block in it (to let a page draw a frame); what it does never changes the
// result.
type Pace func(done, total int) error

// pacePerEvents is how many YAML events are read between two calls of a
// Pace (a blade is about 60 to 100).
const pacePerEvents = 4096

// ParsePaced is Parse, calling pace (if not nil) about every 4,096 YAML
// events read, after every rack built and after every rack checked
// (ValidateEach), so that a caller with one thread can show progress, stay
// responsive and cancel. The result is Parse's.
func ParsePaced(file string, data []byte, pace Pace) (*Definition, error) {
	return ParsePiecesPaced(file, [][]byte{data}, pace)
}

// ParsePiecesPaced is ParsePaced of a text held in pieces, in order (a
// large file read a piece at a time, so that no one allocation holds it
// all): the same definition, errors and paces as ParsePaced of the pieces
// joined. The pieces must not change while it runs.
func ParsePiecesPaced(file string, pieces [][]byte, pace Pace) (*Definition, error) {
	d, err := parse(pieces, pace)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.File == "" {
			e.File = file
		}
		return nil, err
	}
	return d, nil
}

// CheckSize refuses a text of size bytes that is too long to be an
// inventory (more than InputBytesMax) with the error Parse gives it, so
// that a file's size can be checked before it is read; file names it.
func CheckSize(file string, size int) error {
	if size > InputBytesMax {
		return &Error{File: file, Msg: fmt.Sprintf("is %d bytes, more than the %d allowed", size, InputBytesMax)}
	}
	return nil
}

func parse(pieces [][]byte, pace Pace) (*Definition, error) {
	if err := CheckSize("", piecesLen(pieces)); err != nil {
		return nil, err
	}
	lines := 0
	if pace != nil {
		var err error
		if lines, err = countLines(pieces, pace); err != nil {
			return nil, err
		}
	}
	root, err := compose(pieces, pace, lines)
	if err != nil {
		return nil, err
	}
	p := parser{intern: map[string]string{}, kept: map[int32]string{}, lists: map[int32][]string{}, gpuLists: map[int32][]GPU{}}
	if pace != nil {
		p.pace = func() error { return pace(lines, lines) }
	}
	d, err := p.root(deref(root))
	if p.stopped != nil {
		return nil, p.stopped
	}
	if err != nil {
		return nil, locate(deref(root), err)
	}
	d.Normalize()
	var each func()
	if p.pace != nil {
		each = func() {
			if p.stopped == nil {
				p.stopped = p.pace()
			}
		}
	}
	err = d.ValidateEach(each)
	if p.stopped != nil {
		return nil, p.stopped
	}
	if err != nil {
		return nil, locate(deref(root), err) // the rules are checked on the model: find the node in the YAML
	}
	return d, nil
}

// field is one key of a mapping after merge keys are applied.
type field struct {
	key string // lower-cased, for matching
	k   node   // the key as written (its line, its spelling)
	v   node   // the value, aliases resolved
}

type parser struct {
	intern map[string]string  // strings that repeat across blades (image, version, arch)
	kept   map[int32]string   // strings of nodes aliases may reach again, by node
	fields []field            // the fields of the mappings being read
	lists  map[int32][]string // accelerator lists aliases may reach again, by node
	// gpuLists are Gpus lists aliases may reach again, by node.
	gpuLists map[int32][]GPU
	pace     func() error // ParsePaced's, called after every rack (nil: none)
	stopped  error        // what pace stopped the parse with
}

// lineCount is the number of lines of data, as Pace counts them.
func lineCount(data []byte) int { return bytes.Count(data, []byte{'\n'}) + 1 }

// countLines is the lineCount of the pieces joined, counted a countChunk
// at a time with pace(0, 0) between two chunks (the lines of 25 MB took
// 46 ms in one piece in Chromium); pace's error stops it.
func countLines(pieces [][]byte, pace Pace) (int, error) {
	n, counted := 1, 0
	for _, data := range pieces {
		for len(data) > 0 {
			if counted >= countChunk {
				if err := pace(0, 0); err != nil {
					return 0, err
				}
				counted = 0
			}
			k := min(len(data), countChunk-counted)
			n += bytes.Count(data[:k], []byte{'\n'})
			data, counted = data[k:], counted+k
		}
	}
	return n, nil
}

// piecesLen is the bytes of the pieces.
func piecesLen(pieces [][]byte) int {
	n := 0
	for _, p := range pieces {
		n += len(p)
	}
	return n
}

// countChunk is how many bytes countLines counts between two paces.
const countChunk = 1 << 20

// text is a scalar's value to keep in the definition: a copy, so that the
// definition holds no part of the tree's text blocks, and one copy per node
// however many aliases reach it.
func (p *parser) text(n node, s string) string {
	if s == "" {
		return ""
	}
	if !n.ok() || !n.shared() {
		return strings.Clone(s)
	}
	if v, ok := p.kept[n.i]; ok {
		return v
	}
	v := strings.Clone(s)
	p.kept[n.i] = v
	return v
}

// share returns one copy of strings that repeat across blades (image,
// version, arch), so a large inventory does not hold thousands of copies.
func (p *parser) share(n node, s string) string {
	if v, ok := p.intern[s]; ok {
		return v
	}
	v := p.text(n, s)
	if len(p.intern) < internMax {
		p.intern[v] = v
	}
	return v
}

func deref(n node) node {
	for n.ok() && n.kind() == aliasNode {
		n = n.alias()
	}
	return n
}

func isNull(n node) bool {
	return !n.ok() || n.kind() == scalarNode && n.tag() == tagNull
}

func isMergeKey(n node) bool {
	return n.kind() == scalarNode && n.tag() == tagMerge && n.value() == "<<"
}

// describe names a node's value for "got ..." in messages.
func describe(n node) string {
	n = deref(n)
	switch {
	case !n.ok():
		return "nothing"
	case n.kind() == mappingNode:
		return "a mapping"
	case n.kind() == sequenceNode:
		return "a list"
	case isNull(n):
		return "nothing"
	}
	v := n.value()
	if utf8.RuneCountInString(v) > 40 {
		v = string([]rune(v)[:40]) + "..."
	}
	return strconv.Quote(v)
}

func fail(n node, a at, leaf, format string, args ...any) error {
	return a.err(n.line(), n.col(), leaf, fmt.Sprintf(format, args...))
}

// mapping flattens a mapping: its own keys first, then keys from merge keys
// (<<: *x, or <<: [*x, *y] where the earlier map wins) that it does not set
// itself. Keys are compared case-insensitively, as the original's reader
// (viper) did; a key given twice is an error rather than a silent choice.
//
// The fields are on the parser's stack (see release): valid until the
// caller returns.
func (p *parser) mapping(n node, a at, leaf string) ([]field, error) {
	n = deref(n)
	if isNull(n) {
		return nil, nil
	}
	if n.kind() != mappingNode {
		return nil, fail(n, a, leaf, "must be a mapping, got %s", describe(n))
	}
	if keys := n.len() / 2; keys > mappingKeysMax {
		return nil, fail(n, a, leaf, "has %d keys, more than the %d allowed", keys, mappingKeysMax)
	}
	start := len(p.fields)
	var merge node
	for k, end := (node{n.t, n.i + 1}), int32(n.r().ref); k.i < end; {
		v := k.next()
		next := v.next()
		k = deref(k)
		if isMergeKey(k) {
			if merge.ok() {
				return nil, fail(k, a, leaf, "has more than one merge key (<<)")
			}
			merge = v
			k = next
			continue
		}
		if k.kind() != scalarNode {
			return nil, fail(k, a, leaf, "has a key that is %s, not a name", describe(k))
		}
		key := keyOf(k.value())
		for _, f := range p.fields[start:] {
			if f.key == key {
				return nil, fail(k, a, leaf, "has duplicate key %q (also at line %d)", k.value(), f.k.line())
			}
		}
		p.fields = append(p.fields, field{key: key, k: k, v: deref(v)})
		k = next
	}
	if merge.ok() {
		if err := p.merge(n, merge, start, a, leaf); err != nil {
			return nil, err
		}
	}
	return p.fields[start:len(p.fields):len(p.fields)], nil
}

// merge adds to the fields from start those of merge's mappings that they
// do not have yet.
func (p *parser) merge(n, merge node, start int, a at, leaf string) error {
	m := deref(merge)
	var sources []node
	switch m.kind() {
	case mappingNode:
		sources = []node{m}
	case sequenceNode:
		var err error
		m.children(func(s node) bool {
			s = deref(s)
			if s.kind() != mappingNode {
				err = fail(s, a, leaf, "has a merge key (<<) whose list holds %s; it must hold mappings", describe(s))
				return false
			}
			sources = append(sources, s)
			return true
		})
		if err != nil {
			return err
		}
	default:
		return fail(m, a, leaf, "has a merge key (<<) with %s; it must be a mapping or a list of mappings", describe(m))
	}
	for _, s := range sources {
		end := len(p.fields)
		fs, err := p.mapping(s, a, leaf) // on the stack after ours
		if err != nil {
			return err
		}
	next:
		for _, f := range fs {
			for _, o := range p.fields[start:end] {
				if o.key == f.key {
					continue next
				}
			}
			if end-start >= mappingKeysMax {
				return fail(n, a, leaf, "has more than %d keys after merging", mappingKeysMax)
			}
			p.fields[end] = f // fs is at or after end: copying down never overwrites a field still to read
			end++
		}
		p.fields = p.fields[:end]
	}
	return nil
}

// mark and release keep the fields' stack: a function that reads mappings
// releases their fields when it returns.
func (p *parser) mark() int        { return len(p.fields) }
func (p *parser) release(mark int) { p.fields = p.fields[:mark] }

// keyOf is a key lower-cased, for matching: the schema's keys without an
// allocation.
func keyOf(s string) string {
	for _, k := range schemaKeys {
		if len(k) == len(s) && strings.EqualFold(k, s) {
			return k
		}
	}
	return lower(s)
}

// schemaKeys are every key of the schema, lower-cased.
var schemaKeys = []string{
	"index", "name", "details", "ports", "wired", "item", "type", "id", "port",
	"enabled", "condition", "state", "location", "notes", "regions", "zones", "racks",
	"pdus", "tors", "blades", "bootonpoweron", "bootinfo", "source", "image", "version",
	"parameters", "capacity", "cores", "memoryinmb", "diskingb", "networkbandwidthinmbps",
	"arch", "accelerators", "zonetypes", "racktypes", "pdutypes", "tortypes", "bladetypes",
}

// lower avoids an allocation for keys that are already lower case.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// known rejects keys the schema does not have, naming the ones it does.
// keys are given in their canonical spelling.
func known(fs []field, a at, leaf string, keys ...string) error {
next:
	for _, f := range fs {
		for _, k := range keys {
			if strings.EqualFold(f.key, k) {
				continue next
			}
		}
		return fail(f.k, a, leaf, "has unknown key %q (want one of %s)", f.k.value(), strings.Join(keys, ", "))
	}
	return nil
}

func lookup(fs []field, key string) *field {
	for i := range fs {
		if fs[i].key == key {
			return &fs[i]
		}
	}
	return nil
}

// seq is a list's items, aliases resolved, walked in place rather than
// copied out: a hostile list can hold millions.
type seq struct {
	n   node // the list; none for a null
	len int
}

// all yields each item with its position.
func (s seq) all() iter.Seq2[int, node] {
	return func(yield func(int, node) bool) {
		if !s.n.ok() {
			return
		}
		i := 0
		s.n.children(func(c node) bool {
			ok := yield(i, deref(c))
			i++
			return ok
		})
	}
}

// at is the item at position j.
func (s seq) at(j int) node {
	for i, it := range s.all() {
		if i == j {
			return it
		}
	}
	return node{}
}

// list reads a list.
func (p *parser) list(f *field, a at, leaf string) (seq, error) {
	n := f.v
	if isNull(n) {
		return seq{}, nil
	}
	if n.kind() != sequenceNode {
		return seq{}, fail(n, a, leaf, "must be a list, got %s", describe(n))
	}
	return seq{n: n, len: n.len()}, nil
}

// str reads a string; the value is the tree's (see text).
func (p *parser) str(f *field, a at, leaf string) (string, error) {
	n := f.v
	if n.kind() != scalarNode {
		return "", fail(n, a, leaf, "must be a string, got %s", describe(n))
	}
	if isNull(n) {
		return "", nil
	}
	if !utf8.ValidString(n.value()) {
		return "", fail(n, a, leaf, "must be valid UTF-8")
	}
	return n.value(), nil
}

// integer accepts YAML integers (0x, 0o, underscores, as yaml.v3 resolves
// them) and, like the original's weakly typed decoding, decimal strings.
func (p *parser) integer(f *field, a at, leaf string) (int64, error) {
	n := f.v
	var v int64
	err := errNotInteger
	if n.kind() == scalarNode {
		switch n.tag() {
		case tagInt:
			plain := n.value()
			if strings.IndexByte(plain, '_') >= 0 {
				plain = strings.ReplaceAll(plain, "_", "")
			}
			v, err = strconv.ParseInt(plain, 0, 64)
			if err != nil && strings.HasPrefix(plain, "-0b") {
				v, err = strconv.ParseInt("-"+plain[3:], 2, 64)
			}
		case tagStr:
			v, err = strconv.ParseInt(strings.TrimSpace(n.value()), 10, 64)
		}
	}
	if err != nil {
		return 0, fail(n, a, leaf, "must be an integer, got %s", describe(n))
	}
	return v, nil
}

var errNotInteger = errors.New("not an integer")

func (p *parser) boolean(f *field, a at, leaf string) (bool, error) {
	n := f.v
	if n.kind() == scalarNode {
		if t := n.tag(); t == tagBool || t == tagStr {
			switch v := n.value(); {
			case strings.EqualFold(v, "true"):
				return true, nil
			case strings.EqualFold(v, "false"):
				return false, nil
			}
		}
	}
	return false, fail(n, a, leaf, "must be true or false, got %s", describe(n))
}

// enum reads a required enum name; names must be given, as the original's
// reader rejected an empty one.
func enum[T ~uint8](p *parser, fs []field, key string, names []string, n node, a at, leaf string) (T, error) {
	f := lookup(fs, key)
	if f == nil {
		return 0, fail(n, a, leaf, "is missing")
	}
	s, err := p.str(f, a, leaf)
	if err != nil {
		return 0, err
	}
	for i, name := range names {
		if strings.EqualFold(name, s) {
			return T(i), nil
		}
	}
	return 0, fail(f.v, a, leaf, "must be one of %s; got %s", strings.Join(names, ", "), describe(f.v))
}

// optStr reads an optional string to keep.
func (p *parser) optStr(fs []field, key string, a at, leaf string) (string, error) {
	if f := lookup(fs, key); f != nil {
		s, err := p.str(f, a, leaf)
		return p.text(f.v, s), err
	}
	return "", nil
}

// optShared reads an optional string that repeats across blades.
func (p *parser) optShared(fs []field, key string, a at, leaf string) (string, error) {
	if f := lookup(fs, key); f != nil {
		s, err := p.str(f, a, leaf)
		return p.share(f.v, s), err
	}
	return "", nil
}

func (p *parser) optBool(fs []field, key string, a at, leaf string) (bool, error) {
	if f := lookup(fs, key); f != nil {
		return p.boolean(f, a, leaf)
	}
	return false, nil
}

func (p *parser) optInt(fs []field, key string, a at, leaf string) (int64, error) {
	if f := lookup(fs, key); f != nil {
		return p.integer(f, a, leaf)
	}
	return 0, nil
}

// elementName reads the Name that keys regions, zones and racks.
func (p *parser) elementName(n node, fs []field, a at) (string, error) {
	f := lookup(fs, "name")
	if f == nil {
		return "", fail(n, a, "Name", "is missing")
	}
	s, err := p.str(f, a, "Name")
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", fail(f.v, a, "Name", "must not be empty")
	}
	if err := checkName(a.named(s), "Name", s); err != nil {
		e := err.(*Error)
		e.Line, e.Col = f.v.line(), f.v.col()
		return "", e
	}
	return p.text(f.v, s), nil
}

// elementIndex reads the Index that keys PDUs, TORs, blades and ports.
func (p *parser) elementIndex(n node, fs []field, a at) (int64, error) {
	f := lookup(fs, "index")
	if f == nil {
		return 0, fail(n, a, "Index", "is missing")
	}
	return p.integer(f, a, "Index")
}

// nameSet finds repeated names (ignoring case, as the store's keys did).
type nameSet map[string]node

func (s nameSet) check(n node, name string, a at, parent, kind string) error {
	key := nameKey(name)
	if first, ok := s[key]; ok {
		return fail(n, a, "", "is a duplicate: %s already has %s %q (first at line %d)", parent, kind, name, first.line())
	}
	s[key] = n
	return nil
}

// indexSet finds repeated indices. Files list indices in ascending order, so
// the common case costs one comparison; a map is built only once the order
// breaks.
type indexSet struct {
	n    int           // elements recorded
	last int64         // the largest index, while still ascending
	pos  map[int64]int // index to position, once the order has broken
}

// add records the next element and returns the position of an earlier one
// with the same index, or -1. prior gives earlier elements' indices.
func (s *indexSet) add(index int64, prior func(int) int64) int {
	if s.pos == nil {
		if s.n == 0 || index > s.last {
			s.last = index
			s.n++
			return -1
		}
		s.pos = make(map[int64]int, 2*s.n)
		for i := range s.n {
			s.pos[prior(i)] = i
		}
	}
	if p, ok := s.pos[index]; ok {
		return p
	}
	s.pos[index] = s.n
	s.n++
	return -1
}

func duplicateIndex(n, first node, a at, parent, kind string, index int64) error {
	return fail(n, a, "", "is a duplicate: %s already has %s %d (first at line %d)", parent, kind, index, first.line())
}
