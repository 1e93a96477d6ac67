// Package logtree is the trace log's model: the kept trace entries linked
// into trees of spans by Parent, with each span's severity rolled up from
// its descendants, and the filters the user narrows the log to. It is
// pure (no UI, no browser): the page's log panel (package app) draws it.
package logtree

import (
	"strings"

	"github.com/cloudchamber/cloudchamber/core/trace"
)

// DepthMax is the nesting a tree is searched (and drawn) to; it also
// stops a parent cycle only malformed input could have.
const DepthMax = 16

// Filter is what the user narrows the log to.
type Filter struct {
	MinSeverity trace.Severity // 0 or Debug: everything
	Infra       bool           // show stepping, polls and housekeeping
	Element     string         // impacts mention an element containing it (any case)
	Text        string         // a name or reason in the tree contains it (any case)
}

// Node is one span with its children (by Parent) in the order they ended.
type Node struct {
	E      *trace.Entry
	Kids   []*Node
	Rollup trace.Severity // the highest severity of the span and its descendants
}

// Tree is a slice of entries as trees, built once per change of the
// entries (Build).
type Tree struct {
	Roots  []*Node // oldest first: roots, and spans whose parent has not ended (or was dropped)
	byID   map[trace.SpanID]*Node
	byLink map[trace.LinkID][]*Node // the spans each Link event started
}

// Key identifies a slice of entries that is appended to and whose oldest
// part is dropped in place (Session.Entries): either changes the key, so
// a Tree built for one key holds until the key changes.
type Key struct {
	first, last *trace.Entry
	n           int
}

// KeyOf is the key of entries.
func KeyOf(entries []*trace.Entry) Key {
	k := Key{n: len(entries)}
	if len(entries) > 0 {
		k.first, k.last = entries[0], entries[len(entries)-1]
	}
	return k
}

// Build links entries into trees by Parent. Children end before their
// parent, so a span whose parent is missing is one still running (or one
// from a malformed input): it is shown as a root so that nothing is lost.
func Build(entries []*trace.Entry) *Tree {
	t := &Tree{
		byID:   make(map[trace.SpanID]*Node, len(entries)),
		byLink: make(map[trace.LinkID][]*Node),
	}
	nodes := make([]Node, len(entries))
	for i, e := range entries {
		nodes[i].E = e
		if _, dup := t.byID[e.ID]; !dup {
			t.byID[e.ID] = &nodes[i]
		}
		if e.Link != 0 {
			t.byLink[e.Link] = append(t.byLink[e.Link], &nodes[i])
		}
	}
	for i := range nodes {
		n := &nodes[i]
		if p, ok := t.byID[n.E.Parent]; ok && n.E.Parent != 0 && p != n {
			p.Kids = append(p.Kids, n)
		} else {
			t.Roots = append(t.Roots, n)
		}
	}
	busy := make(map[*Node]bool)
	for i := range nodes {
		rollup(&nodes[i], busy)
	}
	return t
}

// rollup fills n.Rollup from its subtree; busy breaks a parent cycle that
// only malformed input could have.
func rollup(n *Node, busy map[*Node]bool) trace.Severity {
	if n.Rollup != 0 || busy[n] {
		return n.Rollup
	}
	busy[n] = true
	s := n.E.Severity
	for _, k := range n.Kids {
		s = max(s, rollup(k, busy))
	}
	n.Rollup = s
	delete(busy, n)
	return s
}

// Span is the span id of the tree (the first entry with it), if it has one.
func (t *Tree) Span(id trace.SpanID) (*Node, bool) {
	n, ok := t.byID[id]
	return n, ok
}

// Linked are the spans that Link event id started, in the order they ended.
func (t *Tree) Linked(id trace.LinkID) []*Node { return t.byLink[id] }

// Filter returns the roots that pass f, newest first.
func (t *Tree) Filter(f Filter) []*Node {
	elem := strings.ToLower(strings.TrimSpace(f.Element))
	text := strings.ToLower(strings.TrimSpace(f.Text))
	var out []*Node
	for i := len(t.Roots) - 1; i >= 0; i-- {
		n := t.Roots[i]
		switch {
		case n.E.Infra && !f.Infra:
		case n.Rollup < f.MinSeverity:
		case elem != "" && !impactsMention(n.E, elem):
		case text != "" && !treeMentions(n, text, 0):
		default:
			out = append(out, n)
		}
	}
	return out
}

// impactsMention: a span's impacts already include its children's.
func impactsMention(e *trace.Entry, lower string) bool {
	for _, im := range e.Impacts {
		if strings.Contains(strings.ToLower(im.Element), lower) {
			return true
		}
	}
	return false
}

// treeMentions looks in the whole tree, so "power off" finds the repair
// decision it is part of.
func treeMentions(n *Node, lower string, depth int) bool {
	if strings.Contains(strings.ToLower(n.E.Name.String()), lower) || strings.Contains(strings.ToLower(n.E.Reason.String()), lower) {
		return true
	}
	if depth >= DepthMax {
		return false
	}
	for _, k := range n.Kids {
		if treeMentions(k, lower, depth+1) {
			return true
		}
	}
	return false
}

// ElementPath is the inventory element an impact names, if it names one:
// a rack (region/zone/rack) or a blade, PDU or TOR, whose port impacts
// select the device. Store keys (fault/..., target/...) are not elements.
func ElementPath(element string) (string, bool) {
	parts := strings.Split(element, "/")
	for _, p := range parts {
		if p == "" {
			return "", false
		}
	}
	switch {
	case len(parts) == 3:
		return element, true
	case len(parts) >= 5 && (parts[3] == "blade" || parts[3] == "pdu" || parts[3] == "tor"):
		return strings.Join(parts[:5], "/"), true
	}
	return "", false
}
