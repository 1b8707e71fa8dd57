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
  appendMonthsOfMany,
  appendOpeningBalances,
  CorrectionWithoutReason,
  latestOfEachMonth,
  notePeople,
  openingBalancesOfMany,
  plannedOpeningOutcome,
  plannedOutcomes,
  rowsOfMany,
  type MonthsOfPerson,
  type NewMonth,
} from "./contributions.ts";

/** The refused rows an answer lists (the first ones, in file order); `refused` counts them all. */
export const LISTED_ROWS = 1000;
/** People read from the records, and progress reported, in batches of this many. */
const BATCH_PEOPLE = 500;

export type ContributionRawRow = TableRow<ContributionColumn>;

export interface RefusedRow {
  row: number;
  errors: FieldError[];
}

export interface ContributionImportSummary {
  id: string | null;
  dryRun: boolean;
  status: "running" | "done" | "failed";
  phase: "checking" | "writing" | "done";
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

/** A good row with its person's blind index. */
type Keyed = ContributionRow & { row: number; personKey: string };

/** What a checked file would do: its counts, its refused rows, and the writes, by insurance. */
export interface Plan {
  added: number;
  corrected: number;
  unchanged: number;
  refused: RefusedRow[];
  people: number;
  writes: Map<Insurance, { months: MonthsOfPerson[]; openings: { personKey: string; balance: OpeningOf }[] }>;
  /** the ID numbers of the people whose records change (notePeople) */
  idNumbers: string[];
}
type OpeningOf = Extract<ContributionRow, { kind: "opening" }>["balance"] & { reason: string | null };

/** Progress of a check: rows compared against the records so far. */
type Progress = (processed: number) => Promise<void>;

// ------------------------------------------------------------------------------- the rows on their own

/** Each row's cells, the agency it names, and a month (or an opening balance) twice in the file. */
function checkCells(ctx: EngineContext, rows: ContributionRawRow[], agencyCode: string) {
  const nowMonth = ctx.today().slice(0, 7);
  const key = dataKeyOf(ctx.db);
  const personKeys = new Map<string, string>();
  const firstRow = new Map<string, number>();
  const good: Keyed[] = [];
  const refused: RefusedRow[] = [];
  for (const { row, cells } of rows) {
    const r = checkContributionRow(cells, nowMonth);
    if (Array.isArray(r)) {
      refused.push({ row, errors: r });
      continue;
    }
    if (r.agency !== null && r.agency !== agencyCode) {
      refused.push({ row, errors: [{ path: "agency", message: "staff import their own agency's records only" }] });
      continue;
    }
    let personKey = personKeys.get(r.idNumber);
    if (personKey === undefined) personKeys.set(r.idNumber, (personKey = key.idIndex(r.idNumber)));
    const what = r.kind === "month" ? r.figures.month : "opening";
    const same = `${personKey}\u0000${r.insurance}\u0000${what}`;
    const first = firstRow.get(same);
    if (first !== undefined) {
      const path = r.kind === "month" ? "month" : "openingBalance";
      const message = `the same person, insurance and ${r.kind === "month" ? "month" : "opening balance"} as row ${first}`;
      refused.push({ row, errors: [{ path, message }] });
      continue;
    }
    firstRow.set(same, row);
    good.push({ ...r, row, personKey });
  }
  return { good, refused };
}

// -------------------------------------------------------------------------------- against the records

/** The good rows of one insurance, by person (in file order). */
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
  return { added: 0, corrected: 0, unchanged: 0, refused: [], people: 0, writes: new Map(), idNumbers: [] };
}

/** One batch of people of one insurance compared with their records (read in one statement each). */
async function compareBatch(
  ctx: EngineContext,
  at: { agencyId: number; insurance: Insurance },
  people: [string, Keyed[]][],
  plan: Plan,
) {
  const sql = directSqlOf(ctx.db);
  const keys = people.map(([k]) => k);
  const [records, openings] = await Promise.all([rowsOfMany(sql, at, keys), openingBalancesOfMany(sql, at, keys)]);
  const writes = plan.writes.get(at.insurance) ?? { months: [], openings: [] };
  plan.writes.set(at.insurance, writes);
  for (const [personKey, rows] of people) {
    const latest = new Map(latestOfEachMonth(records.get(personKey) ?? []).map((r) => [r.month, r]));
    const months: NewMonth[] = [];
    let changes = false;
    for (const r of rows) {
      const outcome =
        r.kind === "month"
          ? plannedOutcomes(latest, [{ ...r.figures, reason: r.reason }])[0]!
          : plannedOpeningOutcome(openings.get(personKey), { ...r.balance, reason: r.reason });
      if (outcome === "needsReason") {
        plan.refused.push({ row: r.row, errors: [NEEDS_REASON] });
        continue;
      }
      plan[outcome]++;
      if (outcome === "unchanged") continue;
      changes = true;
      if (r.kind === "month") months.push({ ...r.figures, source: "import", reason: r.reason });
      else writes.openings.push({ personKey, balance: { ...r.balance, reason: r.reason } });
    }
    if (months.length > 0) writes.months.push({ personKey, months });
    if (changes) plan.idNumbers.push(rows[0]!.idNumber);
  }
}

/**
 * The rows checked (cells, agency, duplicates) and compared with the records: what writing the file
 * would do. `progress` hears the rows compared so far, batch after batch (between which the process
 * answers other requests).
 */
export async function checkFile(
  ctx: EngineContext,
  actor: Actor,
  rows: ContributionRawRow[],
  progress: Progress = async () => {},
): Promise<Plan> {
  const agency = await ctx.db.agency.findUniqueOrThrow({ where: { id: actor.agencyId! }, select: { code: true } });
  const { good, refused } = checkCells(ctx, rows, agency.code);
  const plan = emptyPlan();
  plan.refused.push(...refused);
  let processed = refused.length;
  await progress(processed);
  for (const [insurance, people] of byPerson(good)) {
    plan.people += people.size;
    const list = [...people];
    for (let i = 0; i < list.length; i += BATCH_PEOPLE) {
      const batch = list.slice(i, i + BATCH_PEOPLE);
      await compareBatch(ctx, { agencyId: actor.agencyId!, insurance }, batch, plan);
      processed += batch.reduce((n, [, r]) => n + r.length, 0);
      await progress(processed);
      await new Promise((ok) => setImmediate(ok));
    }
  }
  plan.refused.sort((a, b) => a.row - b.row);
  return plan;
}

// ----------------------------------------------------------------------------------------- the write

/** The record changed between the check and the write (a concurrent import or correction). */
const recordMoved = (e: unknown) =>
  e instanceof CorrectionWithoutReason ||
  isUniqueViolation(e) ||
  (e as { cause?: { kind?: string } } | null)?.cause?.kind === "UniqueConstraintViolation";

/**
 * Writes a plan with no refused row, in one transaction: the people noted, the months and opening
 * balances appended (each record read again inside the transaction: a month that changed since the
 * check throws, and nothing is written). `progress` hears the people written so far.
 */
export async function writePlan(
  ctx: EngineContext,
  agencyId: number,
  plan: Plan,
  progress: Progress = async () => {},
): Promise<void> {
  const now = new Date();
  await directSqlOf(ctx.db).transaction(async (tx) => {
    await notePeople(ctx, tx, plan.idNumbers, now);
    let written = 0;
    for (const [insurance, writes] of plan.writes) {
      const at = { agencyId, insurance };
      for (let i = 0; i < writes.months.length; i += BATCH_PEOPLE * 4) {
        const batch = writes.months.slice(i, i + BATCH_PEOPLE * 4);
        await appendMonthsOfMany(tx, at, batch, now);
        written += batch.reduce((n, p) => n + p.months.length, 0);
        await progress(written);
      }
      await appendOpeningBalances(tx, at, writes.openings, now);
    }
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
  opts: { dryRun: boolean; progress?: (phase: "checking" | "writing", n: number) => Promise<void>; id?: string },
): Promise<Outcome> {
  const progress = opts.progress ?? (async () => {});
  for (let attempt = 1; ; attempt++) {
    const plan = await checkFile(ctx, actor, rows, (n) => progress("checking", n));
    if (plan.refused.length > 0 || opts.dryRun) return { plan, status: "done", failure: null };
    try {
      await writePlan(ctx, actor.agencyId!, plan, (n) => progress("writing", n));
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

/** The job's stored progress: the phase at once, the rows every 2,000. */
function progressWriter(ctx: EngineContext, id: string, total: number) {
  let last = { phase: "", n: 0 };
  return async (phase: "checking" | "writing", n: number) => {
    if (phase === last.phase && n - last.n < 2000) return;
    last = { phase, n };
    await directSqlOf(ctx.db).execute(Prisma.sql`UPDATE "ContributionImport" SET "phase" = ${phase},
      "processed" = ${Math.min(n, total)}, "updatedAt" = ${new Date()} WHERE "id" = ${id}`);
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
  return {
    id: j.id,
    dryRun: j.dryRun,
    status: j.status as ContributionImportSummary["status"],
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
    failure: j.failure,
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
