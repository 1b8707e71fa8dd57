// The console without friction, in Chromium at a laptop's 1,366 × 768: the case page with its
// details switch, newest-first timeline and folded diagram; batch filing with a check and a real
// run; the SLA page (this year by default, no horizontal overflow, CSV downloads); the calendar's
// month grid. Screenshots in artifacts/screenshots/console-ux-*.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { ADMIN, client, freshPerson, person, setUpAgencies, type TestServer } from "../support/server.ts";
import { makePeople } from "../support/reliability.ts";
import { a11yProblems, logIn, shot, startServiceAndBrowser, watch } from "./support.ts";

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;
const PASSWORD = "staff-password-123";
const T = "console-ux";
const LAPTOP = { width: 1366, height: 768 };

beforeAll(async () => {
  ({ server, browser } = await startServiceAndBrowser());
  api = client(server.url);
  tokens = await setUpAgencies(api);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function laptopPage() {
  const ctx = await browser.newContext({ viewport: LAPTOP, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  ctx.setDefaultTimeout(10_000);
  return { ctx, page: await ctx.newPage() };
}

async function send(token: string, id: string, body: Record<string, unknown>) {
  const r = await api.call("POST", `/api/cases/${id}/events`, { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** A case accepted today for a new person (one open case per person): a running step and overall deadline, four events. */
async function acceptedCase() {
  const r = await api.call("POST", "/api/cases", {
    token: tokens.out,
    body: { type: "medicalTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "XM" },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  await send(tokens.out, r.body.id, {
    type: "ISSUE_CERTIFICATE",
    contributionMonths: 36,
    accountBalanceFen: 52_000,
    arrearsFen: 0,
  });
  await send(tokens.in, r.body.id, { type: "FILE_APPLICATION", channel: "online", applicant: "employer" });
  return send(tokens.in, r.body.id, { type: "ACCEPT" });
}

const noHorizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe("the case page at 1,366 px", () => {
  it("fits the screen: details hidden behind a switch, newest event first, diagram folded", async () => {
    const c = await acceptedCase();
    const { ctx, page } = await laptopPage();
    const w = watch(page);
    await logIn(page, server.url, "console", "xm-clerk", PASSWORD);
    await page.goto(`${server.url}/console#/case/${c.id}`);
    await page.locator('[data-fact="state"]').waitFor();

    // staff of the case's agency see the person's full name
    expect(await page.locator('[data-fact="insuredName"] dd, .fact:has(dt:text("姓名")) dd').first().innerText()).toBe(
      person.name,
    );
    // working days for the step and for the whole case, as the server counted them
    expect(await page.locator('[data-fact="stepWorkingDaysLeft"] dd').innerText()).toBe(
      `还剩 ${c.stepWorkingDaysLeft} 个工作日`,
    );
    expect(await page.locator('[data-fact="overallWorkingDaysLeft"] dd').innerText()).toBe(
      `还剩 ${c.overallWorkingDaysLeft} 个工作日`,
    );
    // versions and sequence numbers only with the details switch
    expect(await page.locator('[data-fact="version"] dd').isVisible()).toBe(false);
    expect(await page.locator(".timeline .detail-only").first().isVisible()).toBe(false);
    // newest first
    const labels = await page.locator(".timeline .tl-label").allInnerTexts();
    expect(labels[0]).toBe("校验通过，受理申请");
    expect(labels.at(-1)).toBe("业务登记");
    // the diagram is folded, the page no wider than the screen
    expect(await page.locator("svg.diagram").isVisible()).toBe(false);
    expect(await noHorizontalOverflow(page)).toBe(true);
    await page.screenshot({ path: (await shot(page, T, "01-case-page-1366")).replace(".png", "-viewport.png") });
    // the first screen holds the summary, the actions and the latest event, no scrolling needed
    for (const sel of ["#sec-summary", "#sec-actions", ".timeline li:first-child"]) {
      const box = await page.locator(sel).first().boundingBox();
      expect(box && box.y + box.height, sel).toBeLessThanOrEqual(LAPTOP.height);
    }
    expect(await a11yProblems(page)).toEqual([]);

    await page.locator("#case-details-switch").check();
    expect(await page.locator('[data-fact="version"] dd').innerText()).toBe(String(c.version));
    await page.getByRole("button", { name: "改为最早的在前" }).click();
    expect((await page.locator(".timeline .tl-label").allInnerTexts())[0]).toBe("业务登记");
    await page.locator(".case-diagram-fold > summary").click();
    expect(await page.locator("svg.diagram").isVisible()).toBe(true);
    await shot(page, T, "02-case-page-details");
    w.assertClean();
    await ctx.close();
  });
});

describe("batch filing in the console", () => {
  it("checks a file, files it with per-row results, and files nothing twice", async () => {
    const people = makePeople(3, 91);
    const csv = [
      "type,name,idNumber,fromAgency,toAgency",
      ...people.map((p) => `medicalTransfer,${p.name},${p.idNumber},FZ,XM`),
      `medicalTransfer,坏号码,${people[0].idNumber.slice(0, 17)}Y,FZ,XM`,
    ].join("\n");
    const { ctx, page } = await laptopPage();
    const w = watch(page);
    await logIn(page, server.url, "console", "fz-clerk", PASSWORD);
    await page.getByRole("link", { name: "批量登记" }).click();
    await page
      .locator("#import-file")
      .setInputFiles({ name: "cases.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "只检查，不登记" }).click();
    await page.locator(".import-results .note").waitFor();
    expect(await page.locator(".import-results .note").innerText()).toContain("可登记 3");
    expect(await page.locator('tr[data-row="5"]').innerText()).toContain("idNumber");
    await shot(page, T, "03-import-checked");
    await page.getByRole("button", { name: "登记", exact: true }).click();
    await page.locator(".import-results .note:has-text('新登记 3')").waitFor();
    await shot(page, T, "04-import-done");
    await page.getByRole("button", { name: "登记", exact: true }).click();
    await page.locator(".import-results .note:has-text('此前已登记 3')").waitFor();
    expect(await a11yProblems(page)).toEqual([]);
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "下载模板（Excel）" }).click();
    expect((await download).suggestedFilename()).toBe("case-import-template.xlsx");
    w.assertClean();
    await ctx.close();
  });
});

describe("the SLA page and the calendar at 1,366 px", () => {
  it("defaults to this year, fits without clipping and downloads CSV", async () => {
    await acceptedCase();
    const { ctx, page } = await laptopPage();
    const w = watch(page);
    await logIn(page, server.url, "admin", ADMIN.username, ADMIN.password);
    await page.goto(`${server.url}/admin#/sla`);
    await page.locator(".sla-out table, .sla-out .empty").first().waitFor();
    const today = await page.evaluate(() =>
      new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date()),
    );
    expect(await page.locator('input[name="from"]').inputValue()).toBe(`${today.slice(0, 4)}-01-01`);
    expect(await noHorizontalOverflow(page)).toBe(true);
    await shot(page, T, "05-sla-1366");
    const csv = page.waitForEvent("download");
    await page.getByRole("button", { name: "下载报表（CSV）" }).click();
    expect((await csv).suggestedFilename()).toMatch(/^sla-\d{4}-01-01-\d{4}-\d{2}-\d{2}\.csv$/);
    const events = page.waitForEvent("download");
    await page.getByRole("button", { name: "下载同期办理记录（CSV）" }).click();
    expect((await events).suggestedFilename()).toMatch(/^events-.*\.csv$/);
    expect(await a11yProblems(page)).toEqual([]);

    await page.goto(`${server.url}/admin#/calendar`);
    await page.locator("table.month").first().waitFor();
    expect(await page.locator("table.month").count()).toBe(12);
    expect(await noHorizontalOverflow(page)).toBe(true);
    await shot(page, T, "06-calendar-grid");
    w.assertClean();
    await ctx.close();
  });
});
