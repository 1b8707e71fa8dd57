// Sample events for the model-based tests: one or more valid payloads per event type,
// built from the current context where a guard compares with a recorded fact (so the
// generated graph can take every guarded edge; the refusals are in guards.test.ts).
import type { CaseType } from "../../machines/index.ts";
import type { CaseEvent, CaseInput } from "../../machines/runtime.ts";

export const on = "2026-03-02";

export const inputs: Record<CaseType, CaseInput> = {
  medicalTransfer: { openedOn: "2026-03-01" },
  pensionTransfer: { openedOn: "2026-03-01" },
  // the end of a month, so that withinThreeMonths exercises day clamping
  renewal: { openedOn: "2026-11-30" },
};

type Ctx = Record<string, unknown>;
const num = (v: unknown) => (typeof v === "number" ? v : 0);

const common = (ctx: Ctx): CaseEvent[] => [
  { type: "REISSUE_CERTIFICATE", occurredOn: on },
  { type: "ARREARS_PAID", occurredOn: on, paidFen: num(ctx.arrearsFen) },
  { type: "FILE_APPLICATION", occurredOn: on, channel: "online", applicant: "individual" },
  { type: "ACCEPT", occurredOn: on },
  { type: "REFUSE", occurredOn: on, reason: "未在转入地参保" },
  { type: "TRANSFER_IN_DONE", occurredOn: on },
  { type: "WITHDRAW", occurredOn: on, reason: "本人申请撤回" },
];

export const samples: Record<CaseType, (ctx: Ctx) => CaseEvent[]> = {
  medicalTransfer: (ctx) => [
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
    // last of their type: the payloads version 1 accepts (the contract test takes the last sample)
    ...common(ctx),
  ],
  pensionTransfer: (ctx) => [
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
    ...common(ctx),
  ],
  renewal: (ctx) => [
    { type: "CONTINUE_BY_EMPLOYER", occurredOn: "2027-02-28" },
    {
      type: "ASSESS_ARREARS",
      occurredOn: on,
      monthsMissed: 2,
      principalFen: 120_000,
      lateFeeFen: 600,
      backPayable: true,
    },
    {
      type: "ASSESS_ARREARS",
      occurredOn: on,
      monthsMissed: 8,
      principalFen: 60_000,
      lateFeeFen: 0,
      backPayable: false,
    },
    { type: "RECORD_CANCELLED", occurredOn: on },
    { type: "REAPPLY", occurredOn: on },
    { type: "PAYMENT_RECEIVED", occurredOn: on, amountFen: num(ctx.principalFen) + num(ctx.lateFeeFen) },
    { type: "RESTORE", occurredOn: on },
    { type: "WITHDRAW", occurredOn: on, reason: "本人申请撤回" },
  ],
};

/** The payload part of an event: what the API validates with the event's zod schema. */
export function payloadOf(event: CaseEvent): Record<string, unknown> {
  const { type: _type, occurredOn: _on, ...payload } = event;
  return payload;
}

/** Version 2 of the medical transfer, online: applied at the new place, accepted, record form, transfer. */
export const onlineHappyPath: CaseEvent[] = [
  { type: "APPLY_ONLINE", occurredOn: "2026-03-02", applicant: "employer" },
  { type: "REFUSE", occurredOn: "2026-03-03", reasonCode: "documentsIncomplete" },
  { type: "APPLY_ONLINE", occurredOn: "2026-03-04", applicant: "employer" },
  { type: "ACCEPT", occurredOn: "2026-03-05" },
  {
    type: "ISSUE_RECORD_FORM",
    occurredOn: "2026-03-09",
    contributionMonths: 36,
    accountBalanceFen: 123_456,
    arrearsFen: 5_000,
  },
  { type: "REISSUE_CERTIFICATE", occurredOn: "2026-03-10", accountBalanceFen: 120_000, reason: "余额更正" },
  { type: "ARREARS_PAID", occurredOn: "2026-03-11", paidFen: 5_000 },
  { type: "TRANSFER_OUT_DONE", occurredOn: "2026-03-12", transferredFen: 120_000 },
  { type: "TRANSFER_IN_DONE", occurredOn: "2026-03-16" },
];

/** A complete run per type, with a detour (reissue, arrears, refusal, reassessment). */
export const happyPaths: Record<CaseType, CaseEvent[]> = {
  medicalTransfer: [
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
  pensionTransfer: [
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
  renewal: [
    {
      type: "ASSESS_ARREARS",
      occurredOn: "2026-12-05",
      monthsMissed: 2,
      principalFen: 120_000,
      lateFeeFen: 600,
      backPayable: true,
    },
    {
      type: "ASSESS_ARREARS",
      occurredOn: "2026-12-06",
      monthsMissed: 2,
      principalFen: 118_000,
      lateFeeFen: 0,
      backPayable: true,
    },
    { type: "PAYMENT_RECEIVED", occurredOn: "2026-12-10", amountFen: 118_000 },
    { type: "RESTORE", occurredOn: "2026-12-11" },
  ],
};
