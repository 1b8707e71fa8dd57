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

function toStoredMonth(r: Record<string, unknown>): StoredMonth {
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
  const [rows, opening] = await Promise.all([rowsOf(sql, key), openingBalanceOf(sql, key)]);
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
  const latest = new Map(latestOfEachMonth(await rowsOf(tx, key)).map((r) => [r.month, r]));
  const outcomes: AppendOutcome[] = [];
  const inserts: Prisma.Sql[] = [];
  for (const m of months) {
    const before = latest.get(m.month);
    if (before && sameFigures(before, m)) {
      outcomes.push("unchanged");
      continue;
    }
    if (before && !m.reason) throw new CorrectionWithoutReason(m.month);
    outcomes.push(before ? "corrected" : "added");
    const source = before && m.source === "import" ? "correction" : m.source;
    inserts.push(Prisma.sql`(${key.agencyId}, ${key.personKey}, ${key.insurance}, ${m.month}, ${m.baseFen},
      ${m.employerFen}, ${m.individualFen}, ${m.accountCreditFen}, ${m.status}, ${m.payer}, ${m.employerCreditCode ?? null},
      ${source}, ${m.fromAgencyId ?? null}, ${m.caseId ?? null}, ${m.reason ?? null}, ${before?.id ?? 0}, ${now})`);
  }
  for (let i = 0; i < inserts.length; i += 500) {
    await tx.execute(Prisma.sql`INSERT INTO "ContributionMonth" ("agencyId", "personKey", "insurance", "month",
      "baseFen", "employerFen", "individualFen", "accountCreditFen", "status", "payer", "employerCreditCode",
      "source", "fromAgencyId", "caseId", "reason", "supersedesId", "recordedAt")
      VALUES ${Prisma.join(inserts.slice(i, i + 500))}`);
  }
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
  const [before] = await tx.query<{ id: number; asOfMonth: string; balanceBroughtForwardFen: number | bigint }>(
    Prisma.sql`SELECT "id", "asOfMonth", "balanceBroughtForwardFen" FROM "ContributionOpeningBalance"
      WHERE "personKey" = ${key.personKey} AND "insurance" = ${key.insurance} AND "agencyId" = ${key.agencyId}
      ORDER BY "id" DESC LIMIT 1`,
  );
  const same =
    before !== undefined &&
    before.asOfMonth === balance.asOfMonth &&
    Number(before.balanceBroughtForwardFen) === balance.balanceBroughtForwardFen;
  if (same) return "unchanged";
  if (before && !balance.reason) throw new CorrectionWithoutReason(balance.asOfMonth);
  await tx.execute(Prisma.sql`INSERT INTO "ContributionOpeningBalance" ("agencyId", "personKey", "insurance",
    "asOfMonth", "balanceBroughtForwardFen", "source", "reason", "supersedesId", "recordedAt")
    VALUES (${key.agencyId}, ${key.personKey}, ${key.insurance}, ${balance.asOfMonth}, ${balance.balanceBroughtForwardFen},
      ${before ? "correction" : "import"}, ${balance.reason ?? null}, ${before ? Number(before.id) : 0}, ${now})`);
  return before ? "corrected" : "added";
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
