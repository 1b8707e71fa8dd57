// API clients (service accounts) and the online flow of the medical transfer (version 2): the
// national platform files an application at the transfer-in agency, staff of both agencies take it
// to the end; a client records only its scoped events, only for its agency; revocation is refused
// on the next request on every node; administrators see its use. The run also writes (with
// UPDATE_DOCS=1) or checks the integration example in docs/online-channel.md.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, client, freshPerson, person, root, startService, type TestServer } from "../support/server.ts";
import { setUpAgencies } from "../support/server.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { openStore } from "../support/reliability.ts";

let a: TestServer;
let b: TestServer;
let api: Api;
let apiB: Api;
let tokens: Tokens;

beforeAll(async () => {
  // a fixed day, so that the due dates in the example stay what the document says
  const env = { TRACKER_TODAY: "2026-10-09" };
  a = await startService({ env });
  b = await startService({ dir: a.dir, env: { ...env, DATABASE_URL: a.databaseUrl } });
  api = client(a.url, { checkAnswers: true });
  apiB = client(b.url, { checkAnswers: true });
  tokens = await setUpAgencies(api);
}, 120_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

/** The requests and answers of the example, as a platform sends and gets them. */
const transcript: string[] = [];
async function recorded(title: string, method: string, p: string, token: string, body?: unknown) {
  const r = await api.call(method, p, { token, body });
  const shownToken = token.startsWith("sitk_") ? "sitk_…(the key)" : "…(an administrator's token)";
  transcript.push(
    `### ${title}\n\n\`\`\`http\n${method} ${p}\nAuthorization: Bearer ${shownToken}\n` +
      (body === undefined ? "" : `Content-Type: application/json\n\n${JSON.stringify(body, null, 2)}\n`) +
      `\`\`\`\n\n\`\`\`http\nHTTP/1.1 ${r.status}\n\n${JSON.stringify(r.body, null, 2)}\n\`\`\`\n`,
  );
  return r;
}

describe("API clients and the online flow", () => {
  let key = "";
  let clientId = 0;
  let caseId = "";

  it("an administrator creates a client of the transfer-in agency; the key is shown once", async () => {
    const r = await recorded(
      "1. An administrator creates the platform's client (once)",
      "POST",
      "/api/admin/api-clients",
      tokens.admin,
      {
        name: "national-platform",
        agencyCode: "XM",
        events: ["CASE_OPENED", "APPLY_ONLINE", "WITHDRAW"],
      },
    );
    expect(r.status).toBe(201);
    expect(r.body.key).toMatch(/^sitk_\d+_[A-Za-z0-9_-]{43}$/);
    expect(r.body).toMatchObject({ name: "national-platform", agencyCode: "XM", active: true, lastUsedAt: null });
    key = r.body.key;
    clientId = r.body.id;
    const list = await api.call("GET", "/api/admin/api-clients", { token: tokens.admin });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(key.split("_")[2]);
    expect(list.body.items[0]).not.toHaveProperty("key");
    // the key is kept hashed only (SQLite here; the PostgreSQL project runs the same requests)
    if (a.databaseUrl.startsWith("file:")) {
      const store = openStore(a.databaseUrl, { only: ["ApiClient", "AdminAuditEntry"] });
      const rows = store.db.prepare('SELECT * FROM "ApiClient"').all() as Record<string, unknown>[];
      const audit = store.db.prepare('SELECT * FROM "AdminAuditEntry"').all();
      store.close();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.keyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify([rows, audit])).not.toContain(key.split("_")[2]);
    }
  });

  it("bad input changes nothing", async () => {
    for (const body of [
      { name: "x", agencyCode: "NOPE", events: ["APPLY_ONLINE"] },
      { name: "x", agencyCode: "XM", events: ["NO_SUCH_EVENT"] },
      { name: "x", agencyCode: "XM", events: [] },
      { name: "x", agencyCode: "XM", events: ["APPLY_ONLINE"], extra: 1 },
    ]) {
      const r = await api.call("POST", "/api/admin/api-clients", { token: tokens.admin, body });
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    expect((await api.call("GET", "/api/admin/api-clients", { token: tokens.admin })).body.items).toHaveLength(1);
    // staff and clients do not manage clients
    expect((await api.call("GET", "/api/admin/api-clients", { token: tokens.in })).status).toBe(403);
    expect((await api.call("GET", "/api/admin/api-clients", { token: key })).status).toBe(403);
  });

  it("the platform opens a case and files the online application; the events name the client", async () => {
    const opened = await recorded(
      "2. The platform opens the case at the transfer-in agency",
      "POST",
      "/api/cases",
      key,
      {
        type: "medicalTransfer",
        insured: person,
        fromAgency: "FZ",
        toAgency: "XM",
        occurredOn: "2026-09-21",
      },
    );
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ machineVersion: 2, state: "suspended", flow: null });
    caseId = opened.body.id;
    const filed = await recorded("3. It files the online application", "POST", `/api/cases/${caseId}/events`, key, {
      type: "APPLY_ONLINE",
      applicant: "employer",
      occurredOn: "2026-09-22",
    });
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ state: "onlineApplicationFiled", flow: "online", actingSide: "transferIn" });
    // what it may record now: WITHDRAW only (ACCEPT is the agency's)
    expect(filed.body.allowedEvents).toEqual(["WITHDRAW"]);
    const log = await api.call("GET", `/api/cases/${caseId}/events`, { token: tokens.in });
    expect(log.body.items.map((e: any) => [e.type, e.actor])).toEqual([
      ["CASE_OPENED", { kind: "client", username: "national-platform" }],
      ["APPLY_ONLINE", { kind: "client", username: "national-platform" }],
    ]);
  });

  it("a client records only its scoped events, only for its agency, and lists nothing", async () => {
    const accept = await api.call("POST", `/api/cases/${caseId}/events`, {
      token: key,
      body: { type: "ACCEPT", occurredOn: "2026-09-22" },
    });
    expect(accept.status).toBe(403);
    // not its agency: a case FZ → SZ (for another person: `person` has an open medical case)
    const elsewhere = await api.call("POST", "/api/cases", {
      token: key,
      body: { type: "medicalTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "SZ" },
    });
    expect(elsewhere.status).toBe(403);
    const other = await api.call("POST", "/api/cases", {
      token: tokens.other,
      // another person (one name per ID number: `person`'s number is 林小明's)
      body: { type: "renewal", insured: freshPerson("王五"), fromAgency: "SZ" },
    });
    expect(other.status).toBe(201);
    expect((await api.call("GET", `/api/cases/${other.body.id}`, { token: key })).status).toBe(403);
    // staff pages, the case list, the search and the account routes are not for clients
    for (const p of [
      "/api/cases",
      "/api/cases?q=MT",
      "/api/me",
      "/api/admin/reports/sla?from=2026-09-01&to=2026-09-30",
    ]) {
      expect((await api.call("GET", p, { token: key })).status, p).toBe(403);
    }
    // a client without CASE_OPENED opens nothing
    const narrow = await api.call("POST", "/api/admin/api-clients", {
      token: tokens.admin,
      body: { name: "status-only", agencyCode: "XM", events: ["WITHDRAW"] },
    });
    expect(narrow.status).toBe(201);
    const refused = await api.call("POST", "/api/cases", {
      token: narrow.body.key,
      body: { type: "medicalTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "XM" },
    });
    expect(refused.status).toBe(403);
    // keys that are not keys
    for (const bad of ["sitk_1_short", `sitk_${clientId}_${"A".repeat(43)}`, `sitk_999_${"A".repeat(43)}`]) {
      expect((await api.call("GET", `/api/cases/${caseId}`, { token: bad })).status, bad).toBe(401);
    }
  });

  it("staff take the online case to the end: 10 + 5 working days from acceptance", async () => {
    const accepted = await api.call("POST", `/api/cases/${caseId}/events`, {
      token: tokens.in,
      body: { type: "ACCEPT", occurredOn: "2026-09-28" },
    });
    expect(accepted.body).toMatchObject({
      state: "onlineTransferOut",
      actingSide: "transferOut",
      stepStartedOn: "2026-09-28",
      stepDueOn: "2026-10-16", // National Day off, Sat 10 Oct worked
      dueOn: "2026-10-23",
    });
    const status = await recorded("4. The platform checks the progress", "GET", `/api/cases/${caseId}`, key);
    expect(status.body).toMatchObject({ flow: "online", state: "onlineTransferOut", allowedEvents: [] });
    const form = { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen: 0 };
    let r = await api.call("POST", `/api/cases/${caseId}/events`, {
      token: tokens.out,
      body: { type: "ISSUE_RECORD_FORM", occurredOn: "2026-09-29", ...form },
    });
    expect(r.body).toMatchObject({ state: "onlineTransferOut", stepDueOn: "2026-10-16" });
    r = await api.call("POST", `/api/cases/${caseId}/events`, {
      token: tokens.out,
      body: { type: "TRANSFER_OUT_DONE", occurredOn: "2026-09-30", transferredFen: 123_456 },
    });
    expect(r.body).toMatchObject({ state: "transferIn", stepDueOn: "2026-10-13" });
    r = await api.call("POST", `/api/cases/${caseId}/events`, {
      token: tokens.in,
      body: { type: "TRANSFER_IN_DONE", occurredOn: "2026-10-09" },
    });
    expect(r.body).toMatchObject({ state: "transferred", final: true, flow: "online" });
    const lookup = await api.call("POST", "/api/status", {
      body: { caseNumber: r.body.caseNumber, idNumber: person.idNumber },
    });
    expect(lookup.body).toMatchObject({ flow: "online", state: "transferred" });
  });

  it("administrators see the client's use and what it recorded", async () => {
    const list = await api.call("GET", "/api/admin/api-clients", { token: tokens.admin });
    expect(list.body.items[0].lastUsedAt).not.toBeNull();
    const events = await api.call("GET", `/api/admin/api-clients/${clientId}/events`, { token: tokens.admin });
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: any) => e.type)).toEqual(["APPLY_ONLINE", "CASE_OPENED"]);
    const audit = await api.call("GET", "/api/admin/audit-log", { token: tokens.admin });
    expect(audit.status).toBe(200);
    const created = audit.body.items.find(
      (e: any) => e.action === "apiClient.created" && e.target === `apiClient:${clientId}`,
    );
    expect(created.after).toEqual({
      name: "national-platform",
      agencyCode: "XM",
      events: ["CASE_OPENED", "APPLY_ONLINE", "WITHDRAW"],
    });
  });

  it("revoked on one node, refused at once on the other", async () => {
    expect((await apiB.call("GET", `/api/cases/${caseId}`, { token: key })).status).toBe(200);
    const r = await recorded(
      "5. Revoking the client (an administrator)",
      "DELETE",
      `/api/admin/api-clients/${clientId}`,
      tokens.admin,
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ active: false, revokedBy: ADMIN.username });
    const after = await apiB.call("GET", `/api/cases/${caseId}`, { token: key });
    expect(after.status).toBe(401);
    expect((await api.call("GET", `/api/cases/${caseId}`, { token: key })).status).toBe(401);
    expect((await api.call("DELETE", "/api/admin/api-clients/999", { token: tokens.admin })).status).toBe(404);
  });

  it("docs/online-channel.md shows this run (UPDATE_DOCS=1 rewrites it)", () => {
    const file = path.join(root, "docs/online-channel.md");
    const begin = "<!-- example:begin (generated by test/http/api-clients.test.ts) -->";
    const end = "<!-- example:end -->";
    const normalise = (s: string) =>
      s
        .replace(/sitk_\d+_[A-Za-z0-9_-]{43}/g, "sitk_<key>")
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
        .replace(/MT2026-[0-9A-Z]{8}/g, "MT2026-<number>")
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<timestamp>");
    const generated = normalise(transcript.join("\n"));
    const doc = readFileSync(file, "utf8");
    const [head, rest] = doc.split(begin);
    const tail = rest!.split(end)[1]!;
    if (process.env.UPDATE_DOCS === "1") writeFileSync(file, `${head}${begin}\n\n${generated}\n${end}${tail}`);
    else expect(doc.split(begin)[1]!.split(end)[0]!.trim()).toBe(generated.trim());
  });
});
