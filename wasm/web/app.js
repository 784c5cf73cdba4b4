// app.js drives the cimkit playground page: the form, the URL, the worker
// that runs the Go code, and the rendering of tables, figures and listings.
"use strict";

const FIELDS = ["model", "input", "xbar", "bus", "cores", "scheme"];
const DEFAULTS = { model: "resnet18", input: "224", xbar: "64x64", bus: "16", cores: "1024", scheme: "cyclic" };

// Table columns: result key, heading, tooltip, formatter.
const COLUMNS = [
  ["layer", "Layer", "layer name in the model", "text"],
  ["kind", "Kind", "conv2d or dense", "text"],
  ["pv", "PV", "row blocks: cores that add into the same outputs (the speedup limit)", "int"],
  ["ph", "PH", "column blocks: independent groups of cores", "int"],
  ["cores", "Cores", "cores the layer occupies", "int"],
  ["vectors", "Vectors", "output vectors (output pixels)", "int"],
  ["cycles", "Cycles", "simulated time of the chosen scheme", "int"],
  ["seq_cycles", "Seq. cycles", "simulated time of the sequential baseline", "int"],
  ["speedup", "Speedup", "sequential cycles / cycles", "x"],
  ["limit", "Limit", "theoretical limit PV", "int"],
  ["efficiency", "Efficiency", "speedup / PV", "pct"],
  ["bus_limit", "Bus limit", "speedup the bus alone allows", "x"],
  ["overhead", "Sync traffic", "synchronisation bytes (CALL) as a share of all bus bytes", "pct"],
  ["bus_utilization", "Bus busy", "share of the time the bus is busy", "pct"],
  ["sync_mem_bytes", "Sync mem.", "sequence registers: 4 B per core", "bytes"],
  ["puma_attr_bytes", "PUMA attr.", "PUMA-style attribute buffer for the same data", "bytes"],
  ["xbar_utilization", "Xbar use", "crossbar cells holding weights / cells held", "pct"],
];

const $ = (id) => document.getElementById(id);
// state is everything the page keeps: the compiled module, the workers and
// their pending calls, the last results (rows, sweepRows, SVGs by name), the
// selected layer, the model the URL asked for and the loaded ONNX file.
const state = {
  module: null, pool: [], nextId: 1, pending: new Map(),
  rows: [], sweepRows: [], svgs: {}, layer: "", wantModel: "", onnx: null,
};

// ---- workers -------------------------------------------------------------
// A pool of Web Workers, each running its own instance of the compiled
// module: the layers of a model are spread over them. Worker 0 also answers
// the single requests (info, layer details, listings). Cancelling replaces
// every worker.

function workerCount() {
  const q = Number(new URLSearchParams(location.search).get("workers"));
  if (Number.isInteger(q) && q >= 1 && q <= 8) return q;
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4));
}

function startWorker() {
  const w = { worker: new Worker("worker.js") };
  w.ready = new Promise((resolve, reject) => {
    w.worker.onmessage = (ev) => {
      const m = ev.data;
      if (m.type === "ready") resolve(m.ms);
      else if (m.type === "fatal") { reject(new Error(m.message)); fatal(m.message); }
      else if (m.type === "progress") state.pending.get(m.id)?.progress?.(m);
      else if (m.type === "result") {
        const p = state.pending.get(m.id);
        state.pending.delete(m.id);
        p?.resolve(m.response);
      }
    };
    w.worker.onerror = (ev) => { reject(new Error(ev.message)); fatal(ev.message); };
  });
  w.worker.postMessage({ type: "init", module: state.module });
  if (state.onnx) sendUpload(w);
  return w;
}

// sendUpload gives worker w the loaded ONNX file (a copy of its bytes).
function sendUpload(w) {
  const id = state.nextId++;
  return new Promise((resolve) => {
    state.pending.set(id, { resolve });
    w.worker.postMessage({ type: "upload", id, name: state.onnx.name, buffer: state.onnx.buffer });
  });
}

// loadONNX reads the chosen .onnx file (it stays in this tab), hands it to
// every worker, adds it to the model list and simulates it.
async function loadONNX() {
  const file = $("onnx").files[0];
  if (!file) return;
  clearErrors();
  setStatus("Reading " + file.name + "…", 0);
  state.onnx = { name: file.name, buffer: await file.arrayBuffer() };
  const answers = await Promise.all(state.pool.map(sendUpload));
  const resp = answers[0];
  if (resp.cancelled) return setStatus("Cancelled.", 0);
  if (resp.error) { state.onnx = null; return showError({ ...resp, field: "onnx" }); }
  const sel = $("model");
  for (const o of [...sel.options]) if (o.value.startsWith("onnx:")) o.remove();
  const opt = new Option(file.name + " (ONNX)", resp.data.model);
  opt.title = file.name + ": " + resp.data.layers + " conv and dense layers, " + bytes(resp.data.bytes);
  sel.append(opt);
  sel.value = resp.data.model;
  await runModel();
}

function startPool() {
  state.pool = Array.from({ length: workerCount() }, startWorker);
  return state.pool[0].ready;
}

// callOn sends one request to worker w and resolves with its response.
async function callOn(w, request, progress) {
  await w.ready;
  const id = state.nextId++;
  return new Promise((resolve) => {
    state.pending.set(id, { resolve, progress });
    w.worker.postMessage({ type: "call", id, request });
  });
}

function call(request, progress) { return callOn(state.pool[0], request, progress); }

// cancel stops whatever the workers are doing by replacing them.
function cancel() {
  for (const w of state.pool) w.worker.terminate();
  for (const p of state.pending.values()) p.resolve({ cancelled: true });
  state.pending.clear();
  startPool();
}

// parallel runs one request per task on the pool, each worker taking the
// next task when it is free; onResult(i, data) is called as results arrive.
// It resolves with the results in task order, or with the first error.
async function parallel(requests, onResult) {
  const out = new Array(requests.length);
  let next = 0;
  let failed = null;
  const loop = async (w) => {
    while (next < requests.length && !failed) {
      const i = next++;
      const resp = await callOn(w, requests[i]);
      if (resp.error || resp.cancelled) { failed = failed || resp; return; }
      out[i] = resp.data;
      onResult(i, resp.data);
    }
  };
  await Promise.all(state.pool.map(loop));
  return failed || { data: out };
}

async function loadModule() {
  if (WebAssembly.compileStreaming) {
    try { return await WebAssembly.compileStreaming(fetch("cimkit.wasm")); } catch (e) { /* fall back */ }
  }
  const resp = await fetch("cimkit.wasm");
  if (!resp.ok) throw new Error("cimkit.wasm: HTTP " + resp.status + " (run make wasm)");
  return WebAssembly.compile(await resp.arrayBuffer());
}

// ---- form, URL, errors ---------------------------------------------------

function config() {
  const c = {};
  for (const f of FIELDS) c[f] = $(f).value.trim();
  return c;
}

// positive reads a form field's text as a positive whole number. Anything
// else is -1 (the Go side reads 0 as "the default"), so that the Go side
// names the field in its message.
function positive(s) {
  return /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : -1;
}

// request turns the form's text into a request.
function request(op, extra) {
  const c = config();
  return { op, model: c.model, input: positive(c.input), xbar: c.xbar, bus: positive(c.bus), cores: positive(c.cores), scheme: c.scheme, ...extra };
}

function readURL() {
  const q = new URLSearchParams(location.search);
  for (const f of FIELDS) $(f).value = q.get(f) ?? DEFAULTS[f];
  state.wantModel = q.get("model") ?? DEFAULTS.model; // the list of models comes later
  state.layer = q.get("layer") || "";
  $("core").value = q.get("core") || "0";
}

function writeURL() {
  const q = new URLSearchParams(config());
  const workers = new URLSearchParams(location.search).get("workers");
  if (workers) q.set("workers", workers);
  if (state.layer) q.set("layer", state.layer);
  if ($("core").value.trim() !== "0") q.set("core", $("core").value.trim());
  history.replaceState(null, "", "?" + q.toString());
}

// clearError removes the message next to one field.
function clearError(field) {
  $("err-" + field).textContent = "";
  $(field).removeAttribute("aria-invalid");
}

function clearErrors() {
  for (const el of document.querySelectorAll(".err")) el.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

// showError puts a response's message next to the field it names.
function showError(resp) {
  const el = resp.field && $("err-" + resp.field);
  if (el) {
    el.textContent = resp.error;
    $(resp.field)?.setAttribute("aria-invalid", "true");
  } else {
    $("err-global").textContent = resp.error;
  }
  setStatus("Fix the highlighted value and run again.", 0);
}

// stopped reports a response that ended a run: cancelled, or an error.
function stopped(resp) {
  if (resp.cancelled) setStatus("Cancelled.", 0);
  else showError(resp);
}

function fatal(message) {
  $("err-global").textContent = "The simulator could not start: " + message;
  setStatus("", 0);
}

function setStatus(text, fraction) {
  $("status-text").textContent = text;
  $("progress").value = fraction;
}

function busy(on) {
  $("run").disabled = on;
  $("cancel").disabled = !on;
}

// ---- formatting ----------------------------------------------------------

const nf = new Intl.NumberFormat("en-US");
function fmt(v, kind) {
  if (v === undefined || v === null) return "";
  switch (kind) {
    case "int": return nf.format(v);
    case "x": return v.toFixed(2) + "x";
    case "pct": return (100 * v).toFixed(1) + "%";
    case "bytes": return bytes(v);
    default: return String(v);
  }
}
function bytes(n) {
  if (n < 1024) return n + " B";
  if (n < 1 << 20) return (n / 1024).toFixed(1) + " KiB";
  return (n / (1 << 20)).toFixed(1) + " MiB";
}

// ---- rendering -----------------------------------------------------------

function renderHead() {
  const tr = document.createElement("tr");
  for (const [key, label, tip] of COLUMNS) {
    const th = document.createElement("th");
    th.dataset.key = key;
    const abbr = document.createElement("abbr");
    abbr.title = tip;
    abbr.textContent = label;
    th.append(abbr);
    tr.append(th);
  }
  $("layers").tHead.replaceChildren(tr);
}

// Columns that a layer has without a simulation (shown when it does not fit).
const MAPPED = ["layer", "kind", "pv", "ph", "cores", "vectors", "limit", "sync_mem_bytes", "puma_attr_bytes", "xbar_utilization"];

function rowElement(r) {
  const tr = document.createElement("tr");
  tr.dataset.layer = r.layer;
  if (r.fits === false) {
    tr.className = "nofit";
    tr.title = "does not fit the core budget: needs " + r.cores + " cores";
  }
  for (const [key, , , kind] of COLUMNS) {
    const td = document.createElement("td");
    td.dataset.key = key;
    if (r[key] !== undefined) td.dataset.value = String(r[key]);
    if (r.fits !== false || MAPPED.includes(key)) td.textContent = fmt(r[key], kind);
    else if (key === "cycles") td.textContent = "does not fit";
    tr.append(td);
  }
  tr.addEventListener("click", () => selectLayer(r.layer));
  return tr;
}

function renderSummary(t) {
  const cards = [
    ["Layers simulated", t.fitting + " of " + t.layers],
    ["Total cycles", nf.format(t.cycles)],
    ["Time at " + t.clock_mhz + " MHz", (t.seconds * 1e3).toFixed(3) + " ms"],
    ["Speedup over sequential", t.speedup.toFixed(2) + "x"],
    ["Efficiency (vs limit)", (100 * t.efficiency).toFixed(1) + "%"],
    ["Sync traffic", (100 * t.overhead).toFixed(2) + "%"],
    ["Most cores in a layer", nf.format(t.max_cores)],
  ];
  const el = $("summary");
  el.replaceChildren(...cards.map(([k, v]) => {
    const d = document.createElement("div");
    d.className = "card";
    d.innerHTML = '<div class="v"></div><div class="k"></div>';
    d.firstChild.textContent = v;
    d.lastChild.textContent = k;
    d.dataset.key = k;
    return d;
  }));
  el.hidden = false;
}

// renderFigures shows the model's figures, each with its download link.
function renderFigures(figs) {
  $("figures").hidden = figs.length === 0;
  $("figure-list").replaceChildren(...figs.map((f) => {
    state.svgs[f.name] = f.svg;
    const el = document.createElement("figure");
    el.dataset.figure = f.name;
    el.style.margin = "0";
    const head = document.createElement("div");
    head.className = "section-head";
    const h = document.createElement("h3");
    h.textContent = f.title;
    const dl = document.createElement("button");
    dl.type = "button";
    dl.className = "link";
    dl.textContent = "Download SVG";
    dl.addEventListener("click", () => download(baseName() + "-" + f.name + ".svg", "image/svg+xml", f.svg));
    head.append(h, dl);
    const body = document.createElement("div");
    body.className = "figure";
    body.innerHTML = f.svg;
    el.append(head, body);
    return el;
  }));
}

function showSVG(where, svg, key) {
  state.svgs[key] = svg;
  $(where).innerHTML = svg || "";
}

// ---- actions -------------------------------------------------------------

async function runModel() {
  clearErrors();
  writeURL();
  busy(true);
  state.rows = [];
  const t0 = performance.now();
  const body = $("layers").tBodies[0];
  body.replaceChildren();
  setStatus("Simulating…", 0);
  const done = (resp) => {
    busy(false);
    stopped(resp);
  };
  const list = await call(request("layers"));
  if (list.error || list.cancelled) return done(list);
  const t1 = performance.now();
  const names = list.data.map((l) => l.name);
  // Layers of the same shape get the same result: simulate each shape once.
  const firsts = list.data.map((l, i) => i).filter((i) => list.data[i].same === i);
  const rows = new Array(names.length);
  let count = 0;
  const show = (i, r) => {
    rows[i] = r;
    count++;
    setStatus("Layer " + count + " of " + names.length + ": " + r.layer, count / names.length);
    const tr = rowElement(r);
    tr.dataset.index = i;
    const after = [...body.rows].find((x) => Number(x.dataset.index) > i);
    body.insertBefore(tr, after || null);
    $("layers-section").hidden = false;
  };
  const run = await parallel(firsts.map((i) => request("run", { layer: names[i] })), (k, r) => {
    const first = firsts[k];
    list.data.forEach((l, i) => { if (l.same === first) show(i, i === first ? r : { ...r, layer: l.name }); });
  });
  if (run.error || run.cancelled) return done(run);
  const t2 = performance.now();
  const resp = await call(request("summary", { rows }));
  if (resp.error || resp.cancelled) return done(resp);
  const t3 = performance.now();
  busy(false);
  const d = resp.data;
  state.rows = d.rows;
  body.replaceChildren(...d.rows.map(rowElement));
  renderSummary(d.totals);
  renderFigures(d.figures || []);
  $("sweep-section").hidden = false;
  const ms = performance.now() - t0;
  // Where the time went (read by the browser test): list, simulate, summarise, draw.
  document.body.dataset.phases = [t1 - t0, t2 - t1, t3 - t2, performance.now() - t3].map((x) => x.toFixed(0)).join(",");
  setStatus(d.rows.length + " layers of " + d.model + " simulated in " + (ms / 1e3).toFixed(2) + " s on " +
    state.pool.length + " worker" + (state.pool.length > 1 ? "s" : ""), 1);
  document.body.dataset.runMs = ms.toFixed(1);
  await selectLayer(names.includes(state.layer) ? state.layer : names[0]);
  // Results, figures and the layer's detail are all on the page.
  document.body.dataset.done = String(Number(document.body.dataset.done || 0) + 1);
}

async function runSweep() {
  clearError("buses");
  const parts = $("buses").value.split(",").map((x) => x.trim()).filter((x) => x !== "");
  const buses = parts.map(positive);
  if (buses.length === 0) buses.push(-1);
  busy(true);
  $("sweep").disabled = true;
  setStatus("Sweeping " + buses.length + " bus widths…", 0);
  let count = 0;
  const t0 = performance.now();
  const run = await parallel(buses.map((b) => request("sweep", { buses: [b] })), () => {
    count++;
    setStatus("Bus widths done: " + count + " of " + buses.length, count / buses.length);
  });
  const finish = () => { busy(false); $("sweep").disabled = false; };
  if (run.error || run.cancelled) { finish(); return stopped(run); }
  state.sweepRows = run.data.flat();
  const fig = await call(request("figure", { figure: "efficiency", rows: state.sweepRows }));
  finish();
  if (fig.error || fig.cancelled) return stopped(fig);
  $("sweep-figure").hidden = false;
  showSVG("sweep-figure", fig.data.svg, "sweep");
  $("dl-sweep-csv").hidden = $("dl-sweep-svg").hidden = false;
  setStatus("Sweep of " + buses.length + " bus widths (" + state.sweepRows.length + " results) in " +
    ((performance.now() - t0) / 1e3).toFixed(2) + " s", 1);
  document.body.dataset.sweeps = String(Number(document.body.dataset.sweeps || 0) + 1);
}

async function selectLayer(name) {
  if (!name) return;
  state.layer = name;
  for (const tr of $("layers").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.layer === name);
  writeURL();
  $("detail").hidden = false;
  $("detail-name").textContent = name;
  $("err-layer").textContent = "";
  const resp = await call(request("layer", { layer: name }));
  if (resp.cancelled) return;
  if (resp.error) { showError(resp); return; }
  $("detail-note").textContent = resp.data.note + coreShares(resp.data.cores || []);
  showSVG("timeline", resp.data.timeline_svg, "timeline");
  await showListing();
}

// coreShares sums the per-core statistics into one sentence: how the
// cores' time splits between work, the bus and waiting.
function coreShares(cores) {
  const sum = (k) => cores.reduce((a, c) => a + c[k], 0);
  // The five parts add up to the layer's makespan on every core.
  const total = ["busy", "bus", "wait_bus", "wait_owner", "idle"].reduce((a, k) => a + sum(k), 0);
  if (!total) return "";
  const pct = (k) => (100 * sum(k) / total).toFixed(1) + "%";
  return " Core time: " + pct("busy") + " computing, " + pct("bus") + " on the bus, " + pct("wait_bus") +
    " waiting for the bus, " + pct("wait_owner") + " waiting for ownership, " + pct("idle") + " idle.";
}

async function showListing() {
  clearError("core");
  const s = $("core").value.trim();
  const core = /^\d+$/.test(s) ? Number(s) : -1;
  writeURL();
  const resp = await call(request("listing", { layer: state.layer, core, max_lines: 400 }));
  if (resp.cancelled) return;
  if (resp.error) { showError(resp); $("listing").textContent = ""; return; }
  $("listing").textContent = resp.data.text;
}

function download(name, type, text) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function csv(rows) {
  if (!rows.length) return "";
  const keys = Object.keys(rows[0]);
  const cell = (v) => { const s = String(v ?? ""); return /[",\n]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s; };
  return [keys.join(","), ...rows.map((r) => keys.map((k) => cell(r[k])).join(","))].join("\n") + "\n";
}

function baseName() {
  const c = config();
  return [c.model, c.xbar, "bus" + c.bus, c.scheme].join("-");
}

// ---- start ---------------------------------------------------------------

async function main() {
  readURL();
  renderHead();
  $("config").addEventListener("submit", (ev) => { ev.preventDefault(); runModel(); });
  $("cancel").addEventListener("click", () => { cancel(); busy(false); });
  $("core").addEventListener("change", showListing);
  $("onnx").addEventListener("change", loadONNX);
  $("dl-csv").addEventListener("click", () => download(baseName() + ".csv", "text/csv", csv(state.rows)));
  $("sweep").addEventListener("click", runSweep);
  $("dl-sweep-csv").addEventListener("click", () => download(baseName() + "-sweep.csv", "text/csv", csv(state.sweepRows || [])));
  $("dl-sweep-svg").addEventListener("click", () => download(baseName() + "-efficiency.svg", "image/svg+xml", state.svgs.sweep || ""));
  $("dl-timeline").addEventListener("click", () => download(baseName() + "-" + state.layer + "-timeline.svg", "image/svg+xml", state.svgs.timeline || ""));
  try {
    state.module = await loadModule();
    await startPool();
  } catch (e) {
    fatal(e.message);
    return;
  }
  const info = await call({ op: "info" });
  if (info.data) {
    const want = state.wantModel;
    $("model").replaceChildren(...info.data.models.map((m) => new Option(m, m)));
    $("model").value = info.data.models.includes(want) ? want : DEFAULTS.model;
    if (!info.data.models.includes(want)) { $("err-model").textContent = "unknown model " + JSON.stringify(want) + "; showing " + DEFAULTS.model; }
    $("onnx-field").hidden = !info.data.onnx;
  }
  await runModel();
}

main();
