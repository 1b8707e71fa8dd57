// Access control matrix: every role against every endpoint and every event of a medical
// transfer in every state where the machine defines it, as tables of expected statuses.
// A denied call must change nothing in the database.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import { ADMIN, client, startService, tempDir, type Reply, type TestServer } from "../support/server.ts";
import {
  expectProblem,
  makePeople,
  medicalCaseIn,
  medicalEventBody,
  openMedical,
  openStore,
  type Api,
} from "../support/reliability.ts";
import { medicalTransferV2 } from "../../machines/medicalTransfer.ts";
import { definitionJson } from "../../machines/runtime.ts";

// Real servers, real files, many requests: generous limits for a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const roles = [
  "anonymous",
  "statusLookup",
  "transferOutStaff",
  "transferInStaff",
  "unrelatedStaff",
  "disabledUser",
  "admin",
] as const;
type Role = (typeof roles)[number];

const PASSWORD = "staff-password-123";
const accounts: Partial<Record<Role, { username: string; password: string }>> = {
  transferOutStaff: { username: "fz-clerk", password: PASSWORD },
  transferInStaff: { username: "xm-clerk", password: PASSWORD },
  unrelatedStaff: { username: "sz-clerk", password: PASSWORD },
  disabledUser: { username: "fz-leaver", password: PASSWORD }, // staff of the transfer-out agency, then disabled
  admin: ADMIN,
};

let server: TestServer;
let api: Api;
let store: ReturnType<typeof openStore>;
const token: Partial<Record<Role, string>> = {};
const people = makePeople(1000, 7);
let personIndex = 0;
const nextPerson = () => people[personIndex++ % people.length];
let ref: { id: string; caseNumber: string; idNumber: string };
let refInsured: { name: string; idNumber: string };
let employerCaseId: string;
let calendar2026: { holidays: string[]; workdays: string[] };
let serial = 0;
/** webhooks made in beforeAll: one to change, and one per role to try to delete */
let hookId: number;
const deletableHook: Partial<Record<Role, number>> = {};

beforeAll(async () => {
  // Background jobs (deadline sweeper, webhook delivery) write on their own schedule; this test
  // compares the database before and after each refused request, so it runs without them.
  server = await startService({ dir: tempDir("tracker-access-"), env: { JOBS: "off" } });
  api = client(server.url, { checkAnswers: true });
  const admin = await api.login(ADMIN.username, ADMIN.password);
  for (const a of [
    { code: "FZ", name: "福州市医保中心", region: "350100" },
    { code: "XM", name: "厦门市医保中心", region: "350200" },
    { code: "SZ", name: "深圳市医保中心", region: "440300" },
  ]) {
    expect((await api.call("POST", "/api/admin/agencies", { token: admin, body: a })).status).toBe(201);
  }
  for (const [username, agencyCode] of [
    ["fz-clerk", "FZ"],
    ["xm-clerk", "XM"],
    ["sz-clerk", "SZ"],
    ["fz-leaver", "FZ"],
    ["victim", "SZ"],
  ]) {
    const r = await api.call("POST", "/api/admin/users", {
      token: admin,
      body: { username, password: PASSWORD, role: "staff", agencyCode },
    });
    expect(r.status).toBe(201);
  }
  for (const role of roles) {
    const acc = accounts[role];
    if (acc) token[role] = await api.login(acc.username, acc.password);
  }
  // The leaver's token worked until the account was disabled.
  expect((await api.call("GET", "/api/me", { token: token.disabledUser })).status).toBe(200);
  expect(
    (await api.call("PATCH", "/api/admin/users/fz-leaver", { token: admin, body: { disabled: true } })).status,
  ).toBe(200);

  const insured = nextPerson();
  const c = await medicalCaseIn(
    api,
    { out: token.transferOutStaff!, in: token.transferInStaff! },
    "certificateIssued",
    insured,
  );
  ref = { id: c.id, caseNumber: c.caseNumber, idNumber: insured.idNumber };
  refInsured = insured;
  const employed = await api.call("POST", "/api/cases", {
    token: token.transferOutStaff,
    body: {
      type: "medicalTransfer",
      insured: nextPerson(),
      fromAgency: "FZ",
      toAgency: "XM",
      employer: { name: "福州示例有限公司", creditCode: "91350100M000100Y43" },
    },
  });
  expect(employed.status).toBe(201);
  employerCaseId = employed.body.id;
  calendar2026 = (await api.call("GET", "/api/admin/calendar/2026", { token: admin })).body;
  // Webhooks to a public name, switched off (and no jobs run here): nothing is ever sent.
  const hook = async () => {
    const r = await api.call("POST", "/api/admin/webhooks", {
      token: admin,
      body: { url: "https://hooks.example.gov.cn/access", events: ["deadline.missed"], active: false },
    });
    expect(r.status).toBe(201);
    return r.body.id as number;
  };
  hookId = await hook();
  for (const role of roles) deletableHook[role] = await hook();
  store = openStore(server.databaseUrl);
});

afterAll(async () => {
  store?.close();
  await server?.stop();
  if (server) fs.rmSync(server.dir, { recursive: true, force: true });
});

function call(role: Role, method: string, path: string, body?: unknown): Promise<Reply> {
  return api.call(method, path, { token: token[role], body });
}

interface Row {
  method: string;
  path: string;
  /** expected status per role */
  expect: Record<Role, number>;
  send: (role: Role) => Promise<Reply>;
  /** extra checks on an allowed answer */
  check?: (role: Role, r: Reply) => void;
}

// Compact notation: statuses in the order of `roles`.
function by(...statuses: number[]): Record<Role, number> {
  expect(statuses).toHaveLength(roles.length);
  return Object.fromEntries(roles.map((r, i) => [r, statuses[i]])) as Record<Role, number>;
}
//                       anon stat  out   in  other disab admin
const publicRead = by(200, 200, 200, 200, 200, 200, 200);
const anyUser = by(401, 401, 200, 200, 200, 401, 200);
const caseReader = by(401, 401, 200, 200, 403, 401, 200);
const adminOnly = (ok: number) => by(401, 401, 403, 403, 403, 401, ok);
// clerk tools: the staff of the case's agencies only
const caseStaff = (ok: number) => by(401, 401, ok, ok, 403, 401, 403);
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f5d8a80000000049454e44ae426082",
  "hex",
);
function uploadAs(role: Role): Promise<Reply> {
  return api.upload(`/api/cases/${ref.id}/attachments`, {
    token: token[role],
    fields: { kind: "idCard" },
    file: { bytes: PNG, name: "id.png", type: "image/png" },
  });
}

const rows: Row[] = [
  {
    method: "POST",
    path: "/api/auth/login",
    expect: by(401, 401, 200, 200, 200, 401, 200),
    // each caller logs in with what it has: no account for the anonymous and the status-lookup caller
    send: (role) =>
      api.call("POST", "/api/auth/login", {
        body: accounts[role] ?? { username: `nobody-${role}`, password: "guessed-password" },
      }),
  },
  { method: "GET", path: "/api/me", expect: anyUser, send: (role) => call(role, "GET", "/api/me") },
  {
    method: "POST",
    path: "/api/auth/logout",
    expect: by(401, 401, 204, 204, 204, 401, 204),
    // a token of its own for each account (logging out the table's tokens would end them for the other rows)
    send: async (role) => {
      const acc = accounts[role];
      const own = acc && role !== "disabledUser" ? await api.login(acc.username, acc.password) : token[role];
      return api.call("POST", "/api/auth/logout", { token: own });
    },
  },
  {
    method: "POST",
    path: "/api/me/password",
    // the wrong current password: a change would end the table's tokens
    expect: by(401, 401, 422, 422, 422, 401, 422),
    send: (role) =>
      call(role, "POST", "/api/me/password", {
        currentPassword: "not-the-password",
        newPassword: "another-staff-pass-42",
      }),
  },
  {
    method: "POST",
    path: "/api/status",
    // possession of case number + ID number is the credential; a guessed pair finds nothing
    expect: by(404, 200, 200, 200, 200, 200, 200),
    send: (role) =>
      call(
        role,
        "POST",
        "/api/status",
        role === "anonymous"
          ? { caseNumber: "MT2026-00000000", idNumber: ref.idNumber }
          : { caseNumber: ref.caseNumber, idNumber: ref.idNumber },
      ),
    check: (_role, r) => expect(r.body.insured.idNumber).not.toBe(ref.idNumber),
  },
  { method: "GET", path: "/api/machines", expect: publicRead, send: (role) => call(role, "GET", "/api/machines") },
  {
    method: "GET",
    path: "/api/machines/{type}",
    expect: publicRead,
    send: (role) => call(role, "GET", "/api/machines/medicalTransfer"),
  },
  { method: "GET", path: "/healthz", expect: publicRead, send: (role) => call(role, "GET", "/healthz") },
  {
    method: "GET",
    path: "/api/openapi.json",
    expect: publicRead,
    send: (role) => call(role, "GET", "/api/openapi.json"),
  },
  { method: "GET", path: "/metrics", expect: publicRead, send: (role) => call(role, "GET", "/metrics") },
  { method: "GET", path: "/docs/", expect: publicRead, send: (role) => call(role, "GET", "/docs/") },
  {
    method: "GET",
    path: "/api/cases",
    // administrators, who see personal data masked, may not search by ID number (or name): 403
    expect: by(401, 401, 200, 200, 200, 401, 403),
    send: (role) => call(role, "GET", `/api/cases?limit=200&q=${encodeURIComponent(ref.idNumber)}`),
    // staff of an unrelated agency get an empty list, not someone else's case
    check: (role, r) => expect(r.body.items.map((i: any) => i.id)).toEqual(role === "unrelatedStaff" ? [] : [ref.id]),
  },
  {
    method: "GET",
    path: "/api/cases",
    expect: anyUser,
    // by case number, administrators too
    send: (role) => call(role, "GET", `/api/cases?limit=200&q=${ref.caseNumber}`),
    check: (role, r) => expect(r.body.items.map((i: any) => i.id)).toEqual(role === "unrelatedStaff" ? [] : [ref.id]),
  },
  {
    method: "POST",
    path: "/api/cases",
    expect: by(401, 401, 201, 201, 403, 401, 403),
    send: (role) =>
      call(role, "POST", "/api/cases", {
        type: "medicalTransfer",
        insured: nextPerson(),
        fromAgency: "FZ",
        toAgency: "XM",
      }),
  },
  {
    method: "GET",
    path: "/api/cases/{id}",
    expect: caseReader,
    send: (role) => call(role, "GET", `/api/cases/${ref.id}`),
    check: (role, r) => {
      // administrators read every case, with the insured person's data masked
      if (role === "admin") expect(r.body.insured.idNumber).not.toBe(ref.idNumber);
      else expect(r.body.insured.idNumber).toBe(ref.idNumber);
      // the case is in certificateIssued: what each side records there, nothing for the others
      const allowed: Partial<Record<Role, string[]>> = {
        transferOutStaff: ["REISSUE_CERTIFICATE", "ARREARS_PAID", "FILE_APPLICATION", "WITHDRAW"],
        transferInStaff: ["FILE_APPLICATION", "WITHDRAW"],
      };
      expect(r.body.allowedEvents).toEqual(allowed[role] ?? []);
    },
  },
  {
    method: "GET",
    path: "/api/cases/{id}/events",
    expect: caseReader,
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/events`),
  },
  // --- renewal assessments (issue 16): the reference case is a medical transfer, so the staff of
  // its agencies get 409 (no assessment computed for it); the table changes nothing either way
  {
    method: "POST",
    path: "/api/cases/{id}/assessment-preview",
    expect: by(401, 401, 409, 409, 403, 401, 403),
    send: (role) =>
      call(role, "POST", `/api/cases/${ref.id}/assessment-preview`, {
        firstMissedMonth: "2026-10",
        lastMissedMonth: "2026-11",
        payer: "employer",
      }),
  },
  // --- end renewal assessments
  {
    method: "POST",
    path: "/api/admin/agencies",
    expect: adminOnly(201),
    // issue #28: the insurances it handles
    send: (role) =>
      call(role, "POST", "/api/admin/agencies", {
        code: `AG${++serial}`,
        name: "测试经办机构",
        region: "350100",
        insurances: ["pension"],
      }),
    check: (_role, r) => expect(r.body.insurances).toEqual(["pension"]),
  },
  {
    method: "GET",
    path: "/api/admin/agencies",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/agencies"),
  },
  {
    method: "PATCH",
    path: "/api/admin/agencies/{code}",
    expect: adminOnly(200),
    send: (role) =>
      call(role, "PATCH", "/api/admin/agencies/SZ", {
        name: `深圳市医保中心${++serial}`,
        insurances: ["medical", "pension"],
      }),
    check: (_role, r) => expect(r.body.insurances).toEqual(["medical", "pension"]),
  },
  {
    method: "POST",
    path: "/api/admin/users",
    expect: adminOnly(201),
    send: (role) =>
      call(role, "POST", "/api/admin/users", {
        username: `new-clerk-${++serial}`,
        password: PASSWORD,
        role: "staff",
        agencyCode: "SZ",
      }),
  },
  {
    method: "GET",
    path: "/api/admin/users",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/users"),
  },
  {
    method: "PATCH",
    path: "/api/admin/users/{username}",
    expect: adminOnly(200),
    send: (role) => call(role, "PATCH", "/api/admin/users/victim", { disabled: true }),
  },
  {
    method: "GET",
    path: "/api/admin/calendar",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/calendar"),
  },
  {
    method: "GET",
    path: "/api/admin/calendar/{year}",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/calendar/2026"),
  },
  {
    method: "PUT",
    path: "/api/admin/calendar/{year}",
    expect: adminOnly(200),
    send: (role) =>
      call(role, "PUT", "/api/admin/calendar/2026", {
        holidays: calendar2026.holidays,
        workdays: calendar2026.workdays,
      }),
  },
  {
    method: "POST",
    path: "/api/admin/policies",
    expect: adminOnly(201),
    send: (role) =>
      call(role, "POST", "/api/admin/policies", {
        region: "350100",
        effectiveFrom: `2026-01-${String((++serial % 28) + 1).padStart(2, "0")}`,
        contributionBaseFen: 500_000,
        rateBasisPoints: 1000,
        lateFeePerDayPpm: 500,
        lateFeeAppliesToFlexible: false,
        maxBackPayMonths: 3,
        waitingPeriodMonths: 6,
        // issue #28: a policy names its insurance
        insurance: "pension",
      }),
    check: (_role, r) => expect(r.body.insurance).toBe("pension"),
  },
  {
    method: "GET",
    path: "/api/admin/policies",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/policies?insurance=pension"),
    check: (_role, r) => expect(r.body.items.every((p: any) => p.insurance === "pension")).toBe(true),
  },
  {
    method: "POST",
    path: "/api/admin/webhooks",
    expect: adminOnly(201),
    send: (role) =>
      call(role, "POST", "/api/admin/webhooks", {
        url: `https://hooks.example.gov.cn/${++serial}`,
        events: ["deadline.missed"],
        active: false,
      }),
    check: (_role, r) => expect(r.body.secret).toMatch(/^whsec_/),
  },
  {
    method: "GET",
    path: "/api/admin/webhooks",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/webhooks"),
  },
  {
    method: "PATCH",
    path: "/api/admin/webhooks/{id}",
    expect: adminOnly(200),
    send: (role) =>
      call(role, "PATCH", `/api/admin/webhooks/${hookId}`, { url: `https://hooks.example.gov.cn/changed-${++serial}` }),
  },
  {
    method: "DELETE",
    path: "/api/admin/webhooks/{id}",
    expect: adminOnly(204),
    send: (role) => call(role, "DELETE", `/api/admin/webhooks/${deletableHook[role]}`),
  },
  {
    method: "GET",
    path: "/api/admin/webhooks/{id}/deliveries",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", `/api/admin/webhooks/${hookId}/deliveries`),
  },
  {
    method: "POST",
    path: "/api/admin/deliveries/{id}/redeliver",
    // no delivery exists here (no jobs run): the administrator is told so
    expect: adminOnly(404),
    send: (role) => call(role, "POST", "/api/admin/deliveries/00000000-0000-4000-8000-000000000000/redeliver"),
  },
  {
    method: "GET",
    path: "/api/admin/audit",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/audit?from=2026-01-01&to=2026-12-31"),
  },
  {
    method: "GET",
    path: "/api/admin/audit-log",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/audit-log?action=user.created&limit=5"),
  },
  // ---- API clients (online channel)
  {
    method: "POST",
    path: "/api/admin/api-clients",
    expect: adminOnly(201),
    send: (role) =>
      call(role, "POST", "/api/admin/api-clients", {
        name: `platform-${++serial}`,
        agencyCode: "XM",
        events: ["APPLY_ONLINE"],
      }),
    check: (_role, r) => expect(r.body.key).toMatch(/^sitk_/),
  },
  {
    method: "GET",
    path: "/api/admin/api-clients",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/api-clients"),
    check: (_role, r) => expect(JSON.stringify(r.body)).not.toContain('"key"'),
  },
  {
    method: "GET",
    path: "/api/admin/api-clients/{id}/events",
    // no client 999: the administrator is told so
    expect: adminOnly(404),
    send: (role) => call(role, "GET", "/api/admin/api-clients/999/events"),
  },
  {
    method: "DELETE",
    path: "/api/admin/api-clients/{id}",
    expect: adminOnly(404),
    send: (role) => call(role, "DELETE", "/api/admin/api-clients/999"),
  },
  {
    method: "GET",
    path: "/api/admin/audit-log.csv",
    expect: adminOnly(200),
    send: (role) => call(role, "GET", "/api/admin/audit-log.csv?from=2026-01-01&to=2026-12-31"),
  },
  // documents (issue #17): staff of the case's agencies only (administrators get what other
  // agencies' staff get); the insured person after the status lookup's check; verification by anyone
  {
    method: "GET",
    path: "/api/cases/{id}/documents",
    expect: by(401, 401, 200, 200, 403, 401, 403),
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/documents`),
    check: (_role, r) => expect(r.body.items.map((d: any) => d.kind)).toEqual(["insuranceCertificate"]),
  },
  {
    method: "GET",
    path: "/api/cases/{id}/documents/{kind}",
    expect: by(401, 401, 200, 200, 403, 401, 403),
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/documents/insuranceCertificate`),
    check: (_role, r) => expect(r.headers.get("content-type")).toBe("application/pdf"),
  },
  {
    method: "POST",
    path: "/api/status/documents",
    expect: by(404, 200, 200, 200, 200, 200, 200),
    send: (role) =>
      call(
        role,
        "POST",
        "/api/status/documents",
        role === "anonymous"
          ? { caseNumber: "MT2026-00000000", idNumber: ref.idNumber }
          : { caseNumber: ref.caseNumber, idNumber: ref.idNumber },
      ),
  },
  {
    method: "POST",
    path: "/api/status/documents/pdf",
    expect: by(404, 200, 200, 200, 200, 200, 200),
    send: (role) =>
      call(role, "POST", "/api/status/documents/pdf", {
        caseNumber: role === "anonymous" ? "MT2026-00000000" : ref.caseNumber,
        idNumber: ref.idNumber,
        kind: "insuranceCertificate",
      }),
  },
  {
    method: "GET",
    path: "/api/verify/{code}",
    expect: by(404, 200, 200, 200, 200, 200, 200),
    // anyone holding the paper checks it; the anonymous caller here holds no real code
    send: async (role) => {
      const listed = await call("transferOutStaff", "GET", `/api/cases/${ref.id}/documents`);
      const code = role === "anonymous" ? "ABCDEFGHJKMN" : listed.body.items[0].verificationCode;
      return call(role, "GET", `/api/verify/${code}`);
    },
    check: (_role, r) => expect(r.body).toMatchObject({ caseNumber: ref.caseNumber, status: "valid" }),
  },
  // ---- batch filing (importui): POST /api/cases/import, its job, the templates
  {
    method: "POST",
    path: "/api/cases/import",
    // staff of any agency may upload; a row for agencies not their own is refused in the answer
    expect: by(401, 401, 200, 200, 200, 401, 403),
    send: (role) => uploadImport(role, nextPerson()),
    check: (role, r) =>
      expect(r.body.rows.map((x: any) => x.status)).toEqual([role === "unrelatedStaff" ? "refused" : "opened"]),
  },
  {
    method: "GET",
    path: "/api/case-imports/{id}",
    // the job of the transfer-out agency: other agencies' staff are told it does not exist
    expect: by(401, 401, 200, 404, 404, 401, 403),
    send: (role) => call(role, "GET", `/api/case-imports/${outImportId}`),
  },
  ...(["csv", "xlsx"] as const).map((format) => ({
    method: "GET",
    path: `/api/cases/import/template.${format}`,
    expect: by(401, 401, 200, 200, 200, 401, 403),
    send: (role: Role) => call(role, "GET", `/api/cases/import/template.${format}`),
  })),
  // ---- end of batch filing (importui)
  // --- clerk tools (assignment, notes, attachments; docs/clerk-tools.md): the staff of the
  // case's agencies only; administrators and unrelated staff see nothing of notes or attachments
  {
    method: "PUT",
    path: "/api/cases/{id}/assignee",
    expect: caseStaff(200),
    send: (role) =>
      call(role, "PUT", `/api/cases/${ref.id}/assignee`, {
        username: role === "transferInStaff" ? "xm-clerk" : role === "unrelatedStaff" ? "sz-clerk" : "fz-clerk",
      }),
  },
  {
    method: "GET",
    path: "/api/cases/{id}/assignment",
    expect: caseStaff(200),
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/assignment`),
  },
  {
    method: "GET",
    path: "/api/agency/workload",
    expect: by(401, 401, 200, 200, 200, 401, 403),
    send: (role) => call(role, "GET", "/api/agency/workload"),
    check: (role, r) =>
      expect(r.body.agency).toBe({ transferOutStaff: "FZ", transferInStaff: "XM" }[role as string] ?? "SZ"),
  },
  {
    method: "POST",
    path: "/api/agency/workload/reassign",
    // each clerk hands over within their own agency (the leaver's cases to the clerk who stays)
    expect: by(401, 401, 200, 422, 200, 401, 403),
    send: (role) =>
      call(
        role,
        "POST",
        "/api/agency/workload/reassign",
        role === "unrelatedStaff" ? { from: "victim", to: "sz-clerk" } : { from: "fz-leaver", to: "fz-clerk" },
      ),
  },
  {
    method: "POST",
    path: "/api/cases/{id}/notes",
    expect: caseStaff(201),
    send: (role) => call(role, "POST", `/api/cases/${ref.id}/notes`, { text: `note by ${role}` }),
  },
  {
    method: "GET",
    path: "/api/cases/{id}/notes",
    expect: caseStaff(200),
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/notes`),
    // the row above: each agency's clerk added one
    check: (_role, r) =>
      expect(r.body.items.map((n: any) => n.text)).toEqual(["note by transferOutStaff", "note by transferInStaff"]),
  },
  {
    method: "POST",
    path: "/api/cases/{id}/attachments",
    expect: caseStaff(201),
    send: (role) => uploadAs(role),
  },
  {
    method: "GET",
    path: "/api/cases/{id}/attachments",
    expect: caseStaff(200),
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/attachments`),
    // the row above: each agency's clerk uploaded the same scan
    check: (_role, r) =>
      expect(r.body.items.map((a: any) => [a.kind, a.fileName, a.mediaType, a.size])).toEqual([
        ["idCard", "id.png", "image/png", PNG.length],
        ["idCard", "id.png", "image/png", PNG.length],
      ]),
  },
  {
    method: "GET",
    path: "/api/cases/{id}/attachments/{attachmentId}",
    expect: caseStaff(200),
    send: async (role) => {
      const list = await call("transferOutStaff", "GET", `/api/cases/${ref.id}/attachments`);
      return call(role, "GET", `/api/cases/${ref.id}/attachments/${list.body.items[0].id}`);
    },
  },
  // --- end clerk tools
  // ---- parties (issue #15: docs/parties.md) ----
  {
    method: "POST",
    path: "/api/cases",
    // the same person again: the open case's agencies' staff learn its number, nobody opens a second
    expect: by(401, 401, 409, 409, 403, 401, 403),
    send: (role) =>
      call(role, "POST", "/api/cases", {
        type: "medicalTransfer",
        insured: refInsured,
        fromAgency: "FZ",
        toAgency: "XM",
      }),
  },
  {
    method: "GET",
    path: "/api/cases/{id}/related",
    expect: caseReader,
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/related`),
  },
  {
    method: "GET",
    path: "/api/enrolments/duplicates",
    expect: anyUser,
    send: (role) => call(role, "GET", "/api/enrolments/duplicates"),
    check: (_role, r) => expect(r.body.items).toEqual([]),
  },
  {
    method: "GET",
    path: "/api/agencies",
    expect: anyUser,
    send: (role) => call(role, "GET", `/api/agencies?q=${encodeURIComponent("厦门")}`),
    check: (_role, r) =>
      expect(r.body.items.map((a: any) => [a.code, a.insurances])).toEqual([["XM", ["medical", "pension"]]]),
  },
  {
    method: "GET",
    path: "/api/cases",
    // an employer's credit code is not personal data: administrators may search it
    expect: anyUser,
    send: (role) => call(role, "GET", "/api/cases?limit=200&q=91350100M000100Y43"),
    check: (role, r) =>
      expect(r.body.items.map((i: any) => i.id)).toEqual(role === "unrelatedStaff" ? [] : [employerCaseId]),
  },
  // ---- end of parties ----
  // ---- contribution records (issue #28: docs/contributions.md) ----
  {
    method: "GET",
    path: "/api/cases/{id}/contributions",
    expect: caseReader,
    send: (role) => call(role, "GET", `/api/cases/${ref.id}/contributions`),
    // staff see their agency's rows; administrators the totals of both agencies only
    check: (role, r) => {
      expect(r.body.totals.map((t: any) => t.agency)).toEqual(
        role === "admin" ? ["FZ", "XM"] : [role === "transferOutStaff" ? "FZ" : "XM"],
      );
      expect(r.body.items).toEqual([]);
    },
  },
  // importing contribution records (docs/contributions.md, "Importing"): staff, their agency's records
  {
    method: "POST",
    path: "/api/contributions/import",
    expect: by(401, 401, 200, 200, 200, 401, 403),
    send: (role) => uploadContributions(role, nextPerson()),
    check: (_role, r) => expect(r.body).toMatchObject({ added: 1, refused: 0, written: true }),
  },
  {
    method: "GET",
    path: "/api/contribution-imports/{id}",
    // the transfer-out agency's import: other agencies' staff are told it does not exist
    expect: by(401, 401, 200, 404, 404, 401, 403),
    send: (role) => call(role, "GET", `/api/contribution-imports/${outContributionImportId}`),
  },
  ...(["csv", "xlsx"] as const).map((format) => ({
    method: "GET",
    path: `/api/contributions/import/template.${format}`,
    expect: by(401, 401, 200, 200, 200, 401, 403),
    send: (role: Role) => call(role, "GET", `/api/contributions/import/template.${format}`),
  })),
];

/** A one-month contributions CSV upload as `role` (for the role's own agency). */
function uploadContributions(role: Role, p: { idNumber: string }): Promise<Reply> {
  const csv = `idNumber,insurance,month,base,employer,individual,accountCredit,status,payer\n${p.idNumber},medical,2025-01,5600.00,448.00,112.00,168.00,paid,flexible\n`;
  return api.upload("/api/contributions/import", {
    token: token[role],
    file: { bytes: csv, name: "contributions.csv", type: "text/csv" },
  });
}
let outContributionImportId = "";
beforeAll(async () => {
  const r = await uploadContributions("transferOutStaff", nextPerson());
  expect(r.status).toBe(200);
  outContributionImportId = r.body.id as string;
});

/** Batch filing (importui): a one-row CSV upload as `role`. */
function uploadImport(role: Role, p: { name: string; idNumber: string }): Promise<Reply> {
  const csv = `type,name,idNumber,fromAgency,toAgency\nmedicalTransfer,${p.name},${p.idNumber},FZ,XM\n`;
  return api.upload("/api/cases/import", {
    token: token[role],
    file: { bytes: csv, name: "cases.csv", type: "text/csv" },
  });
}
let outImportId = "";
beforeAll(async () => {
  const r = await uploadImport("transferOutStaff", nextPerson());
  expect(r.status).toBe(200);
  outImportId = r.body.id as string;
});

async function expectCell(expected: number, send: () => Promise<Reply>, check?: (r: Reply) => void) {
  const before = store.fingerprint();
  const r = await send();
  expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(expected);
  if (expected >= 400) {
    expectProblem(r);
    expect(store.fingerprint(), "a refused call changed the database").toBe(before);
  } else check?.(r);
  return r;
}

describe("every endpoint × every role", () => {
  for (const row of rows) {
    for (const role of roles) {
      it(`${row.method} ${row.path} as ${role} → ${row.expect[role]}`, async () => {
        await expectCell(row.expect[role], () => row.send(role), row.check && ((r) => row.check!(role, r)));
      });
    }
  }

  it("covers every operation of the OpenAPI document; operations added later get the generic rules", async () => {
    const doc = (await api.call("GET", "/api/openapi.json")).body;
    const known = new Set(rows.map((r) => `${r.method} ${r.path}`));
    const documented: { method: string; path: string; isPublic: boolean }[] = [];
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        documented.push({
          method: method.toUpperCase(),
          path,
          isPublic: Array.isArray(op.security) && op.security.length === 0,
        });
      }
    }
    expect(documented.length).toBeGreaterThan(20);
    // Operations this table does not list yet (e.g. added by a later feature) still get the rules
    // every protected endpoint obeys: no token or a disabled account → 401; staff on /api/admin → 403.
    for (const op of documented.filter((d) => !known.has(`${d.method} ${d.path}`))) {
      const concrete = op.path.replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
      for (const role of roles) {
        const before = store.fingerprint();
        const r = await call(role, op.method, concrete, op.method === "GET" ? undefined : {});
        expect(r.status, `${op.method} ${op.path} as ${role}`).toBeLessThan(500);
        if (op.isPublic) continue;
        const expected =
          role === "anonymous" || role === "statusLookup" || role === "disabledUser"
            ? 401
            : op.path.startsWith("/api/admin") && role !== "admin"
              ? 403
              : undefined;
        if (expected !== undefined) {
          expect(r.status, `${op.method} ${op.path} as ${role}`).toBe(expected);
          expectProblem(r);
          expect(store.fingerprint()).toBe(before);
        }
      }
    }
    // And every row of the table is a documented operation (or one of the documented extras).
    const extras = new Set(["GET /api/openapi.json", "GET /metrics", "GET /docs/"]);
    for (const k of known) if (!extras.has(k)) expect(documented.map((d) => `${d.method} ${d.path}`)).toContain(k);
  });
});

// ------------------------------------------------------------------ events

/** Who records each medical-transfer event (DOMAIN.md); checked against the machine below. */
const recorders: Record<string, ("transferOut" | "transferIn")[]> = {
  ISSUE_CERTIFICATE: ["transferOut"],
  REISSUE_CERTIFICATE: ["transferOut"],
  ARREARS_PAID: ["transferOut"],
  TRANSFER_OUT_DONE: ["transferOut"],
  FILE_APPLICATION: ["transferOut", "transferIn"],
  WITHDRAW: ["transferOut", "transferIn"],
  ACCEPT: ["transferIn"],
  REFUSE: ["transferIn"],
  TRANSFER_IN_DONE: ["transferIn"],
  // version 2's online flow
  APPLY_ONLINE: ["transferIn"],
  ISSUE_RECORD_FORM: ["transferOut"],
};

function expectedForEvent(role: Role, type: string): number {
  switch (role) {
    case "anonymous":
    case "statusLookup":
    case "disabledUser":
      return 401;
    case "admin": // administrators manage; they do not record case events
    case "unrelatedStaff":
      return 403;
    case "transferOutStaff":
      return recorders[type].includes("transferOut") ? 200 : 403;
    case "transferInStaff":
      return recorders[type].includes("transferIn") ? 200 : 403;
  }
}

// the latest version, which new cases get: the paper flow of version 1 and the online flow
const definition = definitionJson(medicalTransferV2);
const cells = Object.entries(definition.states).flatMap(([state, s]) =>
  Object.keys(s.on).map((type) => ({ state, type })),
);

describe("every medical-transfer event in every state that defines it × every role", () => {
  it("the table of recorders is the machine's", () => {
    expect(Object.keys(recorders).sort()).toEqual(Object.keys(medicalTransferV2.events).sort());
    for (const [type, spec] of Object.entries(medicalTransferV2.events))
      expect([...spec.recordedBy].sort()).toEqual([...recorders[type]].sort());
    expect(cells).toHaveLength(27); // the (state, event) pairs of version 2's paper and online flows
  });

  for (const { state, type } of cells) {
    for (const role of roles) {
      const expected = expectedForEvent(role, type);
      it(`${type} in ${state} as ${role} → ${expected}`, async () => {
        const arrears = type === "ARREARS_PAID" ? 35_000 : 0;
        const c = await inStateFor(state, type, arrears);
        const r = await expectCell(expected, () =>
          call(role, "POST", `/api/cases/${c.id}/events`, medicalEventBody(type, arrears)),
        );
        const events = (await call("transferOutStaff", "GET", `/api/cases/${c.id}/events`)).body.items;
        if (expected === 200) {
          expect(r.body.version).toBe(c.version + 1);
          expect(events.at(-1)).toMatchObject({
            seq: c.version + 1,
            type,
            fromState: state,
            actor: { username: accounts[role]!.username },
          });
        } else {
          expect(events).toHaveLength(c.version);
        }
      });
    }
  }
});

/**
 * A case in `state` where `type` can pass its guards: in the online transfer-out, every event but
 * the record form itself comes after the record form (stating `arrearsFen`).
 */
async function inStateFor(state: string, type: string, arrearsFen: number) {
  const c = await medicalCaseIn(
    api,
    { out: token.transferOutStaff!, in: token.transferInStaff! },
    state,
    nextPerson(),
    arrearsFen,
  );
  if (state !== "onlineTransferOut" || type === "ISSUE_RECORD_FORM") return c;
  const r = await call(
    "transferOutStaff",
    "POST",
    `/api/cases/${c.id}/events`,
    medicalEventBody("ISSUE_RECORD_FORM", arrearsFen),
  );
  expect(r.status).toBe(200);
  return r.body as typeof c;
}

// ------------------------------------------------------------------ API clients (online channel)
// Service accounts (src/engine/apiClients.ts) against every endpoint and every event of the latest
// medical transfer: only their scoped events, only on their agency's side, never a staff page.

const clientKinds = ["xmPlatform", "fzClient", "xmNarrow", "revoked"] as const;
type ClientKind = (typeof clientKinds)[number];
const clientSpec: Record<ClientKind, { agencyCode: string; events: string[] }> = {
  xmPlatform: { agencyCode: "XM", events: ["CASE_OPENED", "APPLY_ONLINE", "WITHDRAW"] },
  fzClient: {
    agencyCode: "FZ",
    events: ["ISSUE_RECORD_FORM", "REISSUE_CERTIFICATE", "ARREARS_PAID", "TRANSFER_OUT_DONE"],
  },
  xmNarrow: { agencyCode: "XM", events: ["WITHDRAW"] },
  revoked: { agencyCode: "XM", events: ["CASE_OPENED", "APPLY_ONLINE", "ACCEPT", "WITHDRAW"] },
};
const clientKey: Partial<Record<ClientKind, string>> = {};
const clientId: Partial<Record<ClientKind, number>> = {};

describe("API clients × every endpoint and every event", () => {
  // An authenticated request notes the client's last use (ApiClient.lastUsedAt, once a minute): the
  // refused calls are checked against every other table.
  let others: ReturnType<typeof openStore>;
  const expectClientCell = async (expected: number, send: () => Promise<Reply>) => {
    const before = others.fingerprint();
    const r = await send();
    expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(expected);
    if (expected >= 400) {
      expectProblem(r);
      expect(others.fingerprint(), "a refused call changed the database").toBe(before);
    }
    return r;
  };
  afterAll(() => others?.close());

  beforeAll(async () => {
    const tables = (
      store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    others = openStore(server.databaseUrl, { only: tables.filter((t) => t !== "ApiClient") });
    const admin = await api.login(ADMIN.username, ADMIN.password);
    for (const kind of clientKinds) {
      const r = await api.call("POST", "/api/admin/api-clients", {
        token: admin,
        body: { name: `client-${kind}`, ...clientSpec[kind] },
      });
      expect(r.status).toBe(201);
      clientKey[kind] = r.body.key;
      clientId[kind] = r.body.id;
    }
    expect((await api.call("DELETE", `/api/admin/api-clients/${clientId.revoked}`, { token: admin })).status).toBe(200);
  });

  const asClient = (kind: ClientKind, method: string, path: string, body?: unknown) =>
    api.call(method, path, { token: clientKey[kind], body });
  //                                  xmPlatform fzClient xmNarrow revoked
  const c4 = (...s: number[]) => Object.fromEntries(clientKinds.map((k, i) => [k, s[i]])) as Record<ClientKind, number>;
  const endpoints: {
    method: string;
    path: string;
    expect: Record<ClientKind, number>;
    send: (k: ClientKind) => Promise<Reply>;
  }[] = [
    { method: "GET", path: "/api/me", expect: c4(403, 403, 403, 401), send: (k) => asClient(k, "GET", "/api/me") },
    {
      method: "GET",
      path: "/api/cases",
      expect: c4(403, 403, 403, 401),
      send: (k) => asClient(k, "GET", `/api/cases?q=${ref.caseNumber}`),
    },
    {
      method: "POST",
      path: "/api/cases",
      expect: c4(201, 403, 403, 401),
      send: (k) =>
        asClient(k, "POST", "/api/cases", {
          type: "medicalTransfer",
          insured: nextPerson(),
          fromAgency: "FZ",
          toAgency: "XM",
        }),
    },
    {
      method: "POST",
      path: "/api/cases",
      // not for its agency
      expect: c4(403, 403, 403, 401),
      send: (k) =>
        asClient(k, "POST", "/api/cases", {
          type: "medicalTransfer",
          insured: nextPerson(),
          fromAgency: "FZ",
          toAgency: "SZ",
        }),
    },
    {
      method: "GET",
      path: "/api/cases/{id}",
      expect: c4(200, 200, 200, 401),
      send: (k) => asClient(k, "GET", `/api/cases/${ref.id}`),
    },
    {
      method: "GET",
      path: "/api/cases/{id}/events",
      expect: c4(200, 200, 200, 401),
      send: (k) => asClient(k, "GET", `/api/cases/${ref.id}/events`),
    },
    {
      method: "POST",
      path: "/api/admin/api-clients",
      expect: c4(403, 403, 403, 401),
      send: (k) =>
        asClient(k, "POST", "/api/admin/api-clients", { name: "self-made", agencyCode: "XM", events: ["ACCEPT"] }),
    },
    {
      method: "GET",
      path: "/api/admin/api-clients",
      expect: c4(403, 403, 403, 401),
      send: (k) => asClient(k, "GET", "/api/admin/api-clients"),
    },
    {
      method: "GET",
      path: "/api/admin/api-clients/{id}/events",
      expect: c4(403, 403, 403, 401),
      send: (k) => asClient(k, "GET", `/api/admin/api-clients/${clientId[k]}/events`),
    },
    {
      method: "DELETE",
      path: "/api/admin/api-clients/{id}",
      expect: c4(403, 403, 403, 401),
      send: (k) => asClient(k, "DELETE", `/api/admin/api-clients/${clientId[k]}`),
    },
    {
      method: "GET",
      path: "/api/admin/users",
      expect: c4(403, 403, 403, 401),
      send: (k) => asClient(k, "GET", "/api/admin/users"),
    },
    {
      method: "POST",
      path: "/api/status",
      // public: a key is neither needed nor looked at
      expect: c4(200, 200, 200, 200),
      send: (k) =>
        api
          .call("POST", "/api/status", { body: { caseNumber: ref.caseNumber, idNumber: ref.idNumber }, headers: {} })
          .then((r) => (void k, r)),
    },
  ];
  for (const row of endpoints) {
    for (const kind of clientKinds) {
      it(`${row.method} ${row.path} as the API client ${kind} → ${row.expect[kind]}`, async () => {
        await expectClientCell(row.expect[kind], () => row.send(kind));
      });
    }
  }

  const expectedForClient = (kind: ClientKind, type: string): number => {
    if (kind === "revoked") return 401;
    const side = clientSpec[kind].agencyCode === "FZ" ? "transferOut" : "transferIn";
    return clientSpec[kind].events.includes(type) && recorders[type]!.includes(side) ? 200 : 403;
  };
  for (const { state, type } of cells) {
    for (const kind of clientKinds) {
      const expected = expectedForClient(kind, type);
      it(`${type} in ${state} as the API client ${kind} → ${expected}`, async () => {
        const arrears = type === "ARREARS_PAID" ? 35_000 : 0;
        const c = await inStateFor(state, type, arrears);
        await expectClientCell(expected, () =>
          asClient(kind, "POST", `/api/cases/${c.id}/events`, medicalEventBody(type, arrears)),
        );
        const events = (await call("transferOutStaff", "GET", `/api/cases/${c.id}/events`)).body.items;
        if (expected === 200) {
          expect(events.at(-1)).toMatchObject({
            type,
            fromState: state,
            actor: { kind: "client", username: `client-${kind}` },
          });
        } else expect(events).toHaveLength(c.version);
      });
    }
  }
});

describe("the transfer-in agency's staff open cases too, and staff never open for agencies not their own", () => {
  it("allows FZ→XM by XM staff, refuses SZ staff opening FZ→XM and FZ staff opening XM→SZ", async () => {
    await openMedical(api, token.transferInStaff!, nextPerson());
    for (const [role, from, to] of [
      ["unrelatedStaff", "FZ", "XM"],
      ["transferOutStaff", "XM", "SZ"],
    ] as const) {
      await expectCell(403, () =>
        call(role, "POST", "/api/cases", {
          type: "medicalTransfer",
          insured: nextPerson(),
          fromAgency: from,
          toAgency: to,
        }),
      );
    }
  });
});
