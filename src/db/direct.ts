// Hand-written SQL for the hot path (advances, status lookups, case lists), sent straight to the Prisma
// driver adapter the PrismaClient itself uses: the same better-sqlite3 connection or pg pool,
// the same transaction lock, the same schema and migrations. What it skips is the client's
// per-call machinery (request building, the wasm query compiler's raw-query path, the
// interactive-transaction manager), which the benchmark showed to cost more than SQLite itself
// (docs/performance.md). Everything else keeps using the PrismaClient.
//
// Statements are Prisma.Sql values (Prisma.sql`…`), so parameters are always bound, never spliced.
import {
  ColumnTypeEnum,
  type ArgType,
  type ColumnType,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
} from "@prisma/driver-adapter-utils";
import type { Prisma } from "../generated/prisma/client.ts";

/** A column's value as $queryRaw gives it (the adapters hand integers over as strings, booleans as 0/1 on SQLite). */
function fromColumn(v: unknown, type: ColumnType): unknown {
  if (v === null) return null;
  switch (type) {
    case ColumnTypeEnum.Int32:
    case ColumnTypeEnum.Float:
    case ColumnTypeEnum.Double:
    case ColumnTypeEnum.UnknownNumber:
      return typeof v === "number" ? v : Number(v);
    case ColumnTypeEnum.Int64:
      return BigInt(v as string | number | bigint);
    case ColumnTypeEnum.Boolean:
      return v === true || v === 1 || v === "1" || v === "t" || v === "true";
    case ColumnTypeEnum.DateTime:
      return new Date(v as string);
    default:
      return v;
  }
}

export type Row = Record<string, unknown>;

export interface DirectQueryable {
  /** Rows as objects; booleans as booleans and timestamps as Dates, as $queryRaw gives them. */
  query<T = Row>(sql: Prisma.Sql): Promise<T[]>;
  /** The number of rows changed. */
  execute(sql: Prisma.Sql): Promise<number>;
}

/**
 * The same interface over a Prisma interactive transaction: for a transaction that writes through
 * the ORM too (opening a case, the service's own notes) and hands its raw statements to a writer
 * shared with the direct path (src/engine/eventLog.ts).
 */
export function prismaQueryable(tx: Pick<Prisma.TransactionClient, "$queryRaw" | "$executeRaw">): DirectQueryable {
  return { query: <T>(sql: Prisma.Sql) => tx.$queryRaw<T[]>(sql), execute: (sql) => tx.$executeRaw(sql) };
}

export interface DirectSql extends DirectQueryable {
  /** One transaction; committed when `work` resolves, rolled back when it throws. */
  transaction<T>(work: (tx: DirectQueryable) => Promise<T>): Promise<T>;
}

function argType(v: unknown): ArgType {
  const scalarType =
    typeof v === "string"
      ? "string"
      : typeof v === "boolean"
        ? "boolean"
        : typeof v === "bigint"
          ? "bigint"
          : typeof v === "number"
            ? Number.isInteger(v)
              ? "int"
              : "float"
            : v instanceof Date
              ? "datetime"
              : "unknown";
  return { scalarType, arity: "scalar" };
}

function toQuery(sql: Prisma.Sql, provider: SqlDriverAdapter["provider"]): SqlQuery {
  const args = sql.values as unknown[];
  // Prisma.Sql renders `?` placeholders for SQLite and `$1…` for PostgreSQL.
  return { sql: provider === "postgres" ? sql.text : sql.sql, args, argTypes: args.map(argType) };
}

function queryable(q: SqlQueryable, provider: SqlDriverAdapter["provider"]): DirectQueryable {
  return {
    async query<T>(sql: Prisma.Sql): Promise<T[]> {
      const { columnNames, columnTypes, rows } = await q.queryRaw(toQuery(sql, provider));
      return rows.map((r) => {
        const o: Row = {};
        for (let i = 0; i < columnNames.length; i++) o[columnNames[i]] = fromColumn(r[i], columnTypes[i]);
        return o as T;
      });
    },
    execute: (sql) => q.executeRaw(toQuery(sql, provider)),
  };
}

const COMMIT = { sql: "COMMIT", args: [], argTypes: [] };
const ROLLBACK = { sql: "ROLLBACK", args: [], argTypes: [] };

/**
 * Direct SQL on whatever adapter the client is connected with now (it connects on first use, and
 * again after a $disconnect).
 */
export function directSql(adapterOf: () => Promise<SqlDriverAdapter>): DirectSql {
  return {
    async query<T>(sql: Prisma.Sql) {
      const adapter = await adapterOf();
      return queryable(adapter, adapter.provider).query<T>(sql);
    },
    async execute(sql) {
      const adapter = await adapterOf();
      return queryable(adapter, adapter.provider).execute(sql);
    },
    async transaction(work) {
      const adapter = await adapterOf();
      // The adapters' own protocol, as the PrismaClient follows it: startTransaction sends BEGIN
      // (and, on SQLite, takes the connection's transaction lock); the caller sends COMMIT or
      // ROLLBACK, then commit()/rollback() releases the lock or the pooled connection.
      const tx = await adapter.startTransaction();
      let result;
      try {
        result = await work(queryable(tx, adapter.provider));
      } catch (e) {
        try {
          await tx.executeRaw(ROLLBACK);
        } finally {
          await tx.rollback();
        }
        throw e;
      }
      try {
        await tx.executeRaw(COMMIT);
      } catch (e) {
        // A failed COMMIT leaves nothing applied; end the transaction before reporting it.
        await tx.executeRaw(ROLLBACK).catch(() => {});
        await tx.rollback();
        throw e;
      }
      await tx.commit();
      return result;
    },
  };
}

/**
 * Wraps an adapter factory so that the adapter the PrismaClient connects with can be reached
 * (and prepared by `onConnect`, before the client's first query).
 */
export function capturingFactory<F extends SqlDriverAdapterFactory>(
  factory: F,
  onConnect: (adapter: SqlDriverAdapter) => void = () => {},
): { factory: F; connected: () => SqlDriverAdapter | undefined } {
  let current: SqlDriverAdapter | undefined;
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    onConnect(adapter);
    return (current = adapter);
  };
  return { factory, connected: () => current };
}
