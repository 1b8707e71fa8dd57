// The date an act happened, as staff give it (or today, China time).
import { isChinaDate } from "../calendar/index.ts";
import { unsafeCharacter } from "../domain/text.ts";
import { problems } from "../problems.ts";
import type { EngineContext } from "./context.ts";

/** A valid China date not in the future and not before `notBefore`; today when none is given. */
export function checkOccurredOn(ctx: EngineContext, occurredOn: unknown, notBefore?: string): string {
  const today = ctx.today();
  if (occurredOn === undefined || occurredOn === null) return today;
  if (typeof occurredOn !== "string" || !isChinaDate(occurredOn)) {
    throw problems.invalid([{ path: "occurredOn", message: "must be a date as YYYY-MM-DD" }]);
  }
  if (occurredOn > today) {
    throw problems.invalid([{ path: "occurredOn", message: `must not be in the future (today is ${today} in China)` }]);
  }
  if (notBefore && occurredOn < notBefore) {
    throw problems.invalid([
      { path: "occurredOn", message: `must not be before the case's previous event (${notBefore})` },
    ]);
  }
  return occurredOn;
}

const BACKDATE_REASON_MAX = 500;

/**
 * An act dated more than ctx.backdateReasonAfterWorkingDays working days before today needs a
 * reason, recorded with the event (CaseEvent.backdateReason, never in the machine's payload).
 * A reason given for an act that did not need one is not stored: the column means "backdated".
 */
export function checkBackdateReason(ctx: EngineContext, occurredOn: string, reason: unknown): string | null {
  if (reason !== undefined && reason !== null) {
    if (typeof reason !== "string" || reason.trim().length === 0) {
      throw problems.invalid([
        { path: "backdateReason", message: "must be a text saying why the act is recorded only now" },
      ]);
    }
    if (
      reason.trim().length > BACKDATE_REASON_MAX ||
      !reason.isWellFormed() ||
      unsafeCharacter(reason, { multiline: true }) !== undefined
    ) {
      throw problems.invalid([
        { path: "backdateReason", message: `must be plain text of at most ${BACKDATE_REASON_MAX} characters` },
      ]);
    }
  }
  const after = ctx.backdateReasonAfterWorkingDays ?? 3;
  const today = ctx.today();
  if (occurredOn >= today || ctx.calendar.workingDaysBetween(occurredOn, today).value <= after) return null;
  if (typeof reason !== "string") {
    throw problems.invalid([
      {
        path: "backdateReason",
        message: `required: ${occurredOn} is more than ${after} working days before today (${today}); say why the act is recorded only now`,
      },
    ]);
  }
  return reason.trim();
}
