// The SQLite database and its companions hold personal data (encrypted) and account hashes: they
// are made readable by their owner only (0600). SQLite creates the -wal, -shm and -journal files
// with the mode of the database file, so a database file created 0600 keeps them 0600 as well;
// files made by an earlier version with looser modes are tightened when the service opens them.
import fs from "node:fs";
import path from "node:path";

export const SQLITE_COMPANIONS = ["-wal", "-shm", "-journal"] as const;

/** Creates the database file empty and private if it does not exist yet (SQLite takes an empty file as a new database). */
export function createPrivateSqliteFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.closeSync(fs.openSync(file, "wx", 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  tightenSqliteFiles(file);
}

/** chmod 0600 the database file and whichever of its companions exist. */
export function tightenSqliteFiles(file: string): void {
  if (process.platform === "win32") return;
  for (const f of [file, ...SQLITE_COMPANIONS.map((s) => file + s)]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}
