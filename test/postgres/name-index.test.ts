// PostgreSQL only: the name search's LIKE 'prefix%' is served by the name index, whose name column
// has the text_pattern_ops operator class (scripts/pg-schema.ts). With the database's collation
// (C.UTF-8 here, a locale elsewhere) a plain index could not serve it and every case in scope was read.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { applyMigrations } from "../../src/db/migrate.ts";
import { freshPgDatabase } from "../support/server.ts";

let client: pg.Client;

beforeAll(async () => {
  const url = await freshPgDatabase();
  await applyMigrations(url);
  client = new pg.Client({ connectionString: url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

describe("the name index on PostgreSQL", () => {
  it("serves a name prefix (LIKE 'prefix%') as a range of the index", async () => {
    // The table is empty, so the planner would rather scan it: forbid that, and see what remains.
    await client.query("SET enable_seqscan = off");
    const { rows } = await client.query(`EXPLAIN SELECT "id" FROM "Case" WHERE "insuredName" LIKE $1`, ["王伟%"]);
    const plan = rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
    expect(plan).toContain("Case_insuredName_fromAgencyId_toAgencyId_nextDueOn_id_idx");
    // The prefix became an index range in pattern (character by character) order.
    expect(plan).toMatch(/Index Cond: .*"insuredName" ~>=~ '王伟'.*"insuredName" ~<~ /s);
  });
});
