// drive.mjs opens CloudChamber in Debian's firefox-esr over WebDriver BiDi
// (puppeteer-core) and reports what the page shows, for the Go e2e test
// TestFirefoxSameHash (cmd/server/firefox_test.go), which compares it with
// the native engine and Chromium.
//
//	node drive.mjs URL RUN_TO
//
// URL is the page to open (a share link: origin + "/#s2.…"); RUN_TO the
// tick to run to with the command bar. It prints one JSON line per step to
// stdout, {"step": "link"|"run"|"reload", "tick": N, "hash": "…"}, then
// {"step": "done", "errors": [...]} with the page's console errors and
// uncaught exceptions. A step that does not happen in time exits 1 with a
// line on stderr naming it. FIREFOX_BIN overrides /usr/bin/firefox-esr;
// STEP_TIMEOUT_MS (default 60000) bounds each wait.
import puppeteer from "puppeteer-core";

const [url, runTo] = process.argv.slice(2);
if (!url || !/^\d+$/.test(runTo ?? "")) {
  console.error("usage: node drive.mjs URL RUN_TO");
  process.exit(2);
}
const firefox = process.env.FIREFOX_BIN || "/usr/bin/firefox-esr";
const timeout = Number(process.env.STEP_TIMEOUT_MS || 60000);

// fail reports what did not happen and exits.
function fail(what, err) {
  console.error(`firefox: ${what}: ${err?.message ?? err}`);
  process.exit(1);
}

let browser;
try {
  browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: firefox,
    headless: true,
    protocolTimeout: timeout,
    // No updates, telemetry or first-run pages: nothing but the page under test.
    extraPrefsFirefox: {
      "app.update.enabled": false,
      "browser.shell.checkDefaultBrowser": false,
      "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.enabled": false,
    },
  });
} catch (err) {
  fail(`starting ${firefox} (install it with \`make deps\`)`, err);
}

const errors = [];
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e?.message ?? e)));

  const ready = '[data-testid="shell"][data-ready="true"]';
  const tickIs = (n) => `document.querySelector('[data-testid="tick"]')?.textContent === "${n}"`;
  const saved = `document.querySelector('[data-testid="shell"]')?.dataset.saved === "true"`;
  // wait waits for a condition, naming it when it does not come.
  const wait = async (what, fn) => {
    try {
      await fn();
    } catch (err) {
      const shown = await page.evaluate(() => ({
        tick: document.querySelector('[data-testid="tick"]')?.textContent,
        error: document.querySelector('[data-testid="error"]')?.textContent,
      })).catch(() => ({}));
      fail(`waiting for ${what} (the page shows tick ${shown.tick ?? "?"}${shown.error ? ", error: " + shown.error : ""})`, err);
    }
  };
  const report = async (step) => {
    const r = await page.evaluate(() => ({
      tick: Number(document.querySelector('[data-testid="tick"]').textContent),
      hash: document.querySelector('[data-testid="trace-hash"]').textContent,
    }));
    console.log(JSON.stringify({ step, ...r }));
  };

  await wait("the page to load", () => page.goto(url, { waitUntil: "load" }));
  await wait("the app to be ready (the link opened)", () => page.waitForSelector(ready));
  await wait("the link's replay to finish", () => page.waitForFunction(`document.querySelector('[data-testid="opening"]') === null`));
  await report("link");

  await page.evaluate((v) => {
    const e = document.querySelector("#run-to");
    e.value = v;
    e.dispatchEvent(new Event("input", { bubbles: true }));
    e.dispatchEvent(new Event("change", { bubbles: true }));
  }, runTo);
  await page.click('[data-testid="run-to"]');
  await wait(`tick ${runTo}`, () => page.waitForFunction(tickIs(runTo)));
  await wait("the session to be saved", () => page.waitForFunction(saved));
  await report("run");

  await wait("the reload", () => page.reload({ waitUntil: "load" }));
  await wait("the app to be ready after the reload", () => page.waitForSelector(ready));
  await report("reload");
  console.log(JSON.stringify({ step: "done", errors }));
} catch (err) {
  fail("driving the page", err);
} finally {
  await browser.close().catch(() => {});
}
