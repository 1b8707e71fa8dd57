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
import { applyPgMigrations } from "./pgMigrate.ts";
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
    const table = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (!table) return false;
    const applied = new Map(
      (db.prepare(`SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as {
        migration_name: string;
        checksum: string;
      }[]).map((r) => [r.migration_name, r.checksum]),
    );
    return fs
      .readdirSync(sqliteMigrations, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .every((d) => applied.get(d.name) === createHash("sha256").update(fs.readFileSync(path.join(sqliteMigrations, d.name, "migration.sql"))).digest("hex"));
  } finally {
    db.close();
  }
}

export async function applyMigrations(databaseUrl: string): Promise<string> {
  if (isPostgresUrl(databaseUrl)) {
    const r = await applyPgMigrations(databaseUrl);
    return `applied ${r.applied.length} PostgreSQL migrations (${r.alreadyApplied} already applied)`;
  }
  if (sqliteUpToDate(sqliteFilePath(databaseUrl))) return "migrations up to date";
  // A new database file is created private (0600) before Prisma opens it with the default mode.
  createPrivateSqliteFile(path.resolve(sqliteFilePath(databaseUrl)));
  const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");
  const { stdout } = await run(process.execPath, [prismaCli, "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
  return stdout;
}
