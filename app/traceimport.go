package app

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/cloudchamber/cloudchamber/core/clock"
	"github.com/cloudchamber/cloudchamber/core/gpuimport"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
	"github.com/cloudchamber/cloudchamber/core/inventory"
	"github.com/cloudchamber/cloudchamber/core/scenario"
)

// The Scenario panel imports a GPU cluster trace (core/gputrace: a node
// list and a task list, two CSV files) as a new session, as `ccsim import
// alibaba-gpu` makes a scenario of it (core/gpuimport). The two files come
// one at a time or together, in either order, dropped on the panel or
// chosen; each is told apart by its header (gputrace.Sniff) and read once
// row by row when it arrives, so a bad row is reported at once, and only
// its bytes are kept until the import, which reads them again a row at a
// time. This file is the import's logic, without the browser; the panel's
// part is in scenario.go.

// gpuTraceFile is a trace file held until the import: its name, its bytes
// (the import reads them through a reader; no parsed list is kept) and
// what reading it found.
type gpuTraceFile struct {
	Name string
	Data []byte
	Rows int // nodes or tasks
	// Nodes: the nodes with GPUs and their devices. Tasks: the tasks
	// asking for GPUs and the milli-GPU they ask for in all.
	GPURows int
	GPUs    int64
	Models  []string // nodes: the GPU models, in the order first met
	ReadMs  float64  // how long reading it took in the page
}

// traceImport is the Scenario panel's trace import: the files held, the
// options as typed, and what became of the last file or import. The Shell
// keeps it, so files dropped before another tab was shown are still
// there. The UI goroutine owns it.
type traceImport struct {
	nodes, tasks *gpuTraceFile
	rackSize     string // as typed; "" for gpuimport.DefaultRackSize
	policy       string // "" for gpuimport.DefaultPolicy
	mtbf, mttr   string // ticks, as typed; "": blades do not fail, gpuimport.DefaultMTTR

	importing string   // what an import under way is doing, for the status ("" for none); each step runs once it is painted
	refused   string   // what was refused: "" for nothing, else a sentence to head errs
	errs      []string // the located messages of the last refusal, one a line
	done      string   // what the last import opened, until a file comes again
	// The last import's session's blades, and how long it took (ms):
	// for the status's data attributes, which tests read.
	blades          int
	buildMs, openMs float64
	run             uint64 // the session's run it opened (Session.Begun): what it says is shown only while that run lasts
}

// traceErrors are an error's messages, one a line: a joined error (the
// readers' and gpuimport's, one per bad row) gives each of its own.
func traceErrors(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, traceErrors(e)...)
		}
		return out
	}
	return strings.Split(err.Error(), "\n")
}

// refuse records a refusal: nothing held changed.
func (st *traceImport) refuse(what string, err error) {
	st.refused, st.errs = what, traceErrors(err)
	if len(st.errs) >= gputrace.ErrorsMax {
		st.refused += fmt.Sprintf(" (the first %d problems: reading stops there)", gputrace.ErrorsMax)
	}
}

// add takes a file: it is told apart by its header and read whole, row
// by row, keeping only counts. A good file replaces the one of its kind
// held; a bad one is refused with every bad row's message, and what was
// held stays.
func (st *traceImport) add(name string, data []byte) error {
	st.done = ""
	f, kind, err := readTraceFile(name, data)
	if err != nil {
		st.refuse(name+" was not taken; nothing changed:", err)
		return err
	}
	st.refused, st.errs = "", nil
	if kind == gputrace.KindNodes {
		st.nodes = f
	} else {
		st.tasks = f
	}
	return nil
}

// readTraceFile tells what a file holds and reads every row of it, one at
// a time: the file's counts, its kind, or the readers' located errors.
func readTraceFile(name string, data []byte) (*gpuTraceFile, gputrace.Kind, error) {
	kind, err := gputrace.Sniff(data, name)
	if err != nil {
		return nil, kind, err
	}
	f := &gpuTraceFile{Name: name, Data: data}
	switch kind {
	case gputrace.KindNodes:
		err = gputrace.Each(gputrace.NewNodeReader(bytes.NewReader(data), name).Next, func(n gputrace.Node) {
			f.Rows++
			if n.GPUs > 0 {
				f.GPURows++
				f.GPUs += int64(n.GPUs)
				if !slices.Contains(f.Models, n.Model) {
					f.Models = append(f.Models, n.Model)
				}
			}
		})
	case gputrace.KindTasks:
		err = gputrace.Each(gputrace.NewTaskReader(bytes.NewReader(data), name).Next, func(t gputrace.Task) {
			f.Rows++
			if g := t.MilliGPUs(); g > 0 {
				f.GPURows++
				f.GPUs += g
			}
		})
	}
	if err != nil {
		return nil, kind, err
	}
	if f.Rows == 0 {
		return nil, kind, &gputrace.Error{File: name, Msg: "has a header and no row: no " + strings.TrimSuffix(kind.String(), "s")}
	}
	return f, kind, nil
}

// needs names the lists still to give: "", "the node list", "the task
// list" or both.
func (st *traceImport) needs() string {
	switch {
	case st.nodes == nil && st.tasks == nil:
		return "a node list and a task list"
	case st.nodes == nil:
		return "the node list"
	case st.tasks == nil:
		return "a task list"
	}
	return ""
}

// state is the import's state in one word, for the status's data-state:
// "empty", "partial", "ready", "importing", "done".
func (st *traceImport) state() string {
	switch {
	case st.importing != "":
		return "importing"
	case st.nodes != nil && st.tasks != nil:
		return "ready"
	case st.nodes != nil || st.tasks != nil:
		return "partial"
	case st.done != "":
		return "done"
	}
	return "empty"
}

// options are the import's options as typed, or what is wrong with them.
func (st *traceImport) options() (gpuimport.Options, error) {
	o := gpuimport.Options{Policy: st.policy}
	if st.tasks != nil {
		o.Name = strings.TrimSuffix(st.tasks.Name, path.Ext(st.tasks.Name))
	}
	if s := strings.TrimSpace(st.rackSize); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > inventory.GenBladesPerRackMax {
			return o, fmt.Errorf("rack size: want a whole number of blades, 1..%d, got %q", inventory.GenBladesPerRackMax, st.rackSize)
		}
		o.RackSize = n
	}
	// As `ccsim import alibaba-gpu --mtbf/--mttr`: an MTBF of 0 means
	// blades do not fail; an MTTR typed must be 1 or more.
	if s := strings.TrimSpace(st.mtbf); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return o, fmt.Errorf("MTBF: want a whole number of ticks, 0 or more (0: blades do not fail), got %q", st.mtbf)
		}
		o.MTBF = clock.Tick(n)
	}
	if s := strings.TrimSpace(st.mttr); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return o, fmt.Errorf("MTTR: want a whole number of ticks, 1 or more, got %q", st.mttr)
		}
		o.MTTR = clock.Tick(n)
	}
	if st.nodes != nil && st.tasks != nil {
		o.By = "the page's trace import from " + st.nodes.Name + " and " + st.tasks.Name
	}
	return o, nil
}

// build makes the scenario of the files held, reading each through a
// reader over its bytes, a row at a time (gpuimport.Scenario). On error
// it is refused with every message, and the files stay held, so that
// dropping a corrected one tries again.
func (st *traceImport) build() (*scenario.Scenario, error) {
	if need := st.needs(); need != "" {
		return nil, errors.New("the import needs " + need)
	}
	o, err := st.options()
	if err == nil {
		var sc *scenario.Scenario
		sc, err = gpuimport.Scenario(gputrace.NewNodeReader(bytes.NewReader(st.nodes.Data), st.nodes.Name),
			gputrace.NewTaskReader(bytes.NewReader(st.tasks.Data), st.tasks.Name), o)
		if err == nil {
			return sc, nil
		}
	}
	st.refuse("The trace was not imported; nothing changed:", err)
	return nil, err
}

// opened records an import opened as the session's run (Session.Begun),
// which has blades in racks and zones: the files are let go (the session
// holds the scenario now), and what it opened is said, with how long
// reading and building the scenario (buildMs) and opening it (openMs)
// took.
func (st *traceImport) opened(sc *scenario.Scenario, run uint64, blades, racks, zones int, buildMs, openMs float64) {
	st.done = fmt.Sprintf("Imported as a new session, %s: %s in %s (%s) and %s, each created and deleted at its time (a tick a second). Read and built in %.1f s, opened in %.1f s.",
		sc.Name, plural(blades, "blade"), plural(racks, "rack"), plural(zones, "zone"), plural(st.tasks.Rows, "workload"), buildMs/1000, openMs/1000)
	st.run, st.blades, st.buildMs, st.openMs = run, blades, buildMs, openMs
	st.nodes, st.tasks = nil, nil
	st.refused, st.errs = "", nil
}

// sync forgets what the last import opened once the session has moved on
// to another run (another scenario loaded, a reset).
func (st *traceImport) sync(run uint64) {
	if st.done != "" && st.run != run {
		st.done = ""
	}
}

// summary is the last refusal in a line, for the page's error bar: its
// first message, and how many more the panel lists.
func (st *traceImport) summary() string {
	if st.refused == "" || len(st.errs) == 0 {
		return ""
	}
	s := st.refused + " " + st.errs[0]
	if n := len(st.errs) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more, listed in the Scenario panel)", n)
	}
	return s
}

// held is the file held under name, nil if none.
func (st *traceImport) held(name string) *gpuTraceFile {
	for _, f := range []*gpuTraceFile{st.nodes, st.tasks} {
		if f != nil && f.Name == name {
			return f
		}
	}
	return nil
}
