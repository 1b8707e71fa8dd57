// The hot path's direct SQL (src/db/direct.ts) on the client's own driver adapter. Runs on
// SQLite, and on PostgreSQL in the postgresql project (SQLite-only parts: sqlite-connection.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.ts";
import { openDatabase, directSqlOf, type Db } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { databaseUrlFor, tempDir, testDatabase } from "../support/server.ts";

let db: Db;

beforeAll(async () => {
  const url = await databaseUrlFor(tempDir());
  await applyMigrations(url);
  db = await openDatabase(url);
  const agency = await db.agency.create({ data: { code: "AG01", name: "一", region: "350100", limits: "{}" } });
  await db.user.create({
    data: { username: "on", passwordHash: "x", role: "staff", agencyId: agency.id, disabled: false },
  });
  await db.user.create({
    data: { username: "off", passwordHash: "x", role: "staff", agencyId: agency.id, disabled: true },
  });
});
afterAll(async () => {
  await db?.$disconnect();
});

describe(`direct SQL on the client's adapter (${testDatabase})`, () => {
  it("returns rows typed as $queryRaw returns them", async () => {
    const sql = Prisma.sql`SELECT a."id", a."code", a."createdAt", u1."disabled" AS "yes", u2."disabled" AS "no", COUNT(*) OVER () AS "n"
      FROM "Agency" a JOIN "User" u1 ON u1."username" = ${"off"} JOIN "User" u2 ON u2."username" = ${"on"} WHERE a."code" = ${"AG01"}`;
    const [direct] = await directSqlOf(db).query<Record<string, unknown>>(sql);
    const [viaClient] = await db.$queryRaw<Record<string, unknown>[]>(sql);
    expect(direct).toEqual(viaClient);
    expect(typeof direct.id).toBe("number");
    expect(direct.createdAt).toBeInstanceOf(Date);
    expect(direct.yes).toBe(true);
    expect(direct.no).toBe(false);
    expect(direct.n).toBe(1n);
  });

  it("binds each call's own parameters", async () => {
    const d = directSqlOf(db);
    for (const code of ["AG01", "nope", "AG01"]) {
      const rows = await d.query<{ code: string }>(Prisma.sql`SELECT "code" FROM "Agency" WHERE "code" = ${code}`);
      expect(rows.map((r) => r.code)).toEqual(code === "AG01" ? ["AG01"] : []);
    }
  });

  it("commits a transaction's work, and rolls all of it back when the work throws", async () => {
    const d = directSqlOf(db);
    await d.transaction(async (tx) => {
      expect(await tx.execute(Prisma.sql`INSERT INTO "Setting" ("key", "value") VALUES (${"kept"}, ${"1"})`)).toBe(1);
    });
    await expect(
      d.transaction(async (tx) => {
        await tx.execute(Prisma.sql`INSERT INTO "Setting" ("key", "value") VALUES (${"dropped"}, ${"1"})`);
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    // a failing statement (duplicate key) rolls back too
    await expect(
      d.transaction(async (tx) => {
        await tx.execute(Prisma.sql`INSERT INTO "Setting" ("key", "value") VALUES (${"dropped2"}, ${"1"})`);
        await tx.execute(Prisma.sql`INSERT INTO "Setting" ("key", "value") VALUES (${"kept"}, ${"2"})`);
      }),
    ).rejects.toThrow();
    const keys = (await db.setting.findMany({ where: { key: { in: ["kept", "dropped", "dropped2"] } } })).map(
      (s) => s.key,
    );
    expect(keys).toEqual(["kept"]);
    // the client's own transactions still work on the same adapter afterwards
    await db.$transaction(async (tx) => {
      await tx.setting.update({ where: { key: "kept" }, data: { value: "3" } });
    });
    expect((await db.setting.findUnique({ where: { key: "kept" } }))?.value).toBe("3");
  });
});
