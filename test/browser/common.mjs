// common.mjs holds what the browser tests share: the environment run.sh
// sets, the native tool they compare the page with, reading the page's
// tables, and driving its main form. (chromium.mjs starts the browser.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

// URL_BASE is the playground's address (run.sh starts `cimkit serve`),
// CIMKIT the native tool, ARTIFACTS where metrics and logs go.
export const URL_BASE = process.env.PLAYGROUND_URL;
export const CIMKIT = process.env.CIMKIT;
export const ARTIFACTS = process.env.ARTIFACTS || "test-artifacts";

// cli runs the native tool with args and returns its JSON output and wall
// time in ms.
export function cli(args) {
  const t0 = performance.now();
  const out = execFileSync(CIMKIT, args, { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  return { data: JSON.parse(out), ms: performance.now() - t0 };
}

// defaultArch returns the chip's default parameters (cim/arch's, as the
// `# arch:` line of `cimkit sim --format csv` gives them), so that checks
// of what the page says about the defaults follow them.
export function defaultArch() {
  const out = execFileSync(CIMKIT, ["sim", "--model", "lenet5", "--input", "32", "--xbar", "32x32", "--format", "csv"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out.split("\n").find((l) => l.startsWith("# arch: ")).slice("# arch: ".length));
}

// shownValues reads the elements under selector (table rows, or a box of
// cards): for each, the raw value of every [data-key] inside it that has one.
export async function shownValues(page, selector) {
  return page.$$eval(selector, (els) => els.map((el) => {
    const r = {};
    for (const c of el.querySelectorAll("[data-key]")) if (c.dataset.value !== undefined) r[c.dataset.key] = c.dataset.value;
    return r;
  }));
}

// assertSame checks that every value shown (at least min of them) equals
// the native record's, read as a number or a boolean where the record's is
// one.
export function assertSame(shown, want, where, min = 8) {
  const keys = Object.keys(shown);
  assert.ok(keys.length >= min, `${where}: only ${keys.length} values on the page`);
  for (const k of keys) {
    assert.ok(k in want, `${where}: ${k} is not in the native output`);
    const w = want[k];
    const got = typeof w === "number" ? Number(shown[k]) : typeof w === "boolean" ? shown[k] === "true" : shown[k];
    assert.strictEqual(got, w, `${where}: ${k} is ${shown[k]} on the page, ${w} natively`);
  }
}

// runCount is the number of model runs the page has finished.
export async function runCount(page) {
  return Number((await page.getAttribute("body", "data-done")) || 0);
}

// waitRuns waits until the page has finished more than n model runs.
export async function waitRuns(page, n, timeout = 120000) {
  await page.waitForFunction((k) => Number(document.body.dataset.done || 0) > k, n, { timeout });
}

// open loads the page with a query and waits for its first run.
export async function open(page, query, timeout = 120000) {
  await page.goto(URL_BASE + "?" + new URLSearchParams(query).toString());
  await waitRuns(page, 0, timeout);
}

// setForm fills the main form with cfg (model, input, xbar, bus, cores,
// scheme).
export async function setForm(page, cfg) {
  await page.selectOption("#model", cfg.model);
  for (const f of ["input", "xbar", "bus", "cores"]) await page.fill("#" + f, cfg[f]);
  await page.selectOption("#scheme", cfg.scheme);
}

// formFlags gives cfg (the main form's fields, as setForm takes them) as
// the native tool's flags, with JSON output.
export function formFlags(cfg) {
  return ["--model", cfg.model, "--input", cfg.input, "--xbar", cfg.xbar, "--bus", cfg.bus, "--cores", cfg.cores,
    "--scheme", cfg.scheme, "--format", "json"];
}

// runAndWait clicks Run and waits for the model run to finish.
export async function runAndWait(page) {
  const n = await runCount(page);
  await page.click("#run");
  await waitRuns(page, n);
}

// phoneLayout measures the page as shown (the tests set a 390 px viewport):
// text smaller than 9 px in a figure or 11 px on the page, elements wider
// than the screen outside a box that scrolls sideways, the page's scroll
// and client widths, and the number of figures in the results.
export async function phoneLayout(page) {
  return page.evaluate(() => {
    const small = [];
    // SVG text: font size times the scale the figure is drawn at.
    for (const t of document.querySelectorAll("svg text")) {
      if (!t.getClientRects().length || !t.textContent.trim()) continue;
      const ctm = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(ctm.a * ctm.d - ctm.b * ctm.c));
      if (px < 9) small.push(t.textContent + ": " + px.toFixed(1) + " px");
    }
    // Page text.
    for (const el of document.querySelectorAll("body *:not(svg):not(svg *)")) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !el.getClientRects().length) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px < 11) small.push(el.tagName + " " + el.textContent.trim().slice(0, 30) + ": " + px + " px");
    }
    // Anything wider than the screen outside a scrolling box.
    const wide = [];
    const W = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (!r.width || r.right <= W + 0.5) continue;
      let scroller = false;
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (/(auto|scroll)/.test(getComputedStyle(p).overflowX) && p.getBoundingClientRect().right <= W + 0.5) { scroller = true; break; }
      }
      if (!scroller) wide.push((el.id || el.tagName) + " ends at " + r.right.toFixed(0));
    }
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
      small, wide, svgs: document.querySelectorAll("#results svg").length };
  });
}
