/**
 * Minimal calendar-free date arithmetic for domain values.
 *
 * Dates are China dates written as plain `YYYY-MM-DD` strings and months as
 * `YYYY-MM`. They are converted to an integer "day number" (days since
 * 1970-01-01) through Date.UTC only, so no result depends on the process time
 * zone (TZ) — a server in Los Angeles must compute the same arrears as one in
 * Fuzhou. This is not the working-day calendar (that lives in src/calendar).
 *
 * The supported year range is 1900..9999: Date.UTC maps years 0..99 to 19xx,
 * and nothing in this domain predates 1900.
 */
import { DomainError } from "./errors.ts";

const MS_PER_DAY = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;

export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when y/m/d (month 1-based) is a real Gregorian date in the supported range. */
export function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    year >= MIN_YEAR &&
    year <= MAX_YEAR &&
    Number.isInteger(month) &&
    month >= 1 &&
    month <= 12 &&
    Number.isInteger(day) &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isIsoMonth(s: string): boolean {
  const m = MONTH_RE.exec(s);
  return m !== null && isRealDate(Number(m[1]), Number(m[2]), 1);
}

/** `YYYY-MM-DD` → days since 1970-01-01. Throws DomainError("invalid_date"). */
export function dayNumber(date: string): number {
  const m = DATE_RE.exec(date);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new DomainError("invalid_date", `not a valid YYYY-MM-DD date: ${JSON.stringify(date)}`);
  }
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
export function dateFromDayNumber(n: number): string {
  const d = new Date(n * MS_PER_DAY);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** `YYYY-MM` → month index (year*12 + month-1), convenient for ranges. Throws DomainError("invalid_month"). */
export function monthIndex(month: string): number {
  const m = MONTH_RE.exec(month);
  if (m === null || !isRealDate(Number(m[1]), Number(m[2]), 1)) {
    throw new DomainError("invalid_month", `not a valid YYYY-MM month: ${JSON.stringify(month)}`);
  }
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthFromIndex(i: number): { year: number; month: number; text: string } {
  const year = Math.floor(i / 12);
  const month = (i % 12) + 1;
  return { year, month, text: `${pad(year, 4)}-${pad(month, 2)}` };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
