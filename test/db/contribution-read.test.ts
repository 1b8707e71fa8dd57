// The certificate's read of a contribution record (src/engine/contributions.ts figuresOf): the
// columns of ContributionMonth_figures_idx, so SQLite answers it from that index alone, without a
// table page per month (docs/performance.md, issue #28); and the same figures as the full rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../src/generated/prisma/client.ts";
import { directSqlOf, openDatabase, type Db } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import type { DirectQueryable } from "../../src/db/direct.ts";
import {
  appendMonths,
  figuresOf,
  latestOfEachMonth,
  rowsOf,
  type NewMonth,
  type RecordKey,
} from "../../src/engine/contributions.ts";
import { tempDir } from "../support/server.ts";

let db: Db;
let key: RecordKey;
const month = (m: string, over: Partial<NewMonth> = {}): NewMonth => ({
  month: m,
  baseFen: 560_000,
  employerFen: 89_600,
  individualFen: 44_800,
  accountCreditFen: 44_800,
  status: "paid",
  payer: "employer",
  employerCreditCode: "91350100MA3K00002E",
  source: "import",
  ...over,
});

beforeAll(async () => {
  const url = `file:${tempDir()}/tracker.db`;
  await applyMigrations(url);
  db = await openDatabase(url);
  const agency = await db.agency.create({
    data: { code: "A", name: "福州市社保中心", region: "350100", limits: "{}" },
  });
  key = { agencyId: agency.id, personKey: "bXkgYmxpbmQgaW5kZXgx", insurance: "pension" };
  const months = ["2024-11", "2024-12", "2025-01", "2025-02"].map((m) => month(m));
  months.push(month("2025-03", { status: "arrears", payer: "flexible", employerCreditCode: null }));
  await directSqlOf(db).transaction((tx) => appendMonths(tx, key, months, new Date()));
  await directSqlOf(db).transaction((tx) =>
    appendMonths(tx, key, [month("2025-01", { baseFen: 600_000, reason: "基数更正" })], new Date()),
  );
});
afterAll(() => db?.$disconnect());

describe("the certificate's read", () => {
  it("is answered from ContributionMonth_figures_idx alone", async () => {
    let statement: Prisma.Sql | undefined;
    const recording: DirectQueryable = {
      query: async <T>(sql: Prisma.Sql) => {
        statement = sql;
        return [] as T[];
      },
      execute: async () => 0,
    };
    await figuresOf(recording, key);
    const plan = await db.$queryRawUnsafe<{ detail: string }[]>(
      `EXPLAIN QUERY PLAN ${statement!.sql}`,
      ...statement!.values,
    );
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/USING COVERING INDEX ContributionMonth_figures_idx/);
  });

  it("gives the figures of every row, superseded ones too, as the full rows do", async () => {
    const sql = directSqlOf(db);
    const full = await rowsOf(sql, key);
    const figures = await figuresOf(sql, key);
    const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
    expect(figures.sort(byId)).toEqual(
      full
        .map(({ source: _s, fromAgencyId: _f, caseId: _c, reason: _r, supersedesId: _p, recordedAt: _t, ...f }) => f)
        .sort(byId),
    );
    expect(figures).toHaveLength(6);
    expect(latestOfEachMonth(figures).find((r) => r.month === "2025-01")?.baseFen).toBe(600_000);
  });
});
