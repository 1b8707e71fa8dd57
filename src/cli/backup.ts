// `npm run backup -- --out <file> [--force]`: a consistent copy of the SQLite database, taken
// while the service runs. SQLite's online backup API reads one snapshot (in WAL mode the service
// keeps writing meanwhile); the copy is switched to a single self-contained file, checked with
// `PRAGMA integrity_check`, made readable by its owner only (it holds personal data), and only
// then renamed to <file>, so an interrupted backup never carries the final name.
// Exit codes: 0 done, 1 the backup failed, 2 bad arguments or configuration.
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../config.ts";
import { fileCommandArgs, fsyncPath, sqliteFileFromConfig } from "./sqliteFileCommand.ts";

const USAGE = `usage: npm run backup -- --out <file> [--force]

Copies the database named by DATABASE_URL (default file:./data/tracker.db) to <file>,
consistently, while the service runs. Restore it with \`npm run restore -- --from <file>\`.

  -o, --out <file>  where to write the backup (its folder is created if needed)
  -f, --force       replace <file> if it exists
  -h, --help        this text
`;

/** Pages per backup step after the first: all of them, so that writes between steps cannot make SQLite restart the copy forever. */
const ALL_AT_ONCE = 1 << 30;

function count(db: Database.Database, table: string): number | undefined {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  return exists ? (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n : undefined;
}

async function main(argv: string[]): Promise<number> {
  const args = fileCommandArgs("backup", USAGE, argv, "out", "o");
  if (typeof args === "number") return args;
  const source = sqliteFileFromConfig("backup", "pg_dump");
  if (typeof source === "number") return source;
  const out = path.resolve(args.file);
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
      if (integrity.join() !== "ok")
        throw new Error(`the copy fails integrity_check: ${integrity.slice(0, 5).join("; ")}`);
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
