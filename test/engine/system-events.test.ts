// What the service itself records on a case (src/engine/systemEvents.ts): a system event bumps the
// version and is appended with seq = the new version, under the same version check as a staff
// event; a case read before another change (or a notice already recorded) is a conflict that
// writes nothing. No HTTP (test/support/engine.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordSystemEvent, type SystemEvent } from "../../src/engine/systemEvents.ts";
import { DEADLINE_MISSED } from "../../src/engine/types.ts";
import { startEngine, type CaseWithAgencies, type EngineHarness } from "../support/engine.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngine();
});
afterAll(async () => {
  await h?.close();
});

/** A medical transfer accepted on Mon 28 Sep 2026: its transfer-out step is due Fri 16 Oct (version 4). */
async function acceptedCase(): Promise<CaseWithAgencies> {
  const c = await h.open({ occurredOn: "2026-09-01" });
  const accepted = await h.walk(c.id, "transferOut", { on: "2026-09-28" });
  expect(accepted).toMatchObject({ version: 4, stepSeq: 4, stepDueOn: "2026-10-16", lastOccurredOn: "2026-09-28" });
  return accepted;
}

/** The sweeper's note that the step missed its due date (src/jobs/sweeper.ts). */
const missed = (c: CaseWithAgencies): SystemEvent => ({
  type: DEADLINE_MISSED,
  payload: { state: c.state, stepStartedOn: c.stepStartedOn, stepDueOn: c.stepDueOn },
  occurredOn: "2026-10-17",
  notice: { kind: "missed", stepSeq: c.stepSeq!, state: c.state, stepDueOn: c.stepDueOn! },
});

describe("a system event", () => {
  it("is recorded with seq = the new version, by nobody, without moving the case or its last act's date", async () => {
    const c = await acceptedCase();
    expect(await recordSystemEvent(h.ctx, c, missed(c))).toBe("recorded");

    expect(await h.read(c.id)).toMatchObject({
      state: "transferOut",
      version: 5,
      stepDueOn: "2026-10-16",
      dueOn: "2026-10-23",
      lastOccurredOn: "2026-09-28",
    });
    expect((await h.events(c.id))[4]).toEqual({
      seq: 5,
      type: "DEADLINE_MISSED",
      payload: { state: "transferOut", stepStartedOn: "2026-09-28", stepDueOn: "2026-10-16" },
      fromState: "transferOut",
      toState: "transferOut",
      actorKind: "system",
      actorId: null,
      actorName: null,
      occurredOn: "2026-10-17",
      stepDueOn: "2026-10-16",
      backdateReason: null,
    });
    expect(
      await h.db.deadlineNotice.findMany({ where: { caseId: c.id }, select: { kind: true, stepSeq: true } }),
    ).toEqual([{ kind: "missed", stepSeq: 4 }]);

    // Staff may still date their act before the note (it is not an act): transfer-out done on 9 Oct.
    const out = await h.advance(h.actors.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      occurredOn: "2026-10-09",
      transferredFen: 52_000,
    });
    expect(out).toMatchObject({ state: "transferIn", version: 6, lastOccurredOn: "2026-10-09" });
  });

  it("is a conflict, and writes nothing, when the case moved on since it was read", async () => {
    const c = await acceptedCase();
    await h.advance(h.actors.out, c.id, { type: "TRANSFER_OUT_DONE", transferredFen: 52_000 });
    expect(await recordSystemEvent(h.ctx, c, missed(c))).toBe("conflict");
    expect(await h.read(c.id)).toMatchObject({ state: "transferIn", version: 5 });
    expect((await h.events(c.id)).map((e) => e.type)).toEqual([
      "CASE_OPENED",
      "ISSUE_CERTIFICATE",
      "FILE_APPLICATION",
      "ACCEPT",
      "TRANSFER_OUT_DONE",
    ]);
    expect(await h.db.deadlineNotice.count({ where: { caseId: c.id } })).toBe(0);
  });

  it("is a conflict when its notice is recorded already (another node was first)", async () => {
    const c = await acceptedCase();
    expect(await recordSystemEvent(h.ctx, c, missed(c))).toBe("recorded");
    const now = await h.read(c.id);
    expect(await recordSystemEvent(h.ctx, now, missed(now))).toBe("conflict");
    expect(await h.read(c.id)).toMatchObject({ version: 5 });
    expect(await h.events(c.id)).toHaveLength(5);
  });
});
