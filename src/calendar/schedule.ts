// The shape of one year's official schedule and its validation. Shared by the bundled data,
// the data generator and `WorkingCalendar.publish` (admins publishing next year at run time),
// so all three accept exactly the same thing.
//
// Representation (same as data/cn-official.json):
//   holidays  every date that is a day off because of an official public-holiday period,
//             INCLUDING the Saturdays/Sundays inside that period (e.g. 2026: 15–23 Feb, all 9 days);
//   workdays  the Saturdays/Sundays that are working days (调休 make-up days, e.g. 2026-02-28).
// Any other date: Monday–Friday working, Saturday/Sunday off.
import { type ChinaDate, isChinaDate, weekday } from "./dates.ts";
import { CalendarError } from "./errors.ts";

export interface YearSchedule {
  year: number;
  holidays: ChinaDate[];
  workdays: ChinaDate[];
}

/**
 * Years the calendar answers for. The lower bound keeps the lunar rule in a range where the
 * Spring Festival algorithm is well tested; the upper bound stops runaway loops (a typo such as
 * 20266 must not walk millions of days).
 */
export const SUPPORTED_YEARS = { min: 1901, max: 2199 } as const;

export function checkSupportedYear(year: number): void {
  if (!Number.isInteger(year))
    throw new CalendarError("INVALID_ARGUMENT", `year must be an integer, got ${String(year)}`);
  if (year < SUPPORTED_YEARS.min || year > SUPPORTED_YEARS.max) {
    throw new CalendarError(
      "OUT_OF_RANGE",
      `year ${String(year)} is outside the supported years ${SUPPORTED_YEARS.min}–${SUPPORTED_YEARS.max}`,
    );
  }
}

function dateList(value: unknown, field: string, year: number, issues: string[]): ChinaDate[] {
  if (!Array.isArray(value)) {
    issues.push(`${field} must be an array of YYYY-MM-DD dates`);
    return [];
  }
  const seen = new Set<string>();
  const out: ChinaDate[] = [];
  for (const d of value) {
    if (typeof d !== "string" || !isChinaDate(d)) {
      issues.push(`${field}: ${JSON.stringify(d)} is not a real YYYY-MM-DD date`);
      continue;
    }
    if (Number(d.slice(0, 4)) !== year) issues.push(`${field}: ${d} is not in ${year}`);
    if (seen.has(d)) issues.push(`${field}: ${d} is listed twice`);
    seen.add(d);
    out.push(d);
  }
  return out;
}

/**
 * Validates an untrusted schedule and returns a normalised copy (dates sorted).
 * Throws `CalendarError("INVALID_SCHEDULE")` listing every problem in `issues`.
 */
export function validateYearSchedule(input: unknown): YearSchedule {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new CalendarError("INVALID_SCHEDULE", "a year schedule must be an object { year, holidays, workdays }");
  }
  const raw = input as Record<string, unknown>;
  const year = raw.year;
  if (typeof year !== "number" || !Number.isInteger(year)) {
    throw new CalendarError("INVALID_SCHEDULE", `year must be an integer, got ${JSON.stringify(year)}`);
  }
  checkSupportedYear(year);

  const issues: string[] = [];
  const holidays = dateList(raw.holidays, "holidays", year, issues);
  const workdays = dateList(raw.workdays, "workdays", year, issues);
  const holidaySet = new Set(holidays);
  for (const d of workdays) {
    // A make-up day only makes sense on a weekend: Monday–Friday are working days anyway.
    const wd = weekday(d);
    if (wd !== 0 && wd !== 6) issues.push(`workdays: ${d} is not a Saturday or Sunday`);
    if (holidaySet.has(d)) issues.push(`${d} is listed both as a holiday and as a workday`);
  }
  if (issues.length > 0) {
    throw new CalendarError("INVALID_SCHEDULE", `invalid schedule for ${year}: ${issues.join("; ")}`, issues);
  }
  return { year, holidays: [...holidays].sort(), workdays: [...workdays].sort() };
}
