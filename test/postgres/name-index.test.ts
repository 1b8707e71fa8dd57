// PostgreSQL only: the name search finds a name's beginning through the blind indexes of its first
// 1..4 characters (docs/personal-data.md), by equality, each served by its own index with what the
// list filters and sorts on; the ID number search by its blind index. (Before names were encrypted,
// a LIKE 'prefix%' needed text_pattern_ops on the name index: scripts/pg-schema.ts no longer adds it.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { applyMigrations } from "../../src/db/migrate.ts";
import { freshPgDatabase } from "../support/server.ts";
import { DataKey } from "../../src/privacy/dataKey.ts";

let client: pg.Client;
const key = DataKey.generate("test").key;

beforeAll(async () => {
  const url = await freshPgDatabase();
  await applyMigrations(url);
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

const plan = async (sql: string, params: unknown[]) =>
  (await client.query(`EXPLAIN ${sql}`, params)).rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");

describe("the name and ID number indexes on PostgreSQL", () => {
  it("serve a name prefix of each indexed length, and an ID number, by equality on a blind index", async () => {
    // The table is empty, so the planner would rather scan it: forbid that, and see what remains.
    await client.query("SET enable_seqscan = off");
    for (const [k, prefix] of [
      [1, "王"],
      [2, "王伟"],
      [3, "欧阳娜"],
      [4, "欧阳娜娜"],
    ] as const) {
      const p = await plan(`SELECT "id" FROM "Case" WHERE "insuredNamePrefix${k}" = $1 AND "fromAgencyId" = 1`, [
        key.namePrefixIndex(prefix),
      ]);
      expect(p).toContain(`Case_namePrefix${k}_idx`);
      expect(p).toMatch(new RegExp(`Index Cond: .*"insuredNamePrefix${k}" = `, "s"));
    }
    const p = await plan(`SELECT "id" FROM "Case" WHERE "insuredIdIndex" = $1`, [key.idIndex("350102199003070013")]);
    expect(p).toContain("Case_idIndex_idx");
    // No index on the ciphertext columns: a search on them would read the table.
    const indexes = (await client.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'Case'`)).rows.map(
      (r) => r.indexdef as string,
    );
    expect(indexes.filter((d) => /"insuredName"|"insuredIdNumber"/.test(d))).toEqual([]);
  });
});
