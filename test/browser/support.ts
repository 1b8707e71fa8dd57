// Browser test support: Debian's Chromium driven by playwright-core, the service with its
// agencies and the browser started (and stopped) together, logging in through a page,
// screenshots as artifacts, and checks every page should pass (no script errors or CSP
// violations, labelled controls, text contrast ≥ 4.5:1).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { client, root, setUpAgencies, startService, type TestServer } from "../support/server.ts";
import type { Api, Tokens } from "../support/fixtures.ts";

/** The browser to drive: `CHROMIUM=/path/to/chromium` overrides Debian's default path. */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const SCREENSHOTS = path.join(root, "artifacts", "screenshots");

/** Chromium must be installed; a missing browser is a failure with instructions, never a skip. */
export function requireChromium() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the browser tests need it.\n` +
        "Install it with:  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk\n" +
        "or point CHROMIUM at another Chromium binary (CHROMIUM=/path/to/chromium npx vitest run test/browser)\n" +
        "(.ci/run does this before npm test; `npx playwright install` cannot download browsers here).",
    );
  }
}

export async function launchBrowser(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * The real service (as `npm start` runs it, on a fresh SQLite file) and the browser, started
 * together; if either fails, the other is stopped again before the error is thrown.
 */
export async function startServiceAndBrowser(
  env?: Record<string, string>,
): Promise<{ server: TestServer; browser: Browser }> {
  requireChromium(); // before anything starts: a missing browser fails here, with instructions
  const [s, b] = await Promise.allSettled([startService({ env }), launchBrowser()]);
  if (s.status === "fulfilled" && b.status === "fulfilled") return { server: s.value, browser: b.value };
  if (s.status === "fulfilled") await s.value.stop();
  if (b.status === "fulfilled") await b.value.close();
  throw s.status === "rejected" ? s.reason : (b as PromiseRejectedResult).reason;
}

/**
 * What every browser test file starts in `beforeAll`: the service with agencies FZ, XM, SZ and a
 * clerk each (test/support/server.ts setUpAgencies), and the browser. Stop both with `stopSuite`.
 */
export async function startSuite(
  env?: Record<string, string>,
): Promise<{ server: TestServer; browser: Browser; api: Api; tokens: Tokens }> {
  const { server, browser } = await startServiceAndBrowser(env);
  const api = client(server.url);
  return { server, browser, api, tokens: await setUpAgencies(api) };
}

/** Closes the browser and stops the service (either may be missing when `startSuite` failed). */
export async function stopSuite(s: { browser?: Browser; server?: TestServer }): Promise<void> {
  await s.browser?.close();
  await s.server?.stop();
}

/**
 * Logs in through the login form of `/<where>` (console or admin) and waits for the logged-in page:
 * the fields found by their labels, the 登录 button clicked. `keyboard`: with the keyboard only, as
 * a keyboard user does: the username field has the focus on arrival, Tab to the password, Enter.
 */
export async function logIn(
  page: Page,
  url: string,
  where: "console" | "admin",
  username: string,
  password: string,
  opts: { keyboard?: boolean } = {},
) {
  await page.goto(`${url}/${where}`);
  if (opts.keyboard) {
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("login-username");
    await page.keyboard.type(username);
    await page.keyboard.press("Tab");
    await page.keyboard.type(password);
    await page.keyboard.press("Enter");
  } else {
    await page.getByLabel("用户名").fill(username);
    await page.getByLabel("密码", { exact: true }).fill(password);
    await page.getByRole("button", { name: "登录" }).click();
  }
  await page.locator("#logout").waitFor({ state: "visible" });
}

/** A fresh context (own sessionStorage/localStorage): one per person in a test. */
export async function newContext(browser: Browser, opts: { mobile?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext(
    opts.mobile
      ? {
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
          locale: "zh-CN",
          timezoneId: "America/Los_Angeles",
        }
      : { viewport: { width: 1280, height: 900 }, locale: "zh-CN", timezoneId: "America/Los_Angeles" },
  );
  // Fail at the step that waits, well before the test's own timeout.
  context.setDefaultTimeout(10_000);
  return context;
}

/** Collects script errors, failed requests of our own assets and CSP violations on a page. */
export function watch(page: Page) {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    // The browser logs every non-2xx fetch as a console error; those are expected answers here.
    if (/Failed to load resource: the server responded with a status of (4\d\d)/.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  return {
    problems,
    assertClean() {
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join("\n")}`);
    },
  };
}

export async function shot(page: Page, test: string, step: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${test}-${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Accessibility checks in the page: every form control has an accessible name from a <label>
 * (or aria-label), every button has text, and visible text has contrast ≥ 4.5:1 against its
 * background (large or bold-large text ≥ 3:1). Returns a list of failures.
 */
// Plain JavaScript source, evaluated in the page: functions passed to page.evaluate() would
// otherwise carry the TypeScript transform's helpers (such as __name) into the page.
const A11Y_SCRIPT = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "a11y-check.js"), "utf8");

export async function a11yProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(A11Y_SCRIPT);
}
