// Opens the database through a Prisma driver adapter (no Rust engine): better-sqlite3 for a
// `file:` URL, pg for a `postgresql://` URL. Both clients are generated from the same models
// (prisma/schema.prisma and its PostgreSQL twin), so the rest of the code sees one API.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { isPostgresUrl, sqliteFilePath } from "./urls.ts";

export type Db = PrismaClient;

export { sqliteFilePath };

const providers = new WeakMap<object, "sqlite" | "postgresql">();

/** Which database a client talks to, for the few statements that differ (PRAGMAs, advisory locks). */
export function providerOf(db: Db): "sqlite" | "postgresql" {
  return providers.get(db) ?? "sqlite";
}

export async function openDatabase(url: string, options: { poolSize?: number } = {}): Promise<Db> {
  if (isPostgresUrl(url)) {
    const [{ PrismaPg }, { PrismaClient: PgClient }] = await Promise.all([import("@prisma/adapter-pg"), import("../generated/prisma-pg/client.ts")]);
    const adapter = new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 });
    // Same models, same API: the PostgreSQL client is used through the SQLite client's type.
    const db = new PgClient({ adapter }) as unknown as Db;
    providers.set(db, "postgresql");
    return db;
  }
  fs.mkdirSync(path.dirname(path.resolve(sqliteFilePath(url))), { recursive: true });
  // `timeout` is better-sqlite3's busy timeout: wait for another process's write lock
  // instead of failing at once with SQLITE_BUSY.
  const adapter = new PrismaBetterSQLite3({ url, timeout: 5000 });
  const db = new PrismaClient({ adapter });
  providers.set(db, "sqlite");
  // WAL is stored in the file; synchronous=NORMAL is per connection and safe with WAL
  // (a power cut may lose the last transactions, never corrupt the file).
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
}
