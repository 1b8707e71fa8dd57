// The medical transfer's tests (docs/case-types.md: a case type's tests are this one file): what
// the machine suites in test/machines/ check its versions against.
import { ev, filed as file, num, on, transferSamples, type TypeTests } from "../typeTestKit.ts";

const medCert = (arrearsFen: number) =>
  ev("ISSUE_CERTIFICATE", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen });

// ---- version 3: what the service read from the transfer-out agency's record (seed 000's base of
// 5,600.00, 36 months paid from 2023-02 to 2026-01; arrears: 2026-02 owed)
const period = (from: string, to: string, months: number) => ({
  from,
  to,
  months,
  status: "paid",
  baseFen: 560_000,
  payer: "employer",
  employerCreditCode: "91350100MA3K00002E",
});
const record3 = (arrearsFen = 0, over: Record<string, unknown> = {}) => ({
  recordAsOf: "2026-03",
  contributionMonths: 36,
  deemedMonths: 0,
  continuousMonths: 36,
  firstMonth: "2023-02",
  lastMonth: "2026-01",
  arrearsFen,
  arrears: arrearsFen > 0 ? [{ month: "2026-02", amountFen: arrearsFen }] : [],
  periods: [period("2023-02", "2026-01", 36)],
  accountBalanceFen: 123_456,
  ...over,
});
const cert3 = (arrearsFen = 0, over: Record<string, unknown> = {}) =>
  ev("ISSUE_CERTIFICATE", record3(arrearsFen, over));
const form3 = (arrearsFen = 0, over: Record<string, unknown> = {}) =>
  ev("ISSUE_RECORD_FORM", record3(arrearsFen, over));
const reissue3 = (arrearsFen = 0, over: Record<string, unknown> = {}) =>
  ev("REISSUE_CERTIFICATE", { ...record3(arrearsFen, over), reason: null, recordCorrections: [] });
const gap = {
  lastMonthBefore: "2026-01",
  firstMonthAfter: "2026-03",
  months: 1,
  overThreeMonths: false,
  waitingPeriodMonths: 6,
};
const file3 = ev("FILE_APPLICATION", { channel: "offline", applicant: "employer", gap });
const online3 = ev("APPLY_ONLINE", { applicant: "individual", gap });

// Event types defined in each state (ignoring payload and guards), from the brief's tables.
const v1: Record<string, string[]> = {
  suspended: ["ISSUE_CERTIFICATE", "WITHDRAW"],
  certificateIssued: ["FILE_APPLICATION", "REISSUE_CERTIFICATE", "ARREARS_PAID", "WITHDRAW"],
  applicationFiled: ["ACCEPT", "REFUSE", "REISSUE_CERTIFICATE", "ARREARS_PAID", "WITHDRAW"],
  refused: ["FILE_APPLICATION", "REISSUE_CERTIFICATE", "ARREARS_PAID", "WITHDRAW"],
  transferOut: ["TRANSFER_OUT_DONE"],
  transferIn: ["TRANSFER_IN_DONE"],
  transferred: [],
  withdrawn: [],
};

export default {
  type: "medicalTransfer",
  info: {
    label: { zh: "基本医疗保险关系转移接续", en: "Medical insurance transfer" },
    caseNumberPrefix: "MT",
    singleAgency: false,
  },
  versions: [1, 2, 3],
  input: { openedOn: "2026-03-01" },
  samples: (ctx) => [
    // with and without arrears: ARREARS_PAID and the noArrears path are both reachable
    { type: "ISSUE_CERTIFICATE", occurredOn: on, contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 },
    {
      type: "ISSUE_CERTIFICATE",
      occurredOn: on,
      contributionMonths: 36,
      accountBalanceFen: 123_456,
      arrearsFen: 5_000,
    },
    { type: "TRANSFER_OUT_DONE", occurredOn: on, transferredFen: num(ctx.accountBalanceFen) },
    // version 2: the online flow, corrected certificates and refusal codes (version 1 takes none
    // of these: its guards never see them)
    { type: "APPLY_ONLINE", occurredOn: on, applicant: "individual" },
    { type: "ISSUE_RECORD_FORM", occurredOn: on, contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 },
    {
      type: "ISSUE_RECORD_FORM",
      occurredOn: on,
      contributionMonths: 36,
      accountBalanceFen: 123_456,
      arrearsFen: 5_000,
    },
    { type: "REISSUE_CERTIFICATE", occurredOn: on, accountBalanceFen: 120_000, reason: "个人账户余额核算有误" },
    { type: "REISSUE_CERTIFICATE", occurredOn: on, arrearsFen: 0, reason: "欠费已在原单位结清" },
    { type: "REFUSE", occurredOn: on, reasonCode: "notEnrolledAtNewPlace" },
    // version 3: the figures from the record, a correction (a month back-paid: 37 months and its
    // credit), the applications with their gap
    cert3(0),
    cert3(5_000),
    form3(0),
    form3(5_000),
    reissue3(num(ctx.certifiedArrearsFen), {
      contributionMonths: 37,
      continuousMonths: 37,
      lastMonth: "2026-02",
      periods: [period("2023-02", "2026-02", 37)],
      accountBalanceFen: 125_136,
      reason: null,
      recordCorrections: [{ month: "2026-02", reason: "2026年2月已补缴" }],
    }),
    file3,
    online3,
    // last of their type: the payloads version 1 accepts (the contract test takes the last sample)
    ...transferSamples(ctx),
  ],
  happyPathOf: {
    3: [
      cert3(5_000, { recordAsOf: "2026-03" }),
      { ...reissue3(5_000), occurredOn: "2026-03-03" },
      { ...file3, occurredOn: "2026-03-04" },
      { type: "REFUSE", occurredOn: "2026-03-05", reason: "转出地尚未中止参保" },
      { type: "ARREARS_PAID", occurredOn: "2026-03-06", paidFen: 5_000 },
      { ...file3, occurredOn: "2026-03-09" },
      { type: "ACCEPT", occurredOn: "2026-03-10" },
      { type: "TRANSFER_OUT_DONE", occurredOn: "2026-03-16", transferredFen: 123_456 },
      { type: "TRANSFER_IN_DONE", occurredOn: "2026-03-18" },
    ],
  },
  happyPath: [
    {
      type: "ISSUE_CERTIFICATE",
      occurredOn: "2026-03-02",
      contributionMonths: 36,
      accountBalanceFen: 123_456,
      arrearsFen: 5_000,
    },
    { type: "REISSUE_CERTIFICATE", occurredOn: "2026-03-03" },
    { type: "FILE_APPLICATION", occurredOn: "2026-03-04", channel: "offline", applicant: "employer" },
    { type: "REFUSE", occurredOn: "2026-03-05", reason: "转出地尚未中止参保" },
    { type: "ARREARS_PAID", occurredOn: "2026-03-06", paidFen: 5_000 },
    { type: "FILE_APPLICATION", occurredOn: "2026-03-09", channel: "online", applicant: "individual" },
    { type: "ACCEPT", occurredOn: "2026-03-10" },
    { type: "TRANSFER_OUT_DONE", occurredOn: "2026-03-16", transferredFen: 123_456 },
    { type: "TRANSFER_IN_DONE", occurredOn: "2026-03-18" },
  ],
  allowedEvents: {
    1: v1,
    2: {
      ...v1,
      suspended: ["ISSUE_CERTIFICATE", "APPLY_ONLINE", "WITHDRAW"],
      onlineApplicationFiled: ["ACCEPT", "REFUSE", "WITHDRAW"],
      onlineRefused: ["APPLY_ONLINE", "WITHDRAW"],
      onlineTransferOut: ["ISSUE_RECORD_FORM", "REISSUE_CERTIFICATE", "ARREARS_PAID", "TRANSFER_OUT_DONE"],
    },
    3: {
      ...v1,
      suspended: ["ISSUE_CERTIFICATE", "APPLY_ONLINE", "WITHDRAW"],
      onlineApplicationFiled: ["ACCEPT", "REFUSE", "WITHDRAW"],
      onlineRefused: ["APPLY_ONLINE", "WITHDRAW"],
      onlineTransferOut: ["ISSUE_RECORD_FORM", "REISSUE_CERTIFICATE", "ARREARS_PAID", "TRANSFER_OUT_DONE"],
    },
  },
  guards: [
    {
      version: 1,
      guard: "noArrears",
      before: [medCert(5_000), file],
      refused: [ev("ACCEPT")],
      fix: [ev("ARREARS_PAID", { paidFen: 5_000 })],
      accepted: ev("ACCEPT"),
      to: "transferOut",
    },
    {
      version: 1,
      guard: "paysOutstandingArrears",
      before: [medCert(5_000)],
      refused: [ev("ARREARS_PAID", { paidFen: 4_999 }), ev("ARREARS_PAID", { paidFen: 5_001 })],
      fix: [],
      accepted: ev("ARREARS_PAID", { paidFen: 5_000 }),
      to: "certificateIssued",
    },
    {
      version: 1,
      guard: "paysOutstandingArrears", // nothing outstanding: nothing to pay
      before: [medCert(0), file],
      refused: [ev("ARREARS_PAID", { paidFen: 0 })],
      fix: [],
      accepted: ev("ACCEPT"),
      to: "transferOut",
    },
    {
      version: 1,
      guard: "transfersCertifiedBalance",
      before: [medCert(0), file, ev("ACCEPT")],
      refused: [ev("TRANSFER_OUT_DONE", { transferredFen: 123_455 }), ev("TRANSFER_OUT_DONE", { transferredFen: 0 })],
      fix: [],
      accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 }),
      to: "transferIn",
    },
    // --- medicalTransfer v2: the paper flow's guards, corrections and the online flow
    {
      version: 2,
      guard: "noArrears",
      before: [medCert(5_000), file],
      refused: [ev("ACCEPT")],
      fix: [ev("ARREARS_PAID", { paidFen: 5_000 })],
      accepted: ev("ACCEPT"),
      to: "transferOut",
    },
    {
      version: 2,
      guard: "noArrears", // a correction that clears the arrears clears the way too
      before: [medCert(5_000), file],
      refused: [ev("ACCEPT")],
      fix: [ev("REISSUE_CERTIFICATE", { arrearsFen: 0, reason: "欠费已结清，凭证有误" })],
      accepted: ev("ACCEPT"),
      to: "transferOut",
    },
    {
      version: 2,
      guard: "paysOutstandingArrears", // the corrected arrears are what is owed
      before: [medCert(5_000), ev("REISSUE_CERTIFICATE", { arrearsFen: 3_000, reason: "欠费金额更正" })],
      refused: [ev("ARREARS_PAID", { paidFen: 5_000 })],
      fix: [],
      accepted: ev("ARREARS_PAID", { paidFen: 3_000 }),
      to: "certificateIssued",
    },
    {
      version: 2,
      guard: "transfersCertifiedBalance", // the latest certificate's balance, not the first
      before: [
        medCert(0),
        file,
        ev("REISSUE_CERTIFICATE", { accountBalanceFen: 100_000, reason: "余额更正" }),
        ev("ACCEPT"),
      ],
      refused: [ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 })],
      fix: [],
      accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 100_000 }),
      to: "transferIn",
    },
    {
      version: 2,
      guard: "correctsCertificate",
      before: [medCert(0)],
      // a "correction" that changes nothing
      refused: [
        ev("REISSUE_CERTIFICATE", { accountBalanceFen: 123_456, reason: "无变化" }),
        ev("REISSUE_CERTIFICATE", { contributionMonths: 36, arrearsFen: 0, reason: "无变化" }),
      ],
      fix: [],
      accepted: ev("REISSUE_CERTIFICATE", { contributionMonths: 37, reason: "缴费月数漏记一个月" }),
      to: "certificateIssued",
    },
    {
      version: 2,
      guard: "correctsCertificate", // online: nothing to correct before the record form
      before: [ev("APPLY_ONLINE", { applicant: "employer" }), ev("ACCEPT")],
      refused: [ev("REISSUE_CERTIFICATE"), ev("REISSUE_CERTIFICATE", { accountBalanceFen: 1, reason: "更正" })],
      fix: [ev("ISSUE_RECORD_FORM", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 })],
      accepted: ev("REISSUE_CERTIFICATE", { accountBalanceFen: 1, reason: "更正" }),
      to: "onlineTransferOut",
    },
    {
      version: 2,
      guard: "noRecordFormYet",
      before: [
        ev("APPLY_ONLINE", { applicant: "individual" }),
        ev("ACCEPT"),
        ev("ISSUE_RECORD_FORM", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 }),
      ],
      refused: [ev("ISSUE_RECORD_FORM", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 })],
      fix: [],
      accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 }),
      to: "transferIn",
    },
    {
      version: 2,
      guard: "transfersCertifiedBalance", // online: no record form yet, so no balance to move
      before: [ev("APPLY_ONLINE", { applicant: "employer" }), ev("ACCEPT")],
      refused: [ev("TRANSFER_OUT_DONE", { transferredFen: 0 }), ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 })],
      fix: [ev("ISSUE_RECORD_FORM", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 })],
      accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 }),
      to: "transferIn",
    },
    {
      version: 2,
      guard: "noArrears", // online: the record form's arrears are settled before the transfer-out
      before: [
        ev("APPLY_ONLINE", { applicant: "employer" }),
        ev("ACCEPT"),
        ev("ISSUE_RECORD_FORM", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 800 }),
      ],
      refused: [ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 })],
      fix: [ev("ARREARS_PAID", { paidFen: 800 })],
      accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 }),
      to: "transferIn",
    },
    // --- medicalTransfer v3: the figures from the record
    {
      version: 3,
      guard: "certificateAddsUp",
      before: [],
      refused: [
        // the months or the arrears do not add up to the periods and arrears months the record gave
        cert3(0, { contributionMonths: 35 }),
        cert3(0, { deemedMonths: 12 }),
        cert3(5_000, { arrears: [] }),
        cert3(0, {
          periods: [period("2023-02", "2026-01", 36), { ...period("1990-01", "1990-12", 12), status: "deemed" }],
        }),
      ],
      fix: [],
      accepted: cert3(0, {
        deemedMonths: 12,
        periods: [{ ...period("1990-01", "1990-12", 12), status: "deemed" }, period("2023-02", "2026-01", 36)],
      }),
      to: "certificateIssued",
    },
    {
      version: 3,
      guard: "hasCertificate", // online: nothing to reissue before the record form
      before: [online3, ev("ACCEPT")],
      refused: [reissue3(0)],
      fix: [form3(0)],
      accepted: reissue3(0, { accountBalanceFen: 100_000 }),
      to: "onlineTransferOut",
    },
    {
      version: 3,
      guard: "hasCertificate", // a reissue's figures must add up too
      before: [cert3(0)],
      refused: [reissue3(0, { contributionMonths: 37 })],
      fix: [],
      accepted: reissue3(0),
      to: "certificateIssued",
    },
    {
      version: 3,
      guard: "noRecordFormYet",
      before: [online3, ev("ACCEPT"), form3(0)],
      refused: [form3(0)],
      fix: [],
      accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 }),
      to: "transferIn",
    },
    {
      version: 3,
      guard: "noArrears",
      before: [cert3(5_000), file3],
      refused: [ev("ACCEPT")],
      // the record's arrears settled and the certificate reissued from it
      fix: [reissue3(0)],
      accepted: ev("ACCEPT"),
      to: "transferOut",
    },
    {
      version: 3,
      guard: "paysOutstandingArrears",
      before: [cert3(5_000)],
      refused: [ev("ARREARS_PAID", { paidFen: 4_999 })],
      fix: [],
      accepted: ev("ARREARS_PAID", { paidFen: 5_000 }),
      to: "certificateIssued",
    },
    {
      version: 3,
      guard: "transfersCertifiedBalance", // the latest certificate's balance, not the first
      before: [cert3(0), file3, reissue3(0, { accountBalanceFen: 100_000 }), ev("ACCEPT")],
      refused: [ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 })],
      fix: [],
      accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 100_000 }),
      to: "transferIn",
    },
  ],
} satisfies TypeTests;
