// Outgoing webhooks against a real receiver on localhost that fails a few times, then accepts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPerson, person, runVerify, type TestServer } from "../support/server.ts";
import { medicalInTransferOut, startWithAgencies, waitFor } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { Webhook } from "standardwebhooks";
import { verifySignature } from "../../src/notifications/signing.ts";

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
  at: number;
}

const SECRET = "test-secret-0123456789abcdef";
const FZ_SECRET = "fz-secret-0123456789abcdef";

let server: TestServer, api: Api, tokens: Tokens;
let receiver: http.Server;
let base: string;
const received: Received[] = [];
let failuresLeft = 3;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const fail = req.url === "/w1" && failuresLeft > 0;
      if (fail) failuresLeft--;
      const answered = fail ? 500 : 200;
      received.push({ path: req.url ?? "", headers: req.headers, body, answered, at: Date.now() });
      res.writeHead(answered, { "content-type": "text/plain" }).end(fail ? "try again later" : "ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  ({ server, api, tokens } = await startWithAgencies(
    {
      TRACKER_TODAY: "2026-10-14",
      SWEEP_INTERVAL_MS: "300",
      WEBHOOK_POLL_MS: "100",
      WEBHOOK_RETRY_BASE_MS: "100",
      WEBHOOK_RETRY_MAX_MS: "400",
      WEBHOOK_CONCURRENCY: "2",
      // the receivers here are on loopback, which is refused unless allowed
      WEBHOOK_ALLOWED_NETWORKS: "127.0.0.0/8",
    },
    { checkAnswers: true },
  ));
});

afterAll(async () => {
  await server?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

/** Whether the deprecated X-Tracker-Signature of a request verifies with `secret` (over timestamp + raw body). */
const legacyVerified = (secret: string, x: { headers: http.IncomingHttpHeaders; body: string }) =>
  verifySignature(secret, String(x.headers["x-tracker-timestamp"]), x.body, String(x.headers["x-tracker-signature"]));

/** Verifies a request as a receiver using the Standard Webhooks reference verifier would; returns the parsed body. */
function standardVerify(secret: string, x: { headers: http.IncomingHttpHeaders; body: string }): any {
  // a secret that is not whsec_ + base64 is used as raw UTF-8 bytes (docs/webhooks.md)
  const wh = secret.startsWith("whsec_") ? new Webhook(secret) : new Webhook(secret, { format: "raw" });
  const h = (k: string) => String(x.headers[k]);
  return wh.verify(x.body, {
    "webhook-id": h("webhook-id"),
    "webhook-timestamp": h("webhook-timestamp"),
    "webhook-signature": h("webhook-signature"),
  });
}

const successes = (path: string) => {
  const ids = new Set<string>();
  for (const r of received) if (r.path === path && r.answered === 200) ids.add(String(r.headers["x-tracker-delivery"]));
  return ids;
};

describe("webhook administration", () => {
  it("validates subscriptions and never shows a secret in full", async () => {
    const bad = [
      { url: "ftp://example.com/hook", events: ["deadline.missed"] },
      { url: "javascript:alert(1)", events: ["deadline.missed"] },
      { url: "not a url", events: ["deadline.missed"] },
      { url: "https://user:pw@example.com/hook", events: ["deadline.missed"] },
      { url: "https://example.com/hook", events: [] },
      { url: "https://example.com/hook", events: ["case.deleted"] },
      { url: "https://example.com/hook", events: ["deadline.missed"], secret: "short" },
      { url: "https://example.com/hook", events: ["deadline.missed"], agencyCode: "NOPE" },
    ];
    for (const body of bad) {
      const r = await api.call("POST", "/api/admin/webhooks", { token: tokens.admin, body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    let r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.out,
      body: { url: `${base}/x`, events: ["deadline.missed"] },
    });
    expect(r.status).toBe(403);

    // Without a secret, one is generated and shown once.
    r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: { url: `${base}/unused`, events: ["deadline.missed"], active: false },
    });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^whsec_/);
    const generated: string = r.body.secret;
    const list = await api.call("GET", "/api/admin/webhooks", { token: tokens.admin });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(generated);
    expect(list.body.items[0]).toMatchObject({
      active: false,
      secretMasked: `••••${generated.slice(-4)}`,
      events: ["deadline.missed"],
      agencyCode: null,
    });
    expect(list.body.items[0].secret).toBeUndefined();

    const doc = await api.call("GET", "/api/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/api/admin/webhooks",
        "/api/admin/webhooks/{id}",
        "/api/admin/webhooks/{id}/deliveries",
        "/api/admin/deliveries/{id}/redeliver",
        "/api/admin/reports/sla",
      ]),
    );
  });
});

describe("notifications", () => {
  it("reaches a receiver that fails several times, signed, each once per delivery id, and redelivers on request", async () => {
    let r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: {
        url: `${base}/w1`,
        secret: SECRET,
        events: ["case.state_changed", "deadline.approaching", "deadline.missed"],
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.secret).toBeUndefined();
    const w1 = r.body.id;
    // Scoped to FZ and to missed deadlines only; and one for an unrelated agency.
    r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: { url: `${base}/fz`, secret: FZ_SECRET, events: ["deadline.missed"], agencyCode: "FZ" },
    });
    const wFz = r.body.id;
    r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: {
        url: `${base}/sz`,
        secret: FZ_SECRET,
        events: ["case.state_changed", "deadline.missed"],
        agencyCode: "SZ",
      },
    });
    const wSz = r.body.id;

    // Today is Wed 14 Oct 2026. A: due Fri 16 Oct (within 3 working days). B: due 28 Sep (missed).
    // a is the fixed test person, whose name and ID number the deliveries must not carry
    const a = await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-28" }, person);
    const b = await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-14" });
    expect(a.stepDueOn).toBe("2026-10-16");
    expect(b.stepDueOn).toBe("2026-09-28");

    const expected = new Set<string>();
    for (const c of [a, b])
      for (const t of ["CASE_OPENED", "ISSUE_CERTIFICATE", "FILE_APPLICATION", "ACCEPT"])
        expected.add(`case.state_changed ${c.id} ${t}`);
    expected.add(`deadline.approaching ${a.id} -`);
    expected.add(`deadline.missed ${b.id} DEADLINE_MISSED`);

    await waitFor(
      "every notification delivered",
      () => successes("/w1").size >= expected.size && successes("/fz").size >= 1,
    );
    await new Promise((res) => setTimeout(res, 500)); // nothing more should come

    const w1Requests = received.filter((x) => x.path === "/w1");
    expect(w1Requests.filter((x) => x.answered === 500)).toHaveLength(3);
    const byDelivery = new Map<string, Received[]>();
    for (const x of w1Requests) {
      // Signed per Standard Webhooks (checked with its reference verifier) …
      expect(standardVerify(SECRET, x)).toEqual(JSON.parse(x.body));
      expect(() => standardVerify("another-secret-0123456789", x)).toThrow();
      expect(() => standardVerify(SECRET, { ...x, body: x.body + " " })).toThrow();
      expect(x.headers["webhook-id"]).toBe(x.headers["x-tracker-delivery"]);
      expect(x.headers["webhook-timestamp"]).toBe(x.headers["x-tracker-timestamp"]);
      // … and, deprecated for one release, over timestamp + raw body with the webhook's secret.
      const ts = String(x.headers["x-tracker-timestamp"]);
      expect(legacyVerified(SECRET, x)).toBe(true);
      expect(legacyVerified("another-secret-0123456789", x)).toBe(false);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(120);
      expect(x.headers["content-type"]).toBe("application/json");
      const body = JSON.parse(x.body);
      expect(x.headers["x-tracker-event"]).toBe(body.event);
      // No personal data.
      expect(x.body).not.toContain(person.idNumber);
      expect(x.body).not.toContain(person.name);
      const id = String(x.headers["x-tracker-delivery"]);
      byDelivery.set(id, [...(byDelivery.get(id) ?? []), x]);
    }
    // Every notification arrived; retries carried the same delivery id and the same body.
    const got = new Set<string>();
    for (const [, attempts] of byDelivery) {
      expect(new Set(attempts.map((x) => x.body)).size).toBe(1);
      expect(attempts.at(-1)!.answered).toBe(200);
      expect(attempts.slice(0, -1).every((x) => x.answered === 500)).toBe(true);
      const body = JSON.parse(attempts[0].body);
      got.add(`${body.event} ${body.case.id} ${body.transition?.type ?? "-"}`);
    }
    expect(got).toEqual(expected);
    expect(byDelivery.size).toBe(expected.size);
    const retried = [...byDelivery.values()].filter((x) => x.length > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.reduce((n, x) => n + x.length - 1, 0)).toBe(3);

    // What a message says.
    const missedBody = JSON.parse(
      [...byDelivery.values()].map((x) => x[0].body).find((t) => JSON.parse(t).event === "deadline.missed")!,
    );
    expect(missedBody).toMatchObject({
      event: "deadline.missed",
      case: {
        id: b.id,
        caseNumber: b.caseNumber,
        type: "medicalTransfer",
        state: "transferOut",
        stepDueOn: "2026-09-28",
        fromAgency: "FZ",
        toAgency: "XM",
      },
      transition: {
        type: "DEADLINE_MISSED",
        fromState: "transferOut",
        toState: "transferOut",
        occurredOn: "2026-09-29",
      },
      deadline: { state: "transferOut", stepDueOn: "2026-09-28", workingDaysLeft: expect.any(Number) },
    });
    expect(missedBody.deadline.workingDaysLeft).toBeLessThan(0);
    const approaching = JSON.parse(
      [...byDelivery.values()].map((x) => x[0].body).find((t) => JSON.parse(t).event === "deadline.approaching")!,
    );
    expect(approaching).toMatchObject({
      case: { id: a.id },
      deadline: { stepDueOn: "2026-10-16", workingDaysLeft: 2 },
      transition: null,
    });
    const accepted = JSON.parse(
      [...byDelivery.values()]
        .map((x) => x[0].body)
        .find((t) => JSON.parse(t).transition?.type === "ACCEPT" && JSON.parse(t).case.id === a.id)!,
    );
    expect(accepted).toMatchObject({
      event: "case.state_changed",
      transition: { fromState: "applicationFiled", toState: "transferOut", occurredOn: "2026-09-28", seq: 4 },
    });

    // The FZ webhook got B's missed deadline only (it is FZ's case, and it wants nothing else).
    const fz = received.filter((x) => x.path === "/fz");
    expect(fz).toHaveLength(1);
    expect(JSON.parse(fz[0].body)).toMatchObject({ event: "deadline.missed", case: { id: b.id } });
    expect(legacyVerified(FZ_SECRET, fz[0])).toBe(true);
    expect(received.filter((x) => x.path === "/sz")).toHaveLength(0);

    // The delivery log tells the same story.
    r = await api.call("GET", `/api/admin/webhooks/${w1}/deliveries?limit=200`, { token: tokens.admin });
    expect(r.status).toBe(200);
    const log: any[] = r.body.items;
    expect(log).toHaveLength(expected.size);
    expect(log.every((d) => d.status === "delivered" && d.lastStatusCode === 200 && d.failures === 0)).toBe(true);
    expect(log.reduce((n, d) => n + d.attempts, 0)).toBe(w1Requests.length);
    const retriedLog = log.find((d) => d.attempts > 1);
    // The receiver's answer ("try again later") is not kept.
    expect(retriedLog.attemptLog[0]).toMatchObject({
      attemptNo: 1,
      statusCode: 500,
      error: "HTTP 500",
      responseBody: null,
      manual: false,
    });
    expect(log.every((d) => d.attemptLog.every((a: any) => a.responseBody === null))).toBe(true);
    expect(retriedLog.attemptLog.at(-1)).toMatchObject({ statusCode: 200, error: null });
    expect(new Set(log.map((d) => d.id))).toEqual(new Set(byDelivery.keys()));
    r = await api.call("GET", `/api/admin/webhooks/${wSz}/deliveries`, { token: tokens.admin });
    expect(r.body.items).toEqual([]);
    r = await api.call("GET", `/api/admin/webhooks/${wFz}/deliveries?status=delivered`, { token: tokens.admin });
    expect(r.body.items).toHaveLength(1);
    r = await api.call("GET", "/api/admin/webhooks", { token: tokens.admin });
    expect(r.body.items.find((w: any) => w.id === w1).deliveries).toEqual({
      pending: 0,
      delivered: expected.size,
      failed: 0,
    });

    // A manual redelivery: the same delivery id and body, signed anew.
    const target = retriedLog;
    const before = received.length;
    r = await api.call("POST", `/api/admin/deliveries/${target.id}/redeliver`, { token: tokens.admin });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ id: target.id, status: "pending" });
    const again = await waitFor("the redelivery", () =>
      received.slice(before).find((x) => x.headers["x-tracker-delivery"] === target.id),
    );
    expect(again.body).toBe(byDelivery.get(target.id)![0].body);
    expect(legacyVerified(SECRET, again)).toBe(true);
    expect(again.headers["webhook-id"]).toBe(target.id);
    expect(standardVerify(SECRET, again)).toEqual(JSON.parse(again.body));
    const after = await waitFor("the redelivery in the log", async () => {
      const l = await api.call("GET", `/api/admin/webhooks/${w1}/deliveries?limit=200`, { token: tokens.admin });
      const d = l.body.items.find((x: any) => x.id === target.id);
      return d.status === "delivered" && d.attempts === target.attempts + 1 ? d : undefined;
    });
    expect(after.attemptLog.at(-1)).toMatchObject({ manual: true, statusCode: 200 });
    r = await api.call("POST", "/api/admin/deliveries/00000000-0000-4000-8000-000000000000/redeliver", {
      token: tokens.admin,
    });
    expect(r.status).toBe(404);

    // Switched off, a webhook is sent nothing (and notifications meanwhile are not queued for it);
    // a redelivery is refused until it is switched on again.
    r = await api.call("PATCH", `/api/admin/webhooks/${w1}`, { token: tokens.admin, body: { active: false } });
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    const openMedical = async () => {
      const x = await api.call("POST", "/api/cases", {
        token: tokens.out,
        body: {
          type: "medicalTransfer",
          insured: freshPerson(),
          fromAgency: "FZ",
          toAgency: "XM",
          occurredOn: "2026-10-14",
        },
      });
      expect(x.status).toBe(201);
      return x.body.id as string;
    };
    const about = (id: string) => (x: Received) => x.path === "/w1" && JSON.parse(x.body).case.id === id;
    const quiet = await openMedical();
    r = await api.call("POST", `/api/admin/deliveries/${target.id}/redeliver`, { token: tokens.admin });
    expect(r.status).toBe(409);
    await new Promise((res) => setTimeout(res, 700));
    expect(received.filter(about(quiet))).toHaveLength(0);
    r = await api.call("GET", `/api/admin/webhooks/${w1}/deliveries?limit=200`, { token: tokens.admin });
    expect(r.body.items.some((d: any) => d.caseId === quiet)).toBe(false);
    r = await api.call("PATCH", `/api/admin/webhooks/${w1}`, { token: tokens.admin, body: { active: true } });
    expect(r.body.active).toBe(true);
    const heard = await openMedical();
    await waitFor("a notification after switching on", () => received.find(about(heard)));
    expect(received.filter(about(quiet))).toHaveLength(0);

    const verify = await runVerify(server.databaseUrl);
    expect(verify.code).toBe(0);
  });

  it("keeps retrying a receiver that is not even listening, and delivers once it is back", async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: { url: `http://127.0.0.1:${port}/back`, secret: SECRET, events: ["case.state_changed"] },
    });
    const hook = r.body.id;
    const opened = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: {
        type: "medicalTransfer",
        insured: freshPerson(),
        fromAgency: "FZ",
        toAgency: "XM",
        occurredOn: "2026-10-14",
      },
    });
    expect(opened.status).toBe(201);
    const failing = await waitFor("a few refused attempts", async () => {
      const l = await api.call("GET", `/api/admin/webhooks/${hook}/deliveries`, { token: tokens.admin });
      const d = l.body.items[0];
      return d && d.attempts >= 3 ? d : undefined;
    });
    expect(failing).toMatchObject({ status: "pending", lastStatusCode: null });
    // Coarse: nothing tells a closed port from an open one that is not HTTP.
    expect(failing.attemptLog[0].error).toBe("no HTTP answer (connection failed or closed, or not HTTP)");

    const got: Received[] = [];
    const back = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        got.push({ path: req.url ?? "", headers: req.headers, body, answered: 204, at: Date.now() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => back.listen(port, "127.0.0.1", resolve));
    try {
      await waitFor("the delivery after the receiver came back", () => got.length > 0);
      expect(got[0].headers["x-tracker-delivery"]).toBe(failing.id);
      expect(JSON.parse(got[0].body)).toMatchObject({
        event: "case.state_changed",
        case: { id: opened.body.id },
        transition: { type: "CASE_OPENED", fromState: null },
      });
      expect(legacyVerified(SECRET, got[0])).toBe(true);
      const done = await waitFor("delivered in the log", async () => {
        const l = await api.call("GET", `/api/admin/webhooks/${hook}/deliveries`, { token: tokens.admin });
        return l.body.items[0].status === "delivered" ? l.body.items[0] : undefined;
      });
      expect(done.attemptLog.at(-1)).toMatchObject({ statusCode: 204, error: null });
      expect(done.attempts).toBe(done.attemptLog.length);
    } finally {
      back.closeAllConnections();
      await new Promise((resolve) => back.close(resolve));
    }
  });

  it("signs with a generated whsec_ secret that the Standard Webhooks verifier accepts as is, and deletes a webhook with its deliveries", async () => {
    let r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: { url: `${base}/std`, events: ["case.state_changed"] },
    });
    expect(r.status).toBe(201);
    const generated: string = r.body.secret;
    // whsec_ + standard base64 of 32 bytes: the key is the decoded bytes
    expect(generated).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const hook = r.body.id;
    const opened = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: {
        type: "medicalTransfer",
        insured: freshPerson(),
        fromAgency: "FZ",
        toAgency: "XM",
        occurredOn: "2026-10-14",
      },
    });
    expect(opened.status).toBe(201);
    const got = await waitFor("the delivery", () =>
      received.find((x) => x.path === "/std" && JSON.parse(x.body).case.id === opened.body.id),
    );
    expect(new Webhook(generated).verify(got.body, got.headers as Record<string, string>)).toEqual(
      JSON.parse(got.body),
    );
    expect(() =>
      new Webhook(generated, { format: "raw" }).verify(got.body, got.headers as Record<string, string>),
    ).toThrow();
    await waitFor("delivered in the log", async () => {
      const l = await api.call("GET", `/api/admin/webhooks/${hook}/deliveries`, { token: tokens.admin });
      return l.body.items.some((d: any) => d.status === "delivered");
    });

    // A malformed whsec_ secret is refused rather than silently used as raw bytes.
    r = await api.call("POST", "/api/admin/webhooks", {
      token: tokens.admin,
      body: { url: `${base}/std`, secret: "whsec_not-base64-at-all!!", events: ["case.state_changed"] },
    });
    expect(r.status).toBe(422);

    r = await api.call("DELETE", `/api/admin/webhooks/${hook}`, { token: tokens.out });
    expect(r.status).toBe(403);
    r = await api.call("DELETE", `/api/admin/webhooks/${hook}`, { token: tokens.admin });
    expect(r.status).toBe(204);
    r = await api.call("GET", "/api/admin/webhooks", { token: tokens.admin });
    expect(r.body.items.some((w: any) => w.id === hook)).toBe(false);
    r = await api.call("GET", `/api/admin/webhooks/${hook}/deliveries`, { token: tokens.admin });
    expect(r.status).toBe(404);
    r = await api.call("DELETE", `/api/admin/webhooks/${hook}`, { token: tokens.admin });
    expect(r.status).toBe(404);
    const verify = await runVerify(server.databaseUrl);
    expect(verify.code).toBe(0);
  });
});
