// Package scoring compiles and evaluates the expressions of a
// user-written placement policy: a filter (which fitting blades it takes)
// and a score (the highest wins), in the spirit of kube-scheduler's filter
// and score plugins.
//
// The syntax is Go's expression syntax (read by parse.go, which accepts
// what go/parser did for this language: goparser_test.go checks it), so
// errors point at a column and the grammar is one many readers know:
//
//	filter: blade.instances < 8 && blade.free_memory_mb - request.memory_mb >= 2048
//	score:  blade.free_cores * 1000 / blade.cores - 10 * blade.instances
//
// Values are 64-bit integers and booleans; there are no floats, strings,
// loops or user functions, so a result is the same on every platform and
// an expression's cost is its size: at most NodesMax parts (the cost
// limit), evaluated once per candidate blade. Names are the Vars (blade.…
// and request.…), true and false; the functions are min, max (two or
// more arguments) and abs. Arithmetic is + - * / % with Go's integer
// semantics except that overflow and a division by zero are errors, not
// wrapped values: a blade whose evaluation fails is passed over, and the
// placement says why.
//
// Why not a library language: CEL (cel-go) adds 2.30 MB and expr
// (expr-lang/expr) 744 KB to the brotli-compressed page (the budget was
// 300 KB; both call reflect's Method/MethodByName, which makes the linker
// keep every exported method of every type in the page), while this
// parser and evaluator add about 20 KB (go/parser, which it replaced,
// added about 100 KB).
package scoring

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NodesMax is the cost limit: the most parts (names, numbers, operators,
// calls) an expression may have.
const NodesMax = 200

// TextMax bounds an expression's text, in bytes.
const TextMax = 2000

// Var is a value an expression can read about the candidate blade or the
// request. Quantities are in the scheduler's units: milli-cores, MB, GB,
// Mbps, and GPU devices or milli-GPU (1000 a device).
type Var uint8

// The variables. Their values are filled per candidate by the caller.
const (
	BladeFreeCores Var = iota
	BladeFreeMemoryMB
	BladeFreeDiskGB
	BladeFreeNetworkMbps
	BladeCores
	BladeMemoryMB
	BladeDiskGB
	BladeNetworkMbps
	BladeInstances
	BladeIndex
	BladeRack
	BladeZone
	RequestCores
	RequestMemoryMB
	RequestDiskGB
	RequestNetworkMbps
	BladeGPUs
	BladeFreeGPUs
	BladeFreeGPUMilli
	BladeMaxFreeGPUMilli
	RequestGPUs
	RequestGPUMilli
	NumVars
)

var varNames = [NumVars]string{
	"blade.free_cores", "blade.free_memory_mb", "blade.free_disk_gb", "blade.free_network_mbps",
	"blade.cores", "blade.memory_mb", "blade.disk_gb", "blade.network_mbps",
	"blade.instances", "blade.index", "blade.rack", "blade.zone",
	"request.cores", "request.memory_mb", "request.disk_gb", "request.network_mbps",
	"blade.gpus", "blade.free_gpus", "blade.free_gpu_milli", "blade.max_free_gpu_milli",
	"request.gpus", "request.gpu_milli",
}

var varDocs = [NumVars]string{
	"milli-cores free before the request", "memory free before the request (MB)", "disk free (GB)", "network free (Mbps)",
	"milli-cores in all", "memory in all (MB)", "disk in all (GB)", "network in all (Mbps)",
	"instances on the blade", "the blade's index (0 is the first in the inventory)", "its rack's number (from 0, inventory order)", "its zone's number",
	"milli-cores requested", "memory requested (MB)", "disk requested (GB)", "network requested (Mbps)",
	"GPU devices in all", "GPU devices wholly free", "milli-GPU free over all devices (1000 a device)", "the most milli-GPU free on one device",
	"whole GPU devices requested (gpus.count or the accelerators listed; 0 for a share)", "milli-GPU requires.gpus asks in all (the share, or 1000 a whole device; 0 for accelerators)",
}

// String is the variable's name in expressions.
func (v Var) String() string { return varNames[v] }

// Doc says what the variable holds.
func (v Var) Doc() string { return varDocs[v] }

// Vars are the values of the variables for one candidate.
type Vars [NumVars]int64

// Error is a compile or evaluation error: which expression, the 1-based
// column (in characters) and what is wrong. It prints as
// "score:1:12: unknown name blade.cpu (known: …)".
type Error struct {
	Expr string // "filter" or "score"
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	if e.Col == 0 {
		return fmt.Sprintf("%s: %s", e.Expr, e.Msg)
	}
	return fmt.Sprintf("%s:1:%d: %s", e.Expr, e.Col, e.Msg)
}

type kind uint8

const (
	kInt kind = iota + 1
	kBool
)

func (k kind) String() string {
	if k == kBool {
		return "a boolean"
	}
	return "an integer"
}

type op uint8

const (
	opConst op = iota
	opVar
	opNeg
	opNot
	opAdd
	opSub
	opMul
	opQuo
	opRem
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	opAnd
	opOr
	opMin
	opMax
	opAbs
)

// node is one part of a compiled expression; args index nodes.
type node struct {
	op   op
	col  int32 // where it is, for evaluation errors
	val  int64 // opConst: the value (bools as 0/1); opVar: the Var
	args []int32
}

// Expr is a compiled expression.
type Expr struct {
	name  string // "filter" or "score", for errors
	text  string
	nodes []node
	root  int32
	kind  kind
}

// Text is the expression as written.
func (e *Expr) Text() string { return e.text }

// CompileFilter compiles a filter: a boolean expression.
func CompileFilter(text string) (*Expr, error) { return compile("filter", text, kBool) }

// CompileScore compiles a score: an integer expression.
func CompileScore(text string) (*Expr, error) { return compile("score", text, kInt) }

func compile(name, text string, want kind) (*Expr, error) {
	if strings.TrimSpace(text) == "" {
		return nil, &Error{Expr: name, Msg: "empty expression"}
	}
	if len(text) > TextMax {
		return nil, &Error{Expr: name, Msg: fmt.Sprintf("%d bytes, at most %d", len(text), TextMax)}
	}
	if strings.ContainsAny(text, "\n\r") {
		return nil, &Error{Expr: name, Msg: "an expression is one line"}
	}
	tree, err := parse(name, text)
	if err != nil {
		return nil, err
	}
	c := &compiler{e: &Expr{name: name, text: text}}
	root, k, err := c.expr(tree)
	if err != nil {
		return nil, err
	}
	if k != want {
		return nil, &Error{Expr: name, Col: 1, Msg: fmt.Sprintf("the %s must be %s, this is %s", name, want, k)}
	}
	c.e.root, c.e.kind = root, k
	return c.e, nil
}

// runeCol turns a 1-based byte column into a 1-based character column.
func runeCol(text string, col int) int {
	if col <= 1 || col-1 > len(text) {
		return col
	}
	return utf8.RuneCountInString(text[:col-1]) + 1
}

type compiler struct {
	e *Expr
}

func (c *compiler) fail(n *expr, format string, args ...any) error {
	return &Error{Expr: c.e.name, Col: int(n.col), Msg: fmt.Sprintf(format, args...)}
}

func (c *compiler) add(n *expr, o op, val int64, args ...int32) (int32, error) {
	return c.addAt(n.col, o, val, args...)
}

// addAt adds a node at column col: an operator's own column, so an
// evaluation error points at the / that divided by zero.
func (c *compiler) addAt(col int32, o op, val int64, args ...int32) (int32, error) {
	if len(c.e.nodes) >= NodesMax {
		return 0, &Error{Expr: c.e.name, Col: int(col), Msg: fmt.Sprintf("more than %d parts: the cost limit (split the work, or simplify)", NodesMax)}
	}
	c.e.nodes = append(c.e.nodes, node{op: o, col: col, val: val, args: args})
	return int32(len(c.e.nodes) - 1), nil
}

func (c *compiler) expr(n *expr) (int32, kind, error) {
	switch n.kind {
	case eParen:
		return c.expr(n.x)
	case eLit:
		return 0, 0, c.fail(n, "only integers: %s is not one (no floats, strings or characters)", n.text)
	case eInt:
		v, err := strconv.ParseInt(n.text, 0, 64)
		if err != nil {
			if err.(*strconv.NumError).Err == strconv.ErrRange {
				return 0, 0, c.fail(n, "%s does not fit in 64 bits", n.text)
			}
			return 0, 0, c.fail(n, "syntax: %s is not a number", n.text)
		}
		i, err := c.add(n, opConst, v)
		return i, kInt, err
	case eIdent:
		switch n.text {
		case "true", "false":
			v := int64(0)
			if n.text == "true" {
				v = 1
			}
			i, err := c.add(n, opConst, v)
			return i, kBool, err
		}
		return 0, 0, c.unknown(n, n.text)
	case eSel:
		name := selectorName(n)
		for v, vn := range varNames {
			if vn == name {
				i, err := c.add(n, opVar, int64(v))
				return i, kInt, err
			}
		}
		return 0, 0, c.unknown(n, name)
	case eUnary:
		x, k, err := c.expr(n.x)
		if err != nil {
			return 0, 0, err
		}
		switch n.text {
		case "-":
			if err := c.need(n.x, k, kInt, "-"); err != nil {
				return 0, 0, err
			}
			i, err := c.add(n, opNeg, 0, x)
			return i, kInt, err
		case "+":
			return x, k, c.need(n.x, k, kInt, "+")
		case "!":
			if err := c.need(n.x, k, kBool, "!"); err != nil {
				return 0, 0, err
			}
			i, err := c.add(n, opNot, 0, x)
			return i, kBool, err
		}
		return 0, 0, c.fail(n, "operator %s is not supported", n.text)
	case eBinary:
		return c.binary(n)
	case eCall:
		return c.call(n)
	}
	panic("scoring: unknown tree node")
}

// binOp is the node of a binary operator, false for one Go has and we do not.
func binOp(text string) (op, bool) {
	switch text {
	case "+":
		return opAdd, true
	case "-":
		return opSub, true
	case "*":
		return opMul, true
	case "/":
		return opQuo, true
	case "%":
		return opRem, true
	case "==":
		return opEq, true
	case "!=":
		return opNe, true
	case "<":
		return opLt, true
	case "<=":
		return opLe, true
	case ">":
		return opGt, true
	case ">=":
		return opGe, true
	case "&&":
		return opAnd, true
	case "||":
		return opOr, true
	}
	return 0, false
}

func (c *compiler) binary(n *expr) (int32, kind, error) {
	o, ok := binOp(n.text)
	if !ok {
		return 0, 0, &Error{Expr: c.e.name, Col: int(n.opCol), Msg: fmt.Sprintf("operator %s is not supported", n.text)}
	}
	x, kx, err := c.expr(n.x)
	if err != nil {
		return 0, 0, err
	}
	y, ky, err := c.expr(n.y)
	if err != nil {
		return 0, 0, err
	}
	var res kind
	switch o {
	case opAdd, opSub, opMul, opQuo, opRem:
		err, res = c.both(n, kx, ky, kInt), kInt
	case opLt, opLe, opGt, opGe:
		err, res = c.both(n, kx, ky, kInt), kBool
	case opEq, opNe:
		if kx != ky {
			err = c.fail(n, "%s compares %s with %s", n.text, kx, ky)
		}
		res = kBool
	case opAnd, opOr:
		err, res = c.both(n, kx, ky, kBool), kBool
	}
	if err != nil {
		return 0, 0, err
	}
	i, err := c.addAt(n.opCol, o, 0, x, y)
	return i, res, err
}

func (c *compiler) call(n *expr) (int32, kind, error) {
	fn := n.x
	if fn.kind != eIdent {
		return 0, 0, c.fail(fn, "only min, max and abs can be called")
	}
	var o op
	switch fn.text {
	case "min":
		o = opMin
	case "max":
		o = opMax
	case "abs":
		o = opAbs
	default:
		return 0, 0, c.fail(fn, "unknown function %s (known: min, max, abs)", fn.text)
	}
	if n.ellipsis {
		return 0, 0, c.fail(n, "... is not supported")
	}
	switch {
	case o == opAbs && len(n.args) != 1:
		return 0, 0, c.fail(n, "abs takes one argument, got %d", len(n.args))
	case o != opAbs && len(n.args) < 2:
		return 0, 0, c.fail(n, "%s takes two or more arguments, got %d", fn.text, len(n.args))
	}
	args := make([]int32, 0, len(n.args))
	for _, a := range n.args {
		x, k, err := c.expr(a)
		if err != nil {
			return 0, 0, err
		}
		if err := c.need(a, k, kInt, fn.text); err != nil {
			return 0, 0, err
		}
		args = append(args, x)
	}
	i, err := c.add(n, o, 0, args...)
	return i, kInt, err
}

func (c *compiler) need(n *expr, got, want kind, what string) error {
	if got != want {
		return c.fail(n, "%s needs %s, this is %s", what, want, got)
	}
	return nil
}

func (c *compiler) both(n *expr, kx, ky, want kind) error {
	if err := c.need(n.x, kx, want, n.text); err != nil {
		return err
	}
	return c.need(n.y, ky, want, n.text)
}

func (c *compiler) unknown(n *expr, name string) error {
	return c.fail(n, "unknown name %s (known: %s, true, false)", name, strings.Join(varNames[:], ", "))
}

// selectorName spells a.b.c, or "" if n is not made of names.
func selectorName(n *expr) string {
	switch n.kind {
	case eIdent:
		return n.text
	case eSel:
		if x := selectorName(n.x); x != "" {
			return x + "." + n.text
		}
	}
	return ""
}

// Int evaluates a score.
func (e *Expr) Int(v *Vars) (int64, error) { return e.eval(e.root, v) }

// Bool evaluates a filter.
func (e *Expr) Bool(v *Vars) (bool, error) {
	x, err := e.eval(e.root, v)
	return x != 0, err
}

func (e *Expr) errAt(n *node, msg string) error {
	return &Error{Expr: e.name, Col: int(n.col), Msg: msg}
}

// eval computes node i: integers as themselves, booleans as 0 and 1.
// && and || evaluate their right side only when needed, as Go does.
func (e *Expr) eval(i int32, v *Vars) (int64, error) {
	n := &e.nodes[i]
	switch n.op {
	case opConst:
		return n.val, nil
	case opVar:
		return v[n.val], nil
	case opNot:
		x, err := e.eval(n.args[0], v)
		return 1 - x, err
	case opNeg:
		x, err := e.eval(n.args[0], v)
		if err == nil && x == math.MinInt64 {
			err = e.errAt(n, "overflow: -(-9223372036854775808)")
		}
		return -x, err
	case opAnd, opOr:
		x, err := e.eval(n.args[0], v)
		if err != nil || (n.op == opAnd) == (x == 0) {
			return x, err
		}
		return e.eval(n.args[1], v)
	case opMin, opMax, opAbs:
		acc, err := e.eval(n.args[0], v)
		if err != nil {
			return 0, err
		}
		if n.op == opAbs {
			if acc == math.MinInt64 {
				return 0, e.errAt(n, "overflow: abs(-9223372036854775808)")
			}
			return max(acc, -acc), nil
		}
		for _, a := range n.args[1:] {
			x, err := e.eval(a, v)
			if err != nil {
				return 0, err
			}
			if n.op == opMin {
				acc = min(acc, x)
			} else {
				acc = max(acc, x)
			}
		}
		return acc, nil
	}
	x, err := e.eval(n.args[0], v)
	if err != nil {
		return 0, err
	}
	y, err := e.eval(n.args[1], v)
	if err != nil {
		return 0, err
	}
	b := func(c bool) int64 {
		if c {
			return 1
		}
		return 0
	}
	switch n.op {
	case opAdd:
		s := x + y
		if (s > x) != (y > 0) {
			return 0, e.errAt(n, fmt.Sprintf("overflow: %d + %d", x, y))
		}
		return s, nil
	case opSub:
		s := x - y
		if (s < x) != (y > 0) {
			return 0, e.errAt(n, fmt.Sprintf("overflow: %d - %d", x, y))
		}
		return s, nil
	case opMul:
		if x == 0 || y == 0 {
			return 0, nil
		}
		p := x * y
		if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
			return 0, e.errAt(n, fmt.Sprintf("overflow: %d * %d", x, y))
		}
		return p, nil
	case opQuo, opRem:
		if y == 0 {
			return 0, e.errAt(n, fmt.Sprintf("division by zero: %d %s 0", x, map[op]string{opQuo: "/", opRem: "%"}[n.op]))
		}
		if x == math.MinInt64 && y == -1 {
			if n.op == opRem {
				return 0, nil
			}
			return 0, e.errAt(n, "overflow: -9223372036854775808 / -1")
		}
		if n.op == opQuo {
			return x / y, nil
		}
		return x % y, nil
	case opEq:
		return b(x == y), nil
	case opNe:
		return b(x != y), nil
	case opLt:
		return b(x < y), nil
	case opLe:
		return b(x <= y), nil
	case opGt:
		return b(x > y), nil
	case opGe:
		return b(x >= y), nil
	}
	panic("scoring: unknown op")
}
