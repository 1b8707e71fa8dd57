// The pension transfer's tests (docs/case-types.md: a case type's tests are this one file): what
// the machine suites in test/machines/ check its versions against. Version 2 (service-computed
// payloads) is in versions-v2.test.ts; version 3 (the certificate from the contribution record, a
// reissue that reprints the record with its corrections) is here, its samples beside version 1's
// (each version's payload schemas pick its own).
import type { CaseEvent } from "../../../machines/runtime.ts";
import { pooledShareOf } from "../../../machines/vocabulary.ts";
import { ev, filed as file, num, on, payloadOf, transferSamples, type Ctx, type TypeTests } from "../typeTestKit.ts";

const penCert = (arrearsFen: number) =>
  ev("ISSUE_CERTIFICATE", { contributionMonths: 120, personalAccountFen: 4_567_800, arrearsFen });

/** Version 3's certified figures: what the record says (the service computes them). */
interface Figures3 {
  contributionMonths: number;
  personalAccountFen: number;
  arrearsFen: number;
  contributionWagesSince1998Fen: number;
}
const figures3: Figures3 = {
  contributionMonths: 120,
  personalAccountFen: 4_567_800,
  arrearsFen: 0,
  // 120 months at a base of 1,628.89: the pooled share is 2,345,601.6 → 2,345,602 fen
  contributionWagesSince1998Fen: 19_546_680,
};
const pooled3 = pooledShareOf(figures3.contributionWagesSince1998Fen);

/** The payload of a certificate from the record: 2016-02 to 2026-01 paid, 2026-02 owed when there are arrears. */
function certificate3(f: Figures3, over: Record<string, unknown> = {}): Record<string, unknown> {
  const months = f.contributionMonths;
  return {
    recordAsOf: "2026-03",
    contributionMonths: months,
    deemedMonths: 0,
    continuousMonths: months,
    firstMonth: months > 0 ? "2016-02" : null,
    lastMonth: months > 0 ? "2026-01" : null,
    arrearsFen: f.arrearsFen,
    arrears: f.arrearsFen > 0 ? [{ month: "2026-02", amountFen: f.arrearsFen }] : [],
    periods:
      months > 0
        ? [
            {
              from: "2016-02",
              to: "2026-01",
              months,
              status: "paid",
              baseFen: 162_889,
              payer: "employer",
              employerCreditCode: "91350100MA3K00002E",
            },
          ]
        : [],
    personalAccountFen: f.personalAccountFen,
    contributionWagesSince1998Fen: f.contributionWagesSince1998Fen,
    pooledShareFen: pooledShareOf(f.contributionWagesSince1998Fen),
    ...over,
  };
}
const cert3 = (arrearsFen: number, over: Record<string, unknown> = {}, occurredOn = on): CaseEvent =>
  ev("ISSUE_CERTIFICATE", certificate3({ ...figures3, arrearsFen }, over), occurredOn);
/** A reissue: the record's figures then, no typed reason unless given, the record's corrections. */
const reissue3 = (f: Figures3, o: { reason?: string | null; corrections?: string[] } = {}, occurredOn = on) =>
  ev(
    "REISSUE_CERTIFICATE",
    {
      ...certificate3(f),
      reason: o.reason ?? null,
      recordCorrections: (o.corrections ?? []).map((reason) => ({ month: "2025-12", reason })),
    },
    occurredOn,
  );
/** The record corrected: a larger personal account, the arrears paid into it. */
const corrected3: Figures3 = { ...figures3, personalAccountFen: 4_600_000 };
/** The figures of the latest certificate, from the machine's facts (a reissue that changes nothing). */
const sameAs = (ctx: Ctx): Figures3 => ({
  contributionMonths: num(ctx.contributionMonths),
  personalAccountFen: num(ctx.personalAccountFen),
  arrearsFen: num(ctx.certifiedArrearsFen),
  contributionWagesSince1998Fen: num(ctx.contributionWagesSince1998Fen),
});

export default {
  type: "pensionTransfer",
  info: {
    label: { zh: "基本养老保险关系转移接续", en: "Pension insurance transfer" },
    caseNumberPrefix: "PT",
    singleAgency: false,
  },
  versions: [1, 2, 3],
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
    // version 3: certificates from the record, reissues that reprint it (unchanged, or corrected
    // by the record with its reason), the transfer-out of the certified pooled share
    cert3(0),
    cert3(9_900),
    reissue3(sameAs(ctx)),
    reissue3(corrected3, { corrections: ["个人账户划入额更正"] }),
    ...(typeof ctx.pooledShareFen === "number"
      ? [
          ev("TRANSFER_OUT_DONE", {
            personalAccountFen: num(ctx.personalAccountFen),
            pooledFundFen: ctx.pooledShareFen,
          }),
        ]
      : []),
  ],
  happyPathOf: {
    3: [
      cert3(9_900, {}, "2026-03-02"),
      { type: "FILE_APPLICATION", occurredOn: "2026-04-01", channel: "offline", applicant: "employer" },
      reissue3({ ...figures3, arrearsFen: 9_900 }, {}, "2026-04-03"),
      { type: "ACCEPT", occurredOn: "2026-04-10" },
      { type: "ARREARS_PAID", occurredOn: "2026-04-20", paidFen: 9_900 },
      { type: "TRANSFER_OUT_DONE", occurredOn: "2026-04-27", personalAccountFen: 4_567_800, pooledFundFen: pooled3 },
      { type: "TRANSFER_IN_DONE", occurredOn: "2026-05-12" },
    ],
  },
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
    3: {
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
    // ---- version 3
    {
      version: 3,
      guard: "certificateAddsUp",
      before: [],
      refused: [
        // months that are not the periods', arrears that are not the arrears months', a pooled
        // share that is not 12 % of the wages since 1998
        cert3(0, { contributionMonths: 119 }),
        cert3(0, { deemedMonths: 1 }),
        cert3(9_900, { arrears: [] }),
        cert3(9_900, { arrearsFen: 9_901 }),
        cert3(0, { pooledShareFen: pooled3 - 1 }),
      ],
      fix: [],
      accepted: cert3(9_900),
      to: "certificateIssued",
    },
    {
      version: 3,
      guard: "certificateAddsUp",
      // a reissue is checked as the certificate was
      before: [cert3(0)],
      refused: [
        ev("REISSUE_CERTIFICATE", { ...payloadOf(reissue3(corrected3)), pooledShareFen: pooled3 + 1 }),
        ev("REISSUE_CERTIFICATE", { ...payloadOf(reissue3(corrected3)), contributionMonths: 121 }),
      ],
      fix: [],
      accepted: reissue3(corrected3, { corrections: ["个人账户划入额更正"] }),
      to: "certificateIssued",
    },
    {
      version: 3,
      guard: "paysOutstandingArrears",
      before: [cert3(9_900), file, ev("ACCEPT")],
      refused: [ev("ARREARS_PAID", { paidFen: 9_000 })],
      fix: [],
      accepted: ev("ARREARS_PAID", { paidFen: 9_900 }),
      to: "transferOut",
    },
    {
      version: 3,
      guard: "arrearsSettled",
      before: [cert3(9_900), file, ev("ACCEPT")],
      refused: [ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: pooled3 })],
      fix: [ev("ARREARS_PAID", { paidFen: 9_900 })],
      accepted: ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: pooled3 }),
      to: "transferIn",
    },
    {
      version: 3,
      guard: "transfersCertifiedAmounts",
      before: [cert3(0), file, ev("ACCEPT")],
      refused: [
        ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_801, pooledFundFen: pooled3 }),
        ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: pooled3 - 1 }),
      ],
      fix: [],
      accepted: ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: pooled3 }),
      to: "transferIn",
    },
  ],
} satisfies TypeTests;
