package inventory

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a problem with an inventory definition, located as precisely as
// the input allows so a person can find and fix it:
//
//	inv.yaml:14:20: region "region1": Zones[zone1].Racks[rack1].Blades[2].Capacity.Cores must be an integer, got "abc"
//	inv.yaml:32:14: region "region1": Zones[zone1].Racks[rack1].Blades[2].Capacity.Cores must be >= 1, got 0 (through *zoneType1 at line 114, *rackType1 at line 86, *bladeType2 at line 69)
//	inv.yaml:7: mapping values are not allowed in this context
//
// Line and Col are those of the node the problem is in: for a value, the
// value itself; for a list or mapping reached by a key, that key; for an
// element of a list, its first key. Parse locates every error it can, the
// rule violations that Validate finds on the model included (it walks the
// YAML along the error's path, as the parser reads it, only when there is
// an error). When that node is inside an anchor, Path is still the path of
// the element that uses it, and Via lists the aliases (merge keys included)
// on the way from that element to the node. A node shared by several
// elements is reported for the first of them in canonical order, which is
// the one Validate meets first. YAML syntax errors have a line but no
// column, except a character the text may not hold (not UTF-8 or UTF-16, a
// NUL, a control character), which is located at its line and column;
// Validate alone (no YAML) gives neither.
type Error struct {
	File   string // as given to Parse; empty for Validate
	Line   int    // 1-based; 0 when unknown
	Col    int    // 1-based, in characters; 0 when unknown
	Region string // the region the problem is in; empty above regions
	Path   string // field path inside the region, e.g. Zones[z].Racks[r].Pdus[0].Ports
	Msg    string // what is wrong, phrased to follow Path
	Via    string // the aliases on the way to the node: "*rackType1 at line 86, *bladeType2 at line 69"
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if e.File != "" {
			b.WriteByte(':')
		} else {
			b.WriteString("line ")
		}
		b.WriteString(strconv.Itoa(e.Line))
		if e.Col > 0 {
			b.WriteString(":" + strconv.Itoa(e.Col))
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Region != "" {
		fmt.Fprintf(&b, "region %q: ", e.Region)
	}
	if e.Path != "" {
		b.WriteString(e.Path + " ")
	}
	b.WriteString(e.Msg)
	if e.Via != "" {
		b.WriteString(" (through " + e.Via + ")")
	}
	return b.String()
}

// at locates a value for error messages without building its path: a
// large inventory has hundreds of thousands of fields, and paths are only
// needed for the one that is wrong.
type at struct {
	region string // goes to Error.Region
	base   string // path of the enclosing element inside the region
	list   string // the list the element is in; "" when base is the element
	name   string // the element's key in a list keyed by name
	index  int64  // the element's key in a list keyed by index
	pos    int    // 1-based position, while the key is not yet known
	key    keyKind
}

type keyKind uint8

const (
	keyByPos keyKind = iota
	keyByName
	keyByIndex
)

// within is the location of base itself.
func within(region, base string) at { return at{region: region, base: base} }

// element is the location of the pos'th entry of list inside base.
func element(region, base, list string, pos int) at {
	return at{region: region, base: base, list: list, pos: pos}
}

func (a at) named(name string) at { a.name, a.key = name, keyByName; return a }
func (a at) indexed(i int64) at   { a.index, a.key = i, keyByIndex; return a }

// path is the element's path, followed by leaf when leaf is not empty.
func (a at) path(leaf string) string {
	p := a.base
	if a.list != "" {
		var k string
		switch a.key {
		case keyByName:
			k = keyName(a.name)
		case keyByIndex:
			k = strconv.FormatInt(a.index, 10)
		default:
			k = "#" + strconv.Itoa(a.pos)
		}
		p = joinPath(p, a.list+"["+k+"]")
	}
	return joinPath(p, leaf)
}

func (a at) err(line, col int, leaf, msg string) *Error {
	return &Error{Line: line, Col: col, Region: a.region, Path: a.path(leaf), Msg: msg}
}

func (a at) errf(leaf, format string, args ...any) *Error {
	return a.err(0, 0, leaf, fmt.Sprintf(format, args...))
}

// keyName writes a name inside a path, quoted if it would be ambiguous.
func keyName(name string) string {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c == '-' || c == '.' || isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')) {
			return strconv.Quote(name)
		}
	}
	if name == "" {
		return `""`
	}
	return name
}

func joinPath(base, next string) string {
	switch {
	case next == "":
		return base
	case base == "":
		return next
	}
	return base + "." + next
}
