// Concurrency storms: many clients send conflicting events to the same cases at once, each
// intended action is sent several times concurrently and retried with the same Idempotency-Key,
// some with If-Match. Afterwards every action that was answered 2xx has exactly one event, no
// other event exists, every retry got the first answer, and the log replays clean.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import { isDeepStrictEqual } from "node:util";
import {
  ADMIN,
  client,
  createAgencies,
  createStaff,
  discard,
  runVerify,
  startService,
  tempDir,
} from "../support/server.ts";
import type { Reply, TestServer } from "../support/server.ts";
import { medicalCertificate, openBody, sendKeyed } from "../support/fixtures.ts";
import { makePeople, medicalEventBody, openMedical, openStore, type Api } from "../support/reliability.ts";
import { startTracedService } from "../support/inprocess.ts";
import { openCase } from "../../src/engine/openCase.ts";

// Real servers, real files, many requests: generous limits for a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const PASSWORD = "storm-password-1234";
const users = { fzA: "fz-a", fzB: "fz-b", xmA: "xm-a", xmB: "xm-b" } as const;
type User = keyof typeof users;

let server: TestServer;
let api: Api;
const token = {} as Record<User, string>;
const userIds = {} as Record<User, number>;
const people = makePeople(40, 31);

beforeAll(async () => {
  server = await startService({ dir: tempDir("tracker-storm-") });
  api = client(server.url);
  const admin = await api.login(ADMIN.username, ADMIN.password);
  await createAgencies(api, admin, ["FZ", "XM"]);
  for (const [k, username] of Object.entries(users) as [User, string][]) {
    userIds[k] = await createStaff(api, admin, {
      username,
      password: PASSWORD,
      agencyCode: username.slice(0, 2).toUpperCase(),
    });
    token[k] = await api.login(username, PASSWORD);
  }
});

afterAll(() => discard(server));

/** One intended action: who, what, and the key its retries carry (none: each 2xx is its own effect). */
interface Action {
  user: User;
  path: string;
  body: Record<string, unknown>;
  key?: string;
  ifMatch?: number;
  answers: Reply[];
}

async function sendAction(a: Action) {
  const r = await sendKeyed(api, token[a.user], a.path, a.body, a);
  a.answers.push(r);
  return r;
}

/** Sends every action `dup` times at once (duplicates race each other and the competing actions), then retries each once. */
async function storm(actions: Action[], dup: number) {
  await Promise.all(actions.flatMap((a) => Array.from({ length: a.key ? dup : 1 }, () => sendAction(a))));
  await Promise.all(actions.filter((a) => a.key).map((a) => sendAction(a)));
}

const ok = (r: Reply) => r.status >= 200 && r.status < 300;

describe("concurrency storms", () => {
  it("opens each case once per Idempotency-Key, even under concurrent duplicates", async () => {
    const opens: Action[] = people.slice(0, 16).map((insured, i) => ({
      user: (["fzA", "fzB", "xmA", "xmB"] as const)[i % 4],
      path: "/api/cases",
      body: openBody({ insured }),
      // the same key string for different users is a different action (keys are per user)
      key: `open-${Math.floor(i / 2)}`,
      answers: [],
    }));
    await storm(opens, 6);
    const store = openStore(server.databaseUrl);
    try {
      for (const a of opens) {
        expect(a.answers.map((r) => r.status)).toEqual(Array(a.answers.length).fill(201));
        expect(new Set(a.answers.map((r) => r.body.id)).size, `${a.user} ${a.key}`).toBe(1);
        expect(a.answers.every((r) => isDeepStrictEqual(r.body, a.answers[0].body))).toBe(true);
        expect(a.answers.filter((r) => r.headers.get("idempotent-replayed") === "true").length).toBe(
          a.answers.length - 1,
        );
      }
      const ids = new Set(opens.map((a) => a.answers[0].body.id));
      expect(ids.size).toBe(opens.length);
      expect(store.count("Case")).toBe(opens.length);
      expect(store.count("CaseEvent")).toBe(opens.length);
    } finally {
      store.close();
    }
  });

  it("records exactly one event per acknowledged action across conflicting events, duplicates, retries and If-Match", async () => {
    const cases = (await api.call("GET", "/api/cases?limit=200", { token: token.fzA })).body.items as {
      id: string;
      version: number;
    }[];
    expect(cases.length).toBe(16);
    const all: Action[] = [];
    const act = (
      caseId: string,
      user: User,
      type: string,
      tag: string,
      opts: { keyed?: boolean; ifMatch?: number; body?: Record<string, unknown> } = {},
    ): Action => {
      const a: Action = {
        user,
        path: `/api/cases/${caseId}/events`,
        body: opts.body ?? medicalEventBody(type),
        key: opts.keyed === false ? undefined : `${caseId}:${tag}`,
        ifMatch: opts.ifMatch,
        answers: [],
      };
      all.push(a);
      return a;
    };
    const version = async (caseId: string) =>
      (await api.call("GET", `/api/cases/${caseId}`, { token: token.fzA })).body.version as number;

    // Every case goes through the same rounds at the same time; in each round the competing
    // actions conflict (one state, several moves), and each is duplicated and retried.
    await Promise.all(
      cases.map(async (c, n) => {
        const withdrawer = n % 5 === 4; // a few cases are withdrawn mid-way
        await storm(
          [
            act(c.id, "fzA", "ISSUE_CERTIFICATE", "issue-a", {
              body: medicalCertificate({ contributionMonths: 10 }),
            }),
            act(c.id, "fzB", "ISSUE_CERTIFICATE", "issue-b", {
              body: medicalCertificate({ contributionMonths: 20 }),
            }),
          ],
          3,
        );
        await storm(
          [
            act(c.id, "xmA", "FILE_APPLICATION", "file-a"),
            act(c.id, "fzB", "FILE_APPLICATION", "file-b"),
            act(c.id, "fzA", "REISSUE_CERTIFICATE", "reissue-1"),
            act(c.id, "fzA", "REISSUE_CERTIFICATE", "unkeyed-reissue", { keyed: false }),
          ],
          3,
        );
        const v = await version(c.id);
        await storm(
          [
            act(c.id, "xmA", "ACCEPT", "accept-a", { ifMatch: v }),
            act(c.id, "xmB", "REFUSE", "refuse-b", { ifMatch: v }),
            ...(withdrawer ? [act(c.id, "fzB", "WITHDRAW", "withdraw-b", { ifMatch: v })] : []),
          ],
          4,
        );
        await storm(
          [
            act(c.id, "xmB", "FILE_APPLICATION", "refile-b"),
            act(c.id, "fzA", "TRANSFER_OUT_DONE", "out-done-a"),
            act(c.id, "fzB", "TRANSFER_OUT_DONE", "out-done-b"),
            act(c.id, "fzB", "REISSUE_CERTIFICATE", "reissue-2"),
          ],
          3,
        );
        await storm(
          [
            act(c.id, "xmA", "ACCEPT", "accept-again-a"),
            act(c.id, "xmB", "TRANSFER_IN_DONE", "in-done-b"),
            act(c.id, "xmA", "WITHDRAW", "withdraw-a"),
          ],
          3,
        );
        await storm(
          [act(c.id, "fzA", "TRANSFER_OUT_DONE", "out-done-late"), act(c.id, "xmA", "TRANSFER_IN_DONE", "in-done-a")],
          3,
        );
        await storm([act(c.id, "xmB", "TRANSFER_IN_DONE", "in-done-last")], 5);
      }),
    );

    // Every answer is an acknowledgement or a refusal because of the race; never an error.
    const statuses = new Map<number, number>();
    for (const a of all) for (const r of a.answers) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    for (const a of all)
      for (const r of a.answers)
        expect([200, 409, 412], `${a.body.type}: ${JSON.stringify(r.body)}`).toContain(r.status);
    expect(statuses.get(200)).toBeGreaterThan(50);
    expect(statuses.get(409)).toBeGreaterThan(50);
    expect(statuses.get(412)).toBeGreaterThan(0);

    const store = openStore(server.databaseUrl);
    try {
      const eventsOf = store.db.prepare(
        'SELECT seq, type, payload, actorName FROM "CaseEvent" WHERE caseId = ? ORDER BY seq',
      );
      let keyedSuccesses = 0;
      for (const c of cases) {
        const events = eventsOf.all(c.id) as { seq: number; type: string; payload: string; actorName: string }[];
        const mine = all.filter((a) => a.path.includes(c.id));
        const seqs: number[] = [];
        for (const a of mine) {
          const acks = a.answers.filter(ok);
          if (a.key) {
            if (acks.length === 0) continue;
            keyedSuccesses++;
            // every acknowledgement of one action is the same answer: the first one, replayed
            for (const r of acks) expect(r.body, `${a.key}`).toEqual(acks[0].body);
            seqs.push(acks[0].body.version);
          } else {
            seqs.push(...acks.map((r) => r.body.version));
          }
          for (const r of acks.slice(0, 1)) {
            const e = events.find((x) => x.seq === r.body.version);
            expect(e, `event ${r.body.version} of ${a.key ?? "an unkeyed action"}`).toBeDefined();
            const { type, ...payload } = a.body;
            expect(e).toMatchObject({ type, actorName: users[a.user] });
            expect(JSON.parse(e!.payload)).toEqual(payload);
          }
        }
        // one event per acknowledged action, each at its own seq, and nothing else
        expect(new Set(seqs).size, `case ${c.id}`).toBe(seqs.length);
        expect(events.length - 1, `case ${c.id}: events besides CASE_OPENED`).toBe(seqs.length);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      }
      // stored idempotency keys: the 16 opens and one per acknowledged keyed event
      expect(store.count("IdempotencyKey")).toBe(16 + keyedSuccesses);
      process.stdout.write(
        `storm: ${all.length} actions, ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}, ${keyedSuccesses} keyed actions acknowledged\n`,
      );
    } finally {
      store.close();
    }

    const v = await runVerify(server.databaseUrl);
    expect(v.stdout).toMatch(/verify: 16 cases replayed, 0 mismatched/);
    expect(v.code).toBe(0);
  });

  it("refuses a key reused for a different request, without effect", async () => {
    const [a, b] = [await openMedical(api, token.fzA, people[20]), await openMedical(api, token.fzA, people[21])];
    for (const c of [a, b])
      expect(
        (
          await api.call("POST", `/api/cases/${c.id}/events`, {
            token: token.fzA,
            body: medicalEventBody("ISSUE_CERTIFICATE"),
          })
        ).status,
      ).toBe(200);
    const first = await api.call("POST", `/api/cases/${a.id}/events`, {
      token: token.fzA,
      body: { type: "REISSUE_CERTIFICATE" },
      headers: { "Idempotency-Key": "reused-elsewhere" },
    });
    expect(first.status).toBe(200);
    // (background jobs run in this service: compare only what requests write)
    const store = openStore(server.databaseUrl, { only: ["Case", "CaseEvent", "IdempotencyKey", "Agency", "User"] });
    try {
      const before = store.fingerprint();
      for (const [path, body] of [
        [`/api/cases/${b.id}/events`, { type: "REISSUE_CERTIFICATE" }],
        [`/api/cases/${a.id}/events`, { type: "WITHDRAW", reason: "other request" }],
        ["/api/cases", openBody({ insured: people[30] })],
      ] as const) {
        const r = await api.call("POST", path, {
          token: token.fzA,
          body,
          headers: { "Idempotency-Key": "reused-elsewhere" },
        });
        expect(r.status).toBe(422);
        expect(r.body.type).toBe("/problems/idempotency-key-reused");
      }
      // …while the same request with that key is still answered with the first response
      const again = await api.call("POST", `/api/cases/${a.id}/events`, {
        token: token.fzA,
        body: { type: "REISSUE_CERTIFICATE" },
        headers: { "Idempotency-Key": "reused-elsewhere" },
      });
      expect(again.body).toEqual(first.body);
      expect(store.fingerprint()).toBe(before);
    } finally {
      store.close();
    }
  });
});

describe("the engine under concurrent duplicates (in-process, below the API's per-node queue)", () => {
  it("answers a concurrent duplicate open with 409 so the caller replays it, never a database error", async () => {
    const dir = tempDir("tracker-storm-");
    const traced = await startTracedService(dir);
    try {
      const db = traced.ctx.db;
      const fz = await db.agency.create({ data: { code: "FZ", name: "福州", region: "350100" } });
      await db.agency.create({ data: { code: "XM", name: "厦门", region: "350200" } });
      const u = await db.user.create({
        data: { username: "engine-clerk", passwordHash: "-", role: "staff", agencyId: fz.id },
      });
      const actor = { kind: "staff" as const, userId: u.id, username: u.username, agencyId: fz.id };
      for (let round = 0; round < 5; round++) {
        const idem = {
          scope: `user:${u.id}`,
          key: `engine-${round}`,
          fingerprint: "same",
          respond: (c: { id: string }) => ({ status: 201, body: { id: c.id } }),
        };
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () =>
            openCase(
              traced.ctx,
              actor,
              { type: "medicalTransfer", insured: people[35 + round], fromAgency: "FZ", toAgency: "XM" },
              idem,
            ),
          ),
        );
        const fulfilled = results.filter((r) => r.status === "fulfilled");
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
        expect(fulfilled).toHaveLength(1);
        for (const r of rejected) expect(r.reason).toMatchObject({ status: 409 });
      }
      expect(await db.case.count()).toBe(5);
    } finally {
      await traced.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
