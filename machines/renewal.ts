/**
 * Renewal after an interruption of cover (断缴后续保 / 补缴). Version 1. One agency handles
 * the case, so staff events are recordedBy ["agency"] and staff-side states have side "agency".
 *
 *   lapsed --CONTINUE_BY_EMPLOYER--> continued        (a new employer within 3 months: cover continues)
 *   lapsed --ASSESS_ARREARS--> arrearsAssessed --PAYMENT_RECEIVED--> paid --RESTORE--> restored
 *   lapsed --RECORD_CANCELLED--> cancelled --REAPPLY--> reapplied --ASSESS_ARREARS--> arrearsAssessed
 *   arrearsAssessed --ASSESS_ARREARS--> arrearsAssessed   (reassessment replaces the amounts)
 *   WITHDRAW from any non-final state --> withdrawn
 *
 * `openedOn` (input) is taken as the date cover lapsed. CONTINUE_BY_EMPLOYER needs
 * `withinThreeMonths`: occurredOn <= openedOn + 3 calendar months, computed on the date
 * strings (day clamped to the month's end: 2026-11-30 + 3 months = 2027-02-28), so the
 * server's time zone never matters.
 *
 * Amounts (base × rate × months, late fee) are regional policy values computed outside the
 * machine; the machine records the assessment and checks that the payment matches it
 * (`paysAssessedAmount`: amountFen === principalFen + lateFeeFen). `backPayable: false`
 * means the gap is too long to back-pay with retroactive cover: the assessment is for a new
 * enrolment and a waiting period (待遇等待期) applies (context.waitingPeriodApplies).
 */
import { assertEvent, assign, setup } from "xstate";
import { z } from "zod";
import type {
  AssessmentView,
  CaseMachineModule,
  CaseTypeDefinition,
  EventSpec,
  PaymentDue,
  StateMeta,
} from "./types.ts";
import { type CaseEventOf, type CaseInput } from "./runtime.ts";
import {
  fen,
  noPayload,
  reason,
  addCalendarMonths,
  assessArrearsFromRecordRequestSchema,
  assessArrearsRequestSchema,
  assessmentSchema,
  dateSchema,
  monthSchema,
  type ArrearsAssessment,
} from "./vocabulary.ts";

const VERSION = 1;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface RenewalContext {
  /** case opened = cover lapsed */
  openedOn: string;
  monthsMissed: number | null;
  principalFen: number | null;
  lateFeeFen: number | null;
  backPayable: boolean | null;
  /** true when the latest assessment is not back-payable: new enrolment with a waiting period */
  waitingPeriodApplies: boolean;
  assessmentCount: number;
  paidFen: number | null;
  /** the record was cancelled; the person re-applies with ID and household register */
  recordCancelled: boolean;
  /** occurredOn of CONTINUE_BY_EMPLOYER */
  continuedOn: string | null;
  withdrawalReason: string | null;
}

const events = {
  CONTINUE_BY_EMPLOYER: {
    payload: noPayload(),
    recordedBy: ["agency"],
    label: { zh: "新单位三个月内接续参保", en: "Continued by a new employer within 3 months" },
  },
  ASSESS_ARREARS: {
    payload: z
      .object({
        monthsMissed: z.number().int().min(1).max(600),
        principalFen: fen(),
        lateFeeFen: fen(),
        backPayable: z.boolean(),
      })
      .strict(),
    recordedBy: ["agency"],
    label: { zh: "核定补缴金额", en: "Assess arrears" },
    maxPerCase: 20,
  },
  RECORD_CANCELLED: {
    payload: noPayload(),
    recordedBy: ["agency"],
    label: { zh: "登记参保关系已注销", en: "Record insurance record cancelled" },
  },
  REAPPLY: {
    payload: noPayload(),
    recordedBy: ["agency"],
    label: { zh: "凭身份证、户口簿重新申请参保", en: "Re-apply with ID and household register" },
  },
  PAYMENT_RECEIVED: {
    payload: z.object({ amountFen: fen() }).strict(),
    recordedBy: ["agency"],
    label: { zh: "补缴到账", en: "Payment received" },
    maxPerCase: 20,
  },
  RESTORE: {
    payload: noPayload(),
    recordedBy: ["agency"],
    label: { zh: "恢复参保（缴费年限合并计算）", en: "Restore cover (contribution years combined)" },
  },
  WITHDRAW: {
    payload: z.object({ reason: reason() }).strict(),
    recordedBy: ["agency"],
    label: { zh: "撤回申请", en: "Withdraw" },
  },
} satisfies Record<string, EventSpec>;

export type RenewalEvent = CaseEventOf<typeof events>;

const steps = 4;

const states = {
  lapsed: { side: "insured", step: 1, label: { zh: "已断缴", en: "Cover lapsed" } },
  arrearsAssessed: {
    side: "insured",
    step: 2,
    label: { zh: "已核定补缴金额，待缴费", en: "Arrears assessed, payment due" },
  },
  paid: { side: "agency", step: 3, label: { zh: "已补缴，待恢复参保", en: "Paid, awaiting restoration" } },
  restored: { side: "none", step: steps, outcome: "completed", label: { zh: "已恢复参保", en: "Cover restored" } },
  cancelled: {
    side: "insured",
    step: 1,
    label: { zh: "参保关系已注销，需重新申请", en: "Record cancelled, re-application needed" },
  },
  reapplied: { side: "agency", step: 2, label: { zh: "已重新申请参保", en: "Re-applied" } },
  continued: { side: "none", step: steps, outcome: "completed", label: { zh: "已接续参保", en: "Cover continued" } },
  withdrawn: { side: "none", step: steps, outcome: "withdrawn", label: { zh: "已撤回", en: "Withdrawn" } },
} satisfies Record<string, StateMeta>;

const withdraw = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const assess = { target: "arrearsAssessed", actions: "recordAssessment" } as const;

export const renewalMachine = setup({
  types: {
    context: {} as RenewalContext,
    events: {} as RenewalEvent,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    withinThreeMonths: ({ context, event }) => {
      const limit = addCalendarMonths(context.openedOn, 3);
      // Both are "YYYY-MM-DD", so string order is date order; a malformed date refuses.
      return limit !== null && DATE.test(event.occurredOn) && event.occurredOn <= limit;
    },
    paysAssessedAmount: ({ context, event }) => {
      if (event.type !== "PAYMENT_RECEIVED" || context.principalFen === null || context.lateFeeFen === null) {
        return false;
      }
      const due = context.principalFen + context.lateFeeFen;
      return Number.isSafeInteger(due) && event.amountFen === due;
    },
  },
  actions: {
    recordContinuation: assign(({ event }) => ({ continuedOn: event.occurredOn })),
    recordAssessment: assign(({ context, event }) => {
      assertEvent(event, "ASSESS_ARREARS");
      return {
        monthsMissed: event.monthsMissed,
        principalFen: event.principalFen,
        lateFeeFen: event.lateFeeFen,
        backPayable: event.backPayable,
        waitingPeriodApplies: !event.backPayable,
        assessmentCount: context.assessmentCount + 1,
      };
    }),
    recordCancelled: assign({ recordCancelled: true }),
    recordPayment: assign(({ event }) => {
      assertEvent(event, "PAYMENT_RECEIVED");
      return { paidFen: event.amountFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "renewal",
  version: String(VERSION),
  initial: "lapsed",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    monthsMissed: null,
    principalFen: null,
    lateFeeFen: null,
    backPayable: null,
    waitingPeriodApplies: false,
    assessmentCount: 0,
    paidFen: null,
    recordCancelled: false,
    continuedOn: null,
    withdrawalReason: null,
  }),
  states: {
    lapsed: {
      meta: states.lapsed,
      on: {
        CONTINUE_BY_EMPLOYER: { target: "continued", guard: "withinThreeMonths", actions: "recordContinuation" },
        ASSESS_ARREARS: assess,
        RECORD_CANCELLED: { target: "cancelled", actions: "recordCancelled" },
        WITHDRAW: withdraw,
      },
    },
    arrearsAssessed: {
      meta: states.arrearsAssessed,
      on: {
        // reassessment: a self-transition that replaces the amounts
        ASSESS_ARREARS: assess,
        PAYMENT_RECEIVED: { target: "paid", guard: "paysAssessedAmount", actions: "recordPayment" },
        WITHDRAW: withdraw,
      },
    },
    paid: {
      meta: states.paid,
      on: { RESTORE: { target: "restored" }, WITHDRAW: withdraw },
    },
    restored: { type: "final", meta: states.restored },
    cancelled: {
      meta: states.cancelled,
      on: { REAPPLY: { target: "reapplied" }, WITHDRAW: withdraw },
    },
    reapplied: {
      meta: states.reapplied,
      on: { ASSESS_ARREARS: assess, WITHDRAW: withdraw },
    },
    continued: { type: "final", meta: states.continued },
    withdrawn: { type: "final", meta: states.withdrawn },
  },
});

export const renewal: CaseMachineModule = {
  type: "renewal",
  version: VERSION,
  machine: renewalMachine,
  events,
  states,
  steps,
  refusals: {
    CONTINUE_BY_EMPLOYER: "continuation by a new employer must come within 3 months of the lapse",
    PAYMENT_RECEIVED: "amountFen must equal the assessed principal plus late fee",
  },
};

// ---------------------------------------------------------------------------
// Version 2: the service computes the assessment from the regional policy.
//
// The API takes what the clerk knows (ASSESS_ARREARS { firstMissedMonth, lastMissedMonth, payer,
// paysOn?, declaredBaseFen?, continuousMonthsBefore? }); the service looks up the policy of the
// agency's region in force on paysOn and records the request together with the computed
// `assessment` (src/engine/computedPayloads.ts), so the log holds what was assessed and this
// machine stays pure. The machine checks that the assessment adds up (`assessmentAddsUp`): the
// months, each line's fee, the sums, nothing to pay when the gap cannot be back-paid, and no month
// before the lapse. PAYMENT_RECEIVED must pay the assessed total (`paysAssessedAmount`); an
// assessment with nothing to pay (not back-payable: new enrolment with a waiting period) is
// closed with RESTORE straight from arrearsAssessed (`nothingToPay`).

const VERSION_2 = 2;
const MONTH = /^(\d{4})-(\d{2})$/;

/** "YYYY-MM" → months since year 0, or null if malformed. */
function monthNumber(month: string): number | null {
  const m = MONTH.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** The assessment as the service computed it (machines/vocabulary.ts). */
export type RenewalAssessment = ArrearsAssessment;

export interface RenewalContextV2 {
  openedOn: string;
  assessment: RenewalAssessment | null;
  /** the clerk's request of the latest assessment */
  assessedFor: { firstMissedMonth: string; lastMissedMonth: string; payer: "employer" | "flexible" } | null;
  assessmentCount: number;
  paidFen: number | null;
  recordCancelled: boolean;
  continuedOn: string | null;
  withdrawalReason: string | null;
}

const eventsV2 = {
  ...events,
  ASSESS_ARREARS: {
    payload: assessArrearsRequestSchema.extend({ paysOn: dateSchema(), assessment: assessmentSchema }).strict(),
    recordedBy: ["agency"],
    label: { zh: "核定补缴金额", en: "Assess arrears" },
    maxPerCase: 20,
  },
} satisfies Record<string, EventSpec>;

export type RenewalEventV2 = CaseEventOf<typeof eventsV2>;

const statesV2 = {
  ...states,
  arrearsAssessed: {
    side: "insured",
    step: 2,
    label: { zh: "已核定补缴金额，待缴费", en: "Arrears assessed, payment due" },
  },
} satisfies Record<string, StateMeta>;

/** Whether a recorded assessment adds up (pure arithmetic on integers). */
export function assessmentAddsUp(
  openedOn: string,
  e: { firstMissedMonth: string; lastMissedMonth: string; assessment: RenewalAssessment },
): boolean {
  const a = e.assessment;
  const first = monthNumber(e.firstMissedMonth);
  const last = monthNumber(e.lastMissedMonth);
  const lapse = monthNumber(openedOn.slice(0, 7));
  if (first === null || last === null || lapse === null || first > last || first < lapse) return false;
  if (a.monthsMissed !== last - first + 1) return false;
  if (a.totalFen !== a.principalFen + a.lateFeeFen || !Number.isSafeInteger(a.totalFen)) return false;
  if (!a.backPayable) {
    return a.lines.length === 0 && a.totalFen === 0 && !a.continuity.continuous;
  }
  if (a.lines.length !== a.monthsMissed || a.waitingPeriodMonths !== 0 || !a.continuity.continuous) return false;
  let principal = 0;
  let lateFee = 0;
  for (let i = 0; i < a.lines.length; i++) {
    const line = a.lines[i]!;
    if (monthNumber(line.month) !== first + i) return false;
    principal += line.contributionFen;
    lateFee += line.lateFeeFen;
  }
  return principal === a.principalFen && lateFee === a.lateFeeFen;
}

const withdrawV2 = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const assessV2 = { target: "arrearsAssessed", guard: "assessmentAddsUp", actions: "recordAssessment" } as const;

export const renewalMachineV2 = setup({
  types: {
    context: {} as RenewalContextV2,
    events: {} as RenewalEventV2,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    withinThreeMonths: ({ context, event }) => {
      const limit = addCalendarMonths(context.openedOn, 3);
      return limit !== null && DATE.test(event.occurredOn) && event.occurredOn <= limit;
    },
    assessmentAddsUp: ({ context, event }) =>
      event.type === "ASSESS_ARREARS" && assessmentAddsUp(context.openedOn, event),
    paysAssessedAmount: ({ context, event }) =>
      event.type === "PAYMENT_RECEIVED" &&
      context.assessment !== null &&
      context.assessment.totalFen > 0 &&
      event.amountFen === context.assessment.totalFen,
    nothingToPay: ({ context }) => context.assessment !== null && context.assessment.totalFen === 0,
  },
  actions: {
    recordContinuation: assign(({ event }) => ({ continuedOn: event.occurredOn })),
    recordAssessment: assign(({ context, event }) => {
      assertEvent(event, "ASSESS_ARREARS");
      return {
        assessment: event.assessment,
        assessedFor: {
          firstMissedMonth: event.firstMissedMonth,
          lastMissedMonth: event.lastMissedMonth,
          payer: event.payer,
        },
        assessmentCount: context.assessmentCount + 1,
      };
    }),
    recordCancelled: assign({ recordCancelled: true }),
    recordPayment: assign(({ event }) => {
      assertEvent(event, "PAYMENT_RECEIVED");
      return { paidFen: event.amountFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "renewal",
  version: String(VERSION_2),
  initial: "lapsed",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    assessment: null,
    assessedFor: null,
    assessmentCount: 0,
    paidFen: null,
    recordCancelled: false,
    continuedOn: null,
    withdrawalReason: null,
  }),
  states: {
    lapsed: {
      meta: statesV2.lapsed,
      on: {
        CONTINUE_BY_EMPLOYER: { target: "continued", guard: "withinThreeMonths", actions: "recordContinuation" },
        ASSESS_ARREARS: assessV2,
        RECORD_CANCELLED: { target: "cancelled", actions: "recordCancelled" },
        WITHDRAW: withdrawV2,
      },
    },
    arrearsAssessed: {
      meta: statesV2.arrearsAssessed,
      on: {
        ASSESS_ARREARS: assessV2,
        PAYMENT_RECEIVED: { target: "paid", guard: "paysAssessedAmount", actions: "recordPayment" },
        // not back-payable: nothing to pay, the person is enrolled anew and serves the waiting period
        RESTORE: { target: "restored", guard: "nothingToPay" },
        WITHDRAW: withdrawV2,
      },
    },
    paid: {
      meta: statesV2.paid,
      on: { RESTORE: { target: "restored" }, WITHDRAW: withdrawV2 },
    },
    restored: { type: "final", meta: statesV2.restored },
    cancelled: {
      meta: statesV2.cancelled,
      on: { REAPPLY: { target: "reapplied" }, WITHDRAW: withdrawV2 },
    },
    reapplied: {
      meta: statesV2.reapplied,
      on: { ASSESS_ARREARS: assessV2, WITHDRAW: withdrawV2 },
    },
    continued: { type: "final", meta: statesV2.continued },
    withdrawn: { type: "final", meta: statesV2.withdrawn },
  },
});

export const renewalV2: CaseMachineModule = {
  type: "renewal",
  version: VERSION_2,
  machine: renewalMachineV2,
  events: eventsV2,
  states: statesV2,
  steps,
  computed: { ASSESS_ARREARS: { request: assessArrearsRequestSchema, computedBy: "arrearsAssessment" } },
  refusals: {
    CONTINUE_BY_EMPLOYER: "continuation by a new employer must come within 3 months of the lapse",
    ASSESS_ARREARS: "the assessment must add up (months, lines, sums) and no month may lie before the lapse",
    PAYMENT_RECEIVED:
      "amountFen must equal the assessed total (principal plus late fee), and there must be something to pay",
    RESTORE: "cover is restored without payment only when the assessment has nothing to pay (not back-payable)",
  },
};

// ---------------------------------------------------------------------------
// Version 3: the contribution record (docs/contributions.md) is the source of the figures.
//
// ASSESS_ARREARS takes { firstMissedMonth?, lastMissedMonth?, payer, paysOn?, declaredBaseFen?,
// continuousMonthsBefore? }: the service (computation "arrearsAssessmentFromRecord") fills the
// months the clerk leaves out from the gap in the renewal agency's record since its last paid month,
// and takes the continuity before the lapse from the record (the months without a break that end
// with the month before the first missed one); a typed continuousMonthsBefore must be the record's.
// It records the request so completed, `continuousMonthsBefore` (null when the agency holds no
// record of the person), `monthsFromRecord`, and the assessment. The machine checks that it adds up
// as in version 2, and that the continuity follows from it.
//
// PAYMENT_RECEIVED adds the assessed months to the record as back-paid (补缴) in the transaction
// that records it (record effect "assessedMonthsBackPaid"). RESTORE after a payment is checked against
// the record: the service records the assessed months the record holds as paid or back-paid then
// (computation "restorationFromRecord": `monthsInRecord`), and the machine restores cover only when
// every assessed month is among them (`recordHoldsAssessedMonths`): a correction that took a month
// out of the record stops the restoration until it is back.

const VERSION_3 = 3;

/** The clerk's request of the latest assessment, completed from the record. */
export interface AssessedForV3 {
  firstMissedMonth: string;
  lastMissedMonth: string;
  payer: "employer" | "flexible";
  /** true: the service took at least one of the months from the record */
  monthsFromRecord: boolean;
  /** the record's continuous months before the first missed month; null: the agency holds no record */
  continuousMonthsBefore: number | null;
}

export interface RenewalContextV3 extends Omit<RenewalContextV2, "assessedFor"> {
  assessedFor: AssessedForV3 | null;
  /** the assessed months the record held as paid or back-paid when cover was restored */
  monthsInRecord: string[] | null;
}

const eventsV3 = {
  ...eventsV2,
  ASSESS_ARREARS: {
    payload: assessArrearsRequestSchema
      .extend({
        paysOn: dateSchema(),
        continuousMonthsBefore: z.number().int().min(0).max(1200).nullable(),
        monthsFromRecord: z.boolean(),
        assessment: assessmentSchema,
      })
      .strict(),
    recordedBy: ["agency"],
    label: { zh: "核定补缴金额", en: "Assess arrears" },
    maxPerCase: 20,
  },
  RESTORE: {
    payload: z.object({ monthsInRecord: z.array(monthSchema()).max(600) }).strict(),
    recordedBy: ["agency"],
    label: { zh: "恢复参保（缴费年限合并计算）", en: "Restore cover (contribution years combined)" },
  },
} satisfies Record<string, EventSpec>;

export type RenewalEventV3 = CaseEventOf<typeof eventsV3>;

/** Version 2's sums, and the continuity that follows from the record's months before the gap. */
export function assessmentAddsUpV3(
  openedOn: string,
  e: {
    firstMissedMonth: string;
    lastMissedMonth: string;
    continuousMonthsBefore: number | null;
    assessment: RenewalAssessment;
  },
): boolean {
  if (!assessmentAddsUp(openedOn, e)) return false;
  const { backPayable, monthsMissed, continuity } = e.assessment;
  if (!backPayable) return continuity.continuousMonths === 0;
  const expected = e.continuousMonthsBefore === null ? null : e.continuousMonthsBefore + monthsMissed;
  return continuity.continuousMonths === expected;
}

const withdrawV3 = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const assessV3 = { target: "arrearsAssessed", guard: "assessmentAddsUp", actions: "recordAssessment" } as const;

export const renewalMachineV3 = setup({
  types: {
    context: {} as RenewalContextV3,
    events: {} as RenewalEventV3,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    withinThreeMonths: ({ context, event }) => {
      const limit = addCalendarMonths(context.openedOn, 3);
      return limit !== null && DATE.test(event.occurredOn) && event.occurredOn <= limit;
    },
    assessmentAddsUp: ({ context, event }) =>
      event.type === "ASSESS_ARREARS" && assessmentAddsUpV3(context.openedOn, event),
    paysAssessedAmount: ({ context, event }) =>
      event.type === "PAYMENT_RECEIVED" &&
      context.assessment !== null &&
      context.assessment.totalFen > 0 &&
      event.amountFen === context.assessment.totalFen,
    nothingToPay: ({ context }) => context.assessment !== null && context.assessment.totalFen === 0,
    recordHoldsAssessedMonths: ({ context, event }) =>
      event.type === "RESTORE" &&
      context.assessment !== null &&
      context.assessment.lines.every((l) => event.monthsInRecord.includes(l.month)),
  },
  actions: {
    recordContinuation: assign(({ event }) => ({ continuedOn: event.occurredOn })),
    recordAssessment: assign(({ context, event }) => {
      assertEvent(event, "ASSESS_ARREARS");
      return {
        assessment: event.assessment,
        assessedFor: {
          firstMissedMonth: event.firstMissedMonth,
          lastMissedMonth: event.lastMissedMonth,
          payer: event.payer,
          monthsFromRecord: event.monthsFromRecord,
          continuousMonthsBefore: event.continuousMonthsBefore,
        },
        assessmentCount: context.assessmentCount + 1,
      };
    }),
    recordCancelled: assign({ recordCancelled: true }),
    recordPayment: assign(({ event }) => {
      assertEvent(event, "PAYMENT_RECEIVED");
      return { paidFen: event.amountFen };
    }),
    recordRestoration: assign(({ event }) => {
      assertEvent(event, "RESTORE");
      return { monthsInRecord: event.monthsInRecord };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "renewal",
  version: String(VERSION_3),
  initial: "lapsed",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    assessment: null,
    assessedFor: null,
    assessmentCount: 0,
    paidFen: null,
    recordCancelled: false,
    continuedOn: null,
    monthsInRecord: null,
    withdrawalReason: null,
  }),
  states: {
    lapsed: {
      meta: statesV2.lapsed,
      on: {
        CONTINUE_BY_EMPLOYER: { target: "continued", guard: "withinThreeMonths", actions: "recordContinuation" },
        ASSESS_ARREARS: assessV3,
        RECORD_CANCELLED: { target: "cancelled", actions: "recordCancelled" },
        WITHDRAW: withdrawV3,
      },
    },
    arrearsAssessed: {
      meta: statesV2.arrearsAssessed,
      on: {
        ASSESS_ARREARS: assessV3,
        PAYMENT_RECEIVED: { target: "paid", guard: "paysAssessedAmount", actions: "recordPayment" },
        // not back-payable: nothing to pay, the person is enrolled anew and serves the waiting period
        RESTORE: { target: "restored", guard: "nothingToPay", actions: "recordRestoration" },
        WITHDRAW: withdrawV3,
      },
    },
    paid: {
      meta: statesV2.paid,
      on: {
        // the payment's months are in the record (a correction may have taken one out since)
        RESTORE: { target: "restored", guard: "recordHoldsAssessedMonths", actions: "recordRestoration" },
        WITHDRAW: withdrawV3,
      },
    },
    restored: { type: "final", meta: statesV2.restored },
    cancelled: {
      meta: statesV2.cancelled,
      on: { REAPPLY: { target: "reapplied" }, WITHDRAW: withdrawV3 },
    },
    reapplied: {
      meta: statesV2.reapplied,
      on: { ASSESS_ARREARS: assessV3, WITHDRAW: withdrawV3 },
    },
    continued: { type: "final", meta: statesV2.continued },
    withdrawn: { type: "final", meta: statesV2.withdrawn },
  },
});

export const renewalV3: CaseMachineModule = {
  type: "renewal",
  version: VERSION_3,
  machine: renewalMachineV3,
  events: eventsV3,
  states: statesV2,
  steps,
  computed: {
    ASSESS_ARREARS: { request: assessArrearsFromRecordRequestSchema, computedBy: "arrearsAssessmentFromRecord" },
    RESTORE: { request: noPayload(), computedBy: "restorationFromRecord" },
  },
  recordEffects: { PAYMENT_RECEIVED: "assessedMonthsBackPaid" },
  refusals: {
    CONTINUE_BY_EMPLOYER: "continuation by a new employer must come within 3 months of the lapse",
    ASSESS_ARREARS:
      "the assessment must add up (months, lines, sums, the continuity from the record) and no month may lie before the lapse",
    PAYMENT_RECEIVED:
      "amountFen must equal the assessed total (principal plus late fee), and there must be something to pay",
    RESTORE:
      "cover is restored after a payment only when the agency's contribution record holds every assessed month as paid or back-paid, and without payment only when the assessment has nothing to pay (not back-payable)",
  },
};

// ===========================================================================
// The renewal as a case type: what the service does for it that it does for no other.

/**
 * The assessment as the answers show it. Version 2 cases carry the service's full assessment
 * (recorded in the log); a version 1 case shows what the clerk recorded then: the amounts and
 * backPayable, no lines, no policy, no waiting period end (v1 did not know them). Null before one.
 */
export function assessmentOf(facts: Record<string, unknown>): AssessmentView | null {
  const a = facts.assessment as AssessmentView | null | undefined;
  if (a !== undefined) return a ?? null;
  const { monthsMissed, principalFen, lateFeeFen, backPayable } = facts as Record<string, number | boolean | null>;
  if (typeof monthsMissed !== "number" || typeof principalFen !== "number" || typeof lateFeeFen !== "number")
    return null;
  return {
    monthsMissed,
    principalFen,
    lateFeeFen,
    totalFen: principalFen + lateFeeFen,
    backPayable: backPayable === true,
    waitingPeriodMonths: null,
    waitingPeriodEndsOn: null,
    payBy: null,
    policy: null,
  };
}

/** What the insured person is shown of an assessment while it is to be paid. */
function paymentDueOf(facts: Record<string, unknown>): PaymentDue | undefined {
  const a = assessmentOf(facts);
  if (!a) return undefined;
  return {
    totalFen: a.totalFen,
    payBy: a.payBy,
    backPayable: a.backPayable,
    waitingPeriodEndsOn: a.waitingPeriodEndsOn,
  };
}

/** The case type (docs/case-types.md): its versions and everything the service does for it. */
export const renewalType = {
  type: "renewal",
  label: { zh: "断缴后续保", en: "Renewal after a lapse" },
  noun: "a renewal",
  caseNumberPrefix: "RN",
  singleAgency: true,
  versions: [renewal, renewalV2, renewalV3],
  // a renewal says which insurance lapsed
  insurance: { chosen: { default: "medical" } },
  enrolment: "renewal",
  requiredDocuments: {
    // a cancelled record: the person re-applies with ID and household register
    REAPPLY: ["idCard", "householdRegister"],
  },
  documents: { ASSESS_ARREARS: "assessmentNotice" },
  view: {
    detail: (_version, facts) => ({ assessment: assessmentOf(facts) }),
    // a renewal awaiting payment shows the total due
    status: (_version, state, _eventTypes, facts) => {
      const paymentDue = state === "arrearsAssessed" && facts ? paymentDueOf(facts) : undefined;
      return paymentDue ? { paymentDue } : {};
    },
    statusReadsFacts: ["arrearsAssessed"],
  },
} satisfies CaseTypeDefinition<keyof typeof eventsV3>;
