// The deadline sweeper. XState `after` timers do not survive persistence, so due dates are data
// (Case.stepDueOn) and this job compares them with today's China date (ctx.today()):
//
// - missed: a non-final case whose step is past its due date gets, in ONE transaction, a
//   DeadlineNotice row (unique per case, kind and step instance), a DEADLINE_MISSED case event
//   (actorKind "system", fromState = toState: the legal state does not change; seq = version + 1
//   under the same version check as advanceCase) and an outbox message "deadline.missed",
//   written by the engine (src/engine/systemEvents.ts): the sweeper only decides what to record.
// - approaching: a step due within DUE_SOON_WORKING_DAYS working days (and not yet past) gets a
//   DeadlineNotice row and an outbox message "deadline.approaching" — no case event, because the
//   case itself does not change (a reminder is not a change of the case).
//
// Safe on several nodes: the unique notice row makes a second node's attempt fail harmlessly,
// and the version check makes a concurrent staff event win (the sweeper reloads and re-checks).
// Candidates come from one index-friendly query per batch ([final, stepDueOn] plus the notice
// table's unique index), so a sweep costs little when there is nothing to do.
//
// Each sweep also picks up calendar years published on other nodes (or before a crash) and
// recomputes the due dates that relied on them (src/engine/recompute.ts).
import type { ChinaDate } from "../calendar/index.ts";
import { addCalendarDays } from "../calendar/index.ts";
import { caseRef } from "../engine/caseRef.ts";
import { DEADLINE_MISSED } from "../engine/types.ts";
import type { EngineContext } from "../engine/context.ts";
import { recordDeadlineReminder, recordSystemEvent } from "../engine/systemEvents.ts";
import { machineInstalled } from "../engine/machineCatalog.ts";
import { findCase } from "../engine/readCase.ts";
import { yieldToEventLoop } from "../runtime/eventLoop.ts";
import { isolated } from "./isolated.ts";
import { recomputeAfterPublication, recomputedMarker } from "../engine/recompute.ts";

export interface SweepOptions {
  /** steps due within this many working days from today are "due soon" */
  dueSoonWorkingDays: number;
  batchSize?: number;
}

export interface SweepResult {
  missed: number;
  approaching: number;
}

const MAX_RETRIES = 5;

type Candidate = { id: string; stepDueOn: string };

/** The first day a step is overdue: the calendar day after its due date. */
export function missedOn(stepDueOn: ChinaDate): ChinaDate {
  return addCalendarDays(stepDueOn, 1);
}

/** The last step due date that counts as "due soon" today. */
export function dueSoonCutoff(ctx: EngineContext, today: ChinaDate, workingDays: number): ChinaDate {
  return ctx.calendar.addWorkingDays(today, workingDays).value;
}

async function noticeExists(ctx: EngineContext, caseId: string, kind: string, stepSeq: number): Promise<boolean> {
  const n = await ctx.db.deadlineNotice.findUnique({
    where: { caseId_kind_stepSeq: { caseId, kind, stepSeq } },
    select: { id: true },
  });
  return n !== null;
}

/**
 * Records that the case's current step missed its due date, once per step instance.
 * Returns true if this call recorded it (false: not overdue any more, or already recorded).
 */
export async function recordMissed(ctx: EngineContext, caseId: string, today: ChinaDate): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    const c = await findCase(ctx, caseId);
    if (!c || !machineInstalled(ctx, c)) return false;
    const { stepSeq, stepDueOn } = c;
    if (c.final || stepSeq === null || stepDueOn === null || !(stepDueOn < today)) return false;
    if (await noticeExists(ctx, c.id, "missed", stepSeq)) return false;
    const outcome = await recordSystemEvent(ctx, c, {
      type: DEADLINE_MISSED,
      payload: { state: c.state, stepStartedOn: c.stepStartedOn, stepDueOn },
      occurredOn: missedOn(stepDueOn),
      notice: { kind: "missed", stepSeq, state: c.state, stepDueOn },
      message: (after, event) => ({
        kind: "deadline.missed",
        case: caseRef(after),
        event,
        deadline: {
          state: c.state,
          stepStartedOn: c.stepStartedOn,
          stepDueOn,
          workingDaysLeft: ctx.calendar.workingDaysBetween(today, stepDueOn).value,
        },
      }),
    });
    if (outcome === "recorded") {
      ctx.log.info({ caseId: c.id, caseNumber: c.caseNumber, state: c.state, stepDueOn }, "deadline missed");
      return true;
    }
    // Another node recorded the notice, or a staff event moved the case: reload and re-check.
  }
  ctx.log.warn({ caseId }, "deadline sweep gave up on a case that kept changing; the next sweep tries again");
  return false;
}

/** Sends the "deadline approaching" notification for the case's current step, once per step instance. */
export async function recordApproaching(
  ctx: EngineContext,
  caseId: string,
  today: ChinaDate,
  cutoff: ChinaDate,
): Promise<boolean> {
  const c = await findCase(ctx, caseId);
  if (!c || !machineInstalled(ctx, c)) return false;
  const { stepSeq, stepDueOn } = c;
  if (c.final || stepSeq === null || stepDueOn === null || stepDueOn < today || stepDueOn > cutoff) return false;
  if (await noticeExists(ctx, c.id, "approaching", stepSeq)) return false;
  // false when another node sent it
  return recordDeadlineReminder(
    ctx,
    c,
    { kind: "approaching", stepSeq, state: c.state, stepDueOn },
    {
      kind: "deadline.approaching",
      case: caseRef(c),
      deadline: {
        state: c.state,
        stepStartedOn: c.stepStartedOn,
        stepDueOn,
        workingDaysLeft: ctx.calendar.workingDaysBetween(today, stepDueOn).value,
      },
    },
  );
}

/**
 * Candidates in pages, keyset-paginated on (stepDueOn, id) so the sweep ends even when some
 * case cannot be processed. Portable SQL (SQLite and PostgreSQL): quoted identifiers, no dialect.
 */
async function candidates(
  ctx: EngineContext,
  kind: "missed" | "approaching",
  range: { lt?: string; gte?: string; lte?: string },
  after: Candidate | undefined,
  batch: number,
): Promise<Candidate[]> {
  const lt = range.lt ?? "9999-12-31";
  const gte = range.gte ?? "0000-01-01";
  const lte = range.lte ?? "9999-12-31";
  const afterDue = after?.stepDueOn ?? "";
  const afterId = after?.id ?? "";
  return ctx.db.$queryRaw<Candidate[]>`
    SELECT c."id", c."stepDueOn" FROM "Case" c
    WHERE c."final" = false
      AND c."stepSeq" IS NOT NULL
      AND c."stepDueOn" IS NOT NULL AND c."stepDueOn" < ${lt} AND c."stepDueOn" >= ${gte} AND c."stepDueOn" <= ${lte}
      AND (c."stepDueOn" > ${afterDue} OR (c."stepDueOn" = ${afterDue} AND c."id" > ${afterId}))
      AND NOT EXISTS (
        SELECT 1 FROM "DeadlineNotice" n
        WHERE n."caseId" = c."id" AND n."kind" = ${kind} AND n."stepSeq" = c."stepSeq"
      )
    ORDER BY c."stepDueOn", c."id"
    LIMIT ${batch}`;
}

/** One pass over every open step: missed deadlines first, then those approaching. */
export async function sweepDeadlines(ctx: EngineContext, opts: SweepOptions): Promise<SweepResult> {
  const today = ctx.today();
  const batch = opts.batchSize ?? 100;
  const result: SweepResult = { missed: 0, approaching: 0 };

  let after: Candidate | undefined;
  for (;;) {
    const page = await candidates(ctx, "missed", { lt: today }, after, batch);
    for (const row of page) {
      if (await isolated(ctx, row.id, () => recordMissed(ctx, row.id, today))) result.missed++;
      await yieldToEventLoop();
    }
    if (page.length < batch) break;
    after = page[page.length - 1];
  }

  const cutoff = dueSoonCutoff(ctx, today, opts.dueSoonWorkingDays);
  after = undefined;
  for (;;) {
    const page = await candidates(ctx, "approaching", { gte: today, lte: cutoff }, after, batch);
    for (const row of page) {
      if (await isolated(ctx, row.id, () => recordApproaching(ctx, row.id, today, cutoff))) result.approaching++;
      await yieldToEventLoop();
    }
    if (page.length < batch) break;
    after = page[page.length - 1];
  }
  return result;
}

/**
 * Keeps this node's calendar in step with the published years in the database (an administrator
 * may have published on another node), and recomputes due dates:
 * - for a publication no node has finished recomputing for (a marker Setting per year records
 *   the last one done; a crash mid-way leaves it unset, so the next sweep on any node finishes
 *   the work): the full pass of recomputeAfterPublication;
 * - when this node learns of a year it had no schedule for: the provisional cases again, since
 *   until then it computed dates relying on that year by rule, and marked them provisional;
 * - when this node learns of a corrected schedule for a year it had: the full pass again, since
 *   until then it computed firm dates on the old schedule.
 * Recomputing is idempotent, so overlapping passes (several nodes, the PUT handler) are harmless.
 */
export class CalendarSync {
  readonly #seen = new Map<number, number>();
  #first = true;

  async run(ctx: EngineContext): Promise<number> {
    // On the first run the calendar was just loaded from these rows (server.ts loadCalendar).
    const first = this.#first;
    this.#first = false;
    const rows = await ctx.db.calendarYear.findMany({
      select: { year: true, publishedAt: true },
      orderBy: { year: "asc" },
    });
    let recomputed = 0;
    for (const row of rows) {
      const stamp = row.publishedAt.getTime();
      let learned: "nothing" | "new year" | "correction" = "nothing";
      if (this.#seen.get(row.year) !== stamp) {
        const full = await ctx.db.calendarYear.findUnique({ where: { year: row.year } });
        if (!full || full.publishedAt.getTime() !== stamp) continue; // re-published meanwhile: the next sweep takes it
        const had = ctx.calendar.isPublished(row.year);
        ctx.calendar.publish({
          year: full.year,
          holidays: JSON.parse(full.holidays),
          workdays: JSON.parse(full.workdays),
        });
        this.#seen.set(row.year, stamp);
        if (!first) learned = had ? "correction" : "new year";
      }
      const marker = await ctx.db.setting.findUnique({ where: { key: recomputedMarker(row.year) } });
      if (marker?.value !== String(stamp) || learned === "correction") {
        recomputed += await recomputeAfterPublication(ctx, row.year, { publishedAt: row.publishedAt });
      } else if (learned === "new year") {
        recomputed += await recomputeAfterPublication(ctx, row.year, { provisionalOnly: true });
      }
    }
    return recomputed;
  }
}

export class Sweeper {
  readonly #ctx: EngineContext;
  readonly #opts: SweepOptions;
  readonly #calendar = new CalendarSync();

  constructor(ctx: EngineContext, opts: SweepOptions) {
    this.#ctx = ctx;
    this.#opts = opts;
  }

  async runOnce(): Promise<SweepResult & { recomputed: number }> {
    const recomputed = await this.#calendar.run(this.#ctx);
    const r = await sweepDeadlines(this.#ctx, this.#opts);
    if (r.missed || r.approaching || recomputed) this.#ctx.log.info({ ...r, recomputed }, "deadline sweep");
    return { ...r, recomputed };
  }
}
