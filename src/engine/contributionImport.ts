// Importing contribution records (docs/contributions.md, "Importing"): an agency's file of months
// (and opening balances) for many people, checked row by row and against the records, then written
// all at once or not at all. Every row is checked first (its cells, the agency, a month twice in the
// file, a month recorded already with other figures and no reason); when any row is refused nothing
// is written. The writes of one file are one transaction, the records read and the rows inserted 500
// people a statement (./contributions.ts), so 100,000 rows take seconds. Nothing personal is stored
// or logged: rows are named by their number and field.
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf } from "../db/client.ts";
import { isUniqueViolation } from "../db/errors.ts";
import {
  checkContributionRow,
  type ContributionColumn,
  type ContributionRow,
  type FieldError,
} from "../domain/contributionFile.ts";
import type { ImportFormat, TableRow } from "../domain/importFile.ts";
import type { Insurance } from "../domain/schemes.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import type { Actor, EngineContext } from "./context.ts";
import {
  insertMonths,
  insertOpeningBalances,
  latestOfEachMonth,
  notePeople,
  openingBalancesOfMany,
  planMonths,
  planOpeningBalance,
  figuresOfMany,
  type PlannedMonth,
  type PlannedOpeningBalance,
} from "./contributions.ts";

/** The refused rows an answer lists (the first ones, in file order); `refused` counts them all. */
export const LISTED_ROWS = 1000;
/** People read from the records a batch (one statement each), and noted a transaction. */
const BATCH_PEOPLE = 500;
/** A running job whose progress has not moved for this long was stopped (a restart). */
const STOPPED_AFTER_MS = 10 * 60 * 1000;
/** Rows checked on their own, and rows written, between two reports of progress. */
const BATCH_ROWS = 2000;

export type ContributionRawRow = TableRow<ContributionColumn>;

export interface RefusedRow {
  row: number;
  errors: FieldError[];
}

/** checking: each row on its own; comparing: with the records; writing: the people, then the records. */
export type ImportPhase = "checking" | "comparing" | "writing" | "done";

export interface ContributionImportSummary {
  id: string | null;
  dryRun: boolean;
  status: "running" | "done" | "failed";
  phase: ImportPhase;
  format: ImportFormat;
  fileSha256: string;
  total: number;
  processed: number;
  added: number;
  corrected: number;
  unchanged: number;
  refused: number;
  people: number;
  /** the records were written (a real run, done, no row refused) */
  written: boolean;
  rows: RefusedRow[];
  failure: string | null;
  createdAt: string | null;
}

/** A good row with its number and its person's blind index. */
type Keyed = ContributionRow & { row: number; personKey: string };

/** What a checked file would do: its counts, its refused rows, and the rows to write, by insurance. */
export interface Plan {
  added: number;
  corrected: number;
  unchanged: number;
  refused: RefusedRow[];
  /** the records (person and insurance) the file names */
  people: number;
  months: Map<Insurance, PlannedMonth[]>;
  openings: Map<Insurance, PlannedOpeningBalance[]>;
  /** the ID numbers of the people who have no record yet anywhere (notePeople) */
  newPeople: string[];
}

/** Progress of a phase: `done` of `of` units. */
type Progress = (phase: ImportPhase, done: number, of: number) => Promise<void>;
const noProgress: Progress = async () => {};

/** Lets the process answer other requests between batches. */
const yieldToOthers = () => new Promise((ok) => setImmediate(ok));

// ------------------------------------------------------------------------------- the rows on their own

/** The rows' state while their cells are checked: the people seen and a month (or balance) twice. */
class CellCheck {
  readonly good: Keyed[] = [];
  readonly refused: RefusedRow[] = [];
  private readonly personKeys = new Map<string, string>();
  private readonly firstRow = new Map<string, number>();
  private readonly nowMonth: string;
  private readonly dataKey;

  constructor(
    ctx: EngineContext,
    private readonly agencyCode: string,
  ) {
    this.nowMonth = ctx.today().slice(0, 7);
    this.dataKey = dataKeyOf(ctx.db);
  }

  /** A row's cells, the agency it names, and whether its month (or balance) came before in the file. */
  check({ row, cells }: ContributionRawRow): void {
    const r = checkContributionRow(cells, this.nowMonth);
    if (Array.isArray(r)) return void this.refused.push({ row, errors: r });
    if (r.agency !== null && r.agency !== this.agencyCode)
      return void this.refused.push({
        row,
        errors: [{ path: "agency", message: "staff import their own agency's records only" }],
      });
    let personKey = this.personKeys.get(r.idNumber);
    if (personKey === undefined) this.personKeys.set(r.idNumber, (personKey = this.dataKey.idIndex(r.idNumber)));
    const what = r.kind === "month" ? r.figures.month : "opening";
    const same = `${personKey}\u0000${r.insurance}\u0000${what}`;
    const first = this.firstRow.get(same);
    if (first !== undefined) {
      const [path, noun] = r.kind === "month" ? ["month", "month"] : ["openingBalance", "opening balance"];
      return void this.refused.push({
        row,
        errors: [{ path, message: `the same person, insurance and ${noun} as row ${first}` }],
      });
    }
    this.firstRow.set(same, row);
    const keyed = r as Keyed;
    keyed.row = row;
    keyed.personKey = personKey;
    this.good.push(keyed);
  }
}

async function checkCells(ctx: EngineContext, actor: Actor, rows: ContributionRawRow[], progress: Progress) {
  const agency = await ctx.db.agency.findUniqueOrThrow({ where: { id: actor.agencyId! }, select: { code: true } });
  const check = new CellCheck(ctx, agency.code);
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    for (const r of rows.slice(i, i + BATCH_ROWS)) check.check(r);
    await progress("checking", Math.min(i + BATCH_ROWS, rows.length), rows.length);
    await yieldToOthers();
  }
  return check;
}

// -------------------------------------------------------------------------------- against the records

/** The good rows by insurance, then by person (in file order). */
function byPerson(good: readonly Keyed[]): Map<Insurance, Map<string, Keyed[]>> {
  const out = new Map<Insurance, Map<string, Keyed[]>>();
  for (const r of good) {
    const people = out.get(r.insurance) ?? new Map<string, Keyed[]>();
    out.set(r.insurance, people);
    const rows = people.get(r.personKey) ?? [];
    people.set(r.personKey, rows);
    rows.push(r);
  }
  return out;
}

const NEEDS_REASON: FieldError = {
  path: "reason",
  message: "recorded already with other figures: a correction needs a reason",
};

function emptyPlan(): Plan {
  return {
    added: 0,
    corrected: 0,
    unchanged: 0,
    refused: [],
    people: 0,
    months: new Map(),
    openings: new Map(),
    newPeople: [],
  };
}

/** The people among `personKeys` who have a record already somewhere (ContributionPerson). */
async function notedAlready(ctx: EngineContext, personKeys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < personKeys.length; i += 500) {
    const rows = await directSqlOf(ctx.db).query<{ personKey: string }>(Prisma.sql`SELECT "personKey"
      FROM "ContributionPerson" WHERE "personKey" IN (${Prisma.join(personKeys.slice(i, i + 500))})`);
    for (const r of rows) found.add(r.personKey);
  }
  return found;
}

/** A batch of people of one insurance compared with their records (read 500 people a statement). */
async function compareBatch(
  ctx: EngineContext,
  at: { agencyId: number; insurance: Insurance },
  people: [string, Keyed[]][],
  plan: Plan,
  seen: Set<string>,
) {
  const sql = directSqlOf(ctx.db);
  const keys = people.map(([k]) => k);
  const [records, openings, noted] = await Promise.all([
    figuresOfMany(sql, at, keys),
    openingBalancesOfMany(sql, at, keys),
    notedAlready(ctx, keys),
  ]);
  const months = plan.months.get(at.insurance) ?? [];
  plan.months.set(at.insurance, months);
  const balances = plan.openings.get(at.insurance) ?? [];
  plan.openings.set(at.insurance, balances);
  for (const [personKey, rows] of people) {
    const latest = new Map(latestOfEachMonth(records.get(personKey) ?? []).map((r) => [r.month, r]));
    const monthRows = rows.filter((r) => r.kind === "month");
    const planned = planMonths(
      latest,
      personKey,
      monthRows.map((r) => ({ ...r.figures, source: "import" as const, reason: r.reason })),
    );
    months.push(...planned.rows);
    const outcomes = monthRows.map((r, i) => ({ row: r.row, outcome: planned.outcomes[i]! }));
    for (const r of rows) {
      if (r.kind !== "opening") continue;
      const { outcome, row } = planOpeningBalance(openings.get(personKey), personKey, {
        ...r.balance,
        reason: r.reason,
      });
      if (row) balances.push(row);
      outcomes.push({ row: r.row, outcome });
    }
    for (const { row, outcome } of outcomes) {
      if (outcome === "needsReason") plan.refused.push({ row, errors: [NEEDS_REASON] });
      else plan[outcome]++;
    }
    const changes = outcomes.some((o) => o.outcome === "added" || o.outcome === "corrected");
    if (changes && !noted.has(personKey) && !seen.has(personKey)) plan.newPeople.push(rows[0]!.idNumber);
    if (changes) seen.add(personKey);
  }
}

/**
 * The rows checked (cells, agency, duplicates) and compared with the records: what writing the file
 * would do. `progress` hears of each batch; between batches the process answers other requests.
 */
export async function checkFile(
  ctx: EngineContext,
  actor: Actor,
  rows: ContributionRawRow[],
  progress: Progress = noProgress,
): Promise<Plan> {
  const { good, refused } = await checkCells(ctx, actor, rows, progress);
  const plan = emptyPlan();
  plan.refused.push(...refused);
  const seen = new Set<string>();
  let compared = 0;
  for (const [insurance, people] of byPerson(good)) {
    plan.people += people.size;
    // batches of at most 500 people and about 2,000 rows of the file (people with long histories
    // are read fewer at a time)
    let batch: [string, Keyed[]][] = [];
    let rowsIn = 0;
    const flush = async () => {
      await compareBatch(ctx, { agencyId: actor.agencyId!, insurance }, batch, plan, seen);
      compared += rowsIn;
      batch = [];
      rowsIn = 0;
      await progress("comparing", compared, good.length);
      await yieldToOthers();
    };
    for (const entry of people) {
      batch.push(entry);
      rowsIn += entry[1].length;
      if (batch.length >= BATCH_PEOPLE || rowsIn >= BATCH_ROWS) await flush();
    }
    if (batch.length > 0) await flush();
  }
  plan.refused.sort((a, b) => a.row - b.row);
  return plan;
}

// ----------------------------------------------------------------------------------------- the write

/** The record changed between the check and the write (a concurrent import of the same months). */
const recordMoved = (e: unknown) =>
  isUniqueViolation(e) || (e as { cause?: { kind?: string } } | null)?.cause?.kind === "UniqueConstraintViolation";

/**
 * Writes a plan with no refused row. First the people who have no record yet are noted
 * (notePeople, 2,000 a transaction: it holds no figures and is idempotent); then every month and
 * opening balance of the file is inserted in one transaction, as planned: a month another append
 * took since the check breaks the records' unique key, and nothing of the records is written.
 */
export async function writePlan(
  ctx: EngineContext,
  agencyId: number,
  plan: Plan,
  progress: Progress = noProgress,
): Promise<void> {
  const now = new Date();
  const sql = directSqlOf(ctx.db);
  const rows = [...plan.months.values(), ...plan.openings.values()].reduce((n, r) => n + r.length, 0);
  const work = plan.newPeople.length + rows;
  for (let i = 0; i < plan.newPeople.length; i += BATCH_PEOPLE) {
    await sql.transaction((tx) => notePeople(ctx, tx, plan.newPeople.slice(i, i + BATCH_PEOPLE), now));
    await progress("writing", Math.min(i + BATCH_PEOPLE, plan.newPeople.length), work);
    await yieldToOthers();
  }
  await sql.transaction(async (tx) => {
    let done = plan.newPeople.length;
    for (const [insurance, months] of plan.months) {
      for (let i = 0; i < months.length; i += BATCH_ROWS) {
        await insertMonths(tx, { agencyId, insurance }, months.slice(i, i + BATCH_ROWS), now);
        done += Math.min(BATCH_ROWS, months.length - i);
        await progress("writing", done, work);
      }
    }
    for (const [insurance, balances] of plan.openings)
      await insertOpeningBalances(tx, { agencyId, insurance }, balances, now);
  });
}

/** What a run came to: the plan (the counts and refused rows), done or failed, and why it failed. */
export interface Outcome {
  plan: Plan;
  status: "done" | "failed";
  failure: string | null;
}

/**
 * Check, and unless it is a dry run or a row is refused, write; a record that changed between the
 * two (a concurrent import of the same people) is checked and written once more, then it fails.
 */
export async function checkAndWrite(
  ctx: EngineContext,
  actor: Actor,
  rows: ContributionRawRow[],
  opts: { dryRun: boolean; progress?: Progress; id?: string },
): Promise<Outcome> {
  const progress = opts.progress ?? noProgress;
  for (let attempt = 1; ; attempt++) {
    const plan = await checkFile(ctx, actor, rows, progress);
    if (plan.refused.length > 0 || opts.dryRun) return { plan, status: "done", failure: null };
    try {
      await writePlan(ctx, actor.agencyId!, plan, progress);
      return { plan, status: "done", failure: null };
    } catch (e) {
      const moved = recordMoved(e);
      if (moved && attempt < 2) continue;
      if (!moved) ctx.log.error({ importId: opts.id, err: { name: (e as Error)?.name } }, "contribution import failed");
      const failure = moved
        ? "The records changed while the file was written; nothing was written. Upload it again."
        : "The import failed; nothing was written.";
      return { plan: emptyPlan(), status: "failed", failure };
    }
  }
}

// ------------------------------------------------------------------------------------------- the job

const summaryOf = (
  file: { sha256: string; format: ImportFormat },
  o: Outcome,
  total: number,
): ContributionImportSummary => ({
  id: null,
  dryRun: true,
  status: o.status,
  phase: "done",
  format: file.format,
  fileSha256: file.sha256,
  total,
  processed: total,
  added: o.plan.added,
  corrected: o.plan.corrected,
  unchanged: o.plan.unchanged,
  refused: o.plan.refused.length,
  people: o.plan.people,
  written: false,
  rows: o.plan.refused.slice(0, LISTED_ROWS),
  failure: o.failure,
  createdAt: null,
});

/**
 * The job's stored progress: `processed` is the share of the phase done, in rows of the file. It
 * is written outside any transaction (on PostgreSQL another connection: every node sees it).
 */
function progressWriter(ctx: EngineContext, id: string, total: number): Progress {
  return async (phase, done, of) => {
    const processed = of === 0 ? total : Math.min(total, Math.floor((total * done) / of));
    await directSqlOf(ctx.db).execute(Prisma.sql`UPDATE "ContributionImport" SET "phase" = ${phase},
      "processed" = ${processed}, "updatedAt" = ${new Date()} WHERE "id" = ${id}`);
  };
}

async function runJob(ctx: EngineContext, actor: Actor, id: string, rows: ContributionRawRow[], dryRun: boolean) {
  let o: Outcome;
  try {
    o = await checkAndWrite(ctx, actor, rows, { dryRun, id, progress: progressWriter(ctx, id, rows.length) });
  } catch (e) {
    ctx.log.error({ importId: id, err: { name: (e as Error)?.name } }, "contribution import failed");
    o = { plan: emptyPlan(), status: "failed", failure: "The import failed; nothing was written." };
  }
  await ctx.db.contributionImport.update({
    where: { id },
    data: {
      status: o.status,
      phase: "done",
      processed: rows.length,
      added: o.plan.added,
      corrected: o.plan.corrected,
      unchanged: o.plan.unchanged,
      refused: o.plan.refused.length,
      people: o.plan.people,
      results: JSON.stringify(o.plan.refused.slice(0, LISTED_ROWS)),
      failure: o.failure,
    },
  });
}

/** A job as its agency's staff see it; null for anyone else (the route answers 404). */
export async function contributionImportSummary(
  ctx: EngineContext,
  actor: Actor,
  id: string,
): Promise<ContributionImportSummary | null> {
  const j = await ctx.db.contributionImport.findUnique({ where: { id } });
  if (!j || actor.kind !== "staff" || j.agencyId !== actor.agencyId) return null;
  // a job writes its progress every few seconds: one silent for long was stopped by a restart
  const stopped = j.status === "running" && Date.now() - j.updatedAt.getTime() > STOPPED_AFTER_MS;
  return {
    id: j.id,
    dryRun: j.dryRun,
    status: stopped ? "failed" : (j.status as ContributionImportSummary["status"]),
    phase: j.phase as ContributionImportSummary["phase"],
    format: j.format as ImportFormat,
    fileSha256: j.fileSha256,
    total: j.total,
    processed: j.processed,
    added: j.added,
    corrected: j.corrected,
    unchanged: j.unchanged,
    refused: j.refused,
    people: j.people,
    written: !j.dryRun && j.status === "done" && j.phase === "done" && j.refused === 0,
    rows: JSON.parse(j.results) as RefusedRow[],
    failure: stopped
      ? "The import stopped before it ended (the service restarted). Upload the file again: what was written is found unchanged."
      : j.failure,
    createdAt: j.createdAt.toISOString(),
  };
}

/**
 * An uploaded file imported: a dry run of at most `syncMaxRows` rows answers at once and stores
 * nothing; a real run of at most `syncMaxRows` rows is written before the answer; a larger file (dry
 * run or not) runs on after the answer as a job whose progress is stored, so any node answers the
 * poll, and `running` says so.
 */
export async function importContributions(
  ctx: EngineContext,
  actor: Actor,
  file: { sha256: string; format: ImportFormat },
  rows: ContributionRawRow[],
  options: { dryRun: boolean; syncMaxRows: number },
): Promise<{ summary: ContributionImportSummary; running: boolean }> {
  const sync = rows.length <= options.syncMaxRows;
  if (sync && options.dryRun)
    return {
      summary: summaryOf(file, await checkAndWrite(ctx, actor, rows, { dryRun: true }), rows.length),
      running: false,
    };
  const id = randomUUID();
  await ctx.db.contributionImport.create({
    data: {
      id,
      dryRun: options.dryRun,
      fileSha256: file.sha256,
      format: file.format,
      status: "running",
      total: rows.length,
      createdById: actor.userId,
      agencyId: actor.agencyId!,
    },
  });
  const job = runJob(ctx, actor, id, rows, options.dryRun);
  if (sync) await job;
  else void job.catch(() => undefined);
  return { summary: (await contributionImportSummary(ctx, actor, id))!, running: !sync };
}
