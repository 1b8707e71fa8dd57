// SQLite only: the service copies its write-ahead log into the database file from a worker
// thread (src/db/checkpointer.ts), never inside a request's commit.
import { afterEach, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { openDatabase, checkpointerOf, closeDatabase, type Db } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { Checkpointer } from "../../src/db/checkpointer.ts";
import { tempDir } from "../support/server.ts";

const opened: Db[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await closeDatabase(db);
});

async function open(backgroundCheckpoints: boolean, errors: string[] = []) {
  const file = path.join(tempDir(), "tracker.db");
  await applyMigrations(`file:${file}`);
  const db = await openDatabase(
    `file:${file}`,
    backgroundCheckpoints ? { backgroundCheckpoints: { onError: (m) => errors.push(m) } } : {},
  );
  opened.push(db);
  await db.$executeRawUnsafe(`CREATE TABLE "Scratch" ("x" BLOB)`);
  return { db, file };
}

/** Writes `rows` rows of about a page each, a commit per row, as the service's writer would. */
async function write(db: Db, rows: number) {
  for (let i = 0; i < rows; i++) await db.$executeRawUnsafe(`INSERT INTO "Scratch" ("x") VALUES (randomblob(3000))`);
}

const autocheckpoint = async (db: Db) =>
  Number(
    (await db.$queryRawUnsafe<{ wal_autocheckpoint: bigint }[]>("PRAGMA wal_autocheckpoint"))[0].wal_autocheckpoint,
  );

describe("background checkpoints", () => {
  it("turn the commits' own checkpoints off, copy the log from the worker, and let the log start over", async () => {
    const errors: string[] = [];
    const { db } = await open(true, errors);
    const checkpointer = checkpointerOf(db)!;
    expect(checkpointer).toBeDefined();
    expect(await autocheckpoint(db)).toBe(0);

    await write(db, 1500);
    const first = await checkpointer.checkpointNow();
    expect(first.rounds).toBeGreaterThan(0);
    expect(first.last!.checkpointed).toBe(first.last!.log);

    // All of it copied (and only the worker copies: automatic checkpoints are off), so the next
    // commit writes from the top of the log again instead of after 1,500 pages.
    await write(db, 1);
    const second = await checkpointer.checkpointNow();
    expect(second.last!.log).toBeLessThan(20);
    expect(second.last!.checkpointed).toBe(second.last!.log);
    expect(errors).toEqual([]);
  });

  it("are off unless asked for (command-line tools keep SQLite's default)", async () => {
    const { db } = await open(false);
    expect(checkpointerOf(db)).toBeUndefined();
    expect(await autocheckpoint(db)).toBe(1000);
  });

  it("hand checkpoints back to the service's commits while the log outgrows the rounds, and take them back once it has started over", async () => {
    const { db, file } = await open(false);
    await db.$queryRawUnsafe("PRAGMA wal_autocheckpoint = 0");
    await write(db, 1500);
    const switches: boolean[] = [];
    const checkpointer = new Checkpointer(file, {
      fallBackAbovePages: 1200,
      intervalMs: 60_000,
      commitCheckpoints: async (on) => {
        switches.push(on);
        await db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${on ? 1000 : 0}`);
      },
    });
    try {
      let stats = await checkpointer.checkpointNow();
      expect(stats.last!.log).toBeGreaterThan(1200);
      expect(stats).toMatchObject({ fallbacks: 1, commitsCheckpoint: true });
      expect(await autocheckpoint(db)).toBe(1000);

      // That round copied the whole log, so the next commit starts it over.
      await write(db, 1);
      stats = await checkpointer.checkpointNow();
      expect(stats.last!.log).toBeLessThan(20);
      expect(stats).toMatchObject({ fallbacks: 1, commitsCheckpoint: false });
      expect(await autocheckpoint(db)).toBe(0);
      // off when the worker was ready, on while the log was too long, off again
      expect(switches).toEqual([false, true, false]);
    } finally {
      await checkpointer.stop();
    }
    expect(checkpointer.running).toBe(false);
  });

  it("report a worker that cannot open the file as gone, and leave the commits' own checkpoints on", async () => {
    const failures: [string, boolean][] = [];
    const switches: boolean[] = [];
    const checkpointer = new Checkpointer(path.join(tempDir(), "missing", "tracker.db"), {
      commitCheckpoints: async (on) => void switches.push(on),
      onError: (m, gone) => failures.push([m, gone]),
    });
    await expect(checkpointer.ready()).rejects.toThrow();
    await checkpointer.stop();
    expect(switches).toEqual([]);
    expect(checkpointer.stats.commitsCheckpoint).toBe(true);
    expect(failures).toHaveLength(1);
    expect(failures[0][0]).toMatch(/unable to open|directory does not exist/i);
    expect(failures[0][1]).toBe(true);
  });

  it("when the thread dies after start: the commits checkpoint again, the failure is reported, and the service keeps working", async () => {
    const errors: string[] = [];
    const { db, file } = await open(true, errors);
    const checkpointer = checkpointerOf(db)!;
    expect(await autocheckpoint(db)).toBe(0);
    await write(db, 10);

    await checkpointer.worker.terminate();
    await expect.poll(() => checkpointer.running).toBe(false);
    await expect.poll(() => autocheckpoint(db)).toBe(1000);
    expect(checkpointer.stats.commitsCheckpoint).toBe(true);
    expect(errors).toEqual([expect.stringMatching(/checkpoint thread exited/)]);

    // Writes go on, and the commits' own checkpoints keep the log from growing: 3,000 pages of
    // writes with the log never past SQLite's 1,000-page threshold by much.
    await write(db, 3000);
    const [row] = await db.$queryRawUnsafe<{ log: bigint; checkpointed: bigint }[]>("PRAGMA wal_checkpoint(PASSIVE)");
    expect(Number(row.log)).toBeLessThan(1100);
    expect(Number((await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "Scratch"`))[0].n)).toBe(3010);
    expect(fs.statSync(`${file}-wal`).size).toBeLessThan(1100 * 4096 + 100_000);

    // Closing after the thread has gone is clean.
    await closeDatabase(opened.pop()!);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it("close with the database: the last connection folds the log into the file and removes it", async () => {
    const { db, file } = await open(true);
    await write(db, 50);
    const checkpointer = checkpointerOf(db)!;
    await closeDatabase(opened.pop()!);
    expect(checkpointer.running).toBe(false);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });
});
