// The insured person's documents keep the status lookup's promises: the same statements for a
// wrong ID number as for an unknown case number (and as the status lookup itself), one throttle
// per client for both, one count of failures per case number; the verification is throttled too.
import { afterAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import { client, setUpAgencies, startService, tempDir, type TestServer } from "../support/server.ts";
import { expectProblem, makePeople, openMedical } from "../support/reliability.ts";
import { medicalCertificate } from "../support/fixtures.ts";
import { startTracedService } from "../support/inprocess.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const dirs: string[] = [];
const servers: TestServer[] = [];
const people = makePeople(10, 17);
const wrongId = makeTestIdNumber("110105", "19491231", "002");

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("the insured person's documents tell nothing about case numbers", () => {
  it("run the same SQL for a wrong ID number as for an unknown case number, as the status lookup does", async () => {
    const dir = tempDir("tracker-docsec-");
    dirs.push(dir);
    const traced = await startTracedService(dir);
    try {
      const t = client(traced.url, { checkAnswers: true });
      const tk = await setUpAgencies(t);
      const c = await openMedical(t, tk.out, people[0]);
      expect(
        (await t.call("POST", `/api/cases/${c.id}/events`, { token: tk.out, body: medicalCertificate() })).status,
      ).toBe(200);
      for (const [path, extra] of [
        ["/api/status", {}],
        ["/api/status/documents", {}],
        ["/api/status/documents/pdf", { kind: "insuranceCertificate" }],
      ] as const) {
        const lookup = (caseNumber: string, idNumber: string) =>
          traced.trace(async () => {
            const r = await t.call("POST", path, { body: { caseNumber, idNumber, ...extra } });
            expect(r.status).toBe(404);
            return r;
          });
        const existingWrong = await lookup(c.caseNumber, wrongId);
        const existingOthersId = await lookup(c.caseNumber, people[1].idNumber);
        const unknownCase = await lookup("MT2026-ZZZZZZZZ", wrongId);
        const unknownWithRealId = await lookup("MT2026-ZZZZZZZZ", people[0].idNumber);
        expect(existingWrong.length, path).toBeGreaterThan(0);
        expect(existingWrong, path).toEqual(unknownCase);
        expect(existingOthersId, path).toEqual(unknownCase);
        expect(unknownWithRealId, path).toEqual(unknownCase);
        // nothing about documents is read for a failed check
        expect(
          unknownCase.filter((sql) => /"DocumentCode"|"CaseEvent" WHERE/.test(sql)),
          path,
        ).toEqual([]);
      }
    } finally {
      await traced.close();
    }
  });
});

describe("throttling", () => {
  it("gives the status lookup and the documents one budget per client, and counts failures per case number for both", async () => {
    const dir = tempDir("tracker-docsec-");
    dirs.push(dir);
    const s = await startService({
      dir,
      env: { STATUS_RATE_LIMIT_PER_MINUTE: "4", STATUS_FAILURES_PER_CASE_PER_HOUR: "2", TRUST_PROXY: "true" },
    });
    servers.push(s);
    const api = client(s.url, { checkAnswers: true });
    const tk = await setUpAgencies(api);
    const c = await openMedical(api, tk.out, people[2]);
    const from = (ip: string) => ({ "x-forwarded-for": ip });

    // one client: 2 lookups and 2 document requests, then the budget is spent for all three routes
    const right = { caseNumber: c.caseNumber, idNumber: people[2].idNumber };
    expect((await api.call("POST", "/api/status", { body: right, headers: from("10.1.0.1") })).status).toBe(200);
    expect((await api.call("POST", "/api/status/documents", { body: right, headers: from("10.1.0.1") })).status).toBe(
      200,
    );
    expect((await api.call("POST", "/api/status", { body: right, headers: from("10.1.0.1") })).status).toBe(200);
    expect((await api.call("POST", "/api/status/documents", { body: right, headers: from("10.1.0.1") })).status).toBe(
      200,
    );
    for (const [path, body] of [
      ["/api/status", right],
      ["/api/status/documents", right],
      ["/api/status/documents/pdf", { ...right, kind: "receipt" }],
    ] as const) {
      const r = await api.call("POST", path, { body, headers: from("10.1.0.1") });
      expect(r.status, path).toBe(429);
      expectProblem(r);
    }

    // failures against one case number through the documents block the status lookup of it too
    const wrong = { caseNumber: c.caseNumber, idNumber: wrongId };
    expect((await api.call("POST", "/api/status/documents", { body: wrong, headers: from("10.1.1.1") })).status).toBe(
      404,
    );
    expect(
      (
        await api.call("POST", "/api/status/documents/pdf", {
          body: { ...wrong, kind: "receipt" },
          headers: from("10.1.1.2"),
        })
      ).status,
    ).toBe(404);
    expect((await api.call("POST", "/api/status", { body: right, headers: from("10.1.1.3") })).status).toBe(404);
    expect((await api.call("POST", "/api/status/documents", { body: right, headers: from("10.1.1.3") })).status).toBe(
      404,
    );
  });

  it("throttles verifications per client", async () => {
    const dir = tempDir("tracker-docsec-");
    dirs.push(dir);
    const s = await startService({ dir, env: { STATUS_RATE_LIMIT_PER_MINUTE: "3", TRUST_PROXY: "true" } });
    servers.push(s);
    const api = client(s.url, { checkAnswers: true });
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    for (let i = 0; i < 3; i++)
      expect((await api.call("GET", "/api/verify/ABCDEFGHJKMN", { headers: from("10.2.0.1") })).status).toBe(404);
    const r = await api.call("GET", "/api/verify/ABCDEFGHJKMN", { headers: from("10.2.0.1") });
    expect(r.status).toBe(429);
    expectProblem(r);
    expect((await api.call("GET", "/api/verify/ABCDEFGHJKMN", { headers: from("10.2.0.2") })).status).toBe(404);
  });
});
