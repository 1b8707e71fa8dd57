// Applies the committed migrations: Prisma's own `migrate deploy` on SQLite (offline through the
// driver adapter configured in prisma.config.ts), our equivalent on PostgreSQL (./pgMigrate.ts).
// When every migration is already applied, deploy is skipped: it takes an exclusive lock on the
// SQLite file, which would fail while another process (a second node, a backup) has it open.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { isPostgresUrl, sqliteFilePath } from "./urls.ts";
import { createPrivateSqliteFile } from "./privateFiles.ts";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const sqliteMigrations = path.join(root, "prisma", "migrations");

export { isPostgresUrl };

/** True when the SQLite file exists and has every committed migration applied, unchanged. */
function sqliteUpToDate(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    const table = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`)
      .get();
    if (!table) return false;
    const applied = new Map(
      (
        db
          .prepare(
            `SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
          .all() as {
          migration_name: string;
          checksum: string;
        }[]
      ).map((r) => [r.migration_name, r.checksum]),
    );
    return fs
      .readdirSync(sqliteMigrations, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .every(
        (d) =>
          applied.get(d.name) ===
          createHash("sha256")
            .update(fs.readFileSync(path.join(sqliteMigrations, d.name, "migration.sql")))
            .digest("hex"),
      );
  } finally {
    db.close();
  }
}

/** Migrations are pending but another process has the SQLite file open (a running service, a backup). */
export class MigrationLockedError extends Error {
  constructor(
    readonly file: string,
    waitedMs: number,
  ) {
    super(
      `Cannot apply the database migrations to ${file}: another process holds a lock on it ` +
        `(waited ${(waitedMs / 1000).toFixed(1)} s). A running service (or a backup) has the database open; ` +
        `stop it, then start again.`,
    );
    this.name = "MigrationLockedError";
  }
}

/**
 * Waits up to `waitMs` for the file to be free of other processes. Prisma's deploy needs the
 * file to itself: while a service has it open, deploy failed after several seconds with
 * "unknown variant `SocketTimeout`" from its WASM connector. EXCLUSIVE locking mode makes the
 * probe's transaction take the lock that no other connection may share, in WAL mode too.
 */
function waitForSoleAccess(file: string, waitMs: number) {
  if (!fs.existsSync(file)) return;
  const probe = new Database(file, { fileMustExist: true, timeout: waitMs });
  try {
    probe.pragma("locking_mode = EXCLUSIVE");
    probe.exec("BEGIN EXCLUSIVE");
    probe.exec("COMMIT");
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
      throw new MigrationLockedError(file, waitMs);
    throw e;
  } finally {
    probe.close();
  }
}

export interface MigrateOptions {
  /** SQLite: how long to wait for another process's lock before failing with MigrationLockedError (default 5 s) */
  lockWaitMs?: number;
}

export async function applyMigrations(databaseUrl: string, options: MigrateOptions = {}): Promise<string> {
  if (isPostgresUrl(databaseUrl)) {
    // node-postgres is loaded only for a PostgreSQL database: a SQLite service never holds it in memory
    const { applyPgMigrations } = await import("./pgMigrate.ts");
    const r = await applyPgMigrations(databaseUrl);
    return `applied ${r.applied.length} PostgreSQL migrations (${r.alreadyApplied} already applied)`;
  }
  const file = sqliteFilePath(databaseUrl);
  if (sqliteUpToDate(file)) return "migrations up to date";
  const lockWaitMs = options.lockWaitMs ?? 5_000;
  waitForSoleAccess(file, lockWaitMs);
  // A new database file is created private (0600) before Prisma opens it with the default mode.
  createPrivateSqliteFile(path.resolve(file));
  const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");
  try {
    const { stdout } = await run(process.execPath, [prismaCli, "migrate", "deploy"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
    return stdout;
  } catch (e) {
    // Another process opened the file between the probe and deploy: the same clear message.
    if (/SocketTimeout|database is locked|SQLITE_BUSY/i.test(String((e as Error).message)))
      throw new MigrationLockedError(file, lockWaitMs);
    throw e;
  }
}
