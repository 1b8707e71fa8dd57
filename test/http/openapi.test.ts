// The OpenAPI document the service serves: clean under Redocly's recommended rules, one unique
// operationId per operation, every answer described; and the answer check that the HTTP tests use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { client, startService, type TestServer } from "../support/server.ts";
import { answerChecker } from "../support/openapi-check.ts";

let server: TestServer;
let doc: any;

beforeAll(async () => {
  server = await startService();
  const r = await client(server.url).call("GET", "/api/openapi.json");
  expect(r.status).toBe(200);
  doc = r.body;
});
afterAll(async () => server?.stop());

const operations = () =>
  Object.entries<any>(doc.paths).flatMap(([path, item]) =>
    Object.entries<any>(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
  );

describe("the OpenAPI document", () => {
  it("has no warnings or errors under Redocly's recommended rules (the licence rule off: no licence chosen yet)", async () => {
    const config = await createConfig({
      extends: ["recommended"],
      rules: { "info-license": "off", "info-license-strict": "off" },
    });
    const found = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: `${server.url}/api/openapi.json`,
      config,
    });
    const lines = found.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`);
    expect(lines).toEqual([]);
  });

  it("names every operation with a unique camelCase operationId", () => {
    const ids = operations().map(({ name, op }) => [name, op.operationId] as const);
    expect(ids.length).toBeGreaterThan(20);
    for (const [name, id] of ids) expect(id, name).toMatch(/^[a-z][A-Za-z0-9]*$/);
    const seen = new Map<string, string>();
    for (const [name, id] of ids) {
      expect(seen.get(id), `${name} reuses the operationId ${id}`).toBeUndefined();
      seen.set(id, name);
    }
  });

  it("describes every success answer with a schema and lists at least one client error", () => {
    for (const { name, op } of operations()) {
      const statuses = Object.keys(op.responses);
      const success = statuses.filter((s) => s.startsWith("2"));
      expect(success.length, name).toBeGreaterThan(0);
      for (const s of success) {
        const content = op.responses[s].content;
        if (s === "204") continue;
        expect(Object.keys(content ?? {}).length, `${name} ${s}`).toBeGreaterThan(0);
        for (const [media, c] of Object.entries<any>(content)) expect(c.schema, `${name} ${s} ${media}`).toBeDefined();
      }
      expect(
        statuses.some((s) => s.startsWith("4")),
        name,
      ).toBe(true);
    }
  });

  it("lists 403 for reading a case, which staff of other agencies get", () => {
    expect(Object.keys(doc.paths["/api/cases/{id}"].get.responses)).toContain("403");
    expect(Object.keys(doc.paths["/api/cases/{id}/events"].get.responses)).toContain("403");
  });

  it("registers the answers' schemas as named components", () => {
    const names = Object.keys(doc.components.schemas);
    for (const n of [
      "Case",
      "CaseSummary",
      "CasePage",
      "CaseEvent",
      "CaseEventLog",
      "CaseStatus",
      "Me",
      "Token",
      "MachineList",
      "MachineDefinition",
      "Agency",
      "User",
      "CalendarSchedule",
      "RegionalPolicy",
      "Health",
      "Problem",
    ]) {
      expect(names, n).toContain(n);
    }
    expect(doc.paths["/api/cases/{id}"].get.responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Case",
    });
  });
});

describe("the answer check of the HTTP tests", () => {
  const reply = (status: number, body: unknown, type = "application/json; charset=utf-8") => ({
    status,
    body,
    headers: new Headers({ "content-type": type }),
  });

  it("passes a documented answer and refuses an undocumented status, field, type or media type, naming what is wrong", async () => {
    const check = answerChecker(server.url);
    await expect(check("GET", "/healthz", reply(200, { status: "ok" }))).resolves.toBeUndefined();
    await expect(check("GET", "/healthz?x=1", reply(418, { status: "ok" }))).rejects.toThrow(
      /GET \/healthz\?x=1 \(operation GET \/healthz\) answered 418, which the document does not list/,
    );
    await expect(check("GET", "/healthz", reply(200, { status: "ok", extra: 1 }))).rejects.toThrow(
      /must NOT have additional properties.*extra/s,
    );
    await expect(check("GET", "/healthz", reply(200, { status: "fine" }))).rejects.toThrow(
      /\/status must be equal to one of the allowed values/,
    );
    await expect(check("GET", "/healthz", reply(200, "ok", "text/plain"))).rejects.toThrow(
      /as text\/plain; the document describes application\/json/,
    );
    const id = "00000000-0000-4000-8000-000000000000";
    await expect(
      check(
        "GET",
        `/api/cases/${id}`,
        reply(403, { type: "/problems/forbidden", title: "Forbidden", status: 403 }, "application/problem+json"),
      ),
    ).resolves.toBeUndefined();
    await expect(
      check("GET", `/api/cases/${id}`, {
        ...reply(200, { id }),
        headers: new Headers({ "content-type": "application/json", etag: '"1"' }),
      }),
    ).rejects.toThrow(/operation GET \/api\/cases\/\{id\}.*must have required property 'caseNumber'/s);
    const noEtag = (await client(server.url).call("GET", "/api/machines")).headers;
    await expect(check("GET", `/api/cases/${id}`, { status: 200, body: {}, headers: noEtag })).rejects.toThrow(
      /answered 200 without its required ETag header/,
    );
    // Paths the document does not describe (the web pages, /metrics) are not checked.
    await expect(check("GET", "/metrics", reply(200, "x", "text/plain"))).resolves.toBeUndefined();
  });
});
