// Opens the database through Prisma's better-sqlite3 driver adapter (no Rust engine),
// and sets the connection PRAGMAs the adapter leaves alone.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";

export type Db = PrismaClient;

/** The file path behind a `file:` URL, relative to the working directory like the adapter's. */
export function sqliteFilePath(url: string): string {
  return url.slice("file:".length).split("?")[0];
}

export async function openDatabase(url: string): Promise<Db> {
  fs.mkdirSync(path.dirname(path.resolve(sqliteFilePath(url))), { recursive: true });
  // `timeout` is better-sqlite3's busy timeout: wait for another process's write lock
  // instead of failing at once with SQLITE_BUSY.
  const adapter = new PrismaBetterSQLite3({ url, timeout: 5000 });
  const db = new PrismaClient({ adapter });
  // WAL is stored in the file; synchronous=NORMAL is per connection and safe with WAL
  // (a power cut may lose the last transactions, never corrupt the file).
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
}
