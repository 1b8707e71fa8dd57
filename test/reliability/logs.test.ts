// No personal data in logs: a full run at LOG_LEVEL=debug (every request logged, background
// jobs polling) that uses insured persons' names and ID numbers everywhere a client might put
// them (bodies, search queries, mistyped paths, free-text reasons, status lookups, logins,
// errors), then every line the service wrote is searched for each of them.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { discard, runVerify, tempDir, type TestServer } from "../support/server.ts";
import { startWithAgencies, type Tokens } from "../support/fixtures.ts";
import { makePeople, medicalEventBody, rawRequest, type Api } from "../support/reliability.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

// Real servers, real files, many requests: generous limits for a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/** An ID number whose check character is X (searched for in upper and lower case). */
function xId(): string {
  for (let seq = 100; ; seq++) {
    const id = makeTestIdNumber("110105", "19491231", String(seq));
    if (id.endsWith("X")) return id;
  }
}

let server: TestServer;
let api: Api;
let tokens: Tokens;
const people = [
  ...makePeople(6, 61),
  { name: "欧阳娜娜", idNumber: xId() },
  { name: "John Smith", idNumber: makeTestIdNumber("440305", "19900101", "123") },
  { name: "阿依古丽·买买提", idNumber: makeTestIdNumber("650102", "19880615", "042") },
];
let requests = 0;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies(
    { LOG_LEVEL: "debug", SWEEP_INTERVAL_MS: "200", WEBHOOK_POLL_MS: "50" },
    { dir: tempDir("tracker-logs-") },
  ));
});

afterAll(() => discard(server));

async function call(method: string, p: string, opts: Parameters<Api["call"]>[2] = {}) {
  requests++;
  return api.call(method, p, opts);
}

/** Every way a value could appear in a log line: as is, lower case, JSON-escaped, URL-encoded. */
function variants(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const ascii = value.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const enc = encodeURIComponent(value);
  return [
    ...new Set([
      value,
      value.toLowerCase(),
      json,
      ascii,
      ascii.toUpperCase().replace(/\\U/g, "\\u"),
      enc,
      enc.toLowerCase(),
    ]),
  ];
}

describe("logs of a full run", () => {
  it("run: every endpoint, with personal data everywhere a client might put it", async () => {
    for (const [i, p] of people.entries()) {
      const open = await call("POST", "/api/cases", {
        token: i % 2 ? tokens.in : tokens.out,
        body: {
          type: i === 8 ? "renewal" : "medicalTransfer",
          insured: p,
          fromAgency: "FZ",
          toAgency: i === 8 ? "FZ" : "XM",
        },
        headers: { "Idempotency-Key": `open-${i}` },
      });
      expect(open.status, JSON.stringify(open.body)).toBe(201);
      const id = open.body.id;
      if (i === 8) continue;
      type Step = [string, "out" | "in", Record<string, unknown>];
      const steps: Step[] = [
        ["ISSUE_CERTIFICATE", "out", medicalEventBody("ISSUE_CERTIFICATE")],
        ["FILE_APPLICATION", "in", medicalEventBody("FILE_APPLICATION")],
        // staff write names and ID numbers into free text
        ["REFUSE", "in", { type: "REFUSE", reason: `${p.name}（${p.idNumber}）尚未在转入地参保` }],
        ["FILE_APPLICATION", "out", medicalEventBody("FILE_APPLICATION")],
        ...(i % 3 === 0
          ? ([
              ["WITHDRAW", "out", { type: "WITHDRAW", reason: `${p.name} asked to withdraw, ID ${p.idNumber}` }],
            ] satisfies Step[])
          : ([
              ["ACCEPT", "in", medicalEventBody("ACCEPT")],
              ["TRANSFER_OUT_DONE", "out", medicalEventBody("TRANSFER_OUT_DONE")],
              ["TRANSFER_IN_DONE", "in", medicalEventBody("TRANSFER_IN_DONE")],
            ] satisfies Step[])),
      ];
      for (const [type, who, body] of steps) {
        const r = await call("POST", `/api/cases/${id}/events`, {
          token: tokens[who],
          body,
          headers: { "Idempotency-Key": `${id}-${type}-${who}` },
        });
        expect(r.status, `${type}: ${JSON.stringify(r.body)}`).toBe(200);
      }
      // reads, searches and the insured person's own lookups
      await call("GET", `/api/cases/${id}`, { token: tokens.out });
      await call("GET", `/api/cases/${id}/events`, { token: tokens.admin });
      for (const q of [p.idNumber, p.name, p.idNumber.toLowerCase()]) {
        expect((await call("GET", `/api/cases?q=${encodeURIComponent(q)}`, { token: tokens.in })).status).toBe(200);
      }
      expect(
        (await call("POST", "/api/status", { body: { caseNumber: open.body.caseNumber, idNumber: p.idNumber } }))
          .status,
      ).toBe(200);
      expect(
        (
          await call("POST", "/api/status", {
            body: { caseNumber: open.body.caseNumber, idNumber: people[(i + 1) % people.length].idNumber },
          })
        ).status,
      ).toBe(404);
      // errors that carry the data back in their answers
      expect(
        (
          await call("POST", "/api/cases", {
            token: tokens.out,
            body: {
              type: "medicalTransfer",
              insured: { name: p.name, idNumber: p.idNumber.slice(0, 17) },
              fromAgency: "FZ",
              toAgency: "XM",
            },
          })
        ).status,
      ).toBe(422);
      expect(
        (await call("POST", `/api/cases/${id}/events`, { token: tokens.out, body: { type: p.idNumber, note: p.name } }))
          .status,
      ).toBe(422);
      expect(
        (
          await call("POST", "/api/cases", {
            token: tokens.other,
            body: { type: "medicalTransfer", insured: p, fromAgency: "FZ", toAgency: "XM" },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call("POST", "/api/cases", {
            token: tokens.out,
            raw: `{"insured":{"name":"${p.name}","idNumber":"${p.idNumber}"`,
          })
        ).status,
      ).toBe(400);
      // mistyped and probing URLs: the ID number or the name in the path
      expect((await call("GET", `/api/cases/${p.idNumber}`, { token: tokens.out })).status).toBe(404);
      expect(
        (await call("GET", `/api/insured/${encodeURIComponent(p.name)}/${p.idNumber}`, { token: tokens.out })).status,
      ).toBe(404);
      // (raw UTF-8 in the request line: Node's parser refuses it for a Han name, with problem details)
      expect([400, 404]).toContain(
        (
          await rawRequest(server.url, {
            method: "GET",
            target: `/api/people/${p.name.replace(/\s/g, "_")}?id=${p.idNumber}`,
          })
        ).status,
      );
      requests++;
      // someone typing their ID number as a username
      expect(
        (await call("POST", "/api/auth/login", { body: { username: p.idNumber, password: p.name.padEnd(12, "x") } }))
          .status,
      ).toBe(401);
    }
    // administration and operations, for completeness
    await call("GET", "/api/admin/audit?from=2000-01-01&to=2100-12-31", { token: tokens.admin });
    await call("GET", "/api/admin/users", { token: tokens.admin });
    await call("GET", "/metrics");
    await call("GET", "/api/openapi.json");
    expect((await runVerify(server.databaseUrl)).code).toBe(0);
    // let the background jobs (deadline sweeper, outbox) run over the new cases
    await new Promise((r) => setTimeout(r, 1_000));
  });

  it("contain no ID number or name used in the run, in any form", async () => {
    await server.stop(); // flush everything
    const out = server.output();
    const lines = out.split("\n").filter((l) => l.trim() !== "");
    // debug level logs every request: the search below ran over the whole run
    expect(lines.length).toBeGreaterThanOrEqual(requests);
    const leaks: string[] = [];
    for (const p of people) {
      for (const v of [
        ...variants(p.idNumber),
        ...variants(p.name),
        ...p.name
          .split(/[\s·]/)
          .filter((w) => w.length >= 2)
          .flatMap(variants),
      ]) {
        for (const line of lines) if (line.includes(v)) leaks.push(`${v}: ${line.slice(0, 300)}`);
      }
    }
    expect(leaks).toEqual([]);
    // the log is still useful: requests are there, with their paths and statuses
    expect(out).toMatch(/"statusCode":200.*"path":"\/api\/cases\/[0-9a-f-]{36}\/events"/);
    expect(out).toMatch(/"statusCode":404.*"path":"\/api\/\*"/);
  });
});
