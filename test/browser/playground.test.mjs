// Browser tests of the cimkit playground: Debian chromium driven by
// playwright-core. run.sh starts `cimkit serve` and sets PLAYGROUND_URL.
//
// Checked: the page loads and shows results; a ResNet-18 layer and the whole
// model show the same numbers as `cimkit sim --format json`; a layer's
// timeline opens on the notebooks' 20k-cycle window in their colours and
// zooms; the listing's core starts at 0 for every layer and its messages
// stay by the listing; layers that do not fit are named and never summed as
// the model; crossbar 0 gives a message next to the field and the page works
// afterwards; a bus-width sweep draws one point per layer with its caption
// and names a bad width; after a sweep another model's run clears it, and
// every download is named from (and says) the run's configuration, not the
// form's; shared links with an unknown model, an ONNX model, a bad scheme
// or an unknown setting are refused visibly and the URL keeps the last valid
// run; the timing parameters change the numbers as `cimkit sim --arch` does
// and travel in the URL and the downloads; at 390 px nothing overflows and
// text stays readable; a long run shows progress inside a layer and the
// time waited; an ONNX file chosen from disk gives `cimkit sim --onnx`'s
// numbers; a run can be cancelled; a shared URL opens the same view.
// Measured (written to test-artifacts/metrics.json): gzipped wasm size
// (<= 5,000,000 bytes), time to first results (<= 3 s), whole ResNet-18 in
// the browser vs natively (<= 3x).
//
// The two time targets are asserted when the machine is otherwise idle (load
// average below the number of CPUs when the tests start). On a loaded
// machine they are measured and reported, and only a loose bound (3x the
// target) fails the test: other processes would make a strict timed test
// flaky.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { loadavg, cpus } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { request } from "node:http";
import { launch } from "./chromium.mjs";
import { URL_BASE, CIMKIT, ARTIFACTS, cli, defaultArch, shownValues, assertSame, runCount, waitRuns, open, setForm, formFlags, runAndWait, phoneLayout } from "./common.mjs";

const CONFIG = { model: "resnet18", input: "224", xbar: "64x64", bus: "16", cores: "1024", scheme: "cyclic" };
const LAYER = "layer1.0.conv1";
// ResNet-18 at 64x64 px on 32x32 crossbars with a 4-byte bus and 1024
// cores, linear: four layer4 convolutions need 1152 or 2304 cores and do
// not fit, and on the shared bus layer2.0.downsample.0 (PV 2, PH 4) runs at
// 100.4% of its limit.
const PARTIAL = { model: "resnet18", input: "64", xbar: "32x32", bus: "4", cores: "1024", scheme: "linear" };

let page, closeBrowser;
const metrics = { loadavg_per_cpu: +(loadavg()[0] / cpus().length).toFixed(2) };
const strict = metrics.loadavg_per_cpu < 1;

// checkTime asserts a time target: strictly on an idle machine, loosely
// (3x the target) on a loaded one, where it reports a miss.
function checkTime(name, value, target) {
  metrics[name + "_target"] = target;
  const met = value <= target;
  console.log(`${name}: ${value} (target ${target}) ${met ? "met" : strict ? "MISSED" : "missed on a loaded machine"}`);
  assert.ok(value <= (strict ? target : 3 * target), `${name} is ${value}, target ${target}`);
}

before(async () => {
  assert.ok(URL_BASE, "PLAYGROUND_URL is not set: run through `make test-browser`");
  assert.ok(CIMKIT, "CIMKIT is not set: run through `make test-browser`");
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ page, close: closeBrowser } = await launch());
});

after(async () => {
  await closeBrowser?.();
  writeFileSync(join(ARTIFACTS, "metrics.json"), JSON.stringify(metrics, null, 2) + "\n");
  console.log("browser metrics:", JSON.stringify(metrics));
});

function simArgs(cfg, layer) {
  const a = ["sim", ...formFlags(cfg)];
  return layer ? [...a, "--layer", layer] : a;
}

// cliRows returns the per-layer records of `cimkit sim --format json`.
function cliRows(data) {
  const rows = Array.isArray(data) ? data : data.rows || data.results || [data];
  return rows.filter((r) => r.layer !== "total");
}

// pageRows reads the layers table: for each row, the raw value of every cell.
async function pageRows() {
  return shownValues(page, "#layers tbody tr");
}

async function assertTableIs(args, where) {
  const want = cliRows(cli(args).data);
  const shown = await pageRows();
  assert.equal(shown.length, want.length, `${where}: layer count`);
  for (let i = 0; i < want.length; i++) assertSame(shown[i], want[i], `${where} row ${i} (${want[i].layer})`, 10);
}

// downloadOf clicks a download link and returns the file's name and text.
async function downloadOf(selector) {
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  return { name: dl.suggestedFilename(), text: readFileSync(await dl.path(), "utf8") };
}

// sweep runs a bus-width sweep on the page and waits for its figure.
async function sweep(buses) {
  const n = Number((await page.getAttribute("body", "data-sweeps")) || 0);
  await page.fill("#buses", buses);
  await page.click("#sweep");
  await page.waitForFunction((k) => Number(document.body.dataset.sweeps || 0) > k, n, { timeout: 120000 });
}

// showDetail clicks a layer's row and waits for its timeline and listing.
async function showDetail(layer) {
  await page.click(`#layers tbody tr[data-layer="${layer}"]`);
  await page.waitForFunction((l) => document.getElementById("detail-name").textContent === l &&
    document.getElementById("timeline-status").textContent === "" &&
    document.getElementById("listing").textContent.includes("layer \"" + l + "\""), layer, { timeout: 60000 });
}

test("page loads and shows the first results quickly", async () => {
  const q = new URLSearchParams(CONFIG).toString();
  const t0 = performance.now();
  await page.goto(URL_BASE + "?" + q);
  await page.waitForSelector("#layers tbody tr", { timeout: 30000 });
  metrics.first_results_ms = Math.round(performance.now() - t0);
  await page.waitForFunction(() => Number(document.body.dataset.done || 0) >= 1, null, { timeout: 120000 });
  metrics.first_full_model_ms = Math.round(performance.now() - t0);
  checkTime("first_results_ms", metrics.first_results_ms, 3000);
  assert.equal(await page.inputValue("#xbar"), "64x64");
  // Item 13: the status line says how long the user waited.
  assert.match(await page.textContent("#status-text"), /layers of resnet18 simulated in [\d.]+ s on \d workers?; everything on screen [\d.]+ s after the page opened/);
  assert.equal(await page.textContent("#results-for"), "resnet18 at 224 px, 64x64 crossbars, 16 B bus, 1024 cores, cyclic");
});

test("whole ResNet-18: the page shows cimkit sim's numbers", async () => {
  await assertTableIs(simArgs(CONFIG), "64x64");
  for (const f of ["speedup", "overhead", "memory"]) {
    assert.ok(await page.isVisible(`#figure-list [data-figure="${f}"] svg`), `${f} figure`);
    // Item 12 (same class): every figure says what it shows, in a caption.
    assert.match(await page.textContent(`#figure-list [data-figure="${f}"] figcaption`), /resnet18/);
  }
  assert.ok(await page.isVisible("#summary .card"), "summary cards");
  // Item 11: the efficiency card says it is time-weighted, and the timing
  // model is on the page.
  assert.match(await page.textContent("#summary"), /Efficiency, time-weighted/);
  const notes = await page.textContent("#summary-notes");
  assert.match(notes, /time-weighted: the speedup over the limit [\d.]+x/);
  const d = defaultArch();
  assert.ok(notes.includes(`MVM ${d.mvm_cycles.toLocaleString("en-US")} cycles, ${d.bus_overhead_cycles} cycles of overhead per bus burst ` +
    `of up to ${d.burst_beats} beats, partial sums of ${d.psum_bytes} B`), notes);
  assert.ok(!(await page.isVisible("#left-out")), "every layer fits: nothing left out");
});

test("one ResNet-18 layer: timeline window and zoom, listing, cimkit sim's numbers", async () => {
  await showDetail(LAYER);
  assert.match(page.url(), /layer=layer1\.0\.conv1/);
  const want = cliRows(cli(simArgs(CONFIG, LAYER)).data);
  assert.equal(want.length, 1);
  const shown = (await pageRows()).find((r) => r.layer === LAYER);
  assertSame(shown, want[0], LAYER, 10);
  // Item 10: the timeline opens on the notebooks' first 20k cycles, in the
  // notebooks' colours (plots: MVM blue, bus transfer orange, waiting for
  // ownership purple, waiting for the bus yellow, digital op green).
  assert.equal(await page.inputValue("#from"), "0");
  assert.equal(await page.inputValue("#to"), "20000");
  const svg = await page.innerHTML("#timeline");
  for (const [name, colour] of [["MVM", "#0072b2"], ["bus transfer", "#e69f00"], ["waiting for ownership", "#cc79a7"],
    ["waiting for the bus", "#f0e442"], ["digital op", "#009e73"]]) {
    assert.match(svg, new RegExp(`fill="${colour}"[^>]*>(</rect>)?<text[^>]*>${name}</text>`), `key ${name} in ${colour}`);
  }
  assert.match(svg, /<title>Per-core timeline of layer1\.0\.conv1, cycles 0 to 20000: resnet18 at 224 px/);
  assert.match(svg, />20k<\/text>/);
  assert.ok((await page.textContent("#detail-note")).includes(`Shown: cycles 0 to 20,000 of ${want[0].cycles.toLocaleString("en-US")}.`));
  // The whole layer, then zoom in (half the window about its centre).
  const cycles = Number(want[0].cycles);
  await page.click("#window-whole");
  await page.waitForFunction((c) => document.getElementById("to").value === String(c) &&
    document.getElementById("detail-note").textContent.includes("(the whole layer)"), cycles, { timeout: 30000 });
  assert.match(page.url(), new RegExp(`from=0&to=${cycles}`));
  await page.click("#window-in");
  const half = Math.round(cycles * 0.5);
  const from = Math.round(cycles / 2 - half / 2);
  await page.waitForFunction((f) => document.getElementById("from").value === String(f) &&
    document.getElementById("detail-note").textContent.includes("Shown: cycles " + new Intl.NumberFormat("en-US").format(f) + " to"),
  from, { timeout: 30000 });
  // Another core's listing; an out-of-range core gives a message there, not
  // on the form, and not as a failed run.
  await page.fill("#core", "1");
  await page.dispatchEvent("#core", "change");
  await page.waitForFunction(() => document.getElementById("listing").textContent.includes("; core 1 of"), null, { timeout: 30000 });
  await page.fill("#core", "99999");
  await page.dispatchEvent("#core", "change");
  await page.waitForSelector("#err-core:not(:empty)", { timeout: 30000 });
  assert.match(await page.textContent("#err-core"), /core must be/);
  assert.doesNotMatch(await page.textContent("#status-text"), /Fix|Not run/);
  // Item 6: the core number does not carry over to another layer.
  await page.fill("#core", "5");
  await page.dispatchEvent("#core", "change");
  await page.waitForFunction(() => document.getElementById("listing").textContent.includes("; core 5 of 9"), null, { timeout: 30000 });
  await showDetail("conv1");
  assert.equal(await page.inputValue("#core"), "0");
  assert.match(await page.textContent("#listing"), /; core 0 of 3/);
  assert.equal(await page.textContent("#err-core"), "");
  assert.doesNotMatch(page.url(), /core=/);
});

test("layers that do not fit are named and never summed as the model (items 6, 7, 11)", async () => {
  await setForm(page, PARTIAL);
  await runAndWait(page);
  await assertTableIs(simArgs(PARTIAL), "partial");
  // Item 7: what was left out is said, prominently; no card is a model total.
  const warn = await page.textContent("#left-out");
  assert.ok(await page.isVisible("#left-out"), "left-out warning");
  assert.match(warn, /^4 of 21 layers do not fit the core budget of 1,024 cores and were not simulated: layer4\.0\.conv1 \(needs 1,152 cores\), layer4\.0\.conv2 \(needs 2,304 cores\), layer4\.1\.conv1 \(needs 2,304 cores\), layer4\.1\.conv2 \(needs 2,304 cores\)\. The model's total time is therefore unknown/);
  const cards = await page.$$eval("#summary .card", (cs) => cs.map((c) => [c.querySelector(".k").textContent, c.querySelector(".v").textContent]));
  assert.deepEqual(cards[0], ["Layers simulated", "17 of 21"]);
  for (const [k] of cards.slice(1, 6)) assert.match(k, /\(17 fitting layers only\)$/, `card ${k}`);
  assert.ok(!cards.some(([k]) => /total/i.test(k)), "a card calls itself a total");
  // Item 6: a layer that does not fit has no listing, and says so by the
  // listing; the run was a success: no form field is blamed.
  await page.click('#layers tbody tr[data-layer="layer4.1.conv2"]');
  await page.waitForSelector("#err-layer:not(:empty)", { timeout: 30000 });
  assert.match(await page.textContent("#err-layer"), /layer4\.1\.conv2 does not fit the core budget/);
  assert.equal(await page.textContent("#err-cores"), "");
  assert.equal(await page.getAttribute("#cores", "aria-invalid"), null);
  assert.doesNotMatch(await page.textContent("#status-text"), /Fix|Not run/);
  assert.match(await page.textContent("#detail-note"), /needs 2304 cores/);
  assert.ok(!(await page.isVisible("#timeline svg")), "no timeline for a layer that does not run");
  // Item 11: efficiencies above 100% are explained (on the shared bus one
  // layer exceeds it here; on AXI4 none does).
  await page.click("#params-box summary");
  await page.selectOption("#param-interconnect", "shared");
  await runAndWait(page);
  assert.match(await page.textContent("#summary-notes"), /1 layer exceeds 100% efficiency \(layer2\.0\.downsample\.0\): in the sequential baseline the PH column groups/);
  await page.click("#params-reset");
  await page.click("#params-box summary");
});

test("crossbar 0 shows a message, keeps the URL and the results, and the page still works", async () => {
  const url = page.url();
  const label = await page.textContent("#results-for");
  await page.fill("#xbar", "0");
  await page.click("#run");
  await page.waitForSelector("#err-xbar:not(:empty)", { timeout: 30000 });
  const msg = await page.textContent("#err-xbar");
  assert.match(msg, /crossbar "0"/);
  assert.equal(await page.getAttribute("#xbar", "aria-invalid"), "true");
  assert.equal(await page.isEnabled("#run"), true);
  // Item 8: a refused configuration does not reach the URL; the results on
  // screen stay those of the last run and say so.
  assert.equal(page.url(), url);
  assert.equal(await page.textContent("#results-for"), label);
  assert.match(await page.textContent("#status-text"), /Not run: .* The results below are still those of resnet18 at 64 px/);
  // A core budget of 0 is named too (0 is not read as "the default").
  await page.fill("#xbar", "64x64");
  await page.fill("#cores", "0");
  await page.click("#run");
  await page.waitForSelector("#err-cores:not(:empty)", { timeout: 30000 });
  assert.match(await page.textContent("#err-cores"), /core budget must be/);
  assert.equal(await page.textContent("#err-xbar"), "");
  assert.equal(page.url(), url);
  // A valid value again: the message goes and results come back.
  const cfg = { ...CONFIG, xbar: "32x32", scheme: "linear" };
  await setForm(page, cfg);
  await runAndWait(page);
  assert.equal(await page.textContent("#err-xbar"), "");
  await assertTableIs(simArgs(cfg), "32x32");
  assert.match(page.url(), /xbar=32x32&bus=16&cores=1024&scheme=linear/);
});

test("a bus-width sweep draws one point per layer with a caption; a bad width is named", async () => {
  await page.fill("#buses", "8,x");
  await page.click("#sweep");
  await page.waitForSelector("#err-buses:not(:empty)", { timeout: 30000 });
  assert.match(await page.textContent("#err-buses"), /bus widths must be whole numbers/);
  await sweep("8,64");
  assert.equal(await page.textContent("#err-buses"), "");
  assert.ok(await page.isVisible("#sweep-figure svg"), "efficiency figure");
  assert.match(await page.textContent("#status-text"), /Sweep of 2 bus widths \(\d+ results\)/);
  // Item 12: the figure's points are layers, and the caption says so.
  assert.match(await page.textContent("#sweep-caption"), /one point per layer and bus width, nothing averaged\. Left out: \d+ results with PV = 1/);
});

test("a model switch after a sweep clears it; downloads are named from the run, not the form (item 5)", async () => {
  // The sweep on screen is ResNet-18's (the previous test); its downloads
  // say so.
  const label = await page.textContent("#results-for");
  const csvSweep = await downloadOf("#dl-sweep-csv");
  assert.match(csvSweep.name, /^resnet18-224px-32x32-bus16-cores1024-linear-sweep-bus8_64\.csv$/);
  assert.equal(csvSweep.text.split("\n")[0], "# cimkit playground bus-width sweep (8, 64 B): " + label);
  assert.match(csvSweep.text, /^# arch: \{"xbar_rows":32,"xbar_cols":32,/m);
  // Another model: the sweep goes, with its downloads.
  const lenet = { model: "lenet5", input: "32", xbar: "32x32", bus: "16", cores: "64", scheme: "cyclic" };
  await setForm(page, lenet);
  await runAndWait(page);
  assert.ok(!(await page.isVisible("#sweep-figure svg")), "the sweep of resnet18 is still on screen");
  assert.ok(!(await page.isVisible("#dl-sweep-csv")), "the sweep's CSV can still be downloaded");
  assert.equal(await page.textContent("#results-for"), "lenet5 at 32 px, 32x32 crossbars, 16 B bus, 64 cores, cyclic");
  // The form changes, nothing runs: downloads, the layer view and a new
  // sweep keep to the run on screen.
  await setForm(page, { ...CONFIG, model: "resnet18", xbar: "128x128" });
  const csv = await downloadOf("#dl-csv");
  assert.equal(csv.name, "lenet5-32px-32x32-bus16-cores64-cyclic.csv");
  const lines = csv.text.trim().split("\n");
  assert.equal(lines[0], "# cimkit playground results: lenet5 at 32 px, 32x32 crossbars, 16 B bus, 64 cores, cyclic");
  assert.equal(lines[3], "# simulator: arbiter=oldest blocking_mvm=no");
  assert.equal(lines.filter((l) => !l.startsWith("#")).length, 1 + 5, "header and 5 layers");
  assert.equal(lines[4], "# tech: cimkit-default-32nm (default, cim/energy/tech/default.json)");
  assert.ok(lines.slice(6).every((l) => l.startsWith("lenet5,")), "rows of another model");
  // The preamble does not stop the command line from reading the file.
  const saved = join(ARTIFACTS, csv.name);
  writeFileSync(saved, csv.text);
  rmSync(join(ARTIFACTS, "plot-from-download"), { recursive: true, force: true });
  execFileSync(CIMKIT, ["plot", "--in", saved, "--out", join(ARTIFACTS, "plot-from-download"), "--format", "svg"], { stdio: "pipe" });
  await showDetail("conv2");
  assert.match(await page.innerHTML("#timeline"), /<title>Per-core timeline of conv2, cycles 0 to \d+: lenet5 at 32 px/);
  const tl = await downloadOf("#dl-timeline");
  assert.match(tl.name, /^lenet5-32px-32x32-bus16-cores64-cyclic-conv2-cycles0-\d+\.svg$/);
  const fig = await downloadOf('#figure-list [data-figure="speedup"] button');
  assert.equal(fig.name, "lenet5-32px-32x32-bus16-cores64-cyclic-speedup.svg");
  assert.match(fig.text, /<title>Speedup per layer next to its limit PV: lenet5 at 32 px/);
  await sweep("4,16");
  assert.match(await page.innerHTML("#sweep-figure"), /<title>Efficiency of each layer[^<]*: lenet5 at 32 px, 32x32 crossbars, 64 cores, cyclic<\/title>/);
  const svgSweep = await downloadOf("#dl-sweep-svg");
  assert.equal(svgSweep.name, "lenet5-32px-32x32-bus16-cores64-cyclic-sweep-efficiency.svg");
  assert.match(page.url(), /model=lenet5&input=32/);
});

test("an ONNX file chosen from disk is simulated like cimkit sim --onnx", async () => {
  const file = process.env.ONNX_MODEL;
  assert.ok(file, "ONNX_MODEL is not set: run through `make test-browser`");
  const cfg = { ...CONFIG, xbar: "64x64", scheme: "cyclic" };
  await setForm(page, cfg);
  const n = await runCount(page);
  await page.setInputFiles("#onnx", file);
  await waitRuns(page, n);
  assert.match(await page.inputValue("#model"), /^onnx:ch_ppocr_mobile_v2\.0_cls_infer$/);
  const args = simArgs(cfg).filter((a, i, all) => a !== "--model" && all[i - 1] !== "--model");
  await assertTableIs([...args, "--onnx", file], "ONNX");
  assert.match(page.url(), /model=onnx%3Ach_ppocr_mobile_v2\.0_cls_infer/);
});

test("shared links that cannot be run are refused visibly and the URL is kept (item 8)", async () => {
  const cases = [
    [{ model: "gpt", xbar: "32x32" }, "#err-model", /model "gpt", which is not in the zoo/],
    [{ model: "onnx:mynet", xbar: "32x32" }, "#err-model", /ONNX file "mynet", which stays in the browser of whoever made the link/],
    [{ model: "lenet5", input: "32", scheme: "zigzag" }, "#err-scheme", /scheme "zigzag": want sequential, linear, cyclic/],
    [{ model: "lenet5", input: "32", colour: "red" }, "#err-global", /settings the page does not know: "colour"/],
    [{ model: "lenet5", input: "32", arbiter: "lottery" }, "#err-param-arbiter", /arbiter to "lottery": want oldest, rr/],
    [{ model: "lenet5", input: "32", mvm_cycles: "fast" }, "#err-param-mvm_cycles", /mvm_cycles must be a whole number in 1\.\.16777216/],
    [{ model: "lenet5", input: "8" }, "#err-input", /input size must be/],
  ];
  for (const [query, err, msg] of cases) {
    const url = URL_BASE + "?" + new URLSearchParams(query).toString();
    await page.goto(url);
    await page.waitForSelector(err + ":not(:empty)", { timeout: 60000 });
    assert.match(await page.textContent(err), msg, JSON.stringify(query));
    assert.match(await page.textContent("#status-text"), /Not run|could not be opened/, JSON.stringify(query));
    assert.equal(page.url(), url, "the URL was rewritten");
    assert.ok(!(await page.isVisible("#results")), "something ran: " + JSON.stringify(query));
    assert.equal(await runCount(page), 0);
    if (err.startsWith("#err-param")) assert.ok(await page.isVisible(err), "the parameters box is open");
  }
  // The scheme box is never left blank while another scheme would run.
  await page.goto(URL_BASE + "?scheme=zigzag");
  await page.waitForSelector("#err-scheme:not(:empty)", { timeout: 60000 });
  assert.equal(await page.inputValue("#scheme"), "cyclic");
  // Fixed by hand: the run goes, and the URL becomes that run.
  await setForm(page, { model: "lenet5", input: "32", xbar: "32x32", bus: "16", cores: "64", scheme: "linear" });
  await runAndWait(page);
  assert.match(page.url(), /\?model=lenet5&input=32&xbar=32x32&bus=16&cores=64&scheme=linear&layer=conv1$/);
});

test("timing parameters change the numbers as cimkit sim --arch does, and travel in links and downloads (item 11)", async () => {
  await open(page, { model: "lenet5", input: "32" });
  await setForm(page, PARTIAL);
  assert.ok(!(await page.isVisible("#param-mvm_cycles")), "the parameters box starts closed");
  await page.click("#params-box summary");
  // Every arch field but the main form's is there, with its doc.
  for (const name of ["clock_mhz", "mvm_cycles", "bus_overhead_cycles", "burst_beats", "digital_cycles", "psum_bytes", "seq_reg_bytes", "shared_mem_bytes", "arbiter", "blocking_mvm"]) {
    assert.ok(await page.isVisible("#param-" + name), name);
  }
  const mvm = defaultArch().mvm_cycles;
  assert.match(await page.textContent("#params"), new RegExp(`Latency of one crossbar MVM[^.]*\\. Default ${mvm}; 1 to 16,777,216\\.`));
  await page.fill("#param-mvm_cycles", "800");
  await page.selectOption("#param-arbiter", "rr");
  assert.equal(await page.textContent("#params-changed"), "(2 changed)");
  await runAndWait(page);
  const archFile = join(ARTIFACTS, "arch-mvm800.json");
  writeFileSync(archFile, JSON.stringify({ mvm_cycles: 800 }));
  await assertTableIs([...simArgs(PARTIAL), "--arch", archFile, "--arbiter", "rr"], "mvm_cycles 800, rr");
  assert.match(page.url(), /&mvm_cycles=800&arbiter=rr|&arbiter=rr&mvm_cycles=800/);
  assert.match(await page.textContent("#results-for"), /; arbiter=rr, mvm_cycles=800$/);
  assert.match(await page.textContent("#summary-notes"), /Timing model: MVM 800 cycles.*arbiter=rr, blocking_mvm=no/);
  const csv = await downloadOf("#dl-csv");
  assert.equal(csv.name, "resnet18-64px-32x32-bus4-cores1024-linear-arbiterrr-mvm_cycles800.csv");
  assert.match(csv.text, /^# arch: \{[^\n]*"mvm_cycles":800,/m);
  assert.match(csv.text, /^# simulator: arbiter=rr blocking_mvm=no$/m);
  assert.match(await page.innerHTML('#figure-list [data-figure="speedup"]'), /<title>[^<]*; arbiter=rr, mvm_cycles=800<\/title>/);
  // The link opens the same run, parameters and all.
  const url = page.url();
  const rows = await pageRows();
  await page.goto(url);
  await waitRuns(page, 0);
  assert.equal(await page.inputValue("#param-mvm_cycles"), "800");
  assert.equal(await page.inputValue("#param-arbiter"), "rr");
  assert.deepEqual(await pageRows(), rows);
  await page.click("#params-box summary");
  await page.click("#params-reset");
  assert.equal(await page.inputValue("#param-mvm_cycles"), String(mvm));
  assert.equal(await page.textContent("#params-changed"), "(defaults)");
});

test("usable at 390 px: nothing overflows and text stays readable (item 9)", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await open(page, { ...PARTIAL, xbar: "32x32", layer: "layer1.0.conv1" });
    await page.waitForFunction(() => document.getElementById("timeline-status").textContent === "" &&
      document.querySelector("#timeline svg"), null, { timeout: 60000 });
    await sweep("4,16");
    await page.click("#params-box summary");
    const m = await phoneLayout(page);
    metrics.phone_scroll_width = m.scrollWidth;
    assert.equal(m.scrollWidth, m.clientWidth, "the page scrolls sideways");
    assert.deepEqual(m.wide, [], "elements overflow the screen");
    assert.deepEqual(m.small, [], "text too small to read");
    assert.ok(m.svgs >= 5, `${m.svgs} figures checked`);
    await page.screenshot({ path: join(ARTIFACTS, "playground-390px.png"), fullPage: true });
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("a long run shows progress inside a layer and the time waited (item 13)", async () => {
  // LeNet-5 at 224 px on 4x4 crossbars: conv1 runs 14 cores x 48,400
  // vectors and conv2 152 cores x 11,236 vectors, twice each (cyclic and
  // sequential): about 4.8M MVMs, seconds in a browser.
  await open(page, { model: "lenet5", input: "32", xbar: "32x32" });
  await setForm(page, { model: "lenet5", input: "224", xbar: "4x4", bus: "16", cores: "1024", scheme: "cyclic" });
  await page.evaluate(() => {
    window.statuses = [];
    new MutationObserver(() => window.statuses.push(document.getElementById("status-text").textContent))
      .observe(document.getElementById("status-text"), { childList: true, characterData: true, subtree: true });
  });
  await runAndWait(page);
  const statuses = await page.evaluate(() => window.statuses);
  const inside = statuses.filter((s) => /running (conv1|conv2) \d+%/.test(s));
  assert.ok(inside.length >= 2, "no progress inside a layer in: " + statuses.slice(0, 8).join(" | "));
  assert.ok(statuses.some((s) => /Layers done: \d of 5[;.].* [\d.]+ s after the click/.test(s)), "the wait is not reported");
  assert.match(statuses.at(-1), /5 layers of lenet5 simulated in [\d.]+ s on \d workers?; everything on screen [\d.]+ s after the click\./);
  metrics.progress_reports = inside.length;
});

test("a run can be cancelled and the page works afterwards", async () => {
  await open(page, CONFIG);
  const label = await page.textContent("#results-for");
  // A sweep of five bus widths takes seconds: time enough to cancel it.
  await page.fill("#buses", "4,8,16,32,64");
  await page.click("#sweep");
  await page.waitForSelector("#cancel:enabled", { timeout: 10000 });
  await page.click("#cancel");
  await page.waitForFunction(() => document.getElementById("status-text").textContent === "Sweep cancelled.", null, { timeout: 10000 });
  // A model run cancelled: the previous results come back, labelled.
  await setForm(page, { ...CONFIG, xbar: "16x16" });
  await page.click("#run");
  await page.waitForFunction(() => document.getElementById("results-for").textContent.endsWith("(running)"), null, { timeout: 30000 });
  await page.click("#cancel");
  await page.waitForFunction(() => document.getElementById("status-text").textContent.startsWith("Cancelled. Showing the previous results"), null, { timeout: 10000 });
  assert.equal(await page.textContent("#results-for"), label);
  await setForm(page, CONFIG);
  await runAndWait(page);
  assert.match(await page.textContent("#status-text"), /layers of resnet18/);
});

test("whole ResNet-18 in the browser is at most 3x the native time", async () => {
  // The page is warm and set to CONFIG. Best of five runs on each side,
  // interleaved, so that a burst of other work does not decide the ratio.
  let browserMs = Infinity;
  let nativeMs = Infinity;
  for (let i = 0; i < 5; i++) {
    await runAndWait(page);
    browserMs = Math.min(browserMs, Number(await page.getAttribute("body", "data-run-ms")));
    nativeMs = Math.min(nativeMs, cli(simArgs(CONFIG)).ms);
  }
  metrics.resnet18_browser_ms = Math.round(browserMs);
  metrics.resnet18_native_ms = Math.round(nativeMs);
  metrics.browser_workers = Number((await page.textContent("#status-text")).match(/on (\d+) worker/)[1]);
  metrics.browser_phases_ms = await page.getAttribute("body", "data-phases"); // check, simulate, summarise, draw
  await page.screenshot({ path: join(ARTIFACTS, "playground.png"), fullPage: true });
  assert.ok(browserMs > 0, "the page reports its run time");
  checkTime("browser_vs_native", +(browserMs / nativeMs).toFixed(2), 3);
});

test("the wasm is served gzipped and is at most 5 MB", async () => {
  const gz = await new Promise((resolve, reject) => {
    request(URL_BASE + "cimkit.wasm", { headers: { "Accept-Encoding": "gzip" } }, (res) => {
      const parts = [];
      res.on("data", (c) => parts.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(parts) }));
    }).on("error", reject).end();
  });
  assert.equal(gz.headers["content-type"], "application/wasm");
  gz.enc = gz.headers["content-encoding"];
  assert.equal(gz.enc, "gzip");
  metrics.wasm_gzip_bytes = gz.body.length;
  metrics.wasm_bytes = gunzipSync(gz.body).length;
  // 5 MB in decimal. The wasm links only gonum/plot's SVG back end
  // (`-tags minimal`, see mk/browser.mk); gonum/plot's twelve embedded
  // Liberation fonts are still about 2.4 MB of it.
  metrics.wasm_gzip_mb = +(gz.body.length / 1e6).toFixed(2);
  assert.ok(gz.body.length <= 5_000_000, `wasm is ${gz.body.length} bytes gzipped (target 5,000,000)`);
});

test("the configuration lives in the URL: a shared link opens the same view", async () => {
  const url = URL_BASE + "?model=lenet5&input=32&xbar=16x16&bus=8&cores=1024&scheme=linear&layer=fc1&core=1";
  await page.goto(url);
  await page.waitForFunction(() => Number(document.body.dataset.done || 0) >= 1, null, { timeout: 60000 });
  await page.waitForFunction(() => document.getElementById("listing").textContent.includes("; core 1 of"), null, { timeout: 30000 });
  assert.equal(await page.inputValue("#model"), "lenet5");
  assert.equal(await page.inputValue("#xbar"), "16x16");
  assert.equal(await page.inputValue("#scheme"), "linear");
  assert.equal(await page.textContent("#detail-name"), "fc1");
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get("layer"), "fc1");
  assert.equal(q.get("core"), "1");
  assert.equal(q.get("bus"), "8");
  await page.screenshot({ path: join(ARTIFACTS, "playground-lenet5.png"), fullPage: true });
  // A timeline window travels too.
  await page.goto(URL_BASE + "?model=lenet5&input=32&xbar=16x16&bus=8&cores=1024&scheme=linear&layer=conv2&from=5000&to=9000");
  await page.waitForFunction(() => Number(document.body.dataset.done || 0) >= 1, null, { timeout: 60000 });
  assert.equal(await page.inputValue("#from"), "5000");
  assert.equal(await page.inputValue("#to"), "9000");
  assert.match(await page.innerHTML("#timeline"), /cycles 5000 to 9000/);
  assert.match(page.url(), /layer=conv2&from=5000&to=9000/);
});
