// A typed error for everything the caller got wrong (bad date, bad argument, bad schedule,
// date outside the supported range). The HTTP layer maps it to a 4xx answer; anything else
// thrown from the calendar is a bug and should stay a 5xx.

export type CalendarErrorCode =
  | "INVALID_DATE" // not a strict YYYY-MM-DD real date
  | "INVALID_ARGUMENT" // e.g. a negative or fractional number of working days
  | "INVALID_SCHEDULE" // a published year schedule failed validation
  | "OUT_OF_RANGE"; // a date or year outside SUPPORTED_YEARS

export class CalendarError extends Error {
  readonly code: CalendarErrorCode;
  /** individual problems (schedule validation reports all of them at once) */
  readonly issues: readonly string[];

  constructor(code: CalendarErrorCode, message: string, issues: readonly string[] = []) {
    super(message);
    this.name = "CalendarError";
    this.code = code;
    this.issues = issues;
  }
}

export function isCalendarError(e: unknown): e is CalendarError {
  return e instanceof CalendarError;
}
