// energy.js is the playground's energy and area (issue 14): the technology
// that prices them, chosen in the form (cimkit's default, ISAAC's table, or
// a technology file the user chose), and the energy view of a run.
//
// It loads before app.js and calls app.js's helpers ($, state, call,
// fieldError, clearError, setStatus, figureElement, cardElement,
// noteElement, headRow, runModel) only when the page runs. app.js lists
// energyView in VIEWS and asks this file for the technology of a request
// (techOfForm), of a link (readTechURL, techToURL) and of a download
// (techPreamble); initTech fills the choice.
//
// The technology belongs to the run like the chip parameters: the Go side
// returns it in the run's configuration (config.tech, config.tech_name and,
// for a file, config.tech_json, the file's text, which follow-up requests
// send back). A link can name a file but cannot carry it: opening such a
// link asks for the file, as for an ONNX model.
"use strict";

const TECH_FILE = "file:";

// techFile is the technology file the user chose last: {name, text}.
let techFile = null;

// techOfForm is the technology part of a request made from the form.
function techOfForm() {
  const tech = $("tech").value;
  return tech.startsWith(TECH_FILE) && techFile ? { tech, tech_json: techFile.text } : { tech };
}

// initTech lists the technologies that ship with cimkit (from "info") and
// listens to the file field.
function initTech(techs) {
  $("tech").replaceChildren(...techs.map((t) => {
    const o = new Option(t.id === "default" ? "cimkit default" : "ISAAC's table (ISCA 2016)", t.id);
    o.title = t.name + ": " + t.description + " File: " + t.file + ".";
    return o;
  }));
  $("tech").addEventListener("change", () => { clearError("tech"); techLinkNote(); });
  $("tech-file").addEventListener("change", loadTechFile);
}

// techLinkNote says, while a technology file is chosen, that a link cannot
// carry it.
function techLinkNote() {
  const file = $("tech").value.startsWith(TECH_FILE);
  $("tech-link-note").hidden = !file;
  $("tech-link-note").textContent = file ? "A shared link names this file but cannot carry it: whoever opens the link " +
    "must choose the same file here. Downloads keep its text." : "";
}

// loadTechFile checks the chosen technology file (on the Go side), adds it
// to the choice and simulates with it. A bad file is named by the field
// and changes nothing else.
async function loadTechFile() {
  const file = $("tech-file").files[0];
  if (!file) return;
  clearError("tech");
  const tech = TECH_FILE + file.name;
  // The Go side reads at most 1 MiB (energy.MaxTechBytes): no need to read more.
  const text = await file.slice(0, (1 << 20) + 1).text();
  $("tech-file").value = ""; // choosing the same file again is a change too
  const resp = await call({ op: "tech", tech, tech_json: text });
  if (resp.cancelled) return;
  if (resp.error) {
    fieldError({ ...resp, field: "tech" });
    const still = state.shown ? " The results below are still those of " + state.shown.config.label + "." : "";
    setStatus("The technology file was not loaded: see the message by the technology." + still, 0);
    return;
  }
  techFile = { name: file.name, text };
  const sel = $("tech");
  for (const o of [...sel.options]) if (o.value.startsWith(TECH_FILE)) o.remove();
  const opt = new Option(file.name, tech);
  opt.title = resp.data.name + ": " + resp.data.description;
  sel.append(opt);
  sel.value = tech;
  techLinkNote();
  if (state.busy) setStatus("Technology " + file.name + " chosen: press Simulate when the run in progress ends.", 0);
  else await runModel(performance.now());
}

// readTechURL puts a link's technology into the form, or adds why it
// cannot to problems.
function readTechURL(q, problems) {
  const tech = q.get("tech") ?? "default";
  const ids = state.info.techs.map((t) => t.id);
  if (tech.startsWith(TECH_FILE)) {
    problems.push({ field: "tech", error: "This link prices energy with the technology file " + JSON.stringify(tech.slice(TECH_FILE.length)) +
      ", which stays in the browser of whoever made the link: choose that file under \"or a technology file\" to open it." });
  } else if (!ids.includes(tech)) {
    problems.push({ field: "tech", error: "This link asks for the technology " + JSON.stringify(tech) + ": want " + ids.join(", ") + " or a file." });
  } else {
    $("tech").value = tech;
  }
  techLinkNote();
}

// techToURL records a run's technology in a link's query q.
function techToURL(q, config) {
  if (config.tech !== "default") q.set("tech", config.tech);
}

// techPreamble are the CSV preamble lines naming a run's technology, as
// cimkit's own CSVs do ("# tech: NAME"), with where it comes from; an
// uploaded file's whole text goes in, on one line, so that the download
// says exactly what priced it (save it as a file for cimkit --tech).
function techPreamble(config) {
  const shipped = state.info?.techs.find((t) => t.id === config.tech);
  if (shipped) return ["# tech: " + config.tech_name + " (" + config.tech + ", " + shipped.file + ")"];
  return ["# tech: " + config.tech_name + " (" + config.tech + "): " + JSON.stringify(JSON.parse(config.tech_json))];
}

// ---- the view ------------------------------------------------------------

// Per-layer columns: result key (as cimkit sim names it), heading, tooltip,
// formatter.
const ENERGY_COLUMNS = [
  ["layer", "Layer", "layer name in the model", "text"],
  ["energy_pj", "Energy", "energy of the layer's run under the scheme, all classes", "energy"],
  ["energy_xbar_pj", "Crossbar", "crossbar cell reads, DAC conversions, samples, cell writes", "energy"],
  ["energy_adc_pj", "ADCs", "ADC conversions", "energy"],
  ["energy_digital_pj", "Digital", "shift-and-adds, input and output registers, MOVs", "energy"],
  ["energy_mem_pj", "Memory", "shared-memory reads and writes", "energy"],
  ["energy_bus_pj", "Bus", "bus transfers of LOADs and STOREs", "energy"],
  ["energy_sync_pj", "Sync", "CALLs, sequence-register writes, WAIT checks and the registers' leakage", "energy"],
  ["energy_static_pj", "Leakage", "leakage of everything else for the layer's time", "energy"],
  ["puma_sync_pj", "PUMA buffer", "what a PUMA attribute buffer would cost instead of Sync", "energy"],
  ["area_mm2", "Area", "the chip the layer powers: its cores, the shared memory it holds, the bus", "area"],
  ["sync_area_mm2", "Seq. regs", "area of the sequence registers", "area"],
  ["puma_area_mm2", "PUMA area", "area of a PUMA attribute buffer for the same data", "area"],
  ["tops_per_w", "TOPS/W", "operations (2 per multiply-accumulate) per energy", "eff"],
  ["tops_per_mm2", "TOPS/mm²", "operations per second of the run per area", "eff"],
];

// sig writes three significant digits, never in exponent form.
const sig = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 }).format;

// energyText writes pJ in the unit that suits it.
function energyText(pj) {
  if (pj >= 1e6) return sig(pj / 1e6) + " µJ";
  if (pj >= 1e3) return sig(pj / 1e3) + " nJ";
  return sig(pj) + " pJ";
}

// areaText writes mm², small areas in µm².
function areaText(mm2) {
  return mm2 >= 0.01 ? sig(mm2) + " mm²" : sig(mm2 * 1e6) + " µm²";
}

function energyFmt(v, kind) {
  if (v === undefined || v === null) return "";
  switch (kind) {
    case "energy": return energyText(v);
    case "area": return areaText(v);
    case "eff": return sig(v);
    default: return String(v);
  }
}

// card is one summary card whose key and value are the run total's field
// (as cimkit sim's total row names it) and its raw value.
function card(title, text, key, value, partial) {
  const d = cardElement(title, text, partial);
  d.dataset.key = key;
  d.dataset.value = String(value);
  return d;
}

function energyRow(r) {
  const tr = document.createElement("tr");
  tr.dataset.layer = r.layer;
  if (r.fits === false) tr.className = "nofit";
  for (const [key, , , kind] of ENERGY_COLUMNS) {
    const td = document.createElement("td");
    td.dataset.key = key;
    if (r[key] !== undefined) td.dataset.value = String(r[key]);
    td.textContent = key === "energy_pj" && r.fits === false ? "does not fit" : energyFmt(r[key], kind);
    tr.append(td);
  }
  return tr;
}

// techRows is the technology's table: every component per instance.
function techRows(tech) {
  $("tech-name").textContent = tech.name;
  $("tech-description").textContent = tech.description;
  const head = [["name", "Component"], ["instance", "One instance"], ["action", "Action"], ["energy_pj", "Energy per action"],
    ["leak_w", "Leakage"], ["area_um2", "Area"], ["source", "Source"]];
  const tr = document.createElement("tr");
  for (const [, h] of head) {
    const th = document.createElement("th");
    th.textContent = h;
    tr.append(th);
  }
  $("tech-table").tHead.replaceChildren(tr);
  $("tech-table").tBodies[0].replaceChildren(...tech.components.map((c) => {
    const row = document.createElement("tr");
    const cells = [c.name, c.instance, c.action, energyText(c.energy_pj), sig(c.leak_w * 1e6) + " µW",
      sig(c.area_um2) + " µm²", c.source];
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      row.append(td);
    }
    return row;
  }));
}

const energyView = {
  clear() {
    $("energy-section").hidden = true;
    $("energy-cards").replaceChildren();
    $("energy-notes").replaceChildren();
    $("energy-figures").replaceChildren();
    $("energy-layers").tBodies[0].replaceChildren();
  },
  show(run) {
    const t = run.total;
    const e = run.energy;
    const partial = !e.complete;
    $("energy-section").hidden = false;
    $("energy-layers").tHead.replaceChildren(headRow(ENERGY_COLUMNS));
    $("energy-layers").tBodies[0].replaceChildren(...run.rows.map(energyRow));
    techRows(run.tech);
    const only = partial ? " (" + run.totals.fitting + " fitting layers only)" : "";
    $("energy-note").textContent = "Priced with the technology " + run.config.tech_name +
      (run.config.tech.startsWith(TECH_FILE) ? " from the file " + run.config.tech.slice(TECH_FILE.length) : "") +
      " (its components are listed below). Each layer is priced on the chip it powers, run on its own as in the table of " +
      "layers: its cores, the shared memory it holds and the bus; cores it does not use are taken as power-gated. " +
      "The energy per inference adds the layers up, as cimkit sim's total does; a whole-network run (cimkit net) adds " +
      "the digital layers and the data between layers.";
    if (!(t.energy_pj > 0)) {
      $("energy-cards").replaceChildren();
      $("energy-notes").replaceChildren();
      $("energy-figures").replaceChildren();
      return;
    }
    const x = (a, b) => (b > 0 ? (a / b).toFixed(1) + "x" : "");
    $("energy-cards").replaceChildren(
      card("Energy per inference, layer by layer" + only, energyText(t.energy_pj), "energy_pj", t.energy_pj, partial),
      card("Chip area: the most cores and memory of a layer", areaText(t.area_mm2), "area_mm2", t.area_mm2, false),
      card("TOPS/W" + only, sig(t.tops_per_w), "tops_per_w", t.tops_per_w, partial),
      card("TOPS/mm²" + only, sig(t.tops_per_mm2), "tops_per_mm2", t.tops_per_mm2, partial),
      card("Synchronisation energy, " + (100 * e.sync_share).toFixed(2) + "% of it", energyText(t.energy_sync_pj || 0),
        "energy_sync_pj", t.energy_sync_pj || 0, partial),
      card("A PUMA attribute buffer instead, " + x(t.puma_sync_pj, t.energy_sync_pj), energyText(t.puma_sync_pj || 0),
        "puma_sync_pj", t.puma_sync_pj || 0, partial),
      card("Sequence registers' area", areaText(t.sync_area_mm2), "sync_area_mm2", t.sync_area_mm2, false),
      card("A PUMA attribute buffer's area, " + x(t.puma_area_mm2, t.sync_area_mm2), areaText(t.puma_area_mm2),
        "puma_area_mm2", t.puma_area_mm2, false),
    );
    const shares = e.shares.map((s) => s.class + " " + (100 * s.share).toFixed(1) + "%").join(", ");
    const notes = [
      "Where the energy goes: " + shares + ".",
      "The paper's sequence registers (" + run.config.arch.seq_reg_bytes + " B per core) against a PUMA-style attribute " +
        "buffer (one attribute byte per 16-bit word of shared data, read and rewritten on every load and store, and its " +
        "leakage): the buffer would cost " + x(t.puma_sync_pj, t.energy_sync_pj) + " the synchronisation energy and " +
        x(t.puma_area_mm2, t.sync_area_mm2) + " the area. The time the CALLs take is not taken off.",
    ];
    $("energy-notes").replaceChildren(...notes.map(noteElement));
    $("energy-figures").replaceChildren(...(run.energy_figures || []).map((f) => figureElement(f, run.config.file + "-" + f.name + ".svg")));
  },
};
