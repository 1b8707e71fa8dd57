// Administration over HTTP: agencies and their limits, accounts, calendar years, policies, audit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, person, startService, type TestServer } from "../support/server.ts";
import { startWithAgencies, medicalCertificate, openCase, type Api, type Tokens } from "../support/fixtures.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({}, { checkAnswers: true }));
});
afterAll(async () => server?.stop());

describe("agencies", () => {
  it("creates, lists and refuses bad or duplicate agencies", async () => {
    const list = await api.call("GET", "/api/admin/agencies", { token: tokens.admin });
    expect(list.body.items.map((a: any) => a.code)).toEqual(["FZ", "SZ", "XM"]);
    expect(
      (
        await api.call("POST", "/api/admin/agencies", {
          token: tokens.admin,
          body: { code: "FZ", name: "x", region: "350100" },
        })
      ).status,
    ).toBe(409);
    const bad = await api.call("POST", "/api/admin/agencies", {
      token: tokens.admin,
      body: { code: "a b", name: "", region: "35" + "x" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(["code", "name", "region"]);
    expect(
      (
        await api.call("POST", "/api/admin/agencies", {
          token: tokens.out,
          body: { code: "NEW", name: "x", region: "350100" },
        })
      ).status,
    ).toBe(403);
  });

  it("takes shorter deadline limits, never longer than the national ceiling, and applies them", async () => {
    let r = await api.call("PATCH", "/api/admin/agencies/XM", {
      token: tokens.admin,
      body: { limits: { "medicalTransfer.overall": 16 } },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].path).toBe("limits.medicalTransfer.overall");
    r = await api.call("PATCH", "/api/admin/agencies/XM", {
      token: tokens.admin,
      body: { limits: { "no.such.limit": 3 } },
    });
    expect(r.status).toBe(422);
    // The promise of 8 + 7 from DOMAIN.md: FZ transfers out within 8, XM completes overall within 12.
    r = await api.call("PATCH", "/api/admin/agencies/FZ", {
      token: tokens.admin,
      body: { limits: { "medicalTransfer.transferOut": 8 } },
    });
    expect(r.status).toBe(200);
    r = await api.call("PATCH", "/api/admin/agencies/XM", {
      token: tokens.admin,
      body: { limits: { "medicalTransfer.overall": 12 } },
    });
    expect(r.body.limits).toEqual({ "medicalTransfer.overall": 12 });

    const c = await openCase(api, tokens.out, { occurredOn: "2026-06-01" });
    await api.call("POST", `/api/cases/${c.id}/events`, {
      token: tokens.out,
      body: medicalCertificate({ occurredOn: "2026-06-01" }),
    });
    await api.call("POST", `/api/cases/${c.id}/events`, {
      token: tokens.in,
      body: { type: "FILE_APPLICATION", channel: "online", applicant: "individual", occurredOn: "2026-06-02" },
    });
    r = await api.call("POST", `/api/cases/${c.id}/events`, {
      token: tokens.in,
      body: { type: "ACCEPT", occurredOn: "2026-06-08" },
    });
    // From Mon 8 Jun 2026: 8 working days → Thu 18 Jun (Dragon Boat 19–21 Jun off); 12 → Thu 25 Jun.
    expect(r.body).toMatchObject({ stepDueOn: "2026-06-18", dueOn: "2026-06-25" });
    await api.call("PATCH", "/api/admin/agencies/FZ", { token: tokens.admin, body: { limits: {} } });
    await api.call("PATCH", "/api/admin/agencies/XM", { token: tokens.admin, body: { limits: {} } });
  });
});

describe("accounts", () => {
  it("creates staff, refuses inconsistent accounts, and disabling a user stops their token at once", async () => {
    let r = await api.call("POST", "/api/admin/users", {
      token: tokens.admin,
      body: { username: "temp-clerk", password: "temporary-pass-1", role: "staff" },
    });
    expect(r.status).toBe(422);
    r = await api.call("POST", "/api/admin/users", {
      token: tokens.admin,
      body: { username: "boss2", password: "temporary-pass-1", role: "admin", agencyCode: "FZ" },
    });
    expect(r.status).toBe(422);
    r = await api.call("POST", "/api/admin/users", {
      token: tokens.admin,
      body: { username: "temp-clerk", password: "short", role: "staff", agencyCode: "FZ" },
    });
    expect(r.status).toBe(422);
    r = await api.call("POST", "/api/admin/users", {
      token: tokens.admin,
      body: { username: "temp-clerk", password: "temporary-pass-1", role: "staff", agencyCode: "FZ" },
    });
    expect(r.status).toBe(201);
    expect(r.body).not.toHaveProperty("passwordHash");
    expect(
      (
        await api.call("POST", "/api/admin/users", {
          token: tokens.admin,
          body: { username: "temp-clerk", password: "temporary-pass-1", role: "staff", agencyCode: "FZ" },
        })
      ).status,
    ).toBe(409);

    const temp = await api.login("temp-clerk", "temporary-pass-1");
    expect((await api.call("GET", "/api/cases", { token: temp })).status).toBe(200);
    r = await api.call("PATCH", "/api/admin/users/temp-clerk", { token: tokens.admin, body: { disabled: true } });
    expect(r.body.disabled).toBe(true);
    expect((await api.call("GET", "/api/cases", { token: temp })).status).toBe(401);
    expect(
      (await api.call("POST", "/api/auth/login", { body: { username: "temp-clerk", password: "temporary-pass-1" } }))
        .status,
    ).toBe(401);
    const users = await api.call("GET", "/api/admin/users", { token: tokens.admin });
    expect(JSON.stringify(users.body)).not.toContain("argon2");
  });
});

describe("calendar years", () => {
  it("serves rule-based years as provisional and publishes a year that survives a restart", async () => {
    let r = await api.call("GET", "/api/admin/calendar", { token: tokens.admin });
    expect(r.body.published).toContain(2026);
    expect(r.body.published).not.toContain(2027);
    r = await api.call("GET", "/api/admin/calendar/2027", { token: tokens.admin });
    expect(r.body.provisional).toBe(true);
    expect(r.body.holidays).toContain("2027-02-06"); // Spring Festival by the lunar calendar

    const bad = await api.call("PUT", "/api/admin/calendar/2027", {
      token: tokens.admin,
      body: { holidays: ["2027-01-01"], workdays: ["2027-01-05"] },
    });
    expect(bad.status).toBe(422); // 5 Jan 2027 is a Tuesday: not a make-up day
    expect(
      (
        await api.call("PUT", "/api/admin/calendar/2027", {
          token: tokens.admin,
          body: { holidays: ["2026-12-31"], workdays: [] },
        })
      ).status,
    ).toBe(422);
    expect(
      (await api.call("PUT", "/api/admin/calendar/2027", { token: tokens.out, body: { holidays: [], workdays: [] } }))
        .status,
    ).toBe(403);

    const schedule = {
      holidays: [
        "2027-01-01",
        "2027-01-02",
        "2027-01-03",
        "2027-02-05",
        "2027-02-06",
        "2027-02-07",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
        "2027-02-11",
      ],
      workdays: ["2027-02-20"],
    };
    r = await api.call("PUT", "/api/admin/calendar/2027", { token: tokens.admin, body: schedule });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: 2027, provisional: false, workdays: ["2027-02-20"] });

    await server.stop();
    server = await startService({ dir: server.dir });
    api = client(server.url, { checkAnswers: true });
    r = await api.call("GET", "/api/admin/calendar/2027", { token: tokens.admin });
    expect(r.body).toMatchObject({ provisional: false, holidays: schedule.holidays, workdays: schedule.workdays });
  });
});

describe("regional policies", () => {
  it("adds versions by effective date and refuses duplicates and bad values", async () => {
    const policy = {
      region: "350100",
      effectiveFrom: "2026-01-01",
      contributionBaseFen: 420_000,
      rateBasisPoints: 1000,
      lateFeePerDayPpm: 500,
      lateFeeAppliesToFlexible: false,
      maxBackPayMonths: 3,
      waitingPeriodMonths: 6,
    };
    expect((await api.call("POST", "/api/admin/policies", { token: tokens.admin, body: policy })).status).toBe(201);
    expect((await api.call("POST", "/api/admin/policies", { token: tokens.admin, body: policy })).status).toBe(409);
    expect(
      (
        await api.call("POST", "/api/admin/policies", {
          token: tokens.admin,
          body: { ...policy, effectiveFrom: "2026-07-01", rateBasisPoints: 20_000 },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await api.call("POST", "/api/admin/policies", {
          token: tokens.admin,
          body: { ...policy, effectiveFrom: "2026-07-01", contributionBaseFen: 450_000 },
        })
      ).status,
    ).toBe(201);
    const r = await api.call("GET", "/api/admin/policies?region=350100", { token: tokens.admin });
    expect(r.body.items.map((p: any) => [p.effectiveFrom, p.contributionBaseFen])).toEqual([
      ["2026-01-01", 420_000],
      ["2026-07-01", 450_000],
    ]);
  });
});

describe("audit", () => {
  it("exports events in a date range as CSV, by agency, without personal data", async () => {
    const c = await openCase(api, tokens.out, { occurredOn: "2026-03-02" });
    await api.call("POST", `/api/cases/${c.id}/events`, {
      token: tokens.out,
      body: { type: "WITHDRAW", reason: '=HYPERLINK("x")', occurredOn: "2026-03-03" },
    });
    let r = await api.call("GET", "/api/admin/audit?from=2026-03-01&to=2026-03-31&agency=XM", { token: tokens.admin });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/csv");
    const lines = r.body.trim().split("\r\n");
    expect(lines[0]).toBe(
      "eventId,caseNumber,caseType,fromAgency,toAgency,seq,type,fromState,toState,occurredOn,recordedAt,actorKind,actorName,backdateReason",
    );
    expect(lines.slice(1).map((l: string) => l.split(",").slice(1, 2)[0])).toEqual([c.caseNumber, c.caseNumber]);
    expect(r.body).not.toContain(person.idNumber);
    expect(r.body).not.toContain(person.name);
    r = await api.call("GET", "/api/admin/audit?from=2026-03-01&to=2026-03-31&agency=SZ", { token: tokens.admin });
    expect(r.body.trim().split("\r\n")).toHaveLength(1);
    expect(
      (await api.call("GET", "/api/admin/audit?from=2026-03-31&to=2026-03-01", { token: tokens.admin })).status,
    ).toBe(422);
    expect((await api.call("GET", "/api/admin/audit?from=2026-03-01", { token: tokens.admin })).status).toBe(422);
    expect((await api.call("GET", "/api/admin/audit?from=2026-03-01&to=2026-03-31", { token: tokens.in })).status).toBe(
      403,
    );
  });
});
