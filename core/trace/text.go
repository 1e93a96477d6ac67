package trace

import (
	"io"
	"strconv"
	"unicode/utf8"
)

// WriteText writes entries as the original's text log, an indented tree per
// root, roots in input order (for the store: the order they ended):
//
//	@10-12 [W] boot blade: power and network are on (span 5) W:region1/zone1/rack1/blade/3
//	  @10 [I] powered on
//	  @11-12 [W] check network (span 6)
//	    @12 [W] slow answer
//	  @12 [I] link 7: ask the TOR
//	    @12-13 [I] forward (span 8)
//	  @12 [I] missing: span 9
//	@14 [I] step (span i1) (infra)
//
// A span line gives its ticks, its severity rolled up over everything shown
// under it (so an error deep in a tree shows at its root), name, reason, id
// and impacts; an event line gives its tick, severity and text. A child is
// shown at its Child event and a linked span under its Link event when they
// are in the input; a missing child reads "missing: span N". A span whose
// place is not in the input (a root, a span whose link is not here, a child
// whose parent is not here) is a tree of its own, and names its parent and
// link. A link with no span under it says nothing more: the request may have
// started no work, or that work may not have ended yet.
func WriteText(w io.Writer, entries []Entry) error {
	tw := newTextWriter(entries)
	for pass := range 2 { // the places the input gives, then whatever a malformed input left out
		for i := range entries {
			if tw.done[i] || (pass == 0 && tw.placed[i]) {
				continue
			}
			tw.tree(i, 0, true)
			if _, err := w.Write(tw.buf); err != nil {
				return err
			}
			tw.buf = tw.buf[:0]
		}
	}
	return nil
}

type textWriter struct {
	entries []Entry
	byID    map[SpanID]int   // the first entry with each id (lookups only: no map order leaks out)
	byLink  map[LinkID][]int // entries shown under each Link event, in input order
	placed  []bool           // shown under a parent or a link present in the input
	done    []bool
	rollup  []Severity // 0 until computed
	busy    []bool     // rollup in progress: breaks cycles in malformed input
	buf     []byte
}

func newTextWriter(entries []Entry) *textWriter {
	n := len(entries)
	tw := &textWriter{
		entries: entries,
		byID:    make(map[SpanID]int, n),
		byLink:  make(map[LinkID][]int),
		placed:  make([]bool, n),
		done:    make([]bool, n),
		rollup:  make([]Severity, n),
		busy:    make([]bool, n),
	}
	links := make(map[LinkID]bool)
	for i := range entries {
		if _, dup := tw.byID[entries[i].ID]; !dup {
			tw.byID[entries[i].ID] = i
		}
		for _, ev := range entries[i].Events {
			if ev.Kind == Link {
				links[LinkID(ev.Ref)] = true
			}
		}
	}
	for i := range entries {
		e := &entries[i]
		if _, ok := tw.byID[e.Parent]; ok && e.Parent != 0 {
			tw.placed[i] = true
		} else if e.Link != 0 && links[e.Link] {
			tw.placed[i] = true
			tw.byLink[e.Link] = append(tw.byLink[e.Link], i)
		}
	}
	return tw
}

// severityOf is the highest severity of entry i and of everything shown
// under it.
func (tw *textWriter) severityOf(i int) Severity {
	if tw.rollup[i] != 0 {
		return tw.rollup[i]
	}
	e := &tw.entries[i]
	sev := e.Severity
	if tw.busy[i] {
		return sev
	}
	tw.busy[i] = true
	for _, ev := range e.Events {
		switch ev.Kind {
		case Child:
			if j, ok := tw.byID[SpanID(ev.Ref)]; ok {
				sev = max(sev, tw.severityOf(j))
			}
		case Link:
			for _, j := range tw.byLink[LinkID(ev.Ref)] {
				sev = max(sev, tw.severityOf(j))
			}
		}
	}
	tw.busy[i] = false
	tw.rollup[i] = sev
	return sev
}

func (tw *textWriter) tree(i, depth int, top bool) {
	tw.done[i] = true
	e := &tw.entries[i]
	b := indent(tw.buf, depth)
	b = append(b, '@')
	b = strconv.AppendInt(b, int64(e.Start), 10)
	if e.End != e.Start {
		b = append(b, '-')
		b = strconv.AppendInt(b, int64(e.End), 10)
	}
	b = append(b, " ["...)
	b = append(b, tw.severityOf(i).Letter())
	b = append(b, "] "...)
	b = appendText(b, e.Name.String())
	if reason := e.Reason.String(); reason != "" {
		b = append(b, ": "...)
		b = appendText(b, reason)
	}
	b = append(b, " (span "...)
	b = appendID(b, uint64(e.ID))
	if top && e.Parent != 0 {
		b = append(b, ", parent "...)
		b = appendID(b, uint64(e.Parent))
	}
	if top && e.Link != 0 {
		b = append(b, ", link "...)
		b = appendID(b, uint64(e.Link))
	}
	b = append(b, ')')
	if e.Infra {
		b = append(b, " (infra)"...)
	}
	for _, im := range e.Impacts {
		b = append(b, ' ', im.Impact.Letter(), ':')
		b = appendText(b, im.Element)
	}
	tw.buf = append(b, '\n')

	for _, ev := range e.Events {
		switch ev.Kind {
		case Child:
			j, ok := tw.byID[SpanID(ev.Ref)]
			switch {
			case !ok:
				tw.event(depth+1, ev, "missing: span ")
			case tw.done[j]:
				tw.event(depth+1, ev, "shown elsewhere: span ")
			default:
				tw.tree(j, depth+1, false)
			}
		case Link:
			tw.event(depth+1, ev, "link ")
			for _, j := range tw.byLink[LinkID(ev.Ref)] {
				if !tw.done[j] {
					tw.tree(j, depth+2, false)
				}
			}
		default:
			tw.event(depth+1, ev, "")
		}
	}
}

// event writes one event line; a non-empty label is followed by the
// referenced id and, for a link, the request's text.
func (tw *textWriter) event(depth int, ev Event, label string) {
	b := indent(tw.buf, depth)
	b = append(b, '@')
	b = strconv.AppendInt(b, int64(ev.Tick), 10)
	b = append(b, " ["...)
	b = append(b, ev.Severity.Letter())
	b = append(b, "] "...)
	switch {
	case label == "":
		b = appendText(b, ev.Text.String())
	case ev.Kind == Link:
		b = append(b, label...)
		b = appendID(b, ev.Ref)
		if text := ev.Text.String(); text != "" {
			b = append(b, ": "...)
			b = appendText(b, text)
		}
	default:
		b = append(b, label...)
		b = appendID(b, ev.Ref)
	}
	tw.buf = append(b, '\n')
}

func indent(b []byte, depth int) []byte {
	for range depth {
		b = append(b, "  "...)
	}
	return b
}

// appendText keeps one item on one line: control characters and Unicode
// line breaks are escaped.
func appendText(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '\u0085' || r == '\u2028' || r == '\u2029' {
				b = append(b, `\u`...)
				b = append(b, hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch {
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 0x20 || c == 0x7f:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
		i++
	}
	return b
}
