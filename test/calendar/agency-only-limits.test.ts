// Agency-only step limits (LimitSpec.agencyOnly, issue 16): a step with no national limit, such as
// the medical eligibility check, has a due date only when the agency promises one in its limits.
import { describe, expect, it } from "vitest";
import { createMachine } from "xstate";
import { z } from "zod";
import type { CaseMachineModule, StateMeta } from "../../machines/types.ts";
import { WorkingCalendar } from "../../src/calendar/index.ts";
import {
  applicableLimit,
  effectiveLimit,
  NO_DEADLINES,
  nextDeadlines,
  recomputeDeadlines,
  validateAgencyLimits,
} from "../../src/deadlines/index.ts";

const review = { key: "fake.review", nationalMaxDays: 60, agency: "transferIn", agencyOnly: true } as const;
const label = (en: string) => ({ zh: en, en });
const states: Record<string, StateMeta> = {
  certificateIssued: { side: "insured", step: 1, label: label("certificate") },
  applicationFiled: { side: "transferIn", step: 2, label: label("review"), deadline: review },
  done: { side: "none", step: 3, outcome: "completed", label: label("done") },
};
const mod: CaseMachineModule = {
  type: "fake",
  version: 1,
  machine: createMachine({
    id: "fake",
    initial: "certificateIssued",
    states: {
      certificateIssued: { on: { FILE_APPLICATION: "applicationFiled" } },
      applicationFiled: { on: { ACCEPT: "done" } },
      done: { type: "final" },
    },
  }),
  events: {
    FILE_APPLICATION: { payload: z.object({}), recordedBy: ["transferIn"], label: label("file") },
    ACCEPT: { payload: z.object({}), recordedBy: ["transferIn"], label: label("accept") },
  },
  states,
  steps: 3,
};
const calendar = WorkingCalendar.official();
const filed = (limits: Record<string, number>) =>
  nextDeadlines({
    module: mod,
    calendar,
    previous: NO_DEADLINES,
    fromState: "certificateIssued",
    toState: "applicationFiled",
    eventType: "FILE_APPLICATION",
    occurredOn: "2026-09-01",
    limitsFor: () => limits,
  });

describe("agency-only limits", () => {
  it("no due date unless the agency sets the key", () => {
    expect(applicableLimit(review, {})).toBeNull();
    expect(applicableLimit(review, { "fake.review": 0 })).toBeNull();
    expect(filed({})).toEqual(NO_DEADLINES);
  });

  it("the agency's promise gives the step a due date in working days", () => {
    expect(applicableLimit(review, { "fake.review": 5 })).toBe(5);
    // 1 Sep 2026 + 5 working days = 8 Sep (Tuesday to Tuesday)
    expect(filed({ "fake.review": 5 })).toMatchObject({ stepStartedOn: "2026-09-01", stepDueOn: "2026-09-08" });
    expect(
      recomputeDeadlines({
        module: mod,
        calendar,
        current: filed({ "fake.review": 5 }),
        state: "applicationFiled",
        limitsFor: () => ({}),
      }),
    ).toMatchObject({ stepDueOn: null });
  });

  it("statutory limits are unchanged: without a setting the national ceiling applies", () => {
    const statutory = { key: "fake.out", nationalMaxDays: 10, agency: "transferOut" } as const;
    expect(applicableLimit(statutory, {})).toBe(10);
    expect(effectiveLimit(statutory, {})).toBe(10);
  });

  it("the setting is validated like the others (at most nationalMaxDays)", () => {
    expect(validateAgencyLimits({ "fake.review": 8 }, [review])).toEqual({ ok: true, value: { "fake.review": 8 } });
    expect(validateAgencyLimits({ "fake.review": 61 }, [review]).ok).toBe(false);
  });
});
