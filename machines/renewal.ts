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
import type { CaseMachineModule, EventSpec, StateMeta } from "./types.ts";
import { fen, noPayload, reason, type CaseEventOf, type CaseInput } from "./runtime.ts";

const VERSION = 1;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * "YYYY-MM-DD" + n calendar months, day clamped to the target month's end. Pure string
 * arithmetic (no Date: its result depends on the process time zone). Null if malformed.
 */
export function addCalendarMonths(date: string, months: number): string | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const mo = index - y * 12 + 1;
  const d = Math.min(day, daysInMonth(y, mo));
  return `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Case facts. Amounts in fen; null until assessed / paid. */
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
  label: { zh: "断缴后续保", en: "Renewal after a lapse" },
  caseNumberPrefix: "RN",
  singleAgency: true,
  machine: renewalMachine,
  events,
  states,
  steps,
  refusals: {
    CONTINUE_BY_EMPLOYER: "continuation by a new employer must come within 3 months of the lapse",
    PAYMENT_RECEIVED: "amountFen must equal the assessed principal plus late fee",
  },
};
