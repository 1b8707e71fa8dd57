// Importing contribution records in the engine (src/engine/contributionImport.ts): a dry run writes
// nothing; a file is written all at once or not at all; the same file twice adds nothing; every bad
// row is named by its number and field, without what it holds; a correction needs its reason; a
// large file runs as a job with its progress stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directSqlOf } from "../../src/db/client.ts";
import type { ContributionColumn } from "../../src/domain/contributionFile.ts";
import {
  checkAndWrite,
  checkFile,
  contributionImportSummary,
  importContributions,
  writePlan,
  type ContributionRawRow,
} from "../../src/engine/contributionImport.ts";
import { appendMonths, derivedRecordOf, rowsOf, type RecordKey } from "../../src/engine/contributions.ts";
import { dataKeyOf } from "../../src/privacy/atRest.ts";
import { freshPerson } from "../support/server.ts";
import { startEngine, type EngineHarness } from "../support/engine.ts";

let h: EngineHarness;
beforeAll(async () => {
  h = await startEngine();
});
afterAll(() => h.close());

const CREDIT = "91350100MA3K00002E";
type Cells = Partial<Record<ContributionColumn, string>>;

/** A month row as an office file holds it: seed 000's 5,600.00 at 10 %, 560.00 a month. */
const monthCells = (idNumber: string, month: string, over: Cells = {}): Cells => ({
  idNumber,
  insurance: "medical",
  month,
  base: "5600.00",
  employer: "448.00",
  individual: "112.00",
  accountCredit: "168.00",
  status: "paid",
  payer: "employer",
  employerCreditCode: CREDIT,
  ...over,
});
const file = (...cells: Cells[]): ContributionRawRow[] => cells.map((c, i) => ({ row: i + 2, cells: c }));
const keyOf = (
  idNumber: string,
  insurance: "medical" | "pension" = "medical",
  agency: "FZ" | "XM" = "FZ",
): RecordKey => ({
  agencyId: h.agencies[agency].id,
  personKey: dataKeyOf(h.db).idIndex(idNumber),
  insurance,
});
const rowCount = async () => {
  const [r] = await directSqlOf(h.db).query<{ n: number }>(
    (await import("../../src/generated/prisma/client.ts")).Prisma.sql`SELECT COUNT(*) AS "n" FROM "ContributionMonth"`,
  );
  return Number(r!.n);
};

describe("a file imported", () => {
  it("is checked by a dry run that writes nothing, then written; the same file again adds nothing", async () => {
    const a = freshPerson().idNumber;
    const b = freshPerson().idNumber;
    const rows = file(
      monthCells(a, "2025-01"),
      monthCells(a, "2025-02"),
      monthCells(b, "202503", { payer: "flexible", employerCreditCode: undefined, status: "欠缴" }),
      { idNumber: a, insurance: "医疗", openingBalance: "1,000.00", asOfMonth: "2024-12" },
    );
    const before = await rowCount();
    const dry = await checkAndWrite(h.ctx, h.actors.out, rows, { dryRun: true });
    expect(dry).toMatchObject({
      status: "done",
      plan: { added: 4, corrected: 0, unchanged: 0, refused: [], people: 2 },
    });
    expect(await rowCount()).toBe(before);

    const real = await checkAndWrite(h.ctx, h.actors.out, rows, { dryRun: false });
    expect(real.plan).toMatchObject({ added: 4, refused: [] });
    expect(await rowCount()).toBe(before + 3);
    const recordA = await derivedRecordOf(h.ctx, keyOf(a), "2025-02-28");
    expect(recordA.contributionMonths.actual).toBe(2);
    // the opening balance and the credits after it, in exact fen
    expect(recordA.accountBalanceFen).toBe(100_000 + 2 * 16_800);
    const recordB = await derivedRecordOf(h.ctx, keyOf(b), "2025-03-31");
    expect(recordB.arrears).toEqual({ months: [{ month: "2025-03", amountFen: 56_000 }], totalFen: 56_000 });
    // each person is noted (their ID number kept encrypted for npm run rekey)
    const noted = await h.db.contributionPerson.count({
      where: { personKey: { in: [keyOf(a).personKey, keyOf(b).personKey] } },
    });
    expect(noted).toBe(2);

    const again = await checkAndWrite(h.ctx, h.actors.out, rows, { dryRun: false });
    expect(again.plan).toMatchObject({ added: 0, corrected: 0, unchanged: 4, refused: [] });
    expect(await rowCount()).toBe(before + 3);
  });

  it("names every bad row by number and field, without the cell's value, and then writes nothing", async () => {
    const p = freshPerson().idNumber;
    const recorded = freshPerson().idNumber;
    await checkAndWrite(h.ctx, h.actors.out, file(monthCells(recorded, "2025-05")), { dryRun: false });
    const rows = file(
      monthCells(p, "2025-01"), // good
      monthCells(p, "2025/13"),
      monthCells(p, "2025-02", { base: "-5600.00" }),
      monthCells(p, "2026-11"), // after this month (today is 2026-10-30)
      monthCells(p, "2025-03", { agency: "XM" }),
      monthCells(recorded, "2025-05", { accountCredit: "200.00" }), // other figures, no reason
      monthCells(p, "2025-01"), // the same month twice
      monthCells(p, "2025-04", { employerCreditCode: undefined }),
      monthCells(p, "2025-06", { employerCreditCode: "91350100MA3K00002F" }),
      monthCells(p.slice(0, 17) + (p.endsWith("1") ? "2" : "1"), "2025-07"),
      monthCells(p, "2025-08", { status: "owed", base: "5600.001" }),
      monthCells(p, "2025-09", { reason: "a\u202eb" }),
    );
    const before = await rowCount();
    const o = await checkAndWrite(h.ctx, h.actors.out, rows, { dryRun: false });
    expect(o.status).toBe("done");
    expect(o.plan.refused.map((r) => [r.row, r.errors.map((e) => e.path)])).toEqual([
      [3, ["month"]],
      [4, ["base"]],
      [5, ["month"]],
      [6, ["agency"]],
      [7, ["reason"]],
      [8, ["month"]],
      [9, ["employerCreditCode"]],
      [10, ["employerCreditCode"]],
      [11, ["idNumber"]],
      [12, ["base", "status"]],
      [13, ["reason"]],
    ]);
    expect(o.plan.refused.find((r) => r.row === 8)!.errors[0]!.message).toMatch(/as row 2$/);
    const text = JSON.stringify(o.plan.refused);
    for (const secret of [p, recorded, "5600.001", "-5600.00", "2025/13", "owed"]) expect(text).not.toContain(secret);
    // one good row, nothing written: the file is all or nothing
    expect(await rowCount()).toBe(before);
  });

  it("corrects a month recorded with other figures when the row gives its reason", async () => {
    const p = freshPerson().idNumber;
    await checkAndWrite(h.ctx, h.actors.out, file(monthCells(p, "2025-01"), monthCells(p, "2025-02")), {
      dryRun: false,
    });
    const o = await checkAndWrite(
      h.ctx,
      h.actors.out,
      file(monthCells(p, "2025-01"), monthCells(p, "2025-02", { accountCredit: "200.00", reason: "划账比例有误" })),
      { dryRun: false },
    );
    expect(o.plan).toMatchObject({ added: 0, corrected: 1, unchanged: 1, refused: [] });
    const rows = await rowsOf(directSqlOf(h.db), keyOf(p));
    expect(rows.map((r) => [r.month, r.source, r.reason, r.accountCreditFen])).toEqual([
      ["2025-01", "import", null, 16_800],
      ["2025-02", "import", null, 16_800],
      ["2025-02", "correction", "划账比例有误", 20_000],
    ]);
  });

  it("keeps the records of each agency and insurance apart", async () => {
    const p = freshPerson().idNumber;
    const rows = file(monthCells(p, "2025-01"), monthCells(p, "2025-01", { insurance: "pension" }));
    expect((await checkAndWrite(h.ctx, h.actors.in, rows, { dryRun: false })).plan.added).toBe(2);
    expect(await rowsOf(directSqlOf(h.db), keyOf(p, "medical", "XM"))).toHaveLength(1);
    expect(await rowsOf(directSqlOf(h.db), keyOf(p, "pension", "XM"))).toHaveLength(1);
    expect(await rowsOf(directSqlOf(h.db), keyOf(p, "medical", "FZ"))).toHaveLength(0);
  });

  it("writes nothing when a record changed between the check and the write", async () => {
    const p = freshPerson().idNumber;
    const q = freshPerson().idNumber;
    const plan = await checkFile(h.ctx, h.actors.out, file(monthCells(q, "2025-01"), monthCells(p, "2025-01")));
    expect(plan.added).toBe(2);
    // meanwhile the month is recorded with other figures
    await directSqlOf(h.db).transaction((tx) =>
      appendMonths(tx, keyOf(p), [{ ...monthOf("2025-01"), accountCreditFen: 1, source: "import" }], new Date()),
    );
    // the month it planned to add is taken: the records' unique key refuses it, and nothing is written
    await expect(writePlan(h.ctx, h.agencies.FZ.id, plan)).rejects.toThrow();
    expect(await rowsOf(directSqlOf(h.db), keyOf(q))).toEqual([]);
  });

  it("runs a large file as a job: its progress and outcome are stored for its agency's staff", async () => {
    const people = Array.from({ length: 30 }, () => freshPerson().idNumber);
    const rows = file(...people.flatMap((p) => ["2025-01", "2025-02"].map((m) => monthCells(p, m))));
    const fileInfo = { sha256: "0".repeat(64), format: "csv" as const };
    const { summary, running } = await importContributions(h.ctx, h.actors.out, fileInfo, rows, {
      dryRun: false,
      syncMaxRows: 10,
    });
    expect(running).toBe(true);
    expect(summary).toMatchObject({ status: "running", total: 60, dryRun: false });
    let job = summary;
    for (let i = 0; job.status === "running" && i < 100; i++) {
      await new Promise((ok) => setTimeout(ok, 20));
      job = (await contributionImportSummary(h.ctx, h.actors.out, summary.id!))!;
    }
    expect(job).toMatchObject({ status: "done", phase: "done", processed: 60, added: 60, people: 30, written: true });
    expect(await contributionImportSummary(h.ctx, h.actors.in, summary.id!)).toBeNull();
    // a job whose progress stood still for long was stopped by a restart: it says so
    await h.db.contributionImport.update({
      where: { id: summary.id! },
      data: { status: "running", updatedAt: new Date(Date.now() - 11 * 60 * 1000) },
    });
    expect(await contributionImportSummary(h.ctx, h.actors.out, summary.id!)).toMatchObject({
      status: "failed",
      failure: expect.stringMatching(/Upload the file again/),
    });
    expect(await contributionImportSummary(h.ctx, h.actors.admin, summary.id!)).toBeNull();
  });
});

function monthOf(month: string) {
  return {
    month,
    baseFen: 560_000,
    employerFen: 44_800,
    individualFen: 11_200,
    accountCreditFen: 16_800,
    status: "paid" as const,
    payer: "employer" as const,
    employerCreditCode: CREDIT,
  };
}
