// The bundled JSON against chinese-days, every day of 2004–2026.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isWorkday as chineseDaysIsWorkday } from "chinese-days";
import { WorkingCalendar, OFFICIAL_DATA_VERSION } from "../../src/calendar/index.ts";
import bundled from "../../src/calendar/data/cn-official.json" with { type: "json" };
import { dow, eachDate } from "./helpers.ts";

const require = createRequire(import.meta.url);
const raw = JSON.parse(readFileSync(require.resolve("chinese-days/dist/chinese-days.json"), "utf8")) as {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
};
const installed = (
  JSON.parse(readFileSync(require.resolve("chinese-days/package.json"), "utf8")) as { version: string }
).version;

const calendar = WorkingCalendar.official();

/**
 * The only days where the bundled data deliberately differs from chinese-days 1.5.7 (errata in
 * scripts/build-calendar-data.ts, each checked against the notice): date -> working?
 *   2005-12-31: 国办发明电〔2005〕35号 "12月31日(星期六)上班" — missing in chinese-days.
 */
const CORRECTED: Record<string, boolean> = { "2005-12-31": true };

function rawWorking(d: string): boolean {
  if (raw.workdays[d]) return true;
  if (raw.holidays[d]) return false;
  const wd = dow(d);
  return wd !== 0 && wd !== 6;
}

describe("bundled official data (src/calendar/data/cn-official.json)", () => {
  it("is versioned and records where it came from", () => {
    expect(Number.isInteger(bundled.version) && bundled.version >= 1).toBe(true);
    expect(OFFICIAL_DATA_VERSION).toBe(bundled.version);
    expect(bundled.generatedFrom).toBe(`chinese-days@${installed}`);
    expect(Object.keys(bundled.years)).toEqual(Array.from({ length: 23 }, (_, i) => String(2004 + i)));
    expect(calendar.publishedYears()).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
  });

  it("keeps its representation: workdays are weekend days, never also holidays", () => {
    for (const [year, s] of Object.entries(bundled.years)) {
      for (const d of s.workdays) {
        expect(d.startsWith(year)).toBe(true);
        expect([0, 6]).toContain(dow(d));
        expect(s.holidays).not.toContain(d);
      }
      for (const d of s.holidays) expect(d.startsWith(year)).toBe(true);
    }
  });

  it("lists exactly the expected corrections", () => {
    expect(bundled.corrections.map((c) => c.date)).toEqual(Object.keys(CORRECTED));
  });

  it("agrees with chinese-days' raw data on every day of 2004–2026, except the documented corrections", () => {
    const mismatches: string[] = [];
    let days = 0;
    for (const d of eachDate("2004-01-01", "2026-12-31")) {
      days++;
      const r = calendar.isWorkingDay(d);
      if (r.provisional) mismatches.push(`${d} provisional`);
      if (r.value !== (d in CORRECTED ? CORRECTED[d] : rawWorking(d))) mismatches.push(d);
    }
    expect(days).toBe(8401);
    expect(mismatches).toEqual([]);
  });

  // chinese-days builds its in-memory maps at import time with a home-made Dayjs that parses
  // "YYYY-M-D" as UTC midnight and formats with local getters: correct at or east of UTC only.
  const eastOfUtc = new Date(2026, 0, 1).getTimezoneOffset() <= 0 && new Date(2026, 6, 1).getTimezoneOffset() <= 0;

  // One test in every zone: at or east of UTC the library's own answers must agree with ours;
  // west of UTC they are shifted by a day, which is why the data is read raw.
  it("agrees with chinese-days' isWorkday east of UTC, and shows its shift west of UTC", () => {
    if (eastOfUtc) {
      const mismatches: string[] = [];
      for (const d of eachDate("2004-01-01", "2026-12-31")) {
        const [y, m, day] = d.split("-").map(Number);
        // a local-midnight Date: the only input its local getters read back correctly
        const theirs = chineseDaysIsWorkday(new Date(y, m - 1, day));
        if (calendar.isWorkingDay(d).value !== (d in CORRECTED ? CORRECTED[d] : theirs)) mismatches.push(d);
      }
      expect(mismatches).toEqual([]);
    } else {
      // 2026-01-04 is a make-up Sunday and 2026-01-05 an ordinary Monday: both working days.
      expect(calendar.isWorkingDay("2026-01-05").value).toBe(true);
      expect(chineseDaysIsWorkday("2026-01-05")).toBe(false);
      // its maps themselves are shifted: the make-up Sunday 4 Jan became Saturday 3 Jan
      expect(chineseDaysIsWorkday(new Date(2026, 0, 4))).toBe(false);
      expect(chineseDaysIsWorkday(new Date(2026, 0, 3))).toBe(true);
    }
  });
});
