// The pension transfer's tests (docs/case-types.md: a case type's tests are this one file): what
// the machine suites in test/machines/ check its versions against. Version 2 (service-computed
// payloads) is in versions-v2.test.ts.
import { ev, filed as file, num, on, transferSamples, type TypeTests } from "../typeTestKit.ts";

const penCert = (arrearsFen: number) =>
  ev("ISSUE_CERTIFICATE", { contributionMonths: 120, personalAccountFen: 4_567_800, arrearsFen });

export default {
  type: "pensionTransfer",
  info: {
    label: { zh: "基本养老保险关系转移接续", en: "Pension insurance transfer" },
    caseNumberPrefix: "PT",
    singleAgency: false,
  },
  versions: [1, 2],
  input: { openedOn: "2026-03-01" },
  samples: (ctx) => [
    {
      type: "ISSUE_CERTIFICATE",
      occurredOn: on,
      contributionMonths: 120,
      personalAccountFen: 4_567_800,
      arrearsFen: 0,
    },
    {
      type: "ISSUE_CERTIFICATE",
      occurredOn: on,
      contributionMonths: 120,
      personalAccountFen: 4_567_800,
      arrearsFen: 9_900,
    },
    {
      type: "TRANSFER_OUT_DONE",
      occurredOn: on,
      personalAccountFen: num(ctx.personalAccountFen),
      pooledFundFen: 2_345_600,
    },
    ...transferSamples(ctx),
  ],
  happyPath: [
    {
      type: "ISSUE_CERTIFICATE",
      occurredOn: "2026-03-02",
      contributionMonths: 120,
      personalAccountFen: 4_567_800,
      arrearsFen: 9_900,
    },
    { type: "FILE_APPLICATION", occurredOn: "2026-04-01", channel: "offline", applicant: "employer" },
    { type: "ACCEPT", occurredOn: "2026-04-10" },
    { type: "ARREARS_PAID", occurredOn: "2026-04-20", paidFen: 9_900 },
    { type: "TRANSFER_OUT_DONE", occurredOn: "2026-04-27", personalAccountFen: 4_567_800, pooledFundFen: 2_345_600 },
    { type: "TRANSFER_IN_DONE", occurredOn: "2026-05-12" },
  ],
  allowedEvents: {
    1: {
      suspended: ["ISSUE_CERTIFICATE", "WITHDRAW"],
      certificateIssued: ["FILE_APPLICATION", "REISSUE_CERTIFICATE", "ARREARS_PAID", "WITHDRAW"],
      applicationFiled: ["ACCEPT", "REFUSE", "REISSUE_CERTIFICATE", "ARREARS_PAID", "WITHDRAW"],
      refused: ["FILE_APPLICATION", "REISSUE_CERTIFICATE", "ARREARS_PAID", "WITHDRAW"],
      transferOut: ["ARREARS_PAID", "TRANSFER_OUT_DONE"],
      transferIn: ["TRANSFER_IN_DONE"],
      transferred: [],
      withdrawn: [],
    },
  },
  guards: [
    {
      guard: "paysOutstandingArrears",
      // arrears do not block acceptance in pension: they are settled during transfer-out
      before: [penCert(9_900), file, ev("ACCEPT")],
      refused: [ev("ARREARS_PAID", { paidFen: 9_000 })],
      fix: [],
      accepted: ev("ARREARS_PAID", { paidFen: 9_900 }),
      to: "transferOut",
    },
    {
      guard: "arrearsSettled",
      before: [penCert(9_900), file, ev("ACCEPT")],
      refused: [ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: 1 })],
      fix: [ev("ARREARS_PAID", { paidFen: 9_900 })],
      accepted: ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: 1 }),
      to: "transferIn",
    },
    {
      guard: "transfersCertifiedAccount",
      before: [penCert(0), file, ev("ACCEPT")],
      refused: [ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_801, pooledFundFen: 0 })],
      fix: [],
      // the pooled share is whatever the agency computed
      accepted: ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: 987_654 }),
      to: "transferIn",
    },
  ],
} satisfies TypeTests;
