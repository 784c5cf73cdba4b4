// app.js drives the cimkit playground page: the form, the URL, the workers
// that run the Go code (wasm/playground), and the views of a run's results.
//
// One rule shapes the page: results belong to the configuration they were
// computed from. The Go side checks the form and returns that configuration
// (a RunConfig: canonical values, a label, a file name base); every view,
// download, follow-up request (a layer's timeline, a listing, a sweep) and
// the URL take it from the run on screen, never from the form, which the
// user may have changed since.
"use strict";

const MAIN = ["model", "input", "xbar", "bus", "cores", "scheme"];
const DEFAULTS = { model: "resnet18", input: "224", xbar: "64x64", bus: "16", cores: "1024", scheme: "cyclic" };
// URL keys besides MAIN and the Params: the layer and core on show, the
// timeline's window, and the number of workers (for tests).
const VIEW_KEYS = ["layer", "core", "from", "to", "workers"];
// The window a layer's timeline opens with, in cycles: the notebooks' 20k
// cycles show a few MVMs of every core and the synchronisation between them.
const WINDOW = 20000;

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
  ["efficiency", "Efficiency", "speedup / PV (above 100%: see the note under the summary)", "pct"],
  ["bus_limit", "Bus limit", "speedup the bus alone allows", "x"],
  ["overhead", "Sync traffic", "synchronisation bytes (CALL) as a share of all bus bytes", "pct"],
  ["bus_utilization", "Bus busy", "share of the time the bus is busy", "pct"],
  ["sync_mem_bytes", "Sync mem.", "sequence registers: 4 B per core", "bytes"],
  ["puma_attr_bytes", "PUMA attr.", "PUMA-style attribute buffer for the same data", "bytes"],
  ["xbar_utilization", "Xbar use", "crossbar cells holding weights / cells held", "pct"],
];

const $ = (id) => document.getElementById(id);

// state is everything the page keeps:
//   module, pool, nextId, pending: the compiled module, the workers and
//     their calls in flight;
//   onnx: the loaded ONNX file; info: models, schemes and Params (from Go);
//   shown: the run on screen {config, rows, totals, figures, and its
//     energy: total, energy, energy_figures, tech};
//   sweep: the sweep on screen {config, buses, rows, figure}, of shown's
//     configuration;
//   detail: the layer on screen {layer, fits, cycles, from, to, svg};
//   gen: bumped when a run starts: answers for an older run are dropped;
//   lastLayer: the layer last shown, shown again after the next run;
//   link: the layer, core and window a shared link asks for, applied to
//     the first run;
//   busy: a run or sweep is in progress.
const state = {
  module: null, pool: [], nextId: 1, pending: new Map(), onnx: null, info: null,
  shown: null, sweep: null, detail: null, gen: 0, lastLayer: "", link: null, busy: false,
};

// ---- workers -------------------------------------------------------------
// A pool of Web Workers, each running its own instance of the compiled
// module: the layers of a model are spread over them. Worker 0 also answers
// the single requests (info, layer timelines, listings). Cancelling replaces
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

function startPool() {
  state.pool = Array.from({ length: workerCount() }, startWorker);
  return state.pool[0].ready;
}

// callOn sends one request to worker w and resolves with its response;
// progress(m) receives the worker's progress messages {done, total, item}.
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
// next task when it is free; onResult(i, data) is called as results arrive
// and onProgress(i, done, total) as a task reports progress. It resolves
// with the results in task order, or with the first error.
async function parallel(requests, onResult, onProgress) {
  const out = new Array(requests.length);
  let next = 0;
  let failed = null;
  const loop = async (w) => {
    while (next < requests.length && !failed) {
      const i = next++;
      const resp = await callOn(w, requests[i], (m) => onProgress?.(i, m.done, m.total));
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

// ---- form and requests -----------------------------------------------------

// positive reads a form field's text as a positive whole number. Anything
// else is -1 (the Go side reads 0 as "the default"), so that the Go side
// names the field in its message.
function positive(s) {
  return /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : -1;
}

// formParams returns the Params whose form fields differ from the defaults.
function formParams() {
  const out = {};
  for (const p of state.info?.params || []) {
    const v = $("param-" + p.name).value.trim();
    if (v !== p.default) out[p.name] = v;
  }
  return out;
}

// formRequest turns the form into a request.
function formRequest(op, extra) {
  const c = {};
  for (const f of MAIN) c[f] = $(f).value.trim();
  return { op, model: c.model, input: positive(c.input), xbar: c.xbar, bus: positive(c.bus), cores: positive(c.cores),
    scheme: c.scheme, params: formParams(), ...techOfForm(), ...extra };
}

// runRequest is a request for the configuration of a run (a RunConfig).
function runRequest(config, op, extra) {
  return { op, model: config.model, input: config.input, xbar: config.xbar, bus: config.bus, cores: config.cores,
    scheme: config.scheme, params: config.params || {}, tech: config.tech, tech_json: config.tech_json, ...extra };
}

// buildParams fills the "Timing model and widths" box from the Params the
// Go side lists (cim/arch's fields and the simulator's options), so that a
// field added there appears here with no change to the page.
function buildParams(params) {
  const groups = { chip: "Chip", simulator: "Simulator" };
  const box = $("params");
  box.replaceChildren();
  for (const [group, title] of Object.entries(groups)) {
    const list = params.filter((p) => p.group === group);
    if (!list.length) continue;
    const fs = document.createElement("fieldset");
    const lg = document.createElement("legend");
    lg.textContent = title;
    fs.append(lg);
    for (const p of list) fs.append(paramField(p));
    box.append(fs);
  }
  for (const p of params) $("param-" + p.name).addEventListener("input", countChanged);
}

function paramField(p) {
  const d = document.createElement("div");
  d.className = "param";
  const id = "param-" + p.name;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.innerHTML = "<code></code> <span class=unit></span>";
  label.firstChild.textContent = p.name;
  label.lastChild.textContent = p.unit || "";
  let input;
  if (p.choices) {
    input = document.createElement("select");
    for (const c of p.choices) input.append(new Option(c, c));
  } else {
    input = document.createElement("input");
    input.type = "text";
    input.inputMode = "numeric";
    input.size = 9;
  }
  input.id = id;
  input.value = p.default;
  input.dataset.default = p.default;
  const doc = document.createElement("small");
  doc.className = "doc";
  doc.textContent = p.doc + " Default " + p.default + (p.choices ? "." : "; " + nf.format(p.min) + " to " + nf.format(p.max) + ".");
  const err = document.createElement("small");
  err.className = "err";
  err.id = "err-" + id;
  err.setAttribute("role", "alert");
  d.append(label, input, doc, err);
  return d;
}

// countChanged says in the box's summary how many Params differ from the
// defaults.
function countChanged() {
  const n = Object.keys(formParams()).length;
  $("params-changed").textContent = n ? "(" + n + " changed)" : "(defaults)";
}

function resetParams() {
  for (const p of state.info?.params || []) $("param-" + p.name).value = p.default;
  countChanged();
}

// ---- URL -----------------------------------------------------------------

// readURL puts a link's configuration into the form and returns what it
// asks of the view and any problems: a value the page cannot run (an
// unknown model, an ONNX file that is not in this tab, an unknown scheme or
// setting) is refused, named next to its field, never replaced silently.
function readURL() {
  const q = new URLSearchParams(location.search);
  const problems = [];
  const names = new Set([...MAIN, ...VIEW_KEYS, "tech", ...state.info.params.map((p) => p.name)]);
  const unknown = [...new Set(q.keys())].filter((k) => !names.has(k));
  if (unknown.length) {
    problems.push({ field: "global", error: "This link has settings the page does not know: " + unknown.map((k) => JSON.stringify(k)).join(", ") + "." });
  }
  for (const f of ["input", "xbar", "bus", "cores"]) $(f).value = q.get(f) ?? DEFAULTS[f];
  const model = q.get("model") ?? DEFAULTS.model;
  if (model.startsWith("onnx:")) {
    problems.push({ field: "model", error: "This link names the ONNX file " + JSON.stringify(model.slice(5)) +
      ", which stays in the browser of whoever made the link: choose that file under \"or an ONNX file\" to open it." });
  } else if (!state.info.models.includes(model)) {
    problems.push({ field: "model", error: "This link asks for the model " + JSON.stringify(model) + ", which is not in the zoo: choose one." });
  } else {
    $("model").value = model;
  }
  const scheme = q.get("scheme") ?? DEFAULTS.scheme;
  if (state.info.schemes.includes(scheme)) $("scheme").value = scheme;
  else problems.push({ field: "scheme", error: "This link asks for the scheme " + JSON.stringify(scheme) + ": want " + state.info.schemes.join(", ") + "." });
  for (const p of state.info.params) {
    const v = q.get(p.name);
    if (v === null) continue;
    if (p.choices && !p.choices.includes(v)) {
      problems.push({ field: "param-" + p.name, error: "This link sets " + p.name + " to " + JSON.stringify(v) + ": want " + p.choices.join(", ") + "." });
      continue;
    }
    $("param-" + p.name).value = v;
  }
  countChanged();
  readTechURL(q, problems);
  const num = (k) => (/^\d+$/.test(q.get(k) || "") ? Number(q.get(k)) : null);
  state.link = { layer: q.get("layer") || "", core: num("core") ?? 0, from: num("from"), to: num("to") };
  return problems;
}

// writeURL records the run on screen (and the layer, core and window on
// show) in the URL. It is called only once a run has succeeded, so that the
// URL always names the last valid run.
function writeURL() {
  const run = state.shown;
  if (!run) return;
  const c = run.config;
  const q = new URLSearchParams({ model: c.model, input: c.input, xbar: c.xbar, bus: c.bus, cores: c.cores, scheme: c.scheme });
  for (const [k, v] of Object.entries(c.params || {})) q.set(k, v);
  techToURL(q, c);
  const d = state.detail;
  if (d) {
    q.set("layer", d.layer);
    const core = $("core").value.trim();
    if (/^\d+$/.test(core) && core !== "0") q.set("core", core);
    if (d.fits && !(d.from === 0 && d.to === Math.min(WINDOW, d.cycles))) { q.set("from", d.from); q.set("to", d.to); }
  }
  const workers = new URLSearchParams(location.search).get("workers");
  if (workers) q.set("workers", workers);
  history.replaceState(null, "", "?" + q.toString());
}

// ---- messages ------------------------------------------------------------

function clearErrors() {
  for (const el of document.querySelectorAll(".err")) el.textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

// clearError removes the message next to one field.
function clearError(field) {
  $("err-" + field).textContent = "";
  $(field)?.removeAttribute("aria-invalid");
}

// fieldError puts a message next to the field it names (the page-wide
// line when there is no such field) and reports whether it found the field.
function fieldError(resp) {
  const el = resp.field && $("err-" + resp.field);
  if (!el) {
    $("err-global").textContent = resp.error;
    return false;
  }
  el.textContent = resp.error;
  $(resp.field)?.setAttribute("aria-invalid", "true");
  if (resp.field.startsWith("param")) $("params-box").open = true;
  return true;
}

// refused reports a configuration the Go side (or the URL check) refused:
// nothing ran, and the results on screen, if any, are still the last run's.
function refused(problems) {
  for (const p of problems) fieldError(p);
  const still = state.shown ? " The results below are still those of " + state.shown.config.label + "." : "";
  setStatus("Not run: fix the highlighted value" + (problems.length > 1 ? "s" : "") + " and press Simulate." + still, 0);
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
  state.busy = on;
  $("run").disabled = on;
  $("sweep").disabled = on;
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
function seconds(ms) { return (ms / 1e3).toFixed(ms < 1e4 ? 2 : 0) + " s"; }

// waited describes how long the user has waited since t0 (performance.now()
// at the click; 0, the page's start, for the first run).
function waited(t0) {
  return seconds(performance.now() - t0) + (t0 === 0 ? " after the page opened" : " after the click");
}

// estimate describes the time left of a task after elapsed ms with the
// fraction done, once it can be told.
function estimate(elapsed, fraction) {
  if (fraction < 0.03 || elapsed < 1500) return "";
  const left = elapsed * (1 - fraction) / fraction;
  return left < 1000 ? ", under a second left" : ", about " + seconds(left) + " left";
}

// ---- views ---------------------------------------------------------------
// A view shows one part of a run. clear() empties it; show(run) draws it
// from the run's data (which carries its configuration). A later view (a
// whole-network run) adds an object to VIEWS and a section to index.html,
// as energy and area did (energyView, in energy.js).

const summaryView = {
  clear() {
    $("summary").hidden = true;
    $("left-out").hidden = true;
    $("summary-notes").replaceChildren();
  },
  show(run) {
    const t = run.totals;
    const partial = !t.complete;
    const only = partial ? " (" + t.fitting + " fitting layer" + (t.fitting === 1 ? "" : "s") + " only)" : "";
    if (partial) {
      const names = t.left_out.map((l) => l.layer + " (needs " + nf.format(l.cores) + " cores)");
      const el = $("left-out");
      el.textContent = t.left_out.length + " of " + t.layers + " layers do not fit the core budget of " +
        nf.format(run.config.cores) + " cores and were not simulated: " + names.join(", ") + ". The model's total " +
        "time is therefore unknown" + (t.fitting ? "; the figures below add up only the " + t.fitting + " layers that fit." : ".") +
        " Raise the core budget or use a larger crossbar to simulate them.";
      el.hidden = false;
    }
    if (!t.fitting) { $("summary").hidden = true; return; }
    const cards = [
      ["Layers simulated", t.fitting + " of " + t.layers, partial],
      ["Cycles, layer by layer" + only, nf.format(t.cycles), partial],
      ["Time at " + t.clock_mhz + " MHz" + only, (t.seconds * 1e3).toFixed(3) + " ms", partial],
      ["Speedup over sequential" + only, t.speedup.toFixed(2) + "x", partial],
      ["Efficiency, time-weighted" + only, (100 * t.efficiency).toFixed(1) + "%", partial],
      ["Sync traffic" + only, (100 * t.overhead).toFixed(2) + "%", partial],
      ["Most cores in a layer", nf.format(t.max_cores), false],
    ];
    $("summary").replaceChildren(...cards.map(([k, v, warn]) => cardElement(k, v, warn)));
    $("summary").hidden = false;
    const a = run.config.arch;
    const notes = [
      "Efficiency is time-weighted: the speedup over the limit " + t.limit.toFixed(2) + "x, which is the sequential " +
        "time over the time with every layer at its own limit PV (Σ seq / Σ seq/PV), not the mean of the layers' efficiencies.",
      "Timing model: MVM " + nf.format(a.mvm_cycles) + " cycles, " + a.bus_overhead_cycles + " cycles of overhead per bus burst of up to " +
        a.burst_beats + " beats, partial sums of " + a.psum_bytes + " B, " + a.clock_mhz + " MHz clock" +
        (a.interconnect ? ", " + a.interconnect + " interconnect" : "") + "; " + run.config.sim.replaceAll(" ", ", ") +
        ". Change them under \"Timing model and widths\".",
    ];
    if (t.above_limit?.length) {
      notes.push(t.above_limit.length + (t.above_limit.length > 1 ? " layers exceed" : " layer exceeds") + " 100% efficiency (" +
        t.above_limit.join(", ") + "): in the sequential baseline the PH column groups of a layer run side by side and " +
        "their cores reach the bus in lockstep, so the baseline waits for the bus more than PV times the scheme does, " +
        "and the speedup can pass PV by a few per cent.");
    }
    $("summary-notes").replaceChildren(...notes.map(noteElement));
  },
};

// cardElement is a summary card: a value over what it is (also its
// data-key); warn marks a value that covers only part of the model.
function cardElement(what, value, warn) {
  const d = document.createElement("div");
  d.className = "card" + (warn ? " partial" : "");
  d.innerHTML = '<div class="v"></div><div class="k"></div>';
  d.firstChild.textContent = value;
  d.lastChild.textContent = what;
  d.dataset.key = what;
  return d;
}

// noteElement is one paragraph of notes.
function noteElement(text) {
  const p = document.createElement("p");
  p.className = "note";
  p.textContent = text;
  return p;
}

const figuresView = {
  clear() { $("figures").hidden = true; $("figure-list").replaceChildren(); },
  show(run) {
    const figs = run.figures || [];
    $("figures").hidden = figs.length === 0;
    $("figure-list").replaceChildren(...figs.map((f) => figureElement(f, run.config.file + "-" + f.name + ".svg")));
  },
};

// figureElement is one figure with its title, download link and caption.
function figureElement(f, file) {
  const el = document.createElement("figure");
  el.dataset.figure = f.name;
  const head = document.createElement("div");
  head.className = "section-head";
  const h = document.createElement("h3");
  h.textContent = f.title;
  const dl = document.createElement("button");
  dl.type = "button";
  dl.className = "link";
  dl.textContent = "Download SVG";
  dl.addEventListener("click", () => download(file, "image/svg+xml", f.svg));
  head.append(h, dl);
  const body = document.createElement("div");
  body.className = "figure";
  body.innerHTML = f.svg;
  const cap = document.createElement("figcaption");
  cap.className = "note";
  cap.textContent = f.caption;
  el.append(head, body, cap);
  return el;
}

const layersView = {
  clear() { $("layers-section").hidden = true; $("layers").tBodies[0].replaceChildren(); $("dl-csv").hidden = true; },
  // add shows row i of a run in progress.
  add(i, r) {
    const body = $("layers").tBodies[0];
    const tr = rowElement(r);
    tr.dataset.index = i;
    const after = [...body.rows].find((x) => Number(x.dataset.index) > i);
    body.insertBefore(tr, after || null);
    $("layers-section").hidden = false;
  },
  show(run) {
    $("layers").tBodies[0].replaceChildren(...run.rows.map(rowElement));
    $("layers-section").hidden = false;
    $("dl-csv").hidden = false;
  },
};

const sweepView = {
  clear() {
    $("sweep-result").hidden = true;
    $("sweep-figure").replaceChildren();
    $("dl-sweep-csv").hidden = $("dl-sweep-svg").hidden = true;
  },
  show(run) {
    $("sweep-section").hidden = false;
    const s = state.sweep;
    if (!s || s.config.label !== run.config.label) return this.clear();
    $("sweep-figure").innerHTML = s.figure.svg;
    $("sweep-caption").textContent = s.figure.caption + " Bus widths " + s.buses.join(", ") + " B.";
    $("sweep-result").hidden = false;
    $("dl-sweep-csv").hidden = $("dl-sweep-svg").hidden = false;
  },
};

const detailView = {
  clear() { $("detail").hidden = true; state.detail = null; },
  show() { /* shown by selectLayer once the run is on screen */ },
};

const VIEWS = [summaryView, figuresView, energyView, layersView, sweepView, detailView];

function showRun(run) {
  $("results-for").textContent = run.config.label;
  $("results").hidden = false;
  for (const v of VIEWS) v.show(run);
}

function clearViews() {
  for (const v of VIEWS) v.clear();
  $("sweep-section").hidden = true;
}

function renderHead() {
  $("layers").tHead.replaceChildren(headRow(COLUMNS));
}

// headRow is a table's header row: each column's heading with its tooltip
// (columns as COLUMNS).
function headRow(columns) {
  const tr = document.createElement("tr");
  for (const [, head, tip] of columns) {
    const th = document.createElement("th");
    const abbr = document.createElement("abbr");
    abbr.title = tip;
    abbr.textContent = head;
    th.append(abbr);
    tr.append(th);
  }
  return tr;
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
  tr.addEventListener("click", () => { if (!state.busy && state.shown) selectLayer(r.layer, { core: 0 }); });
  return tr;
}

// inset is what a .figure box takes of its width: padding and border.
function inset() {
  return 2 * (parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--fig-pad")) + 1);
}

// room is the width in CSS pixels inside a .figure box spanning the main
// column; figures are drawn to it, so their text keeps its size.
function room() {
  const main = document.querySelector("main");
  const cs = getComputedStyle(main);
  return Math.floor(main.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - inset());
}

// figureRoom is the room of one figure of the grid: two side by side when
// each keeps 520 pixels (style.css, .figure-list).
function figureRoom() {
  const w = room() + inset();
  return Math.floor(w >= 2 * 520 + 14 ? (w - 14) / 2 - inset() : w - inset());
}

// ---- running a model -----------------------------------------------------

// runModel checks the form, simulates every conv and dense layer on the
// workers, then shows the run. t0 is when the user asked (0: the page's
// start). While it runs the previous results stay in memory; if the run
// fails or is cancelled they come back.
async function runModel(t0) {
  clearErrors();
  busy(true);
  setStatus("Checking the configuration…", 0);
  const list = await call(formRequest("layers"));
  if (list.cancelled) { busy(false); return restore("Cancelled."); }
  if (list.error) { busy(false); return refused([list]); }
  const gen = ++state.gen;
  const { config, layers } = list.data;
  const tStart = performance.now();
  clearViews();
  $("results-for").textContent = config.label + " (running)";
  $("results").hidden = false;
  const names = layers.map((l) => l.name);
  // Layers of the same shape get the same result: simulate each shape once.
  const firsts = layers.map((l, i) => i).filter((i) => layers[i].same === i);
  const work = firsts.map((i) => Math.max(layers[i].work, 1));
  const allWork = work.reduce((a, b) => a + b, 0);
  const partDone = new Array(firsts.length).fill(0);
  const rows = new Array(names.length);
  let finished = 0;
  let lastReport = 0;
  const report = () => {
    lastReport = performance.now();
    const fraction = partDone.reduce((a, b) => a + b, 0) / allWork;
    const running = firsts.map((i, k) => [names[i], partDone[k], work[k]]).filter(([, d, w]) => d > 0 && d < w)
      .map(([n, d, w]) => n + " " + Math.floor(100 * d / w) + "%");
    setStatus("Layers done: " + finished + " of " + names.length + (running.length ? "; running " + running.join(", ") : "") +
      ". " + waited(t0) + estimate(performance.now() - tStart, fraction) + ".", fraction);
  };
  report();
  const ticker = setInterval(report, 1000);
  const run = await parallel(firsts.map((i) => runRequest(config, "run", { layer: names[i] })), (k, r) => {
    if (gen !== state.gen) return;
    partDone[k] = work[k];
    const first = firsts[k];
    layers.forEach((l, i) => {
      if (l.same !== first) return;
      rows[i] = i === first ? r : { ...r, layer: l.name };
      finished++;
      layersView.add(i, rows[i]);
    });
    report();
  }, (k, done) => {
    partDone[k] = Math.min(done, work[k]);
    if (performance.now() - lastReport > 250) report();
  });
  clearInterval(ticker);
  if (gen !== state.gen) return;
  if (run.error || run.cancelled) { busy(false); return failed(run); }
  const t2 = performance.now();
  const resp = await call(runRequest(config, "summary", { rows, width: figureRoom() }));
  if (gen !== state.gen) return;
  if (resp.error || resp.cancelled) { busy(false); return failed(resp); }
  const t3 = performance.now();
  const d = resp.data;
  state.shown = { config: d.config, rows: d.rows, totals: d.totals, figures: d.figures, total: d.total, energy: d.energy,
    energy_figures: d.energy_figures, tech: d.tech };
  state.sweep = null;
  showRun(state.shown);
  busy(false);
  const simMs = performance.now() - tStart;
  // Where the time went (read by the browser test): check, simulate, summarise, draw.
  document.body.dataset.phases = [tStart - Math.max(t0, 0), t2 - tStart, t3 - t2, performance.now() - t3].map((x) => x.toFixed(0)).join(",");
  document.body.dataset.runMs = simMs.toFixed(1);
  const link = state.link;
  state.link = null;
  const layer = link?.layer && names.includes(link.layer) ? link.layer : names.includes(state.lastLayer) ? state.lastLayer : names[0];
  if (link?.layer && !names.includes(link.layer)) {
    $("err-global").textContent = "This link asks for the layer " + JSON.stringify(link.layer) + ", which " + d.model +
      " does not have; showing " + layer + ".";
  }
  await selectLayer(layer, link || { core: 0 });
  if (gen !== state.gen) return;
  setStatus(d.rows.length + " layers of " + d.model + " simulated in " + seconds(simMs) + " on " + state.pool.length +
    " worker" + (state.pool.length > 1 ? "s" : "") + "; everything on screen " + waited(t0) + ".", 1);
  // Results, figures and the layer's detail are all on the page.
  document.body.dataset.done = String(Number(document.body.dataset.done || 0) + 1);
}

// failed ends a run that stopped (cancelled or an error after the checks):
// the previous run comes back on screen.
function failed(resp) {
  state.gen++;
  if (resp.cancelled) return restore("Cancelled.");
  fieldError(resp);
  restore("The run stopped with an error.");
}

// restore shows the previous run again after a run that did not finish.
async function restore(why) {
  clearViews();
  if (!state.shown) {
    $("results").hidden = true;
    setStatus(why, 0);
    return;
  }
  showRun(state.shown);
  setStatus(why + " Showing the previous results: " + state.shown.config.label + ".", 0);
  if (state.lastLayer) await selectLayer(state.lastLayer, { core: 0 });
}

// ---- the sweep -----------------------------------------------------------

// runSweep sweeps the bus widths for the run on screen (not the form).
async function runSweep() {
  const run = state.shown;
  if (!run) return;
  clearError("buses");
  const t0 = performance.now();
  const parts = $("buses").value.split(",").map((x) => x.trim()).filter((x) => x !== "");
  const buses = parts.map(positive);
  if (buses.length === 0) buses.push(-1);
  busy(true);
  const gen = state.gen;
  const fractions = new Array(buses.length).fill(0);
  const report = () => {
    const f = fractions.reduce((a, b) => a + b, 0) / buses.length;
    setStatus("Sweeping " + buses.length + " bus widths for " + run.config.model + ": " + Math.floor(100 * f) + "% done, " +
      waited(t0) + estimate(performance.now() - t0, f) + ".", f);
  };
  report();
  const ticker = setInterval(report, 1000);
  const res = await parallel(buses.map((b) => runRequest(run.config, "sweep", { buses: [b] })),
    (i) => { fractions[i] = 1; report(); }, (i, done, total) => { fractions[i] = done / total; });
  clearInterval(ticker);
  if (gen !== state.gen || state.shown !== run) return;
  if (res.error || res.cancelled) { busy(false); return sweepStopped(res); }
  const rows = res.data.flat();
  const fig = await call(runRequest(run.config, "figure", { figure: "efficiency", rows, width: Math.min(room(), 672) }));
  busy(false);
  if (gen !== state.gen || state.shown !== run) return;
  if (fig.error || fig.cancelled) return sweepStopped(fig);
  state.sweep = { config: run.config, buses: buses, rows, figure: fig.data };
  sweepView.show(run);
  setStatus("Sweep of " + buses.length + " bus widths (" + rows.length + " results) in " + seconds(performance.now() - t0) + ".", 1);
  document.body.dataset.sweeps = String(Number(document.body.dataset.sweeps || 0) + 1);
}

function sweepStopped(resp) {
  if (resp.cancelled) return setStatus("Sweep cancelled.", 0);
  fieldError(resp.field ? resp : { ...resp, field: "buses" });
  setStatus("The sweep did not run: see the message by the bus widths.", 0);
}

// ---- one layer -----------------------------------------------------------

// selectLayer shows a layer of the run on screen: its timeline over a
// window of cycles (opt.from, opt.to; by default the first 20k) and the
// listing of core opt.core.
async function selectLayer(name, opt) {
  const run = state.shown;
  if (!run || !name) return;
  const row = run.rows.find((r) => r.layer === name);
  state.lastLayer = name;
  for (const tr of $("layers").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.layer === name);
  $("detail").hidden = false;
  $("detail-name").textContent = name;
  $("core").value = String(opt.core ?? 0);
  clearError("core");
  clearError("window");
  $("err-layer").textContent = "";
  const cycles = row?.cycles || 0;
  state.detail = { layer: name, fits: row?.fits !== false, cycles, from: 0, to: 0, svg: "" };
  let from = opt.from ?? 0;
  let to = opt.to ?? Math.min(from + WINDOW, cycles);
  if (!(to > from) || to > cycles) { from = 0; to = Math.min(WINDOW, cycles); }
  await showWindow(from, to);
  await showListing();
}

// showWindow draws cycles from..to of the layer on show.
async function showWindow(from, to) {
  const d = state.detail;
  const run = state.shown;
  if (!d || !run) return;
  clearError("window");
  const gen = state.gen;
  const layer = d.layer;
  $("dl-timeline").hidden = true;
  $("window-controls").hidden = !d.fits;
  if (d.fits) { $("from").value = from; $("to").value = to; }
  const t0 = performance.now();
  $("timeline-status").textContent = d.fits ? "Simulating " + layer + " for its timeline…" : "";
  const resp = await call(runRequest(run.config, "layer", { layer, from, to, width: room() }), (m) => {
    $("timeline-status").textContent = "Simulating " + layer + " for its timeline: " + Math.floor(100 * m.done / m.total) +
      "% done" + estimate(performance.now() - t0, m.done / m.total) + ".";
  });
  if (gen !== state.gen || state.detail !== d) return;
  $("timeline-status").textContent = "";
  if (resp.cancelled) return;
  if (resp.error) { fieldError(resp.field ? resp : { ...resp, field: "window" }); return; }
  const r = resp.data;
  d.from = r.from;
  d.to = r.to;
  d.svg = r.timeline_svg;
  $("detail-note").textContent = r.note + (r.fits ? " Shown: cycles " + nf.format(r.from) + " to " + nf.format(r.to) +
    (r.to - r.from < r.cycles ? " of " + nf.format(r.cycles) : " (the whole layer)") + "." + coreShares(r.time) : "");
  $("timeline").innerHTML = r.timeline_svg;
  $("timeline").hidden = !r.fits;
  $("dl-timeline").hidden = !r.fits;
  writeURL();
}

// coreShares sums the cores' time into one sentence: how it splits between
// work, the bus and waiting.
function coreShares(t) {
  const total = t.busy + t.bus + t.wait_bus + t.wait_owner + t.idle;
  if (!total) return "";
  const pct = (k) => (100 * t[k] / total).toFixed(1) + "%";
  return " Core time over the whole layer: " + pct("busy") + " computing, " + pct("bus") + " on the bus, " + pct("wait_bus") +
    " waiting for the bus, " + pct("wait_owner") + " waiting for ownership, " + pct("idle") + " idle.";
}

// windowInput reads the window fields and shows that window.
function windowInput() {
  const d = state.detail;
  if (!d) return;
  const from = /^\d+$/.test($("from").value.trim()) ? Number($("from").value.trim()) : -1;
  const to = /^\d+$/.test($("to").value.trim()) ? Number($("to").value.trim()) : -1;
  if (from < 0 || to <= from) {
    fieldError({ field: "window", error: "cycles must be whole numbers with from < to (the layer has " + nf.format(d.cycles) + ")" });
    return;
  }
  showWindow(from, Math.min(to, d.cycles));
}

// moveWindow zooms (factor) about the window's centre, or pans by a share
// of its width, within the layer.
function moveWindow(factor, shift) {
  const d = state.detail;
  if (!d || !(d.to > d.from)) return;
  const w = d.to - d.from;
  const nw = Math.max(10, Math.min(d.cycles, Math.round(w * factor)));
  let from = Math.round(d.from + w / 2 - nw / 2 + shift * w);
  from = Math.max(0, Math.min(from, d.cycles - nw));
  showWindow(from, from + nw);
}

async function showListing() {
  const d = state.detail;
  const run = state.shown;
  if (!d || !run) return;
  clearError("core");
  $("err-layer").textContent = "";
  if (!d.fits) {
    $("listing").textContent = "";
    $("err-layer").textContent = d.layer + " does not fit the core budget: it has no program to list.";
    return;
  }
  const s = $("core").value.trim();
  const core = /^\d+$/.test(s) ? Number(s) : -1;
  const gen = state.gen;
  const resp = await call(runRequest(run.config, "listing", { layer: d.layer, core, max_lines: 400 }));
  if (gen !== state.gen || state.detail !== d || resp.cancelled) return;
  if (resp.error) {
    // A listing's message stays by the listing: the run itself succeeded.
    fieldError({ ...resp, field: resp.field === "core" ? "core" : "layer" });
    $("listing").textContent = "";
    return;
  }
  $("listing").textContent = resp.data.text;
  writeURL();
}

// ---- downloads -----------------------------------------------------------

function download(name, type, text) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

// csv writes result rows with a preamble of '#' lines naming their
// configuration (cimkit plot --in and sim.ReadCSV skip it).
function csv(rows, config, what) {
  if (!rows.length) return "";
  // Every row's columns: a layer that does not fit has no energy fields.
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => { const s = String(v ?? ""); return /[",\n#]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s; };
  const pre = [
    "# cimkit playground " + what + ": " + config.label,
    "# model=" + config.model + " input=" + config.input + " xbar=" + config.xbar + " bus=" + config.bus +
      " cores=" + config.cores + " scheme=" + config.scheme,
    "# arch: " + JSON.stringify(config.arch),
    "# simulator: " + config.sim,
    ...techPreamble(config),
  ];
  return [...pre, keys.join(","), ...rows.map((r) => keys.map((k) => cell(r[k])).join(","))].join("\n") + "\n";
}

// ---- ONNX files ----------------------------------------------------------

// loadONNX reads the chosen .onnx file (it stays in this tab), hands it to
// every worker, adds it to the model list and simulates it.
async function loadONNX() {
  const file = $("onnx").files[0];
  if (!file) return;
  const t0 = performance.now();
  clearErrors();
  setStatus("Reading " + file.name + "…", 0);
  state.onnx = { name: file.name, buffer: await file.arrayBuffer() };
  const answers = await Promise.all(state.pool.map(sendUpload));
  const resp = answers[0];
  if (resp.cancelled) return setStatus("Cancelled.", 0);
  if (resp.error) { state.onnx = null; return refused([{ ...resp, field: "onnx" }]); }
  const sel = $("model");
  for (const o of [...sel.options]) if (o.value.startsWith("onnx:")) o.remove();
  const opt = new Option(file.name + " (ONNX)", resp.data.model);
  opt.title = file.name + ": " + resp.data.layers + " conv and dense layers, " + bytes(resp.data.bytes);
  sel.append(opt);
  sel.value = resp.data.model;
  await runModel(t0);
}

// ---- start ---------------------------------------------------------------

async function main() {
  renderHead();
  $("config").addEventListener("submit", (ev) => { ev.preventDefault(); if (!state.busy) runModel(performance.now()); });
  $("cancel").addEventListener("click", () => { cancel(); busy(false); });
  $("core").addEventListener("change", showListing);
  $("onnx").addEventListener("change", loadONNX);
  $("params-reset").addEventListener("click", resetParams);
  $("sweep").addEventListener("click", runSweep);
  $("window-show").addEventListener("click", windowInput);
  for (const id of ["from", "to"]) $(id).addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); windowInput(); } });
  $("window-start").addEventListener("click", () => state.detail && showWindow(0, Math.min(WINDOW, state.detail.cycles)));
  $("window-whole").addEventListener("click", () => state.detail && showWindow(0, state.detail.cycles));
  $("window-in").addEventListener("click", () => moveWindow(0.5, 0));
  $("window-out").addEventListener("click", () => moveWindow(2, 0));
  $("window-left").addEventListener("click", () => moveWindow(1, -0.5));
  $("window-right").addEventListener("click", () => moveWindow(1, 0.5));
  $("dl-csv").addEventListener("click", () => state.shown &&
    download(state.shown.config.file + ".csv", "text/csv", csv(state.shown.rows, state.shown.config, "results")));
  $("dl-sweep-csv").addEventListener("click", () => state.sweep && download(state.sweep.config.file + "-sweep-bus" +
    state.sweep.buses.join("_") + ".csv", "text/csv", csv(state.sweep.rows, state.sweep.config, "bus-width sweep (" +
    state.sweep.buses.join(", ") + " B)")));
  $("dl-sweep-svg").addEventListener("click", () => state.sweep && download(state.sweep.config.file + "-sweep-efficiency.svg",
    "image/svg+xml", state.sweep.figure.svg));
  $("dl-timeline").addEventListener("click", () => state.detail && state.shown && download(state.shown.config.file + "-" +
    state.detail.layer + "-cycles" + state.detail.from + "-" + state.detail.to + ".svg", "image/svg+xml", state.detail.svg));
  try {
    state.module = await loadModule();
    await startPool();
  } catch (e) {
    fatal(e.message);
    return;
  }
  const info = await call({ op: "info" });
  if (!info.data) return fatal(info.error || "no answer");
  state.info = info.data;
  $("model").replaceChildren(...info.data.models.map((m) => new Option(m, m)));
  $("model").value = DEFAULTS.model;
  $("scheme").replaceChildren(...info.data.schemes.map((s) => new Option(s, s)));
  $("scheme").value = DEFAULTS.scheme;
  $("onnx-field").hidden = !info.data.onnx;
  buildParams(info.data.params);
  initTech(info.data.techs);
  const problems = readURL();
  if (problems.length) {
    refused(problems);
    setStatus("This link could not be opened as it is: see the highlighted values, then press Simulate.", 0);
    return;
  }
  await runModel(0);
}

main();
