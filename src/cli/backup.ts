// `npm run backup -- --out <file> [--force]`: a consistent copy of the SQLite database, taken
// while the service runs. SQLite's online backup API reads one snapshot (in WAL mode the service
// keeps writing meanwhile); the copy is switched to a single self-contained file, checked with
// `PRAGMA integrity_check`, made readable by its owner only (it holds personal data), and only
// then renamed to <file>, so an interrupted backup never carries the final name.
// Exit codes: 0 done, 1 the backup failed, 2 bad arguments or configuration.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { loadConfig, ConfigError } from "../config.ts";

/** The file behind a `file:` URL, relative to the working directory (as in src/db/client.ts, without loading Prisma). */
const sqliteFilePath = (url: string) => url.slice("file:".length).split("?")[0];

const USAGE = `usage: npm run backup -- --out <file> [--force]

Copies the database named by DATABASE_URL (default file:./data/tracker.db) to <file>,
consistently, while the service runs. Restore it with \`npm run restore -- --from <file>\`.

  -o, --out <file>  where to write the backup (its folder is created if needed)
  -f, --force       replace <file> if it exists
  -h, --help        this text
`;

class UsageError extends Error {}

interface BackupArgs {
  out: string;
  force: boolean;
}

function parseBackupArgs(argv: string[]): BackupArgs | "help" {
  let out: string | undefined;
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-h" || a === "--help") return "help";
    if (a === "-f" || a === "--force") force = true;
    else if (a === "-o" || a === "--out") {
      const v = argv[++i];
      if (v === undefined || v === "" || v.startsWith("-")) throw new UsageError(`${a} needs a file name`);
      out = v;
    } else if (a.startsWith("--out=")) {
      out = a.slice("--out=".length);
      if (out === "") throw new UsageError("--out needs a file name");
    } else throw new UsageError(`unknown argument: ${a}`);
  }
  if (out === undefined) throw new UsageError("--out <file> is required");
  return { out, force };
}

/** Pages per backup step after the first: all of them, so that writes between steps cannot make SQLite restart the copy forever. */
const ALL_AT_ONCE = 1 << 30;

function count(db: Database.Database, table: string): number | undefined {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  return exists ? (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n : undefined;
}

function fsyncPath(p: string) {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function main(argv: string[]): Promise<number> {
  let args: BackupArgs | "help";
  try {
    args = parseBackupArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`backup: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const config = loadConfig();
  if (!config.DATABASE_URL.startsWith("file:")) {
    process.stderr.write(`backup: DATABASE_URL is not a SQLite file URL; this command handles the SQLite database only (for PostgreSQL use pg_dump)\n`);
    return 2;
  }
  const source = path.resolve(sqliteFilePath(config.DATABASE_URL));
  const out = path.resolve(args.out);
  if (!fs.existsSync(source)) {
    process.stderr.write(`backup: no database at ${source} (DATABASE_URL)\n`);
    return 2;
  }
  if ([source, `${source}-wal`, `${source}-shm`, `${source}-journal`].includes(out)) {
    process.stderr.write(`backup: ${out} is the database itself; choose another file\n`);
    return 2;
  }
  if (fs.existsSync(out)) {
    if (fs.statSync(out).isDirectory()) {
      process.stderr.write(`backup: ${out} is a folder; give a file name\n`);
      return 2;
    }
    if (!args.force) {
      process.stderr.write(`backup: ${out} exists; use --force to replace it\n`);
      return 2;
    }
  }

  const started = Date.now();
  const tty = process.stderr.isTTY;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.partial-${process.pid}`;
  try {
    // Created empty and private first: the copy is never readable by others, not even briefly.
    fs.rmSync(tmp, { force: true });
    fs.closeSync(fs.openSync(tmp, "wx", 0o600));
    const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 10_000 });
    try {
      await db.backup(tmp, {
        progress: ({ totalPages, remainingPages }) => {
          if (tty) process.stderr.write(`\rbackup: copied ${totalPages - remainingPages}/${totalPages} pages`);
          return ALL_AT_ONCE;
        },
      });
    } finally {
      db.close();
    }
    if (tty) process.stderr.write("\nbackup: checking the copy\n");

    const copy = new Database(tmp, { fileMustExist: true });
    let cases: number | undefined;
    let events: number | undefined;
    try {
      // One self-contained file: no -wal beside it to lose when it is moved or archived.
      copy.pragma("journal_mode = DELETE");
      const integrity = (copy.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
      if (integrity.join() !== "ok") throw new Error(`the copy fails integrity_check: ${integrity.slice(0, 5).join("; ")}`);
      cases = count(copy, "Case");
      events = count(copy, "CaseEvent");
    } finally {
      copy.close();
    }
    fs.chmodSync(tmp, 0o600);
    fsyncPath(tmp);
    fs.renameSync(tmp, out);
    fsyncPath(path.dirname(out));
    const size = fs.statSync(out).size;
    const what = cases === undefined ? "" : `; ${cases} cases, ${events} events`;
    process.stdout.write(`backup: ${out} (${size} bytes${what}; integrity ok) in ${Date.now() - started} ms\n`);
    return 0;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    fs.rmSync(`${tmp}-journal`, { force: true });
    if (tty) process.stderr.write("\n");
    process.stderr.write(`backup failed: ${(e as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `backup failed: ${(e as Error).message}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
