package gputrace

import (
	"io"
	"strings"
)

// TaskReader reads a task list one row at a time, so that a caller never
// holds the whole file and the whole list at once. It keeps only the names
// read so far (to refuse a repeated one) and one copy of each label.
type TaskReader struct{ t *table }

// NewTaskReader reads a task list from r; file names it in errors. It
// reads nothing until Next is called.
func NewTaskReader(r io.Reader, file string) *TaskReader {
	return &TaskReader{t: newTable(r, file, taskColumns)}
}

// File is the file's name, as given to NewTaskReader.
func (r *TaskReader) File() string { return r.t.file }

// Line is the line the row Next last read starts on (0 before the first
// row): for a caller's check of a task that needs more than its row.
func (r *TaskReader) Line() int { return r.t.line }

// ModelsError is an error located at the gpu_spec field of the row Next
// last returned (file, line and column), its message printed from format
// and args: for a check of a task's models that needs more than its row
// (gpuimport: a model no node has).
func (r *TaskReader) ModelsError(format string, args ...any) error {
	return r.t.errorf(taskModels, format, args...)
}

// Next reads the next task: the task and nil, or io.EOF after the last
// one, or an *Error. An error of one row (a value out of range, a repeated
// name, a wrong number of fields) leaves the reader at the next row, so
// that calling Next again finds every bad row. Any other (the header, CSV
// syntax, reading r) is final: Next returns io.EOF after it.
func (r *TaskReader) Next() (Task, error) {
	t := r.t
	if err := t.next(); err != nil {
		return Task{}, err
	}
	var k Task
	var err error
	if k.Name, err = t.name(taskName); err != nil {
		return Task{}, err
	}
	if k.CPUMilli, err = t.integer(taskCPU, 0, CPUMilliMax); err != nil {
		return Task{}, err
	}
	if k.MemoryMiB, err = t.integer(taskMemory, 0, MemoryMiBMax); err != nil {
		return Task{}, err
	}
	gpus, err := t.integer(taskGPUs, 0, GPUsMax)
	if err != nil {
		return Task{}, err
	}
	k.GPUs = int(gpus)
	if k.GPUMilli, err = r.gpuMilli(gpus); err != nil {
		return Task{}, err
	}
	if k.Models, err = r.models(gpus); err != nil {
		return Task{}, err
	}
	if k.Created, err = t.time(taskCreated, false, Never, 0); err != nil {
		return Task{}, err
	}
	if k.Scheduled, err = t.time(taskScheduled, true, k.Created, taskCreated); err != nil {
		return Task{}, err
	}
	after, afterCol := k.Created, taskCreated
	if k.Scheduled != Never {
		after, afterCol = k.Scheduled, taskScheduled
	}
	if k.Deleted, err = t.time(taskDeleted, true, after, afterCol); err != nil {
		return Task{}, err
	}
	if k.QoS, err = t.label(taskQoS); err != nil {
		return Task{}, err
	}
	if k.Phase, err = t.label(taskPhase); err != nil {
		return Task{}, err
	}
	return k, nil
}

// gpuMilli reads gpu_milli, which depends on num_gpu (gpus).
func (r *TaskReader) gpuMilli(gpus int64) (int64, error) {
	t := r.t
	numGPU := t.header[t.at[taskGPUs]]
	s := t.field(taskGPUMilli)
	v, ok := parseInt(s)
	switch {
	case gpus == 0 && (!ok || v != 0):
		return 0, t.errorf(taskGPUMilli, "want 0 when %s is 0, got %s", numGPU, quote(s))
	case gpus == 1 && (!ok || v < 1 || v > MilliGPU):
		return 0, t.errorf(taskGPUMilli, "want an integer 1..%d when %s is 1, got %s", MilliGPU, numGPU, quote(s))
	case gpus >= 2 && (!ok || v != MilliGPU):
		return 0, t.errorf(taskGPUMilli, "want %d when %s is %d (whole devices), got %s", MilliGPU, numGPU, gpus, quote(s))
	}
	return v, nil
}

// models reads gpu_spec: empty, or distinct models separated by "|",
// and empty when the task asks for no GPU.
func (r *TaskReader) models(gpus int64) ([]string, error) {
	t := r.t
	s := t.field(taskModels)
	if s == "" {
		return nil, nil
	}
	if gpus == 0 {
		return nil, t.errorf(taskModels, "want empty when %s is 0, got %s", t.header[t.at[taskGPUs]], quote(s))
	}
	parts := strings.Split(s, "|")
	if len(parts) > ModelsMax {
		return nil, t.errorf(taskModels, "names %d models, more than the %d allowed", len(parts), ModelsMax)
	}
	models := make([]string, 0, len(parts))
	for i, m := range parts {
		switch {
		case m == "":
			return nil, t.errorf(taskModels, `entry %d of %s is empty: want GPU models separated by "|"`, i+1, quote(s))
		case !validLabel(m):
			return nil, t.errorf(taskModels, "entry %d of %s is not a GPU model (%s)", i+1, quote(s), labelRule)
		}
		for _, prev := range models {
			if prev == m {
				return nil, t.errorf(taskModels, "%s names %s twice", quote(s), quote(m))
			}
		}
		models = append(models, t.intern(m))
	}
	return models, nil
}

// ReadTasks reads a whole task list (see the package doc for its format):
// every task, in the file's order, or nil and an error listing the bad
// rows, each an *Error (errors.Join of them; at most ErrorsMax).
func ReadTasks(r io.Reader, file string) ([]Task, error) {
	return readAll(file, NewTaskReader(r, file).Next)
}
