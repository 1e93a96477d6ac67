package gputrace

import "io"

// NodeReader reads a node list one row at a time, so that a caller never
// holds the whole file and the whole list at once. It keeps only the names
// read so far (to refuse a repeated one) and one copy of each model.
type NodeReader struct{ t *table }

// NewNodeReader reads a node list from r; file names it in errors. It
// reads nothing until Next is called.
func NewNodeReader(r io.Reader, file string) *NodeReader {
	return &NodeReader{t: newTable(r, file, nodeColumns)}
}

// File is the file's name, as given to NewNodeReader.
func (r *NodeReader) File() string { return r.t.file }

// Next reads the next node: the node and nil, or io.EOF after the last
// one, or an *Error. An error of one row (a value out of range, a repeated
// name, a wrong number of fields) leaves the reader at the next row, so
// that calling Next again finds every bad row. Any other (the header, CSV
// syntax, reading r) is final: Next returns io.EOF after it.
func (r *NodeReader) Next() (Node, error) {
	t := r.t
	if err := t.next(); err != nil {
		return Node{}, err
	}
	var n Node
	var err error
	if n.Name, err = t.name(nodeName); err != nil {
		return Node{}, err
	}
	if n.CPUMilli, err = t.integer(nodeCPU, 1, CPUMilliMax); err != nil {
		return Node{}, err
	}
	if n.MemoryMiB, err = t.integer(nodeMemory, 1, MemoryMiBMax); err != nil {
		return Node{}, err
	}
	gpus, err := t.integer(nodeGPUs, 0, GPUsMax)
	if err != nil {
		return Node{}, err
	}
	n.GPUs = int(gpus)
	switch model := t.field(nodeModel); {
	case gpus == 0 && model != "":
		return Node{}, t.errorf(nodeModel, "want empty when %s is 0, got %s", t.header[t.at[nodeGPUs]], quote(model))
	case gpus > 0 && !validLabel(model):
		return Node{}, t.errorf(nodeModel, "want a GPU model (%s) when %s is %d, got %s", labelRule, t.header[t.at[nodeGPUs]], gpus, quote(model))
	case gpus > 0:
		n.Model = t.intern(model)
	}
	return n, nil
}

// ReadNodes reads a whole node list (see the package doc for its format):
// every node, in the file's order, or nil and an error listing the bad
// rows, each an *Error (errors.Join of them; at most ErrorsMax).
func ReadNodes(r io.Reader, file string) ([]Node, error) {
	return NewNodeReader(r, file).All()
}

// All reads the rest of the list: every node, or nil and the bad rows'
// errors as ReadNodes gives them. The scenario import reads the node list
// with it, and the task list a row at a time.
func (r *NodeReader) All() ([]Node, error) { return readAll(r.t.file, r.Next) }
