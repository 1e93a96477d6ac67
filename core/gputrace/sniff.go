package gputrace

import (
	"bytes"
	"encoding/csv"
	"io"
)

// Kind is what a trace file holds, as its header tells.
type Kind int

const (
	KindUnknown Kind = iota // not told: Sniff refused the header
	KindNodes               // a node list: ReadNodes
	KindTasks               // a task list: ReadTasks
)

func (k Kind) String() string {
	switch k {
	case KindNodes:
		return "nodes"
	case KindTasks:
		return "tasks"
	}
	return "unknown"
}

// Sniff tells a node list from a task list by its header, so that a file
// dropped on the page goes to the right reader. head is the beginning of
// the file, at least up to the end of its header (its first line that is
// not blank); what follows the header is not read, and a byte order mark
// is skipped, as the readers do. file names it in errors. The header must
// have every required column of one kind and not of both (see the package
// doc), and no column twice; the error, an *Error at the header's line,
// says which columns the closer kind lacks.
func Sniff(head []byte, file string) (Kind, error) {
	head = bytes.TrimPrefix(head, []byte("\uFEFF"))
	c := csv.NewReader(bytes.NewReader(head))
	c.FieldsPerRecord = -1
	header, err := c.Read()
	if err == io.EOF {
		return KindUnknown, &Error{File: file, Msg: "is empty: want a header line naming the columns"}
	}
	if err != nil {
		return KindUnknown, (&table{file: file}).readError(err)
	}
	line, _ := c.FieldPos(0)
	var missing [2][]string
	for i, cols := range []columns{nodeColumns, taskColumns} {
		_, m, e := match(file, line, header, cols)
		if e != nil {
			return KindUnknown, e
		}
		missing[i] = m
	}
	switch n, t := len(missing[0]), len(missing[1]); {
	case n == 0 && t == 0:
		return KindUnknown, &Error{File: file, Line: line, Msg: "the header has the columns of both a node list and a task list: give one of them"}
	case n == 0:
		return KindNodes, nil
	case t == 0:
		return KindTasks, nil
	case n*len(taskColumns.names[:taskColumns.required]) < t*len(nodeColumns.names[:nodeColumns.required]):
		return KindUnknown, &Error{File: file, Line: line, Msg: missingMsg(missing[0], nodeColumns)}
	default:
		return KindUnknown, &Error{File: file, Line: line, Msg: missingMsg(missing[1], taskColumns)}
	}
}
