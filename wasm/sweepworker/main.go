//go:build js

// Command sweepworker runs a sweep's runs in a Web Worker: the page starts
// several (web/sweep-worker.js loads this program, built into
// web/sweep.wasm), gives each the sweep's header line and some run
// indices, and each posts back one result line per run. The runs are
// core/sweep's, so a run gives in the page exactly the line `ccsim sweep`
// gives natively, and the page's summary is the same bits.
//
// Messages in, from the page (through the script):
//
//	{header: "<the sweep's header line>", runs: [0, 4, 8]}
//
// Messages out, to the page:
//
//	{kind: "run", index: 4, line: "<the run's JSON line>"}
//	{kind: "done"}                      every run given is done
//	{kind: "error", error: "<message>"} the header or a run failed
//
// or a fill job (core/fill: the paper's fill experiment), the trace's two
// files and some runs of it:
//
//	{fill: {nodes: Uint8Array, nodesName: "…", tasks: Uint8Array, tasksName: "…",
//	        tune: 1300, runs: [{index: 0, policy: "fgd", seed: 42}, …]}}
//
// to which each run's fill.Result comes back as JSON in a "run" message's
// line, then "done". The trace is read once per message. The GPU fill tab
// runs its jobs in its own, smaller Workers (wasm/fillworker, the same
// messages); this one takes them too, as the baseline TestFillBench
// times the fill Worker against.
//
// A worker is cancelled by terminating it.
package main

import (
	"encoding/json"
	"runtime"
	"syscall/js"

	"github.com/cloudchamber/cloudchamber/core/sim"
	"github.com/cloudchamber/cloudchamber/core/strictjson"
	"github.com/cloudchamber/cloudchamber/core/sweep"
	"github.com/cloudchamber/cloudchamber/wasm/filljob"
)

func main() {
	js.Global().Set("ccSweepRun", js.FuncOf(func(_ js.Value, args []js.Value) any {
		header, runs := args[0].String(), make([]int, args[1].Length())
		for i := range runs {
			runs[i] = args[1].Index(i).Int()
		}
		go work(header, runs) // a callback must return; the runs go on beside the event loop
		return nil
	}))
	js.Global().Set("ccFillRun", js.FuncOf(func(_ js.Value, args []js.Value) any {
		go filljob.Work(&filljob.Trace{}, args[0]) // the trace read anew for each message
		return nil
	}))
	js.Global().Call("ccSweepReady")
	select {}
}

// post sends a message to the page.
func post(m map[string]any) { js.Global().Call("postMessage", js.ValueOf(m)) }

func work(headerLine string, runs []int) {
	fail := func(err error) { post(map[string]any{"kind": "error", "error": err.Error()}) }
	var h sweep.Header
	if err := strictjson.Decode("header", []byte(headerLine), &h); err != nil {
		fail(err)
		return
	}
	sw, err := sweep.FromHeader("header", h)
	if err != nil {
		fail(err)
		return
	}
	// One thread: let the collector run between events, as ccsim does
	// under wasm.
	yield := sim.WithYield(1024, runtime.Gosched)
	for _, i := range runs {
		if i < 0 || i >= sw.Runs() {
			post(map[string]any{"kind": "error", "error": "run index out of range"})
			return
		}
		r, err := sw.Do(i, yield)
		if err != nil {
			fail(err)
			return
		}
		line, _ := json.Marshal(&r)
		post(map[string]any{"kind": "run", "index": i, "line": string(line)})
	}
	post(map[string]any{"kind": "done"})
}
