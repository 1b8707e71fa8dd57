// The official Chinese working-day calendar on plain China dates ("YYYY-MM-DD", Asia/Shanghai).
//
// A year is either *published* (official schedule: bundled JSON, or published by an admin at run
// time) or *by rule* (weekends + statutory holidays, see rule.ts). Unknown years are never treated
// as plain Monday–Friday, and every result that relied on a rule year says `provisional: true`
// so the UI can mark the date as "may move when the State Council publishes the schedule".
import {
  type ChinaDate,
  fromDayNumber,
  parseChinaDate,
  toDayNumber,
  weekdayOfDayNumber,
  daysFromCivil,
} from "./dates.ts";
import { CalendarError } from "./errors.ts";
import { officialSchedules } from "./official.ts";
import { statutoryHolidays } from "./rule.ts";
import { checkSupportedYear, validateYearSchedule, type YearSchedule } from "./schedule.ts";

export type { ChinaDate } from "./dates.ts";
export { addCalendarDays, chinaToday, compareChinaDates, isChinaDate, weekday } from "./dates.ts";
export { CalendarError, isCalendarError, type CalendarErrorCode } from "./errors.ts";
export { statutoryHolidays, type StatutoryHoliday } from "./rule.ts";
export { SUPPORTED_YEARS, validateYearSchedule, type YearSchedule } from "./schedule.ts";
export { OFFICIAL_DATA_VERSION } from "./official.ts";

export interface CalendarResult<T> {
  value: T;
  /** true when any day the computation relied on lies in a year without a published schedule */
  provisional: boolean;
}

/** Upper bound on `n` in addWorkingDays: ~40 years, far beyond any statutory limit. */
const MAX_WORKING_DAYS = 10_000;

/** A year prepared for fast lookups: day numbers instead of strings. */
interface YearData {
  year: number;
  first: number; // day number of 1 Jan
  last: number; // day number of 31 Dec
  holidays: ReadonlySet<number>;
  workdays: ReadonlySet<number>;
  provisional: boolean;
  schedule: YearSchedule;
}

function prepare(s: YearSchedule, provisional: boolean): YearData {
  return {
    year: s.year,
    first: daysFromCivil(s.year, 1, 1),
    last: daysFromCivil(s.year, 12, 31),
    holidays: new Set(s.holidays.map((d) => toDayNumber(d))),
    workdays: new Set(s.workdays.map((d) => toDayNumber(d))),
    provisional,
    schedule: s,
  };
}

function isWorking(dn: number, y: YearData): boolean {
  if (y.workdays.has(dn)) return true;
  if (y.holidays.has(dn)) return false;
  const wd = weekdayOfDayNumber(dn);
  return wd !== 0 && wd !== 6;
}

export class WorkingCalendar {
  readonly #published = new Map<number, YearData>();
  /** rule years are pure functions of the year: computed once, then cached */
  readonly #rule = new Map<number, YearData>();

  /** The calendar with the bundled official schedules (2004–2026). Each call returns a fresh instance. */
  static official(): WorkingCalendar {
    return new WorkingCalendar(officialSchedules());
  }

  constructor(published: YearSchedule[] = []) {
    for (const s of published) {
      const v = validateYearSchedule(s);
      if (this.#published.has(v.year)) {
        throw new CalendarError("INVALID_SCHEDULE", `year ${v.year} is given twice`);
      }
      this.#published.set(v.year, prepare(v, false));
    }
  }

  /**
   * Adds or replaces a published year (e.g. the State Council's November notice for next year).
   * Throws `CalendarError("INVALID_SCHEDULE" | "OUT_OF_RANGE")` and leaves the calendar unchanged
   * if the schedule is invalid. Deadlines computed before stay as they are: recompute them.
   */
  publish(schedule: YearSchedule): void {
    const v = validateYearSchedule(schedule);
    this.#published.set(v.year, prepare(v, false));
  }

  isPublished(year: number): boolean {
    return this.#published.has(year);
  }

  publishedYears(): number[] {
    return [...this.#published.keys()].sort((a, b) => a - b);
  }

  /** The schedule of a year: the published one, or the rule's (no make-up days) with provisional: true. */
  schedule(year: number): YearSchedule & { provisional: boolean } {
    const y = this.#year(year);
    return {
      year: y.year,
      holidays: [...y.schedule.holidays],
      workdays: [...y.schedule.workdays],
      provisional: y.provisional,
    };
  }

  isWorkingDay(d: ChinaDate): CalendarResult<boolean> {
    const dn = toDayNumber(d);
    const y = this.#year(parseChinaDate(d).year);
    return { value: isWorking(dn, y), provisional: y.provisional };
  }

  /**
   * The date `n` working days after `from` (`from` itself not counted, as in "within 10 working
   * days of acceptance"). n = 0 returns `from` unchanged. The result is always a working day
   * when n > 0, and may be a make-up Saturday/Sunday.
   */
  addWorkingDays(from: ChinaDate, n: number): CalendarResult<ChinaDate> {
    let dn = toDayNumber(from, "from");
    if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
      throw new CalendarError(
        "INVALID_ARGUMENT",
        `n must be an integer from 0 to ${MAX_WORKING_DAYS}, got ${String(n)}`,
      );
    }
    let y = this.#year(parseChinaDate(from).year);
    let provisional = false;
    for (let left = n; left > 0;) {
      dn++;
      if (dn > y.last) y = this.#year(y.year + 1);
      provisional ||= y.provisional;
      if (isWorking(dn, y)) left--;
    }
    return { value: fromDayNumber(dn), provisional };
  }

  /**
   * Working days in (from, to] — so addWorkingDays(a, n) = b implies workingDaysBetween(a, b) = n.
   * Negative when to < from (−(working days in (to, from])), e.g. "2 working days overdue".
   */
  workingDaysBetween(from: ChinaDate, to: ChinaDate): CalendarResult<number> {
    const a = toDayNumber(from, "from");
    const b = toDayNumber(to, "to");
    checkSupportedYear(parseChinaDate(from).year);
    checkSupportedYear(parseChinaDate(to).year);
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    let count = 0;
    let provisional = false;
    let y: YearData | undefined;
    for (let dn = lo + 1; dn <= hi; dn++) {
      if (!y || dn > y.last) y = this.#year(fromDayNumberYear(dn));
      provisional ||= y.provisional;
      if (isWorking(dn, y)) count++;
    }
    // `0 - count` rather than `-count`: never return -0 (Object.is / JSON consumers).
    return { value: a <= b ? count : 0 - count, provisional };
  }

  #year(year: number): YearData {
    checkSupportedYear(year);
    const published = this.#published.get(year);
    if (published) return published;
    let rule = this.#rule.get(year);
    if (!rule) {
      rule = prepare({ year, holidays: statutoryHolidays(year).map((h) => h.date), workdays: [] }, true);
      this.#rule.set(year, rule);
    }
    return rule;
  }
}

function fromDayNumberYear(dn: number): number {
  return Number(fromDayNumber(dn).slice(0, 4));
}
