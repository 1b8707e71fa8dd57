// Every named guard: one case where it refuses (event not taken, state and facts
// unchanged, canTake false) and one where it lets the event through.
import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import type { CaseType } from "../../machines/index.ts";
import { caseTypes, getMachine } from "../../machines/index.ts";
import { addCalendarMonths } from "../../machines/renewal.ts";
import {
  canTake,
  initialSnapshot,
  nextSnapshot,
  persist,
  type CaseEvent,
  type PersistedCaseSnapshot,
} from "../../machines/runtime.ts";
import { inputs, on } from "./samples.ts";

// Version 1 of each type (the later versions: test/machines/versions-v2.test.ts).
const machineV1 = (type: CaseType) => getMachine(type, 1)!;

interface GuardCase {
  type: CaseType;
  guard: string;
  input?: { openedOn: string };
  /** events that reach the state where the guard is evaluated */
  before: CaseEvent[];
  /** events the guard refuses there */
  refused: CaseEvent[];
  /** events that change the facts so that the guard passes (may be none) */
  fix: CaseEvent[];
  accepted: CaseEvent;
  /** state after the accepted event */
  to: string;
}

const ev = (type: string, fields: Record<string, unknown> = {}, occurredOn = on): CaseEvent => ({
  type,
  occurredOn,
  ...fields,
});
const medCert = (arrearsFen: number) =>
  ev("ISSUE_CERTIFICATE", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen });
const penCert = (arrearsFen: number) =>
  ev("ISSUE_CERTIFICATE", { contributionMonths: 120, personalAccountFen: 4_567_800, arrearsFen });
const file = ev("FILE_APPLICATION", { channel: "offline", applicant: "employer" });
const assess = ev("ASSESS_ARREARS", { monthsMissed: 2, principalFen: 120_000, lateFeeFen: 600, backPayable: true });

const cases: GuardCase[] = [
  {
    type: "medicalTransfer",
    guard: "noArrears",
    before: [medCert(5_000), file],
    refused: [ev("ACCEPT")],
    fix: [ev("ARREARS_PAID", { paidFen: 5_000 })],
    accepted: ev("ACCEPT"),
    to: "transferOut",
  },
  {
    type: "medicalTransfer",
    guard: "paysOutstandingArrears",
    before: [medCert(5_000)],
    refused: [ev("ARREARS_PAID", { paidFen: 4_999 }), ev("ARREARS_PAID", { paidFen: 5_001 })],
    fix: [],
    accepted: ev("ARREARS_PAID", { paidFen: 5_000 }),
    to: "certificateIssued",
  },
  {
    type: "medicalTransfer",
    guard: "paysOutstandingArrears", // nothing outstanding: nothing to pay
    before: [medCert(0), file],
    refused: [ev("ARREARS_PAID", { paidFen: 0 })],
    fix: [],
    accepted: ev("ACCEPT"),
    to: "transferOut",
  },
  {
    type: "medicalTransfer",
    guard: "transfersCertifiedBalance",
    before: [medCert(0), file, ev("ACCEPT")],
    refused: [ev("TRANSFER_OUT_DONE", { transferredFen: 123_455 }), ev("TRANSFER_OUT_DONE", { transferredFen: 0 })],
    fix: [],
    accepted: ev("TRANSFER_OUT_DONE", { transferredFen: 123_456 }),
    to: "transferIn",
  },
  {
    type: "pensionTransfer",
    guard: "paysOutstandingArrears",
    // arrears do not block acceptance in pension: they are settled during transfer-out
    before: [penCert(9_900), file, ev("ACCEPT")],
    refused: [ev("ARREARS_PAID", { paidFen: 9_000 })],
    fix: [],
    accepted: ev("ARREARS_PAID", { paidFen: 9_900 }),
    to: "transferOut",
  },
  {
    type: "pensionTransfer",
    guard: "arrearsSettled",
    before: [penCert(9_900), file, ev("ACCEPT")],
    refused: [ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: 1 })],
    fix: [ev("ARREARS_PAID", { paidFen: 9_900 })],
    accepted: ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: 1 }),
    to: "transferIn",
  },
  {
    type: "pensionTransfer",
    guard: "transfersCertifiedAccount",
    before: [penCert(0), file, ev("ACCEPT")],
    refused: [ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_801, pooledFundFen: 0 })],
    fix: [],
    // the pooled share is whatever the agency computed
    accepted: ev("TRANSFER_OUT_DONE", { personalAccountFen: 4_567_800, pooledFundFen: 987_654 }),
    to: "transferIn",
  },
  {
    type: "renewal",
    guard: "withinThreeMonths",
    input: { openedOn: "2026-11-30" }, // + 3 months = 2027-02-28 (clamped)
    before: [],
    refused: [ev("CONTINUE_BY_EMPLOYER", {}, "2027-03-01"), ev("CONTINUE_BY_EMPLOYER", {}, "not a date")],
    fix: [],
    accepted: ev("CONTINUE_BY_EMPLOYER", {}, "2027-02-28"),
    to: "continued",
  },
  {
    type: "renewal",
    guard: "paysAssessedAmount",
    before: [assess],
    refused: [ev("PAYMENT_RECEIVED", { amountFen: 120_000 }), ev("PAYMENT_RECEIVED", { amountFen: 120_601 })],
    fix: [],
    accepted: ev("PAYMENT_RECEIVED", { amountFen: 120_600 }),
    to: "paid",
  },
];

function run(type: CaseType, input: { openedOn: string }, events: CaseEvent[]): PersistedCaseSnapshot {
  const mod = machineV1(type);
  let persisted = persist(initialSnapshot(mod, input));
  for (const event of events) {
    const result = nextSnapshot(mod, persisted, event);
    expect(result.changed, `${event.type} in ${persisted.value}`).toBe(true);
    persisted = persist(result.snapshot);
  }
  return persisted;
}

describe("named guards", () => {
  it("every guard of every machine has a case here", () => {
    const named = (type: CaseType) =>
      Object.keys(machineV1(type).machine.implementations.guards).map((g) => `${type}.${g}`);
    const all = caseTypes.flatMap(named).sort();
    expect([...new Set(cases.map((c) => `${c.type}.${c.guard}`))].sort()).toEqual(all);
  });

  it.each(cases.map((c) => [`${c.type}.${c.guard}`, c] as const))("%s refuses, then accepts", (_n, c) => {
    const mod = machineV1(c.type);
    const input = c.input ?? inputs[c.type];
    const at = run(c.type, input, c.before);
    const restored = mod.machine.resolveState(at);

    for (const event of c.refused) {
      expect(canTake(mod, restored, event)).toBe(false);
      expect(restored.can(event)).toBe(false);
      // the event is defined in this state: only the guard stands in the way
      expect(Object.keys(restored._nodes.at(-1)!.on)).toContain(event.type);
      const [same] = transition(mod.machine, restored, event);
      expect(same.value).toBe(at.value);
      expect(same.context).toEqual(at.context);
      const result = nextSnapshot(mod, at, event);
      expect(result.changed).toBe(false);
      expect(result.state).toBe(at.value);
      expect(persist(result.snapshot)).toEqual(at);
    }

    const ready = run(c.type, input, [...c.before, ...c.fix]);
    expect(canTake(mod, mod.machine.resolveState(ready), c.accepted)).toBe(true);
    const result = nextSnapshot(mod, ready, c.accepted);
    expect(result.changed).toBe(true);
    expect(result.state).toBe(c.to);
  });

  it("renewal: ASSESS_ARREARS again replaces the amounts; backPayable false means a waiting period", () => {
    const at = run("renewal", inputs.renewal, [
      assess,
      ev("ASSESS_ARREARS", { monthsMissed: 8, principalFen: 60_000, lateFeeFen: 0, backPayable: false }),
    ]);
    expect(at.value).toBe("arrearsAssessed");
    expect(at.context).toMatchObject({ principalFen: 60_000, lateFeeFen: 0, monthsMissed: 8 });
    expect(at.context).toMatchObject({ waitingPeriodApplies: true, assessmentCount: 2 });
    // the old amount no longer pays
    const mod = machineV1("renewal");
    expect(nextSnapshot(mod, at, ev("PAYMENT_RECEIVED", { amountFen: 120_600 })).changed).toBe(false);
    expect(nextSnapshot(mod, at, ev("PAYMENT_RECEIVED", { amountFen: 60_000 })).state).toBe("paid");
  });

  it("medical: arrears paid are recorded; REISSUE_CERTIFICATE is counted", () => {
    const at = run("medicalTransfer", inputs.medicalTransfer, [
      medCert(5_000),
      ev("REISSUE_CERTIFICATE"),
      ev("ARREARS_PAID", { paidFen: 5_000 }),
      file,
      ev("REISSUE_CERTIFICATE"),
    ]);
    expect(at.context).toMatchObject({ arrearsFen: 0, arrearsPaidFen: 5_000, reissueCount: 2 });
  });
});

describe("addCalendarMonths (pure date-string arithmetic)", () => {
  it.each([
    ["2026-11-30", 3, "2027-02-28"],
    ["2027-11-30", 3, "2028-02-29"], // leap year
    ["2026-01-31", 1, "2026-02-28"],
    ["2026-10-15", 3, "2027-01-15"],
    ["2026-12-31", 12, "2027-12-31"],
    ["2099-11-30", 3, "2100-02-28"], // 2100 is not a leap year
    ["2026-03-31", -1, "2026-02-28"],
  ] as const)("%s + %i months = %s", (date, n, expected) => {
    expect(addCalendarMonths(date, n)).toBe(expected);
  });
  it.each(["2026-02-30", "2026-13-01", "2026-1-01", "", "2026-02-28T00:00"])("rejects %j", (date) => {
    expect(addCalendarMonths(date, 3)).toBeNull();
  });
});
