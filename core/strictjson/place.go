package strictjson

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Position finds the value at path (as Error.Path writes it: keys matched
// as Decode matches them, indices in brackets) in a JSON text, and returns
// its 1-based line and column and the part of path that exists. When the
// path goes further than the text (a key left out), the position is that of
// the deepest value on the way; when the text is not JSON or the path
// cannot be read, it is 0, 0, "".
func Position(data []byte, path string) (line, col int, found string) {
	data = TrimBOM(data)
	segs, ok := parsePath(path)
	if !ok {
		return 0, 0, ""
	}
	off, n := position(data, segs)
	if off < 0 {
		return 0, 0, ""
	}
	w := walker{path: segs[:n]}
	line, col = LineCol(data, off)
	return line, col, w.pathString()
}

// position is the offset of the deepest value on segs's way and how many
// of segs lead to it; -1 when the text is not JSON.
func position(data []byte, segs []segment) (int, int) {
	if !json.Valid(data) {
		return -1, 0
	}
	at, n := skipSpace(data, 0), 0
	for _, s := range segs {
		child, ok := find(data, at, s)
		if !ok {
			break
		}
		at = child
		n++
	}
	return at, n
}

// find returns the offset of the member or element s of the value at i.
func find(data []byte, i int, s segment) (int, bool) {
	switch {
	case data[i] == '{' && s.index < 0:
		i = skipSpace(data, i+1)
		for data[i] == '"' {
			kend, kesc := stringEnd(data, i)
			key := content(data, i, kend, kesc)
			v := skipSpace(data, skipSpace(data, kend)+1)
			if foldEqualBytes(key, s.key) {
				return v, true
			}
			i = skipSpace(data, skipRaw(data, v))
			if data[i] != ',' {
				break
			}
			i = skipSpace(data, i+1)
		}
	case data[i] == '[' && s.index >= 0:
		i = skipSpace(data, i+1)
		for n := 0; data[i] != ']'; n++ {
			if n == s.index {
				return i, true
			}
			i = skipSpace(data, skipRaw(data, i))
			if data[i] != ',' {
				break
			}
			i = skipSpace(data, i+1)
		}
	}
	return 0, false
}

// parsePath reads a path as pathString writes it.
func parsePath(p string) ([]segment, bool) {
	var segs []segment
	for i := 0; i < len(p); {
		switch p[i] {
		case '.':
			if i == 0 || i+1 == len(p) || p[i+1] == '.' || p[i+1] == '[' {
				return nil, false
			}
			i++
			continue
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, false
			}
			if p[i+1] == '"' {
				q, err := strconv.QuotedPrefix(p[i+1:])
				if err != nil || i+1+len(q) >= len(p) || p[i+1+len(q)] != ']' {
					return nil, false
				}
				key, _ := strconv.Unquote(q)
				segs = append(segs, segment{key: []byte(key), index: -1})
				i += len(q) + 2
				continue
			}
			n, err := strconv.Atoi(p[i+1 : i+end])
			if err != nil || n < 0 {
				return nil, false
			}
			segs = append(segs, segment{index: n})
			i += end + 1
			continue
		}
		j := i
		for j < len(p) && p[j] != '.' && p[j] != '[' {
			j++
		}
		segs = append(segs, segment{key: []byte(p[i:j]), index: -1})
		i = j
	}
	return segs, true
}

// Place turns an error found after decoding data, whose message starts
// with the path of what is wrong ("control.sampleEvery: must be 0..31536000,
// got -1", or "delays.booting.high must be ..."), into an *Error located at
// that path in data (see Position). When the message goes on with a path
// inside that one ("control.rules: rules[2] ..."), the error is located at
// the deeper value if the text has it. An error that is already an *Error
// is returned as it is; one whose message names no path is returned as an
// *Error with no line.
func Place(name string, data []byte, err error) *Error {
	data = TrimBOM(data)
	if e, ok := err.(*Error); ok {
		return e
	}
	path, rest := leadingPath(err.Error())
	e := PlaceAt(name, data, path, rest, err)
	for p, r := path, rest; p != ""; {
		inner, r2 := leadingPath(r)
		if inner == "" {
			break
		}
		outer, _ := parsePath(p)
		p = joinPath(p, inner)
		segs, _ := parsePath(p)
		off, n := position(data, segs)
		if n > len(outer) {
			e.Line, e.Col = LineCol(data, off) // as deep as the text goes: a key left out is placed at its parent
		}
		if n < len(segs) {
			break
		}
		r = r2
	}
	return e
}

// PlaceAt is Place for an error whose path is known apart from its
// message.
func PlaceAt(name string, data []byte, path, msg string, err error) *Error {
	e := &Error{Name: name, Path: path, Kind: Invalid, Msg: msg, Err: err}
	if path != "" {
		e.Line, e.Col, _ = Position(data, path)
	}
	return e
}

// leadingPath splits "a.b[2].c: message" or "a.b[2].c message" into its
// path and message; a message that does not start with a path is all
// message. A single word counts as a path only before a colon.
func leadingPath(msg string) (string, string) {
	i := 0
	for i < len(msg) {
		c := msg[i]
		if c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			i++
			continue
		}
		break
	}
	p := msg[:i]
	if _, ok := parsePath(p); !ok || i == 0 {
		return "", msg
	}
	if rest, ok := strings.CutPrefix(msg[i:], ": "); ok {
		return p, rest
	}
	if rest, ok := strings.CutPrefix(msg[i:], " "); ok && strings.ContainsAny(p, ".[") {
		return p, rest
	}
	return "", msg
}
