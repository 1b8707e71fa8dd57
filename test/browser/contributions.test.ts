// The contribution records in the console: the import page (a check first, the bad rows by number,
// then the import; a progress bar while a larger file runs as a job) and the case page's record
// card (totals, the months newest first, a correction with its reason), in Chinese and English.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { Api, Tokens } from "../support/fixtures.ts";
import { openCase } from "../support/fixtures.ts";
import { makePeople } from "../support/reliability.ts";
import type { TestServer } from "../support/server.ts";
import { a11yProblems, logIn, newContext, shot, startSuite, stopSuite, watch } from "./support.ts";

const T = "contributions";
const PASSWORD = "staff-password-123";
const HEADER = "idNumber,insurance,month,base,employer,individual,accountCredit,status,payer,employerCreditCode,reason";
const CREDIT = "91350100MA3K00002E";
const line = (idNumber: string, month: string, o: { credit?: string; status?: string; reason?: string } = {}) =>
  [
    idNumber,
    "medical",
    month,
    "5600.00",
    "448.00",
    "112.00",
    o.credit ?? "168.00",
    o.status ?? "paid",
    "employer",
    CREDIT,
    o.reason ?? "",
  ].join(",");
const csvFile = (name: string, rows: string[]) => ({
  name,
  mimeType: "text/csv",
  buffer: Buffer.from([HEADER, ...rows].join("\r\n")),
});

let suite: { server: TestServer; browser: Browser; api: Api; tokens: Tokens };
const people = makePeople(400, 91);

beforeAll(async () => {
  // a file of more than 20 rows runs as a job: the page shows its progress
  process.env.CONTRIBUTION_IMPORT_SYNC_MAX_ROWS = "20";
  suite = await startSuite();
}, 120_000);
afterAll(() => stopSuite(suite ?? {}));

describe("importing contribution records and the case's record card", () => {
  it("checks, lists bad rows, imports, shows progress, and the case page shows the record", async () => {
    const p = people[0]!;
    const c = await openCase(suite.api, suite.tokens.out, { insured: p });
    const ctx = await newContext(suite.browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logIn(page, suite.server.url, "console", "fz-clerk", PASSWORD);
    await page.getByRole("link", { name: "导入缴费记录" }).click();
    await page.getByRole("heading", { name: "导入缴费记录" }).waitFor();
    const run = page.getByRole("button", { name: "导入", exact: true });
    expect(await run.isDisabled()).toBe(true);

    // a file with bad rows: each named by its number and column, and the import is not offered
    const months = ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03"];
    await page
      .locator("#contrib-file")
      .setInputFiles(
        csvFile("bad.csv", [line(p.idNumber, "2025-13"), line(p.idNumber, "2024-09").replace("5600.00", "-1")]),
      );
    await page.getByRole("button", { name: "检查", exact: true }).click();
    await page.locator(".import-results .note-danger").waitFor();
    expect(await page.locator('.import-results tr[data-row="2"]').innerText()).toContain("month");
    expect(await page.locator('.import-results tr[data-row="3"]').innerText()).toContain("base");
    expect(await run.isDisabled()).toBe(true);
    await shot(page, T, "01-import-refused");

    // a good file: checked, then imported
    const good = [...months.map((m) => line(p.idNumber, m)), line(p.idNumber, "2025-05", { status: "arrears" })];
    await page.locator("#contrib-file").setInputFiles(csvFile("good.csv", good));
    await page.getByRole("button", { name: "检查", exact: true }).click();
    await page.locator(".import-results .note:has-text('检查通过')").waitFor();
    expect(await page.locator(".import-results .note").innerText()).toContain("将新增 8 条");
    await shot(page, T, "02-import-checked");
    await run.click();
    await page.locator(".import-results .note:has-text('已导入')").waitFor();
    expect(await page.locator(".import-results .note").innerText()).toContain("新增 8 条");
    await shot(page, T, "03-import-done");

    // a correction of one month with its reason
    await page
      .locator("#contrib-file")
      .setInputFiles(csvFile("fix.csv", [line(p.idNumber, "2025-03", { credit: "200.00", reason: "划账比例有误" })]));
    await page.getByRole("button", { name: "检查", exact: true }).click();
    await page.locator(".import-results .note:has-text('将更正 1 条')").waitFor();
    await run.click();
    await page.locator(".import-results .note:has-text('更正 1 条')").waitFor();

    // a larger file runs as a job: the progress bar, then the outcome
    const many = people.slice(1, 301).map((q) => line(q.idNumber, "2025-06"));
    await page.locator("#contrib-file").setInputFiles(csvFile("many.csv", many));
    await page.getByRole("button", { name: "检查", exact: true }).click();
    await page.locator("progress#contrib-progress").waitFor();
    expect(await page.locator(".import-progress label").innerText()).toMatch(/\/ 300 行/);
    await shot(page, T, "04-import-progress");
    await page.locator(".import-results .note:has-text('检查通过')").waitFor();
    expect(await a11yProblems(page)).toEqual([]);

    // the case page: the record's totals, the months newest first, the correction and its reason
    await page.goto(`${suite.server.url}/console#/case/${c.id}`);
    const card = page.locator(".contrib-card");
    await card.locator("table").waitFor();
    expect(await card.locator('[data-contrib="actual"] dd').innerText()).toBe("7 个月");
    expect(await card.locator('[data-contrib="arrears"] dd').innerText()).toBe("¥560.00（1 个月）");
    expect(await card.locator('[data-contrib="balance"] dd').innerText()).toBe("¥1,208.00");
    expect(await card.locator('[data-contrib="gaps"] dd').innerText()).toBe("无");
    const rows = await card.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-month")));
    expect(rows.slice(0, 3)).toEqual(["2025-05", "2025-03", "2025-03"]);
    expect(await card.locator("tbody tr").nth(1).innerText()).toContain("更正：划账比例有误");
    expect(await card.locator("tbody tr").nth(2).innerText()).toContain("已被更正");
    await card.scrollIntoViewIfNeeded();
    await shot(page, T, "05-case-card");
    expect(await a11yProblems(page)).toEqual([]);

    await page.locator("#lang-switch").click();
    await card.getByRole("heading", { name: "Contribution record" }).waitFor();
    expect(await card.locator('[data-contrib="actual"] dt').innerText()).toBe("Months paid");
    expect(await card.locator("tbody tr").nth(1).innerText()).toContain("Corrected: 划账比例有误");
    await shot(page, T, "06-case-card-en");
    await page.locator("#lang-switch").click();
    w.assertClean();
    await ctx.close();
  }, 120_000);

  it("tells a clerk whose agency holds no months where to import them", async () => {
    const p = people[350]!;
    const c = await openCase(suite.api, suite.tokens.out, { insured: p });
    const ctx = await newContext(suite.browser);
    const page = await ctx.newPage();
    await logIn(page, suite.server.url, "console", "xm-clerk", PASSWORD);
    await page.goto(`${suite.server.url}/console#/case/${c.id}`);
    await page.locator(".contrib-card .note-warning").waitFor();
    expect(await page.locator(".contrib-card .note-warning a").getAttribute("href")).toBe("#/contributions/import");
    await ctx.close();
  }, 60_000);
});
