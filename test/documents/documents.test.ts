// The documents module without a service: which documents events produce, the next machine
// versions' payloads (REFUSE reasonCode, renewal v2's monthly lines), verification codes, PDFs.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { medicalTransfer, pensionTransfer, renewal } from "../../machines/index.ts";
import { REFUSAL_REASONS } from "../../machines/vocabulary.ts";
import { caseTypes, definitionOf } from "../../machines/index.ts";
import { deriveDocuments } from "../../src/documents/derive.ts";
import { documentKinds, type DocumentCase, type DocumentEvent, type DocumentKind } from "../../src/documents/kinds.ts";
import { normalizeCode } from "../../src/documents/index.ts";
import { renderPdf } from "../../src/documents/pdf.ts";
import { DataKey, DOCUMENT_CODE_ALPHABET } from "../../src/privacy/dataKey.ts";
import { pdfText } from "../support/pdf.ts";
import { root } from "../support/server.ts";

const theCase = (type: string): DocumentCase => ({
  id: "3f0b6f1e-8a39-4d6e-9a55-0c1f6f1d2a10",
  caseNumber: "RN2026-7K3Q9X2P",
  type,
  typeLabel: { zh: "断缴后续保", en: "Renewal after a lapse" },
  fromAgency: { name: "福州市医保中心", region: "350100" },
  toAgency: { name: "厦门市医保中心", region: "350200" },
  insured: { name: "林小明", idNumber: "350102199003071235" },
});

let seq = 0;
const ev = (
  type: string,
  toState: string,
  occurredOn: string,
  payload: Record<string, unknown> = {},
): DocumentEvent => ({
  seq: ++seq,
  type,
  toState,
  occurredOn,
  payload,
});

const bodyText = (kind: DocumentKind, c: DocumentCase, event: DocumentEvent, before = [event]) =>
  documentKinds[kind]
    .body({
      case: c,
      event,
      before,
      stateLabel: (s) => ({ zh: s, en: s }),
      statusAddress: "https://si.example.gov.cn/",
    })
    .map((b) =>
      b.kind === "field"
        ? `${b.label}:${b.value}`
        : b.kind === "table"
          ? [b.head, ...b.rows].map((r) => r.join("|")).join("\n")
          : b.text,
    )
    .join("\n");

describe("which documents events produce", () => {
  it("medical: certificate, receipt, refusal, reissue superseding, completion; no acceptance letter", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const events = [
      ev("CASE_OPENED", "suspended", "2026-09-01"),
      ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02"),
      ev("FILE_APPLICATION", "applicationFiled", "2026-09-03"),
      ev("ACCEPT", "transferOut", "2026-09-04"),
      ev("REISSUE_CERTIFICATE", "transferOut", "2026-09-05"),
      ev("TRANSFER_OUT_DONE", "transferIn", "2026-09-06"),
      ev("DEADLINE_MISSED", "transferIn", "2026-09-20"),
      ev("TRANSFER_IN_DONE", "transferred", "2026-09-21"),
    ];
    expect(deriveDocuments(medicalTransfer, c, events)).toEqual([
      {
        kind: "insuranceCertificate",
        seq: 2,
        issuedOn: "2026-09-02",
        supersededBy: { seq: 5, issuedOn: "2026-09-05" },
      },
      { kind: "receipt", seq: 3, issuedOn: "2026-09-03", supersededBy: null },
      { kind: "insuranceCertificate", seq: 5, issuedOn: "2026-09-05", supersededBy: null },
      { kind: "completionNotice", seq: 8, issuedOn: "2026-09-21", supersededBy: null },
    ]);
  });

  it("pension: the contribution certificate and the acceptance letter; a withdrawal ends the case too", () => {
    seq = 0;
    const c = theCase("pensionTransfer");
    const events = [
      ev("CASE_OPENED", "suspended", "2026-09-01"),
      ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02"),
      ev("FILE_APPLICATION", "applicationFiled", "2026-09-03"),
      ev("ACCEPT", "transferOut", "2026-09-04"),
    ];
    expect(deriveDocuments(pensionTransfer, c, events).map((d) => d.kind)).toEqual([
      "contributionCertificate",
      "receipt",
      "acceptanceLetter",
    ]);
    seq = 0;
    const withdrawn = [ev("CASE_OPENED", "lapsed", "2026-03-02"), ev("WITHDRAW", "withdrawn", "2026-03-05")];
    expect(deriveDocuments(renewal, theCase("renewal"), withdrawn).map((d) => d.kind)).toEqual(["completionNotice"]);
  });

  it("is declared by each case type, event by event: an event nobody listed produces nothing", () => {
    expect(Object.fromEntries(caseTypes.map((t) => [t, definitionOf(t).documents]))).toEqual({
      medicalTransfer: {
        FILE_APPLICATION: "receipt",
        APPLY_ONLINE: "receipt",
        ISSUE_CERTIFICATE: "insuranceCertificate",
        REISSUE_CERTIFICATE: "insuranceCertificate",
        ISSUE_RECORD_FORM: "recordForm",
        REFUSE: "refusalNotice",
      },
      pensionTransfer: {
        FILE_APPLICATION: "receipt",
        ISSUE_CERTIFICATE: "contributionCertificate",
        REISSUE_CERTIFICATE: "contributionCertificate",
        ACCEPT: "acceptanceLetter",
        REFUSE: "refusalNotice",
      },
      renewal: { ASSESS_ARREARS: "assessmentNotice" },
    });
    expect([...new Set(caseTypes.flatMap((t) => Object.keys(definitionOf(t).documents)))].sort()).toEqual(
      [
        "ACCEPT",
        "APPLY_ONLINE",
        "ASSESS_ARREARS",
        "FILE_APPLICATION",
        "ISSUE_CERTIFICATE",
        "ISSUE_RECORD_FORM",
        "REFUSE",
        "REISSUE_CERTIFICATE",
      ].sort(),
    );
    seq = 0;
    expect(
      deriveDocuments(medicalTransfer, theCase("medicalTransfer"), [ev("SOMETHING_NEW", "suspended", "2026-09-01")]),
    ).toEqual([]);
  });
});

describe("the next machine versions' payloads", () => {
  it("a refusal shows the reason code's label, the free text, and what to do next for that reason", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const nextStep: Record<keyof typeof REFUSAL_REASONS, string> = {
      notEnrolledAtNewPlace: "请先在转入地办理参保登记（用人单位为职工办理增员），再凭本业务编号重新提出申请。",
      coverNotSuspended: "请先到转出地经办机构办理中止参保手续，再重新提出申请。",
      documentsIncomplete: "请补齐所需材料（身份证件、参保凭证、申请表）后重新提交申请。",
      detailsDoNotMatch: "请核对姓名、身份证号码和参保日期等信息，更正后重新提出申请。",
      other: "请按上述原因办理后重新提出申请；如有疑问，请向转入地经办机构咨询。",
    };
    const notice = (reason: string, next: string) =>
      [
        "申请事项:断缴后续保",
        "决定日期:2026年9月7日",
        `不予受理原因:${reason}`,
        "下一步",
        next,
        "本业务可重新提出申请，办理进度可凭业务编号在 https://si.example.gov.cn/ 查询。",
      ].join("\n");
    for (const code of Object.keys(REFUSAL_REASONS) as (keyof typeof REFUSAL_REASONS)[]) {
      const text = bodyText(
        "refusalNotice",
        c,
        ev("REFUSE", "refused", "2026-09-07", { reasonCode: code, reason: "补充说明" }),
      );
      expect(text).toBe(notice(`${REFUSAL_REASONS[code].zh}：补充说明`, nextStep[code]));
    }
    // version 1's free text alone: what to do for any other reason
    const v1 = bodyText("refusalNotice", c, ev("REFUSE", "refused", "2026-09-07", { reason: "转入地尚未参保" }));
    expect(v1).toBe(notice("转入地尚未参保", nextStep.other));
    const notEnrolled = bodyText(
      "refusalNotice",
      c,
      ev("REFUSE", "refused", "2026-09-07", { reasonCode: "notEnrolledAtNewPlace" }),
    );
    expect(notEnrolled).toBe(notice("未在转入地参保", nextStep.notEnrolledAtNewPlace));
  });

  it("renewal v2: the monthly lines, the total, the payment date and the waiting period", () => {
    seq = 0;
    const c = theCase("renewal");
    const text = bodyText(
      "assessmentNotice",
      c,
      // as recorded: the clerk's request and the computed assessment (src/engine/arrearsAssessment.ts)
      ev("ASSESS_ARREARS", "arrearsAssessed", "2026-03-02", {
        firstMissedMonth: "2026-01",
        lastMissedMonth: "2026-02",
        payer: "employer",
        paysOn: "2026-03-16",
        assessment: {
          monthsMissed: 2,
          principalFen: 112_000,
          lateFeeFen: 896,
          totalFen: 112_896,
          backPayable: true,
          waitingPeriodMonths: 0,
          waitingPeriodEndsOn: null,
          payBy: "2026-03-16",
          lines: [
            { month: "2026-01", baseFen: 560_000, contributionFen: 56_000, daysLate: 30, lateFeeFen: 840 },
            { month: "2026-02", baseFen: 560_000, contributionFen: 56_000, daysLate: 2, lateFeeFen: 56 },
          ],
          policy: { region: "350100", effectiveFrom: "2026-01-01" },
          continuity: { continuous: true, continuousMonths: null, reimbursementRatioPercent: null },
        },
      }),
    );
    expect(text).toContain("2026年1月|¥5,600.00|¥560.00|30|¥8.40");
    expect(text).toContain("2026年2月|¥5,600.00|¥560.00|2|¥0.56");
    expect(text).toContain("合计应缴:¥1,128.96");
    expect(text).toContain("缴费截止日期:2026年3月16日");
    expect(text).not.toContain("待遇等待期");
    // not back-payable: nothing to pay, no lines, the waiting period of the policy
    const newEnrolment = bodyText(
      "assessmentNotice",
      c,
      ev("ASSESS_ARREARS", "arrearsAssessed", "2026-03-02", {
        firstMissedMonth: "2025-12",
        lastMissedMonth: "2026-02",
        payer: "flexible",
        paysOn: "2026-03-31",
        assessment: {
          monthsMissed: 3,
          principalFen: 0,
          lateFeeFen: 0,
          totalFen: 0,
          backPayable: false,
          waitingPeriodMonths: 6,
          waitingPeriodEndsOn: "2026-09-30",
          payBy: "2026-03-31",
          lines: [],
          policy: { region: "350100", effectiveFrom: "2026-01-01" },
          continuity: { continuous: false, continuousMonths: 0, reimbursementRatioPercent: 60 },
        },
      }),
    );
    expect(newEnrolment).toContain("合计应缴:¥0.00");
    expect(newEnrolment).toContain("缴费截止日期:2026年3月31日");
    expect(newEnrolment).toContain("待遇等待期:至 2026年9月30日 止");
  });

  it("renewal v1: months, principal, late fee, their total, and the waiting period when not back-payable", () => {
    seq = 0;
    const text = bodyText(
      "assessmentNotice",
      theCase("renewal"),
      ev("ASSESS_ARREARS", "arrearsAssessed", "2026-03-02", {
        monthsMissed: 7,
        principalFen: 392_000,
        lateFeeFen: 0,
        backPayable: false,
      }),
    );
    expect(text).toContain("补缴月数:7 个月");
    expect(text).toContain("应缴本金:¥3,920.00");
    expect(text).toContain("合计应缴:¥3,920.00");
    expect(text).toContain("待遇等待期");
  });
});

describe("verification codes", () => {
  const key = DataKey.generate("test").key;
  it("are 12 characters without 0/O/1/I, the same for the same document, different otherwise", () => {
    const code = key.documentCode("case-1", 3, "receipt");
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
    expect(DOCUMENT_CODE_ALPHABET).toHaveLength(32);
    expect(DOCUMENT_CODE_ALPHABET).not.toMatch(/[01IO]/);
    expect(key.documentCode("case-1", 3, "receipt")).toBe(code);
    const others = [
      key.documentCode("case-1", 4, "receipt"),
      key.documentCode("case-1", 3, "refusalNotice"),
      key.documentCode("case-2", 3, "receipt"),
      DataKey.generate("other").key.documentCode("case-1", 3, "receipt"),
    ];
    expect(new Set([code, ...others]).size).toBe(5);
  });

  it("use every character of the alphabet (the MAC's bits, not a biased part of them)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const ch of key.documentCode(`case-${i}`, 1, "receipt")) seen.add(ch);
    expect(seen.size).toBe(32);
  });

  it("are read as typed: hyphens, spaces, lower case; anything else is no code", () => {
    expect(normalizeCode("abcd-efgh-jkmn")).toBe("ABCDEFGHJKMN");
    expect(normalizeCode(" ABCD EFGH JKMN ")).toBe("ABCDEFGHJKMN");
    for (const bad of ["ABCDEFGHJKM", "ABCDEFGHJKMNP", "ABCDEFGHJKM0", "ABCDEFGHJKMI", "ABCDEFGHJKM你"])
      expect(normalizeCode(bad)).toBeNull();
  });
});

describe("the PDF", () => {
  it("is A4, small, deterministic, and reads back with the Chinese text, the code and the address", async () => {
    const input = {
      title: documentKinds.receipt.title,
      caseNumber: "MT2026-7K3Q9X2P",
      issuer: "厦门市医保中心",
      issuedOn: "2026-09-03",
      insuredName: "林小明",
      idNumber: "350102********1235",
      blocks: [{ kind: "text" as const, text: "您的申请已收到。" }],
      verificationCode: "ABCDEFGHJKMN",
      verificationUrl: "https://si.example.gov.cn/verify/ABCDEFGHJKMN",
    };
    const a = await renderPdf(input);
    const b = await renderPdf(input);
    expect(a.equals(b)).toBe(true);
    expect(a.length).toBeLessThan(200 * 1024);
    const read = await pdfText(a);
    expect(read.pages).toBe(1);
    expect(read.size.map(Math.round)).toEqual([595, 842]);
    for (const s of [
      "受理回执",
      "MT2026-7K3Q9X2P",
      "2026年9月3日",
      "林小明",
      "350102********1235",
      "ABCD-EFGH-JKMN",
      "您的申请已收到。",
    ])
      expect(read.text).toContain(s);
    expect(read.text).toContain(input.verificationUrl);
  });
});

describe("nothing is rendered on the advance path", () => {
  it("no module of the engine, the machines or the jobs imports the documents", () => {
    const offenders: string[] = [];
    for (const dir of ["src/engine", "machines", "src/jobs", "src/notifications"]) {
      for (const file of fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]) {
        if (!file.endsWith(".ts")) continue;
        const text = fs.readFileSync(path.join(root, dir, file), "utf8");
        if (/from\s+["'][^"']*documents\//.test(text) || /pdfkit|qrcode/.test(text)) offenders.push(`${dir}/${file}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
