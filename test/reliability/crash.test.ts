// Crashes: the service is killed with SIGKILL in the middle of sustained load, several times,
// and restarted on the same database. Every action carries an Idempotency-Key; an action whose
// answer was lost in the crash is retried with its key after the restart, as a client would.
// After each crash: SQLite's integrity check is ok, every case replays through its machine,
// every acknowledged write is there with the same seq and type, and nothing is half-written
// (idempotency records and events agree). At the end: exactly one event per action.
import { afterAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import {
  ADMIN,
  client,
  createAgencies,
  freshPerson,
  createStaff,
  runVerify,
  startService,
  tempDir,
} from "../support/server.ts";
import type { Reply, TestServer } from "../support/server.ts";
import { openBody, sendKeyed } from "../support/fixtures.ts";
import { checkFile, dbFile, makePeople, medicalEventBody, openStore, sleep, type Api } from "../support/reliability.ts";

// Real servers, real files, many requests: generous limits for a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const KILLS = 4;
const WORKERS = 6;
const PASSWORD = "crash-password-1234";
// Background jobs stay on (as in production), polling often so that they write during the load too.
const env = { SWEEP_INTERVAL_MS: "300", WEBHOOK_POLL_MS: "50" };

let server: TestServer | undefined;
const dir = tempDir("tracker-crash-");

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Action {
  token: "fz" | "xm";
  path: string;
  body: Record<string, unknown>;
  key: string;
  ifMatch?: number;
  worker: number;
}

interface Ack {
  caseId: string;
  seq: number;
  type: string;
}

/** The next move of a case a worker owns, by state; a final case makes the worker open a new one. */
function nextMove(state: string, n: number): { type: string; token: "fz" | "xm" } | undefined {
  switch (state) {
    case "suspended":
      return { type: "ISSUE_CERTIFICATE", token: "fz" };
    case "certificateIssued":
      return n % 3 === 0
        ? { type: "REISSUE_CERTIFICATE", token: "fz" }
        : { type: "FILE_APPLICATION", token: n % 2 ? "fz" : "xm" };
    case "applicationFiled":
      return [
        { type: "ACCEPT", token: "xm" },
        { type: "REFUSE", token: "xm" },
        { type: "REISSUE_CERTIFICATE", token: "fz" },
      ][n % 3] as { type: string; token: "fz" | "xm" };
    case "refused":
      return { type: "FILE_APPLICATION", token: "xm" };
    case "transferOut":
      return { type: "TRANSFER_OUT_DONE", token: "fz" };
    case "transferIn":
      return { type: "TRANSFER_IN_DONE", token: "xm" };
    default:
      return undefined;
  }
}

describe("crash under load", () => {
  it(`loses no acknowledged write and half-writes nothing across ${KILLS} SIGKILLs`, async () => {
    server = await startService({ dir, env });
    let api: Api = client(server.url);
    const admin = await api.login(ADMIN.username, ADMIN.password);
    await createAgencies(api, admin, ["FZ", "XM"]);
    await createStaff(api, admin, { username: "fz-crash", password: PASSWORD, agencyCode: "FZ" });
    await createStaff(api, admin, { username: "xm-crash", password: PASSWORD, agencyCode: "XM" });
    // Tokens survive restarts (the signing secret is in the database).
    const tokens = { fz: await api.login("fz-crash", PASSWORD), xm: await api.login("xm-crash", PASSWORD) };
    const people = makePeople(400, 41);

    const acked: Ack[] = [];
    const ackedOpens = new Set<string>();
    const owned: ({ caseId: string; version: number; state: string } | undefined)[] = Array(WORKERS).fill(undefined);
    let pending: Action[] = [];
    let serial = 0;
    const unexpected: string[] = [];

    const send = (a: Action): Promise<Reply> => sendKeyed(api, tokens[a.token], a.path, a.body, a);

    /** Records a definite answer; false if it was not an acknowledgement. */
    function settle(a: Action, r: Reply): boolean {
      if (r.status === 201) {
        ackedOpens.add(r.body.id);
        acked.push({ caseId: r.body.id, seq: 1, type: "CASE_OPENED" });
        owned[a.worker] = { caseId: r.body.id, version: r.body.version, state: r.body.state };
        return true;
      }
      if (r.status === 200) {
        acked.push({ caseId: r.body.id, seq: r.body.version, type: a.body.type as string });
        owned[a.worker] = { caseId: r.body.id, version: r.body.version, state: r.body.state };
        return true;
      }
      unexpected.push(`${a.body.type} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      owned[a.worker] = undefined; // resynchronise on the next turn
      return false;
    }

    async function worker(w: number, stop: { now: boolean }) {
      for (let n = 0; n < 5_000 && !stop.now; n++) {
        const mine = owned[w];
        const move = mine && nextMove(mine.state, n + w);
        const a: Action = move
          ? {
              worker: w,
              token: move.token,
              path: `/api/cases/${mine.caseId}/events`,
              body: medicalEventBody(move.type),
              key: `w${w}-${++serial}`,
              ifMatch: mine.version,
            }
          : {
              worker: w,
              token: "fz",
              path: "/api/cases",
              body: openBody({ insured: freshPerson(people[serial % people.length].name) }), // one open case of a kind per person
              key: `w${w}-${++serial}`,
            };
        let r: Reply;
        try {
          r = await send(a);
        } catch {
          pending.push(a); // the answer was lost: the outcome is unknown until the retry
          return;
        }
        settle(a, r);
      }
    }

    const store = () => openStore(server!.databaseUrl, { only: ["Case", "CaseEvent", "IdempotencyKey"] });
    function expectAcknowledgedPresent() {
      const s = store();
      try {
        const get = s.db.prepare('SELECT type FROM "CaseEvent" WHERE caseId = ? AND seq = ?');
        for (const a of acked)
          expect((get.get(a.caseId, a.seq) as { type: string } | undefined)?.type, `${a.caseId} #${a.seq}`).toBe(
            a.type,
          );
      } finally {
        s.close();
      }
    }

    for (let kill = 1; kill <= KILLS; kill++) {
      const before = acked.length;
      const stop = { now: false };
      const loops = Array.from({ length: WORKERS }, (_, w) => worker(w, stop));
      // Kill in the middle of the load: once it is well under way (at least 30 more acknowledged
      // writes, however slow the machine), after a random extra moment.
      for (const t0 = Date.now(); acked.length - before < 30 && Date.now() - t0 < 20_000;) await sleep(20);
      await sleep(Math.floor(Math.random() * 500));
      const t = Date.now();
      await server.stop("SIGKILL");
      stop.now = true;
      await Promise.all(loops);
      expect(acked.length - before, `acknowledged writes before kill ${kill}`).toBeGreaterThanOrEqual(30);
      expect(Date.now() - t).toBeLessThan(10_000);

      // The file exactly as the crash left it: SQLite recovers its WAL and finds nothing broken.
      const file = dbFile(server.databaseUrl);
      expect(checkFile(file)).toEqual({ integrity: "ok", foreignKeyViolations: 0 });
      const v = await runVerify(server.databaseUrl);
      expect(v.stdout, `verify after kill ${kill}`).toMatch(/ 0 mismatched/);
      expect(v.code).toBe(0);
      expectAcknowledgedPresent();

      server = await startService({ dir, env });
      api = client(server.url);
      // What the crash left unanswered is retried with the same key: done once, whether or not it
      // had committed before the kill.
      const retry = pending;
      pending = [];
      for (const a of retry) {
        const r = await send(a);
        expect(
          settle(a, r),
          `retry of ${a.body.type} (${a.key}) → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
        ).toBe(true);
      }
      expectAcknowledgedPresent();
      // Nothing half-written: every stored idempotent answer points at an event that exists.
      const s = store();
      try {
        const keys = s.db.prepare('SELECT status, body FROM "IdempotencyKey"').all() as {
          status: number;
          body: string;
        }[];
        const event = s.db.prepare('SELECT count(*) AS n FROM "CaseEvent" WHERE caseId = ? AND seq = ?');
        for (const k of keys) {
          const b = JSON.parse(k.body);
          expect(
            (event.get(b.id, b.version) as { n: number }).n,
            `stored answer ${k.status} for ${b.id} v${b.version}`,
          ).toBe(1);
        }
      } finally {
        s.close();
      }
    }

    expect(unexpected, "no refusal: each worker owns its cases").toEqual([]);
    await server.stop();
    const file = dbFile(server.databaseUrl);
    expect(checkFile(file)).toEqual({ integrity: "ok", foreignKeyViolations: 0 });
    const v = await runVerify(server.databaseUrl);
    expect(v.stdout).toMatch(new RegExp(`verify: ${ackedOpens.size} cases replayed, 0 mismatched`));

    // Exactly once: every action was keyed and every unknown outcome retried, so the database
    // holds exactly the acknowledged events: no more (a retried action applied twice), no fewer.
    const s = openStore(server.databaseUrl, { only: ["Case", "CaseEvent"] });
    try {
      const stored = s.db.prepare('SELECT caseId, seq, type FROM "CaseEvent" ORDER BY caseId, seq').all() as Ack[];
      const key = (a: Ack) => `${a.caseId}#${a.seq}#${a.type}`;
      expect(new Set(acked.map(key)).size).toBe(acked.length);
      expect(stored.map(key).sort()).toEqual(acked.map(key).sort());
      expect(s.count("Case")).toBe(ackedOpens.size);
      process.stdout.write(
        `crash: ${KILLS} kills, ${acked.length} acknowledged writes (${ackedOpens.size} cases), all present once\n`,
      );
    } finally {
      s.close();
    }
  }, 180_000);
});
