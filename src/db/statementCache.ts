// better-sqlite3 compiles SQL in prepare(): for the case read (a case and its two agencies) that
// takes about 90 µs, twice as long as running it, and Prisma's SQLite adapter prepares every
// query afresh. This keeps compiled statements by SQL text (least recently used out first) and
// hands the adapter a fresh binding of the compiled statement each time.
//
// It wraps the adapter's connection object, which @prisma/adapter-better-sqlite3 does not
// publish: the version is pinned exactly in package.json, and test/db/sqlite-connection.test.ts
// fails if an upgrade changes how the adapter uses its connection.
import type { Database, Statement } from "better-sqlite3";

/** What the adapter calls on a prepared statement (see its performIO / executeIO / startTransaction). */
interface Compiled {
  stmt: Statement;
  /** the result columns, asked for on every read and costly to list: listed once */
  columns?: ReturnType<Statement["columns"]>;
}

class CachedStatement {
  constructor(
    private readonly compiled: Compiled,
    private readonly args: unknown[] = [],
  ) {}
  private get stmt() {
    return this.compiled.stmt;
  }
  get reader(): boolean {
    return this.stmt.reader;
  }
  bind(args: unknown[]): CachedStatement {
    return new CachedStatement(this.compiled, args);
  }
  run() {
    return this.stmt.run(this.args);
  }
  columns() {
    return (this.compiled.columns ??= this.stmt.columns());
  }
  raw() {
    this.stmt.raw(true);
    return { all: () => this.stmt.all(this.args) };
  }
}

export interface StatementCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** Makes `db.prepare` reuse compiled statements; returns live hit/miss counts. */
export function cacheStatements(db: Database, max = 256): StatementCacheStats {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Compiled>();
  const stats: StatementCacheStats = { hits: 0, misses: 0, size: 0 };
  (db as unknown as { prepare: (sql: string) => CachedStatement }).prepare = (sql: string) => {
    let compiled = cache.get(sql);
    if (compiled) {
      stats.hits++;
      cache.delete(sql); // re-inserted below: Map order is the recency order
    } else {
      stats.misses++;
      compiled = { stmt: prepare(sql) };
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, compiled);
    stats.size = cache.size;
    return new CachedStatement(compiled);
  };
  return stats;
}
