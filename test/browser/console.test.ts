// The staff console in a real browser: clerks of both agencies take a medical transfer from
// `suspended` to `transferred`; a stale page gets a clear conflict message and can reload;
// bad input is explained next to the form, an event the rules refuse now is shown disabled with the reason; cases are opened through the form,
// whose case types come from GET /api/machines.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { freshPerson, type TestServer } from "../support/server.ts";
import {
  advance,
  medicalCertificate,
  medicalInTransferOut,
  openCase as open,
  type Api,
  type Tokens,
} from "../support/fixtures.ts";
import { caseTypes } from "../../machines/index.ts";
import { WorkingCalendar } from "../../src/calendar/index.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { a11yProblems, logIn, newContext, shot, startSuite, stopSuite, watch } from "./support.ts";

let server: TestServer, browser: Browser, api: Api, tokens: Tokens;
// The pages' own dictionary: a type's label when the server sends none.
const { dictionaries } = (await import(new URL("../../src/web/public/assets/i18n.js", import.meta.url).href)) as {
  dictionaries: Record<string, Record<string, string>>;
};
const PASSWORD = "staff-password-123";

beforeAll(async () => {
  ({ server, browser, api, tokens } = await startSuite());
});

afterAll(() => stopSuite({ browser, server }));

const openCase = (): Promise<{ id: string; caseNumber: string }> => open(api, tokens.out);
const send = (token: string, id: string, body: Record<string, unknown>) => advance(api, token, id, body);

/** A case waiting for the transfer-out agency (FZ) since a past date: overdue long since. */
async function overdueCase() {
  const after = await medicalInTransferOut(
    api,
    tokens,
    { openedOn: "2026-09-01", certificateOn: "2026-09-02", filedOn: "2026-09-10", acceptOn: "2026-09-28" },
    freshPerson(),
    { contributionMonths: 1, accountBalanceFen: 1 },
  );
  expect(after).toMatchObject({ state: "transferOut", overdue: true });
  return after;
}

/**
 * A case waiting for FZ whose transfer-out step (10 working days from acceptance) is due within
 * the next 3 calendar days: the acceptance date is found with the service's own calendar.
 */
async function dueSoonCase(today: string) {
  const calendar = WorkingCalendar.official();
  const minus = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
  for (let back = 1; back <= 30; back++) {
    const d = minus(back);
    const due = calendar.addWorkingDays(d, 10).value;
    const days = (Date.parse(due) - Date.parse(today)) / 86_400_000;
    if (days < 0 || days > 3) continue;
    const after = await medicalInTransferOut(api, tokens, { openedOn: d, acceptOn: d }, freshPerson(), {
      contributionMonths: 1,
      accountBalanceFen: 1,
    });
    expect(after).toMatchObject({ stepDueOn: due, overdue: false });
    return after;
  }
  throw new Error(`no acceptance date puts a step due within 3 days of ${today}`);
}

async function caseState(id: string) {
  const r = await api.call("GET", `/api/cases/${id}`, { token: tokens.out });
  return r.body;
}

/** Logs a clerk in to the console with the keyboard only (support.ts logIn). */
const logInClerk = (page: Page, username: string) =>
  logIn(page, server.url, "console", username, PASSWORD, { keyboard: true });

/** Open a case from the queue, searching all of my agency's cases by case number. */
async function findAndOpen(page: Page, caseNumber: string, opts: { mineOnly: boolean }) {
  await page.goto(`${server.url}/console#/`);
  await page.locator("table.queue, .empty").first().waitFor();
  const mine = page.locator('input[name="mine"]');
  if ((await mine.isChecked()) !== opts.mineOnly) await mine.setChecked(opts.mineOnly);
  await page.locator('input[name="q"]').fill(caseNumber);
  await page.locator('form[role="search"] button[type="submit"]').click();
  const link = page.locator(`tr[data-case="${caseNumber}"] a`);
  await link.waitFor();
  await link.click();
  await page.locator("svg.diagram").waitFor({ state: "attached" }); // folded until opened
}

async function currentState(page: Page) {
  return page.locator('[data-fact="state"] dd').innerText();
}

describe("staff console", () => {
  it("a clerk of each agency advances a medical transfer from suspended to transferred", async () => {
    const T = "advance";
    const c = await openCase();
    const late = await overdueCase();
    const soon = await dueSoonCase((await caseState(c.id)).openedOn);
    const fzContext = await newContext(browser);
    const xmContext = await newContext(browser);
    const fz = await fzContext.newPage();
    const xm = await xmContext.newPage();
    const fzWatch = watch(fz);
    const xmWatch = watch(xm);

    // Transfer-out clerk (Fuzhou), in Chinese: the case waits for her agency, so it is in her queue.
    await logInClerk(fz, "fz-clerk");
    const row = fz.locator(`tr[data-case="${c.caseNumber}"]`);
    await row.waitFor();
    await expect.poll(() => fz.locator("#view h1").innerText()).toContain("福州市医保中心");
    // Sorted by step due date: the overdue case, the one due soon, then ours (no due date yet);
    // both marked by a row class and a badge in words.
    const order = await fz
      .locator("table.queue tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-case")));
    expect(order.indexOf(late.caseNumber)).toBeLessThan(order.indexOf(soon.caseNumber));
    expect(order.indexOf(soon.caseNumber)).toBeLessThan(order.indexOf(c.caseNumber));
    expect(await fz.locator(`tr[data-case="${late.caseNumber}"]`).getAttribute("class")).toBe("row-overdue");
    expect(await fz.locator(`tr[data-case="${late.caseNumber}"] .flags`).innerText()).toBe("已超期");
    expect(await fz.locator(`tr[data-case="${soon.caseNumber}"]`).getAttribute("class")).toBe("row-duesoon");
    expect(await fz.locator(`tr[data-case="${soon.caseNumber}"] .flags`).innerText()).toBe("即将到期");
    await shot(fz, T, "01-fz-queue");
    expect(await a11yProblems(fz)).toEqual([]);
    await row.getByRole("link").click();
    await fz.locator("svg.diagram").waitFor({ state: "attached" }); // folded until opened
    expect(await currentState(fz)).toBe("已中止参保");
    expect(await fz.locator(".node-current").getAttribute("data-state")).toBe("suspended");

    // ISSUE_CERTIFICATE, with amounts typed in yuan: sent as exact integer fen.
    await fz.getByRole("button", { name: "开具参保凭证" }).click();
    await fz.getByLabel("缴费月数").fill("48");
    await fz.getByLabel("个人账户余额（元）").fill("5234.56");
    await fz.getByLabel("欠费金额（元）").fill("0");
    await shot(fz, T, "02-fz-issue-certificate-form");
    expect(await a11yProblems(fz)).toEqual([]);
    await fz.getByRole("button", { name: "登记：开具参保凭证" }).click();
    await fz.locator(".msg-success").waitFor();
    expect(await currentState(fz)).toBe("已开具参保凭证");
    let now = await caseState(c.id);
    expect(now).toMatchObject({ state: "certificateIssued", version: 2 });
    expect(now.facts.accountBalanceFen).toBe(523_456);

    // Transfer-in clerk (Xiamen), in English: the case waits for the insured person, so it is
    // found among all of the agency's cases, by case number.
    await logInClerk(xm, "xm-clerk");
    await xm.getByRole("button", { name: "English" }).click();
    await expect.poll(() => xm.evaluate(() => document.documentElement.lang)).toBe("en");
    await findAndOpen(xm, c.caseNumber, { mineOnly: false });
    await xm.getByRole("button", { name: "File transfer application" }).click();
    await xm.getByLabel("Channel").selectOption("online");
    await xm.getByLabel("Applicant").selectOption("employer");
    await xm.getByRole("button", { name: "Record: File transfer application" }).click();
    await xm.locator(".msg-success").waitFor();
    expect(await currentState(xm)).toBe("Application filed, awaiting eligibility check");

    // ACCEPT: no payload; use the keyboard to open the form and submit it.
    const accept = xm.getByRole("button", { name: "Accept application", exact: true });
    await accept.focus();
    await xm.keyboard.press("Enter");
    await xm.locator('form[data-event="ACCEPT"]').waitFor();
    await xm.getByRole("button", { name: "Record: Accept application" }).focus();
    await xm.keyboard.press("Enter");
    await xm.locator(".msg-success").waitFor();
    expect(await currentState(xm)).toBe("Transfer-out in progress");
    expect(await xm.locator('[data-fact="stepDueOn"] dd').innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \(\w{3}\)$/);
    await shot(xm, T, "03-xm-accepted");

    // Back to Fuzhou: the case waits for the transfer-out agency again, in her queue.
    await fz.goto(`${server.url}/console#/`);
    await fz.locator(`tr[data-case="${c.caseNumber}"] a`).click();
    await fz.locator("svg.diagram").waitFor({ state: "attached" }); // folded until opened
    await fz.getByRole("button", { name: /^转出完成/ }).click();
    await fz.getByLabel("划转金额（元）").fill("5,234.56");
    await fz.getByRole("button", { name: /^登记：转出完成/ }).click();
    await fz.locator(".msg-success").waitFor();
    expect(await currentState(fz)).toBe("转入办理中");
    now = await caseState(c.id);
    expect(now).toMatchObject({ state: "transferIn", version: 5 });

    // Xiamen completes the transfer.
    await findAndOpen(xm, c.caseNumber, { mineOnly: true });
    await xm.getByRole("button", { name: "Transfer-in done" }).click();
    await xm.getByRole("button", { name: "Record: Transfer-in done" }).click();
    await xm.locator(".msg-success").waitFor();
    expect(await currentState(xm)).toBe("Transferred");
    expect(await xm.locator(".node-current").getAttribute("data-state")).toBe("transferred");
    expect(await xm.locator(".event-button").count()).toBe(0);
    expect(await xm.locator(".timeline li").count()).toBe(6);
    // The diagram is folded away until opened; everything drawn lies inside its view box (nothing cut off).
    await xm.locator(".case-diagram-fold > summary").click();
    const fits = await xm.locator("svg.diagram").evaluate((svg: SVGSVGElement) => {
      const vb = svg.viewBox.baseVal;
      const bb = svg.getBBox();
      return (
        bb.x >= vb.x - 1 &&
        bb.y >= vb.y - 1 &&
        bb.x + bb.width <= vb.x + vb.width + 1 &&
        bb.y + bb.height <= vb.y + vb.height + 1
      );
    });
    expect(fits).toBe(true);
    await xm.locator(".diagram-details summary").click();
    expect(await xm.locator('.diagram-list li[aria-current="step"] > strong').innerText()).toBe("Transferred");
    await shot(xm, T, "04-xm-transferred");
    expect(await a11yProblems(xm)).toEqual([]);

    now = await caseState(c.id);
    expect(now).toMatchObject({ state: "transferred", final: true, version: 6 });
    expect(now.facts.transferredFen).toBe(523_456);
    fzWatch.assertClean();
    xmWatch.assertClean();
    await fzContext.close();
    await xmContext.close();
  });

  it("shows a clear conflict message when another clerk changed the case meanwhile", async () => {
    const T = "conflict";
    const c = await openCase();
    await send(tokens.out, c.id, medicalCertificate({ contributionMonths: 12, accountBalanceFen: 100_000 }));

    const aContext = await newContext(browser);
    const bContext = await newContext(browser);
    const a = await aContext.newPage();
    const b = await bContext.newPage();
    const aWatch = watch(a);
    await logInClerk(a, "fz-clerk");
    await a.getByRole("button", { name: "English" }).click();
    await findAndOpen(a, c.caseNumber, { mineOnly: false });
    await a.locator("#case-details-switch").check(); // versions show with the details switch on
    expect(await a.locator('[data-fact="version"] dd').innerText()).toBe("2");

    // Meanwhile the Xiamen clerk files the application (version 3).
    await logInClerk(b, "xm-clerk");
    await findAndOpen(b, c.caseNumber, { mineOnly: false });
    await b.getByRole("button", { name: "提交转移接续申请" }).click();
    await b.getByLabel("申请渠道").selectOption("offline");
    await b.getByLabel("申请人").selectOption("individual");
    await b.getByRole("button", { name: "登记：提交转移接续申请" }).click();
    await b.locator(".msg-success").waitFor();

    // The Fuzhou clerk, still on version 2, records a withdrawal: 412 → a clear message.
    await a.getByRole("button", { name: "Withdraw", exact: true }).click();
    await a.locator(`textarea[name="reason"]`).fill("the person stays with the old employer");
    await a.getByRole("button", { name: "Record: Withdraw" }).click();
    const alert = a.locator(".event-form .msg-error");
    await alert.waitFor();
    expect(await alert.innerText()).toContain(
      "This case was changed by someone else meanwhile (now version 3). Reload to see the latest.",
    );
    await shot(a, T, "01-stale-version");
    expect(await a11yProblems(a)).toEqual([]);
    expect((await caseState(c.id)).state).toBe("applicationFiled"); // nothing was recorded

    await a.getByRole("button", { name: "Reload the case" }).click();
    await a.locator(".msg-info").waitFor();
    expect(await currentState(a)).toBe("Application filed, awaiting eligibility check");
    expect(await a.locator('[data-fact="version"] dd').innerText()).toBe("3");
    await shot(a, T, "02-reloaded");
    aWatch.assertClean();
    await aContext.close();
    await bContext.close();
  });

  it("explains bad input, rule refusals and wrong dates next to the form", async () => {
    const T = "errors";
    const c = await openCase();
    const ctx = await newContext(browser);
    const fz = await ctx.newPage();
    const w = watch(fz);
    await logInClerk(fz, "fz-clerk");
    await findAndOpen(fz, c.caseNumber, { mineOnly: true });

    // Client-side checks: three decimals are not a yuan amount; required fields.
    await fz.getByRole("button", { name: "开具参保凭证" }).click();
    await fz.getByLabel("缴费月数").fill("12");
    await fz.getByLabel("个人账户余额（元）").fill("12.345");
    await fz.getByRole("button", { name: "登记：开具参保凭证" }).click();
    const balance = fz.getByLabel("个人账户余额（元）");
    await expect.poll(() => balance.getAttribute("aria-invalid")).toBe("true");
    expect(await fz.locator(".has-error .field-error").allInnerTexts()).toEqual([
      "请输入以元为单位的金额，最多两位小数，例如 1234.56。",
      "请填写此项。",
    ]);
    expect(await fz.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe("accountBalanceFen");

    // Server-side check (422 on occurredOn): before the case's previous event.
    await balance.fill("1000");
    await fz.getByLabel("欠费金额（元）").fill("350.00");
    await fz.getByLabel("办理日期（可不填）").fill("2020-01-02");
    await fz.getByRole("button", { name: "登记：开具参保凭证" }).click();
    const dateError = fz.locator(".has-error .field-error");
    await dateError.waitFor();
    expect(await dateError.innerText()).toMatch(/日期不能早于业务上一条记录的日期（\d{4}-\d{2}-\d{2}）/);
    await shot(fz, T, "01-field-errors");
    await fz.getByLabel("办理日期（可不填）").fill("");
    await fz.getByRole("button", { name: "登记：开具参保凭证" }).click();
    await fz.locator(".msg-success").waitFor();
    expect((await caseState(c.id)).facts.arrearsFen).toBe(35_000);

    // The transfer-in agency cannot accept while the arrears are unpaid: 409, explained.
    await api.call("POST", `/api/cases/${c.id}/events`, {
      token: tokens.in,
      body: { type: "FILE_APPLICATION", channel: "online", applicant: "employer" },
    });
    const xmCtx = await newContext(browser);
    const xm = await xmCtx.newPage();
    await logInClerk(xm, "xm-clerk");
    await findAndOpen(xm, c.caseNumber, { mineOnly: true });
    // The server says which events the rules refuse now (blockedEvents): shown disabled, with the reason.
    const accept = xm.getByRole("button", { name: "校验通过，受理申请" });
    expect(await accept.isDisabled()).toBe(true);
    const why = xm.locator("#blocked-ACCEPT");
    expect(await why.innerText()).toContain("参保凭证上载明的欠费尚未补缴");
    expect(await accept.getAttribute("aria-describedby")).toBe("blocked-ACCEPT");
    await shot(xm, T, "02-refused-by-rule");
    expect(await a11yProblems(xm)).toEqual([]);
    w.assertClean();
    await ctx.close();
    await xmCtx.close();
  });
  it("opens cases through the form, offering the case types the server lists", async () => {
    const ctx = await newContext(browser);
    const fz = await ctx.newPage();
    const w = watch(fz);
    await logInClerk(fz, "fz-clerk");
    await fz.goto(`${server.url}/console#/new`);
    const typeSelect = fz.locator('select[name="type"]');
    await typeSelect.waitFor();

    // The options are the server's case types, in its order, labelled as it says.
    const machines = await api.call("GET", "/api/machines");
    expect(machines.status).toBe(200);
    const items = machines.body.items as { type: string; label?: { zh: string } }[];
    expect(items.map((m) => m.type)).toEqual(caseTypes);
    const options = await typeSelect
      .locator("option")
      .evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent })));
    expect(options.slice(1)).toEqual(
      items.map((m) => ({ value: m.type, text: m.label?.zh ?? dictionaries["zh-CN"][`type.${m.type}`] })),
    );

    // A transfer names the receiving agency: without it, the field says so and nothing is opened.
    const before = (await api.call("GET", "/api/cases?limit=100", { token: tokens.out })).body.items.length;
    await typeSelect.selectOption("medicalTransfer");
    await fz.locator('input[name="insured.name"]').fill("王小红");
    await fz.locator('input[name="insured.idNumber"]').fill(makeTestIdNumber("350102", "19850612", "224"));
    await fz.getByRole("button", { name: "登记", exact: true }).click();
    const toAgency = fz.locator('input[name="toAgency"]');
    await expect.poll(() => toAgency.getAttribute("aria-invalid")).toBe("true");
    expect((await api.call("GET", "/api/cases?limit=100", { token: tokens.out })).body.items.length).toBe(before);

    // A renewal is handled by one agency: no receiving agency needed.
    await typeSelect.selectOption("renewal");
    await fz.getByRole("button", { name: "登记", exact: true }).click();
    await fz.waitForURL(/#\/case\/[0-9a-f-]{36}$/);
    await fz.locator("svg.diagram").waitFor({ state: "attached" }); // folded until opened
    const id = new URL(fz.url()).hash.replace("#/case/", "");
    expect(await caseState(id)).toMatchObject({
      type: "renewal",
      fromAgency: { code: "FZ" },
      toAgency: { code: "FZ" },
    });
    expect(await a11yProblems(fz)).toEqual([]);
    w.assertClean();
    await ctx.close();
  });
});
