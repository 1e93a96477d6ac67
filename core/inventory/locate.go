package inventory

// Locating an error in the YAML. Validate checks the model, which has no
// lines; the error's path says where the value is, so on failure (and only
// then) Parse walks the node tree along that path the way the parser reads
// it: keys ignoring case, a mapping's own keys before merged ones, merge
// keys and aliases followed, list elements found by their Name or Index.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// locate completes an *Error from the YAML whose root node is root: the
// line and column when it has none, and the aliases on the way to its node
// (Via). An error the parser located already gets Via only when the path
// leads to the very node it names (a path like Blades[3] names the first of
// two blades with index 3; the error may be about the second). Other errors
// are returned as they are.
func locate(root node, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Path == "" && e.Region == "" {
		return err
	}
	n, pos, via := root, root, []node(nil)
	var last []node // the nodes the last step reached
	walk := func(segs []pathSeg) bool {
		for _, s := range segs {
			k, v, hops := member(n, s.key, nil)
			if !v.ok() {
				return false
			}
			via = append(via, hops...)
			n, pos, last = v, k, []node{k, v}
			if v.kind() == scalarNode {
				pos = v
			}
			if s.sel == selNone {
				continue
			}
			item, hops := listElement(n, s, e.Line, e.Col)
			if !item.ok() {
				return false
			}
			via = append(via, hops...)
			n, pos, last = item, item, []node{item}
		}
		return true
	}
	segs, ok := parsePath(e.Path)
	if e.Region != "" {
		ok = ok && walk([]pathSeg{{key: "Regions", sel: selName, name: e.Region}})
	}
	ok = ok && walk(segs)
	if e.Line == 0 {
		e.Line, e.Col = pos.line(), pos.col()
	} else if !ok || !slices.ContainsFunc(last, func(n node) bool { return n.line() == e.Line && n.col() == e.Col }) {
		return e
	}
	if len(via) > 0 {
		parts := make([]string, len(via))
		for i, a := range via {
			parts[i] = fmt.Sprintf("*%s at line %d", a.value(), a.line())
		}
		e.Via = strings.Join(parts, ", ")
	}
	return e
}

// member finds key in mapping n as the parser's mapping does (own keys
// first, then the merge sources in order), and returns the key node, the
// value with aliases resolved and the alias nodes passed on the way.
func member(n node, key string, via []node) (k, v node, hops []node) {
	if !n.ok() || n.kind() != mappingNode {
		return node{}, node{}, nil
	}
	key = lower(key)
	var merge node
	n.pairs(func(kn, vn node) bool {
		kn = deref(kn)
		if isMergeKey(kn) {
			merge = vn
			return true
		}
		if kn.kind() == scalarNode && lower(kn.value()) == key {
			k = kn
			v, hops = through(vn, via)
			return false
		}
		return true
	})
	if v.ok() || !merge.ok() {
		return k, v, hops
	}
	m, mvia := through(merge, via)
	sources := []node{merge}
	if m.kind() == sequenceNode {
		sources = m.content()
		via = mvia
	}
	for _, s := range sources {
		src, svia := through(s, via)
		if k, v, hops := member(src, key, svia); v.ok() {
			return k, v, hops
		}
	}
	return node{}, node{}, nil
}

// through resolves aliases, noting each.
func through(n node, via []node) (node, []node) {
	for n.kind() == aliasNode {
		via = append(via[:len(via):len(via)], n)
		n = n.alias()
	}
	return n, via
}

// listElement finds the element of list n that s selects; of several, the
// one at line:col if there is one, else the first.
func listElement(n node, s pathSeg, line, col int) (node, []node) {
	if n.kind() != sequenceNode {
		return node{}, nil
	}
	var first node
	var firstHops []node
	i := -1
	var found node
	var foundHops []node
	n.children(func(c node) bool {
		i++
		item, hops := through(c, nil)
		match := false
		switch s.sel {
		case selPos:
			match = i == s.pos
		case selName:
			if _, v, _ := member(item, "name", nil); v.ok() && v.kind() == scalarNode {
				match = SameName(v.value(), s.name)
			}
		case selIndex:
			if _, v, _ := member(item, "index", nil); v.ok() && v.kind() == scalarNode {
				p := parser{}
				index, err := p.integer(&field{v: v}, at{}, "")
				match = err == nil && index == s.index
			}
		}
		switch {
		case !match:
		case item.line() == line && item.col() == col:
			found, foundHops = item, hops
			return false
		case !first.ok():
			first, firstHops = item, hops
		}
		return true
	})
	if found.ok() {
		return found, foundHops
	}
	return first, firstHops
}

// pathSeg is one step of an error's path: a key, and the element of the
// list under it when the step is "Racks[rack1]", "Blades[2]" (by Index),
// "Regions[#1]" (the first in the file) or "Accelerators[0]" (a plain list,
// from 0).
type pathSeg struct {
	key   string
	sel   selector
	name  string
	index int64
	pos   int // 0-based
}

type selector uint8

const (
	selNone selector = iota
	selName
	selIndex
	selPos
)

// parsePath reads a path as at.path writes it.
func parsePath(p string) ([]pathSeg, bool) {
	var segs []pathSeg
	for len(p) > 0 {
		i := strings.IndexAny(p, ".[")
		if i < 0 {
			i = len(p)
		}
		s := pathSeg{key: p[:i]}
		if s.key == "" {
			return nil, false
		}
		p = p[i:]
		if strings.HasPrefix(p, "[") {
			var inside string
			if strings.HasPrefix(p, `["`) {
				q, err := strconv.QuotedPrefix(p[1:])
				if err != nil || !strings.HasPrefix(p[1+len(q):], "]") {
					return nil, false
				}
				inside, _ = strconv.Unquote(q)
				p = p[len(q)+2:]
				s.sel, s.name = selName, inside
			} else {
				end := strings.IndexByte(p, ']')
				if end < 0 {
					return nil, false
				}
				inside, p = p[1:end], p[end+1:]
				switch k := lower(s.key); {
				case strings.HasPrefix(inside, "#"):
					n, err := strconv.Atoi(inside[1:])
					if err != nil || n < 1 {
						return nil, false
					}
					s.sel, s.pos = selPos, n-1
				case k == "regions" || k == "zones" || k == "racks":
					s.sel, s.name = selName, inside
				default:
					n, err := strconv.ParseInt(inside, 10, 64)
					if err != nil {
						return nil, false
					}
					if k == "pdus" || k == "tors" || k == "blades" || k == "ports" {
						s.sel, s.index = selIndex, n
					} else {
						s.sel, s.pos = selPos, int(n)
					}
				}
			}
		}
		segs = append(segs, s)
		if strings.HasPrefix(p, ".") {
			p = p[1:]
			if p == "" {
				return nil, false
			}
		} else if p != "" {
			return nil, false
		}
	}
	return segs, true
}

// JSONPath is where the value e names sits in the JSON form of the
// definition (a scenario's inline inventory), given that JSON decoded into
// an any (objects as map[string]any, lists as []any): keys as model.go
// writes them, list elements by their position in the text, e.g.
// regions[0].zones[1].racks[3].blades[7].capacity.cores. A value left out of
// the text still gets its key at the end of the path.
func (e *Error) JSONPath(def any) string {
	var segs []pathSeg
	if e.Region != "" {
		segs = append(segs, pathSeg{key: "Regions", sel: selName, name: e.Region})
	}
	rest, ok := parsePath(e.Path)
	if !ok {
		return ""
	}
	segs = append(segs, rest...)
	var b strings.Builder
	cur, found := def, true
	for _, s := range segs {
		if lower(s.key) == "details" {
			continue // the YAML's Details block is flat in the JSON
		}
		key, ok := jsonKeys[lower(s.key)]
		if !ok {
			key = strings.ToLower(s.key[:1]) + s.key[1:]
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(key)
		obj, _ := cur.(map[string]any)
		if cur, found = jsonMember(obj, key); !found && s.sel != selNone {
			break
		}
		if s.sel == selNone || !found {
			continue
		}
		list, _ := cur.([]any)
		i := slices.IndexFunc(list, func(v any) bool {
			m, _ := v.(map[string]any)
			switch s.sel {
			case selName:
				name, _ := jsonMember(m, "name")
				str, ok := name.(string)
				return ok && SameName(str, s.name)
			case selIndex:
				index, _ := jsonMember(m, "index")
				n, ok := index.(float64)
				return ok && n == float64(s.index)
			}
			return false
		})
		if s.sel == selPos && s.pos < len(list) {
			i = s.pos
		}
		if i < 0 {
			break
		}
		fmt.Fprintf(&b, "[%d]", i)
		cur = list[i]
	}
	return b.String()
}

// jsonKeys are the JSON keys of the YAML keys that differ by more than the
// case of their first letter.
var jsonKeys = map[string]string{
	"bootinfo":               "boot",
	"memoryinmb":             "memoryMB",
	"diskingb":               "diskGB",
	"networkbandwidthinmbps": "networkMbps",
	"bootonpoweron":          "bootOnPowerOn",
}

// jsonMember looks a key up as the JSON decoder matched it: exactly, or
// regardless of case.
func jsonMember(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m { // a key written in another case; strict reading leaves at most one
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}
