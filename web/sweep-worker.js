// A sweep's Web Worker: loads the sweep runner (sweep.wasm, built from
// wasm/sweepworker) and hands it the page's messages; the runner posts
// the results back itself. Messages that come before the runner is up
// wait for it.
importScripts("/wasm_exec.js");

const waiting = [];
let ready = false;

self.ccSweepReady = () => {
  ready = true;
  for (const m of waiting.splice(0)) self.ccSweepRun(m.header, m.runs);
};

self.onmessage = (e) => {
  if (ready) self.ccSweepRun(e.data.header, e.data.runs);
  else waiting.push(e.data);
};

const go = new Go();
WebAssembly.instantiateStreaming(fetch("/web/sweep.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .catch((err) => postMessage({ kind: "error", error: "loading the sweep runner: " + err }));
