// `npm run restore -- --from <backup> [--force]`: puts a backup made by `npm run backup` in place
// of the database named by DATABASE_URL. Stop the service first: restore refuses while any
// process has the database open. The backup is checked (integrity, tracker tables) before
// anything is touched; the database it replaces is kept beside it (*.before-restore-<time>),
// together with its -wal file, which must never be left next to another database file.
// Exit codes: 0 done, 1 the restore failed or was refused, 2 bad arguments or configuration.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../config.ts";
import { fileCommandArgs, fsyncPath, sqliteFileFromConfig } from "./sqliteFileCommand.ts";

const USAGE = `usage: npm run restore -- --from <backup> [--force]

Replaces the database named by DATABASE_URL (default file:./data/tracker.db) with <backup>.
Stop the service first. The replaced database is kept as <database>.before-restore-<time>.

  --from <backup>  a file written by \`npm run backup\`
  -f, --force      replace an existing database
  -h, --help       this text
`;

class Refused extends Error {}

/** Checks the backup and returns what it holds. */
function inspect(file: string): { cases: number; events: number } {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new Refused(`${file} cannot be opened as a database: ${(e as Error).message}`);
  }
  try {
    const integrity = (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.join() !== "ok")
      throw new Refused(`${file} fails integrity_check: ${integrity.slice(0, 5).join("; ")}`);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    for (const t of ["_prisma_migrations", "Case", "CaseEvent", "User"]) {
      if (!tables.has(t)) throw new Refused(`${file} is not a case tracker database (no ${t} table)`);
    }
    const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    return { cases: n("Case"), events: n("CaseEvent") };
  } catch (e) {
    if (e instanceof Refused) throw e;
    throw new Refused(`${file} is not a readable database: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

/** Refuses when another process has the database open (a running service holds a lock on it). */
function assertNotInUse(target: string) {
  const db = new Database(target, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE; COMMIT");
  } catch (e) {
    throw new Refused(`${target} is in use (${(e as Error).message}); stop the service first`);
  } finally {
    db.close();
  }
}

function main(argv: string[]): number {
  const args = fileCommandArgs("restore", USAGE, argv, "from");
  if (typeof args === "number") return args;
  const target = sqliteFileFromConfig("restore", "pg_restore");
  if (typeof target === "number") return target;
  const from = path.resolve(args.file);
  if (!fs.existsSync(from) || !fs.statSync(from).isFile()) {
    process.stderr.write(`restore: no backup at ${from}\n`);
    return 2;
  }
  if (from === target) {
    process.stderr.write(`restore: ${from} is the database itself\n`);
    return 2;
  }
  const exists = fs.existsSync(target);
  if (exists && !args.force) {
    process.stderr.write(
      `restore: ${target} exists; use --force to replace it (it is kept as ${path.basename(target)}.before-restore-<time>)\n`,
    );
    return 2;
  }
  const tmp = `${target}.restoring-${process.pid}`;
  try {
    const held = inspect(from);
    if (exists) assertNotInUse(target);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(tmp, { force: true });
    fs.copyFileSync(from, tmp, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(tmp, 0o600);
    fsyncPath(tmp);
    let kept: string | undefined;
    if (exists) {
      kept = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(target, kept);
      // The old database's WAL belongs to it: left beside the new file it would be replayed into it.
      for (const suffix of ["-wal", "-journal"])
        if (fs.existsSync(target + suffix)) fs.renameSync(target + suffix, kept + suffix);
      fs.rmSync(`${target}-shm`, { force: true });
    }
    fs.renameSync(tmp, target);
    fsyncPath(path.dirname(target));
    process.stdout.write(
      `restore: ${target} now holds ${from} (${held.cases} cases, ${held.events} events)${kept ? `; the previous database is kept at ${kept}` : ""}\n`,
    );
    return 0;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    process.stderr.write(`restore ${e instanceof Refused ? "refused" : "failed"}: ${(e as Error).message}\n`);
    return 1;
  }
}

try {
  process.exit(main(process.argv.slice(2)));
} catch (e) {
  process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `restore failed: ${(e as Error).message}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
}
