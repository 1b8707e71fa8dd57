// SQLite only: migrations that wait on a lock held by a running service fail after a bounded
// wait with a message that names the file and says what holds it.
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { openDatabase, closeDatabase, type Db } from "../../src/db/client.ts";
import { applyMigrations, MigrationLockedError } from "../../src/db/migrate.ts";
import { root, tempDir } from "../support/server.ts";

const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await closeDatabase(db);
});

describe("migrations and a running service", () => {
  it("fail with a clear message naming the file when a running service holds it, and apply once it has stopped", async () => {
    const file = path.join(tempDir(), "tracker.db");
    // A service (with its checkpoint thread) has the file open; its migrations are pending.
    const service = await openDatabase(`file:${file}`, { backgroundCheckpoints: { onError: () => undefined } });
    opened.push(service);
    await service.$queryRawUnsafe("SELECT 1");

    const failure = await applyMigrations(`file:${file}`, { lockWaitMs: 300 }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failure).toBeInstanceOf(MigrationLockedError);
    expect(failure!.message).toContain(file);
    expect(failure!.message).toMatch(/running service/);
    expect(failure!.message).toMatch(/waited 0\.3 s/);

    await closeDatabase(opened.pop()!);
    expect(await applyMigrations(`file:${file}`, { lockWaitMs: 300 })).toMatch(/successfully applied/);
    const db = new Database(file, { readonly: true });
    const count = (
      db.prepare("SELECT count(*) AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL").get() as { n: number }
    ).n;
    db.close();
    // every committed migration
    const committed = fs
      .readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true })
      .filter((d) => d.isDirectory());
    expect(count).toBe(committed.length);
  });

  it("also when the service is in the middle of a write", async () => {
    const file = path.join(tempDir(), "tracker.db");
    const writer = new Database(file);
    writer.pragma("journal_mode = WAL");
    writer.exec("CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)");
    try {
      await expect(applyMigrations(`file:${file}`, { lockWaitMs: 200 })).rejects.toThrow(
        /another process holds a lock on it.*running service/s,
      );
    } finally {
      writer.exec("ROLLBACK");
      writer.close();
    }
  });
});
