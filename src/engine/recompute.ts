// After an administrator publishes a year's official schedule (PUT /api/admin/calendar/:year),
// every open case whose due dates may rely on that year is recomputed from its stored start
// dates with the calendar as it is now (src/deadlines recomputeDeadlines). Each case whose dates
// or provisional flag change gets, in one transaction under the version check, the new dates
// and a DEADLINES_RECOMPUTED event (actorKind "system", fromState = toState) with
// payload { year, before, after }, written by the engine (src/engine/systemEvents.ts). Unchanged cases get nothing, so running it twice (or on two
// nodes at once) records each change once.
import type { CaseDeadlines } from "../deadlines/index.ts";
import { nextDueOn, recomputeDeadlines } from "../deadlines/index.ts";
import { DEADLINES_RECOMPUTED } from "./types.ts";
import { machineInstalled, moduleOf } from "./machineCatalog.ts";
import { parseLimits } from "./agencyLimits.ts";
import type { EngineContext } from "./context.ts";
import { recordSystemEvent } from "./systemEvents.ts";
import { findCase } from "./readCase.ts";
import { yieldToEventLoop } from "../runtime/eventLoop.ts";

const MAX_RETRIES = 5;
const PAGE = 200;

function sameDates(a: CaseDeadlines, b: CaseDeadlines): boolean {
  return (
    a.stepDueOn === b.stepDueOn &&
    a.dueOn === b.dueOn &&
    a.provisional === b.provisional &&
    a.stepStartedOn === b.stepStartedOn &&
    a.overallStartedOn === b.overallStartedOn
  );
}

/** Recomputes one case; true if its dates changed and the event was recorded. Throws if it cannot. */
export async function recomputeCase(ctx: EngineContext, caseId: string, year: number): Promise<boolean> {
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    const c = await findCase(ctx, caseId);
    if (!c || c.final || !machineInstalled(ctx, c)) return false;
    const mod = moduleOf(ctx, c);
    const before: CaseDeadlines = {
      stepDueOn: c.stepDueOn,
      dueOn: c.dueOn,
      provisional: c.provisional,
      stepStartedOn: c.stepStartedOn,
      overallStartedOn: c.overallStartedOn,
    };
    const after = recomputeDeadlines({
      module: mod,
      calendar: ctx.calendar,
      current: before,
      state: c.state,
      limitsFor: (side) => parseLimits((side === "transferOut" ? c.fromAgency : c.toAgency).limits),
    });
    if (sameDates(before, after)) return false;
    const shown = (d: CaseDeadlines) => ({ stepDueOn: d.stepDueOn, dueOn: d.dueOn, provisional: d.provisional });
    const outcome = await recordSystemEvent(ctx, c, {
      type: DEADLINES_RECOMPUTED,
      payload: { year, before: shown(before), after: shown(after) },
      occurredOn: ctx.today(),
      deadlines: { ...after, nextDueOn: nextDueOn(after, false) },
    });
    if (outcome === "recorded") return true;
  }
  throw new Error(`the case kept changing during ${MAX_RETRIES} attempts to recompute its due dates`);
}

/** Setting key recording which publication of a year the open cases were last recomputed for. */
export const recomputedMarker = (year: number) => `calendar.recomputed.${year}`;

/**
 * Recomputes the open cases that may rely on `year`: those still provisional, and those with a
 * due date in or after that year (a re-published year may move firm dates too). Returns the
 * number of cases whose dates changed. With `publishedAt` (the CalendarYear row's), a marker
 * records that this publication is done, so other nodes and later starts need not scan again.
 * `provisionalOnly` limits the pass to cases still marked provisional.
 */
export async function recomputeAfterPublication(
  ctx: EngineContext,
  year: number,
  opts: { publishedAt?: Date; provisionalOnly?: boolean } = {},
): Promise<number> {
  const { publishedAt, provisionalOnly = false } = opts;
  const from = `${year}-01-01`;
  const relying = provisionalOnly
    ? [{ provisional: true }]
    : [{ provisional: true }, { stepDueOn: { gte: from } }, { dueOn: { gte: from } }];
  let changed = 0;
  let failed = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await ctx.db.case.findMany({
      where: { final: false, OR: relying },
      select: { id: true },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const row of page) {
      try {
        if (await recomputeCase(ctx, row.id, year)) changed++;
      } catch (err) {
        // Logged and left for the next sweep: the marker below is not set while any case failed.
        failed++;
        ctx.log.error(
          { err, caseId: row.id, year },
          "could not recompute a case's due dates; the next sweep tries again",
        );
      }
      await yieldToEventLoop();
    }
    if (page.length < PAGE) break;
    cursor = page[page.length - 1].id;
  }
  if (changed > 0) ctx.log.info({ year, changed }, "due dates recomputed after a calendar publication");
  if (publishedAt && failed === 0) {
    const key = recomputedMarker(year);
    const value = String(publishedAt.getTime());
    await ctx.db.$transaction((tx) => tx.setting.upsert({ where: { key }, create: { key, value }, update: { value } }));
  }
  return changed;
}
