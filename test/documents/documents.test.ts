// The documents module without a service: which documents events produce, the next machine
// versions' payloads (REFUSE reasonCode, renewal v2's monthly lines), verification codes, PDFs.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { medicalTransfer, pensionTransfer, renewal } from "../../machines/index.ts";
import { z } from "zod";
import {
  applicationGapSchema,
  certificateAddsUp,
  certificateFromRecordFields,
  fen,
  REFUSAL_REASONS,
  reissueFromRecordFields,
  type RecordPeriod,
} from "../../machines/vocabulary.ts";
import { caseTypes, definitionOf } from "../../machines/index.ts";
import { deriveDocuments } from "../../src/documents/derive.ts";
import {
  clerkOf,
  documentKinds,
  issuingAgency,
  type DocumentCase,
  type DocumentEvent,
  type DocumentKind,
  type DocumentKindSpec,
} from "../../src/documents/kinds.ts";
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
  scheme: "employee",
  stepDueOn: null,
  stepSeq: null,
  attachments: [],
});

/** The clerk of the transfer-in agency who records the events of these tests. */
const clerkIn = { kind: "staff", name: "xm-clerk", agency: { name: "厦门市医保中心", region: "350200" } };

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
  actor: clerkIn,
  stepDueOn: null,
  recordedAt: `${occurredOn}T02:00:00.000Z`,
});

/** What a body reads besides the case and the events, as documentPdf gives it. */
const bodyExtras = (c: DocumentCase, kind: DocumentKind, event: DocumentEvent) => ({
  stateLabel: (s: string) => ({ zh: s, en: s }),
  statusAddress: "https://si.example.gov.cn/",
  issuer: issuingAgency(kind, c, event, event.toState === "withdrawn" ? "withdrawn" : undefined),
  outcome: (s: string) => (s === "withdrawn" ? "withdrawn" : undefined),
  stepDueAfter: null,
  overall: null,
});

const bodyText = (kind: DocumentKind, c: DocumentCase, event: DocumentEvent, before = [event]) =>
  documentKinds[kind]
    .body({ case: c, event, before, ...bodyExtras(c, kind, event) })
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
        "救济途径",
        // the remedies, addressed by the issuing agency (the transfer-in agency)
        "如对本决定不服，可自收到本告知书之日起 60 日内向厦门市医保中心同级人民政府或上一级主管部门申请行政复议，或者自收到之日起 6 个月内向人民法院提起行政诉讼。",
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

// Issue #28: certificates state the figures of the contribution record (transfers v3), a reissue
// states the figures as corrected up to it, the application's gap, and the figures /verify answers.
const fz = "91350100MA2Y00001A";
const xm = "91350200MA2Y00002B";
/** A medical v3 certificate's payload, checked against the vocabulary's schema and sums. */
const medicalFromRecord = (o: Record<string, unknown> = {}) => {
  const periods: RecordPeriod[] = [
    {
      from: "2022-01",
      to: "2023-12",
      months: 24,
      status: "deemed",
      baseFen: 300_000,
      payer: "employer",
      employerCreditCode: fz,
    },
    {
      from: "2024-01",
      to: "2024-12",
      months: 12,
      status: "paid",
      baseFen: 600_000,
      payer: "employer",
      employerCreditCode: xm,
    },
    {
      from: "2025-01",
      to: "2025-01",
      months: 1,
      status: "backPaid",
      baseFen: 600_000,
      payer: "flexible",
      employerCreditCode: null,
    },
    {
      from: "2025-02",
      to: "2026-06",
      months: 17,
      status: "paid",
      baseFen: 650_000,
      payer: "flexible",
      employerCreditCode: null,
    },
  ];
  const payload = {
    recordAsOf: "2026-08",
    contributionMonths: 30,
    deemedMonths: 24,
    continuousMonths: 18,
    firstMonth: "2022-01",
    lastMonth: "2026-06",
    arrearsFen: 32_500,
    arrears: [{ month: "2026-07", amountFen: 32_500 }],
    periods,
    accountBalanceFen: 1_234_567,
    ...o,
  };
  const schema = z.object({ ...certificateFromRecordFields, accountBalanceFen: fen() }).strict();
  const parsed = (o.reason === undefined ? schema : schema.extend(reissueFromRecordFields)).parse(payload);
  expect(certificateAddsUp(parsed)).toBe(true);
  return payload;
};

const figuresOf = (kind: DocumentKind, event: DocumentEvent, before: DocumentEvent[]) =>
  ((documentKinds[kind] as DocumentKindSpec).figures?.({ event, before }) ?? []).map((f) => [
    f.key,
    f.label.zh,
    f.value,
    f.unit,
  ]);

describe("certificates from the contribution record and corrections (issue #28)", () => {
  it("a v3 medical certificate: months paid, deemed and continuous, the months counted, arrears and periods", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-08-20", medicalFromRecord());
    expect(bodyText("insuranceCertificate", c, issue).split("\n")).toEqual([
      "转出地经办机构:福州市医保中心",
      "转入地经办机构:厦门市医保中心",
      "险种:基本医疗保险",
      "参保类别:职工",
      "缴费月数:54 个月",
      "实际缴费月数:30 个月",
      "视同缴费月数:24 个月",
      "连续缴费月数:18 个月",
      "缴费起止:2022年1月至2026年6月",
      "记录截至:2026年8月",
      "个人账户余额:¥12,345.67",
      "欠费金额:¥325.00",
      "欠费明细",
      "欠费月份|欠费金额",
      "2026年7月|¥325.00",
      "缴费明细",
      "起止年月|月数|缴费基数|缴费状态|缴费单位",
      `2022年1月至2023年12月|24|¥3,000.00|视同缴费|${fz}`,
      `2024年1月至2024年12月|12|¥6,000.00|正常缴费|${xm}`,
      "2025年1月|1|¥6,000.00|补缴|灵活就业",
      "2025年2月至2026年6月|17|¥6,500.00|正常缴费|灵活就业",
      "本凭证用于办理基本医疗保险关系转移接续，请交转入地经办机构。",
    ]);
    // the record form (online flow) states the same
    const form = ev("ISSUE_RECORD_FORM", "onlineTransferOut", "2026-08-20", medicalFromRecord());
    expect(bodyText("recordForm", c, form)).toContain("视同缴费月数:24 个月");
    expect(figuresOf("insuranceCertificate", issue, [issue])).toEqual([
      ["contributionMonths", "实际缴费月数", 30, "months"],
      ["deemedMonths", "视同缴费月数", 24, "months"],
      ["accountBalanceFen", "个人账户余额", 1_234_567, "fen"],
      ["arrearsFen", "欠费金额", 32_500, "fen"],
    ]);
  });

  it("a v3 reissue after a correction of the record: its figures, the record's reasons, what changed", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-08-20", medicalFromRecord());
    const periods = medicalFromRecord().periods.map((p) => (p.status === "backPaid" ? { ...p, status: "paid" } : p));
    const corrected = medicalFromRecord({
      recordAsOf: "2026-09",
      arrearsFen: 0,
      arrears: [],
      periods,
      accountBalanceFen: 1_250_000,
      reason: null,
      recordCorrections: [
        { month: "2026-07", reason: "单位补报" },
        { month: "2025-01", reason: "按时缴费，非补缴" },
        { month: "2024-11", reason: "单位补报" },
      ],
    });
    const reissue = ev("REISSUE_CERTIFICATE", "certificateIssued", "2026-09-02", corrected);
    const text = bodyText("insuranceCertificate", c, reissue, [issue, reissue]);
    expect(text).toContain("补开:第 1 次补开（更正：单位补报；按时缴费，非补缴）");
    expect(text).toContain("原凭证出具日期:2026年8月20日");
    expect(text).toContain("个人账户余额|¥12,345.67|¥12,500.00");
    expect(text).toContain("欠费金额|¥325.00|¥0.00");
    expect(text).toContain("缴费明细|见原凭证|见本凭证");
    expect(text).not.toContain("实际缴费月数|"); // unchanged figures are not listed
    expect(text).toContain("记录截至:2026年9月");
    expect(text).not.toContain("遗失");
    // the clerk's reason comes first
    const own = ev("REISSUE_CERTIFICATE", "certificateIssued", "2026-09-03", { ...corrected, reason: "档案核对" });
    expect(bodyText("insuranceCertificate", c, own, [issue, own])).toContain("第 1 次补开（更正：档案核对）");
    // the same figures again: a lost paper, whatever the record says about earlier corrections
    const again = ev("REISSUE_CERTIFICATE", "certificateIssued", "2026-09-04", corrected);
    const lost = bodyText("insuranceCertificate", c, again, [issue, reissue, again]);
    expect(lost).toContain("补开:第 2 次补开（原凭证遗失）");
    expect(lost).toContain("个人账户余额:¥12,500.00");
    expect(lost).not.toContain("更正");
  });

  it("a v2 correction reissue prints the corrected figures and the reason; later papers keep them", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02", {
      contributionMonths: 36,
      accountBalanceFen: 52_000,
      arrearsFen: 0,
    });
    const correction = ev("REISSUE_CERTIFICATE", "certificateIssued", "2026-09-08", {
      contributionMonths: 39,
      accountBalanceFen: 58_000,
      reason: "漏记2019年3个月缴费",
    });
    const lost = ev("REISSUE_CERTIFICATE", "certificateIssued", "2026-09-09");
    const events = [issue, correction, lost];
    expect(bodyText("insuranceCertificate", c, correction, events.slice(0, 2)).split("\n")).toEqual([
      "转出地经办机构:福州市医保中心",
      "转入地经办机构:厦门市医保中心",
      "险种:基本医疗保险",
      "参保类别:职工",
      "缴费月数:39 个月",
      "个人账户余额:¥580.00",
      "欠费金额:¥0.00",
      "补开:第 1 次补开（更正：漏记2019年3个月缴费）",
      "原凭证出具日期:2026年9月2日",
      "更正内容",
      "项目|原|更正后",
      "缴费月数|36 个月|39 个月",
      "个人账户余额|¥520.00|¥580.00",
      "本凭证补开后，此前出具的凭证作废。",
      "本凭证用于办理基本医疗保险关系转移接续，请交转入地经办机构。",
    ]);
    // the original still states what it stated then
    expect(bodyText("insuranceCertificate", c, issue, events.slice(0, 1))).toContain("缴费月数:36 个月");
    // a lost paper after the correction: the corrected figures, 遗失
    const third = bodyText("insuranceCertificate", c, lost, events);
    expect(third).toContain("缴费月数:39 个月");
    expect(third).toContain("补开:第 2 次补开（原凭证遗失）");
    expect(figuresOf("insuranceCertificate", lost, events)).toEqual([
      ["contributionMonths", "缴费月数", 39, "months"],
      ["accountBalanceFen", "个人账户余额", 58_000, "fen"],
      ["arrearsFen", "欠费金额", 0, "fen"],
    ]);
    expect(figuresOf("insuranceCertificate", issue, events)).toContainEqual([
      "contributionMonths",
      "缴费月数",
      36,
      "months",
    ]);
    // a correction without a reason (not possible in v2, but read gracefully): just 更正
    const bare = ev("REISSUE_CERTIFICATE", "certificateIssued", "2026-09-10", { arrearsFen: 100 });
    expect(bodyText("insuranceCertificate", c, bare, [issue, bare])).toContain("第 1 次补开（更正）");
  });

  it("a v1 reissue reprints the certificate's figures and still says 遗失", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02", {
      contributionMonths: 36,
      accountBalanceFen: 52_000,
      arrearsFen: 1_000,
    });
    const accept = ev("ACCEPT", "transferOut", "2026-09-04");
    const reissue = ev("REISSUE_CERTIFICATE", "transferOut", "2026-09-05");
    const text = bodyText("insuranceCertificate", c, reissue, [issue, accept, reissue]);
    expect(text.split("\n")).toEqual([
      "转出地经办机构:福州市医保中心",
      "转入地经办机构:厦门市医保中心",
      "险种:基本医疗保险",
      "参保类别:职工",
      "缴费月数:36 个月",
      "个人账户余额:¥520.00",
      "欠费金额:¥10.00",
      "补开:第 1 次补开（原凭证遗失）",
      "原凭证出具日期:2026年9月2日",
      "本凭证补开后，此前出具的凭证作废。",
      "本凭证用于办理基本医疗保险关系转移接续，请交转入地经办机构。",
    ]);
  });

  it("a pension v2 certificate: the wages since 1998 and the pooled share, 12 % half up; a correction recomputes it", () => {
    seq = 0;
    const c = theCase("pensionTransfer");
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02", {
      contributionMonths: 120,
      personalAccountFen: 4_567_800,
      arrearsFen: 0,
      contributionWagesSince1998Fen: 123_456_789,
    });
    const text = bodyText("contributionCertificate", c, issue);
    expect(text).toContain("缴费月数:120 个月");
    expect(text).toContain("个人账户储存额:¥45,678.00");
    expect(text).toContain("1998年1月以来缴费工资总额:¥1,234,567.89");
    expect(text).toContain("统筹基金（12%）:¥148,148.15");
    expect(figuresOf("contributionCertificate", issue, [issue])).toEqual([
      ["contributionMonths", "缴费月数", 120, "months"],
      ["personalAccountFen", "个人账户储存额", 4_567_800, "fen"],
      ["arrearsFen", "欠费金额", 0, "fen"],
      ["contributionWagesSince1998Fen", "1998年1月以来缴费工资总额", 123_456_789, "fen"],
      ["pooledShareFen", "统筹基金（12%）", 14_814_815, "fen"],
    ]);
    const correction = ev("REISSUE_CERTIFICATE", "certificateIssued", "2026-09-09", {
      contributionWagesSince1998Fen: 100_000_000,
      reason: "工资总额重算",
    });
    const corrected = bodyText("contributionCertificate", c, correction, [issue, correction]);
    expect(corrected).toContain("第 1 次补开（更正：工资总额重算）");
    expect(corrected).toContain("1998年1月以来缴费工资总额|¥1,234,567.89|¥1,000,000.00");
    expect(corrected).toContain("统筹基金（12%）|¥148,148.15|¥120,000.00");
    expect(corrected).toContain("统筹基金（12%）:¥120,000.00");
    // version 1 states neither
    const v1 = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02", {
      contributionMonths: 120,
      personalAccountFen: 4_567_800,
      arrearsFen: 0,
    });
    expect(bodyText("contributionCertificate", c, v1)).not.toContain("统筹基金");
  });

  it("a pension v3 certificate states the pooled share it recorded", () => {
    seq = 0;
    const { accountBalanceFen, ...common } = medicalFromRecord();
    expect(accountBalanceFen).toBeGreaterThan(0);
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-08-20", {
      ...common,
      personalAccountFen: 2_000_000,
      contributionWagesSince1998Fen: 30_000_000,
      pooledShareFen: 3_600_000,
    });
    const text = bodyText("contributionCertificate", theCase("pensionTransfer"), issue);
    for (const s of [
      "实际缴费月数:30 个月",
      "视同缴费月数:24 个月",
      "个人账户储存额:¥20,000.00",
      "1998年1月以来缴费工资总额:¥300,000.00",
      "统筹基金（12%）:¥36,000.00",
      "2025年1月|1|¥6,000.00|补缴|灵活就业",
    ])
      expect(text).toContain(s);
    expect(figuresOf("contributionCertificate", issue, [issue]).map((f) => f[0])).toEqual([
      "contributionMonths",
      "deemedMonths",
      "personalAccountFen",
      "arrearsFen",
      "contributionWagesSince1998Fen",
      "pooledShareFen",
    ]);
  });

  it("the gap (medical v3) on the receipt and the completion notice; over 3 months, the waiting period", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const gap = (o: Record<string, unknown>) =>
      applicationGapSchema.parse({
        lastMonthBefore: "2026-01",
        firstMonthAfter: "2026-06",
        months: 4,
        overThreeMonths: true,
        waitingPeriodMonths: 6,
        ...o,
      });
    const filed = ev("FILE_APPLICATION", "applicationFiled", "2026-06-10", {
      channel: "offline",
      applicant: "individual",
      gap: gap({}),
    });
    const receipt = bodyText("receipt", c, filed);
    for (const s of [
      "原参保地最后缴费月份:2026年1月",
      "新参保地首个缴费月份:2026年6月",
      "中断月数:4 个月",
      "中断超过3个月，按转入地规定设置待遇等待期（6个月）",
    ])
      expect(receipt).toContain(s);
    // no policy in force at the new place: its rules apply
    const online = ev("APPLY_ONLINE", "onlineApplicationFiled", "2026-06-11", {
      applicant: "employer",
      gap: gap({ waitingPeriodMonths: null }),
    });
    expect(bodyText("receipt", c, online)).toContain("中断超过3个月，待遇等待期按转入地规定执行");
    // 3 months or less: the months, no warning; nothing before: no months
    const short = ev("FILE_APPLICATION", "applicationFiled", "2026-06-12", {
      channel: "offline",
      applicant: "individual",
      gap: gap({ months: 3, overThreeMonths: false, firstMonthAfter: "2026-05" }),
    });
    expect(bodyText("receipt", c, short)).toContain("中断月数:3 个月");
    expect(bodyText("receipt", c, short)).not.toContain("待遇等待期");
    const none = ev("FILE_APPLICATION", "applicationFiled", "2026-06-12", {
      gap: gap({ lastMonthBefore: null, months: null, overThreeMonths: false }),
    });
    expect(bodyText("receipt", c, none)).toContain("原参保地最后缴费月份:—");
    // a receipt without a gap (v1, v2) says nothing of it
    const v2 = ev("FILE_APPLICATION", "applicationFiled", "2026-06-12", { channel: "offline", applicant: "employer" });
    expect(bodyText("receipt", c, v2)).not.toContain("中断");
    // the completion notice: the latest application's gap
    const done = ev("TRANSFER_IN_DONE", "transferred", "2026-07-01");
    const notice = bodyText("completionNotice", c, done, [short, filed, done]);
    expect(notice).toContain("中断月数:4 个月");
    expect(notice).toContain("中断超过3个月，按转入地规定设置待遇等待期（6个月）");
    expect(notice).not.toContain("中断月数:3 个月");
    expect(figuresOf("receipt", filed, [filed])).toEqual([]);
  });

  it("the figures of the other kinds: the assessment's total, the completion notice's amounts", () => {
    seq = 0;
    const assessed = ev("ASSESS_ARREARS", "arrearsAssessed", "2026-03-02", {
      monthsMissed: 7,
      principalFen: 392_000,
      lateFeeFen: 1_000,
      backPayable: true,
    });
    expect(figuresOf("assessmentNotice", assessed, [assessed])).toEqual([["totalFen", "合计应缴", 393_000, "fen"]]);
    const out = ev("TRANSFER_OUT_DONE", "transferIn", "2026-09-16", {
      personalAccountFen: 4_567_800,
      pooledFundFen: 2_345_600,
    });
    const done = ev("TRANSFER_IN_DONE", "transferred", "2026-09-18");
    expect(figuresOf("completionNotice", done, [out, done])).toEqual([
      ["personalAccountFen", "转移个人账户储存额", 4_567_800, "fen"],
      ["pooledFundFen", "转移统筹基金", 2_345_600, "fen"],
    ]);
    const paid = ev("RESTORE", "restored", "2026-06-04", { amountFen: 114_632 });
    expect(figuresOf("completionNotice", paid, [paid])).toEqual([["amountFen", "补缴金额", 114_632, "fen"]]);
    for (const kind of ["receipt", "refusalNotice", "acceptanceLetter"] as const)
      expect(figuresOf(kind, paid, [paid])).toEqual([]);
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

describe("papers a clerk can sign (issue #31)", () => {
  const fzClerk = { kind: "staff", name: "fz-clerk", agency: { name: "福州市医保中心", region: "350100" } };

  it("a withdrawal's completion notice comes from the agency that recorded it and states the reason", () => {
    seq = 0;
    const c = theCase("medicalTransfer");
    const opened = ev("CASE_OPENED", "suspended", "2026-09-01");
    const withdraw = { ...ev("WITHDRAW", "withdrawn", "2026-09-04", { reason: "本人放弃转移" }), actor: fzClerk };
    expect(issuingAgency("completionNotice", c, withdraw, "withdrawn")).toEqual(c.fromAgency);
    const text = bodyText("completionNotice", c, withdraw, [opened, withdraw]);
    expect(text).toContain("办理结果:withdrawn");
    expect(text).toContain("撤回原因:本人放弃转移");
    // withdrawn by the transfer-in agency: its name
    const byIn = { ...withdraw, actor: clerkIn };
    expect(issuingAgency("completionNotice", c, byIn, "withdrawn")).toEqual(c.toAgency);
    // a clerk of neither agency (moved since): the kind's agency
    const moved = { ...withdraw, actor: { ...fzClerk, agency: null } };
    expect(issuingAgency("completionNotice", c, moved, "withdrawn")).toEqual(c.toAgency);
    // a transferred case's notice stays the transfer-in agency's, whoever recorded the last act
    const done = { ...ev("TRANSFER_IN_DONE", "transferred", "2026-09-21"), actor: fzClerk };
    expect(issuingAgency("completionNotice", c, done, "completed")).toEqual(c.toAgency);
    expect(bodyText("completionNotice", c, done, [opened, done])).not.toContain("撤回原因");
    // other kinds keep their agency
    expect(issuingAgency("insuranceCertificate", c, withdraw, "withdrawn")).toEqual(c.fromAgency);
    expect(issuingAgency("receipt", c, withdraw, "withdrawn")).toEqual(c.toAgency);
  });

  it("the receipt: the filing date, the materials received and required, the time limits, one sentence", () => {
    seq = 0;
    const c: DocumentCase = {
      ...theCase("pensionTransfer"),
      attachments: [
        { kind: "idCard", createdAt: "2026-09-03T01:00:00.000Z" },
        { kind: "laborContract", createdAt: "2026-09-03T01:30:00.000Z" },
        // uploaded after the filing: not received with it
        { kind: "applicationForm", createdAt: "2026-09-05T01:00:00.000Z" },
      ],
    };
    const filing = ev("FILE_APPLICATION", "applicationFiled", "2026-09-03", { channel: "offline" });
    const lines = documentKinds.receipt
      .body({
        case: c,
        event: filing,
        before: [filing],
        ...bodyExtras(c, "receipt", filing),
        stepDueAfter: "2026-09-24",
        overall: { startsWith: "FILE_APPLICATION", nationalMaxDays: 45 },
      })
      .map((b) => (b.kind === "field" ? `${b.label}:${b.value}` : b.kind === "text" ? b.text : b.kind));
    expect(lines).toEqual([
      "申请事项:断缴后续保",
      "申请日期（收件日期）:2026年9月3日",
      "申请渠道:经办窗口",
      "已收材料:居民身份证",
      "应提交材料:申请表、居民身份证、增员表",
      "审核期限:厦门市医保中心 2026年9月24日前完成审核",
      "办结时限:自收到申请之日起 45 个工作日内办结",
      "您的申请已收到。请妥善保管本回执：凭业务编号 RN2026-7K3Q9X2P 和您的身份证号码，可在 https://si.example.gov.cn/ 查询办理进度。",
    ]);
    // a medical transfer's limit runs from acceptance; without a step clock, no review date
    const medical = theCase("medicalTransfer");
    const text = documentKinds.receipt
      .body({
        case: medical,
        event: filing,
        before: [filing],
        ...bodyExtras(medical, "receipt", filing),
        overall: { startsWith: "ACCEPT", nationalMaxDays: 15 },
      })
      .map((b) => (b.kind === "field" ? `${b.label}:${b.value}` : ""));
    expect(text).toContain("办结时限:转入地经办机构自受理之日起 15 个工作日内办结");
    expect(text).toContain("应提交材料:申请表、居民身份证");
    expect(text.some((l) => l.startsWith("审核期限") || l.startsWith("已收材料") || l.startsWith("受理日期"))).toBe(
      false,
    );
  });

  it("the renewal's completion notice states the amount paid and the continuity", () => {
    seq = 0;
    const c = theCase("renewal");
    const assess = ev("ASSESS_ARREARS", "arrearsAssessed", "2026-03-02", {
      assessment: { totalFen: 123_456, lines: [], continuity: { continuous: true, continuousMonths: 40 } },
    });
    const paid = ev("PAYMENT_RECEIVED", "paid", "2026-03-05", { amountFen: 123_456 });
    const restore = ev("RESTORE", "restored", "2026-03-06");
    const text = bodyText("completionNotice", c, restore, [assess, paid, restore]);
    expect(text).toContain("补缴金额:¥1,234.56");
    expect(text).toContain("连续参保:补缴后连续计算");
    expect(text).toContain("连续缴费月数:40 个月");
    expect(figuresOf("completionNotice", restore, [assess, paid, restore])).toEqual([
      ["amountFen", "补缴金额", 123_456, "fen"],
    ]);
    // version 1: not back-payable, the record starts again
    const v1 = ev("ASSESS_ARREARS", "arrearsAssessed", "2026-03-02", {
      monthsMissed: 7,
      principalFen: 100,
      lateFeeFen: 0,
      backPayable: false,
    });
    expect(bodyText("completionNotice", c, restore, [v1, paid, restore])).toContain("连续参保:不连续，重新计算");
  });

  it("the medical certificate states 险种 and 参保类别 from the case's scheme", () => {
    seq = 0;
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02", { contributionMonths: 12 });
    for (const [scheme, label] of [
      ["employee", "职工"],
      ["flexible", "灵活就业"],
      ["resident", "城乡居民"],
    ] as const) {
      const text = bodyText("recordForm", { ...theCase("medicalTransfer"), scheme }, issue);
      expect(text).toContain("险种:基本医疗保险");
      expect(text).toContain(`参保类别:${label}`);
    }
  });

  it("the seal block names the clerk by username, 网上申请 for a client, 系统 for the service", async () => {
    expect(clerkOf(clerkIn)).toBe("xm-clerk");
    expect(clerkOf({ kind: "client", name: "国家医保服务平台", agency: null })).toBe("网上申请（国家医保服务平台）");
    expect(clerkOf({ kind: "system", name: null, agency: null })).toBe("系统");
    const read = await pdfText(
      await renderPdf({
        title: documentKinds.completionNotice.title,
        caseNumber: "MT2026-7K3Q9X2P",
        issuer: "福州市医保中心",
        issuedOn: "2026-09-04",
        insuredName: "林小明",
        idNumber: "350102********1235",
        blocks: [{ kind: "text", text: "您的业务已办结。" }],
        clerk: "fz-clerk",
        verificationCode: "ABCDEFGHJKMN",
        verificationUrl: "https://si.example.gov.cn/verify/ABCDEFGHJKMN",
      }),
    );
    expect(read.text).toContain("经办人：fz-clerk经办机构（章）：福州市医保中心日期：2026年9月4日");
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
      clerk: "xm-clerk",
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
  it("pages a record of 480 months, one period each, with the table's head on every page", async () => {
    seq = 0;
    const months = Array.from({ length: 480 }, (_, i) => {
      const index = 1986 * 12 + 8 + i; // 1986-09 … 2026-08
      return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
    });
    const periods: RecordPeriod[] = months.map((month, i) => ({
      from: month,
      to: month,
      months: 1,
      status: "paid",
      baseFen: i % 2 === 0 ? 500_000 : 650_000,
      payer: "employer",
      employerCreditCode: i === 479 ? "91350200LASTROW99X" : fz,
    }));
    const issue = ev("ISSUE_CERTIFICATE", "certificateIssued", "2026-09-02", {
      ...medicalFromRecord(),
      contributionMonths: 480,
      deemedMonths: 0,
      continuousMonths: 480,
      firstMonth: "1986-09",
      lastMonth: "2026-08",
      recordAsOf: "2026-09",
      arrearsFen: 0,
      arrears: [],
      periods,
    });
    const blocks = documentKinds.insuranceCertificate.body({
      case: theCase("medicalTransfer"),
      event: issue,
      before: [issue],
      ...bodyExtras(theCase("medicalTransfer"), "insuranceCertificate", issue),
    });
    const pdf = await renderPdf({
      title: documentKinds.insuranceCertificate.title,
      caseNumber: "MT2026-7K3Q9X2P",
      issuer: "福州市医保中心",
      issuedOn: "2026-09-02",
      insuredName: "林小明",
      idNumber: "350102199003071235",
      blocks,
      clerk: "fz-clerk",
      verificationCode: "ABCDEFGHJKMN",
      verificationUrl: "https://si.example.gov.cn/verify/ABCDEFGHJKMN",
    });
    expect(pdf.length).toBeGreaterThan(0);
    const read = await pdfText(pdf);
    expect(read.pages).toBeGreaterThan(10);
    // every period once, the last one too, and the closing text and the code after the table
    expect(read.text.split("正常缴费").length - 1).toBe(480);
    expect(read.text).toContain("2026年8月 1 ¥6,500.00 正常缴费 91350200LASTROW99X");
    expect(read.text).toContain("1986年9月 1 ¥5,000.00 正常缴费");
    expect(read.text).toContain("本凭证用于办理基本医疗保险关系转移接续，请交转入地经办机构。");
    expect(read.text).toContain("ABCD-EFGH-JKMN");
    // the head on the table's first page and on every page it continues on
    expect(read.text.split("起止年月 月数 缴费基数 缴费状态 缴费单位").length - 1).toBeGreaterThanOrEqual(
      read.pages - 1,
    );
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
