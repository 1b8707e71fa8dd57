// The insured person's status page in a real (mobile-sized) browser: no login, case number +
// ID number in a POST body, progress with the current step marked, due date, timeline,
// Chinese by default with an English switch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { person, type TestServer } from "../support/server.ts";
import { medicalInTransferOut, type Api, type Tokens } from "../support/fixtures.ts";
import { a11yProblems, newContext, shot, startSuite, stopSuite, watch } from "./support.ts";

let server: TestServer, browser: Browser, api: Api, tokens: Tokens;

beforeAll(async () => {
  ({ server, browser, api, tokens } = await startSuite());
});

afterAll(() => stopSuite({ browser, server }));

describe("status page", () => {
  it("an insured person looks up a case on a phone, in Chinese then in English", async () => {
    const T = "status";
    // A case accepted in September: its 10-working-day transfer-out step is long overdue.
    const c = await medicalInTransferOut(
      api,
      tokens,
      { openedOn: "2026-09-01", certificateOn: "2026-09-02", filedOn: "2026-09-10", acceptOn: "2026-09-28" },
      person,
      { contributionMonths: 48, accountBalanceFen: 523_456 },
    );

    const ctx = await newContext(browser, { mobile: true });
    const page = await ctx.newPage();
    const w = watch(page);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(`${r.method()} ${r.url()} ${r.postData() ?? ""}`));
    await page.goto(`${server.url}/`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await shot(page, T, "01-form");

    // A wrong ID number: a clear "not found", nothing else.
    await page.getByLabel("业务编号").fill(c.caseNumber);
    await page.getByLabel("身份证号码").fill("11010519491231002X");
    await page.getByRole("button", { name: "查询" }).click();
    await page.getByText("没有找到这个业务。").waitFor();

    // The right one, submitted with the keyboard.
    await page.getByLabel("身份证号码").fill(person.idNumber);
    await page.getByLabel("身份证号码").press("Enter");
    await page.locator("#result:not([hidden])").waitFor();
    const current = page.locator('.steps [aria-current="step"]');
    expect(await current.innerText()).toContain("转出办理中");
    expect(await page.locator(".steps li").count()).toBe(6);
    expect(await page.locator(".steps .step-done").count()).toBe(3);
    expect(await page.locator('[role="progressbar"]').getAttribute("aria-valuenow")).toBe("4");
    expect(await page.getByText("已超过办理时限").isVisible()).toBe(true);
    expect(await page.locator(".facts").innerText()).toContain("2026-10-16（周五）"); // step due: 10 working days after 28 Sep, across National Day
    expect(await page.locator(".facts").innerText()).toContain("2026-10-23（周五）"); // overall
    expect(await page.locator(".timeline li").count()).toBe(4);
    expect(await page.locator("#result").innerText()).not.toContain(person.name);
    await shot(page, T, "02-result-zh");
    expect(await a11yProblems(page)).toEqual([]);

    // English, everything switches; the choice sticks on reload.
    await page.getByRole("button", { name: "English" }).click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(await page.locator("h1").innerText()).toBe("Check the progress of your case");
    expect(await current.innerText()).toContain("Transfer-out in progress");
    expect(await page.getByText("Past the time limit").isVisible()).toBe(true);
    expect(await page.locator(".facts").innerText()).toContain("2026-10-16 (Fri)");
    const result = await page.locator("#result").innerText();
    // No Chinese left but the data itself (agency names, the masked name).
    const withoutData = result.replaceAll("福州市医保中心", "").replaceAll("厦门市医保中心", "").replace(/林\*+/, "");
    expect(withoutData).not.toMatch(/[\u3400-\u9fff]/);
    await shot(page, T, "03-result-en");
    expect(await a11yProblems(page)).toEqual([]);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    expect(await page.getByLabel("Case number").isVisible()).toBe(true);

    // The ID number went in a POST body, never into a URL.
    expect(requests.filter((r) => r.includes("/api/status"))).not.toHaveLength(0);
    for (const r of requests) expect(r.split(" ")[1]).not.toContain(person.idNumber);
    w.assertClean();
    await ctx.close();
  });
});
