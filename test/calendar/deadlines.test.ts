// Deadlines against a small fake machine module with the same metadata shape as the real
// medical transfer (transfer-out 10, transfer-in 5, overall 15 from ACCEPT); the real machine
// modules are developed separately.
import { describe, expect, it } from "vitest";
import { assign, createMachine, initialTransition, transition, type AnyMachineSnapshot } from "xstate";
import { z } from "zod";
import type { CaseMachineModule, EventSpec, StateMeta } from "../../machines/types.ts";
import { CalendarError, WorkingCalendar } from "../../src/calendar/index.ts";
import {
  type AgencyLimits,
  type CaseDeadlines,
  effectiveLimit,
  limitSpecsOf,
  NO_DEADLINES,
  nextDeadlines,
  recomputeDeadlines,
  validateAgencyLimits,
} from "../../src/deadlines/index.ts";

const transferOutSpec = { key: "fake.transferOut", nationalMaxDays: 10, agency: "transferOut" } as const;
const transferInSpec = { key: "fake.transferIn", nationalMaxDays: 5, agency: "transferIn" } as const;
const overallSpec = { key: "fake.overall", nationalMaxDays: 15, agency: "transferIn" } as const;

const label = (en: string) => ({ zh: en, en });
const event = (recordedBy: EventSpec["recordedBy"]): EventSpec => ({
  payload: z.object({}),
  recordedBy,
  label: label("event"),
});

const machine = createMachine({
  id: "fakeMedical",
  context: { reissues: 0 },
  initial: "applicationFiled",
  states: {
    applicationFiled: { on: { ACCEPT: "transferOut", REFUSE: "refused" } },
    refused: { on: { FILE_APPLICATION: "applicationFiled" } },
    // a self-transition inside a state with a deadline (in the real machine REISSUE_CERTIFICATE
    // loops in states without one; here it tests that a running step clock is kept)
    transferOut: {
      on: {
        REISSUE_CERTIFICATE: { actions: assign({ reissues: ({ context }) => context.reissues + 1 }) },
        TRANSFER_OUT_DONE: "transferIn",
        WITHDRAW: "withdrawn",
      },
    },
    transferIn: { on: { TRANSFER_IN_DONE: "transferred" } },
    transferred: { type: "final" },
    withdrawn: { type: "final" },
  },
});

const states: Record<string, StateMeta> = {
  applicationFiled: { side: "transferIn", step: 1, label: label("filed") },
  refused: { side: "insured", step: 1, label: label("refused") },
  transferOut: { side: "transferOut", step: 2, label: label("transfer-out"), deadline: transferOutSpec },
  transferIn: { side: "transferIn", step: 3, label: label("transfer-in"), deadline: transferInSpec },
  transferred: { side: "none", step: 4, outcome: "completed", label: label("transferred") },
  withdrawn: { side: "none", step: 4, outcome: "withdrawn", label: label("withdrawn") },
};

const fakeModule: CaseMachineModule = {
  type: "medicalTransfer",
  version: 1,
  machine,
  events: {
    ACCEPT: event(["transferIn"]),
    REFUSE: event(["transferIn"]),
    FILE_APPLICATION: event(["transferIn"]),
    REISSUE_CERTIFICATE: event(["transferOut"]),
    TRANSFER_OUT_DONE: event(["transferOut"]),
    TRANSFER_IN_DONE: event(["transferIn"]),
    WITHDRAW: event(["transferOut", "transferIn"]),
  },
  states,
  steps: 4,
  overall: { ...overallSpec, startsWith: "ACCEPT" },
};

/** Drives the fake machine like the engine does: state from xstate, deadlines from metadata. */
class FakeCase {
  snapshot: AnyMachineSnapshot;
  deadlines: CaseDeadlines;
  constructor(
    readonly calendar: WorkingCalendar,
    readonly limits: { transferOut?: AgencyLimits; transferIn?: AgencyLimits } = {},
    openedOn = "2026-09-25",
  ) {
    const [snapshot] = initialTransition(machine);
    this.snapshot = snapshot;
    const state = String(snapshot.value);
    this.deadlines = this.#next(NO_DEADLINES, state, state, "CASE_OPENED", openedOn);
  }
  get state(): string {
    return String(this.snapshot.value);
  }
  send(type: string, occurredOn: string): CaseDeadlines {
    const fromState = this.state;
    expect(this.snapshot.can({ type }), `${type} in ${fromState}`).toBe(true);
    const [next] = transition(machine, this.snapshot, { type });
    this.snapshot = next;
    this.deadlines = this.#next(this.deadlines, fromState, this.state, type, occurredOn);
    return this.deadlines;
  }
  #next(
    previous: CaseDeadlines,
    fromState: string,
    toState: string,
    eventType: string,
    occurredOn: string,
  ): CaseDeadlines {
    return nextDeadlines({
      module: fakeModule,
      calendar: this.calendar,
      previous,
      fromState,
      toState,
      eventType,
      occurredOn,
      limitsFor: (agency) => this.limits[agency],
    });
  }
}

describe("effectiveLimit", () => {
  it("takes the agency's positive integer, never above the national ceiling", () => {
    expect(effectiveLimit(transferOutSpec, { "fake.transferOut": 8 })).toBe(8);
    expect(effectiveLimit(transferOutSpec, { "fake.transferOut": 10 })).toBe(10);
    expect(effectiveLimit(transferOutSpec, { "fake.transferOut": 20 })).toBe(10);
    for (const bad of [0, -3, 1.5, Number.NaN, "8" as unknown as number]) {
      expect(effectiveLimit(transferOutSpec, { "fake.transferOut": bad })).toBe(10);
    }
    expect(effectiveLimit(transferOutSpec, {})).toBe(10);
    expect(effectiveLimit(transferOutSpec, undefined)).toBe(10);
    expect(effectiveLimit({ ...transferOutSpec, key: "constructor" }, {})).toBe(10); // no prototype keys
  });
});

describe("validateAgencyLimits", () => {
  const specs = limitSpecsOf(fakeModule);

  it("lists the specs a module uses", () => {
    expect(specs.map((s) => s.key).sort()).toEqual(["fake.overall", "fake.transferIn", "fake.transferOut"]);
    expect(specs.find((s) => s.key === "fake.overall")).toEqual(overallSpec); // without startsWith
  });

  it("accepts limits within the national ceilings", () => {
    expect(validateAgencyLimits({ "fake.transferOut": 8, "fake.transferIn": 5, "fake.overall": 13 }, specs)).toEqual({
      ok: true,
      value: { "fake.transferOut": 8, "fake.transferIn": 5, "fake.overall": 13 },
    });
    expect(validateAgencyLimits({}, specs)).toEqual({ ok: true, value: {} });
  });

  it("rejects unknown keys, non-integers, values below 1 and values above the ceiling", () => {
    const r = validateAgencyLimits(
      { "fake.transferOut": 11, "fake.transferIn": 0, "fake.overall": 7.5, "fake.typo": 3, "fake.other": "5" },
      specs,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.key)).toEqual([
      "fake.transferOut",
      "fake.transferIn",
      "fake.overall",
      "fake.typo",
      "fake.other",
    ]);
    expect(r.errors[0].message).toBe("must not exceed the national limit of 10 working days");
    expect(r.errors[1].message).toBe("must be at least 1 working day");
    expect(r.errors[2].message).toBe("must be a whole number of working days");
    expect(r.errors[3].message).toMatch(/^unknown limit key/);
    expect(validateAgencyLimits({ "fake.transferIn": -2 }, specs).ok).toBe(false);
    for (const notObject of [null, undefined, [], "x", 3]) {
      expect(validateAgencyLimits(notObject, specs)).toMatchObject({ ok: false, errors: [{ key: "" }] });
    }
  });
});

describe("nextDeadlines", () => {
  it("follows the medical example: ACCEPT sets step and overall, TRANSFER_OUT_DONE only the step", () => {
    const c = new FakeCase(WorkingCalendar.official());
    expect(c.deadlines).toEqual(NO_DEADLINES); // opened in a state without a deadline

    // A = Mon 28 Sep 2026. A+10wd crosses National Day: 16 Oct; A+15wd: 23 Oct.
    expect(c.send("ACCEPT", "2026-09-28")).toEqual({
      stepDueOn: "2026-10-16",
      dueOn: "2026-10-23",
      provisional: false,
      stepStartedOn: "2026-09-28",
      overallStartedOn: "2026-09-28",
    });
    // a self-transition keeps the running step clock
    expect(c.send("REISSUE_CERTIFICATE", "2026-10-08")).toMatchObject({
      stepDueOn: "2026-10-16",
      stepStartedOn: "2026-09-28",
    });
    // B = Fri 9 Oct; B+5wd: Sat 10 Oct (make-up day), 12, 13, 14, 15 Oct
    expect(c.send("TRANSFER_OUT_DONE", "2026-10-09")).toEqual({
      stepDueOn: "2026-10-15",
      dueOn: "2026-10-23",
      provisional: false,
      stepStartedOn: "2026-10-09",
      overallStartedOn: "2026-09-28",
    });
    // final: step cleared, overall due date kept for the record
    expect(c.send("TRANSFER_IN_DONE", "2026-10-14")).toEqual({
      stepDueOn: null,
      dueOn: "2026-10-23",
      provisional: false,
      stepStartedOn: null,
      overallStartedOn: "2026-09-28",
    });
    expect(c.state).toBe("transferred");
  });

  it("uses the configured limits of the right agency", () => {
    const c = new FakeCase(WorkingCalendar.official(), {
      transferOut: { "fake.transferOut": 8, "fake.transferIn": 1, "fake.overall": 1 }, // only transferOut applies from here
      transferIn: { "fake.transferIn": 7, "fake.overall": 12 }, // 7 is above the ceiling of 5: clamped
    });
    expect(c.send("ACCEPT", "2026-09-28")).toMatchObject({ stepDueOn: "2026-10-14", dueOn: "2026-10-20" });
    expect(c.send("TRANSFER_OUT_DONE", "2026-10-09")).toMatchObject({ stepDueOn: "2026-10-15" });
  });

  it("restarts the overall clock when the application is accepted again after a refusal", () => {
    const c = new FakeCase(WorkingCalendar.official());
    // refused: no step deadline; the overall clock was never started
    expect(c.send("REFUSE", "2026-09-01")).toEqual(NO_DEADLINES);
    c.send("FILE_APPLICATION", "2026-09-07");
    expect(c.send("ACCEPT", "2026-09-28")).toMatchObject({ dueOn: "2026-10-23", overallStartedOn: "2026-09-28" });
  });

  it("clears the step on a withdrawal but keeps the overall due date", () => {
    const c = new FakeCase(WorkingCalendar.official());
    c.send("ACCEPT", "2026-09-28");
    expect(c.send("WITHDRAW", "2026-09-30")).toEqual({
      stepDueOn: null,
      dueOn: "2026-10-23",
      provisional: false,
      stepStartedOn: null,
      overallStartedOn: "2026-09-28",
    });
  });

  it("starts the clock of an initial state that has a deadline when the case is opened", () => {
    const d = nextDeadlines({
      module: fakeModule,
      calendar: WorkingCalendar.official(),
      previous: NO_DEADLINES,
      fromState: "transferOut",
      toState: "transferOut",
      eventType: "CASE_OPENED",
      occurredOn: "2026-09-28",
      limitsFor: () => undefined,
    });
    expect(d).toMatchObject({ stepDueOn: "2026-10-16", stepStartedOn: "2026-09-28", dueOn: null });
  });

  it("is provisional when a date relies on 2027, and recomputeDeadlines firms it up after publishing", () => {
    const calendar = WorkingCalendar.official();
    const c = new FakeCase(calendar);
    // Mon 21 Dec 2026 + 10wd: … 31 Dec (8), [Fri 1 Jan 2027 by rule], 4 Jan (9), 5 Jan (10)
    const accepted = c.send("ACCEPT", "2026-12-21");
    expect(accepted).toEqual({
      stepDueOn: "2027-01-05",
      dueOn: "2027-01-12",
      provisional: true,
      stepStartedOn: "2026-12-21",
      overallStartedOn: "2026-12-21",
    });

    // A made-up 2027 schedule (test fixture): 1–4 Jan off.
    calendar.publish({ year: 2027, holidays: ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"], workdays: [] });
    expect(
      recomputeDeadlines({
        module: fakeModule,
        calendar,
        current: accepted,
        state: "transferOut",
        limitsFor: () => undefined,
      }),
    ).toEqual({
      stepDueOn: "2027-01-06",
      dueOn: "2027-01-13",
      provisional: false,
      stepStartedOn: "2026-12-21",
      overallStartedOn: "2026-12-21",
    });
  });

  it("keeps provisional for the overall date while a later step is firm", () => {
    const calendar = WorkingCalendar.official();
    const c = new FakeCase(calendar);
    c.send("ACCEPT", "2026-12-14"); // +15wd: … 31 Dec (13), [1 Jan 2027 by rule], 4 Jan (14), 5 Jan (15)
    expect(c.deadlines).toMatchObject({ stepDueOn: "2026-12-28", dueOn: "2027-01-05", provisional: true });
    const d = c.send("TRANSFER_OUT_DONE", "2026-12-15"); // step +5wd = 22 Dec, firm; overall kept, still provisional
    expect(d).toMatchObject({ stepDueOn: "2026-12-22", dueOn: "2027-01-05", provisional: true });
    const done = c.send("TRANSFER_IN_DONE", "2026-12-21");
    expect(done).toMatchObject({ stepDueOn: null, dueOn: "2027-01-05", provisional: true });
    // once 2027 is published, the kept overall date no longer relies on a rule year
    c.calendar.publish({ year: 2027, holidays: ["2027-01-01"], workdays: [] });
    expect(
      recomputeDeadlines({
        module: fakeModule,
        calendar: c.calendar,
        current: done,
        state: c.state,
        limitsFor: () => undefined,
      }),
    ).toMatchObject({
      dueOn: "2027-01-05",
      provisional: false,
    });
  });

  it("recomputes a final case's kept overall date and leaves its step empty", () => {
    const calendar = new WorkingCalendar([]);
    const current: CaseDeadlines = {
      stepDueOn: null,
      dueOn: "2026-10-19",
      provisional: true,
      stepStartedOn: null,
      overallStartedOn: "2026-09-28",
    };
    const official = WorkingCalendar.official();
    expect(
      recomputeDeadlines({
        module: fakeModule,
        calendar: official,
        current,
        state: "transferred",
        limitsFor: () => undefined,
      }),
    ).toEqual({
      stepDueOn: null,
      dueOn: "2026-10-23",
      provisional: false,
      stepStartedOn: null,
      overallStartedOn: "2026-09-28",
    });
    // rule-only calendar: 1–3 Oct by rule, no make-up Saturday → a different, provisional date
    expect(
      recomputeDeadlines({ module: fakeModule, calendar, current, state: "transferred", limitsFor: () => undefined }),
    ).toMatchObject({
      provisional: true,
    });
  });

  it("rejects an invalid occurredOn and unknown states", () => {
    const base = {
      module: fakeModule,
      calendar: WorkingCalendar.official(),
      previous: NO_DEADLINES,
      fromState: "applicationFiled",
      toState: "transferOut",
      eventType: "ACCEPT",
      limitsFor: () => undefined,
    };
    expect(() => nextDeadlines({ ...base, occurredOn: "2026-02-30" })).toThrow(CalendarError);
    expect(() => nextDeadlines({ ...base, toState: "nowhere", occurredOn: "2026-02-03" })).toThrow(
      /no metadata for state "nowhere"/,
    );
  });
});
