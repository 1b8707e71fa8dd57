// Sample events of the second versions of renewal and pensionTransfer (their payloads are the
// service-computed ones), for versions-v2.test.ts and transition-scope.test.ts.
import type { CaseType } from "../../machines/index.ts";
import type { CaseEvent } from "../../machines/runtime.ts";
import type { RenewalAssessment } from "../../machines/renewal.ts";

export const on = "2026-12-05";
export type Ctx = Record<string, unknown>;
export const num = (v: unknown) => (typeof v === "number" ? v : 0);

/** Seed 000: base 5,600.00 × 10 % = 560.00 a month; November paid 5 days late (0.05 % a day). */
export const backPaid: RenewalAssessment = {
  monthsMissed: 2,
  principalFen: 112_000,
  lateFeeFen: 140,
  totalFen: 112_140,
  backPayable: true,
  waitingPeriodMonths: 0,
  waitingPeriodEndsOn: null,
  payBy: on,
  lines: [
    { month: "2026-11", baseFen: 560_000, contributionFen: 56_000, daysLate: 5, lateFeeFen: 140 },
    { month: "2026-12", baseFen: 560_000, contributionFen: 56_000, daysLate: 0, lateFeeFen: 0 },
  ],
  policy: { region: "350100", effectiveFrom: "2026-01-01" },
  continuity: { continuous: true, continuousMonths: 38, reimbursementRatioPercent: 90 },
};
export const notBackPayable: RenewalAssessment = {
  ...backPaid,
  monthsMissed: 8,
  principalFen: 0,
  lateFeeFen: 0,
  totalFen: 0,
  backPayable: false,
  waitingPeriodMonths: 6,
  waitingPeriodEndsOn: "2027-06-05",
  lines: [],
  continuity: { continuous: false, continuousMonths: 0, reimbursementRatioPercent: 60 },
};
export const assess = (
  a: RenewalAssessment,
  first = "2026-11",
  last = a.backPayable ? "2026-12" : "2027-06",
): CaseEvent => ({
  type: "ASSESS_ARREARS",
  occurredOn: on,
  firstMissedMonth: first,
  lastMissedMonth: last,
  payer: "employer",
  paysOn: on,
  assessment: a,
});

export const renewalSamples = (ctx: Ctx): CaseEvent[] => {
  const a = ctx.assessment as RenewalAssessment | null;
  return [
    { type: "CONTINUE_BY_EMPLOYER", occurredOn: "2027-02-28" },
    assess(backPaid),
    assess(notBackPayable),
    { type: "RECORD_CANCELLED", occurredOn: on },
    { type: "REAPPLY", occurredOn: on },
    { type: "PAYMENT_RECEIVED", occurredOn: on, amountFen: a?.totalFen ?? 0 },
    { type: "RESTORE", occurredOn: on },
    { type: "WITHDRAW", occurredOn: on, reason: "本人申请撤回" },
  ];
};

export const certificate = (arrearsFen: number): CaseEvent => ({
  type: "ISSUE_CERTIFICATE",
  occurredOn: on,
  contributionMonths: 120,
  personalAccountFen: 4_567_800,
  arrearsFen,
  contributionWagesSince1998Fen: 19_546_667,
});
export const pensionSamples = (ctx: Ctx): CaseEvent[] => [
  certificate(0),
  certificate(9_900),
  { type: "REISSUE_CERTIFICATE", occurredOn: on },
  {
    type: "REISSUE_CERTIFICATE",
    occurredOn: on,
    personalAccountFen: 4_600_000,
    reason: "个人账户储存额录入有误",
  },
  { type: "ARREARS_PAID", occurredOn: on, paidFen: num(ctx.arrearsFen) },
  { type: "FILE_APPLICATION", occurredOn: on, channel: "online", applicant: "individual" },
  { type: "ACCEPT", occurredOn: on },
  { type: "REFUSE", occurredOn: on, reasonCode: "notEnrolledAtNewPlace" },
  {
    type: "TRANSFER_OUT_DONE",
    occurredOn: on,
    personalAccountFen: num(ctx.personalAccountFen),
    pooledFundFen: num(ctx.pooledShareFen),
  },
  { type: "TRANSFER_IN_DONE", occurredOn: on },
  { type: "WITHDRAW", occurredOn: on, reason: "本人申请撤回" },
];

/** The sample events of the versions whose payloads are the service-computed ones, by case type. */
export const v2Samples: Partial<Record<CaseType, (ctx: Ctx) => CaseEvent[]>> = {
  renewal: renewalSamples,
  pensionTransfer: pensionSamples,
};

/**
 * renewal v2 and pensionTransfer v2 have their model paths, allowed events and guards in
 * versions-v2.test.ts (their payloads are the service-computed ones); the other suites leave them out.
 */
export const inVersionsV2Test = (type: CaseType, version: number) => version === 2 && v2Samples[type] !== undefined;
