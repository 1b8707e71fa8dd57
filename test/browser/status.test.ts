// The insured person's status page in a real (mobile-sized) browser: no login, case number +
// ID number in a POST body, progress with the current step marked, due date, timeline,
// Chinese by default with an English switch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { freshPerson, person, type TestServer } from "../support/server.ts";
import { medicalInTransferOut, openCase, send, walkTo, type Api, type Tokens } from "../support/fixtures.ts";
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

  it("a refused application says why and what to do next (phone, Chinese and English)", async () => {
    const T = "status-refused";
    // a version 2 medical transfer (the test service's default) refused for incomplete documents
    const insured = freshPerson();
    const c = await openCase(api, tokens.out, { insured });
    await walkTo(api, tokens, c, "applicationFiled");
    const r = await send(api, tokens.in, c.id, {
      type: "REFUSE",
      reasonCode: "documentsIncomplete",
      reason: "缺少参保凭证原件",
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const ctx = await newContext(browser, { mobile: true });
    const page = await ctx.newPage();
    const w = watch(page);
    await lookUp(page, c.caseNumber, insured.idNumber);
    const note = page.locator(".note.refusal");
    expect(await note.locator(".note-title").innerText()).toBe("申请未获受理");
    expect(await note.locator(".refusal-reason").innerText()).toBe("材料不齐全：缺少参保凭证原件");
    // the refusal notice's next step for this reason (src/documents/kinds.ts refusalNextSteps)
    expect(await note.locator(".refusal-next").innerText()).toBe(
      "请补齐所需材料（身份证件、参保凭证、申请表）后重新提交申请。",
    );
    // a transfer names both agencies
    const facts = await page.locator(".facts").innerText();
    expect(facts).toContain("转出地");
    expect(facts).toContain("转入地");
    await shot(page, T, "01-zh");
    expect(await a11yProblems(page)).toEqual([]);

    await page.getByRole("button", { name: "English" }).click();
    expect(await note.locator(".note-title").innerText()).toBe("Your application was refused");
    expect(await note.locator(".refusal-reason").innerText()).toBe("Documents incomplete: 缺少参保凭证原件");
    expect(await note.locator(".refusal-next").innerText()).toContain("Complete the documents needed");
    await shot(page, T, "02-en");
    w.assertClean();
    await ctx.close();
  });

  it("a renewal names its one agency and says when the payment deadline has passed (China's date)", async () => {
    const T = "status-renewal";
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
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const insured = freshPerson();
    const c = await openCase(api, tokens.out, { type: "renewal", insured, occurredOn: "2026-10-15" });
    const assessed = await send(api, tokens.out, c.id, {
      type: "ASSESS_ARREARS",
      firstMissedMonth: "2026-10",
      lastMissedMonth: "2026-10",
      payer: "employer",
      paysOn: "2026-11-02",
      occurredOn: "2026-11-02",
    });
    expect(assessed.status, JSON.stringify(assessed.body)).toBe(200);
    expect(assessed.body).toMatchObject({ state: "arrearsAssessed", assessment: { payBy: "2026-11-02" } });

    const ctx = await newContext(browser, { mobile: true });
    const page = await ctx.newPage();
    const w = watch(page);
    // 2026-11-02 04:00 in China (still 1 November in the browser's own zone, Los Angeles): the last day to pay
    await page.clock.setFixedTime(new Date("2026-11-01T20:00:00Z"));
    await lookUp(page, c.caseNumber, insured.idNumber);
    const payment = page.locator(".payment-due");
    expect(await payment.innerText()).toContain("请于 2026-11-02（周一） 前缴纳");
    expect(await page.locator(".payment-passed").count()).toBe(0);
    // one agency, not the same one as 转出地 and 转入地
    const facts = await page.locator(".facts").innerText();
    expect(facts).toContain("经办机构");
    expect(facts).not.toContain("转出地");
    expect(facts).not.toContain("转入地");

    // 2026-11-03 01:00 in China (still 2 November in Los Angeles): the deadline has passed
    await page.clock.setFixedTime(new Date("2026-11-02T17:00:00Z"));
    await lookUp(page, c.caseNumber, insured.idNumber);
    const passed = page.locator(".payment-passed");
    expect(await passed.locator(".note-title").innerText()).toBe(
      "缴费期限 2026-11-02（周一） 已过，请联系经办机构重新核定。",
    );
    expect(await page.locator("#result").innerText()).not.toContain("前缴纳");
    await shot(page, T, "01-passed-zh");
    expect(await a11yProblems(page)).toEqual([]);

    await page.getByRole("button", { name: "English" }).click();
    expect(await passed.locator(".note-title").innerText()).toContain(
      "The payment deadline 2026-11-02 (Mon) has passed",
    );
    expect(await page.locator(".facts").innerText()).toContain("Agency");
    expect(await page.locator(".facts").innerText()).not.toContain("Transfer-out agency");
    await shot(page, T, "02-passed-en");
    w.assertClean();
    await ctx.close();
  });
});

/** Loads the status page afresh, looks a case up and waits for the answer. */
async function lookUp(page: Page, caseNumber: string, idNumber: string) {
  await page.goto(`${server.url}/`);
  await page.locator("#caseNumber").fill(caseNumber);
  await page.locator("#idNumber").fill(idNumber);
  await page.locator("#lookup-form button[type=submit]").click();
  await page.locator("#result:not([hidden])").waitFor();
}
