// A sweep's Web Worker: loads the sweep runner (sweep.wasm, built from
// wasm/sweepworker) and hands it the page's messages, a sweep's
// ({header, runs}) or a fill job's ({fill}); the runner posts the results
// back itself. Messages that come before the runner is up wait for it.
importScripts("/wasm_exec.js");

const waiting = [];
let ready = false;

const run = (m) => (m.fill ? self.ccFillRun(m.fill) : self.ccSweepRun(m.header, m.runs));

self.ccSweepReady = () => {
  ready = true;
  for (const m of waiting.splice(0)) run(m);
};

self.onmessage = (e) => {
  if (ready) run(e.data);
  else waiting.push(e.data);
};

const go = new Go();
WebAssembly.instantiateStreaming(fetch("/web/sweep.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => postMessage({ kind: "error", error: "loading the sweep runner: " + err }));
