// "Once per step": concurrent sweeps in one process, and two service nodes on one database,
// record one DEADLINE_MISSED per step instance — enforced by the database, not by timing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVerify, type TestServer } from "../support/server.ts";
import { advance, eventsOf, medicalInTransferOut, restart, startWithAgencies, waitFor } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { engineContext } from "../support/inprocess.ts";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { sweepDeadlines } from "../../src/jobs/sweeper.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

let server: TestServer, api: Api, tokens: Tokens;
const dueEarly: string[] = []; // accepted 28 Sep: due 16 Oct
const dueLate: string[] = []; // accepted 20 Oct: due 3 Nov

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({ TRACKER_TODAY: "2026-10-30", JOBS: "off" }));
  for (let i = 0; i < 4; i++) {
    const insured = { name: `测试${i}`, idNumber: makeTestIdNumber("350102", "19800101", String(100 + i)) };
    dueEarly.push(
      (await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-28" }, insured)).id,
    );
    // another person: one open case of a kind per person (docs/parties.md)
    const other = { name: `测试${i}`, idNumber: makeTestIdNumber("350102", "19800102", String(100 + i)) };
    dueLate.push(
      (await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-10-20" }, other)).id,
    );
  }
  await server.stop();
});

afterAll(() => server?.stop());

async function missedCount(db: Db, caseId: string) {
  return db.caseEvent.count({ where: { caseId, type: "DEADLINE_MISSED" } });
}

describe("the sweeper", () => {
  it("records one miss per step when sweeps run concurrently in one process", async () => {
    const db = await openDatabase(server.databaseUrl);
    try {
      const ctx = await engineContext(db, "2026-10-30");
      const results = await Promise.all(
        Array.from({ length: 4 }, () => sweepDeadlines(ctx, { dueSoonWorkingDays: 3, batchSize: 2 })),
      );
      expect(results.reduce((n, r) => n + r.missed, 0)).toBe(dueEarly.length);
      // 3 Nov is within 3 working days of Fri 30 Oct: each late case is "due soon", once.
      expect(results.reduce((n, r) => n + r.approaching, 0)).toBe(dueLate.length);
      for (const id of dueEarly) expect(await missedCount(db, id)).toBe(1);
      for (const id of dueLate) expect(await missedCount(db, id)).toBe(0);
      expect(await db.deadlineNotice.count({ where: { kind: "approaching" } })).toBe(dueLate.length);
      expect(await db.outboxMessage.count({ where: { kind: "deadline.missed" } })).toBe(dueEarly.length);
      expect(await db.outboxMessage.count({ where: { kind: "deadline.approaching" } })).toBe(dueLate.length);

      // Run again: nothing new.
      const again = await sweepDeadlines(ctx, { dueSoonWorkingDays: 3 });
      expect(again).toEqual({ missed: 0, approaching: 0 });
    } finally {
      await db.$disconnect();
    }
  });

  it("records one miss per step when two processes sweep the same database", async () => {
    // The service (sweeping every 150 ms) and this process (sweeping back to back) race on the
    // same SQLite file. (Two service processes cannot share one file while starting: prisma
    // migrate deploy takes it exclusively.)
    ({ server, api } = await restart(server, { TRACKER_TODAY: "2026-11-10", SWEEP_INTERVAL_MS: "150" }));
    const db = await openDatabase(server.databaseUrl);
    try {
      const ctx = await engineContext(db, "2026-11-10");
      let mine = 0;
      let racing = true;
      const loop = (async () => {
        while (racing) {
          mine += (await sweepDeadlines(ctx, { dueSoonWorkingDays: 3, batchSize: 1 })).missed;
          await new Promise((res) => setImmediate(res));
        }
      })();
      try {
        // New overdue steps appear while both sweep: transfer-out done on 20 Oct, transfer-in due 27 Oct.
        for (const id of dueEarly)
          await advance(api, tokens.out, id, {
            type: "TRANSFER_OUT_DONE",
            occurredOn: "2026-10-20",
            transferredFen: 10_000,
          });
        await waitFor(
          "the new misses noted",
          async () =>
            (await db.caseEvent.count({ where: { type: "DEADLINE_MISSED", toState: "transferIn" } })) ===
            dueEarly.length,
        );
        await new Promise((res) => setTimeout(res, 1000)); // more sweeps on both sides
      } finally {
        racing = false;
        await loop;
      }
      expect(mine).toBeLessThanOrEqual(dueEarly.length + dueLate.length);
      // One note per step instance: the early cases missed transfer-out (30 Oct) and transfer-in now.
      for (const id of dueEarly) expect(await missedCount(db, id)).toBe(2);
      for (const id of dueLate) expect(await missedCount(db, id)).toBe(1);
      expect(await db.deadlineNotice.count({ where: { kind: "missed" } })).toBe(2 * dueEarly.length + dueLate.length);
    } finally {
      await db.$disconnect();
    }
    // Staff events after the system notes go through as usual.
    const c = await advance(api, tokens.out, dueLate[0], {
      type: "TRANSFER_OUT_DONE",
      occurredOn: "2026-11-09",
      transferredFen: 10_000,
    });
    expect(c).toMatchObject({ state: "transferIn", overdue: false });
    const log = await eventsOf(api, tokens.in, dueLate[0]);
    expect(log.map((e) => e.type)).toEqual([
      "CASE_OPENED",
      "ISSUE_CERTIFICATE",
      "FILE_APPLICATION",
      "ACCEPT",
      "DEADLINE_MISSED",
      "TRANSFER_OUT_DONE",
    ]);
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    await server.stop();
    const verify = await runVerify(server.databaseUrl);
    expect(verify.stdout).toMatch(/8 cases replayed, 0 mismatched/);
    expect(verify.code).toBe(0);
  });
});
