// Security review #22, rows 1, 2, 9 and 11, against the real service:
//  1. webhook destinations: refused addresses at registration (every spelling of loopback, the
//     metadata address, private ranges), the address check on resolved addresses (unit tests:
//     never a connection to anything but loopback), and a name resolving to loopback refused at
//     connect time with nothing sent;
//  2. a slow receiver does not delay another webhook's deliveries;
//  9. retention: delivered notifications and old idempotency records purged, once per cluster;
//     webhooks can be deleted;
// 11. /metrics only for local clients or with METRICS_TOKEN; case_events_recorded_total counts
//     the events committed.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { LookupAddress } from "node:dns";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  client,
  freshPerson,
  person,
  setUpAgencies,
  startService,
  tempDir,
  type TestServer,
} from "../support/server.ts";
import { dbFile, expectProblem, makePeople } from "../support/reliability.ts";
import { medicalInTransferOut, waitFor } from "../deadlines-acting/helpers.ts";
import {
  addressAllowed,
  isDestinationNotAllowed,
  literalHostRefused,
  parseNetworks,
  pinnedLookup,
} from "../../src/notifications/destinations.ts";
import { metricsAllowed } from "../../src/api/metrics.ts";
import { openDatabase } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLogger } from "../../src/log.ts";
import { Purger, PURGE_LEASE_KEY } from "../../src/jobs/purge.ts";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const servers: TestServer[] = [];
const receivers: http.Server[] = [];
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  for (const r of receivers) {
    r.closeAllConnections();
    await new Promise((resolve) => r.close(resolve));
  }
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function service(env: Record<string, string>) {
  const dir = tempDir("tracker-hooks-");
  dirs.push(dir);
  const server = await startService({ dir, env });
  servers.push(server);
  const api = client(server.url);
  return { server, api, tokens: await setUpAgencies(api) };
}

interface Hit {
  path: string;
  body: string;
  at: number;
}

/** A loopback receiver; `hold(path)` is how long it waits before answering 200. */
async function receiver(hold: (path: string) => number = () => 0) {
  const hits: Hit[] = [];
  const state = {
    open: new Map<string, number>(),
    maxOpen: new Map<string, number>(),
    answered: new Map<string, number>(),
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const p = req.url ?? "";
      hits.push({ path: p, body, at: Date.now() });
      state.open.set(p, (state.open.get(p) ?? 0) + 1);
      state.maxOpen.set(p, Math.max(state.maxOpen.get(p) ?? 0, state.open.get(p)!));
      const done = () => {
        state.open.set(p, state.open.get(p)! - 1);
        state.answered.set(p, (state.answered.get(p) ?? 0) + 1);
      };
      const timer = setTimeout(() => {
        done();
        res.writeHead(200).end("ok");
      }, hold(p));
      res.on("close", () => {
        if (!res.writableFinished) {
          clearTimeout(timer);
          state.open.set(p, state.open.get(p)! - 1);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receivers.push(server);
  return { hits, state, port: (server.address() as AddressInfo).port };
}

const open = (api: ReturnType<typeof client>, token: string, insured = freshPerson()) =>
  api.call("POST", "/api/cases", {
    token,
    body: { type: "medicalTransfer", insured, fromAgency: "FZ", toAgency: "XM" },
  });

// ------------------------------------------------------------------ row 1

describe("webhook destinations (#22 row 1)", () => {
  const refused = [
    "127.0.0.1",
    "127.255.255.254",
    "::1",
    "0.0.0.0",
    "0.1.2.3",
    "::",
    "169.254.169.254",
    "fe80::1",
    "fe80::1%eth0",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "100.127.255.255",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:8.8.8.8",
    "224.0.0.1",
    "239.255.255.250",
    "ff02::1",
    "255.255.255.255",
    "64:ff9b::7f00:1",
    "2002:7f00:1::1",
    "2001::1",
    "192.0.2.1",
    "198.18.0.1",
    "240.0.0.1",
    "2001:db8::1",
    "not an address",
    "",
  ];
  const allowed = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "172.32.0.1",
    "100.128.0.1",
    "169.255.0.1",
    "2606:4700::1111",
    "2400:3200::1",
  ];

  it("refuses every special-purpose address, allows public unicast", () => {
    for (const a of refused) expect(addressAllowed(a, []), a).toBe(false);
    for (const a of allowed) expect(addressAllowed(a, []), a).toBe(true);
  });

  it("allows exactly the networks of WEBHOOK_ALLOWED_NETWORKS, IPv4-mapped forms included", () => {
    const nets = parseNetworks(" 10.20.0.0/16, fd00:1::/32,169.254.169.253");
    expect(addressAllowed("10.20.3.4", nets)).toBe(true);
    expect(addressAllowed("::ffff:10.20.3.4", nets)).toBe(true);
    expect(addressAllowed("10.21.0.1", nets)).toBe(false);
    expect(addressAllowed("fd00:1::5", nets)).toBe(true);
    expect(addressAllowed("fd00:2::5", nets)).toBe(false);
    expect(addressAllowed("169.254.169.253", nets)).toBe(true);
    expect(addressAllowed("169.254.169.254", nets)).toBe(false);
    expect(addressAllowed("127.0.0.1", nets)).toBe(false);
    for (const bad of ["10.0.0.0/33", "0x7f000001/8", "2130706433", "localhost", "10.0.0.0/abc", "10.0.0/8"]) {
      expect(() => parseNetworks(bad), bad).toThrow();
    }
  });

  it("checks URLs naming an address in any spelling the URL parser accepts, and localhost", () => {
    for (const url of [
      "http://127.0.0.1:3000/",
      "http://localhost/",
      "http://LOCALHOST./x",
      "http://a.b.localhost/",
      "http://[::1]/",
      "http://0.0.0.0/",
      "http://0/",
      "http://2130706433/",
      "http://0x7f000001/",
      "http://0x7f.1/",
      "http://127.1/",
      "http://0177.0.0.1/",
      "http://[::ffff:127.0.0.1]/",
      "http://[0:0:0:0:0:ffff:7f00:1]/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[fe80::1]/",
      "http://10.0.0.1/",
      "http://192.168.0.1./",
    ]) {
      expect(literalHostRefused(url, []), url).toBe(true);
    }
    expect(literalHostRefused("https://hooks.example.gov.cn/x", [])).toBe(false); // a name: checked when connecting
    expect(literalHostRefused("http://93.184.216.34/x", [])).toBe(false);
    expect(literalHostRefused("http://127.0.0.1:3000/", parseNetworks("127.0.0.0/8"))).toBe(false);
    expect(literalHostRefused("http://localhost:3000/", parseNetworks("127.0.0.0/8"))).toBe(false);
  });

  it("connects names only to the addresses it checked, and to none if any is refused", async () => {
    const resolveTo = (addresses: LookupAddress[]) => {
      const asked: string[] = [];
      const resolve = (
        host: string,
        _o: unknown,
        cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void,
      ) => {
        asked.push(host);
        cb(null, addresses);
      };
      return { asked, resolve };
    };
    const lookup = (addresses: LookupAddress[], nets = "", all = false) =>
      new Promise<{ err: Error | null; result: unknown }>((done) => {
        const r = resolveTo(addresses);
        pinnedLookup(parseNetworks(nets), r.resolve)(
          "hooks.example.gov.cn",
          { all },
          (err: Error | null, a: unknown, family?: number) =>
            done({ err, result: all ? a : err ? null : { address: a, family } }),
        );
      });
    const pub: LookupAddress = { address: "93.184.216.34", family: 4 };
    expect(await lookup([pub])).toEqual({ err: null, result: { address: "93.184.216.34", family: 4 } });
    expect(await lookup([pub, { address: "2606:4700::1111", family: 6 }], "", true)).toEqual({
      err: null,
      result: [pub, { address: "2606:4700::1111", family: 6 }],
    });
    for (const bad of [
      [{ address: "127.0.0.1", family: 4 }],
      [pub, { address: "127.0.0.1", family: 4 }], // one refused address refuses the name
      [{ address: "169.254.169.254", family: 4 }],
      [{ address: "::ffff:10.0.0.1", family: 6 }],
      [{ address: "fd00::1", family: 6 }],
      [],
    ]) {
      for (const all of [false, true]) {
        const r = await lookup(bad, "", all);
        expect(isDestinationNotAllowed(r.err), JSON.stringify(bad)).toBe(true);
      }
    }
    const intranet = await lookup([{ address: "10.20.0.7", family: 4 }], "10.20.0.0/16");
    expect(intranet).toEqual({ err: null, result: { address: "10.20.0.7", family: 4 } });
  });

  it("refuses a literal refused destination at registration and on change (422), storing nothing", async () => {
    const { server, api, tokens } = await service({ JOBS: "off" });
    const db = new Database(dbFile(server.databaseUrl), { readonly: true });
    try {
      const urls = [
        "http://127.0.0.1:3000/hook",
        "http://localhost:3000/hook",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://2130706433/hook",
        "http://0x7f000001/hook",
        "http://127.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "http://192.168.1.1/hook",
        "http://100.64.0.1/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "https://224.0.0.1/hook",
        "http://tracker.localhost/hook",
      ];
      for (const url of urls) {
        const r = await api.call("POST", "/api/admin/webhooks", {
          token: tokens.admin,
          body: { url, events: ["deadline.missed"] },
        });
        expect(r.status, url).toBe(422);
        expectProblem(r);
        expect(r.body.errors[0]).toMatchObject({
          path: "url",
          message: expect.stringMatching(/^destination not allowed/),
        });
      }
      expect((db.prepare('SELECT count(*) AS n FROM "Webhook"').get() as { n: number }).n).toBe(0);
      // A public name is accepted (switched off: this test never connects to it).
      const ok = await api.call("POST", "/api/admin/webhooks", {
        token: tokens.admin,
        body: { url: "https://hooks.example.gov.cn/t", events: ["deadline.missed"], active: false },
      });
      expect(ok.status).toBe(201);
      for (const url of urls.slice(0, 4)) {
        const r = await api.call("PATCH", `/api/admin/webhooks/${ok.body.id}`, { token: tokens.admin, body: { url } });
        expect(r.status, url).toBe(422);
      }
      expect((db.prepare('SELECT "url" FROM "Webhook"').get() as { url: string }).url).toBe(
        "https://hooks.example.gov.cn/t",
      );
    } finally {
      db.close();
    }
  });

  it("fails an attempt to a name that resolves to loopback, or to an address stored before, with “destination not allowed”, sending nothing", async () => {
    const rx = await receiver();
    const { server, api, tokens } = await service({ WEBHOOK_POLL_MS: "100", WEBHOOK_RETRY_BASE_MS: "100000" });
    // Webhooks stored before this check existed (registration refuses these URLs now).
    const db = new Database(dbFile(server.databaseUrl), { timeout: 5000 });
    try {
      const now = new Date().toISOString().replace("Z", "+00:00");
      const insert = db.prepare(
        'INSERT INTO "Webhook" ("url", "secret", "events", "active", "createdAt", "updatedAt") VALUES (?, ?, ?, 1, ?, ?)',
      );
      for (const host of ["localhost", "127.0.0.1", "[::ffff:127.0.0.1]", "2130706433"]) {
        insert.run(
          `http://${host}:${rx.port}/${encodeURIComponent(host)}`,
          "legacy-secret-0123456789",
          '["case.state_changed"]',
          now,
          now,
        );
      }
    } finally {
      db.close();
    }
    expect((await open(api, tokens.out)).status).toBe(201);
    const hooks = (await api.call("GET", "/api/admin/webhooks", { token: tokens.admin })).body.items;
    expect(hooks).toHaveLength(4);
    for (const h of hooks) {
      const d = await waitFor(`an attempt to ${h.url}`, async () => {
        const l = await api.call("GET", `/api/admin/webhooks/${h.id}/deliveries`, { token: tokens.admin });
        return l.body.items[0]?.attempts >= 1 ? l.body.items[0] : undefined;
      });
      expect(d, h.url).toMatchObject({ status: "pending", lastStatusCode: null, lastError: "destination not allowed" });
      expect(d.attemptLog[0]).toMatchObject({ statusCode: null, error: "destination not allowed", responseBody: null });
    }
    expect(rx.hits).toEqual([]);
  });
});

// ------------------------------------------------------------------ row 2

describe("a slow receiver (#22 row 2)", () => {
  it("does not delay another webhook's deliveries, and gets at most its per-webhook number of requests at once", async () => {
    const rx = await receiver((p) => (p === "/slow" ? 5_000 : 0));
    const { api, tokens } = await service({
      WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8",
      WEBHOOK_POLL_MS: "100",
      WEBHOOK_CONCURRENCY: "4",
      WEBHOOK_CONCURRENCY_PER_WEBHOOK: "2",
    });
    for (const p of ["slow", "fast"]) {
      const r = await api.call("POST", "/api/admin/webhooks", {
        token: tokens.admin,
        body: { url: `http://127.0.0.1:${rx.port}/${p}`, events: ["case.state_changed"] },
      });
      expect(r.status).toBe(201);
    }
    const people = makePeople(6, 23);
    expect((await open(api, tokens.out, people[0])).status).toBe(201);
    await waitFor("the slow receiver's first request", () => rx.hits.some((h) => h.path === "/slow"));
    // While the slow receiver holds its requests, more notifications come.
    for (const p of people.slice(1)) expect((await open(api, tokens.out, p)).status).toBe(201);
    await waitFor(
      "every notification answered by the fast receiver",
      () => (rx.state.answered.get("/fast") ?? 0) >= people.length,
    );
    // All of them arrived before the slow receiver answered anything (it takes 5 s per request).
    expect(rx.state.answered.get("/slow") ?? 0).toBe(0);
    expect(rx.state.answered.get("/fast")).toBe(people.length);
    await waitFor("the slow receiver's second slot in use", () => (rx.state.maxOpen.get("/slow") ?? 0) >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.state.maxOpen.get("/slow")).toBe(2);
  });
});

// ------------------------------------------------------------------ row 9

describe("retention (#22 row 9)", () => {
  it("purges delivered notifications with their logs after DELIVERY_RETENTION_DAYS and idempotency records after IDEMPOTENCY_RETENTION_HOURS, keeping the rest", async () => {
    const rx = await receiver();
    const { server, api, tokens } = await service({
      WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8",
      WEBHOOK_POLL_MS: "100",
      PURGE_INTERVAL_MS: "200",
      DELIVERY_RETENTION_DAYS: "30",
      IDEMPOTENCY_RETENTION_HOURS: "24",
    });
    const hook = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: { url: `http://127.0.0.1:${rx.port}/keep`, events: ["case.state_changed"] },
    });
    const people = makePeople(3, 31);
    const opened: string[] = [];
    for (const [i, p] of people.entries()) {
      const r = await api.call("POST", "/api/cases", {
        token: tokens.out,
        body: { type: "medicalTransfer", insured: p, fromAgency: "FZ", toAgency: "XM" },
        headers: { "Idempotency-Key": `purge-test-${i}` },
      });
      expect(r.status).toBe(201);
      opened.push(r.body.id);
    }
    await waitFor("three deliveries", () => rx.hits.length >= 3);
    await waitFor("delivered in the log", async () => {
      const l = await api.call("GET", `/api/admin/webhooks/${hook.body.id}/deliveries?status=delivered`, {
        token: tokens.admin,
      });
      return l.body.items.length === 3;
    });

    // Case 0's notification is 40 days old; case 1's too, but its delivery failed for good;
    // case 2's is recent. One idempotency record is two days old.
    const db = new Database(dbFile(server.databaseUrl), { timeout: 5000 });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString().replace("Z", "+00:00");
    const count = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(...args) as { n: number }).n;
    try {
      const msg = (caseId: string) =>
        (db.prepare('SELECT "id" FROM "OutboxMessage" WHERE "caseId" = ?').get(caseId) as { id: string }).id;
      const [m0, m1, m2] = opened.map(msg);
      db.prepare('UPDATE "OutboxMessage" SET "createdAt" = ?, "dispatchedAt" = ? WHERE "id" IN (?, ?)').run(
        old,
        old,
        m0,
        m1,
      );
      db.prepare('UPDATE "WebhookDelivery" SET "createdAt" = ?, "deliveredAt" = ? WHERE "messageId" IN (?, ?)').run(
        old,
        old,
        m0,
        m1,
      );
      db.prepare(`UPDATE "WebhookDelivery" SET "status" = 'failed' WHERE "messageId" = ?`).run(m1);
      db.prepare('UPDATE "IdempotencyKey" SET "createdAt" = ? WHERE "key" = ?').run(
        new Date(Date.now() - 48 * 3_600_000).toISOString().replace("Z", "+00:00"),
        "purge-test-0",
      );
      expect(count('SELECT count(*) AS n FROM "IdempotencyKey" WHERE "key" LIKE ?', "purge-test-%")).toBe(3);

      await waitFor(
        "the purge",
        () =>
          count('SELECT count(*) AS n FROM "OutboxMessage" WHERE "id" = ?', m0) === 0 &&
          count('SELECT count(*) AS n FROM "IdempotencyKey" WHERE "key" = ?', "purge-test-0") === 0,
      );
      expect(count('SELECT count(*) AS n FROM "WebhookDelivery" WHERE "messageId" = ?', m0)).toBe(0);
      expect(
        count(
          'SELECT count(*) AS n FROM "WebhookDeliveryAttempt" a JOIN "WebhookDelivery" d ON d."id" = a."deliveryId" WHERE d."messageId" = ?',
          m0,
        ),
      ).toBe(0);
      expect(count('SELECT count(*) AS n FROM "WebhookDeliveryAttempt"')).toBe(2);
      // The failed one and the recent one stay, with their logs; the other keys too.
      for (const m of [m1, m2]) {
        expect(count('SELECT count(*) AS n FROM "OutboxMessage" WHERE "id" = ?', m)).toBe(1);
        expect(count('SELECT count(*) AS n FROM "WebhookDelivery" WHERE "messageId" = ?', m)).toBe(1);
      }
      expect(count('SELECT count(*) AS n FROM "IdempotencyKey" WHERE "key" LIKE ?', "purge-test-%")).toBe(2);
      // The events are never purged.
      expect(count('SELECT count(*) AS n FROM "CaseEvent" WHERE "caseId" = ?', opened[0])).toBe(1);
      expect(count('SELECT count(*) AS n FROM "Setting" WHERE "key" = ?', PURGE_LEASE_KEY)).toBe(1);
    } finally {
      db.close();
    }

    // A webhook can be deleted: its deliveries and attempts go with it.
    let r = await api.call("DELETE", `/api/admin/webhooks/${hook.body.id}`, { token: tokens.admin });
    expect(r.status).toBe(204);
    const after = new Database(dbFile(server.databaseUrl), { readonly: true });
    try {
      expect((after.prepare('SELECT count(*) AS n FROM "Webhook"').get() as { n: number }).n).toBe(0);
      expect((after.prepare('SELECT count(*) AS n FROM "WebhookDelivery"').get() as { n: number }).n).toBe(0);
      expect((after.prepare('SELECT count(*) AS n FROM "WebhookDeliveryAttempt"').get() as { n: number }).n).toBe(0);
    } finally {
      after.close();
    }
    r = await api.call("DELETE", `/api/admin/webhooks/${hook.body.id}`, { token: tokens.admin });
    expect(r.status).toBe(404);
    expectProblem(r);
    r = await api.call("GET", `/api/admin/webhooks/${hook.body.id}/deliveries`, { token: tokens.admin });
    expect(r.status).toBe(404);
  });

  it("purges on one node at a time: the lease goes to one purger, is renewed by it, and passes on when it runs out", async () => {
    const dir = tempDir("tracker-purge-");
    dirs.push(dir);
    const url = `file:${path.join(dir, "purge.db")}`;
    await applyMigrations(url);
    const db = await openDatabase(url);
    try {
      const deps = { db, log: createLogger("silent") };
      const a = new Purger(deps, { deliveryRetentionDays: 30, idempotencyRetentionHours: 24, leaseMs: 60_000 });
      const b = new Purger(deps, { deliveryRetentionDays: 30, idempotencyRetentionHours: 24, leaseMs: 60_000 });
      const t = Date.now();
      const both = await Promise.all([a.takeLease(t), b.takeLease(t)]);
      expect(both.filter(Boolean)).toHaveLength(1);
      const [holder, other] = both[0] ? [a, b] : [b, a];
      expect(await holder.takeLease(t + 1_000)).toBe(true);
      expect(await other.takeLease(t + 30_000)).toBe(false);
      expect((await other.runOnce(new Date(t + 30_000))).ran).toBe(false);
      expect((await holder.runOnce()).ran).toBe(true);
      // The holder stops renewing (it died): the other takes over once the lease has run out.
      const later = Date.now() + 61_000;
      expect(await other.takeLease(later)).toBe(true);
      expect(await holder.takeLease(later + 1_000)).toBe(false);
    } finally {
      await db.$disconnect();
    }
  });
});

// ------------------------------------------------------------------ row 11

describe("/metrics (#22 row 11)", () => {
  const METRICS_TOKEN = "metrics-token-0123456789-abcdef";

  it("answers local clients, and others only with METRICS_TOKEN", async () => {
    const req = (remoteAddress: string, headers: Record<string, string> = {}) => ({
      headers,
      socket: { remoteAddress },
    });
    expect(metricsAllowed(req("127.0.0.1"), undefined)).toBe(true);
    expect(metricsAllowed(req("::1"), undefined)).toBe(true);
    expect(metricsAllowed(req("::ffff:127.0.0.1"), undefined)).toBe(true);
    expect(metricsAllowed(req("203.0.113.9"), undefined)).toBe(false);
    expect(metricsAllowed(req("10.0.0.3"), undefined)).toBe(false);
    expect(metricsAllowed(req("203.0.113.9", { authorization: `Bearer ${METRICS_TOKEN}` }), undefined)).toBe(false);
    expect(metricsAllowed(req("203.0.113.9", { authorization: `Bearer ${METRICS_TOKEN}` }), METRICS_TOKEN)).toBe(true);
    expect(metricsAllowed(req("203.0.113.9", { authorization: `Bearer ${METRICS_TOKEN}x` }), METRICS_TOKEN)).toBe(
      false,
    );
    expect(metricsAllowed(req("203.0.113.9", { authorization: METRICS_TOKEN }), METRICS_TOKEN)).toBe(false);
    // Through a proxy on the same host: not local.
    expect(metricsAllowed(req("127.0.0.1", { "x-forwarded-for": "203.0.113.9" }), undefined)).toBe(false);
    expect(metricsAllowed(req("127.0.0.1", { forwarded: "for=203.0.113.9" }), METRICS_TOKEN)).toBe(false);

    const { api } = await service({ JOBS: "off", METRICS_TOKEN });
    expect((await api.call("GET", "/metrics")).status).toBe(200);
    const proxied = { "x-forwarded-for": "203.0.113.9" };
    let r = await api.call("GET", "/metrics", { headers: proxied });
    expect(r.status).toBe(403);
    expectProblem(r);
    r = await api.call("GET", "/metrics", { headers: { ...proxied, authorization: "Bearer wrong-token-0123456789" } });
    expect(r.status).toBe(403);
    r = await api.call("GET", "/metrics", { headers: proxied, token: METRICS_TOKEN });
    expect(r.status).toBe(200);
    expect(r.body).toContain("http_request_duration_seconds");
  });

  it("counts in case_events_recorded_total the events committed: openings, advances and system events", async () => {
    const { api, tokens } = await service({
      TRACKER_TODAY: "2026-10-14",
      SWEEP_INTERVAL_MS: "200",
      WEBHOOK_POLL_MS: "1000",
    });
    const value = async (event: string) => {
      const text: string = (await api.call("GET", "/metrics")).body;
      const m = new RegExp(
        `^case_events_recorded_total\\{caseType="medicalTransfer",event="${event}"\\} (\\d+)$`,
        "m",
      ).exec(text);
      return m ? Number(m[1]) : 0;
    };
    // Two cases taken to transferOut; the second's step was due 28 Sep: the sweeper records it missed.
    await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-28" }, makePeople(1, 41)[0]);
    await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-14" }, makePeople(1, 42)[0]);
    // A refused opening is not counted.
    const refused = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: { type: "medicalTransfer", insured: person, fromAgency: "FZ", toAgency: "NOPE" },
    });
    expect(refused.status).toBe(422);
    await waitFor("the missed deadline", async () => (await value("DEADLINE_MISSED")) === 1);
    expect(await value("CASE_OPENED")).toBe(2);
    expect(await value("ISSUE_CERTIFICATE")).toBe(2);
    expect(await value("FILE_APPLICATION")).toBe(2);
    expect(await value("ACCEPT")).toBe(2);
  });
});
