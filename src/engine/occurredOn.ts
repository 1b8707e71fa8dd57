// The date an act happened, as staff give it (or today, China time).
import { isChinaDate } from "../calendar/index.ts";
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
    throw problems.invalid([{ path: "occurredOn", message: `must not be before the case's previous event (${notBefore})` }]);
  }
  return occurredOn;
}
