// network.js is the playground's whole-network view: the model of the run on
// screen placed on the chip at once and simulated layer by layer and/or
// pipelined (the Go side's "network" request, cimkit net's numbers). It
// uses app.js's helpers ($, state, call, runRequest, fieldError, setStatus,
// busy, download, csv, fmt, nf) and registers itself in VIEWS, so that a new
// run clears it and the run it belongs to shows it again.
"use strict";

// Columns of the runs table: record key, heading, tooltip, formatter.
const NET_COLUMNS = [
  ["mode", "Mode", "layer: one layer at a time; pipelined: a layer starts as soon as its first input rows exist", "text"],
  ["duplicate", "Duplicated", "bottleneck layers given weight copies on spare cores", "text"],
  ["images", "Images", "images streamed through the chip", "int"],
  ["segments", "Segments", "chip programs in sequence (1: every weight stays on the chip)", "int"],
  ["cores", "Cores", "cores used", "int"],
  ["copies", "Copies", "weight copies beyond the first, all layers", "int"],
  ["latency_cycles", "Latency (cycles)", "end-to-end time of the first image", "int"],
  ["latency_us", "Latency (µs)", "the same in microseconds", "us"],
  ["images_per_s", "Images/s", "throughput: with several images the steady state, with one 1 / latency", "rate"],
  ["speedup", "Speedup", "layer-by-layer latency over this run's", "x"],
  ["dup_gain", "Dup. gain", "latency without duplication over this run's", "x"],
  ["bottleneck", "Bottleneck", "the layer with the largest share of the critical path", "text"],
  ["bottleneck_share", "Its share", "its share of the critical path", "pct"],
  ["core_utilization", "Crossbars busy", "MVM time over the crossbar cores' time", "pct"],
  ["bus_utilization", "Bus busy", "share of the time the bus is busy", "pct"],
];

// Columns of the per-layer table.
const NET_LAYER_COLUMNS = [
  ["layer", "Layer", "layer name", "text"],
  ["kind", "Kind", "operator", "text"],
  ["role", "Runs on", "crossbar tiles, a digital unit, or nothing (an alias)", "text"],
  ["segment", "Segment", "the chip program it runs in", "int"],
  ["copies", "Copies", "weight copies", "int"],
  ["cores", "Cores", "cores it occupies", "int"],
  ["start_cycles", "Start", "first instruction after its first input arrived (cycles)", "int"],
  ["end_cycles", "End", "its last core's end (cycles)", "int"],
  ["critical_share", "Critical path", "share of the latency on the critical path", "pct"],
  ["xbar_busy", "Crossbars busy", "MVM time over its cores' time between start and end", "pct"],
];

// net is the view's state: the result on screen and the run it belongs to.
const net = { result: null };

function netFmt(v, kind) {
  if (kind === "us") return v === undefined ? "" : v.toFixed(1);
  if (kind === "rate") return v === undefined ? "" : v.toFixed(2);
  if (kind === "x") return v ? v.toFixed(2) + "x" : "";
  return fmt(v, kind);
}

// netRunName names a run as the figure's key does.
function netRunName(r) {
  if (r.mode === "layer") return "layer by layer";
  return r.duplicate ? r.mode + ", duplicated" : r.mode;
}

function netHead(table, columns) {
  const tr = document.createElement("tr");
  for (const [key, label, tip] of columns) {
    const th = document.createElement("th");
    th.dataset.key = key;
    const abbr = document.createElement("abbr");
    abbr.title = tip;
    abbr.textContent = label;
    th.append(abbr);
    tr.append(th);
  }
  table.tHead.replaceChildren(tr);
}

// netRow is one table row; each cell keeps its raw value (read by the
// browser test).
function netRow(rec, columns) {
  const tr = document.createElement("tr");
  for (const [key, , , kind] of columns) {
    const td = document.createElement("td");
    td.dataset.key = key;
    td.dataset.value = String(rec[key]);
    td.textContent = netFmt(rec[key], kind);
    tr.append(td);
  }
  return tr;
}

// netShowLayers fills the per-layer table with the layers of run i.
function netShowLayers(i) {
  const d = net.result;
  const r = d.runs[i];
  const rows = d.layers.filter((l) => l.mode === r.mode && l.duplicate === r.duplicate);
  $("net-layers").tBodies[0].replaceChildren(...rows.map((l) => netRow(l, NET_LAYER_COLUMNS)));
}

function netRender() {
  const d = net.result;
  $("net-for").textContent = d.config.label;
  $("net-runs").tBodies[0].replaceChildren(...d.runs.map((r) => netRow(r, NET_COLUMNS)));
  const copies = Object.entries(d.copies || {}).map(([l, n]) => l + " x" + n);
  $("net-copies").textContent = copies.length ? "Weight copies of the duplicated run: " + copies.join(", ") + "." : "";
  $("net-timeline").innerHTML = d.timeline.svg;
  $("net-caption").textContent = d.timeline.caption;
  const sel = $("net-run");
  sel.replaceChildren(...d.runs.map((r, i) => new Option(netRunName(r), String(i))));
  sel.value = String(d.runs.length - 1);
  netShowLayers(d.runs.length - 1);
  $("net-result").hidden = false;
}

// runNetwork simulates the run on screen's configuration as a whole network.
async function runNetwork() {
  const run = state.shown;
  if (!run || state.busy) return;
  for (const f of ["net-mode", "net-images", "net-segments"]) clearError(f);
  $("err-global").textContent = "";
  busy(true);
  $("net-go").disabled = true;
  const images = positive($("net-images").value.trim());
  const t0 = performance.now();
  setStatus("Simulating " + run.config.model + " as a whole network…", 0);
  const resp = await call(runRequest(run.config, "network", {
    mode: $("net-mode").value, duplicate: $("net-duplicate").checked, images, segments: $("net-segments").checked,
    width: room(),
  }), (m) => setStatus("Simulating " + run.config.model + " as a whole network: " +
    Math.round(100 * m.done / m.total) + "% of its MVMs, " + seconds(performance.now() - t0) + "…", m.done / m.total));
  busy(false);
  $("net-go").disabled = false;
  if (resp.cancelled) return setStatus("Cancelled.", 0);
  if (resp.error) {
    fieldError(resp);
    return setStatus("The whole-network run stopped: see the message.", 0);
  }
  net.result = resp.data;
  netRender();
  const ms = performance.now() - t0;
  setStatus(resp.data.runs.length + " whole-network run" + (resp.data.runs.length > 1 ? "s" : "") + " of " +
    run.config.model + " in " + seconds(ms), 1);
  document.body.dataset.networkMs = ms.toFixed(0);
  document.body.dataset.networkDone = String(Number(document.body.dataset.networkDone || 0) + 1);
}

const networkView = {
  clear() { $("network-section").hidden = true; $("net-result").hidden = true; },
  show(run) {
    $("network-section").hidden = false;
    if (net.result && net.result.config.label === run.config.label) netRender();
  },
};
VIEWS.push(networkView);

netHead($("net-runs"), NET_COLUMNS);
netHead($("net-layers"), NET_LAYER_COLUMNS);
$("net-go").addEventListener("click", runNetwork);
$("net-run").addEventListener("change", () => netShowLayers(Number($("net-run").value)));
$("dl-net-csv").addEventListener("click", () => net.result && download(net.result.config.file + "-network.csv", "text/csv",
  csv(net.result.runs, net.result.config, "whole-network runs")));
$("dl-net-layers-csv").addEventListener("click", () => net.result && download(net.result.config.file + "-network-layers.csv",
  "text/csv", csv(net.result.layers, net.result.config, "whole-network layers")));
$("dl-net-svg").addEventListener("click", () => net.result && download(net.result.config.file + "-network-timeline.svg",
  "image/svg+xml", net.result.timeline.svg));
