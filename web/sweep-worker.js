// A sweep's Web Worker: loads the sweep runner (sweep.wasm, built from
// wasm/sweepworker) and hands it the page's messages, a sweep's
// ({header, runs}) or a fill job's ({fill}); the runner posts the results
// back itself. Messages that come before the runner is up wait for it.
importScripts("/wasm_exec.js");

const waiting = [];
let ready = false;
let failed = ""; // why the runner did not load: the answer to every message

const run = (m) => (m.fill ? self.ccFillRun(m.fill) : self.ccSweepRun(m.header, m.runs));

self.ccSweepReady = () => {
  ready = true;
  for (const m of waiting.splice(0)) run(m);
};

// A Worker may be started ahead of its job (the page keeps it warm): a
// failure to load is told again to each message, which may come later.
self.onmessage = (e) => {
  if (failed) postMessage({ kind: "error", error: failed });
  else if (ready) run(e.data);
  else waiting.push(e.data);
};

const go = new Go();
WebAssembly.instantiateStreaming(fetch("/web/sweep.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => {
    failed = "loading the sweep runner: " + err;
    postMessage({ kind: "error", error: failed });
  });
