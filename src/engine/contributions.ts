// The contribution records (docs/contributions.md): one agency's record of one person (the blind
// index of the ID number) and one insurance, month by month. Rows are only ever appended: a month
// recorded again with other figures is a correction, a later row naming the one it supersedes (the
// unique key refuses two appends on the same row), and the same figures again add nothing. What
// a record says as of a date is computed by src/domain/contributions.ts.
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf, type Db } from "../db/client.ts";
import type { DirectQueryable } from "../db/direct.ts";
import {
  deriveRecord,
  sameFigures,
  type ContributionPayer,
  type ContributionSource,
  type ContributionStatus,
  type DerivedRecord,
  type MonthFigures,
  type OpeningBalance,
} from "../domain/contributions.ts";
import type { Insurance } from "../domain/schemes.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { DecryptError, type DataKey } from "../privacy/dataKey.ts";
import type { EngineContext } from "./context.ts";

/** One person's record of one insurance at one agency. */
export interface RecordKey {
  agencyId: number;
  personKey: string;
  insurance: Insurance;
}

/** A month to append, with where it came from. */
export interface NewMonth extends MonthFigures {
  source: ContributionSource;
  /** a month that came with a transfer: the agency it came from */
  fromAgencyId?: number | null;
  caseId?: string | null;
  /** required when the month is recorded already with other figures */
  reason?: string | null;
}

/** A row as stored: the month's figures and where they came from. */
export interface StoredMonth extends MonthFigures {
  id: number;
  source: ContributionSource;
  fromAgencyId: number | null;
  caseId: string | null;
  reason: string | null;
  supersedesId: number;
  recordedAt: Date;
}

/** What appending a month did: added (the month's first row), corrected (a later row), unchanged. */
export type AppendOutcome = "added" | "corrected" | "unchanged";

/** Thrown when a month recorded already with other figures comes without a reason. */
export class CorrectionWithoutReason extends Error {
  constructor(readonly month: string) {
    super(`${month} is recorded already with other figures: a correction needs a reason`);
  }
}

const monthColumns = Prisma.raw(
  `"id", "month", "baseFen", "employerFen", "individualFen", "accountCreditFen", "status", "payer", "employerCreditCode", "source", "fromAgencyId", "caseId", "reason", "supersedesId", "recordedAt"`,
);

/** The columns of ContributionMonth_figures_idx a record's figures are read from. */
const figureColumns = Prisma.raw(
  `"id", "month", "baseFen", "employerFen", "individualFen", "accountCreditFen", "status", "payer", "employerCreditCode"`,
);

/** A row's figures and its id: what the derivation reads and an append compares. */
export interface MonthRow extends MonthFigures {
  id: number;
}

function toMonthRow(r: Record<string, unknown>): MonthRow {
  return {
    id: Number(r.id),
    month: String(r.month),
    baseFen: Number(r.baseFen),
    employerFen: Number(r.employerFen),
    individualFen: Number(r.individualFen),
    accountCreditFen: Number(r.accountCreditFen),
    status: r.status as ContributionStatus,
    payer: r.payer as ContributionPayer,
    employerCreditCode: (r.employerCreditCode as string | null) ?? null,
  };
}

function toStoredMonth(r: Record<string, unknown>): StoredMonth {
  return {
    ...toMonthRow(r),
    source: r.source as ContributionSource,
    fromAgencyId: r.fromAgencyId === null ? null : Number(r.fromAgencyId),
    caseId: (r.caseId as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    supersedesId: Number(r.supersedesId),
    recordedAt: r.recordedAt instanceof Date ? r.recordedAt : new Date(String(r.recordedAt)),
  };
}

/** Every row of a record (superseded ones too), by month, oldest row first. */
export async function rowsOf(q: DirectQueryable, key: RecordKey): Promise<StoredMonth[]> {
  const rows = await q.query<Record<string, unknown>>(Prisma.sql`SELECT ${monthColumns} FROM "ContributionMonth"
    WHERE "personKey" = ${key.personKey} AND "insurance" = ${key.insurance} AND "agencyId" = ${key.agencyId}
    ORDER BY "month", "id"`);
  return rows.map(toStoredMonth);
}

/** A page of a record's rows in full, newest month first (a month's correction before the row it supersedes). */
export async function newestRowsOf(
  q: DirectQueryable,
  key: RecordKey,
  offset: number,
  limit: number,
): Promise<StoredMonth[]> {
  const rows = await q.query<Record<string, unknown>>(Prisma.sql`SELECT ${monthColumns} FROM "ContributionMonth"
    WHERE "personKey" = ${key.personKey} AND "insurance" = ${key.insurance} AND "agencyId" = ${key.agencyId}
    ORDER BY "month" DESC, "id" DESC LIMIT ${limit} OFFSET ${offset}`);
  return rows.map(toStoredMonth);
}

/**
 * The figures of every row of a record (superseded ones too), in no particular order. These are
 * the columns of the index ContributionMonth_figures_idx, so the read is that index alone: a
 * record's rows arrive month by month, each on another table page, and their index entries lie
 * side by side (docs/performance.md, issue #28).
 */
export async function figuresOf(q: DirectQueryable, key: RecordKey): Promise<MonthRow[]> {
  const rows = await q.query<Record<string, unknown>>(Prisma.sql`SELECT ${figureColumns} FROM "ContributionMonth"
    WHERE "personKey" = ${key.personKey} AND "insurance" = ${key.insurance} AND "agencyId" = ${key.agencyId}`);
  return rows.map(toMonthRow);
}

/** The rows that count: the latest of each month. */
export function latestOfEachMonth<M extends { month: string; id: number }>(rows: readonly M[]): M[] {
  const latest = new Map<string, M>();
  for (const r of rows) if ((latest.get(r.month)?.id ?? -1) < r.id) latest.set(r.month, r);
  return [...latest.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
}

/** The opening balance in force (the latest recorded), or null. */
export async function openingBalanceOf(q: DirectQueryable, key: RecordKey): Promise<OpeningBalance | null> {
  const [row] = await q.query<{ asOfMonth: string; balanceBroughtForwardFen: number | bigint }>(Prisma.sql`
    SELECT "asOfMonth", "balanceBroughtForwardFen" FROM "ContributionOpeningBalance"
    WHERE "personKey" = ${key.personKey} AND "insurance" = ${key.insurance} AND "agencyId" = ${key.agencyId}
    ORDER BY "id" DESC LIMIT 1`);
  return row ? { asOfMonth: row.asOfMonth, balanceBroughtForwardFen: Number(row.balanceBroughtForwardFen) } : null;
}

/** What a record says as of a China date (its month and the months before). */
export async function derivedRecordOf(ctx: EngineContext, key: RecordKey, asOf: string): Promise<DerivedRecord> {
  const sql = directSqlOf(ctx.db);
  const [rows, opening] = await Promise.all([figuresOf(sql, key), openingBalanceOf(sql, key)]);
  return deriveRecord(latestOfEachMonth(rows), opening, asOf.slice(0, 7));
}

/** Whether the agency holds any month of the person's record of this insurance. */
export async function holdsRecord(ctx: EngineContext, key: RecordKey): Promise<boolean> {
  const [row] = await directSqlOf(ctx.db).query(Prisma.sql`SELECT 1 AS "x" FROM "ContributionMonth"
    WHERE "personKey" = ${key.personKey} AND "insurance" = ${key.insurance} AND "agencyId" = ${key.agencyId} LIMIT 1`);
  return row !== undefined;
}

/**
 * Inside the caller's transaction: records that the person (ID number) has a record, so that a
 * change of data key can recompute its blind index (ContributionPerson). Idempotent.
 */
export async function notePeople(
  ctx: EngineContext,
  tx: DirectQueryable,
  idNumbers: readonly string[],
  now: Date,
): Promise<void> {
  const key = dataKeyOf(ctx.db);
  const unique = [...new Set(idNumbers)];
  for (let i = 0; i < unique.length; i += 500) {
    const batch = unique.slice(i, i + 500);
    await tx.execute(Prisma.sql`INSERT INTO "ContributionPerson" ("personKey", "insuredIdNumber", "createdAt")
      VALUES ${Prisma.join(batch.map((id) => Prisma.sql`(${key.idIndex(id)}, ${key.encrypt(id, "insuredIdNumber")}, ${now})`))}
      ON CONFLICT ("personKey") DO NOTHING`);
  }
}

/**
 * Inside the caller's transaction: appends months to one person's record of one insurance at one
 * agency (at most one row per month in `months`). A month recorded with the same figures adds
 * nothing; with other figures it is a correction (a reason is required: CorrectionWithoutReason).
 * Returns each month's outcome, in order.
 */
export async function appendMonths(
  tx: DirectQueryable,
  key: RecordKey,
  months: readonly NewMonth[],
  now: Date,
): Promise<AppendOutcome[]> {
  if (months.length === 0) return [];
  const [outcomes] = await appendMonthsOfMany(tx, key, [{ personKey: key.personKey, months }], now);
  return outcomes!;
}

/** The months to append to one person's record (at most one row per month). */
export interface MonthsOfPerson {
  personKey: string;
  months: readonly NewMonth[];
}

/** What appending a month would do, or that it needs a reason (other figures without one). */
export type PlannedOutcome = AppendOutcome | "needsReason";

/** A row to insert: a month of a person's record and the row it supersedes (0: the month's first). */
export interface PlannedMonth extends NewMonth {
  personKey: string;
  supersedesId: number;
}

/**
 * What appending `months` to one person's record would do, its latest row of each month being in
 * `latest` (no write): each month's outcome and the rows to insert. A month recorded with other
 * figures is a correction (source `correction` for an import's row) when it has a reason, else
 * `needsReason` (and no row).
 */
export function planMonths(
  latest: ReadonlyMap<string, MonthFigures & { id: number }>,
  personKey: string,
  months: readonly NewMonth[],
): { outcomes: PlannedOutcome[]; rows: PlannedMonth[] } {
  const rows: PlannedMonth[] = [];
  const outcomes = months.map((m): PlannedOutcome => {
    const before = latest.get(m.month);
    if (before && sameFigures(before, m)) return "unchanged";
    if (before && !m.reason) return "needsReason";
    const source = before && m.source === "import" ? "correction" : m.source;
    rows.push({ ...m, source, personKey, supersedesId: before?.id ?? 0 });
    return before ? "corrected" : "added";
  });
  return { outcomes, rows };
}

/**
 * The figures of every row (superseded ones too) of many people's records of one insurance at one
 * agency, by person (one statement per 500 people, read from ContributionMonth_figures_idx alone,
 * as figuresOf).
 */
export async function figuresOfMany(
  q: DirectQueryable,
  at: Omit<RecordKey, "personKey">,
  personKeys: readonly string[],
): Promise<Map<string, MonthRow[]>> {
  const out = new Map<string, MonthRow[]>();
  const unique = [...new Set(personKeys)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await q.query<Record<string, unknown>>(Prisma.sql`SELECT "personKey", ${figureColumns}
      FROM "ContributionMonth" WHERE "personKey" IN (${Prisma.join(unique.slice(i, i + 500))})
      AND "insurance" = ${at.insurance} AND "agencyId" = ${at.agencyId}`);
    for (const r of rows) {
      const key = String(r.personKey);
      const list = out.get(key) ?? [];
      if (list.length === 0) out.set(key, list);
      list.push(toMonthRow(r));
    }
  }
  return out;
}

/**
 * Inside the caller's transaction: inserts planned rows (500 a statement). A row whose month
 * another append took since the record was read (the same `supersedesId`) breaks the unique key,
 * and the transaction fails: a plan is written as it was made, or not at all.
 */
export async function insertMonths(
  tx: DirectQueryable,
  at: Omit<RecordKey, "personKey">,
  rows: readonly PlannedMonth[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map(
      (m) => Prisma.sql`(${at.agencyId}, ${m.personKey}, ${at.insurance}, ${m.month}, ${m.baseFen},
      ${m.employerFen}, ${m.individualFen}, ${m.accountCreditFen}, ${m.status}, ${m.payer}, ${m.employerCreditCode ?? null},
      ${m.source}, ${m.fromAgencyId ?? null}, ${m.caseId ?? null}, ${m.reason ?? null}, ${m.supersedesId}, ${now})`,
    );
    await tx.execute(Prisma.sql`INSERT INTO "ContributionMonth" ("agencyId", "personKey", "insurance", "month",
      "baseFen", "employerFen", "individualFen", "accountCreditFen", "status", "payer", "employerCreditCode",
      "source", "fromAgencyId", "caseId", "reason", "supersedesId", "recordedAt")
      VALUES ${Prisma.join(values)}`);
  }
}

/**
 * Inside the caller's transaction: appendMonths for many people of one insurance at one agency at
 * once (the records read 500 people a statement, the rows inserted 500 a statement). Nothing is
 * written when a month needs a reason it has not (CorrectionWithoutReason). Each person's
 * outcomes, in order.
 */
export async function appendMonthsOfMany(
  tx: DirectQueryable,
  at: Omit<RecordKey, "personKey">,
  people: readonly MonthsOfPerson[],
  now: Date,
): Promise<AppendOutcome[][]> {
  const records = await figuresOfMany(
    tx,
    at,
    people.filter((p) => p.months.length > 0).map((p) => p.personKey),
  );
  const inserts: PlannedMonth[] = [];
  const outcomes = people.map(({ personKey, months }) => {
    const latest = new Map(latestOfEachMonth(records.get(personKey) ?? []).map((r) => [r.month, r]));
    const plan = planMonths(latest, personKey, months);
    const missing = plan.outcomes.indexOf("needsReason");
    if (missing >= 0) throw new CorrectionWithoutReason(months[missing]!.month);
    inserts.push(...plan.rows);
    return plan.outcomes as AppendOutcome[];
  });
  await insertMonths(tx, at, inserts, now);
  return outcomes;
}

/**
 * Inside the caller's transaction: records an opening balance (the same one again adds nothing; a
 * different one supersedes the last and needs a reason).
 */
export async function appendOpeningBalance(
  tx: DirectQueryable,
  key: RecordKey,
  balance: OpeningBalance & { reason?: string | null },
  now: Date,
): Promise<AppendOutcome> {
  const [outcome] = await appendOpeningBalances(tx, key, [{ personKey: key.personKey, balance }], now);
  return outcome!;
}

/** An opening balance as stored: the latest of a record counts. */
export interface StoredOpeningBalance extends OpeningBalance {
  id: number;
}

/** An opening balance to insert, and the one it supersedes (0: the record's first). */
export interface PlannedOpeningBalance {
  personKey: string;
  balance: OpeningBalance & { reason?: string | null };
  supersedesId: number;
}

/** The opening balance in force (the latest) of many people's records of one insurance at one agency. */
export async function openingBalancesOfMany(
  q: DirectQueryable,
  at: Omit<RecordKey, "personKey">,
  personKeys: readonly string[],
): Promise<Map<string, StoredOpeningBalance>> {
  const out = new Map<string, StoredOpeningBalance>();
  const unique = [...new Set(personKeys)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await q.query<{ id: number; personKey: string; asOfMonth: string; balanceBroughtForwardFen: number }>(
      Prisma.sql`SELECT "id", "personKey", "asOfMonth", "balanceBroughtForwardFen" FROM "ContributionOpeningBalance"
        WHERE "personKey" IN (${Prisma.join(unique.slice(i, i + 500))}) AND "insurance" = ${at.insurance}
        AND "agencyId" = ${at.agencyId} ORDER BY "id"`,
    );
    for (const r of rows)
      out.set(r.personKey, {
        id: Number(r.id),
        asOfMonth: r.asOfMonth,
        balanceBroughtForwardFen: Number(r.balanceBroughtForwardFen),
      });
  }
  return out;
}

/** What recording `balance` would do to a record whose opening balance in force is `before` (no write). */
export function planOpeningBalance(
  before: StoredOpeningBalance | undefined,
  personKey: string,
  balance: OpeningBalance & { reason?: string | null },
): { outcome: PlannedOutcome; row?: PlannedOpeningBalance } {
  if (!before) return { outcome: "added", row: { personKey, balance, supersedesId: 0 } };
  const same =
    before.asOfMonth === balance.asOfMonth && before.balanceBroughtForwardFen === balance.balanceBroughtForwardFen;
  if (same) return { outcome: "unchanged" };
  if (!balance.reason) return { outcome: "needsReason" };
  return { outcome: "corrected", row: { personKey, balance, supersedesId: before.id } };
}

/** Inside the caller's transaction: inserts planned opening balances (as insertMonths, 500 a statement). */
export async function insertOpeningBalances(
  tx: DirectQueryable,
  at: Omit<RecordKey, "personKey">,
  rows: readonly PlannedOpeningBalance[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map(
      ({ personKey, balance, supersedesId }) => Prisma.sql`(${at.agencyId}, ${personKey}, ${at.insurance},
        ${balance.asOfMonth}, ${balance.balanceBroughtForwardFen}, ${supersedesId ? "correction" : "import"},
        ${balance.reason ?? null}, ${supersedesId}, ${now})`,
    );
    await tx.execute(Prisma.sql`INSERT INTO "ContributionOpeningBalance" ("agencyId", "personKey", "insurance",
      "asOfMonth", "balanceBroughtForwardFen", "source", "reason", "supersedesId", "recordedAt")
      VALUES ${Prisma.join(values)}`);
  }
}

/**
 * Inside the caller's transaction: appendOpeningBalance for many people of one insurance at one
 * agency at once (one balance per person). Nothing is written when one needs a reason it has not.
 */
export async function appendOpeningBalances(
  tx: DirectQueryable,
  at: Omit<RecordKey, "personKey">,
  entries: readonly { personKey: string; balance: OpeningBalance & { reason?: string | null } }[],
  now: Date,
): Promise<AppendOutcome[]> {
  const current = await openingBalancesOfMany(
    tx,
    at,
    entries.map((e) => e.personKey),
  );
  const rows: PlannedOpeningBalance[] = [];
  const outcomes = entries.map(({ personKey, balance }) => {
    const { outcome, row } = planOpeningBalance(current.get(personKey), personKey, balance);
    if (outcome === "needsReason") throw new CorrectionWithoutReason(balance.asOfMonth);
    if (row) rows.push(row);
    return outcome;
  });
  await insertOpeningBalances(tx, at, rows, now);
  return outcomes;
}

// ---------------------------------------------------------------------------- a change of data key

/**
 * `npm run rekey`: the records are keyed by the blind index of the ID number, which a new data key
 * changes. Each person's ID number (ContributionPerson, encrypted) is re-encrypted and their rows
 * re-keyed, person by person in batches; a person the current key no longer opens was done by an
 * earlier run (an interrupted run is run again). Returns the number of people re-keyed.
 */
export async function rekeyContributionRecords(db: Db, current: DataKey, next: DataKey, now = new Date()) {
  const sql = directSqlOf(db);
  let done = 0;
  for (let after = ""; ;) {
    const people = await sql.query<{ personKey: string; insuredIdNumber: string }>(Prisma.sql`
      SELECT "personKey", "insuredIdNumber" FROM "ContributionPerson" WHERE "personKey" > ${after}
      ORDER BY "personKey" LIMIT 500`);
    if (people.length === 0) return done;
    await sql.transaction(async (tx) => {
      for (const p of people) if (await rekeyPerson(tx, p, current, next, now)) done++;
    });
    after = people.at(-1)!.personKey;
  }
}

async function rekeyPerson(
  tx: DirectQueryable,
  p: { personKey: string; insuredIdNumber: string },
  current: DataKey,
  next: DataKey,
  now: Date,
): Promise<boolean> {
  let idNumber: string;
  try {
    idNumber = current.decrypt(p.insuredIdNumber, "insuredIdNumber");
  } catch (e) {
    if (e instanceof DecryptError) return false; // re-keyed already
    throw e;
  }
  const personKey = next.idIndex(idNumber);
  await tx.execute(Prisma.sql`INSERT INTO "ContributionPerson" ("personKey", "insuredIdNumber", "createdAt")
    VALUES (${personKey}, ${next.encrypt(idNumber, "insuredIdNumber")}, ${now}) ON CONFLICT ("personKey") DO NOTHING`);
  await tx.execute(
    Prisma.sql`UPDATE "ContributionMonth" SET "personKey" = ${personKey} WHERE "personKey" = ${p.personKey}`,
  );
  await tx.execute(
    Prisma.sql`UPDATE "ContributionOpeningBalance" SET "personKey" = ${personKey} WHERE "personKey" = ${p.personKey}`,
  );
  await tx.execute(Prisma.sql`DELETE FROM "ContributionPerson" WHERE "personKey" = ${p.personKey}`);
  return true;
}
