// The renewal's tests (docs/case-types.md: a case type's tests are this one file): what the
// machine suites in test/machines/ check its versions against. Version 2 (service-computed
// payloads) is in versions-v2.test.ts.
import { ev, num, on, type TypeTests } from "../typeTestKit.ts";

const assess = ev("ASSESS_ARREARS", { monthsMissed: 2, principalFen: 120_000, lateFeeFen: 600, backPayable: true });

export default {
  type: "renewal",
  info: { label: { zh: "断缴后续保", en: "Renewal after a lapse" }, caseNumberPrefix: "RN", singleAgency: true },
  versions: [1, 2],
  // the end of a month, so that withinThreeMonths exercises day clamping
  input: { openedOn: "2026-11-30" },
  samples: (ctx) => [
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
  ],
} satisfies TypeTests;
