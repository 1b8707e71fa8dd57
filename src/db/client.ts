// Opens the database through a Prisma driver adapter (no Rust engine): better-sqlite3 for a
// `file:` URL, pg for a `postgresql://` URL. Both clients are generated from the same models
// (prisma/schema.prisma and its PostgreSQL twin), so the rest of the code sees one API.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { isPostgresUrl, sqliteFilePath } from "./urls.ts";
import type { Database } from "better-sqlite3";
import { capturingFactory, directSql, type DirectSql } from "./direct.ts";
import { cacheStatements, type StatementCacheStats } from "./statementCache.ts";
import { Checkpointer } from "./checkpointer.ts";
import { createPrivateSqliteFile, tightenSqliteFiles } from "./privateFiles.ts";

export type Db = PrismaClient;

export { sqliteFilePath };

const providers = new WeakMap<object, "sqlite" | "postgresql">();
const directs = new WeakMap<object, DirectSql>();
const statementCaches = new WeakMap<object, StatementCacheStats>();
const checkpointers = new WeakMap<object, Checkpointer>();
const urls = new WeakMap<object, string>();

/** The URL a client was opened with (tools find the data key for it: src/privacy/atRest.ts). */
export function databaseUrlOf(db: Db): string {
  const url = urls.get(db);
  if (!url) throw new Error("databaseUrlOf: this client was not opened by openDatabase");
  return url;
}

/** SQLite opened with `backgroundCheckpoints`: its checkpoint thread (src/db/checkpointer.ts). */
export function checkpointerOf(db: Db): Checkpointer | undefined {
  return checkpointers.get(db);
}

/** Stops the background checkpointer, if any, then disconnects (the last connection closes the log). */
export async function closeDatabase(db: Db): Promise<void> {
  await checkpointers.get(db)?.stop();
  await db.$disconnect();
}

/** SQLite: the compiled-statement cache's counters (undefined on PostgreSQL). */
export function statementCacheOf(db: Db): StatementCacheStats | undefined {
  return statementCaches.get(db);
}

/** Which database a client talks to, for the few statements that differ (PRAGMAs, advisory locks). */
export function providerOf(db: Db): "sqlite" | "postgresql" {
  return providers.get(db) ?? "sqlite";
}

/** Hand-written SQL on the client's own driver adapter, for the hot path (src/db/direct.ts). */
export function directSqlOf(db: Db): DirectSql {
  const d = directs.get(db);
  if (!d) throw new Error("directSqlOf: this client was not opened by openDatabase");
  return d;
}

function register(
  db: Db,
  url: string,
  provider: "sqlite" | "postgresql",
  connected: () => import("@prisma/driver-adapter-utils").SqlDriverAdapter | undefined,
) {
  providers.set(db, provider);
  urls.set(db, url);
  directs.set(
    db,
    directSql(async () => {
      if (!connected()) await db.$connect();
      const adapter = connected();
      if (!adapter) throw new Error("The Prisma client connected without its driver adapter.");
      return adapter;
    }),
  );
}

export interface OpenOptions {
  /** PostgreSQL pool size */
  poolSize?: number;
  /** SQLite: better-sqlite3's statement tracer (tests compare the SQL two requests run) */
  sqliteVerbose?: (sql: unknown) => void;
  /**
   * SQLite: checkpoint the write-ahead log from a worker thread instead of inside the commits
   * (the service; src/db/checkpointer.ts). Close such a client with closeDatabase. `onError`
   * hears of checkpoint failures (no personal data: SQLite's own messages).
   */
  backgroundCheckpoints?: { onError: (message: string) => void };
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Db> {
  if (isPostgresUrl(url)) {
    const [{ PrismaPg }, { PrismaClient: PgClient }] = await Promise.all([
      import("@prisma/adapter-pg"),
      import("../generated/prisma-pg/client.ts"),
    ]);
    const { factory, connected } = capturingFactory(
      new PrismaPg({ connectionString: url, max: options.poolSize ?? 10 }),
    );
    // Same models, same API: the PostgreSQL client is used through the SQLite client's type.
    const db = new PgClient({ adapter: factory }) as unknown as Db;
    register(db, url, "postgresql", connected);
    return db;
  }
  // Private from the first byte: SQLite gives its -wal, -shm and -journal files the same mode.
  createPrivateSqliteFile(path.resolve(sqliteFilePath(url)));
  // `timeout` is better-sqlite3's busy timeout: wait for another process's write lock
  // instead of failing at once with SQLITE_BUSY.
  const { factory, connected } = capturingFactory(
    new PrismaBetterSQLite3({
      url,
      timeout: 5000,
      ...(options.sqliteVerbose ? { verbose: options.sqliteVerbose } : {}),
    } as ConstructorParameters<typeof PrismaBetterSQLite3>[0]),
    (adapter) => {
      const connection = (adapter as unknown as { client?: Database }).client;
      if (connection && typeof connection.prepare === "function") statementCaches.set(db, cacheStatements(connection));
    },
  );
  const db = new PrismaClient({ adapter: factory });
  register(db, url, "sqlite", connected);
  // WAL is stored in the file; synchronous=NORMAL is per connection and safe with WAL
  // (a power cut may lose the last transactions, never corrupt the file).
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  tightenSqliteFiles(path.resolve(sqliteFilePath(url)));
  if (options.backgroundCheckpoints)
    await checkpointInBackground(db, path.resolve(sqliteFilePath(url)), options.backgroundCheckpoints.onError);
  return db;
}

async function checkpointInBackground(db: Db, file: string, onError: (message: string) => void) {
  // After a checkpoint has copied the whole log, the next commit starts it again from the top;
  // this cuts the file back if a burst of writes had made it large.
  await db.$queryRawUnsafe("PRAGMA journal_size_limit = 67108864");
  const checkpointer = new Checkpointer(file, {
    // on: SQLite's default, a checkpoint in the commit that takes the log past 1,000 pages
    commitCheckpoints: (on) => db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${on ? 1000 : 0}`),
    onError: (message) => onError(message),
  });
  try {
    await checkpointer.ready();
  } catch {
    return; // reported through onError; the commits' own checkpoints are on
  }
  checkpointers.set(db, checkpointer);
}
