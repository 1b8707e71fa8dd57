// The admin pages in a real browser: agencies, users, publishing a calendar year, policies,
// and the SLA report as charts (or a clear message when the server does not offer it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { ADMIN, type TestServer } from "../support/server.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { a11yProblems, logIn, newContext, shot, startSuite, stopSuite, watch } from "./support.ts";

let server: TestServer, browser: Browser, api: Api, tokens: Tokens;

beforeAll(async () => {
  ({ server, browser, api, tokens } = await startSuite());
});

afterAll(() => stopSuite({ browser, server }));

const logInAdmin = (page: Page) => logIn(page, server.url, "admin", ADMIN.username, ADMIN.password);

describe("admin pages", () => {
  it("an administrator publishes a calendar year", async () => {
    const T = "admin-calendar";
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logInAdmin(page);
    await page.locator("table.data").waitFor();
    expect(await page.locator("table.data tbody tr").count()).toBe(3);
    await shot(page, T, "01-agencies");
    expect(await a11yProblems(page)).toEqual([]);

    await page.getByRole("link", { name: "工作日历" }).click();
    await page.getByRole("heading", { name: "已公布的年度" }).waitFor();
    expect(await page.locator('.years li[data-year="2028"]').count()).toBe(0);

    // Year 2028: load the rule-based schedule, add a make-up working day, publish.
    const year = page.getByRole("textbox", { name: "年度" });
    await year.fill("2028");
    await page.getByRole("button", { name: "加载现有安排" }).click();
    await page.getByText("已加载 2028 年按规则推算的安排（暂定）。").waitFor();
    const holidays = page.getByLabel("放假日期");
    expect(await holidays.inputValue()).toContain("2028-01-01");
    // Keyboard: Tab from the holidays to the make-up days and type them.
    await holidays.focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => (document.activeElement as HTMLTextAreaElement).name)).toBe("workdays");
    await page.keyboard.type("2028-01-29, 2028-02-13");
    await shot(page, T, "02-publish-form");
    expect(await a11yProblems(page)).toEqual([]);
    await page.getByRole("button", { name: "公布", exact: true }).click();
    await page.locator(".msg-success").waitFor();
    expect(await page.locator(".msg-success").innerText()).toMatch(
      /^已公布 2028 年安排：\d+ 个放假日，2 个调休上班日。$/,
    );
    expect(await page.locator('.years li[data-year="2028"]').count()).toBe(1);
    await shot(page, T, "03-published");

    const r = await api.call("GET", "/api/admin/calendar/2028", { token: tokens.admin });
    expect(r.body).toMatchObject({ year: 2028, provisional: false, workdays: ["2028-01-29", "2028-02-13"] });

    // A weekday listed as a make-up day is refused with the server's reason.
    await page.getByLabel("调休上班日期").fill("2028-03-01");
    await page.getByRole("button", { name: "公布", exact: true }).click();
    await page.locator(".form-messages .msg-error").waitFor();
    expect(await page.locator(".form-messages .msg-error").innerText()).toContain(
      "2028-03-01 is not a Saturday or Sunday",
    );
    w.assertClean();
    await ctx.close();
  });

  it("manages agencies, users and policies, in English", async () => {
    const T = "admin-manage";
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logInAdmin(page);
    await page.getByRole("button", { name: "English" }).click();
    const v = page.locator("#view");
    await page.getByRole("heading", { name: "Add an agency" }).waitFor();

    await v.getByRole("textbox", { name: "Code", exact: true }).fill("GZ");
    await v.getByRole("textbox", { name: "Name", exact: true }).fill("广州市医保中心");
    await v.getByRole("textbox", { name: "Region", exact: true }).fill("440100");
    await v.getByLabel("Medical insurance transfer — Transfer-out in progress").fill("8");
    // the insurances it handles (issue #28): every one unless unchecked; none at all is refused
    const medical = v.getByRole("checkbox", { name: "Basic medical insurance" }).last();
    const pension = v.getByRole("checkbox", { name: "Basic pension insurance" }).last();
    expect([await medical.isChecked(), await pension.isChecked()]).toEqual([true, true]);
    await medical.uncheck();
    await pension.uncheck();
    await page.getByRole("button", { name: "Add agency" }).click();
    expect(await page.locator(".has-error .field-error").innerText()).toBe("Choose at least one insurance");
    await pension.check();
    await page.getByRole("button", { name: "Add agency" }).click();
    await page.getByText("Agency GZ added.").waitFor();
    expect(await page.locator("table.data").innerText()).toContain("8 working days");
    const gzRow = page.locator("table.data tr", { hasText: "GZ" });
    expect(await gzRow.innerText()).toContain("Basic pension insurance");
    expect(await gzRow.innerText()).not.toContain("Basic medical insurance");
    // the edit form shows them checked as they are, and changes them
    await page.getByRole("button", { name: "Edit GZ" }).click();
    const edit = page.locator("form", { has: page.getByRole("heading", { name: /GZ/ }) }).first();
    expect(await edit.getByRole("checkbox", { name: "Basic medical insurance" }).isChecked()).toBe(false);
    await edit.getByRole("checkbox", { name: "Basic medical insurance" }).check();
    await shot(page, T, "00-agencies");
    expect(await a11yProblems(page)).toEqual([]);
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByText("Agency GZ saved.").waitFor();
    expect((await api.call("GET", "/api/admin/agencies", { token: tokens.admin })).body.items).toContainEqual(
      expect.objectContaining({ code: "GZ", insurances: ["medical", "pension"] }),
    );

    await page.getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Add an account" }).waitFor();
    await v.getByLabel("Username").fill("gz-clerk");
    await v.getByLabel("Initial password").fill("short");
    await v.getByLabel("Agency").selectOption("GZ");
    await page.getByRole("button", { name: "Add account" }).click();
    expect(await page.locator(".has-error .field-error").innerText()).toBe("At least 12 characters");
    await v.getByLabel("Initial password").fill("gz-password-1234");
    await page.getByRole("button", { name: "Add account" }).click();
    await page.getByText("Account gz-clerk added.").waitFor();
    await page.getByRole("button", { name: "Disable gz-clerk" }).click();
    await page.getByText("gz-clerk is disabled.").waitFor();
    await shot(page, T, "01-users");
    expect(await a11yProblems(page)).toEqual([]);

    await page.getByRole("link", { name: "Regional policies" }).click();
    await page.getByRole("heading", { name: "Add a policy version" }).waitFor();
    await v.getByRole("textbox", { name: "Region", exact: true }).fill("350100");
    await v.getByLabel("Effective from").fill("2026-01-01");
    await v.getByLabel("Contribution base (yuan per month)").fill("4567.89");
    // rates in the units people use: 10 % (1000 basis points); the late fee defaults to 5 per ten thousand a day
    await v.getByLabel("Rate (%)").fill("10");
    await v.getByLabel("Last year's average wage (yuan a month)").fill("8000");
    await v.getByLabel("Lowest base (% of the average wage)").fill("70");
    await v.getByLabel("Highest base (% of the average wage)").fill("300");
    await v.getByLabel("Reimbursement ratio by continuous months (e.g. 0:60, 36:90)").fill("0:60, 36:90");
    // the insurance: medical unless chosen (issue #28)
    expect(await v.getByRole("combobox", { name: "Insurance", exact: true }).inputValue()).toBe("medical");
    await page.getByRole("button", { name: "Add policy" }).click();
    await page.getByText("Basic medical insurance policy for region 350100 added, effective 2026-01-01.").waitFor();
    // a pension policy from the same date beside it
    await v.getByRole("combobox", { name: "Insurance", exact: true }).selectOption("pension");
    await v.getByRole("textbox", { name: "Region", exact: true }).fill("350100");
    await v.getByLabel("Effective from").fill("2026-01-01");
    await v.getByLabel("Contribution base (yuan per month)").fill("4567.89");
    await v.getByLabel("Rate (%)").fill("16");
    await page.getByRole("button", { name: "Add policy" }).click();
    await page.getByText("Basic pension insurance policy for region 350100 added, effective 2026-01-01.").waitFor();
    const table = await page.locator("table.data").innerText();
    expect(table).toContain("Basic medical insurance");
    expect(table).toContain("Basic pension insurance");
    const p = await api.call("GET", "/api/admin/policies", { token: tokens.admin });
    expect(p.body.items.map((x: any) => [x.insurance, x.rateBasisPoints])).toEqual([
      ["medical", 1000],
      ["pension", 1600],
    ]);
    expect(p.body.items[0]).toMatchObject({
      region: "350100",
      insurance: "medical",
      contributionBaseFen: 456_789,
      rateBasisPoints: 1000,
      lateFeePerDayPpm: 500,
      averageWageFen: 800_000,
      baseFloorPercent: 70,
      baseCeilingPercent: 300,
      flexibleRateBasisPoints: null,
      reimbursementRatios: [
        { minContinuousMonths: 0, ratioPercent: 60 },
        { minContinuousMonths: 36, ratioPercent: 90 },
      ],
    });
    await shot(page, T, "02-policies");
    expect(await a11yProblems(page)).toEqual([]);
    w.assertClean();
    await ctx.close();
  });

  it("draws the SLA report as charts with a table, and says so when the report is not available", async () => {
    const T = "admin-sla";
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logInAdmin(page);

    // Whatever this server offers today, the page does not break.
    await page.getByRole("link", { name: "时限报表" }).click();
    await page.locator(".chart-figure, .sla-out .empty, .form-messages .msg").first().waitFor();

    // The documented response shape, served by the browser's request interception.
    const report = {
      from: "2026-10-01",
      to: "2026-10-31",
      asOf: "2026-11-02",
      rows: [
        {
          agency: "FZ",
          agencyName: "福州市医保中心",
          caseType: "medicalTransfer",
          step: "transferOut",
          stepLabel: { zh: "转出办理中", en: "Transfer-out in progress" },
          open: 4,
          overdue: 1,
          completedOnTime: 18,
          completedLate: 2,
          completionRate: 0.9,
          medianWorkingDays: 6,
          p90WorkingDays: 9.5,
        },
        {
          agency: "XM",
          agencyName: "厦门市医保中心",
          caseType: "medicalTransfer",
          step: "transferIn",
          stepLabel: { zh: "转入办理中", en: "Transfer-in in progress" },
          open: 2,
          overdue: 0,
          completedOnTime: 10,
          completedLate: 0,
          completionRate: 1,
          medianWorkingDays: 3,
          p90WorkingDays: 4,
        },
        {
          agency: "XM",
          agencyName: "厦门市医保中心",
          caseType: "pensionTransfer",
          step: "applicationFiled",
          stepLabel: { zh: "转入地审核中", en: "Under review by the transfer-in agency" },
          open: 3,
          overdue: 2,
          completedOnTime: 0,
          completedLate: 0,
          completionRate: null,
          medianWorkingDays: null,
          p90WorkingDays: null,
        },
      ],
    };
    let asked = "";
    await page.route("**/api/admin/reports/sla?*", (route) => {
      asked = route.request().url();
      return route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(report) });
    });
    await page.getByLabel("开始日期").fill("2026-10-01");
    await page.getByLabel("结束日期").fill("2026-10-31");
    await page.getByRole("button", { name: "生成报表" }).click();
    await page.locator(".chart-figure").first().waitFor();
    expect(new URL(asked).searchParams.get("from")).toBe("2026-10-01");
    expect(new URL(asked).searchParams.get("format")).toBe("json");
    expect(await page.locator('svg.chart[role="img"]').count()).toBe(3);
    expect(await page.locator("svg.chart").first().locator("rect.bar").count()).toBe(3);
    const tableText = await page.locator("table.data").innerText();
    expect(tableText).toContain("福州市医保中心 (FZ) · 基本医疗保险关系转移接续 · 转出办理中");
    expect(tableText).toContain("90%");
    await shot(page, T, "01-charts");
    expect(await a11yProblems(page)).toEqual([]);

    // Not deployed (404): a clear message instead of a broken page.
    await page.unroute("**/api/admin/reports/sla?*");
    await page.route("**/api/admin/reports/sla?*", (route) =>
      route.fulfill({
        status: 404,
        contentType: "application/problem+json",
        body: JSON.stringify({ type: "/problems/not-found", title: "Not found", status: 404 }),
      }),
    );
    await page.getByRole("button", { name: "生成报表" }).click();
    await page.getByText("服务器暂不提供时限报表。").waitFor();
    expect(await page.locator(".chart-figure").count()).toBe(0);
    await shot(page, T, "02-unavailable");
    w.assertClean();
    await ctx.close();
  });
});
