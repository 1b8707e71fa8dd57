// Plain China dates ("YYYY-MM-DD", Asia/Shanghai) and integer day arithmetic.
//
// Why integers: `new Date("2026-10-01")` is UTC midnight, while `getDate()`/`getDay()` read the
// *process* zone, so west of UTC every date silently shifts back one day (exactly the bug in
// several npm holiday packages). Here a date is converted to a day number (days since
// 1970-01-01 in the proleptic Gregorian calendar) with pure integer maths, so no result can
// depend on the server's time zone. Only `chinaToday` looks at an instant, and it names the
// zone explicitly.
import { CalendarError } from "./errors.ts";

export type ChinaDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** Strict `YYYY-MM-DD` naming a real Gregorian date (no `2026-2-3`, no `2026-02-30`, no year 0000). */
export function isChinaDate(s: string): boolean {
  if (typeof s !== "string") return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

export interface Ymd {
  year: number;
  month: number;
  day: number;
}

/** Parses a China date, throwing `CalendarError("INVALID_DATE")` for anything else. */
export function parseChinaDate(s: string, what = "date"): Ymd {
  if (!isChinaDate(s)) {
    throw new CalendarError("INVALID_DATE", `${what} must be a real date written YYYY-MM-DD, got ${JSON.stringify(s)}`);
  }
  return { year: Number(s.slice(0, 4)), month: Number(s.slice(5, 7)), day: Number(s.slice(8, 10)) };
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain), integers only.
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): Ymd {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function formatYmd(year: number, month: number, day: number): ChinaDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Day number (days since 1970-01-01) of a China date; throws on an invalid date. */
export function toDayNumber(d: ChinaDate, what = "date"): number {
  const { year, month, day } = parseChinaDate(d, what);
  return daysFromCivil(year, month, day);
}

export function fromDayNumber(n: number): ChinaDate {
  const { year, month, day } = civilFromDays(n);
  return formatYmd(year, month, day);
}

/** 0 = Sunday … 6 = Saturday, for a day number. 1970-01-01 was a Thursday. */
export function weekdayOfDayNumber(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(d: ChinaDate): number {
  return weekdayOfDayNumber(toDayNumber(d));
}

/** Negative if a < b, 0 if equal, positive if a > b. Both must be valid China dates. */
export function compareChinaDates(a: ChinaDate, b: ChinaDate): number {
  return Math.sign(toDayNumber(a, "a") - toDayNumber(b, "b"));
}

/** Calendar (not working) days; n may be negative. */
export function addCalendarDays(d: ChinaDate, n: number): ChinaDate {
  if (!Number.isSafeInteger(n)) {
    throw new CalendarError("INVALID_ARGUMENT", `number of days must be an integer, got ${String(n)}`);
  }
  const out = fromDayNumber(toDayNumber(d) + n);
  if (!isChinaDate(out)) throw new CalendarError("OUT_OF_RANGE", `${d} + ${n} days is outside years 0001–9999`);
  return out;
}

// The zone is named explicitly, so the process zone (TZ) never matters. China has used a single
// UTC+8 zone without daylight saving since 1991, but letting ICU do it keeps this obviously right.
const SHANGHAI = new Intl.DateTimeFormat("en-US", {
  timeZone: "Asia/Shanghai",
  calendar: "gregory",
  numberingSystem: "latn",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

// Every request asks for today; ICU's formatToParts costs more than the rest of a status lookup's
// date work. China's offsets (+8, and +9 in the DST summers of 1986–1991) are whole hours, so the
// date can only change on a UTC hour boundary: the answer is kept for the hour it was computed in
// (from 1970 on; Shanghai's local mean time before 1901 was not a whole-hour offset).
let memo = { hour: NaN, date: "" };

/** Today's date in China at instant `now` (default: the current instant), whatever the process TZ. */
export function chinaToday(now: Date = new Date()): ChinaDate {
  const ms = now instanceof Date ? now.getTime() : NaN;
  if (Number.isNaN(ms)) {
    throw new CalendarError("INVALID_ARGUMENT", "now must be a valid Date");
  }
  const hour = Math.floor(ms / 3_600_000);
  if (hour === memo.hour && ms >= 0) return memo.date;
  const parts = SHANGHAI.formatToParts(now);
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  memo = { hour, date: formatYmd(get("year"), get("month"), get("day")) };
  return memo.date;
}
