// chromium.mjs starts Debian's chromium for one test file, driven by
// playwright-core with a fresh profile (the flags ARCHITECTURE.md names),
// and removes the profile when it closes. No browser is ever downloaded:
// CHROMIUM (set by mk/browser.mk) or /usr/bin/chromium is used.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

// launch returns the browser's first page, at 1280 x 900 with downloads
// allowed (page errors are printed), and close(), which ends the browser.
export async function launch() {
  const userDir = mkdtempSync(join(tmpdir(), "cimkit-chromium-"));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (e) => console.error("page error:", e.message));
  const close = async () => {
    await context.close();
    rmSync(userDir, { recursive: true, force: true });
  };
  return { page, close };
}
