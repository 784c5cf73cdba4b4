// Browser test of the energy and whole-network views on a phone (390 px
// wide) while the run on screen changes: a layer chosen, another scheme,
// another model. After each step nothing overflows the screen and text
// stays readable; the energy table and the network runs show cimkit sim's
// and cimkit net's numbers for the run on screen; choosing a layer keeps
// both views as they were; a new run hides the network result of the old
// one until the network is simulated again.
// run.sh starts `cimkit serve` and sets PLAYGROUND_URL and CIMKIT.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launch } from "./chromium.mjs";
import { URL_BASE, CIMKIT, ARTIFACTS, cli, shownValues, assertSame, open, setForm, formFlags, runAndWait, phoneLayout } from "./common.mjs";

// LeNet-5 needs 75 cores placed whole (128 leave room for copies);
// ResNet-18 at 32 px on 128x128 crossbars 737.
const LENET = { model: "lenet5", input: "32", xbar: "32x32", bus: "16", cores: "128", scheme: "cyclic" };
const RESNET = { model: "resnet18", input: "32", xbar: "128x128", bus: "16", cores: "1024", scheme: "linear" };

let page, closeBrowser;

before(async () => {
  assert.ok(URL_BASE && CIMKIT, "PLAYGROUND_URL or CIMKIT is not set: run through `make test-browser`");
  mkdirSync(ARTIFACTS, { recursive: true });
  ({ page, close: closeBrowser } = await launch());
  await page.setViewportSize({ width: 390, height: 844 });
});

after(async () => {
  await closeBrowser?.();
});

// runNetwork simulates the run on screen as a whole network (both modes,
// duplicated: the form's defaults) and checks the runs against cimkit net.
async function runNetwork(cfg, where) {
  const n = Number((await page.getAttribute("body", "data-network-done")) || 0);
  await page.click("#net-go");
  await page.waitForFunction((k) => Number(document.body.dataset.networkDone || 0) > k, n, { timeout: 180000 });
  const want = cli(["net", ...formFlags(cfg), "--duplicate"]).data;
  const shown = await shownValues(page, "#net-runs tbody tr");
  assert.equal(shown.length, want.length, `${where}: network runs`);
  for (let i = 0; i < shown.length; i++) assertSame(shown[i], want[i], `${where}: network run ${i}`, 10);
  assert.match(await page.textContent("#net-for"), new RegExp(`^${cfg.model} at ${cfg.input} px, ${cfg.xbar} crossbars, .*, ${cfg.scheme}$`));
}

// assertEnergy checks the energy table against cimkit sim's layers.
async function assertEnergy(cfg, where) {
  const want = cli(["sim", ...formFlags(cfg)]).data.filter((r) => r.layer !== "total");
  const rows = await shownValues(page, "#energy-layers tbody tr");
  assert.equal(rows.length, want.length, `${where}: energy layers`);
  for (let i = 0; i < rows.length; i++) assertSame(rows[i], want[i], `${where}: energy of ${want[i].layer}`);
}

// assertFits checks that the page fits 390 px with the energy and network
// views on it.
async function assertFits(where) {
  assert.ok(await page.isVisible("#energy-section"), `${where}: energy view`);
  assert.ok(await page.isVisible("#network-section"), `${where}: network view`);
  const m = await phoneLayout(page);
  assert.equal(m.clientWidth, 390, `${where}: viewport`);
  assert.equal(m.scrollWidth, m.clientWidth, `${where}: the page scrolls sideways`);
  assert.deepEqual(m.wide, [], `${where}: elements overflow the screen`);
  assert.deepEqual(m.small, [], `${where}: text too small to read`);
}

test("at 390 px the energy and network views fit and follow a switch of layer, scheme and model", async () => {
  await open(page, LENET);
  await assertEnergy(LENET, "lenet5");
  await runNetwork(LENET, "lenet5");
  assert.ok(await page.isVisible("#net-timeline svg"), "network timeline");
  await assertFits("lenet5");

  // A layer chosen: the same run; both views stay as they were.
  const energy = await shownValues(page, "#energy-layers tbody tr");
  const runs = await shownValues(page, "#net-runs tbody tr");
  await page.click('#layers tbody tr[data-layer="conv2"]');
  await page.waitForFunction(() => document.getElementById("detail-name").textContent === "conv2" &&
    document.getElementById("timeline-status").textContent === "" && document.querySelector("#timeline svg"),
  null, { timeout: 60000 });
  assert.deepEqual(await shownValues(page, "#energy-layers tbody tr"), energy, "energy after choosing a layer");
  assert.ok(await page.isVisible("#net-result"), "network result after choosing a layer");
  assert.deepEqual(await shownValues(page, "#net-runs tbody tr"), runs, "network runs after choosing a layer");
  await assertFits("lenet5, conv2 chosen");

  // Another scheme: a new run; the old run's network result is gone.
  const linear = { ...LENET, scheme: "linear" };
  await setForm(page, linear);
  await runAndWait(page);
  await assertEnergy(linear, "lenet5 linear");
  assert.ok(await page.isHidden("#net-result"), "the cyclic run's network result stays on the linear run");
  await runNetwork(linear, "lenet5 linear");
  await assertFits("lenet5 linear");

  // Another model.
  await setForm(page, RESNET);
  await runAndWait(page);
  await assertEnergy(RESNET, "resnet18");
  assert.ok(await page.isHidden("#net-result"), "lenet5's network result stays on resnet18's run");
  await runNetwork(RESNET, "resnet18");
  assert.ok(await page.isVisible("#net-timeline svg"), "resnet18 network timeline");
  await assertFits("resnet18");
  await page.screenshot({ path: join(ARTIFACTS, "views-390px.png"), fullPage: true });
});
