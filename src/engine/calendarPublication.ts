// Publishing a year's official working-day schedule (an administrator's act): validate it, store
// it, put it into this node's live calendar, and move every open due date that relied on the year
// to where the schedule puts it (./recompute.ts; other nodes learn of it in their next sweep).
import { CalendarError, validateYearSchedule, type YearSchedule } from "../calendar/index.ts";
import { problems } from "../problems.ts";
import { recordAudit } from "./audit.ts";
import type { Actor, EngineContext } from "./context.ts";
import { recomputeAfterPublication } from "./recompute.ts";

export interface PublishedYear extends YearSchedule {
  /** false: the year is published (true only for a year computed by rule) */
  provisional: boolean;
  /** how many open cases got new due dates */
  recomputedCases: number;
}

export async function publishCalendarYear(
  ctx: EngineContext,
  year: number,
  days: { holidays: string[]; workdays: string[] },
  actor: Actor,
): Promise<PublishedYear> {
  let schedule;
  try {
    // Validate before anything is stored; the live calendar changes only after the write.
    schedule = validateYearSchedule({
      year,
      holidays: [...new Set(days.holidays)].sort(),
      workdays: [...new Set(days.workdays)].sort(),
    });
  } catch (e) {
    if (e instanceof CalendarError) throw problems.invalid([{ path: "(body)", message: e.message }]);
    throw e;
  }
  const data = {
    holidays: JSON.stringify(schedule.holidays),
    workdays: JSON.stringify(schedule.workdays),
    publishedBy: actor.username,
  };
  // The publication and its line in the admin audit are one transaction.
  const stored = await ctx.db.$transaction(async (tx) => {
    const before = await tx.calendarYear.findUnique({ where: { year } });
    const row = await tx.calendarYear.upsert({
      where: { year },
      create: { year, ...data },
      update: { ...data, publishedAt: new Date() },
    });
    const daysOf = (r: { holidays: string; workdays: string }) => ({
      holidays: JSON.parse(r.holidays) as unknown,
      workdays: JSON.parse(r.workdays) as unknown,
    });
    await recordAudit(tx, actor, {
      action: "calendar.published",
      target: `calendar:${year}`,
      before: before && daysOf(before),
      after: daysOf(row),
    });
    return row;
  });
  ctx.calendar.publish(schedule);
  // Each change recorded as a DEADLINES_RECOMPUTED event.
  const recomputedCases = await recomputeAfterPublication(ctx, year, { publishedAt: stored.publishedAt });
  return { ...ctx.calendar.schedule(year), recomputedCases };
}
