// Browser test of the playground's whole-network view (wasm/web/network.js):
// ResNet-18 on 128x128 crossbars, layer by layer, pipelined and pipelined
// with duplication, shows the numbers of `cimkit net --format json` (every
// column of the runs table), the network timeline and the per-layer table of
// `cimkit net --layers`; a bad image count is named next to its field.
// run.sh starts `cimkit serve` and sets PLAYGROUND_URL and CIMKIT.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch } from "./chromium.mjs";
import { URL_BASE, CIMKIT, ARTIFACTS, cli, shownValues, assertSame, open } from "./common.mjs";

const CONFIG = { model: "resnet18", input: "224", xbar: "128x128", bus: "16", cores: "1024", scheme: "linear" };

let page, closeBrowser;
const metrics = {};

before(async () => {
  assert.ok(URL_BASE && CIMKIT, "PLAYGROUND_URL or CIMKIT is not set: run through `make test-browser`");
  ({ page, close: closeBrowser } = await launch());
});

after(async () => {
  await closeBrowser?.();
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, "network-metrics.json"), JSON.stringify(metrics, null, 2) + "\n");
  console.log("network metrics:", JSON.stringify(metrics));
});

function netArgs(extra) {
  return ["net", "--model", CONFIG.model, "--input", CONFIG.input, "--xbar", CONFIG.xbar, "--bus", CONFIG.bus,
    "--cores", CONFIG.cores, "--scheme", CONFIG.scheme, "--duplicate", "--format", "json", ...extra];
}

// tableRows reads a table: for each row, the raw value of every cell.
async function tableRows(id) {
  return shownValues(page, `#${id} tbody tr`);
}

async function runNetwork() {
  const n = Number((await page.getAttribute("body", "data-network-done")) || 0);
  await page.click("#net-go");
  await page.waitForFunction((k) => Number(document.body.dataset.networkDone || 0) > k ||
    document.getElementById("err-global").textContent !== "" ||
    [...document.querySelectorAll("#network-section .err")].some((e) => e.textContent !== ""), n, { timeout: 180000 });
}

test("whole network: the page shows cimkit net's numbers", async () => {
  await open(page, CONFIG, 180000);
  assert.ok(await page.isVisible("#network-section"), "network section");
  await runNetwork();
  metrics.network_ms = Number(await page.getAttribute("body", "data-network-ms"));
  const native = cli(netArgs([]));
  metrics.network_native_ms = Math.round(native.ms);
  const shown = await tableRows("net-runs");
  assert.equal(shown.length, 3, "layer, pipelined, pipelined duplicated");
  for (let i = 0; i < 3; i++) assertSame(shown[i], native.data[i], `run ${i} (${native.data[i].mode})`, 10);
  assert.equal(await page.textContent("#net-for"), "resnet18 at 224 px, 128x128 crossbars, 16 B bus, 1024 cores, linear");
  const svg = await page.innerHTML("#net-timeline");
  assert.match(svg, /<title>Network timeline: resnet18 at 224 px, 128x128 crossbars/);
  for (const run of ["layer by layer", "pipelined", "pipelined, duplicated"]) assert.ok(svg.includes(run + ": "), `key ${run}`);
  assert.match(await page.textContent("#net-copies"), /Weight copies of the duplicated run: conv1 x\d+/);
  // The per-layer table shows the duplicated run's layers, as cimkit net --layers.
  const layers = cli(netArgs(["--layers"])).data.filter((l) => l.mode === "pipelined" && l.duplicate);
  const rows = await tableRows("net-layers");
  assert.equal(rows.length, layers.length, "layers of the duplicated run");
  for (let i = 0; i < rows.length; i++) assertSame(rows[i], layers[i], `layer ${layers[i].layer}`, 10);
  // Another run's layers.
  await page.selectOption("#net-run", "0");
  assert.equal((await tableRows("net-layers"))[0].start_cycles, "0");
  console.log(`whole network in the browser: ${metrics.network_ms} ms, natively ${metrics.network_native_ms} ms`);
});

test("whole network: a bad image count is named next to its field", async () => {
  await page.fill("#net-images", "0");
  await runNetwork();
  assert.match(await page.textContent("#err-net-images"), /images must be a whole number in 1\.\.16/);
  await page.fill("#net-images", "1");
});
