// A renewal's arrears assessment in the staff console (issue 16): the clerk types the months and
// the payer, sees what the service computed from the regional policy, and only then records it;
// the insured person's status page shows the total due, by when.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { client, person, setUpAgencies, type TestServer } from "../support/server.ts";
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
});
