// Every day of 2025 and 2026 against the State Council notices, written out by hand:
//   2025: 国办发明电〔2024〕12号   2026: the November 2025 notice (see DOMAIN.md "Working days").
import { describe, expect, it } from "vitest";
import { WorkingCalendar } from "../../src/calendar/index.ts";
import { dow, eachDate } from "./helpers.ts";

interface Notice {
  /** inclusive [first, last] day-off periods */
  off: [string, string][];
  /** weekend days that are worked (调休) */
  worked: string[];
}

const NOTICES: Record<number, Notice> = {
  2025: {
    off: [
      ["2025-01-01", "2025-01-01"], // New Year
      ["2025-01-28", "2025-02-04"], // Spring Festival
      ["2025-04-04", "2025-04-06"], // Qingming
      ["2025-05-01", "2025-05-05"], // Labour Day
      ["2025-05-31", "2025-06-02"], // Dragon Boat
      ["2025-10-01", "2025-10-08"], // National Day + Mid-Autumn
    ],
    worked: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"],
  },
  2026: {
    off: [
      ["2026-01-01", "2026-01-03"], // New Year
      ["2026-02-15", "2026-02-23"], // Spring Festival
      ["2026-04-04", "2026-04-06"], // Qingming
      ["2026-05-01", "2026-05-05"], // Labour Day
      ["2026-06-19", "2026-06-21"], // Dragon Boat
      ["2026-09-25", "2026-09-27"], // Mid-Autumn
      ["2026-10-01", "2026-10-07"], // National Day
    ],
    worked: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
  },
};

function expected(d: string, n: Notice): boolean {
  if (n.worked.includes(d)) return true;
  if (n.off.some(([a, b]) => d >= a && d <= b)) return false;
  const wd = dow(d);
  return wd !== 0 && wd !== 6; // weekday not in a holiday: working; weekend not a make-up day: off
}

describe("official schedule, day by day", () => {
  const calendar = WorkingCalendar.official();

  for (const year of [2025, 2026]) {
    it(`matches the State Council notice for every day of ${year}`, () => {
      const notice = NOTICES[year];
      for (const d of notice.worked) expect([0, 6]).toContain(dow(d)); // the transcription itself
      const wrong: string[] = [];
      let days = 0;
      for (const d of eachDate(`${year}-01-01`, `${year}-12-31`)) {
        days++;
        const r = calendar.isWorkingDay(d);
        if (r.value !== expected(d, notice) || r.provisional) wrong.push(d);
      }
      expect(days).toBe(365);
      expect(wrong).toEqual([]);
    });
  }
});
