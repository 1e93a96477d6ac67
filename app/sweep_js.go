//go:build js && wasm

package app

import (
	"errors"
	"syscall/js"
)

// browserCores is navigator.hardwareConcurrency (0 when unknown).
func browserCores() int {
	n := js.Global().Get("navigator").Get("hardwareConcurrency")
	if n.Type() != js.TypeNumber {
		return 0
	}
	return n.Int()
}

// The Workers' scripts: a sweep's runs the simulator (sweep.wasm), a fill
// job's only the fill experiment (fill.wasm, a third of the size).
const (
	sweepWorkerJS = "/web/sweep-worker.js"
	fillWorkerJS  = "/web/fill-worker.js"
)

// startSweepWorkers starts one Worker per part, gives each the header
// line and its run indices, and calls on with every message, from a JS
// callback: on must not block (hand it to the UI goroutine). stop
// terminates every Worker: nothing more arrives.
func startSweepWorkers(header string, parts [][]int, on func(workerMsg)) (stop func(), err error) {
	return startWorkers(sweepWorkerJS, len(parts), func(k int) js.Value {
		list := js.Global().Get("Array").New(len(parts[k]))
		for i, r := range parts[k] {
			list.SetIndex(i, r)
		}
		msg := js.Global().Get("Object").New()
		msg.Set("header", header)
		msg.Set("runs", list)
		return msg
	}, on)
}

// fillTraceJS is the trace's two files as a fill Worker reads them
// (web/fill-worker.js): {nodes, nodesName, tasks, tasksName}.
func fillTraceJS(nodes, tasks *fillTrace) js.Value {
	bytesJS := func(b []byte) js.Value {
		a := js.Global().Get("Uint8Array").New(len(b))
		js.CopyBytesToJS(a, b)
		return a
	}
	t := js.ValueOf(map[string]any{"nodesName": nodes.Name, "tasksName": tasks.Name})
	t.Set("nodes", bytesJS(nodes.Data)) // postMessage copies them to each Worker
	t.Set("tasks", bytesJS(tasks.Data))
	return t
}

// startFillWorkers starts one fill Worker per part (or takes warm ones,
// which have read the trace already: prewarmFillWorkers), gives each the
// trace's two files, the tune and its runs (w.Runs by index), and calls
// on with every message, as startSweepWorkers does.
func startFillWorkers(w fillWork, parts [][]int, on func(workerMsg)) (stop func(), err error) {
	trace := fillTraceJS(w.Nodes, w.Tasks)
	return startWorkers(fillWorkerJS, len(parts), func(k int) js.Value {
		runs := js.Global().Get("Array").New(len(parts[k]))
		for i, r := range parts[k] {
			runs.SetIndex(i, js.ValueOf(map[string]any{"index": r, "policy": w.Runs[r].Policy, "seed": float64(w.Runs[r].Seed)}))
		}
		job := js.ValueOf(map[string]any{"nodesName": w.Nodes.Name, "tasksName": w.Tasks.Name, "tune": float64(w.Tune)})
		job.Set("nodes", trace.Get("nodes"))
		job.Set("tasks", trace.Get("tasks"))
		job.Set("runs", runs)
		return js.ValueOf(map[string]any{"fill": job})
	}, on)
}

// warmWorkers are Workers started ahead of a job, by script
// (prewarmFillWorkers): each loads its runner and waits for its message;
// startWorkers takes them before it starts new ones. Only the UI
// goroutine touches it.
var warmWorkers = map[string][]js.Value{}

// prewarmFillWorkers starts fill Workers until n wait warm, and gives
// every warm one the trace to read, so that the next job's first runs
// wait neither for the runner (fill.wasm) to load nor for the trace to be
// read. A Worker whose runner failed to load answers its job with the
// error.
func prewarmFillWorkers(n int, nodes, tasks *fillTrace) {
	ctor := js.Global().Get("Worker")
	for ctor.Truthy() && len(warmWorkers[fillWorkerJS]) < n {
		warmWorkers[fillWorkerJS] = append(warmWorkers[fillWorkerJS], ctor.New(fillWorkerJS))
	}
	if len(warmWorkers[fillWorkerJS]) == 0 {
		return
	}
	msg := js.ValueOf(map[string]any{"trace": fillTraceJS(nodes, tasks)})
	for _, w := range warmWorkers[fillWorkerJS] {
		w.Call("postMessage", msg)
	}
}

// startWorkers starts n Workers of script (web/sweep-worker.js,
// web/fill-worker.js), or takes warm ones, posts each the message msg(k) makes for it, and calls on with
// every message from them.
func startWorkers(script string, n int, msg func(k int) js.Value, on func(workerMsg)) (stop func(), err error) {
	ctor := js.Global().Get("Worker")
	if !ctor.Truthy() {
		return nil, errors.New("this browser has no Web Workers")
	}
	var workers []js.Value
	var funcs []js.Func
	// stop unhooks each Worker's handlers before it releases them: a
	// message the Worker posted before it was terminated may still be
	// queued, and a released js.Func it reached would throw "call to
	// released function".
	stop = func() {
		for _, w := range workers {
			w.Set("onmessage", js.Null())
			w.Set("onerror", js.Null())
			w.Call("terminate")
		}
		for _, f := range funcs {
			f.Release()
		}
		workers, funcs = nil, nil
	}
	for k := range n {
		var w js.Value
		if warm := warmWorkers[script]; len(warm) > 0 {
			w, warmWorkers[script] = warm[0], warm[1:]
		} else {
			w = ctor.New(script)
		}
		onMsg := js.FuncOf(func(_ js.Value, args []js.Value) any {
			d := args[0].Get("data")
			m := workerMsg{Part: k, Kind: d.Get("kind").String()}
			switch m.Kind {
			case "run":
				m.Index, m.Line = d.Get("index").Int(), d.Get("line").String()
			case "error":
				m.Err = d.Get("error").String()
			}
			on(m)
			return nil
		})
		onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
			msg := "a Worker failed"
			if m := args[0].Get("message"); m.Type() == js.TypeString {
				msg += ": " + m.String()
			}
			on(workerMsg{Part: k, Kind: "error", Err: msg})
			return nil
		})
		w.Set("onmessage", onMsg)
		w.Set("onerror", onErr)
		workers, funcs = append(workers, w), append(funcs, onMsg, onErr)
		w.Call("postMessage", msg(k))
	}
	return stop, nil
}
