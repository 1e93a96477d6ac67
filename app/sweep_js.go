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

// startSweepWorkers starts one Worker per part, gives each the header
// line and its run indices, and calls on with every message, from a JS
// callback: on must not block (hand it to the UI goroutine). stop
// terminates every Worker: nothing more arrives.
func startSweepWorkers(header string, parts [][]int, on func(workerMsg)) (stop func(), err error) {
	ctor := js.Global().Get("Worker")
	if !ctor.Truthy() {
		return nil, errors.New("this browser has no Web Workers")
	}
	var workers []js.Value
	var funcs []js.Func
	stop = func() {
		for _, w := range workers {
			w.Call("terminate")
		}
		for _, f := range funcs {
			f.Release()
		}
		workers, funcs = nil, nil
	}
	for k, runs := range parts {
		w := ctor.New("/web/sweep-worker.js")
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
			msg := "a sweep Worker failed"
			if m := args[0].Get("message"); m.Type() == js.TypeString {
				msg += ": " + m.String()
			}
			on(workerMsg{Part: k, Kind: "error", Err: msg})
			return nil
		})
		w.Set("onmessage", onMsg)
		w.Set("onerror", onErr)
		workers, funcs = append(workers, w), append(funcs, onMsg, onErr)
		list := js.Global().Get("Array").New(len(runs))
		for i, r := range runs {
			list.SetIndex(i, r)
		}
		msg := js.Global().Get("Object").New()
		msg.Set("header", header)
		msg.Set("runs", list)
		w.Call("postMessage", msg)
	}
	return stop, nil
}
