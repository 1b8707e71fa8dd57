// The parties of a case (docs/parties.md), against the real service: no double enrolment enforced
// by the database (ten concurrent opens: one 201, nine 409), one ID number one name, the
// employer's credit code, the scheme and who may file, the person's other cases, the agency
// picker, GB/T 2260 regions, and duplicates from before the rule. Runs on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advance, send, startWithAgencies, type Api, type Tokens } from "../support/fixtures.ts";
import { execSql, freshPerson, runVerify, type TestServer } from "../support/server.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({ TRACKER_TODAY: "2026-10-12" }, { checkAnswers: true }));
});
afterAll(async () => {
  await server?.stop();
});

const open = (token: string, body: Record<string, unknown>) => api.call("POST", "/api/cases", { token, body });
const medical = (insured: { name: string; idNumber: string }, extra: Record<string, unknown> = {}) => ({
  type: "medicalTransfer",
  insured,
  fromAgency: "FZ",
  toAgency: "XM",
  ...extra,
});

describe("no double enrolment", () => {
  it("refuses a second open transfer of the same kind with 409 naming the agencies; other kinds are fine", async () => {
    const p = freshPerson();
    const first = await open(tokens.out, medical(p));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ insurance: "medical", scheme: "employee", toScheme: null, employer: null });

    // the same clerk's agency: the open case's number and link are given
    const again = await open(tokens.in, medical(p));
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/open-case-exists$/);
    expect(again.body.openCase).toMatchObject({
      fromAgency: { code: "FZ", name: "福州市医保中心" },
      toAgency: { code: "XM", name: "厦门市医保中心" },
      caseNumber: first.body.caseNumber,
      id: first.body.id,
    });
    expect(again.body.detail).toContain("厦门市医保中心");

    // a clerk of an unrelated agency learns who handles it, not its number
    const elsewhere = await open(tokens.other, { ...medical(p), fromAgency: "SZ" });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.type).toMatch(/open-case-exists$/);
    expect(elsewhere.body.openCase.fromAgency.code).toBe("FZ");
    expect(elsewhere.body.openCase).not.toHaveProperty("caseNumber");
    expect(elsewhere.body.openCase).not.toHaveProperty("id");
    expect(elsewhere.body.detail).not.toContain(first.body.caseNumber);

    // the reverse direction is the same kind too
    expect((await open(tokens.in, { ...medical(p), fromAgency: "XM", toAgency: "FZ" })).status).toBe(409);

    // a pension transfer and renewals of each insurance are other kinds
    const pension = await open(tokens.out, { ...medical(p), type: "pensionTransfer" });
    expect(pension.status).toBe(201);
    expect(pension.body.insurance).toBe("pension");
    const renewal = await open(tokens.other, { type: "renewal", insured: p, fromAgency: "SZ" });
    expect(renewal.status).toBe(201);
    expect(renewal.body.insurance).toBe("medical");
    const second = await open(tokens.out, { type: "renewal", insured: p, fromAgency: "FZ" });
    expect(second.status).toBe(409);
    expect(second.body.openCase).toMatchObject({ fromAgency: { code: "SZ" } });
    expect(second.body.openCase).not.toHaveProperty("caseNumber");
    const pensionRenewal = await open(tokens.out, {
      type: "renewal",
      insured: p,
      fromAgency: "FZ",
      insurance: "pension",
    });
    expect(pensionRenewal.status).toBe(201);
    expect(pensionRenewal.body.insurance).toBe("pension");

    // a transfer's insurance follows its type
    const wrong = await open(tokens.out, { ...medical(freshPerson()), insurance: "pension" });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].path).toBe("insurance");
  });

  it("counts only open cases: once the case is final, the person may be enrolled again", async () => {
    const p = freshPerson();
    const c = (await open(tokens.out, medical(p))).body;
    await advance(api, tokens.out, c.id, { type: "WITHDRAW", reason: "stays with the old employer" });
    const next = await open(tokens.out, medical(p));
    expect(next.status).toBe(201);
    expect((await open(tokens.out, medical(p))).status).toBe(409);
  });

  it("ten clerks opening the same person at once: exactly one 201 and nine 409", async () => {
    const p = freshPerson();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => open(i % 2 ? tokens.in : tokens.out, medical(p))),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.body.type).toMatch(/open-case-exists$/);
    const found = await api.call("GET", `/api/cases?q=${p.idNumber}`, { token: tokens.out });
    expect(found.body.items).toHaveLength(1);
  });
});

describe("one ID number, one name", () => {
  it("refuses another name unless a correction is stated; then the name is the corrected one everywhere", async () => {
    const p = freshPerson("林晓明");
    const c = (await open(tokens.out, medical(p))).body;
    const renamed = { ...p, name: "林小明" };
    const refused = await open(tokens.out, {
      type: "pensionTransfer",
      insured: renamed,
      fromAgency: "FZ",
      toAgency: "XM",
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(["insured.name"]);

    const needless = await open(tokens.out, {
      type: "pensionTransfer",
      insured: { ...p, nameCorrection: { reason: "typo" } },
      fromAgency: "FZ",
      toAgency: "XM",
    });
    expect(needless.status).toBe(422);
    expect(needless.body.errors[0].path).toBe("insured.nameCorrection");

    const corrected = await open(tokens.out, {
      type: "pensionTransfer",
      insured: { ...renamed, nameCorrection: { reason: "户口簿 shows 小, the first case was mistyped" } },
      fromAgency: "FZ",
      toAgency: "XM",
    });
    expect(corrected.status).toBe(201);
    expect(corrected.body.insured.name).toBe("林小明");
    const opening = (await api.call("GET", `/api/cases/${corrected.body.id}/events`, { token: tokens.out })).body
      .items[0];
    expect(opening.payload.nameCorrection).toEqual({
      reason: "户口簿 shows 小, the first case was mistyped",
      casesRenamed: 1,
    });
    expect(JSON.stringify(opening.payload)).not.toContain("林晓明");
    // the earlier case carries the corrected name, and the name search finds it by it
    expect((await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out })).body.insured.name).toBe("林小明");
    const byName = await api.call("GET", `/api/cases?q=${encodeURIComponent("林小明")}&limit=200`, {
      token: tokens.out,
    });
    expect(byName.body.items.map((i: { id: string }) => i.id)).toContain(c.id);
    // and the old name is now the wrong one
    expect((await open(tokens.out, { type: "renewal", insured: p, fromAgency: "FZ" })).status).toBe(422);
  });
});

describe("the person's other cases", () => {
  it("lists the ones the clerk may read, open and closed", async () => {
    const p = freshPerson();
    const a = (await open(tokens.out, medical(p))).body;
    await advance(api, tokens.out, a.id, { type: "WITHDRAW", reason: "moved again" });
    const b = (await open(tokens.out, medical(p))).body;
    const sz = (await open(tokens.other, { type: "renewal", insured: p, fromAgency: "SZ" })).body;
    const mine = await api.call("GET", `/api/cases/${b.id}/related`, { token: tokens.out });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect(mine.body.items[0].final).toBe(true);
    const admin = await api.call("GET", `/api/cases/${b.id}/related`, { token: tokens.admin });
    expect(admin.body.items.map((i: { id: string }) => i.id).sort()).toEqual([a.id, sz.id].sort());
    expect((await api.call("GET", `/api/cases/${b.id}/related`, { token: tokens.other })).status).toBe(403);
  });
});

describe("the employer", () => {
  it("checks the credit code, stores it and finds the employer's cases in the caller's scope", async () => {
    const bad = await open(
      tokens.out,
      medical(freshPerson(), { employer: { name: "某公司", creditCode: "91350100M000100Y44" } }),
    );
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(["employer.creditCode"]);
    const employer = { name: "福州示例有限公司", creditCode: "91350100m000100y43" };
    const c = await open(tokens.out, medical(freshPerson(), { employer }));
    expect(c.status).toBe(201);
    expect(c.body.employer).toEqual({ name: "福州示例有限公司", creditCode: "91350100M000100Y43" });
    const opening = (await api.call("GET", `/api/cases/${c.body.id}/events`, { token: tokens.out })).body.items[0];
    expect(opening.payload.employer.creditCode).toBe("91350100M000100Y43");

    const found = await api.call("GET", "/api/cases?q=91350100M000100Y43", { token: tokens.in });
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([c.body.id]);
    const elsewhere = await api.call("GET", "/api/cases?q=91350100M000100Y43", { token: tokens.other });
    expect(elsewhere.body.items).toEqual([]);
    // not personal data: an administrator may search it
    const admin = await api.call("GET", "/api/cases?q=91350100M000100Y43", { token: tokens.admin });
    expect(admin.body.items.map((i: { id: string }) => i.id)).toEqual([c.body.id]);

    // the audit export carries the employer when asked (its existing columns keep their places)
    const plain = await api.call("GET", "/api/admin/audit?from=2026-10-12&to=2026-10-12", { token: tokens.admin });
    expect(plain.body.split("\r\n")[0].split(",").at(-1)).toBe("backdateReason");
    const csv = await api.call("GET", "/api/admin/audit?from=2026-10-12&to=2026-10-12&parties=true", {
      token: tokens.admin,
    });
    const lines: string[] = csv.body.trim().split("\r\n");
    expect(lines[0]).toMatch(/,backdateReason,insurance,scheme,employerName,employerCreditCode$/);
    expect(lines.filter((l) => l.includes(c.body.caseNumber))).toEqual([
      expect.stringMatching(/,medical,employee,福州示例有限公司,91350100M000100Y43$/),
    ]);
  });
});

describe("the scheme", () => {
  it("refuses an application by the employer for flexible employees and residents, and filters the list", async () => {
    const flexible = await open(tokens.out, medical(freshPerson(), { scheme: "flexible" }));
    expect(flexible.body.scheme).toBe("flexible");
    const resident = await open(tokens.out, medical(freshPerson(), { scheme: "resident", toScheme: "employee" }));
    expect(resident.body).toMatchObject({ scheme: "resident", toScheme: "employee" });
    const same = await open(tokens.out, medical(freshPerson(), { scheme: "resident", toScheme: "resident" }));
    expect(same.status).toBe(422);

    for (const c of [flexible.body, resident.body]) {
      await advance(api, tokens.out, c.id, {
        type: "ISSUE_CERTIFICATE",
        contributionMonths: 12,
        accountBalanceFen: 0,
        arrearsFen: 0,
      });
      const byEmployer = await send(api, tokens.in, c.id, {
        type: "FILE_APPLICATION",
        channel: "offline",
        applicant: "employer",
      });
      expect(byEmployer.status).toBe(422);
      expect(byEmployer.body.errors[0].path).toBe("applicant");
      const after = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.in });
      expect(after.body.version).toBe(2); // nothing recorded
      await advance(api, tokens.in, c.id, { type: "FILE_APPLICATION", channel: "offline", applicant: "individual" });
    }
    // an employee's application may be filed by the employer
    const employee = (await open(tokens.out, medical(freshPerson()))).body;
    await advance(api, tokens.out, employee.id, {
      type: "ISSUE_CERTIFICATE",
      contributionMonths: 12,
      accountBalanceFen: 0,
      arrearsFen: 0,
    });
    await advance(api, tokens.in, employee.id, { type: "FILE_APPLICATION", channel: "online", applicant: "employer" });

    const list = await api.call("GET", "/api/cases?scheme=resident&limit=200", { token: tokens.out });
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([resident.body.id]);
    expect(list.body.items[0].scheme).toBe("resident");

    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: resident.body.caseNumber, idNumber: resident.body.insured.idNumber },
    });
    expect(status.body).toMatchObject({ scheme: "resident", toScheme: "employee" });
  });
});

describe("agencies", () => {
  it("finds agencies by part of the name, the code or the region, a page at a time", async () => {
    const byName = await api.call("GET", `/api/agencies?q=${encodeURIComponent("厦门")}`, { token: tokens.other });
    expect(byName.status).toBe(200);
    expect(byName.body.items).toEqual([
      { code: "XM", name: "厦门市医保中心", region: "350200", insurances: ["medical", "pension"] },
    ]);
    const byCode = await api.call("GET", "/api/agencies?q=sz", { token: tokens.in });
    expect(byCode.body.items.map((a: { code: string }) => a.code)).toEqual(["SZ"]);
    const byRegion = await api.call("GET", "/api/agencies?q=35&limit=1", { token: tokens.admin });
    expect(byRegion.body.items.map((a: { code: string }) => a.code)).toEqual(["FZ"]);
    const page2 = await api.call("GET", `/api/agencies?q=35&limit=1&cursor=${byRegion.body.nextCursor}`, {
      token: tokens.admin,
    });
    expect(page2.body.items.map((a: { code: string }) => a.code)).toEqual(["XM"]);
    expect(page2.body.nextCursor).toBeNull();
    const wildcard = await api.call("GET", "/api/agencies?q=%25", { token: tokens.admin });
    expect(wildcard.body.items).toEqual([]);
    expect((await api.call("GET", "/api/agencies")).status).toBe(401);
  });

  it("an agency's region is a GB/T 2260 code of 2, 4 or 6 digits", async () => {
    const create = (code: string, region: string) =>
      api.call("POST", "/api/admin/agencies", { token: tokens.admin, body: { code, name: `机构${code}`, region } });
    for (const bad of ["99", "3", "35010", "990100", "350099", "3580", "35010a"]) {
      const r = await create("BAD", bad);
      expect(r.status, bad).toBe(422);
      expect(r.body.errors[0].path).toBe("region");
    }
    expect((await create("FJ", "35")).status).toBe(201);
    expect((await create("QZ", "3505")).status).toBe(201);
    expect((await create("JJ", "350582")).status).toBe(201);
    expect((await create("FJ0", "350000")).status).toBe(201);
    const patched = await api.call("PATCH", "/api/admin/agencies/QZ", {
      token: tokens.admin,
      body: { region: "350500" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.region).toBe("350500");
    const badPatch = await api.call("PATCH", "/api/admin/agencies/QZ", { token: tokens.admin, body: { region: "00" } });
    expect(badPatch.status).toBe(422);
  });
});

describe("duplicates from before the rule", () => {
  it("are listed for staff and by npm run verify, and no new one can be opened", async () => {
    const p = freshPerson();
    const a = (await open(tokens.out, medical(p))).body;
    // a second open case for the same person, as a database from before the rule may hold: its
    // enrolment row is the one the migration could not write
    const b = (await open(tokens.out, medical(freshPerson()))).body;
    const idIndex = (id: string) => `(SELECT "insuredIdIndex" FROM "Case" WHERE "id" = '${id}')`;
    await execSql(
      server.databaseUrl,
      `UPDATE "Case" SET "insuredIdIndex" = ${idIndex(a.id)}, "insuredIdNumber" = (SELECT "insuredIdNumber" FROM "Case" WHERE "id" = '${a.id}') WHERE "id" = '${b.id}'`,
    );
    await execSql(server.databaseUrl, `DELETE FROM "OpenEnrolment" WHERE "caseId" = '${b.id}'`);

    const list = await api.call("GET", "/api/enrolments/duplicates", { token: tokens.out });
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: { id: string; holdsEnrolment: boolean }) => [d.id, d.holdsEnrolment])).toEqual([
      [a.id, true],
      [b.id, false],
    ]);
    expect((await api.call("GET", "/api/enrolments/duplicates", { token: tokens.other })).body.items).toEqual([]);
    const verify = await runVerify(server.databaseUrl);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain(`DUPLICATE group 1 transfer:medical: ${a.caseNumber}`);
    expect(verify.stdout).toContain(b.caseNumber);

    expect((await open(tokens.out, medical(p))).status).toBe(409);
    // the first ends: the duplicate takes the enrolment over, so still no new one
    await advance(api, tokens.out, a.id, { type: "WITHDRAW", reason: "duplicate" });
    expect((await open(tokens.out, medical(p))).status).toBe(409);
    await advance(api, tokens.out, b.id, { type: "WITHDRAW", reason: "duplicate" });
    expect((await api.call("GET", "/api/enrolments/duplicates", { token: tokens.out })).body.items).toEqual([]);
    expect((await open(tokens.out, medical(p))).status).toBe(201);
  });
});
