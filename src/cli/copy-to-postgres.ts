// `npm run copy:pg -- --from file:./data/tracker.db --to postgresql://user@host:5432/db`
// Copies an existing SQLite database into an empty PostgreSQL database (migrations applied
// first), with a progress bar, then checks that every table has the same number of rows and
// replays every case through its machine. Stop the service first: the copy reads one
// consistent snapshot of the SQLite file, and writes made after it started would be missed.
import fs from "node:fs";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { SingleBar, Presets } from "cli-progress";
import { applyPgMigrations } from "../db/pgMigrate.ts";
import { openDatabase, sqliteFilePath } from "../db/client.ts";
import { defaultCatalog } from "../engine/machineCatalog.ts";
import { replayAll } from "../engine/replay.ts";

/** Every table of the schema (test/db/copy-tables.test.ts checks it), parents before children, so foreign keys hold at every insert. */
export const TABLES = [
  "Agency",
  "User",
  "Setting",
  "CalendarYear",
  "RegionalPolicy",
  "Case",
  "OpenEnrolment",
  "CaseEvent",
  "CaseAssignment",
  "CaseNote",
  "CaseAttachment",
  "IdempotencyKey",
  "DeadlineNotice",
  "Webhook",
  "OutboxMessage",
  "WebhookDelivery",
  "WebhookDeliveryAttempt",
  "RevokedToken",
  "AdminAuditEntry",
  "DocumentCode",
  "CaseImport",
  "CaseImportRow",
  "ApiClient",
  "ContributionPerson",
  "ContributionMonth",
  "ContributionOpeningBalance",
  "ContributionImport",
] as const;

const BATCH = 5_000;

/** A value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyText(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  if (typeof v === "boolean") return v ? "t" : "f";
  // bytea (attachments): the hex form \x..., its backslash already escaped for COPY
  if (v instanceof Uint8Array) return "\\\\x" + Buffer.from(v).toString("hex");
  /* eslint-disable-next-line @typescript-eslint/no-base-to-string -- the driver's text, numbers, or a converter's string */
  const s = String(v);
  return /[\\\t\n\r]/.test(s)
    ? s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"))
    : s;
}

const usage = `usage: npm run copy:pg -- --from file:<sqlite file> --to postgresql://<user>@<host>:<port>/<database>`;

type Converter = (v: unknown) => unknown;

/** SQLite stores booleans as 0/1 and DateTimes as text; PostgreSQL wants booleans and UTC timestamps. */
function converterFor(dataType: string): Converter {
  if (dataType === "boolean") return (v) => (v === null ? null : Boolean(Number(v)));
  if (dataType.startsWith("timestamp")) {
    return (v) => {
      if (v === null || v === undefined) return null;
      // "2026-11-22 21:30:00" (SQLite CURRENT_TIMESTAMP) is UTC; ISO text carries its offset; numbers are epoch ms.
      /* eslint-disable @typescript-eslint/no-base-to-string -- v is the driver's text or number */
      const d =
        typeof v === "number" || typeof v === "bigint"
          ? new Date(Number(v))
          : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(String(v)) ? String(v) : `${String(v).replace(" ", "T")}Z`);
      if (Number.isNaN(d.getTime())) throw new Error(`not a timestamp: ${String(v)}`);
      /* eslint-enable @typescript-eslint/no-base-to-string */
      // timestamp(3) without time zone holds UTC (Prisma's convention): write it without an offset.
      return d.toISOString().replace("Z", "");
    };
  }
  return (v) => (typeof v === "bigint" ? Number(v) : v);
}

export async function copyToPostgres(
  from: string,
  to: string,
  progress: boolean,
  opts: { replay?: boolean } = {},
): Promise<{ rows: Record<string, number>; mismatches: string[] }> {
  const file = sqliteFilePath(from);
  if (!fs.existsSync(file)) throw new UsageError(`no SQLite database at ${file}`);
  await applyPgMigrations(to);

  const source = new Database(file, { readonly: true, fileMustExist: true });
  source.defaultSafeIntegers(true);
  const target = new pg.Client({ connectionString: to });
  await target.connect();
  try {
    await refuseUnlessEmpty(target);
    const counts = await copyTables(source, target, progress);
    const rows = await rowCounts(target);
    const mismatches = TABLES.filter((t) => rows[t] !== counts[t]).map(
      (t) => `${t}: ${counts[t]} rows in SQLite, ${rows[t]} in PostgreSQL`,
    );
    // Replay every case from the copy (the benchmark, copying its own generated cases, skips it).
    if (opts.replay !== false) mismatches.push(...(await replayMismatches(to)));
    return { rows, mismatches };
  } catch (e) {
    await target.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    source.close();
    await target.end();
  }
}

async function refuseUnlessEmpty(target: pg.Client): Promise<void> {
  const existing =
    Number((await target.query(`SELECT count(*) AS n FROM "Case"`)).rows[0].n) +
    Number((await target.query(`SELECT count(*) AS n FROM "User"`)).rows[0].n);
  if (existing > 0) throw new UsageError("the PostgreSQL database already holds data; copy into an empty database");
}

/** Copies every table in one transaction on each side; returns the row counts read from SQLite. */
async function copyTables(
  source: Database.Database,
  target: pg.Client,
  progress: boolean,
): Promise<Record<string, number>> {
  // One read transaction: every table is read from the same snapshot of the file.
  source.prepare("BEGIN").run();
  const counts = Object.fromEntries(
    TABLES.map((t) => [t, Number((source.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: bigint }).n)]),
  );
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const bar = progress
    ? new SingleBar({ format: "copying {bar} {value}/{total} rows {percentage}% | {table}" }, Presets.shades_classic)
    : undefined;
  bar?.start(total, 0, { table: "" });
  let done = 0;
  const copied = (table: string, n: number) => {
    done += n;
    bar?.update(done, { table });
  };

  await target.query("BEGIN");
  for (const table of TABLES) await copyTable(source, target, table, copied);
  await target.query("COMMIT");
  source.prepare("COMMIT").run();
  bar?.stop();
  return counts;
}

/** One table, in the target's column order; `copied` hears of every batch of rows as it is sent. */
async function copyTable(
  source: Database.Database,
  target: pg.Client,
  table: string,
  copied: (table: string, n: number) => void,
): Promise<void> {
  const columns = (
    await target.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [table],
    )
  ).rows;
  const names = columns.map((c) => c.column_name);
  const convert = columns.map((c) => converterFor(c.data_type));
  const select = source
    .prepare(`SELECT ${names.map((n) => `"${n}"`).join(", ")} FROM "${table}" ORDER BY rowid`)
    .raw(true);
  // COPY FROM STDIN (pg-copy-streams): rows streamed in COPY's text format, far faster than
  // multi-row INSERTs at a million cases.
  const rowsOf = select.iterate() as Iterable<unknown[]>;
  const lines = Readable.from(
    (function* () {
      let chunk: string[] = [];
      for (const row of rowsOf) {
        chunk.push(row.map((v, i) => copyText(convert[i](v))).join("\t") + "\n");
        if (chunk.length >= BATCH) {
          copied(table, chunk.length);
          yield chunk.join("");
          chunk = [];
        }
      }
      copied(table, chunk.length);
      if (chunk.length > 0) yield chunk.join("");
    })(),
  );
  await pipeline(
    lines,
    target.query(copyFrom(`COPY "${table}" (${names.map((n) => `"${n}"`).join(", ")}) FROM STDIN`)),
  );
  // Serial ids were written explicitly: move each sequence past them.
  if (names.includes("id") && columns.find((c) => c.column_name === "id")!.data_type === "integer") {
    await target.query(
      `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), COALESCE(MAX("id"), 1), MAX("id") IS NOT NULL) FROM "${table}"`,
    );
  }
}

async function rowCounts(target: pg.Client): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const table of TABLES) {
    rows[table] = Number((await target.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
  }
  return rows;
}

/** What replaying every case of the copy through its machine finds wrong, one line per case. */
async function replayMismatches(to: string): Promise<string[]> {
  const db = await openDatabase(to);
  try {
    const replay = await replayAll(db, defaultCatalog);
    return replay.mismatches.map((m) => `case ${m.caseNumber}: ${m.problem}`);
  } finally {
    await db.$disconnect();
  }
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } });
  if (!values.from?.startsWith("file:") || !values.to || !/^postgres(ql)?:\/\//.test(values.to)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const { rows, mismatches } = await copyToPostgres(values.from, values.to, process.stderr.isTTY);
  for (const [t, n] of Object.entries(rows)) process.stdout.write(`${t.padEnd(24)} ${n}\n`);
  for (const m of mismatches) process.stdout.write(`MISMATCH ${m}\n`);
  process.stdout.write(`copy: ${rows.Case} cases, ${rows.CaseEvent} events copied; ${mismatches.length} mismatches\n`);
  return mismatches.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`copy:pg failed: ${(e as Error).message}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}
