package gputrace

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrorsMax is how many errors ReadNodes and ReadTasks gather before they
// stop reading.
const ErrorsMax = 20

// Error is a problem with a trace file, located for a person to find it:
//
//	openb_pod_list_default.csv:17:4: num_gpu: want an integer 0..64, got "x"
//	openb_pod_list_default.csv:20:1: name: "openb-pod-0003" repeats the name of line 5
//	openb_pod_list_default.csv:9: has 10 fields, the header has 11
//	openb_pod_list_default.csv:1: the header lacks the column creation_time (a task list has …)
//
// Line counts the file's lines from 1 (the header is usually line 1).
// Col is the CSV column, the field's place in its row from 1, as a
// spreadsheet counts columns (not a character position), and Column is
// that column's name as the header spells it. Both are left out when the
// error is about a whole row or the file.
type Error struct {
	File   string // as given to the reader
	Line   int    // 1-based; 0 when the error is about the whole file
	Col    int    // 1-based field number; 0 when not about one field
	Column string // the field's column name; "" when not about one field
	Msg    string // what is wrong
	Err    error  // what reading the input returned, when that is the error; nil otherwise
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
	if e.Column != "" {
		b.WriteString(e.Column + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap gives the input's own error, when reading it failed.
func (e *Error) Unwrap() error { return e.Err }

// columns is the header a kind of file must have: the first required
// names must be there, the others may.
type columns struct {
	kind     string // "a node list", for messages
	names    []string
	required int
}

// The columns, in the order the fields are checked. Node and task column
// indexes (nodeName, taskName, …) are positions in these lists.
var (
	nodeColumns = columns{"a node list", []string{"sn", "cpu_milli", "memory_mib", "gpu", "model"}, 5}
	taskColumns = columns{"a task list", []string{"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli", "gpu_spec",
		"creation_time", "deletion_time", "qos", "pod_phase", "scheduled_time"}, 8}
)

const (
	nodeName = iota
	nodeCPU
	nodeMemory
	nodeGPUs
	nodeModel
)

const (
	taskName = iota
	taskCPU
	taskMemory
	taskGPUs
	taskGPUMilli
	taskModels
	taskCreated
	taskDeleted
	taskQoS
	taskPhase
	taskScheduled
)

// match finds each of cols's names in a header record: at[i] is the
// field index of cols.names[i], -1 when absent. Names match with spaces at
// either end trimmed and regardless of case. A name given twice is an
// error at its second place; missing lists the required names absent.
func match(file string, line int, header []string, cols columns) (at []int, missing []string, err *Error) {
	at = make([]int, len(cols.names))
	for i := range at {
		at[i] = -1
	}
	for f, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		for i, name := range cols.names {
			if key != name {
				continue
			}
			if at[i] >= 0 {
				msg := fmt.Sprintf("repeats column %d", at[i]+1)
				if first := header[at[i]]; first != h {
					msg += fmt.Sprintf(" (%q; names match regardless of case and spaces at either end)", first)
				}
				return nil, nil, &Error{File: file, Line: line, Col: f + 1, Column: h, Msg: msg}
			}
			at[i] = f
		}
	}
	for i, name := range cols.names[:cols.required] {
		if at[i] < 0 {
			missing = append(missing, name)
		}
	}
	return at, missing, nil
}

func missingMsg(missing []string, cols columns) string {
	s := ""
	if len(missing) > 1 {
		s = "s"
	}
	return fmt.Sprintf("the header lacks the column%s %s (%s has %s)", s, strings.Join(missing, ", "),
		cols.kind, strings.Join(cols.names[:cols.required], ", "))
}

// table reads the rows of one CSV file and the fields of its columns.
type table struct {
	file   string
	cols   columns
	csv    *csv.Reader
	at     []int             // field index of each of cols.names, -1 when absent
	header []string          // the header's names as spelled
	rec    []string          // the current row
	line   int               // the current row's first line
	seen   map[string]int    // name → line, to find repeated names
	labels map[string]string // one copy of each model, QoS and phase
	begun  bool              // the header was read
	done   bool              // nothing more to read: EOF or a final error
}

func newTable(r io.Reader, file string, cols columns) *table {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3) // a byte order mark, as spreadsheets write
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord = -1 // counted here, to say which row and how
	c.ReuseRecord = true
	return &table{file: file, cols: cols, csv: c, seen: map[string]int{}, labels: map[string]string{}}
}

// next moves to the next row: nil, io.EOF at the end, or an error. A row
// with the wrong number of fields is an error of that row only; any other
// is final, and next then returns io.EOF.
func (t *table) next() error {
	if t.done {
		return io.EOF
	}
	if !t.begun {
		t.begun = true
		if err := t.readHeader(); err != nil {
			t.done = true
			return err
		}
	}
	rec, err := t.csv.Read()
	if err != nil {
		t.done = true
		if err == io.EOF {
			return io.EOF
		}
		return t.readError(err)
	}
	t.rec = rec
	t.line, _ = t.csv.FieldPos(0)
	if len(rec) != len(t.header) {
		return &Error{File: t.file, Line: t.line, Msg: fmt.Sprintf("has %d fields, the header has %d", len(rec), len(t.header))}
	}
	return nil
}

func (t *table) readHeader() error {
	rec, err := t.csv.Read()
	if err == io.EOF {
		return &Error{File: t.file, Msg: "is empty: want a header line naming the columns"}
	}
	if err != nil {
		return t.readError(err)
	}
	line, _ := t.csv.FieldPos(0)
	t.header = append([]string(nil), rec...)
	at, missing, e := match(t.file, line, t.header, t.cols)
	if e != nil {
		return e
	}
	if missing != nil {
		msg := missingMsg(missing, t.cols)
		// The other kind's header whole: the two files were swapped.
		for _, other := range []columns{nodeColumns, taskColumns} {
			if other.kind == t.cols.kind {
				continue
			}
			if _, m, e := match(t.file, line, t.header, other); e == nil && m == nil {
				msg += ": it is " + other.kind + ", not " + t.cols.kind
			}
		}
		return &Error{File: t.file, Line: line, Msg: msg}
	}
	t.at = at
	return nil
}

// readError turns what encoding/csv or the input returned into an Error.
func (t *table) readError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &Error{File: t.file, Msg: "cannot be read: " + err.Error(), Err: err}
	}
	msg := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		msg = `a field that does not start with a quote has one`
	case errors.Is(pe.Err, csv.ErrQuote):
		msg = `a quoted field has a stray quote or lacks its closing one`
	}
	return &Error{File: t.file, Line: pe.Line, Msg: fmt.Sprintf("%s (byte %d of the line)", msg, pe.Column)}
}

// field is the current row's value of column k; "" when the column is
// absent.
func (t *table) field(k int) string {
	if t.at[k] < 0 {
		return ""
	}
	return t.rec[t.at[k]]
}

// errorf is an error about column k's field in the current row.
func (t *table) errorf(k int, format string, args ...any) error {
	f := t.at[k]
	line, _ := t.csv.FieldPos(f)
	return &Error{File: t.file, Line: line, Col: f + 1, Column: t.header[f], Msg: fmt.Sprintf(format, args...)}
}

// name reads column k as a name unique in the file.
func (t *table) name(k int) (string, error) {
	s := t.field(k)
	if !validName(s) {
		return "", t.errorf(k, "want a name of 1..%d bytes of printable text, no space at either end, got %s", NameMax, quote(s))
	}
	line, _ := t.csv.FieldPos(t.at[k])
	if first, ok := t.seen[s]; ok {
		return "", t.errorf(k, "%s repeats the name of line %d", quote(s), first)
	}
	s = strings.Clone(s) // not the whole row's string
	t.seen[s] = line
	return s, nil
}

// integer reads column k as an integer in lo..hi.
func (t *table) integer(k int, lo, hi int64) (int64, error) {
	s := t.field(k)
	v, ok := parseInt(s)
	if !ok || v < lo || v > hi {
		return 0, t.errorf(k, "want an integer %d..%d, got %s", lo, hi, quote(s))
	}
	return v, nil
}

// time reads column k as seconds, 0..TimeMax, not before the time after
// (of column afterCol) unless that is Never; empty is Never when
// optional.
func (t *table) time(k int, optional bool, after int64, afterCol int) (int64, error) {
	s := t.field(k)
	if s == "" && optional {
		return Never, nil
	}
	v, ok := parseInt(s)
	if !ok || v > TimeMax {
		want := "an integer"
		if optional {
			want = "empty or an integer"
		}
		return 0, t.errorf(k, "want %s 0..%d, got %s", want, int64(TimeMax), quote(s))
	}
	if after != Never && v < after {
		return 0, t.errorf(k, "want %s or later (%d), got %s", t.cols.names[afterCol], after, quote(s))
	}
	return v, nil
}

// label reads column k as empty or a label (a model, a QoS class, a
// phase), one copy of each kept.
func (t *table) label(k int) (string, error) {
	s := t.field(k)
	if s == "" {
		return "", nil
	}
	if !validLabel(s) {
		return "", t.errorf(k, "want empty or %s, got %s", labelRule, quote(s))
	}
	return t.intern(s), nil
}

func (t *table) intern(s string) string {
	if c, ok := t.labels[s]; ok {
		return c
	}
	c := strings.Clone(s)
	t.labels[c] = c
	return c
}

const labelRule = "1..64 letters, digits, '-', '_' or '.'"

// validLabel: 1..LabelMax ASCII letters, digits, '-', '_' or '.', as a
// Kubernetes label value.
func validLabel(s string) bool {
	if s == "" || len(s) > LabelMax {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// validName: 1..NameMax bytes of UTF-8, every character graphic (letters,
// marks, numbers, punctuation, symbols, spaces), no space at either end.
func validName(s string) bool {
	if s == "" || len(s) > NameMax || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsGraphic(r) {
			return false
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return !unicode.IsSpace(first) && !unicode.IsSpace(last)
}

// parseInt reads 1..18 decimal digits: no sign, no spaces, no other
// form. 18 digits never overflow, and every limit here is shorter.
func parseInt(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// quote quotes a value for a message, its first 40 bytes when longer.
func quote(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "…"
	}
	return strconv.Quote(s)
}

// Each reads every row with next (a NodeReader's or a TaskReader's Next)
// and hands each good one to fn as it is read, keeping none, so that a
// caller can count or convert a file's rows without holding them. It
// returns the bad rows' errors, joined (at most ErrorsMax: reading stops
// there), or nil.
func Each[T any](next func() (T, error), fn func(T)) error {
	var errs []error
	for {
		v, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errs = append(errs, err); len(errs) == ErrorsMax {
				break
			}
			continue
		}
		fn(v)
	}
	return errors.Join(errs...)
}

// readAll reads every row with next: all of them, or nil and the errors
// (at most ErrorsMax of them, then a line saying it stopped). The rows are
// gathered in blocks and copied once into a list of the exact length:
// growing one list by append allocated five times its size.
func readAll[T any](file string, next func() (T, error)) ([]T, error) {
	var blocks [][]T
	block := make([]T, 0, 256)
	n := 0
	err := Each(next, func(v T) {
		if len(block) == cap(block) {
			blocks = append(blocks, block)
			block = make([]T, 0, min(2*cap(block), 8192))
		}
		block = append(block, v)
		n++
	})
	if err != nil {
		if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) == ErrorsMax {
			err = errors.Join(append(j.Unwrap(), &Error{File: file, Msg: fmt.Sprintf("stopped reading after %d errors", ErrorsMax)})...)
		}
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]T, 0, n)
	for _, b := range blocks {
		out = append(out, b...)
	}
	return append(out, block...), nil
}
