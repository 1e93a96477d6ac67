package scoring

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads an expression's text into a tree: a lexer and a
// precedence-climbing parser for the part of Go's expression syntax that
// compile accepts (before, go/parser did this and pulled 0.25 MB of code
// into the page). It follows go/scanner and go/parser where it matters:
// the same tokens (so 1--2 and 1<-2 are refused, not read as 1 - -2 and
// 1 < -2), the same precedences, comments and a leading byte order mark
// skipped, a trailing comma allowed in a call. Everything else Go would
// parse (index, slice, composite literals, keywords, …) is refused here
// or by compile, as before. goparser_test.go keeps the go/parser version
// and checks both accept the same texts and compile them to the same nodes.

type tokKind uint8

const (
	tEOF     tokKind = iota
	tInt             // an integer literal, as written
	tLit             // a float, imaginary, string or character literal
	tIdent           // a name (keywords included: none is one of ours)
	tOp              // an operator or punctuation, in text
	tIllegal         // a character Go does not allow here; text says why
)

type lexeme struct {
	kind tokKind
	text string
	off  int // byte offset in the expression
}

// lexer splits an expression into Go's tokens.
type lexer struct {
	src string
	off int
}

// ops are Go's operators and punctuation, longest first where one is a
// prefix of another, as go/scanner reads them.
var ops = [...]string{
	"<<=", ">>=", "&^=", "...",
	"&&", "||", "<-", "++", "--", "==", "!=", "<=", ">=", ":=", "+=", "-=", "*=", "/=", "%=",
	"&=", "|=", "^=", "<<", ">>", "&^",
	"+", "-", "*", "/", "%", "&", "|", "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}",
	",", ";", ".", ":", "~",
}

func (s *lexer) next() lexeme {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; {
		case c == ' ' || c == '\t':
			s.off++
		case strings.HasPrefix(s.src[s.off:], "//"):
			if bad, ok := s.illegal(len(s.src)); ok {
				return bad
			}
			s.off = len(s.src) // an expression is one line
		case strings.HasPrefix(s.src[s.off:], "/*"):
			end := strings.Index(s.src[s.off+2:], "*/")
			if end < 0 {
				return lexeme{tIllegal, "comment not terminated", s.off}
			}
			if bad, ok := s.illegal(s.off + 2 + end); ok {
				return bad
			}
			s.off += 2 + end + 2
		case s.off == 0 && strings.HasPrefix(s.src, "\uFEFF"):
			s.off += len("\uFEFF")
		default:
			return s.token()
		}
	}
	return lexeme{tEOF, "", s.off}
}

// token reads the token at s.off, which is not blank.
func (s *lexer) token() lexeme {
	start, rest := s.off, s.src[s.off:]
	r, size := utf8.DecodeRuneInString(rest)
	switch {
	case isDigit(r) || r == '.' && len(rest) > 1 && isDigit(rune(rest[1])):
		return s.number()
	case r == '_' || unicode.IsLetter(r):
		n := 0
		for n < len(rest) {
			r, size := utf8.DecodeRuneInString(rest[n:])
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			n += size
		}
		s.off += n
		return lexeme{tIdent, rest[:n], start}
	case r == '"' || r == '\'' || r == '`':
		for i := 1; i < len(rest); i++ {
			switch rest[i] {
			case '\\':
				if r != '`' {
					i++
				}
			case byte(r):
				if bad, ok := s.illegal(start + i); ok {
					return bad
				}
				s.off += i + 1
				return lexeme{tLit, rest[:i+1], start}
			}
		}
		return lexeme{tIllegal, "literal not terminated", start}
	}
	for _, op := range ops {
		if strings.HasPrefix(rest, op) {
			s.off += len(op)
			return lexeme{tOp, op, start}
		}
	}
	if r == utf8.RuneError && size == 1 {
		return lexeme{tIllegal, "illegal UTF-8 encoding", start}
	}
	return lexeme{tIllegal, fmt.Sprintf("invalid character %U %q", r, r), start}
}

// illegal finds what go/scanner refuses even inside a comment or a
// literal, from s.off to end: a NUL, a byte order mark, bad UTF-8.
func (s *lexer) illegal(end int) (lexeme, bool) {
	for i, r := range s.src[s.off:end] {
		off := s.off + i
		switch {
		case r == 0:
			return lexeme{tIllegal, "illegal character NUL", off}, true
		case r == '\uFEFF' && off > 0:
			return lexeme{tIllegal, "illegal byte order mark", off}, true
		case r == utf8.RuneError && !strings.HasPrefix(s.src[off:], "\uFFFD"):
			return lexeme{tIllegal, "illegal UTF-8 encoding", off}, true
		}
	}
	return lexeme{}, false
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// number reads a numeric literal: its letters, digits, _ and . (and the
// sign of an exponent), so a malformed one is one token. It is a tInt
// unless it has a fraction, an exponent or the imaginary i.
func (s *lexer) number() lexeme {
	rest := s.src[s.off:]
	hex := len(rest) > 1 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X')
	isInt, n := true, 0
	for n < len(rest) {
		c := rest[n]
		switch {
		case c == '.' || c == 'p' || c == 'P' || !hex && (c == 'e' || c == 'E'):
			isInt = false
			n++
			if c != '.' && n < len(rest) && (rest[n] == '+' || rest[n] == '-') {
				n++
			}
			continue
		case c == '_' || isDigit(rune(c)) || 'a' <= c|0x20 && c|0x20 <= 'z':
			n++
			continue
		}
		break
	}
	text := rest[:n]
	if strings.HasSuffix(text, "i") {
		isInt = false
	}
	start := s.off
	s.off += n
	if isInt {
		return lexeme{tInt, text, start}
	}
	return lexeme{tLit, text, start}
}

// exprKind is what a tree node is.
type exprKind uint8

const (
	eInt    exprKind = iota + 1 // an integer literal: text
	eLit                        // any other literal: text
	eIdent                      // a name: text
	eSel                        // x.text
	eParen                      // (x)
	eUnary                      // text x
	eBinary                     // x text y; opCol is the operator's column
	eCall                       // x(args), ellipsis if the last has ...
)

// expr is a node of the tree: the parts of Go's ast the compiler reads.
type expr struct {
	kind     exprKind
	col      int32 // 1-based character column where it starts (go/ast's Pos)
	opCol    int32 // eBinary: the operator's column
	text     string
	x, y     *expr
	args     []*expr
	ellipsis bool
}

// exprParser reads one expression, as go/parser's ParseExprFrom does.
type exprParser struct {
	name string // "filter" or "score", for errors
	sc   lexer
	tok  lexeme
}

// parse reads text into a tree, or returns a syntax error naming its
// column, or the "not supported here" error for what Go reads as an
// index, slice, type assertion or composite literal.
func parse(name, text string) (*expr, error) {
	p := &exprParser{name: name, sc: lexer{src: text}}
	p.next()
	x, err := p.binary(1)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected("end of expression")
	}
	return x, nil
}

func (p *exprParser) next() { p.tok = p.sc.next() }

func (p *exprParser) col(off int) int32 { return int32(runeCol(p.sc.src, off+1)) }

func (p *exprParser) errAt(off int, msg string) error {
	return &Error{Expr: p.name, Col: int(p.col(off)), Msg: msg}
}

// notSupported is compile's error for what Go parses but we do not.
func (p *exprParser) notSupported(col int32) error {
	return &Error{Expr: p.name, Col: int(col), Msg: notSupportedMsg}
}

const notSupportedMsg = "not supported here: only numbers, names, operators, min, max and abs"

// unexpected is the syntax error at the current token.
func (p *exprParser) unexpected(want string) error {
	switch p.tok.kind {
	case tIllegal:
		return p.errAt(p.tok.off, "syntax: "+p.tok.text)
	case tEOF:
		return p.errAt(p.tok.off, "syntax: expected "+want+", found end of expression")
	}
	return p.errAt(p.tok.off, fmt.Sprintf("syntax: expected %s, found %s", want, p.tok.text))
}

// precedence is Go's binary operator precedence (5 binds tightest), 0 for
// a lexeme that is not a binary operator. Operators compile refuses
// (<< >> & &^ | ^) are read too, so it names them.
func precedence(t lexeme) int {
	if t.kind != tOp {
		return 0
	}
	switch t.text {
	case "||":
		return 1
	case "&&":
		return 2
	case "==", "!=", "<", "<=", ">", ">=":
		return 3
	case "+", "-", "|", "^":
		return 4
	case "*", "/", "%", "<<", ">>", "&", "&^":
		return 5
	}
	return 0
}

// binary reads operands joined by operators of precedence prec1 or more,
// left to right (go/parser's parseBinaryExpr).
func (p *exprParser) binary(prec1 int) (*expr, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		prec := precedence(p.tok)
		if prec < prec1 {
			return x, nil
		}
		op := p.tok
		p.next()
		y, err := p.binary(prec + 1)
		if err != nil {
			return nil, err
		}
		x = &expr{kind: eBinary, col: x.col, opCol: p.col(op.off), text: op.text, x: x, y: y}
	}
}

func (p *exprParser) unary() (*expr, error) {
	if p.tok.kind == tOp {
		switch op := p.tok; op.text {
		case "+", "-", "!", "^", "&", "~", "<-":
			p.next()
			x, err := p.unary()
			if err != nil {
				return nil, err
			}
			return &expr{kind: eUnary, col: p.col(op.off), text: op.text, x: x}, nil
		case "*", "[": // a pointer or an array type
			return nil, p.notSupported(p.col(op.off))
		}
	}
	return p.primary()
}

// primary reads an operand and what follows it: selectors and calls.
func (p *exprParser) primary() (*expr, error) {
	var x *expr
	switch t := p.tok; {
	case t.kind == tInt:
		x = &expr{kind: eInt, col: p.col(t.off), text: t.text}
	case t.kind == tLit:
		x = &expr{kind: eLit, col: p.col(t.off), text: t.text}
	case t.kind == tIdent:
		x = &expr{kind: eIdent, col: p.col(t.off), text: t.text}
	case t.kind == tOp && t.text == "(":
		p.next()
		in, err := p.binary(1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tOp || p.tok.text != ")" {
			return nil, p.unexpected("')'")
		}
		x = &expr{kind: eParen, col: p.col(t.off), x: in}
	default:
		return nil, p.unexpected("operand")
	}
	p.next()
	for p.tok.kind == tOp {
		switch p.tok.text {
		case ".":
			p.next()
			if p.tok.kind != tIdent {
				if p.tok.kind == tOp && p.tok.text == "(" { // a type assertion
					return nil, p.notSupported(x.col)
				}
				return nil, p.unexpected("name")
			}
			x = &expr{kind: eSel, col: x.col, text: p.tok.text, x: x}
			p.next()
		case "(":
			call, err := p.call(x)
			if err != nil {
				return nil, err
			}
			x = call
		case "[", "{": // an index, slice or composite literal
			return nil, p.notSupported(x.col)
		default:
			return x, nil
		}
	}
	return x, nil
}

// call reads (args) after fn, with an optional ... and trailing comma.
func (p *exprParser) call(fn *expr) (*expr, error) {
	c := &expr{kind: eCall, col: fn.col, x: fn}
	p.next() // (
	for !(p.tok.kind == tOp && p.tok.text == ")") {
		a, err := p.binary(1)
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		if p.tok.kind == tOp && p.tok.text == "..." {
			c.ellipsis = true
			p.next()
		}
		if p.tok.kind != tOp || p.tok.text != "," {
			break
		}
		if c.ellipsis {
			p.next()
			break
		}
		p.next()
	}
	if p.tok.kind != tOp || p.tok.text != ")" {
		return nil, p.unexpected("')'")
	}
	p.next()
	return c, nil
}
