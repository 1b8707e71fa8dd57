// The renewal's tests (docs/case-types.md: a case type's tests are this one file): what the
// machine suites in test/machines/ check its versions against. Version 2 (service-computed
// payloads) is in versions-v2.test.ts; version 3 (the figures from the contribution record: the
// service-computed assessment with the record's continuity, the restoration checked against the
// record's back-paid months) is here, its samples beside version 1's (each version's payload
// schemas pick its own).
import type { CaseEvent } from "../../../machines/runtime.ts";
import type { RenewalAssessment } from "../../../machines/renewal.ts";
import { backPaid, notBackPayable } from "../samples-v2.ts";
import { ev, num, on, type Ctx, type TypeTests } from "../typeTestKit.ts";

const assess = ev("ASSESS_ARREARS", { monthsMissed: 2, principalFen: 120_000, lateFeeFen: 600, backPayable: true });

/**
 * Version 3's assessment: seed 000's 5,600.00 × 10 % = 560.00 a month for 2026-11 and 2026-12 (the
 * case lapsed on 2026-11-30), the record's 36 continuous months before them: 38 after the back-payment.
 */
const assess3 = (
  a: RenewalAssessment,
  o: { continuousMonthsBefore?: number | null; last?: string; occurredOn?: string } = {},
): CaseEvent =>
  ev(
    "ASSESS_ARREARS",
    {
      firstMissedMonth: "2026-11",
      lastMissedMonth: o.last ?? (a.backPayable ? "2026-12" : "2027-06"),
      payer: "employer",
      paysOn: "2026-12-05",
      continuousMonthsBefore: o.continuousMonthsBefore === undefined ? 36 : o.continuousMonthsBefore,
      monthsFromRecord: true,
      assessment: a,
    },
    o.occurredOn,
  );
const restore3 = (months: string[], occurredOn = on) => ev("RESTORE", { monthsInRecord: months }, occurredOn);
const assessedMonths = (ctx: Ctx) => ((ctx.assessment as RenewalAssessment | null)?.lines ?? []).map((l) => l.month);

export default {
  type: "renewal",
  info: { label: { zh: "断缴后续保", en: "Renewal after a lapse" }, caseNumberPrefix: "RN", singleAgency: true },
  versions: [1, 2, 3],
  // the end of a month, so that withinThreeMonths exercises day clamping
  input: { openedOn: "2026-11-30" },
  samples: (ctx: Ctx) => [
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
    // version 3: the assessment with the record's continuity, a payment of its total, and the
    // restoration with the assessed months the record holds (the service computes them)
    assess3(backPaid),
    assess3(notBackPayable, { continuousMonthsBefore: null }),
    {
      type: "PAYMENT_RECEIVED",
      occurredOn: on,
      amountFen: num((ctx.assessment as RenewalAssessment | null)?.totalFen),
    },
    restore3(assessedMonths(ctx)),
    { type: "RESTORE", occurredOn: on },
    { type: "WITHDRAW", occurredOn: on, reason: "本人申请撤回" },
  ],
  happyPathOf: {
    3: [
      assess3(notBackPayable, { continuousMonthsBefore: null, occurredOn: "2026-12-05" }),
      assess3(backPaid, { occurredOn: "2026-12-05" }),
      { type: "PAYMENT_RECEIVED", occurredOn: "2026-12-10", amountFen: 112_140 },
      restore3(["2026-11", "2026-12"], "2026-12-11"),
    ],
  },
  happyPath: [
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
  allowedEvents: {
    1: {
      lapsed: ["CONTINUE_BY_EMPLOYER", "ASSESS_ARREARS", "RECORD_CANCELLED", "WITHDRAW"],
      arrearsAssessed: ["ASSESS_ARREARS", "PAYMENT_RECEIVED", "WITHDRAW"],
      paid: ["RESTORE", "WITHDRAW"],
      restored: [],
      cancelled: ["REAPPLY", "WITHDRAW"],
      reapplied: ["ASSESS_ARREARS", "WITHDRAW"],
      continued: [],
      withdrawn: [],
    },
    3: {
      lapsed: ["CONTINUE_BY_EMPLOYER", "ASSESS_ARREARS", "RECORD_CANCELLED", "WITHDRAW"],
      arrearsAssessed: ["ASSESS_ARREARS", "PAYMENT_RECEIVED", "RESTORE", "WITHDRAW"],
      paid: ["RESTORE", "WITHDRAW"],
      restored: [],
      cancelled: ["REAPPLY", "WITHDRAW"],
      reapplied: ["ASSESS_ARREARS", "WITHDRAW"],
      continued: [],
      withdrawn: [],
    },
  },
  guards: [
    {
      guard: "withinThreeMonths",
      input: { openedOn: "2026-11-30" }, // + 3 months = 2027-02-28 (clamped)
      before: [],
      refused: [ev("CONTINUE_BY_EMPLOYER", {}, "2027-03-01"), ev("CONTINUE_BY_EMPLOYER", {}, "not a date")],
      fix: [],
      accepted: ev("CONTINUE_BY_EMPLOYER", {}, "2027-02-28"),
      to: "continued",
    },
    {
      guard: "paysAssessedAmount",
      before: [assess],
      refused: [ev("PAYMENT_RECEIVED", { amountFen: 120_000 }), ev("PAYMENT_RECEIVED", { amountFen: 120_601 })],
      fix: [],
      accepted: ev("PAYMENT_RECEIVED", { amountFen: 120_600 }),
      to: "paid",
    },
    // ---- version 3
    {
      version: 3,
      guard: "withinThreeMonths",
      before: [],
      refused: [ev("CONTINUE_BY_EMPLOYER", {}, "2027-03-01")],
      fix: [],
      accepted: ev("CONTINUE_BY_EMPLOYER", {}, "2027-02-28"),
      to: "continued",
    },
    {
      version: 3,
      guard: "assessmentAddsUp",
      before: [],
      refused: [
        // the continuity does not follow from the record's months before the gap (36 + 2 = 38)
        assess3(backPaid, { continuousMonthsBefore: 30 }),
        assess3(backPaid, { continuousMonthsBefore: null }),
        // not back-payable: the continuity starts again
        assess3({ ...notBackPayable, continuity: { ...notBackPayable.continuity, continuousMonths: 36 } }),
        // version 2's sums: a total that is not principal + late fee, a month more than the lines
        assess3({ ...backPaid, totalFen: 112_141 }),
        assess3(backPaid, { last: "2027-01" }),
      ],
      fix: [],
      accepted: assess3(backPaid),
      to: "arrearsAssessed",
    },
    {
      version: 3,
      guard: "paysAssessedAmount",
      before: [assess3(backPaid)],
      refused: [ev("PAYMENT_RECEIVED", { amountFen: 112_000 }), ev("PAYMENT_RECEIVED", { amountFen: 112_141 })],
      fix: [],
      accepted: ev("PAYMENT_RECEIVED", { amountFen: 112_140 }),
      to: "paid",
    },
    {
      version: 3,
      guard: "nothingToPay",
      // something to pay: no restoration before the payment, whatever the record holds
      before: [assess3(backPaid)],
      refused: [restore3(["2026-11", "2026-12"]), restore3([])],
      fix: [assess3(notBackPayable, { continuousMonthsBefore: null })],
      accepted: restore3([]),
      to: "restored",
    },
    {
      version: 3,
      guard: "recordHoldsAssessedMonths",
      // paid: restored only when the record holds every assessed month as paid or back-paid
      before: [assess3(backPaid), ev("PAYMENT_RECEIVED", { amountFen: 112_140 })],
      refused: [restore3([]), restore3(["2026-11"]), restore3(["2026-12", "2027-01"])],
      fix: [],
      accepted: restore3(["2026-12", "2026-11", "2027-01"]),
      to: "restored",
    },
  ],
} satisfies TypeTests;
