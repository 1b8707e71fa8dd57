// The online flow of the medical transfer (version 2) on the official calendar: 10 working days
// for the transfer-out from the acceptance (the contact letter), 5 for the transfer-in from the
// transfer-out, 15 overall from the acceptance; across National Day 2026 and onto the make-up
// Saturday 10 Oct, in each of the three process time zones (this folder's projects).
import { describe, expect, it } from "vitest";
import { getMachine } from "../../machines/index.ts";
import {
  initialSnapshot,
  nextSnapshot,
  persist,
  type CaseEvent,
  type PersistedCaseSnapshot,
} from "../../machines/runtime.ts";
import { WorkingCalendar } from "../../src/calendar/index.ts";
import { NO_DEADLINES, nextDeadlines, type AgencyLimits, type CaseDeadlines } from "../../src/deadlines/index.ts";

const mod = getMachine("medicalTransfer", 2)!;
const form = { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 };

/** Drives the real machine as the engine does: state from the machine, deadlines from its metadata. */
function drive(events: CaseEvent[], limits: { transferOut?: AgencyLimits; transferIn?: AgencyLimits } = {}) {
  const calendar = WorkingCalendar.official();
  let snapshot: PersistedCaseSnapshot = persist(initialSnapshot(mod, { openedOn: "2026-09-01" }));
  const step = (d: CaseDeadlines, from: string, to: string, type: string, on: string) =>
    nextDeadlines({
      module: mod,
      calendar,
      previous: d,
      fromState: from,
      toState: to,
      eventType: type,
      occurredOn: on,
      limitsFor: (agency) => limits[agency],
    });
  let deadlines = step(NO_DEADLINES, "suspended", "suspended", "CASE_OPENED", "2026-09-01");
  const trail: Array<{ state: string } & CaseDeadlines> = [];
  for (const event of events) {
    const from = snapshot.value;
    const next = nextSnapshot(mod, snapshot, event);
    expect(next.changed, `${event.type} in ${from}`).toBe(true);
    snapshot = persist(next.snapshot);
    deadlines = step(deadlines, from, next.state, event.type, event.occurredOn);
    trail.push({ state: next.state, ...deadlines });
  }
  return { snapshot, trail };
}

const apply: CaseEvent = { type: "APPLY_ONLINE", occurredOn: "2026-09-25", applicant: "employer" };

describe("medicalTransfer v2, online flow: deadlines on the official calendar", () => {
  it("accepted on 28 Sep: transfer-out due Fri 16 Oct (National Day off, Sat 10 Oct worked), overall 23 Oct", () => {
    const { trail } = drive([
      apply,
      { type: "ACCEPT", occurredOn: "2026-09-28" },
      // the record form and a correction inside the step keep its clock
      { type: "ISSUE_RECORD_FORM", occurredOn: "2026-10-09", ...form },
      { type: "REISSUE_CERTIFICATE", occurredOn: "2026-10-12", accountBalanceFen: 120_000, reason: "余额更正" },
    ]);
    expect(trail[0]).toMatchObject({ state: "onlineApplicationFiled", stepDueOn: null, dueOn: null });
    for (const t of trail.slice(1)) {
      expect(t).toMatchObject({
        state: "onlineTransferOut",
        stepStartedOn: "2026-09-28",
        stepDueOn: "2026-10-16",
        overallStartedOn: "2026-09-28",
        dueOn: "2026-10-23",
        provisional: false,
      });
    }
  });

  it("transfer-out on 28 Sep: transfer-in due on the make-up Saturday 10 Oct", () => {
    const { trail, snapshot } = drive([
      { ...apply, occurredOn: "2026-09-21" },
      { type: "ACCEPT", occurredOn: "2026-09-22" },
      { type: "ISSUE_RECORD_FORM", occurredOn: "2026-09-24", ...form },
      { type: "TRANSFER_OUT_DONE", occurredOn: "2026-09-28", transferredFen: 123_456 },
      { type: "TRANSFER_IN_DONE", occurredOn: "2026-10-10" },
    ]);
    // 22 Sep + 10: 23, 24, [25 Mid-Autumn], 28, 29, 30, [1–7 Oct], 8, 9, Sat 10, 12, 13
    expect(trail[1]).toMatchObject({ state: "onlineTransferOut", stepDueOn: "2026-10-13", dueOn: "2026-10-20" });
    expect(trail[3]).toMatchObject({
      state: "transferIn",
      stepStartedOn: "2026-09-28",
      stepDueOn: "2026-10-10",
      dueOn: "2026-10-20",
    });
    expect(trail[4]).toMatchObject({ state: "transferred", stepDueOn: null, dueOn: "2026-10-20" });
    expect(snapshot.status).toBe("done");
    expect(snapshot.context).toMatchObject({ flow: "online", transferredFen: 123_456 });
  });

  it("an agency's shorter promise (8 + 7 is common) applies to the online transfer-out as to the paper one", () => {
    const { trail } = drive([apply, { type: "ACCEPT", occurredOn: "2026-09-28" }], {
      transferOut: { "medicalTransfer.transferOut": 8 },
    });
    expect(trail[1]).toMatchObject({ state: "onlineTransferOut", stepDueOn: "2026-10-14", dueOn: "2026-10-23" });
  });
});
