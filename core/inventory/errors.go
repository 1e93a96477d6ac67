package inventory

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a problem with an inventory definition, located as precisely as
// the input allows so a person can find and fix it:
//
//	inv.yaml: region "region1": Zones[zone1].Racks[rack1].Blades[2].Capacity.Cores must be >= 1, got 0
//	inv.yaml:14: region "region1": Zones[zone1].Racks[rack1].Blades[2].Capacity.Cores must be an integer, got "abc"
//	inv.yaml:7: mapping values are not allowed in this context
//
// Line is known for YAML syntax, type, key and duplicate errors (they come
// from the text); rule violations are found on the model and carry no line.
type Error struct {
	File   string // as given to Parse; empty for Validate
	Line   int    // 1-based; 0 when unknown
	Region string // the region the problem is in; empty above regions
	Path   string // field path inside the region, e.g. Zones[z].Racks[r].Pdus[0].Ports
	Msg    string // what is wrong, phrased to follow Path
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		b.WriteString(e.File + ":" + strconv.Itoa(e.Line) + ": ")
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0:
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Region != "" {
		fmt.Fprintf(&b, "region %q: ", e.Region)
	}
	if e.Path != "" {
		b.WriteString(e.Path + " ")
	}
	b.WriteString(e.Msg)
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

func (a at) err(line int, leaf, msg string) *Error {
	return &Error{Line: line, Region: a.region, Path: a.path(leaf), Msg: msg}
}

func (a at) errf(leaf, format string, args ...any) *Error {
	return a.err(0, leaf, fmt.Sprintf(format, args...))
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
