// The contribution records in the engine (src/engine/contributions.ts): appended, never edited; the
// same month again adds nothing, other figures are a correction with a reason; what a case's reader
// is shown of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directSqlOf } from "../../src/db/client.ts";
import {
  appendMonths,
  appendOpeningBalance,
  CorrectionWithoutReason,
  derivedRecordOf,
  notePeople,
  openingBalanceOf,
  rekeyContributionRecords,
  rowsOf,
  type NewMonth,
  type RecordKey,
} from "../../src/engine/contributions.ts";
import { caseContributions } from "../../src/engine/caseContributions.ts";
import { dataKeyOf } from "../../src/privacy/atRest.ts";
import { DataKey } from "../../src/privacy/dataKey.ts";
import { freshPerson } from "../support/server.ts";
import { problemOf, startEngine, type EngineHarness } from "../support/engine.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngine();
});
afterAll(() => h.close());

const month = (m: string, over: Partial<NewMonth> = {}): NewMonth => ({
  month: m,
  baseFen: 560_000,
  employerFen: 44_800,
  individualFen: 11_200,
  accountCreditFen: 16_800,
  status: "paid",
  payer: "employer",
  employerCreditCode: "91350100MA3K00002E",
  source: "import",
  ...over,
});

/** Appends in one transaction of the engine's own connection. */
const append = (key: RecordKey, months: NewMonth[]) =>
  directSqlOf(h.db).transaction((tx) => appendMonths(tx, key, months, new Date()));

const keyOf = (idNumber: string, agency: "FZ" | "XM" = "FZ"): RecordKey => ({
  agencyId: h.agencies[agency].id,
  personKey: dataKeyOf(h.db).idIndex(idNumber),
  insurance: "medical",
});

describe("appending months", () => {
  it("adds a month once: the same figures again add nothing", async () => {
    const key = keyOf(freshPerson().idNumber);
    expect(await append(key, [month("2025-01"), month("2025-02")])).toEqual(["added", "added"]);
    expect(await append(key, [month("2025-01"), month("2025-02"), month("2025-03")])).toEqual([
      "unchanged",
      "unchanged",
      "added",
    ]);
    expect((await rowsOf(directSqlOf(h.db), key)).map((r) => r.month)).toEqual(["2025-01", "2025-02", "2025-03"]);
  });

  it("records other figures for a month as a correction with its reason, and the latest row counts", async () => {
    const key = keyOf(freshPerson().idNumber);
    await append(key, [month("2025-01"), month("2025-02")]);
    await expect(append(key, [month("2025-02", { accountCreditFen: 20_000 })])).rejects.toBeInstanceOf(
      CorrectionWithoutReason,
    );
    expect(await append(key, [month("2025-02", { accountCreditFen: 20_000, reason: "划账比例有误" })])).toEqual([
      "corrected",
    ]);
    const rows = await rowsOf(directSqlOf(h.db), key);
    expect(rows.map((r) => [r.month, r.source, r.reason, r.supersedesId === 0])).toEqual([
      ["2025-01", "import", null, true],
      ["2025-02", "import", null, true],
      ["2025-02", "correction", "划账比例有误", false],
    ]);
    expect(rows[2]!.supersedesId).toBe(rows[1]!.id);
    const derived = await derivedRecordOf(h.ctx, key, "2025-12-31");
    expect(derived.accountBalanceFen).toBe(16_800 + 20_000);
    expect(derived.contributionMonths.actual).toBe(2);
  });

  it("refuses a second append on the same row (the unique key): of two concurrent corrections, one wins", async () => {
    const key = keyOf(freshPerson().idNumber);
    await append(key, [month("2025-01")]);
    const [first] = await rowsOf(directSqlOf(h.db), key);
    const insert = (credit: number) =>
      h.db.contributionMonth.create({
        data: {
          ...key,
          ...month("2025-01", { accountCreditFen: credit }),
          source: "correction",
          reason: "x",
          supersedesId: first!.id,
        },
      });
    await insert(1);
    await expect(insert(2)).rejects.toThrow();
  });

  it("keeps an opening balance, adds the credits after it, and needs a reason to change it", async () => {
    const key = keyOf(freshPerson().idNumber);
    await append(key, [month("2025-01"), month("2025-02"), month("2025-03")]);
    const open = (b: { asOfMonth: string; balanceBroughtForwardFen: number; reason?: string }) =>
      directSqlOf(h.db).transaction((tx) => appendOpeningBalance(tx, key, b, new Date()));
    expect(await open({ asOfMonth: "2025-01", balanceBroughtForwardFen: 900_000 })).toBe("added");
    expect(await open({ asOfMonth: "2025-01", balanceBroughtForwardFen: 900_000 })).toBe("unchanged");
    await expect(open({ asOfMonth: "2025-01", balanceBroughtForwardFen: 1 })).rejects.toBeInstanceOf(
      CorrectionWithoutReason,
    );
    expect((await derivedRecordOf(h.ctx, key, "2025-03-31")).accountBalanceFen).toBe(900_000 + 2 * 16_800);
    expect(await open({ asOfMonth: "2025-02", balanceBroughtForwardFen: 1_000_000, reason: "结转更正" })).toBe(
      "corrected",
    );
    expect((await derivedRecordOf(h.ctx, key, "2025-03-31")).accountBalanceFen).toBe(1_000_000 + 16_800);
  });

  it("notes each person once, with the ID number encrypted", async () => {
    const p = freshPerson();
    await directSqlOf(h.db).transaction(async (tx) => {
      await notePeople(h.ctx, tx, [p.idNumber, p.idNumber], new Date());
      await notePeople(h.ctx, tx, [p.idNumber], new Date());
    });
    const rows = await h.db.contributionPerson.findMany({ where: { personKey: dataKeyOf(h.db).idIndex(p.idNumber) } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.insuredIdNumber).not.toContain(p.idNumber);
    expect(dataKeyOf(h.db).decrypt(rows[0]!.insuredIdNumber, "insuredIdNumber")).toBe(p.idNumber);
  });
});

describe("a case's contributions", () => {
  it("shows each clerk their agency's record, administrators the totals of both, and others nothing", async () => {
    const person = freshPerson();
    const c = await h.open({ insured: person });
    await append(keyOf(person.idNumber, "FZ"), [
      month("2026-08"),
      month("2026-09", { status: "arrears" }),
      month("2026-10"),
    ]);
    await append(keyOf(person.idNumber, "FZ"), [month("2026-10", { baseFen: 600_000, reason: "基数更正" })]);
    await append(keyOf(person.idNumber, "XM"), [month("2026-10", { payer: "flexible", employerCreditCode: null })]);

    const out = await caseContributions(h.ctx, h.actors.out, c.id, { limit: 2 });
    expect(out.insurance).toBe("medical");
    expect(out.asOf).toBe(h.today);
    expect(out.totals.map((t) => [t.agency, t.derived.contributionMonths.actual, t.derived.arrears.totalFen])).toEqual([
      ["FZ", 2, 56_000],
    ]);
    // newest month first, the correction before the row it supersedes
    expect(out.items.map((r) => [r.month, r.baseFen, r.superseded])).toEqual([
      ["2026-10", 600_000, false],
      ["2026-10", 560_000, true],
    ]);
    expect(out.nextCursor).toBe("2");
    const rest = await caseContributions(h.ctx, h.actors.out, c.id, { limit: 2, cursor: 2 });
    expect(rest.items.map((r) => [r.month, r.status])).toEqual([
      ["2026-09", "arrears"],
      ["2026-08", "paid"],
    ]);
    expect(rest.nextCursor).toBeNull();

    const xm = await caseContributions(h.ctx, h.actors.in, c.id, { limit: 10 });
    expect(xm.items.map((r) => [r.month, r.payer])).toEqual([["2026-10", "flexible"]]);

    const admin = await caseContributions(h.ctx, h.actors.admin, c.id, { limit: 10 });
    expect(admin.items).toEqual([]);
    expect(admin.totals.map((t) => [t.agency, t.derived.contributionMonths.actual])).toEqual([
      ["FZ", 2],
      ["XM", 1],
    ]);

    expect(await problemOf(caseContributions(h.ctx, h.actors.other, c.id, { limit: 10 }))).toMatchObject({
      status: 403,
      type: "/problems/forbidden",
    });
  });
});

describe("a change of data key", () => {
  it("re-keys every person's record, also of people with no case, and a second run changes nothing", async () => {
    const p = freshPerson();
    const current = dataKeyOf(h.db);
    const before = keyOf(p.idNumber);
    await directSqlOf(h.db).transaction(async (tx) => {
      await notePeople(h.ctx, tx, [p.idNumber], new Date());
      await appendMonths(tx, before, [month("2025-01"), month("2025-02")], new Date());
      await appendOpeningBalance(tx, before, { asOfMonth: "2024-12", balanceBroughtForwardFen: 500 }, new Date());
    });
    const next = DataKey.generate("rekey-test").key;
    const people = await h.db.contributionPerson.count();
    expect(await rekeyContributionRecords(h.db, current, next)).toBe(people);
    expect(await rekeyContributionRecords(h.db, current, next)).toBe(0);
    const after = { ...before, personKey: next.idIndex(p.idNumber) };
    expect(await rowsOf(directSqlOf(h.db), before)).toEqual([]);
    expect((await rowsOf(directSqlOf(h.db), after)).map((r) => r.month)).toEqual(["2025-01", "2025-02"]);
    expect(await openingBalanceOf(directSqlOf(h.db), after)).toEqual({
      asOfMonth: "2024-12",
      balanceBroughtForwardFen: 500,
    });
    const person = await h.db.contributionPerson.findUniqueOrThrow({ where: { personKey: after.personKey } });
    expect(next.decrypt(person.insuredIdNumber, "insuredIdNumber")).toBe(p.idNumber);
  });
});
