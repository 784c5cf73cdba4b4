// Browser tests of the playground's energy and area (issue 14), run by
// run.sh with playground.test.mjs against the same `cimkit serve`.
//
// Checked: the energy view's cards and per-layer table show the numbers of
// `cimkit sim --format json` (the total row and each layer's), with the
// default technology, with ISAAC's table (`--tech cim/energy/tech/isaac.json`)
// and with a technology file chosen from disk (`--tech FILE`), including a
// run where layers do not fit; the technology travels in the label, the
// link and the CSV download; a link that names a technology file is
// refused with a message that says why; a bad technology file shows its
// error by the field and the page keeps working.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./chromium.mjs";
import { URL_BASE, CIMKIT, ARTIFACTS, cli, shownValues, assertSame, runCount, waitRuns, open, setForm, runAndWait } from "./common.mjs";

const TECH_DIR = fileURLToPath(new URL("../../cim/energy/tech/", import.meta.url));
const ISAAC = join(TECH_DIR, "isaac.json");
const CONFIG = { model: "resnet18", input: "224", xbar: "64x64", bus: "16", cores: "1024", scheme: "cyclic" };
// Four layer4 convolutions of ResNet-18 need 1152 or 2304 cores here and
// do not fit (as in playground.test.mjs).
const PARTIAL = { model: "resnet18", input: "64", xbar: "32x32", bus: "4", cores: "1024", scheme: "linear" };

let page, closeBrowser;

before(async () => {
  assert.ok(URL_BASE && CIMKIT, "PLAYGROUND_URL or CIMKIT is not set: run through `make test-browser`");
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ page, close: closeBrowser } = await launch());
});

after(async () => {
  await closeBrowser?.();
});

// cliRecords returns `cimkit sim --format json` for cfg (with extra flags):
// the layers and the total.
function cliRecords(cfg, extra = []) {
  const all = cli(["sim", "--model", cfg.model, "--input", cfg.input, "--xbar", cfg.xbar, "--bus", cfg.bus,
    "--cores", cfg.cores, "--scheme", cfg.scheme, "--format", "json", ...extra]).data;
  return { rows: all.filter((r) => r.layer !== "total"), total: all.find((r) => r.layer === "total") };
}

// assertEnergyIs checks the energy view against cimkit sim: every layer's
// row, and the cards against the total.
async function assertEnergyIs(cfg, extra, where) {
  const want = cliRecords(cfg, extra);
  const rows = await shownValues(page, "#energy-layers tbody tr");
  assert.equal(rows.length, want.rows.length, `${where}: layer count`);
  for (let i = 0; i < rows.length; i++) {
    const w = want.rows[i];
    if (w.fits) assertSame(rows[i], w, `${where} ${w.layer}`);
    else assert.deepEqual(rows[i], { layer: w.layer }, `${where} ${w.layer} does not fit: no energy`);
  }
  const [cards] = await shownValues(page, "#energy-cards");
  assertSame(cards, want.total, `${where} total`);
  for (const f of ["energy", "sync_cost"]) assert.ok(await page.isVisible(`#energy-figures [data-figure="${f}"] svg`), `${where}: ${f} figure`);
  return want;
}

test("energy and area of ResNet-18 equal cimkit sim's, default technology and ISAAC's table", async () => {
  await open(page, CONFIG);
  assert.equal(await page.inputValue("#tech"), "default");
  const want = await assertEnergyIs(CONFIG, [], "default");
  assert.match(await page.textContent("#energy-note"), /^Priced with the technology cimkit-default-32nm \(/);
  assert.match(await page.textContent("#energy-notes"), /Where the energy goes: leakage [\d.]+%/);
  assert.match(await page.textContent("#energy-cards"), /A PUMA attribute buffer instead, [\d.]+x/);
  assert.ok(want.total.puma_area_mm2 > want.total.sync_area_mm2, "the PUMA buffer is larger than the sequence registers");
  await page.click("#tech-box summary");
  assert.equal(await page.locator("#tech-table tbody tr").count(), 12, "one row per component");
  assert.match(await page.textContent("#tech-table"), /attribute_buffer/);

  await page.selectOption("#tech", "isaac");
  await runAndWait(page);
  await assertEnergyIs(CONFIG, ["--tech", ISAAC], "isaac");
  assert.match(await page.textContent("#results-for"), /, cyclic; tech=isaac$/);
  assert.match(page.url(), /&tech=isaac(&|$)/);
  assert.match(await page.textContent("#tech-name"), /isaac-ce-32nm/);
  // The download says which technology priced it, and carries the energy.
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#dl-csv")]);
  const csv = readFileSync(await dl.path(), "utf8");
  assert.equal(dl.suggestedFilename(), "resnet18-224px-64x64-bus16-cores1024-cyclic-techisaac.csv");
  assert.match(csv, /^# tech: isaac-ce-32nm \(isaac, cim\/energy\/tech\/isaac\.json\)$/m);
  assert.match(csv.split("\n").find((l) => !l.startsWith("#")), /,energy_pj,.*,tops_per_w,/);
  // The link opens the same run with the same technology.
  const rows = await shownValues(page, "#energy-layers tbody tr");
  await page.goto(page.url());
  await waitRuns(page, 0);
  assert.equal(await page.inputValue("#tech"), "isaac");
  assert.deepEqual(await shownValues(page, "#energy-layers tbody tr"), rows);
});

test("layers that do not fit have no energy, and the cards say they sum the rest", async () => {
  await setForm(page, PARTIAL);
  await page.selectOption("#tech", "default");
  await runAndWait(page);
  await assertEnergyIs(PARTIAL, [], "partial");
  assert.match(await page.textContent('#energy-layers tr[data-layer="layer4.1.conv2"]'), /does not fit/);
  const card = page.locator('#energy-cards .card[data-key="energy_pj"]');
  assert.match(await card.textContent(), /\(17 fitting layers only\)/);
  assert.match(await card.getAttribute("class"), /partial/);
});

test("a technology file: a bad one shows its error by the field and the page keeps working; a good one gives cimkit sim --tech's numbers", async () => {
  const label = await page.textContent("#results-for");
  const runs = await runCount(page);
  const isaac = JSON.parse(readFileSync(ISAAC, "utf8"));
  const bad = structuredClone(isaac);
  bad.components.adc.power = "-16 mW";
  const badFile = join(ARTIFACTS, "tech-bad.json");
  writeFileSync(badFile, JSON.stringify(bad));
  await page.setInputFiles("#tech-file", badFile);
  await page.waitForSelector("#err-tech:not(:empty)", { timeout: 30000 });
  assert.equal(await page.textContent("#err-tech"), 'tech-bad.json: tech: components.adc: power: "-16 mW" is negative');
  assert.equal(await page.getAttribute("#tech", "aria-invalid"), "true");
  assert.match(await page.textContent("#status-text"), /technology file was not loaded.*still those of /);
  assert.equal(await page.textContent("#results-for"), label);
  assert.equal(await runCount(page), runs, "a bad file ran something");
  assert.equal(await page.inputValue("#tech"), "default");
  // A good file: ISAAC's table with ADCs twice as costly.
  const costly = structuredClone(isaac);
  costly.name = "isaac-costly-adcs";
  costly.components.adc.power = "32 mW";
  const file = join(ARTIFACTS, "tech-costly.json");
  writeFileSync(file, JSON.stringify(costly, null, 2));
  await page.setInputFiles("#tech-file", file);
  await waitRuns(page, runs);
  assert.equal(await page.textContent("#err-tech"), "");
  assert.equal(await page.inputValue("#tech"), "file:tech-costly.json");
  const want = await assertEnergyIs(PARTIAL, ["--tech", file], "file");
  const isaacTotal = cliRecords(PARTIAL, ["--tech", ISAAC]).total;
  assert.ok(want.total.energy_adc_pj > 1.9 * isaacTotal.energy_adc_pj, "the file's ADCs are not twice ISAAC's");
  assert.match(await page.textContent("#tech-link-note"), /cannot carry it/);
  assert.match(page.url(), /&tech=file%3Atech-costly\.json/);
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#dl-csv")]);
  const pre = readFileSync(await dl.path(), "utf8").split("\n").find((l) => l.startsWith("# tech:"));
  assert.deepEqual(JSON.parse(pre.replace(/^# tech: isaac-costly-adcs \(file:tech-costly\.json\): /, "")), costly);
  // A follow-up request (a bus-width sweep) keeps the file's technology:
  // its energies are cimkit sim --tech FILE's at that bus width.
  const n = Number((await page.getAttribute("body", "data-sweeps")) || 0);
  await page.fill("#buses", "8");
  await page.click("#sweep");
  await page.waitForFunction((k) => Number(document.body.dataset.sweeps || 0) > k, n, { timeout: 120000 });
  const [sw] = await Promise.all([page.waitForEvent("download"), page.click("#dl-sweep-csv")]);
  const lines = readFileSync(await sw.path(), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
  const cols = lines[0].split(",");
  const swept = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
  const bus8 = cliRecords({ ...PARTIAL, bus: "8" }, ["--tech", file]).rows;
  assert.equal(swept.length, bus8.length);
  for (let i = 0; i < swept.length; i++) {
    assert.equal(Number(swept[i].energy_pj || 0), bus8[i].energy_pj || 0, `sweep at 8 B: ${bus8[i].layer}`);
  }
  // A link cannot carry the file: opening it asks for the file.
  const url = page.url();
  await page.goto(url);
  await page.waitForSelector("#err-tech:not(:empty)", { timeout: 60000 });
  assert.match(await page.textContent("#err-tech"), /technology file "tech-costly\.json", which stays in the browser of whoever made the link/);
  assert.equal(page.url(), url);
  assert.equal(await runCount(page), 0);
  // The page works: the default technology runs.
  await setForm(page, { model: "lenet5", input: "32", xbar: "32x32", bus: "16", cores: "64", scheme: "cyclic" });
  await runAndWait(page);
  assert.equal(await page.textContent("#err-tech"), "");
  await assertEnergyIs({ model: "lenet5", input: "32", xbar: "32x32", bus: "16", cores: "64", scheme: "cyclic" }, [], "after");
  await page.screenshot({ path: join(ARTIFACTS, "playground-energy.png"), fullPage: true });
});
