// A GPU fill job's Web Worker: loads the fill runner (fill.wasm, built
// from wasm/fillworker: the fill experiment alone, not the simulator) and
// hands it the page's messages in order, a trace to read ahead ({trace})
// or a job ({fill}); the runner posts the results back itself. Messages
// that come before the runner is up wait for it.
importScripts("/wasm_exec.js");

const waiting = [];
let ready = false;
let failed = ""; // why the runner did not load: the answer to every job

self.ccFillReady = () => {
  ready = true;
  for (const m of waiting.splice(0)) self.ccFillMessage(m);
};

// A Worker is started ahead of its job (the page keeps it warm, and gives
// it the trace to read as soon as both files are in): a failure to load
// is told again to each job, which may come later.
self.onmessage = (e) => {
  if (failed) {
    if (e.data.fill) postMessage({ kind: "error", error: failed });
  } else if (ready) self.ccFillMessage(e.data);
  else waiting.push(e.data);
};

const go = new Go();
WebAssembly.instantiateStreaming(fetch("/web/fill.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => {
    failed = "loading the fill runner: " + err;
    postMessage({ kind: "error", error: failed });
  });
