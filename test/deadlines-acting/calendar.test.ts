// Publishing a year's official schedule moves the provisional due dates that relied on it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVerify, type TestServer } from "../support/server.ts";
import { eventsOf, medicalInTransferOut, restart, startWithAgencies } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { engineContext } from "../support/inprocess.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { openDatabase } from "../../src/db/client.ts";
import { advanceCase } from "../../src/engine/advanceCase.ts";
import { openCase } from "../../src/engine/openCase.ts";
import type { Actor } from "../../src/engine/context.ts";
import { CalendarSync } from "../../src/jobs/sweeper.ts";

let server: TestServer, api: Api, tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({ TRACKER_TODAY: "2026-12-28" }));
});

afterAll(() => server?.stop());

describe("publishing a year", () => {
  it("recomputes provisional due dates, records the change and clears the flag", async () => {
    // Accepted Thu 24 Dec 2026: 10 working days run into 2027, which has no published schedule.
    const c = await medicalInTransferOut(api, tokens, { openedOn: "2026-12-01", acceptOn: "2026-12-24" });
    expect(c).toMatchObject({ stepDueOn: "2027-01-08", dueOn: "2027-01-15", provisional: true });
    // A case whose dates lie in 2026 only is not touched.
    const firm = await medicalInTransferOut(
      api,
      tokens,
      { openedOn: "2026-12-01", acceptOn: "2026-12-01" },
      { name: "王五", idNumber: makeTestIdNumber("350102", "19700101", "555") },
    );
    expect(firm).toMatchObject({ stepDueOn: "2026-12-15", provisional: false });

    // The official 2027 schedule differs from the rule: Mon 4 Jan is off too.
    const rule = await api.call("GET", "/api/admin/calendar/2027", { token: tokens.admin });
    expect(rule.body.provisional).toBe(true);
    const holidays = [...rule.body.holidays, "2027-01-02", "2027-01-03", "2027-01-04"];
    let r = await api.call("PUT", "/api/admin/calendar/2027", {
      token: tokens.admin,
      body: { holidays, workdays: [] },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ year: 2027, provisional: false, recomputedCases: 1 });

    r = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    // Step: 25, 28–31 Dec, (1 and 4 Jan off) 5–8, 11 Jan; overall five working days more.
    expect(r.body).toMatchObject({
      stepDueOn: "2027-01-11",
      dueOn: "2027-01-18",
      provisional: false,
      version: c.version + 1,
      state: "transferOut",
    });
    const log = await eventsOf(api, tokens.out, c.id);
    expect(log.at(-1)).toMatchObject({
      type: "DEADLINES_RECOMPUTED",
      fromState: "transferOut",
      toState: "transferOut",
      occurredOn: "2026-12-28",
      actor: { kind: "system" },
      label: { en: "Due dates recomputed (holiday schedule published)" },
      payload: {
        year: 2027,
        before: { stepDueOn: "2027-01-08", dueOn: "2027-01-15", provisional: true },
        after: { stepDueOn: "2027-01-11", dueOn: "2027-01-18", provisional: false },
      },
    });
    expect((await eventsOf(api, tokens.out, firm.id)).some((e) => e.type === "DEADLINES_RECOMPUTED")).toBe(false);

    // Publishing the same schedule again changes nothing; a correction moves firm dates too.
    r = await api.call("PUT", "/api/admin/calendar/2027", { token: tokens.admin, body: { holidays, workdays: [] } });
    expect(r.body.recomputedCases).toBe(0);
    r = await api.call("PUT", "/api/admin/calendar/2027", {
      token: tokens.admin,
      body: { holidays: holidays.filter((d) => d !== "2027-01-04"), workdays: [] },
    });
    expect(r.body.recomputedCases).toBe(1);
    r = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    expect(r.body).toMatchObject({ stepDueOn: "2027-01-08", dueOn: "2027-01-15", provisional: false });
    expect((await eventsOf(api, tokens.out, c.id)).filter((e) => e.type === "DEADLINES_RECOMPUTED")).toHaveLength(2);

    // A restart re-reads the published year and finds nothing left to recompute.
    ({ server, api } = await restart(server, { TRACKER_TODAY: "2026-12-28" }));
    await new Promise((res) => setTimeout(res, 1000));
    expect((await eventsOf(api, tokens.out, c.id)).filter((e) => e.type === "DEADLINES_RECOMPUTED")).toHaveLength(2);

    const verify = await runVerify(server.databaseUrl);
    expect(verify.code).toBe(0);
  });

  it("reaches cases on another node, whose calendar learns of the publication from the database", async () => {
    // "Node B" runs in this process on the same database file: its calendar loaded at its start,
    // its engine, its calendar sync (the sweeper's first step).
    const db = await openDatabase(server.databaseUrl);
    try {
      // backdating allowed as in the service under test: these acts are dated weeks back
      const ctxB = await engineContext(db, "2026-12-28");
      const syncB = new CalendarSync();
      expect(await syncB.run(ctxB)).toBe(0); // at start: nothing left to do
      const staff = async (username: string): Promise<Actor> => {
        const u = await db.user.findUniqueOrThrow({ where: { username } });
        return { kind: "staff", userId: u.id, username, agencyId: u.agencyId };
      };
      const [outClerk, inClerk] = [await staff("fz-clerk"), await staff("xm-clerk")];

      // A correction published on node A: Tue 5 Jan is off too.
      const rule = await api.call("GET", "/api/admin/calendar/2027", { token: tokens.admin });
      const holidays = [...rule.body.holidays, "2027-01-04", "2027-01-05"];
      const r = await api.call("PUT", "/api/admin/calendar/2027", {
        token: tokens.admin,
        body: { holidays, workdays: [] },
      });
      expect(r.status).toBe(200);

      // Node B has not heard of it yet: it computes firm dates on the schedule it has (4, 5 Jan worked).
      const opened = await openCase(ctxB, outClerk, {
        type: "medicalTransfer",
        insured: { name: "钱七", idNumber: makeTestIdNumber("350102", "19660606", "777") },
        fromAgency: "FZ",
        toAgency: "XM",
        occurredOn: "2026-12-01",
      });
      await advanceCase(ctxB, outClerk, opened.id, {
        type: "ISSUE_CERTIFICATE",
        occurredOn: "2026-12-01",
        payload: { contributionMonths: 1, accountBalanceFen: 0, arrearsFen: 0 },
      });
      await advanceCase(ctxB, inClerk, opened.id, {
        type: "FILE_APPLICATION",
        occurredOn: "2026-12-01",
        payload: { channel: "online", applicant: "employer" },
      });
      const stale = await advanceCase(ctxB, inClerk, opened.id, {
        type: "ACCEPT",
        occurredOn: "2026-12-24",
        payload: {},
      });
      expect(stale.case).toMatchObject({ stepDueOn: "2027-01-08", provisional: false });

      // Its next sweep loads the correction and recomputes what it computed meanwhile.
      expect(await syncB.run(ctxB)).toBeGreaterThanOrEqual(1);
      expect(ctxB.calendar.schedule(2027).holidays).toContain("2027-01-05");
      const c = await api.call("GET", `/api/cases/${opened.id}`, { token: tokens.out });
      // 25, 28–31 Dec, (1, 4, 5 Jan off) 6–8, 11, 12 Jan; overall five working days more.
      expect(c.body).toMatchObject({ stepDueOn: "2027-01-12", dueOn: "2027-01-19", provisional: false });
      expect((await eventsOf(api, tokens.out, opened.id)).at(-1)).toMatchObject({
        type: "DEADLINES_RECOMPUTED",
        payload: { year: 2027, before: { stepDueOn: "2027-01-08" }, after: { stepDueOn: "2027-01-12" } },
      });
      expect(await syncB.run(ctxB)).toBe(0);
    } finally {
      await db.$disconnect();
    }
    const verify = await runVerify(server.databaseUrl);
    expect(verify.code).toBe(0);
  });
});
