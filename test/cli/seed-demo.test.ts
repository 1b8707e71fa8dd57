// `npm run seed:demo` on a fresh SQLite file, twice: cases of all three types, every act on a
// working day of the official calendar, and nothing new on the second run. Between the two, runs
// with another data key than the database's are refused and write nothing.
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
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
      handled: db.prepare(`SELECT code, insurances FROM Agency ORDER BY code`).all(),
      routes: db
        .prepare(
          `SELECT c.type, c.insurance, f.code AS fromAgency, t.code AS toAgency, count(*) AS n FROM "Case" c
           JOIN Agency f ON f.id = c.fromAgencyId JOIN Agency t ON t.id = c.toAgencyId
           GROUP BY c.type, c.insurance, f.code, t.code ORDER BY c.type`,
        )
        .all(),
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
    // the medical insurance centres FZ-YB and XM-YB, the social insurance agencies SZ-SB and FZ-SB
    expect(after1.agencies).toBe(4);
    expect(after1.users).toBe(5); // the first administrator and four clerks
    // medical cases between the medical centres, pension cases (transfers, renewals) between the
    // social insurance agencies: each agency handles the insurance of its cases
    expect(after1.routes).toEqual([
      { type: "medicalTransfer", insurance: "medical", fromAgency: "FZ-YB", toAgency: "XM-YB", n: 4 },
      { type: "pensionTransfer", insurance: "pension", fromAgency: "SZ-SB", toAgency: "FZ-SB", n: 2 },
      { type: "renewal", insurance: "pension", fromAgency: "SZ-SB", toAgency: "SZ-SB", n: 2 },
    ]);
    expect(after1.handled).toEqual([
      { code: "FZ-SB", insurances: '["pension"]' },
      { code: "FZ-YB", insurances: '["medical"]' },
      { code: "SZ-SB", insurances: '["pension"]' },
      { code: "XM-YB", insurances: '["medical"]' },
    ]);

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
    // the renewals are pension renewals: the one awaiting payment owes its lapse month, the restored
    // one's payment added its lapse month back-paid (renewal v3's record effect)
    expect(after1.months.map((m) => [m.insurance, m.status, m.n])).toEqual([
      ["medical", "paid", 48],
      ["medical", "paid", 60],
      ["medical", "paid", 60],
      ["medical", "paid", 96],
      ["pension", "arrears", 1],
      ["pension", "backPaid", 1],
      ["pension", "paid", 24],
      ["pension", "paid", 40],
      ["pension", "paid", 144],
      ["pension", "paid", 144],
    ]);
    expect(after1.months.map((m) => m.bases)).toContain(123_456_789);
    expect(first.stdout).toContain("contribution records: 618 months and opening balances added");

    // Another key than the database's (the service's DATA_KEY_FILE forgotten, or another key given):
    // refused in one line naming the key found, and nothing written.
    const otherKey = randomBytes(32).toString("base64");
    const wrong = await runCli("seed-demo", [], { ...env, DATA_KEY: otherKey });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^seed:demo refused, nothing written: The data key from DATA_KEY is not the key this database's personal data is encrypted with\./,
      ),
    ]);
    expect(wrong.stdout).not.toContain("created");
    expect(stored(file)).toEqual(after1);
    // a key file elsewhere that does not exist yet: refused too, and no new key file left behind
    const elsewhere = path.join(tempDir("tracker-seed-key-"), "data.key");
    const missing = await runCli("seed-demo", [], { ...env, DATA_KEY_FILE: elsewhere });
    expect(missing.code).toBe(3);
    expect(missing.stderr.trim().split("\n")).toEqual([
      `seed:demo refused, nothing written: There is no data key at ${elsewhere} (DATA_KEY_FILE), and this database's personal data is encrypted: restore the key file from its backup (or set DATA_KEY). See docs/personal-data.md.`,
    ]);
    expect(fs.existsSync(elsewhere)).toBe(false);
    expect(stored(file)).toEqual(after1);

    // the right key (the key file beside the database, named as the service may name it)
    const second = await runCli("seed-demo", [], { ...env, DATA_KEY_FILE: path.join(path.dirname(file), "data.key") });
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
