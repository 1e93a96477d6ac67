//go:build !(js && wasm)

package app

import "errors"

// browserCores is 0 natively: no browser.
func browserCores() int { return 0 }

// startSweepWorkers has no Workers to start natively; tests feed a
// sweepState's messages directly.
func startSweepWorkers(header string, parts [][]int, on func(workerMsg)) (stop func(), err error) {
	return nil, errors.New("Web Workers run only in the browser")
}

// startFillWorkers has no Workers to start natively either.
func startFillWorkers(w fillWork, parts [][]int, on func(workerMsg)) (stop func(), err error) {
	return nil, errors.New("Web Workers run only in the browser")
}

// prewarmFillWorkers has no Workers to start natively.
func prewarmFillWorkers(n int, nodes, tasks *fillTrace) {}
