// A case's documents end to end: which exist after which events, the PDFs read back (case number,
// dates, amounts in yuan, the ID number masked or not), verification codes, who may download them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { person, type TestServer } from "../support/server.ts";
import {
  advance,
  fuzhouPolicy,
  medicalCertificate,
  openCase,
  importPensionRecord,
  pensionCertificate,
  startWithAgencies,
  type Api,
  type Tokens,
} from "../support/fixtures.ts";
import { pdfText } from "../support/pdf.ts";
import { maskIdNumber, maskName } from "../../src/domain/idNumber.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies(
    { PUBLIC_URL: "https://si.example.gov.cn/" },
    { checkAnswers: true },
  ));
});

afterAll(async () => {
  await server?.stop();
});

const CODE = /^[2-9A-HJ-NP-Z]{12}$/;

/** The smallest valid PNG: an attachment's file. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5d8a80000000049454e44ae426082",
  "hex",
);
const attach = async (token: string, caseId: string, kind: string) => {
  const r = await api.upload(`/api/cases/${caseId}/attachments`, {
    token,
    fields: { kind },
    file: { bytes: PNG, name: `${kind}.png` },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
};

/** GET or POST for a PDF: status, content type and the bytes. */
async function fetchPdf(path: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await fetch(server.url + path, {
    method: opts.body === undefined ? "GET" : "POST",
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get("content-type") ?? "", bytes, headers: res.headers };
}

async function staffPdf(token: string, id: string, kind: string, seq?: number) {
  const r = await fetchPdf(`/api/cases/${id}/documents/${kind}${seq ? `?seq=${seq}` : ""}`, { token });
  expect(r.status, new TextDecoder().decode(r.bytes).slice(0, 300)).toBe(200);
  expect(r.type).toBe("application/pdf");
  expect(r.bytes.length).toBeLessThan(200 * 1024);
  expect(new TextDecoder().decode(r.bytes.subarray(0, 5))).toBe("%PDF-");
  const read = await pdfText(r.bytes);
  expect(read.size.map(Math.round)).toEqual([595, 842]); // A4
  return { ...read, bytes: r.bytes };
}

const list = async (token: string, id: string) => {
  const r = await api.call("GET", `/api/cases/${id}/documents`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items as {
    kind: string;
    seq: number;
    issuedOn: string;
    verificationCode: string;
    supersededOn: string | null;
    title: { zh: string; en: string };
  }[];
};

const withoutInstance = (body: Record<string, unknown>) => {
  const { instance: _, ...rest } = body;
  return rest;
};

describe("a medical transfer's documents", () => {
  let c: any;
  const insured = person;
  beforeAll(async () => {
    c = await openCase(api, tokens.out, { occurredOn: "2026-09-01", insured });
    await advance(api, tokens.out, c.id, medicalCertificate({ occurredOn: "2026-09-02" })); // seq 2
    await advance(api, tokens.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "offline",
      applicant: "individual",
      occurredOn: "2026-09-03",
    }); // seq 3
    await advance(api, tokens.in, c.id, { type: "REFUSE", reason: "转入地尚未参保", occurredOn: "2026-09-07" }); // 4
    await advance(api, tokens.out, c.id, {
      type: "FILE_APPLICATION",
      channel: "online",
      applicant: "employer",
      occurredOn: "2026-09-10",
    }); // 5
    await advance(api, tokens.out, c.id, { type: "REISSUE_CERTIFICATE", occurredOn: "2026-09-11" }); // 6
    await advance(api, tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-14" }); // 7
    await advance(api, tokens.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      transferredFen: 52_000,
      occurredOn: "2026-09-16",
    }); // 8
    await advance(api, tokens.in, c.id, { type: "TRANSFER_IN_DONE", occurredOn: "2026-09-18" }); // 9
  });

  it("lists one document per act, derived from the events, the reissued certificate superseding the first", async () => {
    const items = await list(tokens.out, c.id);
    expect(items.map((d) => [d.kind, d.seq, d.issuedOn, d.supersededOn])).toEqual([
      ["insuranceCertificate", 2, "2026-09-02", "2026-09-11"],
      ["receipt", 3, "2026-09-03", null],
      ["refusalNotice", 4, "2026-09-07", null],
      ["receipt", 5, "2026-09-10", null],
      ["insuranceCertificate", 6, "2026-09-11", null],
      ["completionNotice", 9, "2026-09-18", null],
    ]);
    expect(items[0].title).toEqual({ zh: "基本医疗保险参保凭证", en: "Medical insurance certificate" });
    for (const d of items) expect(d.verificationCode).toMatch(CODE);
    expect(new Set(items.map((d) => d.verificationCode)).size).toBe(items.length);
    // the other agency of the case sees the same list, the same codes
    expect(await list(tokens.in, c.id)).toEqual(items);
  });

  it("prints the certificate with the full ID number (the agencies exchange it), amounts in yuan", async () => {
    const latest = await staffPdf(tokens.in, c.id, "insuranceCertificate");
    expect(latest.text).toContain(c.caseNumber);
    expect(latest.text).toContain("基本医疗保险参保凭证");
    expect(latest.text).toContain("2026年9月11日");
    expect(latest.text).toContain("¥520.00");
    expect(latest.text).toContain("36 个月");
    expect(latest.text).toContain(insured.idNumber);
    expect(latest.text).toContain(insured.name);
    expect(latest.text).toContain("第 1 次补开");
    expect(latest.text).toContain("2026年9月2日"); // the original's date
    const items = await list(tokens.out, c.id);
    expect(latest.text).toContain(items[4].verificationCode.replace(/(.{4})(?=.)/g, "$1-"));
    expect(latest.text).toContain(`https://si.example.gov.cn/verify/${items[4].verificationCode}`);

    const first = await staffPdf(tokens.in, c.id, "insuranceCertificate", 2);
    expect(first.text).toContain("2026年9月2日");
    expect(first.text).toContain("已作废");
  });

  it("masks the ID number everywhere else, and says what the refusal was and what to do next", async () => {
    const receipt = await staffPdf(tokens.in, c.id, "receipt", 3);
    expect(receipt.text).toContain(c.caseNumber);
    expect(receipt.text).toContain("2026年9月3日");
    expect(receipt.text).toContain(maskIdNumber(insured.idNumber));
    expect(receipt.text).not.toContain(insured.idNumber);
    expect(receipt.text).toContain("经办窗口");
    expect(receipt.text).toContain("https://si.example.gov.cn/");
    // the filing date is the application's (受理 is the later decision), the materials the step
    // requires and the overall rule (this version's filing starts no step clock: no review date)
    expect(receipt.text).toContain("申请日期（收件日期） 2026年9月3日");
    expect(receipt.text).not.toContain("受理日期");
    expect(receipt.text).toContain("应提交材料 申请表、居民身份证");
    expect(receipt.text).not.toContain("审核期限");
    expect(receipt.text).toContain("办结时限 转入地经办机构自受理之日起 15 个工作日内办结");
    expect(receipt.text).toContain(
      "可在 https://si.example.gov.cn/ 查询办理进度。经办人：xm-clerk经办机构（章）：厦门市医保中心日期：2026年9月3日",
    );

    // The refusal notice, whole: issued by the transfer-in agency, the decision's date, the reason
    // as given (a reason without a reasonCode means "other"), and the next step for that reason.
    const refusal = await staffPdf(tokens.in, c.id, "refusalNotice");
    const code = (await list(tokens.in, c.id)).find((d) => d.kind === "refusalNotice")!.verificationCode;
    expect(refusal.text).toBe(
      `厦门市医保中心不予受理告知书Notice of refusal业务编号 ${c.caseNumber}出具日期 2026年9月7日` +
        `姓名 ${insured.name}身份证号码 ${maskIdNumber(insured.idNumber)}` +
        "申请事项 基本医疗保险关系转移接续决定日期 2026年9月7日不予受理原因 转入地尚未参保" +
        "下一步请按上述原因办理后重新提出申请；如有疑问，请向转入地经办机构咨询。" +
        "本业务可重新提出申请，办理进度可凭业务编号在 https://si.example.gov.cn/ 查询。" +
        // the remedies, addressed by the issuing agency, and the seal block with the clerk's username
        "救济途径如对本决定不服，可自收到本告知书之日起 60 日内向厦门市医保中心同级人民政府或上一级主管部门" +
        "申请行政复议，或者自收到之日起 6 个月内向人民法院提起行政诉讼。" +
        "经办人：xm-clerk经办机构（章）：厦门市医保中心日期：2026年9月7日" +
        `验证码 Verification code${code.replace(/(.{4})(?=.)/g, "$1-")}` +
        `扫描二维码或访问以下地址核验本文书：https://si.example.gov.cn/verify/${code}`,
    );
    expect(refusal.text).not.toContain(insured.idNumber);

    const done = await staffPdf(tokens.out, c.id, "completionNotice");
    expect(done.text).toContain("办结通知");
    expect(done.text).toContain("已转移接续");
    expect(done.text).toContain("¥520.00");
    expect(done.text).toContain("2026年9月18日");
    expect(done.text).toContain(maskIdNumber(insured.idNumber));
  });

  it("produces the same bytes again (deterministic), and the OpenAPI document describes the PDF answer", async () => {
    const a = await staffPdf(tokens.in, c.id, "receipt");
    const b = await staffPdf(tokens.out, c.id, "receipt");
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    // through the checking client: status, content type and headers as documented
    const checked = await api.call("GET", `/api/cases/${c.id}/documents/receipt`, { token: tokens.in });
    expect(checked.status).toBe(200);
    expect(checked.headers.get("content-disposition")).toBe(`inline; filename="${c.caseNumber}-receipt-5.pdf"`);
  });

  it("answers 404 for a kind the case has not produced, an unknown kind or seq", async () => {
    for (const path of [
      `/api/cases/${c.id}/documents/acceptanceLetter`,
      `/api/cases/${c.id}/documents/receipt?seq=4`,
      `/api/cases/${c.id}/documents/noSuchKind`,
    ]) {
      const r = await api.call("GET", path, { token: tokens.in });
      expect(r.status, path).toBe(404);
    }
    expect((await api.call("GET", `/api/cases/${c.id}/documents/receipt?seq=x`, { token: tokens.in })).status).toBe(
      422,
    );
  });

  it("gives others exactly what a case they may not see gives", async () => {
    const forbidden = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.other });
    expect(forbidden.status).toBe(403);
    for (const token of [tokens.other, tokens.admin]) {
      for (const path of [`/api/cases/${c.id}/documents`, `/api/cases/${c.id}/documents/insuranceCertificate`]) {
        const r = await api.call("GET", path, { token });
        expect(r.status).toBe(403);
        expect(withoutInstance(r.body)).toEqual(withoutInstance(forbidden.body));
      }
    }
    expect((await api.call("GET", `/api/cases/${c.id}/documents`)).status).toBe(401);
  });

  it("verifies every code without login: kind, case number, agency, date, masked name; superseded marked", async () => {
    const items = await list(tokens.out, c.id);
    const first = await api.call("GET", `/api/verify/${items[0].verificationCode}`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      verificationCode: items[0].verificationCode,
      kind: "insuranceCertificate",
      title: { zh: "基本医疗保险参保凭证", en: "Medical insurance certificate" },
      caseNumber: c.caseNumber,
      caseType: "medicalTransfer",
      issuingAgency: { name: "福州市医保中心", region: "350100" },
      issuedOn: "2026-09-02",
      insuredName: maskName(insured.name),
      status: "superseded",
      supersededOn: "2026-09-11",
      // the figures the certificate was issued with, to compare with the paper
      figures: [
        { key: "contributionMonths", label: { zh: "缴费月数", en: "Contribution months" }, value: 36, unit: "months" },
        {
          key: "accountBalanceFen",
          label: { zh: "个人账户余额", en: "Personal account balance" },
          value: 52_000,
          unit: "fen",
        },
        { key: "arrearsFen", label: { zh: "欠费金额", en: "Arrears" }, value: 0, unit: "fen" },
      ],
    });
    // typed as printed (hyphens), or in lower case
    const typed = items[4].verificationCode.replace(/(.{4})(?=.)/g, "$1-").toLowerCase();
    const reissued = await api.call("GET", `/api/verify/${typed}`);
    expect(reissued.body).toMatchObject({ status: "valid", supersededOn: null, issuedOn: "2026-09-11" });
    expect(reissued.body.figures.map((f: { key: string; value: number }) => [f.key, f.value])).toEqual([
      ["contributionMonths", 36],
      ["accountBalanceFen", 52_000],
      ["arrearsFen", 0],
    ]);
    const receipt = await api.call("GET", `/api/verify/${items[1].verificationCode}`);
    expect(receipt.body).toMatchObject({ kind: "receipt", issuingAgency: { name: "厦门市医保中心" }, figures: [] });
    // the completion notice: the balance the transfer-out moved
    const done = await api.call("GET", `/api/verify/${items[5].verificationCode}`);
    expect(done.body).toMatchObject({ kind: "completionNotice" });
    expect(done.body.figures).toEqual([
      {
        key: "transferredFen",
        label: { zh: "划转个人账户余额", en: "Personal account balance transferred" },
        value: 52_000,
        unit: "fen",
      },
    ]);
    expect(JSON.stringify(receipt.body)).not.toContain(insured.idNumber);
  });

  it("a correcting reissue (v2): the PDF and the verification state the corrected figures and the reason", async () => {
    const other = { name: "王建国", idNumber: "350102198505051239" };
    const d = await openCase(api, tokens.out, { occurredOn: "2026-09-01", insured: other });
    expect(d.machineVersion).toBe(2);
    await advance(api, tokens.out, d.id, medicalCertificate({ occurredOn: "2026-09-02" }));
    await advance(api, tokens.out, d.id, {
      type: "REISSUE_CERTIFICATE",
      contributionMonths: 39,
      accountBalanceFen: 58_000,
      reason: "漏记3个月缴费",
      occurredOn: "2026-09-08",
    });
    const pdf = await staffPdf(tokens.out, d.id, "insuranceCertificate");
    for (const s of ["第 1 次补开（更正：漏记3个月缴费）", "39 个月", "¥580.00", "更正内容", "¥520.00"])
      expect(pdf.text).toContain(s);
    expect(pdf.text).not.toContain("遗失");
    const items = await list(tokens.out, d.id);
    const original = await api.call("GET", `/api/verify/${items[0].verificationCode}`);
    const corrected = await api.call("GET", `/api/verify/${items[1].verificationCode}`);
    const values = (body: { figures: { key: string; value: number }[] }) =>
      Object.fromEntries(body.figures.map((f) => [f.key, f.value]));
    expect(values(original.body)).toEqual({ contributionMonths: 36, accountBalanceFen: 52_000, arrearsFen: 0 });
    expect(values(corrected.body)).toEqual({ contributionMonths: 39, accountBalanceFen: 58_000, arrearsFen: 0 });
  });

  it("answers an unknown or malformed code with a 404 that says nothing more", async () => {
    const answers = [];
    for (const code of ["ABCDEFGHJKMN", "2222-2222-2222", "0O1I", "x".repeat(300), "%E4%BD%A0"]) {
      const r = await api.call("GET", `/api/verify/${code}`);
      expect(r.status, code).toBe(404);
      answers.push(withoutInstance(r.body));
    }
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]).toEqual({
      type: "/problems/not-found",
      title: "Not found",
      status: 404,
      detail: "No document has this verification code.",
    });
  });

  it("serves the verification page at /verify/{code}", async () => {
    const items = await list(tokens.out, c.id);
    const res = await fetch(`${server.url}/verify/${items[1].verificationCode}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("/assets/verify.js");
  });

  it("lets the insured person list and download their documents after the status lookup's check", async () => {
    const lookup = { caseNumber: c.caseNumber.toLowerCase(), idNumber: insured.idNumber };
    const mine = await api.call("POST", "/api/status/documents", { body: lookup });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual(await list(tokens.out, c.id));
    const pdf = await fetchPdf("/api/status/documents/pdf", { body: { ...lookup, kind: "receipt", seq: 3 } });
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe("application/pdf");
    const text = (await pdfText(pdf.bytes)).text;
    expect(text).toContain(c.caseNumber);
    expect(text).toContain("2026年9月3日");
    // the same document as staff download
    const staff = await staffPdf(tokens.in, c.id, "receipt", 3);
    expect(Buffer.from(pdf.bytes).equals(Buffer.from(staff.bytes))).toBe(true);
  });

  it("answers a wrong ID number exactly like an unknown case number, and like the status lookup", async () => {
    const other = { ...insured, idNumber: "11010519491231002X" };
    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: other.idNumber },
    });
    expect(status.status).toBe(404);
    for (const [path, extra] of [
      ["/api/status/documents", {}],
      ["/api/status/documents/pdf", { kind: "receipt" }],
    ] as const) {
      const wrongId = await api.call("POST", path, {
        body: { caseNumber: c.caseNumber, idNumber: other.idNumber, ...extra },
      });
      const unknown = await api.call("POST", path, {
        body: { caseNumber: "MT2026-22222222", idNumber: insured.idNumber, ...extra },
      });
      expect(wrongId.status).toBe(404);
      expect(withoutInstance(wrongId.body)).toEqual(withoutInstance(unknown.body));
      expect(withoutInstance(wrongId.body)).toEqual(withoutInstance(status.body));
    }
    // never in the URL: a GET is no route
    expect((await api.call("GET", `/api/status/documents?caseNumber=${c.caseNumber}`)).status).toBe(404);
  });
});

describe("a withdrawal's completion notice (issue #31)", () => {
  const withdrawn = async (token: string, reason: string) => {
    const c = await openCase(api, tokens.out, { occurredOn: "2026-09-01", insured: person });
    await advance(api, token, c.id, { type: "WITHDRAW", reason, occurredOn: "2026-09-02" });
    const items = await list(token, c.id);
    expect(items.map((d) => d.kind)).toEqual(["completionNotice"]);
    const pdf = await staffPdf(token, c.id, "completionNotice");
    const verified = await api.call("GET", `/api/verify/${items[0].verificationCode}`);
    return { pdf, verified: verified.body };
  };

  it("comes from the agency that recorded the withdrawal, states the reason, and /verify names the same agency", async () => {
    // withdrawn by the transfer-out agency at 中止参保: its notice, not the transfer-in agency's
    const byOut = await withdrawn(tokens.out, "本人放弃转移");
    expect(byOut.pdf.text.startsWith("福州市医保中心办结通知")).toBe(true);
    expect(byOut.pdf.text).toContain("撤回原因 本人放弃转移");
    expect(byOut.pdf.text).toContain("经办人：fz-clerk经办机构（章）：福州市医保中心日期：2026年9月2日");
    expect(byOut.pdf.text).not.toContain("厦门市医保中心");
    expect(byOut.verified.issuingAgency).toEqual({ name: "福州市医保中心", region: "350100" });
    // withdrawn by the transfer-in agency: its name, not the other
    const byIn = await withdrawn(tokens.in, "申请人撤回");
    expect(byIn.pdf.text.startsWith("厦门市医保中心办结通知")).toBe(true);
    expect(byIn.pdf.text).toContain("撤回原因 申请人撤回");
    expect(byIn.pdf.text).toContain("经办人：xm-clerk经办机构（章）：厦门市医保中心");
    expect(byIn.pdf.text).not.toContain("福州市医保中心");
    expect(byIn.verified.issuingAgency.name).toBe("厦门市医保中心");
  });
});

describe("a pension transfer's and a renewal's documents", () => {
  it("pension: the contribution certificate and the acceptance letter to the transfer-out agency", async () => {
    const insured = { name: "陈思远", idNumber: "11010519491231002X" };
    await importPensionRecord(api, tokens.out, insured.idNumber);
    const c = await openCase(api, tokens.out, { type: "pensionTransfer", occurredOn: "2026-08-03", insured });
    await advance(api, tokens.out, c.id, pensionCertificate({ occurredOn: "2026-08-04" }));
    // received with the application: the ID card and the employer's form (and a contract the step does not ask for)
    for (const kind of ["idCard", "employerForm", "laborContract"]) await attach(tokens.in, c.id, kind);
    const filed = await advance(api, tokens.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "offline",
      applicant: "employer",
      occurredOn: "2026-08-05",
    });
    const reviewDue: string = filed.stepDueOn;
    expect(reviewDue).toMatch(/^2026-08-\d\d$/);
    const receiptBefore = await staffPdf(tokens.in, c.id, "receipt");
    // brought later: not received with the application, the receipt stays as it was
    await attach(tokens.in, c.id, "applicationForm");
    await advance(api, tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-08-10" });
    // the receipt: the review's due date the filing set (the case's, then the next event's: the same
    // paper), the materials the step requires and the overall rule from the application
    const receipt = await staffPdf(tokens.in, c.id, "receipt");
    expect(receipt.bytes).toEqual(receiptBefore.bytes);
    const [y, m, d] = reviewDue.split("-").map(Number);
    expect(receipt.text).toContain(`审核期限 厦门市医保中心 ${y}年${m}月${d}日前完成审核`);
    expect(receipt.text).toContain("已收材料 居民身份证、增员表应提交材料 申请表、居民身份证、增员表");
    expect(receipt.text).toContain("办结时限 自收到申请之日起 45 个工作日内办结");
    const items = await list(tokens.in, c.id);
    expect(items.map((d) => d.kind)).toEqual(["contributionCertificate", "receipt", "acceptanceLetter"]);
    const cert = await staffPdf(tokens.in, c.id, "contributionCertificate");
    expect(cert.text).toContain("基本养老保险参保缴费凭证");
    // the wages since 1998 and the pooled share, 12 % of them
    expect(cert.text).toContain("¥195,466.67");
    expect(cert.text).toContain("¥23,456.00");
    const verified = await api.call("GET", `/api/verify/${items[0].verificationCode}`);
    // a version 3 certificate: the record's figures, the deemed months among them
    expect(verified.body.figures.map((f: { key: string; value: number }) => [f.key, f.value])).toEqual([
      ["contributionMonths", 120],
      ["deemedMonths", 0],
      ["personalAccountFen", 4_567_800],
      ["arrearsFen", 0],
      ["contributionWagesSince1998Fen", 19_546_667],
      ["pooledShareFen", 2_345_600],
    ]);
    expect(cert.text).toContain("¥45,678.00");
    expect(cert.text).toContain("120 个月");
    expect(cert.text).toContain(insured.idNumber);
    const letter = await staffPdf(tokens.out, c.id, "acceptanceLetter");
    expect(letter.text).toContain("同意接收函");
    expect(letter.text).toContain("福州市医保中心：");
    expect(letter.text).toContain("2026年8月10日");
    expect(letter.text).toContain(maskIdNumber(insured.idNumber));
    expect(letter.text).not.toContain(insured.idNumber);
  });

  it("renewal: the assessment notice with months, principal, late fee and total in yuan, then completion", async () => {
    // The renewal (version 3: months typed, as the agency holds no record of the person) computes the
    // assessment from the regional policy of the agency's region (FZ: 350100): the lowest base
    // 8,000.00 × 70 % = 5,600.00 (above the 5,000.00 given), 10 %: 560.00 a month.
    const policy = await api.call("POST", "/api/admin/policies", { token: tokens.admin, body: fuzhouPolicy });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const c = await openCase(api, tokens.out, { type: "renewal", occurredOn: "2026-03-02" });
    expect(c.machineVersion).toBe(3);
    const assessed = await advance(api, tokens.out, c.id, {
      type: "ASSESS_ARREARS",
      firstMissedMonth: "2026-03",
      lastMissedMonth: "2026-04",
      payer: "employer",
      paysOn: "2026-06-01",
      occurredOn: "2026-06-01",
    });
    // March is due 31 Mar: 62 days late on 1 June, 560.00 × 0.05 % × 62 = 17.36; April 32 days: 8.96.
    expect(assessed.assessment).toMatchObject({
      monthsMissed: 2,
      principalFen: 112_000,
      lateFeeFen: 2_632,
      totalFen: 114_632,
      backPayable: true,
      payBy: "2026-06-01",
      lines: [
        { month: "2026-03", baseFen: 560_000, contributionFen: 56_000, daysLate: 62, lateFeeFen: 1_736 },
        { month: "2026-04", baseFen: 560_000, contributionFen: 56_000, daysLate: 32, lateFeeFen: 896 },
      ],
    });
    await advance(api, tokens.out, c.id, { type: "PAYMENT_RECEIVED", amountFen: 114_632, occurredOn: "2026-06-03" });
    await advance(api, tokens.out, c.id, { type: "RESTORE", occurredOn: "2026-06-04" });
    const items = await list(tokens.out, c.id);
    expect(items.map((d) => [d.kind, d.issuedOn])).toEqual([
      ["assessmentNotice", "2026-06-01"],
      ["completionNotice", "2026-06-04"],
    ]);
    const notice = await staffPdf(tokens.out, c.id, "assessmentNotice");
    // the computed lines (month, base, contribution, days late, late fee), the total and the date to pay by
    for (const s of [
      "补缴核定通知",
      c.caseNumber,
      "2026年6月1日",
      "2026年3月",
      "2026年4月",
      "¥5,600.00",
      "¥560.00",
      "¥17.36",
      "¥8.96",
      "合计应缴",
      "¥1,146.32",
      "缴费截止日期",
    ])
      expect(notice.text).toContain(s);
    // back-payable: no waiting period
    expect(notice.text).not.toContain("待遇等待期");
    expect(notice.text).toContain(maskIdNumber(c.insured.idNumber));
    expect(notice.text).not.toContain(c.insured.idNumber);
    const done = await staffPdf(tokens.out, c.id, "completionNotice");
    expect(done.text).toContain("已恢复参保");
    // the amount paid and the continuity the assessment found (back-payable: continuous)
    expect(done.text).toContain("补缴金额 ¥1,146.32");
    expect(done.text).toContain("连续参保 补缴后连续计算");
    expect(done.text).toContain("经办人：fz-clerk经办机构（章）：福州市医保中心日期：2026年6月4日");
    // the case's only agency issues both
    expect((await api.call("GET", `/api/verify/${items[1].verificationCode}`)).body.issuingAgency.name).toBe(
      "福州市医保中心",
    );
  });
});
