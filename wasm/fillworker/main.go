//go:build js

// Command fillworker runs the GPU fill tab's runs in a Web Worker: the
// page starts several (web/fill-worker.js loads this program, built into
// web/fill.wasm), gives each the trace's two files and some runs, and
// each posts back one fill.Result per run. It holds only the fill
// experiment (core/fill, gputrace, gpushare), not the simulator, so it
// loads in a fraction of sweep.wasm's time; the runs are core/fill's, so
// a run gives in the page exactly what `ccsim experiment fill` gives.
//
// Messages in, from the page (through the script):
//
//	{trace: {nodes: Uint8Array, nodesName: "…", tasks: Uint8Array, tasksName: "…"}}
//	    read the trace now, ahead of a job (posted when both files are in)
//	{fill: {nodes, nodesName, tasks, tasksName, tune: 1300,
//	        runs: [{index: 0, policy: "fgd", seed: 42}, …]}}
//	    a job: the trace (read again only if it is not the one read last)
//	    and the runs to do
//
// Messages out, to the page:
//
//	{kind: "run", index: 0, line: "<the run's fill.Result as JSON>"}
//	{kind: "done"}                      every run given is done
//	{kind: "error", error: "<message>"} the trace or a run failed
//
// A worker is cancelled by terminating it.
package main

import (
	"syscall/js"

	"github.com/cloudchamber/cloudchamber/wasm/filljob"
)

func main() {
	// A callback must return: the messages are handled in order, beside
	// the event loop. The page posts a trace each time both files are in,
	// then one job: far fewer than the buffer holds.
	work := make(chan js.Value, 64)
	js.Global().Set("ccFillMessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		work <- args[0]
		return nil
	}))
	js.Global().Call("ccFillReady")
	var held filljob.Trace
	for m := range work {
		if t := m.Get("trace"); t.Truthy() {
			if _, err := held.Read(t); err != nil {
				filljob.Post(map[string]any{"kind": "error", "error": err.Error()})
			}
			continue
		}
		filljob.Work(&held, m.Get("fill"))
	}
}
