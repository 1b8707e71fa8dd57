// What the console shows beside a case, decided here so that the pages compute nothing about
// deadlines or rules themselves: working days left (for the step and for the whole case), whether
// a queue row is due soon (the queue's own rule), and the events the machine refuses right now.
// Their schemas are the API's (src/api/caseViewSchemas.ts).
import { canTake, restore } from "../../machines/runtime.ts";
import { nextDueOn } from "../deadlines/index.ts";
import { allowedEventsFor } from "./access.ts";
import { moduleOf } from "./machineCatalog.ts";
import type { Actor, EngineContext } from "./context.ts";
import type { CaseWithAgencies } from "./types.ts";

type Dates = Pick<CaseWithAgencies, "final" | "stepDueOn" | "dueOn">;

/** Working days from today to `target` (negative when past); null without a date or a calendar for it. */
function daysTo(ctx: EngineContext, today: string, target: string | null): number | null {
  if (!target) return null;
  try {
    return ctx.calendar.workingDaysBetween(today, target).value;
  } catch {
    return null; // a year the calendar cannot count
  }
}

// ---------------------------------------------------------------------------- queue rows

/** The queue's hints for one row; `dueSoonCutoff` is today plus DUE_SOON_WORKING_DAYS working days. */
export function queueHints(ctx: EngineContext, c: Dates, today: string, dueSoonCutoff: string) {
  const next = nextDueOn(c, c.final);
  // the same rule as GET /api/cases?dueSoon=true (src/engine/caseList.ts)
  const dueSoon =
    !c.final &&
    c.stepDueOn !== null &&
    c.stepDueOn >= today &&
    c.stepDueOn <= dueSoonCutoff &&
    next !== null &&
    next >= today;
  return { workingDaysLeft: c.final ? null : daysTo(ctx, today, c.stepDueOn ?? c.dueOn), dueSoon };
}

// ---------------------------------------------------------------------------- the case page

/**
 * Events the actor could record in this state that the machine refuses now: asked of the machine
 * itself (canTake), for the events whose payload needs nothing (or only optional fields), so the
 * answer does not depend on what would be typed in. Events with required fields are checked on submit.
 */
export function blockedEvents(ctx: EngineContext, c: CaseWithAgencies, actor: Actor, today: string) {
  const allowed = allowedEventsFor(ctx, c, actor);
  if (allowed.length === 0) return [];
  const mod = moduleOf(ctx, c);
  const snapshot = restore(mod, c.snapshot);
  const blocked: { type: string; reason: string }[] = [];
  for (const type of allowed) {
    const empty = mod.events[type].payload.safeParse({});
    if (!empty.success) continue;
    if (canTake(mod, snapshot, { type, occurredOn: today, ...empty.data })) continue;
    blocked.push({ type, reason: mod.refusals?.[type] ?? "refused by the rules in this state" });
  }
  return blocked;
}

export function detailHints(ctx: EngineContext, c: CaseWithAgencies, actor: Actor) {
  const today = ctx.today();
  return {
    stepWorkingDaysLeft: c.final ? null : daysTo(ctx, today, c.stepDueOn),
    overallWorkingDaysLeft: c.final ? null : daysTo(ctx, today, c.dueOn),
    blockedEvents: blockedEvents(ctx, c, actor, today),
  };
}
