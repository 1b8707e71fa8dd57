// A medical transfer's gap over 3 months (version 3, issue #28) as people see it: the insured
// person on the status page (a phone, Chinese then English) and the transfer-in clerk on the case
// page are told of the new place's waiting period.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { fuzhouPolicy, openCase, type Api, type Tokens } from "../support/fixtures.ts";
import { freshPerson, type TestServer } from "../support/server.ts";
import { a11yProblems, logIn, newContext, shot, startSuite, stopSuite, watch } from "./support.ts";

let server: TestServer, browser: Browser, api: Api, tokens: Tokens;
const PASSWORD = "staff-password-123";

beforeAll(async () => {
  // new medical transfers on the latest version, which reads the contribution records
  ({ server, browser, api, tokens } = await startSuite({ NEW_CASE_VERSIONS: "", TRACKER_TODAY: "2026-10-30" }));
  const policy = { ...fuzhouPolicy, region: "350200", waitingPeriodMonths: 6 };
  expect((await api.call("POST", "/api/admin/policies", { token: tokens.admin, body: policy })).status).toBe(201);
});
afterAll(() => stopSuite({ browser, server }));

const HEADER = "idNumber,insurance,month,base,employer,individual,accountCredit,status,payer,employerCreditCode,reason";
async function importMonths(token: string, idNumber: string, months: string[]) {
  const rows = months.map((m) =>
    [
      idNumber,
      "medical",
      m,
      "5600.00",
      "448.00",
      "112.00",
      "168.00",
      "paid",
      "employer",
      "91350100MA3K00002E",
      "",
    ].join(","),
  );
  const r = await api.upload("/api/contributions/import", {
    token,
    file: { bytes: [HEADER, ...rows, ""].join("\r\n"), name: "contributions.csv", type: "text/csv" },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe("a medical transfer's gap", () => {
  it("the status page and the case page say the gap is over 3 months and the waiting period is 6 months", async () => {
    const person = freshPerson();
    await importMonths(tokens.out, person.idNumber, ["2026-01", "2026-02", "2026-03"]);
    await importMonths(tokens.in, person.idNumber, ["2026-08", "2026-09"]);
    const c = await openCase(api, tokens.out, { insured: person, occurredOn: "2026-04-01" });
    const send = (token: string, body: Record<string, unknown>) =>
      api.call("POST", `/api/cases/${c.id}/events`, { token, body });

    // The transfer-out clerk issues the certificate in the console: the figures are the record's,
    // the form's figure fields may stay empty (a figure typed must be the record's).
    const out = await newContext(browser);
    const fz = await out.newPage();
    const fzWatch = watch(fz);
    await logIn(fz, server.url, "console", "fz-clerk", PASSWORD);
    await fz.goto(`${server.url}/console#/case/${c.id}`);
    await fz.getByRole("button", { name: "开具参保凭证" }).click();
    await fz.getByText("凭证上的月数和金额由系统按本机构的缴费记录计算，无需填写").waitFor();
    await fz.getByLabel("办理日期（可不填）").fill("2026-04-02");
    await fz.getByLabel("缴费月数").fill("4");
    await fz.getByRole("button", { name: "登记：开具参保凭证" }).click();
    await fz.getByText("contribution record says 3").waitFor();
    await shot(fz, "transfer-gap", "00-certificate-typed-differs");
    await fz.getByLabel("缴费月数").fill("");
    await fz.getByRole("button", { name: "登记：开具参保凭证" }).click();
    await fz.locator(".msg-success").waitFor();
    expect(await fz.locator('[data-fact="state"] dd').innerText()).toBe("已开具参保凭证");
    fzWatch.assertClean();
    await out.close();
    const issued = (await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out })).body;
    expect(issued.facts).toMatchObject({ contributionMonths: 3, accountBalanceFen: 3 * 16_800, recordAsOf: "2026-04" });
    const filed = await send(tokens.in, {
      type: "FILE_APPLICATION",
      occurredOn: "2026-10-29",
      channel: "offline",
      applicant: "individual",
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);

    const ctx = await newContext(browser, { mobile: true });
    const page = await ctx.newPage();
    const w = watch(page);
    await page.goto(`${server.url}/`);
    await page.getByLabel("业务编号").fill(c.caseNumber);
    await page.getByLabel("身份证号码").fill(person.idNumber);
    await page.getByRole("button", { name: "查询" }).click();
    const note = page.locator("#result .transfer-gap");
    await note.waitFor();
    expect(await note.innerText()).toBe(
      "原参保地最后缴费月份 2026-03，新参保地首个缴费月份 2026-08，中断 4 个月。\n\n" +
        "中断超过 3 个月：按转入地规定设置待遇等待期 6 个月，期满后方可享受医保待遇。",
    );
    await shot(page, "transfer-gap", "01-status-zh");
    expect(await a11yProblems(page)).toEqual([]);
    await page.getByRole("button", { name: "English" }).click();
    expect(await note.innerText()).toContain("the new place's waiting period of 6 months applies");
    await shot(page, "transfer-gap", "02-status-en");
    w.assertClean();
    await ctx.close();

    const desk = await newContext(browser);
    const clerk = await desk.newPage();
    await logIn(clerk, server.url, "console", "xm-clerk", PASSWORD);
    await clerk.goto(`${server.url}/console#/case/${c.id}`);
    const caseNote = clerk.locator(".transfer-gap");
    await caseNote.waitFor();
    expect(await caseNote.innerText()).toContain("待遇等待期 6 个月");
    await shot(clerk, "transfer-gap", "03-case");
    await desk.close();
  });
});
