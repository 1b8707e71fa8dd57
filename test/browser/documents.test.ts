// Documents in a real browser: a clerk downloads a case's documents from the case page, the insured
// person downloads theirs from the status page (case number + ID number in POST bodies only), a
// clerk of another agency checks a paper on the verification page. One document is rendered to an
// image beside the screenshots (pdftoppm), for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { client, person, setUpAgencies, type TestServer } from "../support/server.ts";
import { pdfText } from "../support/pdf.ts";
import { maskIdNumber } from "../../src/domain/idNumber.ts";
import { SCREENSHOTS, a11yProblems, logIn, newContext, shot, startServiceAndBrowser, watch } from "./support.ts";

let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof client>;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;
let c: { id: string; caseNumber: string };
const PASSWORD = "staff-password-123";

beforeAll(async () => {
  ({ server, browser } = await startServiceAndBrowser());
  api = client(server.url);
  tokens = await setUpAgencies(api);
  const open = await api.call("POST", "/api/cases", {
    token: tokens.out,
    body: { type: "medicalTransfer", insured: person, fromAgency: "FZ", toAgency: "XM", occurredOn: "2026-09-01" },
  });
  expect(open.status).toBe(201);
  c = open.body;
  const send = async (token: string, body: object) =>
    expect((await api.call("POST", `/api/cases/${c.id}/events`, { token, body })).status).toBe(200);
  await send(tokens.out, {
    type: "ISSUE_CERTIFICATE",
    occurredOn: "2026-09-02",
    contributionMonths: 48,
    accountBalanceFen: 523_456,
    arrearsFen: 0,
  });
  await send(tokens.in, {
    type: "FILE_APPLICATION",
    occurredOn: "2026-09-10",
    channel: "online",
    applicant: "employer",
  });
  await send(tokens.in, { type: "REFUSE", occurredOn: "2026-09-14", reason: "转入地尚未办理参保登记" });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The case's documents' verification codes by kind, as printed (XXXX-XXXX-XXXX). */
async function printedCodes(): Promise<Record<string, string>> {
  const r = await api.call("GET", `/api/cases/${c.id}/documents`, { token: tokens.in });
  expect(r.status).toBe(200);
  const items = r.body.items as { kind: string; verificationCode: string }[];
  return Object.fromEntries(items.map((d) => [d.kind, d.verificationCode.replace(/(.{4})(?=.)/g, "$1-")]));
}

/** Clicks a download button and returns the file's bytes. */
async function download(page: Page, button: ReturnType<Page["locator"]>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent("download"), button.click()]);
  return fs.readFileSync(await file.path());
}

/** Renders page 1 of a PDF to a PNG beside the screenshots, for a person to look at. */
function renderToImage(pdf: Buffer, name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const pdfFile = path.join(SCREENSHOTS, `${name}.pdf`);
  fs.writeFileSync(pdfFile, pdf);
  execFileSync("pdftoppm", ["-png", "-r", "80", "-singlefile", pdfFile, path.join(SCREENSHOTS, name)]);
  return path.join(SCREENSHOTS, `${name}.png`);
}

describe("documents", () => {
  it("a clerk downloads the case's documents from the case page", async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await logIn(page, server.url, "console", "xm-clerk", PASSWORD);
    await page.goto(`${server.url}/console#/case/${c.id}`);
    const rows = page.locator("#case-documents li");
    await rows.first().waitFor();
    // newest first: refusal notice, receipt, certificate
    expect(await rows.count()).toBe(3);
    const code = await printedCodes();
    expect(await rows.allInnerTexts()).toEqual([
      `不予受理告知书\n出具日期 2026-09-14（周一） · 验证码 ${code.refusalNotice}\n下载 PDF`,
      `受理回执\n出具日期 2026-09-10（周四） · 验证码 ${code.receipt}\n下载 PDF`,
      `基本医疗保险参保凭证\n出具日期 2026-09-02（周三） · 验证码 ${code.insuranceCertificate}\n下载 PDF`,
    ]);
    await page.locator("#case-documents").scrollIntoViewIfNeeded();
    await shot(page, "documents", "01-console-list");
    expect(await a11yProblems(page)).toEqual([]);

    const pdf = await download(page, rows.nth(2).getByRole("button"));
    const text = (await pdfText(pdf)).text;
    expect(text).toContain(c.caseNumber);
    expect(text).toContain("¥5,234.56");
    expect(text).toContain("2026年9月2日");
    expect(text).toContain(person.idNumber); // the certificate the agencies exchange
    const image = renderToImage(pdf, "documents-02-certificate-pdf");
    expect(fs.statSync(image).size).toBeGreaterThan(10_000);
    await page.getByText("已下载").waitFor();
    w.assertClean();
    await ctx.close();
  });

  it("the insured person downloads theirs from the status page, with nothing personal in a URL", async () => {
    const ctx = await newContext(browser, { mobile: true });
    const page = await ctx.newPage();
    const w = watch(page);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`${server.url}/`);
    await page.getByLabel("业务编号").fill(c.caseNumber);
    await page.getByLabel("身份证号码").fill(person.idNumber);
    await page.getByRole("button", { name: "查询" }).click();
    const rows = page.locator("#documents li");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    await shot(page, "documents", "03-status-list");
    expect(await a11yProblems(page)).toEqual([]);

    // the refusal notice, whole: the transfer-in agency's decision of 14 Sep, its reason and what to do next
    const pdf = await download(page, rows.nth(0).getByRole("button"));
    const text = (await pdfText(pdf)).text;
    const code = await printedCodes();
    expect(text).toBe(
      `厦门市医保中心不予受理告知书Notice of refusal业务编号 ${c.caseNumber}出具日期 2026年9月14日` +
        `姓名 ${person.name}身份证号码 ${maskIdNumber(person.idNumber)}` +
        "申请事项 基本医疗保险关系转移接续决定日期 2026年9月14日不予受理原因 转入地尚未办理参保登记" +
        "下一步请按上述原因办理后重新提出申请；如有疑问，请向转入地经办机构咨询。" +
        `本业务可重新提出申请，办理进度可凭业务编号在 ${server.url}/ 查询。` +
        // the remedies and the seal block with the clerk's username (issue #31)
        "救济途径如对本决定不服，可自收到本告知书之日起 60 日内向厦门市医保中心同级人民政府或上一级主管部门" +
        "申请行政复议，或者自收到之日起 6 个月内向人民法院提起行政诉讼。" +
        "经办人：xm-clerk经办机构（章）：厦门市医保中心日期：2026年9月14日" +
        `验证码 Verification code${code.refusalNotice}` +
        `扫描二维码或访问以下地址核验本文书：${server.url}/verify/${code.refusalNotice.replaceAll("-", "")}`,
    );
    expect(text).not.toContain(person.idNumber);
    renderToImage(pdf, "documents-04-refusal-pdf");

    // English: the list follows the language
    await page.getByRole("button", { name: "English" }).click();
    expect(await page.locator("#documents h2").innerText()).toBe("Documents");
    expect(await rows.allInnerTexts()).toEqual([
      `Notice of refusal\nIssued on 2026-09-14 (Mon) · Verification code ${code.refusalNotice}\nDownload PDF`,
      `Acknowledgement of application\nIssued on 2026-09-10 (Thu) · Verification code ${code.receipt}\nDownload PDF`,
      `Medical insurance certificate\nIssued on 2026-09-02 (Wed) · Verification code ${code.insuranceCertificate}\nDownload PDF`,
    ]);
    for (const url of requests) {
      expect(url).not.toContain(person.idNumber);
      expect(url.toUpperCase()).not.toContain(c.caseNumber);
    }
    w.assertClean();
    await ctx.close();
  });

  it("a clerk elsewhere checks a paper on the verification page", async () => {
    const listed = await api.call("GET", `/api/cases/${c.id}/documents`, { token: tokens.out });
    const code: string = listed.body.items[0].verificationCode;
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const w = watch(page);
    await page.goto(`${server.url}/verify/${code}`);
    await page.locator("#result:not([hidden])").waitFor();
    const result = await page.locator("#result").innerText();
    expect(result).toContain("基本医疗保险参保凭证");
    expect(result).toContain(c.caseNumber);
    expect(result).toContain("福州市医保中心");
    expect(result).toContain("2026-09-02");
    expect(result).toContain("林**");
    expect(result).not.toContain(person.idNumber);
    // the figures the certificate was issued with, to compare with the paper
    const figures = await page.locator("#figures").innerText();
    expect(figures).toContain("缴费月数\n48 个月");
    expect(figures).toContain("个人账户余额\n¥5,234.56");
    expect(figures).toContain("欠费金额\n¥0.00");
    expect(result).toContain("文书所载金额和月数");
    await shot(page, "documents", "05-verify-valid");
    expect(await a11yProblems(page)).toEqual([]);
    // in English: the labels the answer gives in English, the months in English
    await page.locator("#lang-switch").click();
    await page.getByText("Amounts and months on the document").waitFor();
    const english = await page.locator("#figures").innerText();
    expect(english).toContain("Contribution months\n48 months");
    expect(english).toContain("Personal account balance\n¥5,234.56");
    await shot(page, "documents", "05b-verify-valid-en");
    await page.locator("#lang-switch").click();
    await page.getByText("文书所载金额和月数").waitFor();

    // a mistyped code: "no document has this code", nothing more
    await page.getByLabel("验证码").fill("2222-2222-2222");
    await page.getByRole("button", { name: "核验" }).click();
    await page.getByText("没有与此验证码对应的文书。").waitFor();
    expect(await page.locator("#result").isHidden()).toBe(true);
    await shot(page, "documents", "06-verify-unknown");
    w.assertClean();
    await ctx.close();
  });
});
