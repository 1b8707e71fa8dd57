// The contribution records at scale (issue #28), a scenario of `npm run bench` (bench/run.ts):
// seeds people's month rows (docs/contributions.md) and times the certificate's read,
// `derivedRecordOf` (src/engine/contributions.ts: the record's figures, its opening balance, the
// derivation), in-process for random people; then the same from the full rows (`rowsOf`, what the
// case view reads, and the certificate's read before its index), for comparison.
//
// The rows go in as an agency's records grow: month after month, each month's rows for everyone
// (the seed's order is the insertion order, so on both databases one person's rows lie on as many
// table pages as they have months, the worst case for the read). People have `months` months up to
// last month, some with a gap, an arrear, a back-paid month or a corrected one (a second row that
// supersedes the first); a fifth have an opening balance. `longPeople` more have `longMonths`.
// The indexes are dropped while the rows go in and built again after, as a restore does.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Database from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { SingleBar, Presets } from "cli-progress";
import { applyMigrations } from "../src/db/migrate.ts";
import { WorkingCalendar, type ChinaDate } from "../src/calendar/index.ts";
import { defaultCatalog } from "../src/engine/machineCatalog.ts";
import {
  derivedRecordOf,
  figuresOf,
  latestOfEachMonth,
  openingBalanceOf,
  rowsOf,
  type RecordKey,
} from "../src/engine/contributions.ts";
import { deriveRecord, type DerivedRecord } from "../src/domain/contributions.ts";
import { directSqlOf, openDatabase } from "../src/db/client.ts";
import type { Prisma } from "../src/generated/prisma/client.ts";
import { isPostgresUrl, sqliteFilePath } from "../src/db/urls.ts";
import type { EngineContext } from "../src/engine/context.ts";
import { monthFromIndex, monthIndex } from "../src/domain/dateMath.ts";
import { createLogger } from "../src/log.ts";

/** How many people, with how many months each. */
export interface RecordsSize {
  people: number;
  months: number;
  /** more people, with `longMonths` each (0 for none) */
  longPeople: number;
  longMonths: number;
}

/**
 * SQLite: 10,000 people with 40 years of months (4.8 million rows). PostgreSQL: a tenth of the
 * issue's 1,000,000 people × 120 months (`--people 1000000` for the full size), and 1,000 people
 * with 300 months, the provincial length.
 */
export function recordsDefaults(postgres: boolean): RecordsSize {
  return postgres
    ? { people: 100_000, months: 120, longPeople: 1_000, longMonths: 300 }
    : { people: 10_000, months: 480, longPeople: 0, longMonths: 300 };
}

const AGENCIES = 20;
/** Reads before the measured ones, per group (connections, JIT), not counted. */
const WARMUP_READS = 200;
/** Months before this are 视同缴费 (deemed): counted, nothing paid. */
const DEEMED_BEFORE = monthIndex("1996-01");
const MONTH_COLUMNS = [
  "id",
  "agencyId",
  "personKey",
  "insurance",
  "month",
  "baseFen",
  "employerFen",
  "individualFen",
  "accountCreditFen",
  "status",
  "payer",
  "employerCreditCode",
  "source",
  "fromAgencyId",
  "caseId",
  "reason",
  "supersedesId",
  "recordedAt",
];
const OPENING_COLUMNS = [
  "id",
  "agencyId",
  "personKey",
  "insurance",
  "asOfMonth",
  "balanceBroughtForwardFen",
  "source",
  "reason",
  "supersedesId",
  "recordedAt",
];

// ------------------------------------------------------------------------------------ the people

/** A value of a seeded row. */
type Cell = string | number | null;

/** A cheap, fixed mix of a person and a month: which months are arrears, back-paid, corrected. */
const mix = (i: number, c: number) => (Math.imul(i + 1, 2654435761) ^ Math.imul(c + 7, 40503)) >>> 0;

function personKeyOf(i: number): string {
  // the shape of a blind index (src/privacy/dataKey.ts idIndex: 16 bytes, base64url)
  return createHash("sha256").update(`bench-person-${i}`).digest().subarray(0, 16).toString("base64url");
}

interface Person {
  key: RecordKey;
  /** the first and last month (month indexes) */
  first: number;
  last: number;
  /** months without a row (a gap of six months for one person in ten), or null */
  gap: [number, number] | null;
}

function personOf(i: number, size: RecordsSize, lastMonth: number): Person {
  const months = i < size.people ? size.months : size.longMonths;
  const first = lastMonth - months + 1;
  const middle = first + Math.floor(months / 2);
  return {
    key: { agencyId: 1 + (i % AGENCIES), personKey: personKeyOf(i), insurance: i % 2 ? "medical" : "pension" },
    first,
    last: lastMonth,
    gap: i % 10 === 3 && months >= 24 ? [middle, middle + 5] : null,
  };
}

/** The months a person's record holds (one row each that counts). */
function monthsHeld(p: Person): number {
  return p.last - p.first + 1 - (p.gap ? p.gap[1] - p.gap[0] + 1 : 0);
}

/** A month's row, in MONTH_COLUMNS order; a correction (`supersedesId` > 0) raises the base. */
function monthRow(i: number, p: Person, c: number, recordedAt: string, id: number, supersedesId: number): Cell[] {
  const corrected = supersedesId > 0;
  const h = mix(i, c);
  const deemed = c < DEEMED_BEFORE;
  const status = deemed ? "deemed" : h % 101 === 0 ? "arrears" : h % 103 === 1 ? "backPaid" : "paid";
  const base = deemed
    ? 0
    : 300_000 + (i % 997) * 1_000 + (Math.floor(c / 12) - 1990) * 20_000 + (corrected ? 1_000 : 0);
  const pension = p.key.insurance === "pension";
  const employerFen = Math.round((base * (pension ? 16 : 8)) / 100);
  const individualFen = Math.round((base * (pension ? 8 : 2)) / 100);
  const flexible = i % 7 === 0;
  return [
    id,
    p.key.agencyId,
    p.key.personKey,
    p.key.insurance,
    monthFromIndex(c).text,
    base,
    employerFen,
    individualFen,
    individualFen,
    status,
    flexible ? "flexible" : "employer",
    flexible ? null : `91350100MA${String(i % 100_000_000).padStart(8, "0")}`,
    corrected ? "correction" : "import",
    null,
    null,
    corrected ? "缴费基数更正" : null,
    supersedesId,
    recordedAt,
  ];
}

/**
 * Every month row, in the order an agency's records grow: month by month, each month's rows for
 * everyone who has one (a correction right after the row it corrects). Yields batches of rows in
 * MONTH_COLUMNS order, ids from 1, and how many person-months the batch covered.
 */
function* monthRows(size: RecordsSize, lastMonth: number): Generator<{ rows: Cell[][]; personMonths: number }> {
  const total = size.people + size.longPeople;
  const people = Array.from({ length: total }, (_, i) => personOf(i, size, lastMonth));
  const start = people.reduce((first, p) => Math.min(first, p.first), lastMonth);
  let id = 0;
  for (let c = start; c <= lastMonth; c++) {
    const next = monthFromIndex(c + 1);
    const recordedAt = `${next.text}-15T02:00:00.000Z`;
    let rows: Cell[][] = [];
    let personMonths = 0;
    for (let i = 0; i < total; i++) {
      const p = people[i];
      if (c < p.first || (p.gap && c >= p.gap[0] && c <= p.gap[1])) continue;
      personMonths++;
      const first = ++id;
      rows.push(monthRow(i, p, c, recordedAt, first, 0));
      if (mix(i, c) % 211 === 5) rows.push(monthRow(i, p, c, recordedAt, ++id, first));
      if (rows.length >= 5_000) {
        yield { rows, personMonths };
        rows = [];
        personMonths = 0;
      }
    }
    yield { rows, personMonths };
  }
}

/** An opening balance for one person in five: the balance at the end of the month before the first. */
function* openingRows(size: RecordsSize, lastMonth: number): Generator<Cell[]> {
  let id = 0;
  for (let i = 0; i < size.people + size.longPeople; i += 5) {
    const p = personOf(i, size, lastMonth);
    const asOf = monthFromIndex(p.first - 1).text;
    yield [
      ++id,
      p.key.agencyId,
      p.key.personKey,
      p.key.insurance,
      asOf,
      100_000 + (i % 1000) * 100,
      "import",
      null,
      0,
      `${asOf}-28T02:00:00.000Z`,
    ];
  }
}

// -------------------------------------------------------------------------------------- seeding

/** What a seeded database holds (PostgreSQL keeps it in a Setting row, to be reused). */
export interface SeededRecords extends RecordsSize {
  rows: number;
  lastMonth: string;
  seedSeconds: number;
}

const SEEDED_SETTING = "benchContributionRecords";

function progressBar(progress: boolean, size: RecordsSize): SingleBar | undefined {
  if (!progress) return undefined;
  const bar = new SingleBar(
    { format: "seeding records {bar} {value}/{total} person-months {percentage}% eta {eta}s" },
    Presets.shades_classic,
  );
  bar.start(size.people * size.months + size.longPeople * size.longMonths, 0);
  return bar;
}

/** Seeds a migrated SQLite file (20 agencies, the months, the opening balances). */
export async function seedRecordsSqlite(file: string, size: RecordsSize, lastMonth: number, progress: boolean) {
  const t0 = performance.now();
  await applyMigrations(`file:${file}`);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF"); // seeding only
  const agency = db.prepare(`INSERT INTO "Agency" (code, name, region, limits) VALUES (?, ?, ?, '{}')`);
  db.transaction(() => {
    for (let a = 1; a <= AGENCIES; a++) agency.run(`RA${String(a).padStart(2, "0")}`, `第${a}社保经办机构`, "350100");
  })();
  const tables = `('ContributionMonth', 'ContributionOpeningBalance')`;
  const indexes = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ${tables}`)
    .all() as { name: string; sql: string }[];
  for (const x of indexes) db.exec(`DROP INDEX "${x.name}"`);
  const insert = db.prepare(
    `INSERT INTO "ContributionMonth" (${MONTH_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${MONTH_COLUMNS.map(() => "?").join(", ")})`,
  );
  const bar = progressBar(progress, size);
  let rows = 0;
  let done = 0;
  const batch = db.transaction((b: Cell[][]) => {
    for (const r of b) insert.run(...r);
  });
  for (const b of monthRows(size, lastMonth)) {
    batch(b.rows);
    rows += b.rows.length;
    bar?.update((done += b.personMonths));
  }
  bar?.stop();
  const opening = db.prepare(
    `INSERT INTO "ContributionOpeningBalance" (${OPENING_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES (${OPENING_COLUMNS.map(() => "?").join(", ")})`,
  );
  db.transaction(() => {
    for (const r of openingRows(size, lastMonth)) opening.run(...r);
  })();
  for (const x of indexes) db.exec(x.sql);
  db.exec("ANALYZE");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { ...size, rows, lastMonth: monthFromIndex(lastMonth).text, seedSeconds: (performance.now() - t0) / 1000 };
}

/** COPY's text format; the seed's values hold no tab, newline or backslash. */
const copyLine = (r: Cell[]) => r.map((v) => (v === null ? "\\N" : String(v))).join("\t") + "\n";

/** The indexes and constraints of a table, to drop while rows go in and to make again after. */
async function indexesOf(client: pg.Client, table: string) {
  const constraints = (
    await client.query<{ name: string; def: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass`,
      [`"${table}"`],
    )
  ).rows;
  const indexes = (
    await client.query<{ name: string; def: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
      [`"${table}"`],
    )
  ).rows;
  return {
    drop: async () => {
      for (const k of constraints) await client.query(`ALTER TABLE "${table}" DROP CONSTRAINT "${k.name}"`);
      for (const x of indexes) await client.query(`DROP INDEX "${x.name}"`);
    },
    make: async () => {
      for (const x of indexes) await client.query(x.def);
      for (const k of constraints) await client.query(`ALTER TABLE "${table}" ADD CONSTRAINT "${k.name}" ${k.def}`);
    },
  };
}

async function copyInto(client: pg.Client, table: string, columns: string[], chunks: Iterable<string>) {
  await pipeline(
    Readable.from(chunks),
    client.query(copyFrom(`COPY "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN WITH (FREEZE)`)),
  );
}

/**
 * Seeds a migrated PostgreSQL database in one transaction: the tables emptied, their indexes and
 * constraints dropped, the rows in by COPY … FREEZE (written frozen and all-visible: no VACUUM
 * pass, no hint bits set by the first reads), the indexes and constraints made again, and what it
 * holds noted in a Setting row. An interrupted seed leaves nothing.
 */
export async function seedRecordsPostgres(url: string, size: RecordsSize, lastMonth: number, progress: boolean) {
  const t0 = performance.now();
  await applyMigrations(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`); // the index builds' sorts, this session only
    await client.query("BEGIN");
    for (let a = 1; a <= AGENCIES; a++)
      await client.query(
        `INSERT INTO "Agency" (id, code, name, region, limits) VALUES ($1, $2, $3, '350100', '{}') ON CONFLICT DO NOTHING`,
        [a, `RA${String(a).padStart(2, "0")}`, `第${a}社保经办机构`],
      );
    await client.query(`SELECT setval(pg_get_serial_sequence('"Agency"', 'id'), (SELECT MAX(id) FROM "Agency"))`);
    await client.query(`DELETE FROM "Setting" WHERE key = $1`, [SEEDED_SETTING]);
    await client.query(`TRUNCATE "ContributionMonth", "ContributionOpeningBalance"`);
    const tables = [
      await indexesOf(client, "ContributionMonth"),
      await indexesOf(client, "ContributionOpeningBalance"),
    ];
    for (const t of tables) await t.drop();
    const bar = progressBar(progress, size);
    let rows = 0;
    let done = 0;
    await copyInto(
      client,
      "ContributionMonth",
      MONTH_COLUMNS,
      (function* () {
        for (const b of monthRows(size, lastMonth)) {
          rows += b.rows.length;
          bar?.update((done += b.personMonths));
          yield b.rows.map(copyLine).join("");
        }
      })(),
    );
    bar?.stop();
    await copyInto(
      client,
      "ContributionOpeningBalance",
      OPENING_COLUMNS,
      [...openingRows(size, lastMonth)].map(copyLine),
    );
    process.stderr.write("  building the indexes...\n");
    for (const t of tables) await t.make();
    for (const t of ["ContributionMonth", "ContributionOpeningBalance"])
      await client.query(`SELECT setval(pg_get_serial_sequence('"${t}"', 'id'), COALESCE(MAX(id), 1)) FROM "${t}"`);
    const seeded: SeededRecords = {
      ...size,
      rows,
      lastMonth: monthFromIndex(lastMonth).text,
      seedSeconds: (performance.now() - t0) / 1000,
    };
    await client.query(`INSERT INTO "Setting" (key, value) VALUES ($1, $2)`, [SEEDED_SETTING, JSON.stringify(seeded)]);
    await client.query("COMMIT");
    await client.query(`ANALYZE "ContributionMonth", "ContributionOpeningBalance"`);
    return seeded;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}

/** What a PostgreSQL database holds already (a database kept from an earlier run), or null. */
export async function seededRecordsIn(url: string): Promise<SeededRecords | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [row] = (
      await client.query<{ value: string }>(`SELECT value FROM "Setting" WHERE key = $1`, [SEEDED_SETTING])
    ).rows;
    return row ? (JSON.parse(row.value) as SeededRecords) : null;
  } catch {
    return null; // not migrated yet
  } finally {
    await client.end();
  }
}

/** The space a seed needs, roughly: the table, its indexes, and the WAL and sort files on the way. */
export function bytesNeeded(size: RecordsSize, postgres: boolean): number {
  const rows = size.people * size.months + size.longPeople * size.longMonths;
  return rows * (postgres ? 330 : 220);
}

/** Free bytes under a path, or null when it cannot be read (a remote server's data directory). */
export function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------------------ measuring

export interface ReadTimes {
  name: string;
  months: number;
  people: number;
  reads: number;
  p50: number;
  p95: number;
  p99: number;
  /** this process's CPU time per read (on PostgreSQL the server's is not in it): steadier than the
   * wall-clock times when other work shares the machine */
  cpuP50: number;
  cpuP95: number;
  /** derivations whose months did not add up to the person's (a wrong read) */
  wrong: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A small seeded generator: the same people are read in every run. */
function randomFrom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The two reads timed: the certificate's, and the full rows the case view reads (the certificate's read before issue #28's index). */
type Read = (ctx: EngineContext, key: RecordKey, today: ChinaDate) => Promise<DerivedRecord>;
const READS: [string, Read][] = [
  ["certificate", derivedRecordOf],
  [
    "full rows",
    async (ctx, key, today) => {
      const sql = directSqlOf(ctx.db);
      const [rows, opening] = await Promise.all([rowsOf(sql, key), openingBalanceOf(sql, key)]);
      return deriveRecord(latestOfEachMonth(rows), opening, today.slice(0, 7));
    },
  ],
];

/** `reads` reads of random people of one group (after WARMUP_READS not counted), each checked. */
async function timeReads(
  ctx: EngineContext,
  read: Read,
  group: { from: number; count: number },
  seeded: SeededRecords,
  reads: number,
  random: () => number,
) {
  const times: number[] = [];
  const cpu: number[] = [];
  let wrong = 0;
  for (let n = 0; n < WARMUP_READS + reads; n++) {
    const p = personOf(group.from + Math.floor(random() * group.count), seeded, monthIndex(seeded.lastMonth));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await read(ctx, p.key, ctx.today());
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (n < WARMUP_READS) continue;
    times.push(ms);
    cpu.push((c.user + c.system) / 1000);
    const held = r.contributionMonths.actual + r.contributionMonths.deemed + r.arrears.months.length;
    if (held !== monthsHeld(p)) wrong++;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const ms = (x: number) => Math.round(x * 100) / 100;
  return {
    p50: ms(percentile(times, 50)),
    p95: ms(percentile(times, 95)),
    p99: ms(percentile(times, 99)),
    cpuP50: ms(percentile(cpu, 50)),
    cpuP95: ms(percentile(cpu, 95)),
    wrong,
  };
}

/**
 * Times `derivedRecordOf` (the certificate) for `reads` random people of each group, one read at
 * a time through the service's own database client, then the same from the full rows (`rowsOf`,
 * what the case view reads), and checks each derivation's months (actual, deemed and arrears)
 * against what the person holds. The certificate of the first group comes first.
 */
export async function timeCertificateReads(
  url: string,
  seeded: SeededRecords,
  today: ChinaDate,
  reads: number,
): Promise<ReadTimes[]> {
  const db = await openDatabase(url);
  const ctx: EngineContext = {
    db,
    calendar: WorkingCalendar.official(),
    machines: defaultCatalog,
    today: () => today,
    log: createLogger("silent"),
  };
  const groups = [
    { from: 0, count: seeded.people, months: seeded.months },
    { from: seeded.people, count: seeded.longPeople, months: seeded.longMonths },
  ].filter((g) => g.count > 0);
  const random = randomFrom(28);
  const out: ReadTimes[] = [];
  try {
    for (const [name, read] of READS)
      for (const g of groups) {
        const times = await timeReads(ctx, read, g, seeded, reads, random);
        out.push({ name: `${name}, ${g.months} months`, months: g.months, people: g.count, reads, ...times });
      }
  } finally {
    await db.$disconnect();
  }
  return out;
}

// ---------------------------------------------------------------------------------- what it takes

export interface RecordsStorage {
  /** bytes: the table itself, each index, and everything (TOAST, free space and visibility maps too) */
  tableBytes: number;
  indexBytes: Record<string, number>;
  totalBytes: number;
  bytesPerRow: number;
  tableBytesPerRow: number;
}

export async function postgresStorage(url: string, rows: number): Promise<RecordsStorage> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t = `'"ContributionMonth"'::regclass`;
    const [sizes] = (
      await client.query<{ heap: string; total: string }>(
        `SELECT pg_relation_size(${t}) AS heap, pg_total_relation_size(${t}) AS total`,
      )
    ).rows;
    const indexes = (
      await client.query<{ name: string; bytes: string }>(
        `SELECT i.indexrelid::regclass::text AS name, pg_relation_size(i.indexrelid) AS bytes FROM pg_index i WHERE i.indrelid = ${t}`,
      )
    ).rows;
    return storage(Number(sizes.heap), indexes, Number(sizes.total), rows);
  } finally {
    await client.end();
  }
}

export function sqliteStorage(file: string, rows: number): RecordsStorage {
  const db = new Database(file, { readonly: true });
  try {
    const pages = db
      .prepare(
        `SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name = 'ContributionMonth'
         OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ContributionMonth') GROUP BY name`,
      )
      .all() as { name: string; bytes: number }[];
    const heap = pages.find((p) => p.name === "ContributionMonth")?.bytes ?? 0;
    const indexes = pages.filter((p) => p.name !== "ContributionMonth");
    return storage(
      heap,
      indexes,
      pages.reduce((s, p) => s + p.bytes, 0),
      rows,
    );
  } finally {
    db.close();
  }
}

function storage(heap: number, indexes: { name: string; bytes: string | number }[], total: number, rows: number) {
  return {
    tableBytes: heap,
    indexBytes: Object.fromEntries(indexes.map((x) => [x.name.replaceAll('"', ""), Number(x.bytes)])),
    totalBytes: total,
    bytesPerRow: Math.round(total / Math.max(1, rows)),
    tableBytesPerRow: Math.round(heap / Math.max(1, rows)),
  };
}

/** A node of EXPLAIN's JSON plan (the parts read here). */
interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Heap Fetches"?: number;
  Plans?: PlanNode[];
  "Shared Hit Blocks": number;
  "Shared Read Blocks": number;
}

/** The certificate's statement for a person (figuresOf's, as it sends it). */
async function certificateStatement(key: RecordKey): Promise<Prisma.Sql> {
  let statement: Prisma.Sql | undefined;
  await figuresOf(
    {
      query: async <T>(sql: Prisma.Sql) => {
        statement = sql;
        return [] as T[];
      },
      execute: async () => 0,
    },
    key,
  );
  return statement!;
}

export interface ReadPlan {
  months: number;
  /** the plan's nodes, outermost first */
  nodes: string;
  /** PostgreSQL: table rows fetched beside the index, pages found in its buffers or read, the time */
  heapFetches?: number;
  sharedHit?: number;
  sharedRead?: number;
  ms?: number;
}

/**
 * The plan of the certificate's statement for the last person of a group (read before any timed
 * read): on PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`, the pages it touched; on SQLite `EXPLAIN
 * QUERY PLAN`.
 */
export async function readPlan(url: string, seeded: SeededRecords, group: 0 | 1): Promise<ReadPlan> {
  const i = group === 0 ? seeded.people - 1 : seeded.people + seeded.longPeople - 1;
  const statement = await certificateStatement(personOf(i, seeded, monthIndex(seeded.lastMonth)).key);
  const months = group === 0 ? seeded.months : seeded.longMonths;
  if (!isPostgresUrl(url)) {
    const db = new Database(sqliteFilePath(url), { readonly: true });
    try {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.values) as { detail: string }[];
      return { months, nodes: plan.map((p) => p.detail).join("; ") };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ "QUERY PLAN": unknown }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`,
      statement.values,
    );
    const [plan] = rows[0]["QUERY PLAN"] as { Plan: PlanNode; "Execution Time": number }[];
    const nodes: string[] = [];
    for (let n: PlanNode | undefined = plan.Plan; n; n = n.Plans?.[0])
      nodes.push(`${n["Node Type"]}${n["Index Name"] ? ` using ${n["Index Name"]}` : ""}`);
    return {
      months,
      nodes: nodes.join(" ← "),
      heapFetches: plan.Plan["Heap Fetches"],
      sharedHit: plan.Plan["Shared Hit Blocks"],
      sharedRead: plan.Plan["Shared Read Blocks"],
      ms: Math.round(plan["Execution Time"] * 100) / 100,
    };
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------------------------- printing

export interface RecordsResult {
  database: "sqlite" | "postgresql";
  seeded: SeededRecords;
  /** the seed was found in a kept database (--records-database) */
  reused: boolean;
  /** the machine's load average (1, 5, 15 minutes) before the reads: other work slows them */
  loadAverage: number[];
  reads: ReadTimes[];
  storage: RecordsStorage;
  plans: ReadPlan[];
  targets: [string, boolean][];
}

/** The issue's targets: 480 months in ≤ 5 ms p95 on SQLite; ≤ 10 ms p95 on PostgreSQL. */
export function recordsTargets(database: "sqlite" | "postgresql", seeded: SeededRecords, reads: ReadTimes[]) {
  const main = reads[0];
  const at = `${seeded.people} people × ${seeded.months} months, ${seeded.rows} rows`;
  return database === "sqlite"
    ? ([[`certificate p95 ≤ 5 ms, ${main.months} months (SQLite; ${at})`, main.p95 <= 5]] as [string, boolean][])
    : ([[`certificate p95 ≤ 10 ms (PostgreSQL; ${at})`, main.p95 <= 10]] as [string, boolean][]);
}

const mb = (b: number) => Math.round(b / 1024 / 1024);

export function recordsLines(r: RecordsResult): string[] {
  const s = r.seeded;
  const pad = (x: string | number, n: number) => String(x).padEnd(n);
  const long = s.longPeople > 0 ? ` and ${s.longPeople} × ${s.longMonths}` : "";
  return [
    `contribution records on ${r.database === "sqlite" ? "SQLite" : "PostgreSQL"}: ${s.people} people × ${s.months} months${long}, ` +
      `${s.rows} rows to ${s.lastMonth} (${r.reused ? "kept from an earlier run" : `seeded in ${Math.round(s.seedSeconds)} s`}), ` +
      `${r.reads[0]?.reads} reads a group in-process after ${WARMUP_READS} of warm-up; load average ${r.loadAverage.join(" ")}`,
    `${pad("read (in-process)", 30)}${pad("people", 9)}${pad("p50 ms", 9)}${pad("p95 ms", 9)}${pad("p99 ms", 9)}${pad("CPU p50/p95 ms", 16)}wrong`,
    ...r.reads.map(
      (x) =>
        `${pad(x.name, 30)}${pad(x.people, 9)}${pad(x.p50, 9)}${pad(x.p95, 9)}${pad(x.p99, 9)}${pad(`${x.cpuP50} / ${x.cpuP95}`, 16)}${x.wrong}`,
    ),
    `ContributionMonth: table ${mb(r.storage.tableBytes)} MB, indexes ${Object.entries(r.storage.indexBytes)
      .map(([n, b]) => `${n} ${mb(b)} MB`)
      .join(", ")}; ${r.storage.bytesPerRow} bytes a row in all (${r.storage.tableBytesPerRow} in the table)`,
    ...r.plans.map(
      (p) =>
        `one read's plan, ${p.months} months: ${p.nodes}` +
        (p.sharedHit === undefined
          ? ""
          : `; heap fetches ${p.heapFetches ?? "-"}, buffers hit ${p.sharedHit}, read ${p.sharedRead}; ${p.ms} ms`),
    ),
  ];
}
