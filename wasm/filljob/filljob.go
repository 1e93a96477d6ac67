//go:build js

// Package filljob does a GPU fill job in a Web Worker (the fill Worker's,
// wasm/fillworker, and the sweep Worker's, wasm/sweepworker): it reads
// the trace's two files from a message, {nodes: Uint8Array, nodesName,
// tasks: Uint8Array, tasksName}, and a job's runs, {…, tune: 1300, runs:
// [{index: 0, policy: "fgd", seed: 42}, …]}, and posts to the page a
// {kind: "run", index, line: "<fill.Result as JSON>"} message per run,
// then {kind: "done"}, or {kind: "error", error} when the trace or a run
// fails.
package filljob

import (
	"bytes"
	"encoding/json"
	"fmt"
	"syscall/js"

	"github.com/cloudchamber/cloudchamber/core/fill"
	"github.com/cloudchamber/cloudchamber/core/gputrace"
)

// Post sends a message to the page.
func Post(m map[string]any) { js.Global().Call("postMessage", js.ValueOf(m)) }

// Trace is the trace read last: its files' names and bytes, and the
// lists read from them.
type Trace struct {
	nodesName, tasksName string
	nodesData, tasksData []byte
	nodes                []gputrace.Node
	tasks                []gputrace.Task
}

// Read reads the trace of a message's files (nodes, nodesName, tasks,
// tasksName), unless it is the one held, byte for byte.
func (t *Trace) Read(m js.Value) (*Trace, error) {
	data := func(key string) []byte {
		b := make([]byte, m.Get(key).Length())
		js.CopyBytesToGo(b, m.Get(key))
		return b
	}
	nn, tn := m.Get("nodesName").String(), m.Get("tasksName").String()
	nd, td := data("nodes"), data("tasks")
	if t.nodes != nil && nn == t.nodesName && tn == t.tasksName && bytes.Equal(nd, t.nodesData) && bytes.Equal(td, t.tasksData) {
		return t, nil
	}
	*t = Trace{}
	nodes, err := gputrace.ReadNodes(bytes.NewReader(nd), nn)
	if err != nil {
		return nil, err
	}
	tasks, err := gputrace.ReadTasks(bytes.NewReader(td), tn)
	if err != nil {
		return nil, err
	}
	*t = Trace{nodesName: nn, tasksName: tn, nodesData: nd, tasksData: td, nodes: nodes, tasks: tasks}
	return t, nil
}

// Work runs a fill job's runs (see the package doc) on its trace, read
// into held unless it is the one held, and posts each run's result.
func Work(held *Trace, job js.Value) {
	fail := func(err error) { Post(map[string]any{"kind": "error", "error": err.Error()}) }
	t, err := held.Read(job)
	if err != nil {
		fail(err)
		return
	}
	tune := int64(job.Get("tune").Int())
	runs := job.Get("runs")
	for i := range runs.Length() {
		run := runs.Index(i)
		policy, seed := run.Get("policy").String(), run.Get("seed").Int()
		if seed < 0 {
			fail(fmt.Errorf("seed %d: want 0 or more", seed))
			return
		}
		r, err := fill.Run(t.nodes, t.tasks, fill.Config{Policy: policy, Seed: uint64(seed), Tune: tune})
		if err != nil {
			fail(err)
			return
		}
		line, _ := json.Marshal(r)
		Post(map[string]any{"kind": "run", "index": run.Get("index").Int(), "line": string(line)})
	}
	Post(map[string]any{"kind": "done"})
}
