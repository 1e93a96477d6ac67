package inventory

// Reading the YAML text into a tree, with every limit checked as each event
// arrives, so that no input makes the tree (or the time spent) bigger than
// the limits allow: the text's size first, then as nodes come, how deep
// they nest, how many there are and how many they expand to through
// aliases. What yaml.v3's decoder would have refused (syntax, an unknown
// anchor, a second document) is refused the same way.

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cloudchamber/cloudchamber/core/inventory/internal/libyaml"
)

// composer builds a tree from a parser's events.
type composer struct {
	p        *libyaml.Parser
	pieces   [][]byte // the text, in order
	size     int      // its bytes
	t        *tree
	ev       libyaml.Event
	anchors  map[string]anchor
	stack    []frame // the open collections
	inAnchor int     // how many of them are anchored
	total    int64   // nodes so far, counting every use of an alias
	maxRecs  int32   // nodes the tree may hold
	pace     Pace    // called every pacePerEvents events (nil: none)
	lines    int     // the text's lines, for pace
	events   int     // events read
}

// anchor is a node an alias may name; size is the nodes it stands for
// (counting aliases inside it expanded), or -1 while it is still open.
type anchor struct {
	id   int32
	size int64
}

type frame struct {
	id     int32
	size   int64
	anchor string
}

// compose reads the one document of a text held in pieces (in order)
// into a tree and returns its root.
func compose(pieces [][]byte, pace Pace, lines int) (root node, err error) {
	size := piecesLen(pieces)
	c := &composer{p: libyaml.NewPiecesParser(pieces, valueBytesMax), pieces: pieces, size: size, t: &tree{hint: size},
		anchors: map[string]anchor{}, maxRecs: nodesFor(size)}
	if pace != nil {
		c.pace, c.lines = pace, lines
	}
	defer func() {
		// The parser is yaml.v3's, which panics on what it thinks cannot
		// happen; bad input must still come back as an error.
		if r := recover(); r != nil {
			root, err = node{}, &Error{Msg: fmt.Sprintf("could not be read as YAML (%v)", r)}
		}
	}()
	if err := c.next(); err != nil {
		return node{}, err
	}
	if err := c.next(); err != nil { // after StreamStart
		return node{}, err
	}
	if c.ev.Kind != libyaml.DocumentStart {
		return node{}, &Error{Msg: "holds no inventory (the document is empty)"}
	}
	if err := c.document(true); err != nil {
		return node{}, err
	}
	c.t.flush()
	root = node{c.t, 0}
	if err := c.next(); err != nil {
		return node{}, err
	}
	if c.ev.Kind == libyaml.DocumentStart {
		// yaml.v3's decoder reads the second document (anchors of the first
		// still defined) before we see it: its syntax errors win.
		line, col := c.ev.Line+1, c.ev.Column+1
		if err := c.document(false); err != nil {
			return node{}, err
		}
		return node{}, &Error{Line: line, Col: col, Msg: "holds more than one YAML document"}
	}
	return root, nil
}

func (c *composer) next() error {
	if err := c.p.Next(&c.ev); err != nil {
		return c.syntaxError(err)
	}
	if c.events++; c.pace != nil && c.events%pacePerEvents == 0 {
		return c.pace(min(c.ev.Line+1, c.lines), c.lines)
	}
	return nil
}

// document reads from a DocumentStart to its DocumentEnd; only the first
// document (keep) goes into the tree and counts against the limits.
func (c *composer) document(keep bool) error {
	for {
		if err := c.next(); err != nil {
			return err
		}
		ev := &c.ev
		switch ev.Kind {
		case libyaml.DocumentEnd:
			return nil
		case libyaml.TailComment:
			// yaml.v3 takes these after a mapping's value, and panics on
			// any other; this parser records no comments, so sends none.
			continue
		case libyaml.SequenceEnd, libyaml.MappingEnd:
			if keep {
				c.end()
			}
			continue
		case libyaml.Alias:
			a, ok := c.anchors[string(ev.Anchor)]
			if !ok {
				return &Error{Line: ev.Line + 1, Msg: fmt.Sprintf("unknown anchor '%s' referenced", ev.Anchor)}
			}
			if !keep {
				continue
			}
			if err := c.depth(); err != nil {
				return err
			}
			if a.size < 0 {
				n := node{c.t, a.id}
				return &Error{Line: n.line(), Col: n.col(), Msg: fmt.Sprintf("anchor &%s contains an alias to itself", ev.Anchor)}
			}
			id, err := c.add(aliasNode, tagOther, 1+a.size)
			if err != nil {
				return err
			}
			c.t.setAlias(id, a.id, ev.Anchor)
			continue
		}
		if !keep {
			if len(ev.Anchor) > 0 {
				if err := c.define(ev.Anchor, -1, 0); err != nil {
					return err
				}
			}
			continue
		}
		if err := c.depth(); err != nil {
			return err
		}
		switch ev.Kind {
		case libyaml.Scalar:
			id, err := c.add(scalarNode, scalarTag(ev.Tag, ev.Value, ev.Plain), 1)
			if err != nil {
				return err
			}
			c.t.setValue(id, ev.Value)
			if len(ev.Anchor) > 0 {
				if err := c.define(ev.Anchor, id, 1); err != nil {
					return err
				}
			}
		case libyaml.SequenceStart, libyaml.MappingStart:
			k := sequenceNode
			if ev.Kind == libyaml.MappingStart {
				k = mappingNode
			}
			id, err := c.add(k, tagOther, 1)
			if err != nil {
				return err
			}
			f := frame{id: id, size: 1}
			if len(ev.Anchor) > 0 {
				f.anchor = string(ev.Anchor)
				if err := c.define(ev.Anchor, id, -1); err != nil {
					return err
				}
				c.inAnchor++
			}
			c.stack = append(c.stack, f)
		default:
			return &Error{Msg: fmt.Sprintf("could not be read as YAML (unexpected %v event)", ev.Kind)}
		}
	}
}

// depth refuses a node nested too deep.
func (c *composer) depth() error {
	if len(c.stack) > yamlDepthMax {
		return &Error{Line: c.ev.Line + 1, Col: c.ev.Column + 1, Msg: fmt.Sprintf("nests more than %d levels deep", yamlDepthMax)}
	}
	return nil
}

// add appends a node that stands for size nodes (more than one for an
// alias), checking the limits first.
func (c *composer) add(k kind, tag tagClass, size int64) (int32, error) {
	line, col := c.ev.Line+1, c.ev.Column+1
	if c.t.n >= c.maxRecs {
		return 0, &Error{Line: line, Col: col, Msg: fmt.Sprintf("holds more than %d YAML nodes, more than a file of %d bytes may hold (one per %d bytes, at most %d); refusing it",
			c.maxRecs, c.size, bytesPerNode, YAMLNodesMax)}
	}
	c.total += size
	if c.total > YAMLNodesMax {
		return 0, &Error{Msg: fmt.Sprintf("expands to more than %d YAML nodes (counting every use of an alias); refusing it", YAMLNodesMax)}
	}
	if n := len(c.stack); n > 0 {
		c.stack[n-1].size += size
	}
	return c.t.add(k, tag, c.inAnchor > 0 || len(c.ev.Anchor) > 0, line, col), nil
}

// end closes the innermost open collection.
func (c *composer) end() {
	f := c.stack[len(c.stack)-1]
	c.stack = c.stack[:len(c.stack)-1]
	c.t.rec(f.id).ref = uint32(c.t.n)
	if n := len(c.stack); n > 0 {
		c.stack[n-1].size += f.size - 1 // its own node was counted when it opened
	}
	if f.anchor != "" {
		c.inAnchor--
		if a := c.anchors[f.anchor]; a.id == f.id {
			c.anchors[f.anchor] = anchor{id: f.id, size: f.size}
		}
	}
}

// define records an anchor; a name defined again names the later node, as
// in yaml.v3.
func (c *composer) define(name []byte, id int32, size int64) error {
	if _, ok := c.anchors[string(name)]; !ok && len(c.anchors) >= anchorsMax {
		return &Error{Line: c.ev.Line + 1, Col: c.ev.Column + 1, Msg: fmt.Sprintf("defines more than %d anchors; refusing it", anchorsMax)}
	}
	c.anchors[string(name)] = anchor{id: id, size: size}
	return nil
}

// syntaxError locates a parser error as yaml.v3's decoder did (the line it
// prints, made 1-based for parser errors, or line 1 when it prints none),
// and a reader error at the very character.
func (c *composer) syntaxError(err error) error {
	e, ok := err.(*libyaml.Error)
	if !ok {
		return &Error{Line: 1, Msg: err.Error()}
	}
	if e.Reader {
		return readerError(bytes.Join(c.pieces, nil), e) // a copy of the text, for the error alone
	}
	if e.TooLong {
		return &Error{Line: e.Line + 1, Col: e.Column + 1, Msg: fmt.Sprintf("has a value longer than %d bytes; refusing it", valueBytesMax)}
	}
	line := e.Line
	switch {
	case line == 0:
		line = 1
	case e.Parser:
		line++
	}
	return &Error{Line: line, Msg: e.Problem}
}

// readerError names what is wrong with the character at e.Offset, and
// where it is.
func readerError(data []byte, e *libyaml.Error) error {
	at := min(e.Offset, len(data))
	var msg string
	switch {
	case e.Problem == "control characters are not allowed" && e.Value == 0:
		msg = "holds a NUL character (U+0000), which YAML does not allow"
	case e.Problem == "control characters are not allowed":
		msg = fmt.Sprintf("holds character U+%04X, which YAML does not allow", e.Value)
	case e.Problem == "invalid Unicode character":
		msg = fmt.Sprintf("is not valid UTF-8 here (it encodes %#x, which is not a character)", e.Value)
	case strings.Contains(e.Problem, "UTF-8"):
		// The reader points at a bad trailing byte; point at the character
		// it breaks.
		if e.Problem == "invalid trailing UTF-8 octet" && at > 0 {
			at--
			for k := 0; k < 2 && at > 0 && data[at]&0xc0 == 0x80; k++ {
				at--
			}
		}
		msg = "is not valid UTF-8 here"
		if at < len(data) {
			msg += fmt.Sprintf(" (byte 0x%02X)", data[at])
		}
	case strings.Contains(e.Problem, "UTF-16") || strings.Contains(e.Problem, "surrogate"):
		msg = "is not valid UTF-16 here (" + e.Problem + ")"
	default:
		msg = "could not be read (" + e.Problem + ")"
	}
	line, col := position(data, at)
	return &Error{Line: line, Col: col, Msg: msg}
}

// position is the line and column (in characters, from 1) of the byte at
// offset, counting line breaks as libyaml does (LF, CR, CR LF, NEL, LS, PS);
// the text is UTF-8, or UTF-16 after its byte order mark.
func position(data []byte, offset int) (line, col int) {
	offset = min(offset, len(data))
	i, be := 0, false
	decode := func(i int) (rune, int) { return utf8.DecodeRune(data[i:]) }
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		i, be = 2, data[0] == 0xfe
		unit := func(j int) rune {
			if j+1 >= len(data) {
				return utf8.RuneError
			}
			if be {
				return rune(data[j])<<8 | rune(data[j+1])
			}
			return rune(data[j]) | rune(data[j+1])<<8
		}
		decode = func(i int) (rune, int) {
			if r := unit(i); r&0xfc00 != 0xd800 || unit(i+2)&0xfc00 != 0xdc00 {
				return r, 2
			}
			return utf8.RuneError, 4 // a surrogate pair: one character outside the line breaks
		}
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		i = 3
	}
	line, col = 1, 1
	for i < offset {
		r, w := decode(i)
		switch r {
		case '\r':
			if i+w < offset {
				if r2, w2 := decode(i + w); r2 == '\n' {
					w += w2
				}
			}
			line, col = line+1, 1
		case '\n', 0x85, 0x2028, 0x2029:
			line, col = line+1, 1
		default:
			col++
		}
		i += w
	}
	return line, col
}
