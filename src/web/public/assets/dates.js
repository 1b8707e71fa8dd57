// China dates as plain "YYYY-MM-DD" strings. "Today" is today in Asia/Shanghai, whatever the
// browser's own time zone; the server's own answers (overdue, workingDaysLeft) are preferred
// wherever it gives them.

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** @param {unknown} s */
export function isIsoDate(s) {
  if (typeof s !== "string") return false;
  const m = ISO_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Today's date in China (Asia/Shanghai). @param {Date} [now] */
export function chinaToday(now = new Date()) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const get = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date. @param {string} iso */
function dayNumber(iso) {
  const m = ISO_RE.exec(iso);
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** Calendar days from a to b (b − a). @param {string} a @param {string} b */
export function calendarDaysBetween(a, b) {
  return dayNumber(b) - dayNumber(a);
}

/** 0 = Sunday … 6 = Saturday. @param {string} iso */
export function weekday(iso) {
  return ((dayNumber(iso) % 7) + 11) % 7; // 1970-01-01 was a Thursday (4)
}

/**
 * Splits a typed list of dates (one per line, or separated by commas, spaces, 、 or ;).
 * Ranges "2027-02-05..2027-02-11" or "2027-02-05~2027-02-11" are expanded.
 * @param {string} text
 * @returns {{ dates: string[], bad: string[] }}
 */
export function parseDateList(text) {
  const dates = [];
  const bad = [];
  for (const token of String(text ?? "")
    .split(/[\s,，;；、]+/)
    .filter(Boolean)) {
    const range = /^(\d{4}-\d{2}-\d{2})(?:\.\.|~|～)(\d{4}-\d{2}-\d{2})$/.exec(token);
    if (range) {
      const [from, to] = [range[1], range[2]];
      if (!isIsoDate(from) || !isIsoDate(to) || to < from || calendarDaysBetween(from, to) > 366) {
        bad.push(token);
        continue;
      }
      for (let n = dayNumber(from); n <= dayNumber(to); n++) dates.push(fromDayNumber(n));
    } else if (isIsoDate(token)) {
      dates.push(token);
    } else {
      bad.push(token);
    }
  }
  return { dates: [...new Set(dates)].sort(), bad };
}

/** @param {number} n */
function fromDayNumber(n) {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

/** "Due soon": the step (or the case) is due within this many days. */
export const DUE_SOON_DAYS = 3;

/**
 * A queue row is due soon when it is not final, not already overdue, and its step due date
 * (else its overall due date) is at most DUE_SOON_DAYS away: in working days when the
 * server sent `workingDaysLeft`, otherwise in calendar days counted from today in China.
 * @param {{ final?: boolean, overdue?: boolean, stepDueOn?: string | null, dueOn?: string | null, workingDaysLeft?: number | null }} row
 * @param {string} today China date
 */
export function isDueSoon(row, today) {
  if (row.final || row.overdue) return false;
  const target = row.stepDueOn ?? row.dueOn;
  if (!target) return false;
  if (typeof row.workingDaysLeft === "number") return row.workingDaysLeft <= DUE_SOON_DAYS;
  const days = calendarDaysBetween(today, target);
  return days >= 0 && days <= DUE_SOON_DAYS;
}
