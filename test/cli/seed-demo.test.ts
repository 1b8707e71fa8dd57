// `npm run seed:demo` on a fresh SQLite file, twice: cases of all three types, every act on a
// working day of the official calendar, and nothing new on the second run.
import Database from "better-sqlite3";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WorkingCalendar } from "../../src/calendar/index.ts";
import { runCli } from "../support/reliability.ts";
import { runVerify, tempDir } from "../support/server.ts";

// The Monday after National Day 2026: the acts counted back from it cross the 1–7 October holiday
// and the make-up working Saturday 10 October.
const today = "2026-10-12";

function stored(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      cases: db.prepare(`SELECT type, state, caseNumber FROM "Case" ORDER BY caseNumber`).all() as {
        type: string;
        state: string;
        caseNumber: string;
      }[],
      events: db.prepare(`SELECT type, occurredOn FROM CaseEvent ORDER BY caseId, seq`).all() as {
        type: string;
        occurredOn: string;
      }[],
      users: (db.prepare(`SELECT count(*) AS n FROM User`).get() as { n: number }).n,
      agencies: (db.prepare(`SELECT count(*) AS n FROM Agency`).get() as { n: number }).n,
      // the demo people's contribution records (docs/contributions.md)
      months: db
        .prepare(
          `SELECT insurance, status, count(*) AS n, sum(baseFen) AS bases FROM ContributionMonth
           GROUP BY personKey, insurance, status ORDER BY insurance, status, n`,
        )
        .all() as { insurance: string; status: string; n: number; bases: number }[],
      openingBalances: (db.prepare(`SELECT count(*) AS n FROM ContributionOpeningBalance`).get() as { n: number }).n,
      people: (db.prepare(`SELECT count(*) AS n FROM ContributionPerson`).get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

describe("npm run seed:demo", () => {
  it("creates cases of every type dated on working days, and nothing more when run again", async () => {
    const file = path.join(tempDir("tracker-seed-"), "tracker.db");
    const env = {
      DATABASE_URL: `file:${file}`,
      TRACKER_TODAY: today,
      DEMO_PASSWORD: "demo-password-123",
      NODE_ENV: "test",
    };

    const first = await runCli("seed-demo", [], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("staff fz-clerk (FZ-YB) password: demo-password-123");
    expect(first.stdout).toContain("8 demo cases created");
    const after1 = stored(file);
    const byType = (t: string) =>
      after1.cases
        .filter((c) => c.type === t)
        .map((c) => c.state)
        .sort();
    expect(byType("medicalTransfer")).toEqual(["applicationFiled", "suspended", "transferIn", "transferOut"]);
    expect(byType("pensionTransfer")).toEqual(["applicationFiled", "transferOut"]);
    expect(byType("renewal")).toEqual(["arrearsAssessed", "restored"]);
    expect(after1.agencies).toBe(3);
    expect(after1.users).toBe(4); // the first administrator and three clerks

    const calendar = WorkingCalendar.official();
    // each case's opening and the acts that brought it to its state: medical 1 + 3 + 4 + 5,
    // pension 3 + 4, renewal 2 + 4
    expect(after1.events.length).toBe(26);
    const notWorking = after1.events.filter((e) => !calendar.isWorkingDay(e.occurredOn).value || e.occurredOn > today);
    expect(notWorking).toEqual([]);
    // the count back really crossed the holiday: the make-up Saturday is a date of some act
    expect(after1.events.map((e) => e.occurredOn)).toContain("2026-10-10");
    // every demo person has a record; the renewal's lapse is owed; a pension record's bases since
    // 1998 add up to 1,234,567.89 (a pooled share of 148,148.15)
    expect(after1.people).toBe(8);
    expect(after1.openingBalances).toBe(1);
    expect(after1.months.map((m) => [m.insurance, m.status, m.n])).toEqual([
      ["medical", "arrears", 1],
      ["medical", "paid", 24],
      ["medical", "paid", 40],
      ["medical", "paid", 48],
      ["medical", "paid", 60],
      ["medical", "paid", 60],
      ["medical", "paid", 96],
      ["pension", "paid", 144],
      ["pension", "paid", 144],
    ]);
    expect(after1.months.map((m) => m.bases)).toContain(123_456_789);
    expect(first.stdout).toContain("contribution records: 618 months and opening balances added");

    const second = await runCli("seed-demo", [], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("the 8 demo cases exist already; nothing created");
    expect(second.stdout).toContain("staff fz-clerk exists (password unchanged)");
    expect(second.stdout).toContain("the demo people's contribution records exist already; nothing added");
    expect(second.stdout).not.toContain("password: ");
    for (const c of after1.cases) expect(second.stdout).toContain(`${c.caseNumber}`);
    expect(stored(file)).toEqual(after1);

    const verify = await runVerify(`file:${file}`);
    expect(verify.code, verify.stdout).toBe(0);
  }, 120_000);
});
