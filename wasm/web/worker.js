// worker.js runs cimkit's WebAssembly module off the page's main thread.
//
// Protocol (all messages are plain objects):
//   page -> worker  {type: "init", module}          a compiled WebAssembly.Module
//   page -> worker  {type: "call", id, request}     one request (see wasm/playground)
//   page -> worker  {type: "upload", id, name, buffer}  an ONNX file (ArrayBuffer)
//   worker -> page  {type: "ready", ms}             the Go side is listening
//   worker -> page  {type: "progress", id, done, total, item}
//   worker -> page  {type: "result", id, response}  {data} or {error, field}
//   worker -> page  {type: "fatal", message}        the module could not start
// Cancelling a call is done by the page: it terminates this worker and starts
// a new one from the same compiled module.
"use strict";
importScripts("wasm_exec.js");

let handle = null;
let upload = null;
let started;
const ready = new Promise((resolve) => { started = resolve; });

async function start(module) {
  const t0 = performance.now();
  const go = new Go();
  const registered = new Promise((resolve) => {
    self.cimkitReady = (h, u) => { handle = h; upload = u; resolve(); };
  });
  const instance = await WebAssembly.instantiate(module, go.importObject);
  go.run(instance).then(() => {
    postMessage({ type: "fatal", message: "the simulator stopped unexpectedly" });
  });
  await registered;
  started();
  postMessage({ type: "ready", ms: performance.now() - t0 });
}

function call(id, request) {
  const progress = (done, total, itemJSON) => {
    postMessage({ type: "progress", id, done, total, item: itemJSON ? JSON.parse(itemJSON) : null });
  };
  let response;
  try {
    response = JSON.parse(handle(JSON.stringify(request), progress));
  } catch (e) {
    response = { error: "internal error: " + (e && e.message ? e.message : String(e)) };
  }
  postMessage({ type: "result", id, response });
}

// Messages other than init wait until the Go side is listening; they are
// answered in the order they came.
self.onmessage = async (ev) => {
  const msg = ev.data;
  if (msg.type === "init") {
    start(msg.module).catch((e) => postMessage({ type: "fatal", message: String(e && e.message || e) }));
    return;
  }
  await ready;
  if (msg.type === "call") {
    call(msg.id, msg.request);
  } else if (msg.type === "upload") {
    const response = JSON.parse(upload(msg.name, new Uint8Array(msg.buffer)));
    postMessage({ type: "result", id: msg.id, response });
  }
};
