package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Bounds on what Parse accepts, so hostile input (a shared link, an import)
// fails fast instead of eating the browser's memory.
const (
	// InputBytesMax bounds the YAML text; the largest generated inventory
	// (GenBladesMax blades, GenRacksMax racks) fits.
	InputBytesMax = 128 << 20
	// YAMLNodesMax bounds the YAML nodes counted with every alias expanded,
	// which stops "billion laughs" documents before any expansion happens.
	// A generated blade takes 60 to 100 nodes, its share of cables included.
	YAMLNodesMax = 1 << 24
	// yamlDepthMax bounds nesting (the schema needs about 15 levels).
	yamlDepthMax = 200
	// mappingKeysMax bounds the keys of one mapping (the schema has at most 7).
	mappingKeysMax = 64
	// internMax bounds the table of shared strings built while parsing.
	internMax = 4096
)

// Parse reads an inventory in the original's YAML format (§1.7): keys and
// enum names match case-insensitively, unknown keys are errors, anchors,
// aliases and merge keys work, and the top-level ZoneTypes, RackTypes,
// PduTypes, TorTypes and BladeTypes lists only hold anchors. The result is in
// canonical order and has passed Validate. file names the input in errors.
func Parse(file string, data []byte) (*Definition, error) {
	d, err := parse(data)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.File == "" {
			e.File = file
		}
		return nil, err
	}
	return d, nil
}

func parse(data []byte) (*Definition, error) {
	if len(data) > InputBytesMax {
		return nil, &Error{Msg: fmt.Sprintf("is %d bytes, more than the %d allowed", len(data), InputBytesMax)}
	}
	doc, err := decodeYAML(data)
	if err != nil {
		return nil, err
	}
	s := sizer{memo: map[*yaml.Node]int64{}, busy: map[*yaml.Node]bool{}}
	if _, err := s.size(doc, 0); err != nil {
		return nil, err
	}
	p := parser{intern: map[string]string{}}
	d, err := p.root(deref(doc))
	if err != nil {
		return nil, locate(deref(doc), err)
	}
	d.Normalize()
	if err := d.Validate(); err != nil {
		return nil, locate(deref(doc), err) // the rules are checked on the model: find the node in the YAML
	}
	return d, nil
}

// decodeYAML returns the one document's root node. yaml.v3 reports syntax
// errors as "yaml: line N: msg"; we turn that into a located Error.
func decodeYAML(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// yaml.v3 recovers its own errors; anything else is a bug in it, and
		// bad input must still come back as an error, not a crash.
		if r := recover(); r != nil {
			root, err = nil, &Error{Msg: fmt.Sprintf("could not be read as YAML (%v)", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, &Error{Msg: "holds no inventory (the document is empty)"}
		}
		return nil, syntaxError(data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &Error{Line: extra.Line, Col: extra.Column, Msg: "holds more than one YAML document"}
	case err != io.EOF:
		return nil, syntaxError(data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &Error{Msg: "holds no inventory (the document is empty)"}
	}
	return doc.Content[0], nil
}

// syntaxError locates yaml.v3's message. yaml.v3 prints 1-based lines for
// scanner errors but 0-based ones (the start of the enclosing block) for
// parser errors, and no line at all for line 1 or an unknown anchor.
func syntaxError(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		for _, p := range parserProblems {
			if strings.HasPrefix(msg, p) {
				line++
				break
			}
		}
	} else if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		line = lineOf(data, "*"+m[1])
	} else {
		line = 1
	}
	return &Error{Line: line, Msg: msg}
}

var (
	yamlLine      = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
	// parserProblems are the messages of libyaml's parser (not its scanner).
	parserProblems = []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"}
)

// lineOf is the 1-based line of the first occurrence of s, or 0.
func lineOf(data []byte, s string) int {
	i := bytes.Index(data, []byte(s))
	if i < 0 {
		return 0
	}
	return bytes.Count(data[:i], []byte("\n")) + 1
}

// sizer counts nodes with aliases expanded, memoised per anchor so the count
// itself is linear in the text; it also rejects anchors that contain
// themselves, which yaml.v3 leaves as cycles in the node graph.
type sizer struct {
	memo map[*yaml.Node]int64
	busy map[*yaml.Node]bool
}

func (s *sizer) size(n *yaml.Node, depth int) (int64, error) {
	if depth > yamlDepthMax {
		return 0, &Error{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf("nests more than %d levels deep", yamlDepthMax)}
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return 1, nil
		}
		v, err := s.anchored(n.Alias, depth+1)
		return v + 1, err
	}
	if n.Anchor != "" {
		return s.anchored(n, depth)
	}
	return s.body(n, depth)
}

func (s *sizer) anchored(n *yaml.Node, depth int) (int64, error) {
	if v, ok := s.memo[n]; ok {
		return v, nil
	}
	if s.busy[n] {
		return 0, &Error{Line: n.Line, Col: n.Column, Msg: fmt.Sprintf("anchor &%s contains an alias to itself", n.Anchor)}
	}
	s.busy[n] = true
	v, err := s.body(n, depth)
	delete(s.busy, n)
	if err != nil {
		return 0, err
	}
	s.memo[n] = v
	return v, nil
}

func (s *sizer) body(n *yaml.Node, depth int) (int64, error) {
	total := int64(1)
	for _, c := range n.Content {
		v, err := s.size(c, depth+1)
		if err != nil {
			return 0, err
		}
		total += v
		if total > YAMLNodesMax {
			return 0, &Error{Msg: fmt.Sprintf("expands to more than %d YAML nodes (counting every use of an alias); refusing it", YAMLNodesMax)}
		}
	}
	return total, nil
}

// field is one key of a mapping after merge keys are applied.
type field struct {
	key string     // lower-cased, for matching
	k   *yaml.Node // the key as written (its line, its spelling)
	v   *yaml.Node // the value, aliases resolved
}

type parser struct {
	intern map[string]string
}

// share returns one copy of strings that repeat across blades (image,
// version, arch), so a large inventory does not hold thousands of copies.
func (p *parser) share(s string) string {
	if v, ok := p.intern[s]; ok {
		return v
	}
	if len(p.intern) < internMax {
		p.intern[s] = s
	}
	return s
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

func isMergeKey(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "<<" && n.ShortTag() == "!!merge"
}

// describe names a node's value for "got ..." in messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(n):
		return "nothing"
	}
	v := n.Value
	if utf8.RuneCountInString(v) > 40 {
		v = string([]rune(v)[:40]) + "..."
	}
	return strconv.Quote(v)
}

func fail(n *yaml.Node, a at, leaf, format string, args ...any) error {
	return a.err(n.Line, n.Column, leaf, fmt.Sprintf(format, args...))
}

// mapping flattens a mapping: its own keys first, then keys from merge keys
// (<<: *x, or <<: [*x, *y] where the earlier map wins) that it does not set
// itself. Keys are compared case-insensitively, as the original's reader
// (viper) did; a key given twice is an error rather than a silent choice.
func (p *parser) mapping(n *yaml.Node, a at, leaf string) ([]field, error) {
	n = deref(n)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, fail(n, a, leaf, "must be a mapping, got %s", describe(n))
	}
	if len(n.Content)/2 > mappingKeysMax {
		return nil, fail(n, a, leaf, "has %d keys, more than the %d allowed", len(n.Content)/2, mappingKeysMax)
	}
	out := make([]field, 0, len(n.Content)/2)
	var merge *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if isMergeKey(k) {
			if merge != nil {
				return nil, fail(k, a, leaf, "has more than one merge key (<<)")
			}
			merge = v
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fail(k, a, leaf, "has a key that is %s, not a name", describe(k))
		}
		key := lower(k.Value)
		for _, f := range out {
			if f.key == key {
				return nil, fail(k, a, leaf, "has duplicate key %q (also at line %d)", k.Value, f.k.Line)
			}
		}
		out = append(out, field{key: key, k: k, v: deref(v)})
	}
	if merge == nil {
		return out, nil
	}
	m := deref(merge)
	var sources []*yaml.Node
	switch m.Kind {
	case yaml.MappingNode:
		sources = []*yaml.Node{m}
	case yaml.SequenceNode:
		for _, s := range m.Content {
			s = deref(s)
			if s.Kind != yaml.MappingNode {
				return nil, fail(s, a, leaf, "has a merge key (<<) whose list holds %s; it must hold mappings", describe(s))
			}
			sources = append(sources, s)
		}
	default:
		return nil, fail(m, a, leaf, "has a merge key (<<) with %s; it must be a mapping or a list of mappings", describe(m))
	}
	for _, s := range sources {
		fs, err := p.mapping(s, a, leaf)
		if err != nil {
			return nil, err
		}
	next:
		for _, f := range fs {
			for _, o := range out {
				if o.key == f.key {
					continue next
				}
			}
			if len(out) >= mappingKeysMax {
				return nil, fail(n, a, leaf, "has more than %d keys after merging", mappingKeysMax)
			}
			out = append(out, f)
		}
	}
	return out, nil
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
		return fail(f.k, a, leaf, "has unknown key %q (want one of %s)", f.k.Value, strings.Join(keys, ", "))
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

func (p *parser) list(f *field, a at, leaf string) ([]*yaml.Node, error) {
	n := f.v
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, fail(n, a, leaf, "must be a list, got %s", describe(n))
	}
	items := n.Content
	for i, c := range items {
		if c.Kind == yaml.AliasNode {
			if &items[0] == &n.Content[0] {
				items = slices.Clone(items) // the tree keeps its aliases, for locating errors
			}
			items[i] = deref(c)
		}
	}
	return items, nil
}

func (p *parser) str(f *field, a at, leaf string) (string, error) {
	n := f.v
	if n.Kind != yaml.ScalarNode {
		return "", fail(n, a, leaf, "must be a string, got %s", describe(n))
	}
	if isNull(n) {
		return "", nil
	}
	if !utf8.ValidString(n.Value) {
		return "", fail(n, a, leaf, "must be valid UTF-8")
	}
	return n.Value, nil
}

// integer accepts YAML integers (0x, 0o, underscores, as yaml.v3 resolves
// them) and, like the original's weakly typed decoding, decimal strings.
func (p *parser) integer(f *field, a at, leaf string) (int64, error) {
	n := f.v
	var v int64
	err := errNotInteger
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int":
			plain := n.Value
			if strings.IndexByte(plain, '_') >= 0 {
				plain = strings.ReplaceAll(plain, "_", "")
			}
			v, err = strconv.ParseInt(plain, 0, 64)
			if err != nil && strings.HasPrefix(plain, "-0b") {
				v, err = strconv.ParseInt("-"+plain[3:], 2, 64)
			}
		case "!!str":
			v, err = strconv.ParseInt(strings.TrimSpace(n.Value), 10, 64)
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
	if n.Kind == yaml.ScalarNode {
		if t := n.ShortTag(); t == "!!bool" || t == "!!str" {
			switch {
			case strings.EqualFold(n.Value, "true"):
				return true, nil
			case strings.EqualFold(n.Value, "false"):
				return false, nil
			}
		}
	}
	return false, fail(n, a, leaf, "must be true or false, got %s", describe(n))
}

// enum reads a required enum name; names must be given, as the original's
// reader rejected an empty one.
func enum[T ~uint8](p *parser, fs []field, key string, names []string, n *yaml.Node, a at, leaf string) (T, error) {
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

func (p *parser) optStr(fs []field, key string, a at, leaf string) (string, error) {
	if f := lookup(fs, key); f != nil {
		return p.str(f, a, leaf)
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
func (p *parser) elementName(n *yaml.Node, fs []field, a at) (string, error) {
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
	return s, nil
}

// elementIndex reads the Index that keys PDUs, TORs, blades and ports.
func (p *parser) elementIndex(n *yaml.Node, fs []field, a at) (int64, error) {
	f := lookup(fs, "index")
	if f == nil {
		return 0, fail(n, a, "Index", "is missing")
	}
	return p.integer(f, a, "Index")
}

// nameSet finds repeated names (ignoring case, as the store's keys did).
type nameSet map[string]int

func (s nameSet) check(n *yaml.Node, name string, a at, parent, kind string) error {
	key := nameKey(name)
	if line, ok := s[key]; ok {
		return fail(n, a, "", "is a duplicate: %s already has %s %q (first at line %d)", parent, kind, name, line)
	}
	s[key] = n.Line
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

func duplicateIndex(n, first *yaml.Node, a at, parent, kind string, index int64) error {
	return fail(n, a, "", "is a duplicate: %s already has %s %d (first at line %d)", parent, kind, index, first.Line)
}
