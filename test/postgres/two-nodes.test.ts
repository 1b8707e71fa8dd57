// Two server processes on one PostgreSQL database, driven with conflicting and duplicate
// requests through both: zero lost updates, zero duplicate events, a clean replay, and the
// background work (deadline sweeps, webhook deliveries) done once per item across the nodes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import {
  client,
  freshPerson,
  runVerify,
  setUpAgencies,
  startService,
  tempDir,
  testDatabase,
  type TestServer,
} from "../support/server.ts";
import { medicalCertificate } from "../support/fixtures.ts";

let a: TestServer;
let b: TestServer;
let apiA: ReturnType<typeof client>;
let apiB: ReturnType<typeof client>;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;
let hook: http.Server;
const received: { delivery: string; body: any }[] = [];

// Both nodes believe it is 12 Oct 2026, so deadlines set in September have passed.
// the webhook receiver is on loopback, which is refused unless allowed
const env = {
  TRACKER_TODAY: "2026-10-12",
  SWEEP_INTERVAL_MS: "300",
  WEBHOOK_POLL_MS: "100",
  WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8",
};

beforeAll(async () => {
  expect(testDatabase).toBe("postgresql");
  hook = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      received.push({ delivery: String(req.headers["x-tracker-delivery"]), body: JSON.parse(body) });
      res.end("ok");
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  const dir = tempDir();
  a = await startService({ dir, env });
  b = await startService({ dir, env });
  expect(b.databaseUrl).toBe(a.databaseUrl);
  expect(a.databaseUrl).toMatch(/^postgresql:/);
  apiA = client(a.url);
  apiB = client(b.url);
  tokens = await setUpAgencies(apiA);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  hook?.close();
});

async function query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: a.databaseUrl });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const certificate = (months: number) =>
  medicalCertificate({ contributionMonths: months, accountBalanceFen: 10_000, occurredOn: "2026-09-02" });

describe("two nodes on one PostgreSQL database", () => {
  it("accept each other's tokens and keep every guarantee under conflicting and duplicate requests", async () => {
    // A token issued by node A works on node B.
    expect((await apiB.call("GET", "/api/me", { token: tokens.out })).status).toBe(200);
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const w = await apiB.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: { url: hookUrl, secret: "a-secret-of-enough-length", events: ["case.state_changed", "deadline.missed"] },
    });
    expect(w.status, JSON.stringify(w.body)).toBe(201);

    const cases: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await (i % 2 ? apiA : apiB).call("POST", "/api/cases", {
        token: tokens.out,
        body: {
          type: "medicalTransfer",
          insured: freshPerson(), // one open case of a kind per person
          fromAgency: "FZ",
          toAgency: "XM",
          occurredOn: "2026-09-01",
        },
      });
      expect(r.status).toBe(201);
      cases.push(r.body.id);
    }

    // Conflicting certificates, half through each node: one wins per case.
    const conflicting = await Promise.all(
      cases.flatMap((id) =>
        Array.from({ length: 6 }, (_, k) =>
          (k % 2 ? apiA : apiB).call("POST", `/api/cases/${id}/events`, {
            token: tokens.out,
            body: certificate(k + 1),
          }),
        ),
      ),
    );
    expect(conflicting.filter((r) => r.status === 200)).toHaveLength(cases.length);
    expect(conflicting.every((r) => r.status === 200 || r.status === 409)).toBe(true);

    // The same request (same Idempotency-Key) sent to both nodes at once: one effect, one answer.
    const filing = { type: "FILE_APPLICATION", channel: "online", applicant: "employer", occurredOn: "2026-09-03" };
    const duplicates = await Promise.all(
      cases.flatMap((id) =>
        Array.from({ length: 4 }, (_, k) =>
          (k % 2 ? apiA : apiB).call("POST", `/api/cases/${id}/events`, {
            token: tokens.in,
            body: filing,
            headers: { "Idempotency-Key": `file-${id}` },
          }),
        ),
      ),
    );
    expect(duplicates.every((r) => r.status === 200)).toBe(true);
    for (const id of cases) {
      const answers = duplicates.filter((r) => r.body.id === id);
      expect(new Set(answers.map((r) => r.body.version))).toEqual(new Set([3]));
    }

    // A stale If-Match through the other node: 412.
    const stale = await apiA.call("POST", `/api/cases/${cases[0]}/events`, {
      token: tokens.in,
      body: { type: "ACCEPT", occurredOn: "2026-09-04" },
      headers: { "If-Match": '"2"' },
    });
    expect(stale.status).toBe(412);

    // Accept every case on 4 Sep: the 10-working-day transfer-out step is due 18 Sep, long past
    // "today" (12 Oct) for both nodes' sweepers.
    for (const [i, id] of cases.entries()) {
      const r = await (i % 2 ? apiA : apiB).call("POST", `/api/cases/${id}/events`, {
        token: tokens.in,
        body: { type: "ACCEPT", occurredOn: "2026-09-04" },
      });
      expect(r.status).toBe(200);
    }

    // Both sweepers run every 300 ms; each missed step is recorded once.
    await new Promise((r) => setTimeout(r, 3_000));
    const events = await query<{ caseId: string; seq: number; type: string }>(
      `SELECT "caseId", "seq", "type" FROM "CaseEvent" WHERE "caseId" = ANY($1) ORDER BY "caseId", "seq"`,
      [cases],
    );
    for (const id of cases) {
      expect(events.filter((e) => e.caseId === id).map((e) => e.type)).toEqual([
        "CASE_OPENED",
        "ISSUE_CERTIFICATE",
        "FILE_APPLICATION",
        "ACCEPT",
        "DEADLINE_MISSED",
      ]);
    }

    // Every notification reached the receiver once per delivery id, though two workers poll.
    const delivered = () => query<{ id: string }>(`SELECT "id" FROM "WebhookDelivery" WHERE "status" = 'delivered'`);
    const deadline = Date.now() + 30_000;
    while ((await delivered()).length < cases.length * 5 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const deliveries = await delivered();
    expect(deliveries.length).toBeGreaterThanOrEqual(cases.length * 5);
    const ids = received.map((r) => r.delivery);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(deliveries.map((d) => d.id)));

    const verify = await runVerify(a.databaseUrl);
    expect(verify.stdout).toMatch(/0 mismatched/);
    expect(verify.code).toBe(0);
  });
});
