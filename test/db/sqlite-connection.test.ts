// SQLite only: the service's one connection is shared by the PrismaClient and the hot path's
// direct SQL (src/db/direct.ts), and compiled statements are reused (src/db/statementCache.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import Database from "better-sqlite3";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { openDatabase, directSqlOf, statementCacheOf, type Db } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { cacheStatements } from "../../src/db/statementCache.ts";
import type { DirectQueryable } from "../../src/db/direct.ts";
import { tempDir } from "../support/server.ts";

let db: Db;

beforeAll(async () => {
  const url = `file:${path.join(tempDir(), "tracker.db")}`;
  await applyMigrations(url);
  db = await openDatabase(url);
  await db.agency.create({ data: { code: "AG01", name: "一", region: "350100", limits: "{}" } });
});
afterAll(async () => {
  await db?.$disconnect();
});

describe("one SQLite connection for the client and the direct SQL", () => {
  it("serialises direct transactions with the client's interactive transactions", async () => {
    const d = directSqlOf(db);
    await db.setting.create({ data: { key: "counter", value: "0" } });
    const pause = () => new Promise((r) => setTimeout(r, 2));
    const direct = () =>
      d.transaction(async (tx: DirectQueryable) => {
        const [{ value }] = await tx.query<{ value: string }>(
          Prisma.sql`SELECT "value" FROM "Setting" WHERE "key" = ${"counter"}`,
        );
        await pause();
        await tx.execute(
          Prisma.sql`UPDATE "Setting" SET "value" = ${String(Number(value) + 1)} WHERE "key" = ${"counter"}`,
        );
      });
    const viaClient = () =>
      db.$transaction(async (tx) => {
        const s = await tx.setting.findUniqueOrThrow({ where: { key: "counter" } });
        await pause();
        await tx.setting.update({ where: { key: "counter" }, data: { value: String(Number(s.value) + 1) } });
      });
    // Each read-modify-write pauses in the middle; only the adapter's lock keeps them whole.
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? direct() : viaClient())));
    expect((await db.setting.findUnique({ where: { key: "counter" } }))?.value).toBe("10");
  });
});

describe("SQLite compiled-statement cache", () => {
  it("is installed on the client's connection and serves repeated statements, the client's own included", async () => {
    const stats = statementCacheOf(db)!;
    expect(stats).toBeDefined();
    const before = { ...stats };
    for (let i = 0; i < 3; i++) await db.agency.findUnique({ where: { code: "AG01" } });
    for (let i = 0; i < 3; i++)
      await directSqlOf(db).query(Prisma.sql`SELECT "id" FROM "Agency" WHERE "code" = ${"AG0" + i}`);
    expect(stats.hits - before.hits).toBe(4);
  });

  it("evicts the least recently used statement and stays correct afterwards", () => {
    const raw = new Database(":memory:");
    const stats = cacheStatements(raw, 2);
    const prep = raw.prepare as unknown as (sql: string) => {
      bind(a: unknown[]): { raw(): { all(): unknown[][] }; run(): unknown; reader: boolean };
    };
    const one = (sql: string, args: unknown[]) => prep(sql).bind(args).raw().all()[0][0];
    expect(one("SELECT ? + 1", [1])).toBe(2);
    expect(one("SELECT ? + 2", [1])).toBe(3);
    expect(one("SELECT ? + 1", [5])).toBe(6); // hit; "+ 2" is now the oldest
    expect(one("SELECT ? + 3", [1])).toBe(4); // evicts "+ 2"
    expect(stats).toMatchObject({ hits: 1, misses: 3, size: 2 });
    expect(one("SELECT ? + 2", [0])).toBe(2); // compiled again
    expect(stats.misses).toBe(4);
    prep("CREATE TABLE t (x INTEGER)").bind([]).run();
    expect(prep("INSERT INTO t VALUES (?)").bind([7]).reader).toBe(false);
    prep("INSERT INTO t VALUES (?)").bind([7]).run();
    prep("INSERT INTO t VALUES (?)").bind([8]).run();
    expect(prep("SELECT x FROM t ORDER BY x").bind([]).raw().all()).toEqual([[7], [8]]);
    raw.close();
  });
});
