// A renewal's arrears assessment in the staff console (issue 16): the clerk types the months and
// the payer, sees what the service computed from the regional policy, and only then records it;
// the insured person's status page shows the total due, by when. From version 3 on (issue #28) the
// form opens with the missed months the agency's contribution record gives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { client, freshPerson, person, setUpAgencies, type TestServer } from "../support/server.ts";
import { a11yProblems, newContext, shot, startServiceAndBrowser, watch } from "./support.ts";

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;

beforeAll(async () => {
  ({ server, browser } = await startServiceAndBrowser());
  api = client(server.url);
  tokens = await setUpAgencies(api);
  const policy = await api.call("POST", "/api/admin/policies", {
    token: tokens.admin,
    body: {
      region: "350100",
      effectiveFrom: "2026-01-01",
      contributionBaseFen: 500_000,
      rateBasisPoints: 1000,
      lateFeePerDayPpm: 500,
      lateFeeAppliesToFlexible: false,
      maxBackPayMonths: 3,
      waitingPeriodMonths: 6,
      averageWageFen: 800_000,
      baseFloorPercent: 70,
      baseCeilingPercent: 300,
    },
  });
  expect(policy.status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("renewal assessment in the console", () => {
  it("previews the computed assessment, records it on confirmation, and shows it", async () => {
    const open = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "renewal", insured: person, fromAgency: "FZ", occurredOn: "2026-10-15" },
    });
    expect(open.status).toBe(201);
    const c = open.body;

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const watched = watch(page);
    await page.goto(`${server.url}/console`);
    await page.locator("#login-username").fill("fz-clerk");
    await page.locator("#login-password").fill("staff-password-123");
    await page.keyboard.press("Enter");
    await page.locator("#logout").waitFor({ state: "visible" });
    await page.goto(`${server.url}/console#/case/${c.id}`);
    await page.getByRole("button", { name: "核定补缴金额" }).click();
    const form = page.locator("form.event-form");
    await form.locator('[name="firstMissedMonth"]').fill("2026-10");
    await form.locator('[name="lastMissedMonth"]').fill("2026-11");
    await form.locator('[name="payer"]').selectOption("employer");
    await form.locator('[name="paysOn"]').fill("2026-12-01");
    await form.locator('button[type="submit"]').click();

    // the result computed from the policy, before anything is recorded
    const preview = page.locator(".assessment-preview");
    await preview.waitFor();
    await expect.poll(() => preview.textContent()).toContain("¥1,128.96");
    expect(await preview.textContent()).toContain("¥5,600.00");
    expect((await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out })).body.version).toBe(c.version);
    expect(await a11yProblems(page)).toEqual([]);
    await shot(page, "assessment", "01-preview");

    await preview.getByRole("button", { name: "确认并记录" }).click();
    await page.locator("#sec-assessment").waitFor();
    const after = (await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out })).body;
    expect(after.state).toBe("arrearsAssessed");
    expect(after.assessment.totalFen).toBe(112_896);
    await shot(page, "assessment", "02-recorded");
    watched.assertClean();
    await ctx.close();
  });

  it("opens the form with the missed months from the contribution record", async () => {
    // a first lapse, back-paid (October) and restored: the payment put October in the agency's record
    const insured = freshPerson();
    const call = (method: string, path: string, body: unknown) =>
      api.call(method, path, { token: tokens.out, body }).then((r) => {
        expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
        return r.body;
      });
    const first = await call("POST", "/api/cases", {
      type: "renewal",
      insured,
      fromAgency: "FZ",
      occurredOn: "2026-10-15",
    });
    const events = `/api/cases/${first.id}/events`;
    const assessed = await call("POST", events, {
      type: "ASSESS_ARREARS",
      firstMissedMonth: "2026-10",
      lastMissedMonth: "2026-10",
      payer: "employer",
      paysOn: "2026-11-02",
      occurredOn: "2026-11-02",
    });
    await call("POST", events, {
      type: "PAYMENT_RECEIVED",
      amountFen: assessed.assessment.totalFen,
      occurredOn: "2026-11-02",
    });
    await call("POST", events, { type: "RESTORE", occurredOn: "2026-11-02" });
    // the second lapse, in November: the record's gap starts after October
    const c = await call("POST", "/api/cases", {
      type: "renewal",
      insured,
      fromAgency: "FZ",
      occurredOn: "2026-11-03",
    });

    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const watched = watch(page);
    await page.goto(`${server.url}/console`);
    await page.locator("#login-username").fill("fz-clerk");
    await page.locator("#login-password").fill("staff-password-123");
    await page.keyboard.press("Enter");
    await page.locator("#logout").waitFor({ state: "visible" });
    await page.goto(`${server.url}/console#/case/${c.id}`);
    await page.getByRole("button", { name: "核定补缴金额" }).click();
    const form = page.locator("form.event-form");
    await form.getByText("断缴月份已按本机构的缴费记录填写").waitFor();
    expect(await form.locator('[name="firstMissedMonth"]').inputValue()).toBe("2026-11");
    expect(await form.locator('[name="lastMissedMonth"]').inputValue()).toMatch(/^20\d\d-\d\d$/);
    expect(await form.textContent()).toContain("断缴前连续缴费 1 个月（按缴费记录）");
    expect(await a11yProblems(page)).toEqual([]);
    await shot(page, "assessment", "03-months-from-record");
    await form.locator('[name="payer"]').selectOption("employer");
    await form.locator('button[type="submit"]').click();
    await page.locator(".assessment-preview").waitFor();
    await page.locator(".assessment-preview").getByRole("button", { name: "确认并记录" }).click();
    await page.locator("#sec-assessment").waitFor();
    const after = (await api.call("GET", `/api/cases/${c.id}/events`, { token: tokens.out })).body.items.at(-1);
    expect(after.payload).toMatchObject({ firstMissedMonth: "2026-11", continuousMonthsBefore: 1 });
    watched.assertClean();
    await ctx.close();
  });
});
