// The service end to end: a real server process on a real SQLite file, driven over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseTypes } from "../../machines/index.ts";
import {
  client,
  execSql,
  freshPerson,
  person,
  runVerify,
  startService,
  testDatabase,
  type TestServer,
} from "../support/server.ts";
import {
  startWithAgencies,
  eventsOf,
  medicalCertificate,
  openBody,
  openCase,
  send as sendEvent,
  walkTo,
  type Api,
  type Tokens,
} from "../support/fixtures.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({}, { checkAnswers: true }));
});

afterAll(async () => {
  await server?.stop();
});

// The fixtures on this file's service (which a restart replaces).
// one open case of a kind per person (docs/parties.md): each case is opened for a fresh person
const openMedical = (occurredOn = "2026-09-01", insured: { name: string; idNumber: string } = freshPerson()) =>
  openCase(api, tokens.out, { occurredOn, insured });
const send = (token: string, id: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
  sendEvent(api, token, id, body, headers);
const eventCount = async (id: string) => (await eventsOf(api, tokens.out, id)).length;

describe("a medical transfer from suspended to transferred", () => {
  it("is advanced by the right staff of each agency, with statutory due dates", async () => {
    const c = await openMedical("2026-09-01", person);
    expect(c.caseNumber).toMatch(/^MT2026-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(c).toMatchObject({
      state: "suspended",
      version: 1,
      actingSide: "transferOut",
      allowedEvents: ["ISSUE_CERTIFICATE", "WITHDRAW"],
    });
    expect(c.insured.idNumber).toBe(person.idNumber); // staff of the case's agency see it in full

    let r = await send(
      tokens.out,
      c.id,
      medicalCertificate({ occurredOn: "2026-09-02", contributionMonths: 48, accountBalanceFen: 523_456 }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ state: "certificateIssued", version: 2, actingSide: "insured" });

    r = await send(tokens.in, c.id, {
      type: "FILE_APPLICATION",
      occurredOn: "2026-09-10",
      channel: "online",
      applicant: "employer",
    });
    expect(r.body).toMatchObject({ state: "applicationFiled", actingSide: "transferIn" });

    // The transfer-out agency cannot accept: that is the transfer-in agency's act.
    r = await send(tokens.out, c.id, { type: "ACCEPT", occurredOn: "2026-09-28" });
    expect(r.status).toBe(403);

    // Accepted on 28 Sep: 10 working days for transfer-out cross National Day (1-7 Oct off,
    // Sat 10 Oct worked) → 16 Oct; the overall 15 working days → 23 Oct.
    r = await send(tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-28" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      state: "transferOut",
      actingSide: "transferOut",
      stepDueOn: "2026-10-16",
      dueOn: "2026-10-23",
      provisional: false,
    });

    r = await send(tokens.in, c.id, { type: "TRANSFER_OUT_DONE", occurredOn: "2026-10-09", transferredFen: 523_456 });
    expect(r.status).toBe(403);
    // Transfer-out done on Fri 9 Oct: 5 working days from the make-up Saturday 10 Oct on → 15 Oct.
    r = await send(tokens.out, c.id, { type: "TRANSFER_OUT_DONE", occurredOn: "2026-10-09", transferredFen: 523_456 });
    expect(r.body).toMatchObject({
      state: "transferIn",
      actingSide: "transferIn",
      stepDueOn: "2026-10-15",
      dueOn: "2026-10-23",
    });

    r = await send(tokens.in, c.id, { type: "TRANSFER_IN_DONE", occurredOn: "2026-10-12" });
    expect(r.body).toMatchObject({
      state: "transferred",
      final: true,
      actingSide: "none",
      allowedEvents: [],
      overdue: false,
      progress: { step: 6, steps: 6, percent: 100 },
    });

    const events = await api.call("GET", `/api/cases/${c.id}/events`, { token: tokens.in });
    expect(events.body.items.map((e: any) => [e.seq, e.type, e.toState])).toEqual([
      [1, "CASE_OPENED", "suspended"],
      [2, "ISSUE_CERTIFICATE", "certificateIssued"],
      [3, "FILE_APPLICATION", "applicationFiled"],
      [4, "ACCEPT", "transferOut"],
      [5, "TRANSFER_OUT_DONE", "transferIn"],
      [6, "TRANSFER_IN_DONE", "transferred"],
    ]);
    expect(events.body.items[3]).toMatchObject({
      actor: { kind: "staff", username: "xm-clerk" },
      occurredOn: "2026-09-28",
      fromState: "applicationFiled",
    });

    // The insured person sees progress and a timeline without staff names, and a masked ID.
    const s = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber.toLowerCase(), idNumber: person.idNumber },
    });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({
      state: "transferred",
      progress: { step: 6, steps: 6, percent: 100, label: { zh: expect.any(String), en: expect.any(String) } },
      dueOn: "2026-10-23",
      provisional: false,
    });
    expect(s.body.insured.idNumber).toBe(`${person.idNumber.slice(0, 6)}********${person.idNumber.slice(14)}`);
    expect(s.body.timeline.map((e: any) => e.state)).toEqual([
      "suspended",
      "certificateIssued",
      "applicationFiled",
      "transferOut",
      "transferIn",
      "transferred",
    ]);
    expect(s.body.timeline[3]).toEqual({
      label: expect.objectContaining({ zh: expect.any(String) }),
      occurredOn: "2026-09-28",
      state: "transferOut",
      stateLabel: expect.any(Object),
    });
    expect(JSON.stringify(s.body)).not.toContain("clerk");
    expect(JSON.stringify(s.body)).not.toContain(person.name);
  });
});

describe("refusal, re-filing, arrears and withdrawal", () => {
  it("refuses with a reason and lets the person file again", async () => {
    const c = await openMedical();
    await send(
      tokens.out,
      c.id,
      medicalCertificate({ contributionMonths: 12, accountBalanceFen: 1000, occurredOn: "2026-09-02" }),
    );
    await send(tokens.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "offline",
      applicant: "individual",
      occurredOn: "2026-09-03",
    });
    let r = await send(tokens.in, c.id, { type: "REFUSE", occurredOn: "2026-09-04" });
    expect(r.status).toBe(422);
    // version 2: a reasonCode (REFUSAL_REASONS) or a reason is needed
    expect(r.body.errors.map((e: any) => e.path)).toContain("reasonCode");
    r = await send(tokens.in, c.id, {
      type: "REFUSE",
      reason: "not yet enrolled at the new place",
      occurredOn: "2026-09-04",
    });
    expect(r.body).toMatchObject({ state: "refused", actingSide: "insured" });
    r = await send(tokens.out, c.id, {
      type: "FILE_APPLICATION",
      channel: "offline",
      applicant: "individual",
      occurredOn: "2026-09-07",
    });
    expect(r.body).toMatchObject({ state: "applicationFiled" });
    r = await send(tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-08" });
    expect(r.body.state).toBe("transferOut");
  });

  it("does not accept while stated arrears are unpaid", async () => {
    const c = await openMedical();
    await send(
      tokens.out,
      c.id,
      medicalCertificate({
        contributionMonths: 12,
        accountBalanceFen: 1000,
        arrearsFen: 35_000,
        occurredOn: "2026-09-02",
      }),
    );
    await send(tokens.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "online",
      applicant: "employer",
      occurredOn: "2026-09-03",
    });
    let r = await send(tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-04" });
    expect(r.status).toBe(409);
    expect(r.body.type).toBe("/problems/refused-by-rule");
    expect(r.body.state).toBe("applicationFiled");
    expect(r.body.detail).toContain("arrears");
    r = await send(tokens.out, c.id, { type: "ARREARS_PAID", paidFen: 35_000, occurredOn: "2026-09-04" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    r = await send(tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-04" });
    expect(r.body.state).toBe("transferOut");
  });

  it("withdraws before transfer-out, and not after", async () => {
    const c = await openMedical();
    let r = await send(tokens.out, c.id, { type: "WITHDRAW", reason: "stays with the old employer" });
    expect(r.body).toMatchObject({ state: "withdrawn", final: true, outcome: "withdrawn", allowedEvents: [] });
    r = await send(tokens.out, c.id, medicalCertificate());
    expect(r.status).toBe(409);
    expect(r.body.allowedEvents).toEqual([]);
  });
});

describe("errors change nothing", () => {
  it("answers each error status with a problem document", async () => {
    const c = await openMedical();
    const before = await eventCount(c.id);

    let r = await api.call("GET", `/api/cases/${c.id}`);
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(r.body).toMatchObject({
      status: 401,
      title: expect.any(String),
      type: expect.stringMatching(/^\/problems\//),
    });

    r = await api.call("GET", `/api/cases/${c.id}`, { token: "not-a-token" });
    expect(r.status).toBe(401);

    // Staff of an unrelated agency can neither read nor act.
    r = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.other });
    expect(r.status).toBe(403);
    r = await send(tokens.other, c.id, medicalCertificate());
    expect(r.status).toBe(403);
    // Administrators manage; they do not record case events.
    r = await send(tokens.admin, c.id, { type: "WITHDRAW", reason: "x" });
    expect(r.status).toBe(403);

    r = await api.call("GET", "/api/cases/00000000-0000-4000-8000-000000000000", { token: tokens.out });
    expect(r.status).toBe(404);

    // Not allowed in this state: 409 with the events that are.
    r = await send(tokens.in, c.id, { type: "TRANSFER_IN_DONE" });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      type: "/problems/event-not-allowed",
      state: "suspended",
      // the transfer-in agency may take an online application (medicalTransfer version 2)
      allowedEvents: ["WITHDRAW", "APPLY_ONLINE"],
    });

    // Bad payloads: 422 with field errors.
    r = await send(tokens.out, c.id, medicalCertificate({ contributionMonths: -1, accountBalanceFen: 1.5 }));
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: any) => e.path).sort()).toEqual(["accountBalanceFen", "contributionMonths"]);
    r = await send(tokens.out, c.id, medicalCertificate({ surprise: true }));
    expect(r.status).toBe(422);
    r = await send(tokens.out, c.id, { type: "NO_SUCH_EVENT" });
    expect(r.status).toBe(422);
    r = await send(tokens.out, c.id, medicalCertificate({ occurredOn: "2999-01-01" }));
    expect(r.status).toBe(422);
    expect(r.body.errors[0].path).toBe("occurredOn");
    r = await send(tokens.out, c.id, medicalCertificate({ occurredOn: "2026-08-31" }));
    expect(r.status).toBe(422); // before the case's previous event (opened 2026-09-01)
    r = await send(tokens.out, c.id, medicalCertificate({ occurredOn: "2026-02-30" }));
    expect(r.status).toBe(422);

    // Malformed JSON: 400.
    r = await api.call("POST", `/api/cases/${c.id}/events`, { token: tokens.out, raw: "{not json" });
    expect(r.status).toBe(400);

    // A stale If-Match: 412 with the current version.
    r = await send(tokens.out, c.id, medicalCertificate(), { "If-Match": '"7"' });
    expect(r.status).toBe(412);
    expect(r.body.currentVersion).toBe(1);

    // Bad case creation input.
    r = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: openBody({
        insured: { name: "x", idNumber: person.idNumber.slice(0, 17) + (person.idNumber.endsWith("1") ? "2" : "1") },
      }),
    });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].path).toBe("insured.idNumber");
    r = await api.call("POST", "/api/cases", { token: tokens.out, body: openBody({ to: "NOPE" }) });
    expect(r.status).toBe(422);
    r = await api.call("POST", "/api/cases", { token: tokens.other, body: openBody() });
    expect(r.status).toBe(403);

    expect(await eventCount(c.id)).toBe(before);
    const after = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    expect(after.body).toMatchObject({ state: "suspended", version: 1 });

    // The right If-Match goes through.
    r = await send(tokens.out, c.id, medicalCertificate(), { "If-Match": '"1"' });
    expect(r.status).toBe(200);
    expect(r.headers.get("etag")).toBe('"2"');
  });
});

describe("idempotency and concurrency", () => {
  it("returns the first response to a retry with the same Idempotency-Key and writes nothing new", async () => {
    const c = await openMedical();
    const body = medicalCertificate({ contributionMonths: 6, accountBalanceFen: 100 });
    const first = await send(tokens.out, c.id, body, { "Idempotency-Key": "retry-1" });
    expect(first.status).toBe(200);
    const again = await send(tokens.out, c.id, body, { "Idempotency-Key": "retry-1" });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await eventCount(c.id)).toBe(2);
    const other = await send(tokens.out, c.id, { ...body, contributionMonths: 7 }, { "Idempotency-Key": "retry-1" });
    expect(other.status).toBe(422);
    expect(await eventCount(c.id)).toBe(2);

    // Concurrent duplicates of one request: one effect, every answer the same.
    const d = await openMedical();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send(tokens.out, d.id, body, { "Idempotency-Key": "storm-1" })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.body.version))).toEqual(new Set([2]));
    expect(await eventCount(d.id)).toBe(2);

    // Opening a case is idempotent too.
    const open = openBody();
    const o1 = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: open,
      headers: { "Idempotency-Key": "open-1" },
    });
    const o2 = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: open,
      headers: { "Idempotency-Key": "open-1" },
    });
    expect(o1.status).toBe(201);
    expect(o2.status).toBe(201);
    expect(o2.body.id).toBe(o1.body.id);
  });

  it("lets exactly one of several concurrent conflicting advances win", async () => {
    for (let round = 0; round < 3; round++) {
      // Ten clerks issue the certificate at once, each with other figures: one wins.
      const c = await openMedical();
      const issues = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          send(tokens.out, c.id, medicalCertificate({ contributionMonths: i + 1, accountBalanceFen: 0 })),
        ),
      );
      expect(issues.filter((a) => a.status === 200)).toHaveLength(1);
      expect(issues.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      for (const l of issues.filter((a) => a.status === 409))
        expect(l.body.detail).toMatch(/at the same time|not allowed/);
      expect(await eventCount(c.id)).toBe(2);

      // Accept and refuse race on a filed application: one decision is recorded, never both.
      await send(tokens.in, c.id, { type: "FILE_APPLICATION", channel: "online", applicant: "employer" });
      const decisions = await Promise.all([
        ...Array.from({ length: 5 }, () => send(tokens.in, c.id, { type: "ACCEPT" })),
        ...Array.from({ length: 5 }, () => send(tokens.in, c.id, { type: "REFUSE", reason: "not enrolled" })),
      ]);
      expect(decisions.filter((a) => a.status === 200)).toHaveLength(1);
      expect(decisions.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      expect(await eventCount(c.id)).toBe(4);
    }
  });
});

describe("queues and search", () => {
  it("lists my agency's cases with filters and cursor pagination, masked", async () => {
    const other = { name: "陈大文", idNumber: makeTestIdNumber("350203", "19851111", "456") };
    const c = await openMedical("2026-09-01", other);
    let r = await api.call("GET", `/api/cases?q=${encodeURIComponent(other.idNumber)}`, { token: tokens.out });
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: any) => i.id)).toEqual([c.id]);
    expect(r.body.items[0].insuredIdNumber).toBe(`${other.idNumber.slice(0, 6)}********${other.idNumber.slice(14)}`);
    expect(r.body.items[0].insuredName).toBe("陈**");

    r = await api.call("GET", `/api/cases?q=${c.caseNumber.slice(-6)}`, { token: tokens.in });
    expect(r.body.items.map((i: any) => i.id)).toEqual([c.id]);
    r = await api.call("GET", `/api/cases?q=${encodeURIComponent(other.idNumber)}`, { token: tokens.other });
    expect(r.body.items).toEqual([]);

    const all: string[] = [];
    let cursor: string | null = null;
    do {
      r = await api.call("GET", `/api/cases?limit=3&mine=true${cursor ? `&cursor=${cursor}` : ""}`, {
        token: tokens.out,
      });
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(3);
      all.push(...r.body.items.map((i: any) => i.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(new Set(all).size).toBe(all.length);
    const direct = await api.call("GET", "/api/cases?limit=200&mine=true", { token: tokens.out });
    expect(all).toEqual(direct.body.items.map((i: any) => i.id));

    r = await api.call("GET", "/api/cases?state=transferred&type=medicalTransfer", { token: tokens.in });
    expect(r.body.items.every((i: any) => i.state === "transferred")).toBe(true);
    r = await api.call("GET", "/api/cases?limit=0", { token: tokens.in });
    expect(r.status).toBe(422);
    r = await api.call("GET", "/api/cases?overdue=maybe", { token: tokens.in });
    expect(r.status).toBe(422);
  });
});

describe("operations", () => {
  it("serves health, metrics, machine definitions and the OpenAPI document", async () => {
    expect((await api.call("GET", "/healthz")).body).toEqual({ status: "ok" });
    const m = await api.call("GET", "/metrics");
    expect(m.body).toContain("http_request_duration_seconds");
    // SQLite's log is checkpointed by the service's background thread, and the metrics say how it goes.
    expect(/^sqlite_wal_checkpoint_rounds_total \d+$/m.test(m.body)).toBe(testDatabase === "sqlite");
    expect(/^sqlite_wal_pages \d+$/m.test(m.body)).toBe(testDatabase === "sqlite");
    const types = await api.call("GET", "/api/machines");
    // one item per registered type, in the registry's order; the three of today as they are
    expect(types.body.items.map((i: { type: string }) => i.type)).toEqual(caseTypes);
    expect(types.body.items).toEqual(
      expect.arrayContaining([
        {
          type: "medicalTransfer",
          latestVersion: 2,
          label: { zh: "基本医疗保险关系转移接续", en: "Medical insurance transfer" },
          singleAgency: false,
          caseNumberPrefix: "MT",
        },
        {
          type: "pensionTransfer",
          latestVersion: 3,
          label: { zh: "基本养老保险关系转移接续", en: "Pension insurance transfer" },
          singleAgency: false,
          caseNumberPrefix: "PT",
        },
        {
          type: "renewal",
          latestVersion: 3,
          label: { zh: "断缴后续保", en: "Renewal after a lapse" },
          singleAgency: true,
          caseNumberPrefix: "RN",
        },
      ]),
    );
    const d = await api.call("GET", "/api/machines/medicalTransfer");
    expect(d.status).toBe(200);
    expect(JSON.stringify(d.body)).toContain("transferOut");
    expect((await api.call("GET", "/api/machines/nope")).status).toBe(404);
    const doc = await api.call("GET", "/api/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/api/cases", "/api/cases/{id}/events", "/api/status", "/api/admin/calendar/{year}"]),
    );
    // Answers that may carry personal data are never cached.
    expect((await api.call("GET", `/api/cases?limit=1`, { token: tokens.out })).headers.get("cache-control")).toBe(
      "no-store",
    );
    // A caller's request id is echoed when it looks like one, replaced when it could carry personal data.
    expect(
      (await api.call("GET", "/healthz", { headers: { "X-Request-Id": "trace-42.a_b" } })).headers.get("x-request-id"),
    ).toBe("trace-42.a_b");
    for (const bad of [person.idNumber, "name=Lin%20Xiaoming", "13812345678901"]) {
      const echoed = (await api.call("GET", "/healthz", { headers: { "X-Request-Id": bad } })).headers.get(
        "x-request-id",
      );
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    }
    const docs = await api.call("GET", "/docs/");
    expect(docs.status).toBe(200);
    expect(docs.body).toContain("swagger-ui");
  });
});

describe("restart and verify", () => {
  it("continues a case after the server restarts, and the log replays clean", async () => {
    const c = await openMedical("2026-09-01");
    await send(
      tokens.out,
      c.id,
      medicalCertificate({ contributionMonths: 48, accountBalanceFen: 9_999, occurredOn: "2026-09-02" }),
    );
    await send(tokens.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "online",
      applicant: "individual",
      occurredOn: "2026-09-03",
    });

    await server.stop();
    server = await startService({ dir: server.dir });
    api = client(server.url, { checkAnswers: true });
    // Tokens survive a restart: the signing secret is kept in the database.
    let r = await send(tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-09-04" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    r = await send(tokens.out, c.id, { type: "TRANSFER_OUT_DONE", transferredFen: 9_999, occurredOn: "2026-09-08" });
    r = await send(tokens.in, c.id, { type: "TRANSFER_IN_DONE", occurredOn: "2026-09-09" });
    expect(r.body.state).toBe("transferred");

    const ok = await runVerify(server.databaseUrl);
    expect(ok.stdout).toMatch(/verify: \d+ cases replayed, 0 mismatched/);
    expect(ok.code).toBe(0);

    // A case edited behind the engine's back is found.
    await execSql(server.databaseUrl, `UPDATE "Case" SET state = 'transferOut' WHERE id = '${c.id}'`);
    const bad = await runVerify(server.databaseUrl);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(c.caseNumber);
  });
});

describe("status lookup", () => {
  it("answers a wrong pair exactly like an unknown case", async () => {
    const c = await openMedical();
    const idNumber: string = c.insured.idNumber;
    const wrong = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: makeTestIdNumber("110105", "19491231", "002") },
    });
    const unknown = await api.call("POST", "/api/status", {
      body: { caseNumber: "MT2026-ZZZZZZZZ", idNumber: person.idNumber },
    });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    const strip = (b: any) => ({ ...b, instance: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    const right = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: idNumber.toLowerCase() },
    });
    expect(right.status).toBe(200);
  });
});

describe("status lookup: a refusal", () => {
  const status = async (c: { caseNumber: string; insured: { idNumber: string } }) => {
    const r = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: c.insured.idNumber },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };

  it("tells the insured person why while the case is refused, and no longer once filed again", async () => {
    // a version 2 medical transfer (the fixtures' default), refused with the reason's text only: code "other"
    const c = await openMedical();
    await walkTo(api, tokens, c, "refused");
    const refused = await status(c);
    expect(refused).toMatchObject({ state: "refused", flow: "paper" });
    expect(refused.refusal).toEqual({ reasonCode: "other", reason: "not yet enrolled at the new place" });
    // the person files again: the answer no longer carries the refusal
    const r = await send(tokens.out, c.id, { type: "FILE_APPLICATION", channel: "offline", applicant: "individual" });
    expect(r.body.state).toBe("applicationFiled");
    const filed = await status(c);
    expect(filed.state).toBe("applicationFiled");
    expect(filed).not.toHaveProperty("refusal");
  });

  it("gives the reason's code alone when no text was given (online flow), and nothing before a refusal", async () => {
    const c = await openMedical();
    await walkTo(api, tokens, c, "onlineApplicationFiled");
    expect(await status(c)).not.toHaveProperty("refusal");
    const r = await send(tokens.in, c.id, { type: "REFUSE", reasonCode: "documentsIncomplete" });
    expect(r.body.state).toBe("onlineRefused");
    expect((await status(c)).refusal).toEqual({ reasonCode: "documentsIncomplete", reason: null });
  });
});

describe("logs", () => {
  it("never contain the personal data used in this run", () => {
    const out = server.output();
    expect(out.length).toBeGreaterThan(0);
    expect(out).not.toContain(person.idNumber);
    expect(out).not.toContain(person.name);
  });
});
