// Browser tests of the cimkit playground: Debian chromium driven by
// playwright-core. run.sh starts `cimkit serve` and sets PLAYGROUND_URL.
//
// Checked: the page loads and shows results; a ResNet-18 layer and the whole
// model show the same numbers as `cimkit sim --format json`; crossbar 0 gives
// a message next to the field and the page works afterwards; a bus-width
// sweep draws its figure and names a bad width; an ONNX file chosen from disk
// gives `cimkit sim --onnx`'s numbers; a run can be cancelled; a shared URL
// opens the same view. Measured (written to test-artifacts/metrics.json): gzipped wasm
// size (<= 5,000,000 bytes), time to first results (<= 3 s), whole ResNet-18 in the
// browser vs natively (<= 3x).
//
// The two time targets are asserted when the machine is otherwise idle (load
// average below the number of CPUs when the tests start). On a loaded
// machine they are measured and reported, and only a loose bound (3x the
// target) fails the test: other processes would make a strict timed test
// flaky.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir, loadavg, cpus } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { request } from "node:http";
import { chromium } from "playwright-core";

const URL_BASE = process.env.PLAYGROUND_URL;
const CIMKIT = process.env.CIMKIT;
const ARTIFACTS = process.env.ARTIFACTS || "test-artifacts";
const CONFIG = { model: "resnet18", input: "224", xbar: "64x64", bus: "16", cores: "1024", scheme: "cyclic" };
const LAYER = "layer1.0.conv1";

let context, page, userDir;
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
  userDir = mkdtempSync(join(tmpdir(), "cimkit-chromium-"));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
});

after(async () => {
  await context?.close();
  if (userDir) rmSync(userDir, { recursive: true, force: true });
  writeFileSync(join(ARTIFACTS, "metrics.json"), JSON.stringify(metrics, null, 2) + "\n");
  console.log("browser metrics:", JSON.stringify(metrics));
});

// cli runs the native tool and returns its JSON output and wall time.
function cli(args) {
  const t0 = performance.now();
  const out = execFileSync(CIMKIT, args, { encoding: "utf8", maxBuffer: 64 << 20 });
  return { data: JSON.parse(out), ms: performance.now() - t0 };
}

function simArgs(cfg, layer) {
  const a = ["sim", "--model", cfg.model, "--input", cfg.input, "--xbar", cfg.xbar, "--bus", cfg.bus,
    "--cores", cfg.cores, "--scheme", cfg.scheme, "--format", "json"];
  return layer ? [...a, "--layer", layer] : a;
}

// cliRows returns the per-layer records of `cimkit sim --format json`.
function cliRows(data) {
  const rows = Array.isArray(data) ? data : data.rows || data.results || [data];
  return rows.filter((r) => r.layer !== "total");
}

// pageRows reads the table: for each row, the raw value of every cell.
async function pageRows() {
  return page.$$eval("#layers tbody tr", (trs) => trs.map((tr) => {
    const r = {};
    for (const td of tr.cells) if (td.dataset.value !== undefined) r[td.dataset.key] = td.dataset.value;
    return r;
  }));
}

function assertRowEqual(shown, want, where) {
  const keys = Object.keys(shown);
  assert.ok(keys.length >= 10, `${where}: only ${keys.length} values on the page`);
  for (const k of keys) {
    assert.ok(k in want, `${where}: column ${k} is not in cimkit sim's output`);
    const w = want[k];
    const got = typeof w === "number" ? Number(shown[k]) : typeof w === "boolean" ? shown[k] === "true" : shown[k];
    assert.strictEqual(got, w, `${where}: ${k} is ${shown[k]} on the page, ${w} natively`);
  }
}

async function runCount() {
  return Number((await page.getAttribute("body", "data-done")) || 0);
}

// runAndWait clicks Run and waits for the model run to finish.
async function runAndWait() {
  const n = await runCount();
  await page.click("#run");
  await page.waitForFunction((k) => Number(document.body.dataset.done || 0) > k, n, { timeout: 120000 });
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
  assert.match(await page.textContent("#status-text"), /layers of resnet18/);
});

test("whole ResNet-18: the page shows cimkit sim's numbers", async () => {
  const native = cli(simArgs(CONFIG));
  const want = cliRows(native.data);
  const shown = await pageRows();
  assert.equal(shown.length, want.length, "layer count");
  for (let i = 0; i < want.length; i++) assertRowEqual(shown[i], want[i], `row ${i} (${want[i].layer})`);
  for (const f of ["speedup", "overhead", "memory"]) {
    assert.ok(await page.isVisible(`#figure-list [data-figure="${f}"] svg`), `${f} figure`);
  }
  assert.ok(await page.isVisible("#summary .card"), "summary cards");
});

test("one ResNet-18 layer: timeline, listing and cimkit sim's numbers", async () => {
  await page.click(`#layers tbody tr[data-layer="${LAYER}"]`);
  await page.waitForFunction((l) => document.getElementById("detail-name").textContent === l &&
    document.getElementById("listing").textContent.includes("layer \"" + l + "\""), LAYER, { timeout: 30000 });
  assert.ok(await page.isVisible("#timeline svg"), "timeline figure");
  assert.match(await page.textContent("#listing"), /MVM/);
  assert.match(page.url(), /layer=layer1\.0\.conv1/);
  const want = cliRows(cli(simArgs(CONFIG, LAYER)).data);
  assert.equal(want.length, 1);
  const shown = (await pageRows()).find((r) => r.layer === LAYER);
  assertRowEqual(shown, want[0], LAYER);
  // Another core's listing; an out-of-range core gives a message there.
  await page.fill("#core", "1");
  await page.dispatchEvent("#core", "change");
  await page.waitForFunction(() => document.getElementById("listing").textContent.includes("; core 1 of"), null, { timeout: 30000 });
  await page.fill("#core", "99999");
  await page.dispatchEvent("#core", "change");
  await page.waitForSelector("#err-core:not(:empty)", { timeout: 30000 });
  assert.match(await page.textContent("#err-core"), /core must be/);
  await page.fill("#core", "0");
  await page.dispatchEvent("#core", "change");
  await page.waitForSelector("#err-core:empty", { state: "attached", timeout: 30000 });
});

test("crossbar 0 shows a message and the page still works", async () => {
  await page.fill("#xbar", "0");
  await page.click("#run");
  await page.waitForSelector("#err-xbar:not(:empty)", { timeout: 30000 });
  const msg = await page.textContent("#err-xbar");
  assert.match(msg, /crossbar "0"/);
  assert.equal(await page.getAttribute("#xbar", "aria-invalid"), "true");
  assert.equal(await page.isEnabled("#run"), true);
  // A core budget of 0 is named too (0 is not read as "the default").
  await page.fill("#xbar", "64x64");
  await page.fill("#cores", "0");
  await page.click("#run");
  await page.waitForSelector("#err-cores:not(:empty)", { timeout: 30000 });
  assert.match(await page.textContent("#err-cores"), /core budget must be/);
  assert.equal(await page.textContent("#err-xbar"), "");
  await page.fill("#cores", CONFIG.cores);
  // A valid value again: the message goes and results come back.
  const cfg = { ...CONFIG, xbar: "32x32", scheme: "linear" };
  await page.fill("#xbar", cfg.xbar);
  await page.selectOption("#scheme", cfg.scheme);
  await runAndWait();
  assert.equal(await page.textContent("#err-xbar"), "");
  const want = cliRows(cli(simArgs(cfg)).data);
  const shown = await pageRows();
  assert.equal(shown.length, want.length);
  for (let i = 0; i < want.length; i++) assertRowEqual(shown[i], want[i], `32x32 row ${i}`);
});

test("a bus-width sweep draws the efficiency figure; a bad width is named", async () => {
  await page.fill("#buses", "8,x");
  await page.click("#sweep");
  await page.waitForSelector("#err-buses:not(:empty)", { timeout: 30000 });
  assert.match(await page.textContent("#err-buses"), /bus widths must be whole numbers/);
  const n = Number((await page.getAttribute("body", "data-sweeps")) || 0);
  await page.fill("#buses", "8,64");
  await page.click("#sweep");
  await page.waitForFunction((k) => Number(document.body.dataset.sweeps || 0) > k, n, { timeout: 120000 });
  assert.equal(await page.textContent("#err-buses"), "");
  assert.ok(await page.isVisible("#sweep-figure svg"), "efficiency figure");
  assert.match(await page.textContent("#status-text"), /Sweep of 2 bus widths \(\d+ results\)/);
});

test("an ONNX file chosen from disk is simulated like cimkit sim --onnx", async () => {
  const file = process.env.ONNX_MODEL;
  assert.ok(file, "ONNX_MODEL is not set: run through `make test-browser`");
  const cfg = { ...CONFIG, xbar: "64x64", scheme: "cyclic" };
  await page.fill("#xbar", cfg.xbar);
  await page.selectOption("#scheme", cfg.scheme);
  const n = await runCount();
  await page.setInputFiles("#onnx", file);
  await page.waitForFunction((k) => Number(document.body.dataset.done || 0) > k, n, { timeout: 120000 });
  assert.match(await page.inputValue("#model"), /^onnx:ch_ppocr_mobile_v2\.0_cls_infer$/);
  const args = simArgs(cfg).filter((a, i, all) => a !== "--model" && all[i - 1] !== "--model");
  const want = cliRows(cli([...args, "--onnx", file]).data);
  const shown = await pageRows();
  assert.equal(shown.length, want.length, "layer count");
  for (let i = 0; i < want.length; i++) assertRowEqual(shown[i], want[i], `ONNX row ${i}`);
  // Back to the zoo model for the tests that follow.
  await page.selectOption("#model", CONFIG.model);
});

test("a run can be cancelled and the page works afterwards", async () => {
  // A sweep of five bus widths takes seconds: time enough to cancel it.
  await page.fill("#xbar", "32x32");
  await page.fill("#buses", "4,8,16,32,64");
  await page.click("#sweep");
  await page.waitForSelector("#cancel:enabled", { timeout: 10000 });
  await page.click("#cancel");
  await page.waitForFunction(() => document.getElementById("status-text").textContent === "Cancelled.", null, { timeout: 10000 });
  await page.fill("#xbar", CONFIG.xbar);
  await page.selectOption("#scheme", CONFIG.scheme);
  await runAndWait();
  assert.match(await page.textContent("#status-text"), /layers of resnet18/);
});

test("whole ResNet-18 in the browser is at most 3x the native time", async () => {
  // The page is warm and set to CONFIG. Best of five runs on each side,
  // interleaved, so that a burst of other work does not decide the ratio.
  let browserMs = Infinity;
  let nativeMs = Infinity;
  for (let i = 0; i < 5; i++) {
    await runAndWait();
    browserMs = Math.min(browserMs, Number(await page.getAttribute("body", "data-run-ms")));
    nativeMs = Math.min(nativeMs, cli(simArgs(CONFIG)).ms);
  }
  metrics.resnet18_browser_ms = Math.round(browserMs);
  metrics.resnet18_native_ms = Math.round(nativeMs);
  metrics.browser_workers = Number((await page.textContent("#status-text")).match(/on (\d+) worker/)[1]);
  metrics.browser_phases_ms = await page.getAttribute("body", "data-phases"); // list, simulate, summarise, draw
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
});
