// Proves that each calendar run really runs in its zone: vitest.config.ts runs test/calendar
// once per zone, setting env TZ and CALENDAR_TEST_TZ.
import { describe, expect, it } from "vitest";
import { chinaToday, WorkingCalendar } from "../../src/calendar/index.ts";

const expectedZone = process.env.CALENDAR_TEST_TZ;

/** Offsets (Date#getTimezoneOffset, minutes) in January and July. */
const OFFSETS: Record<string, [number, number]> = {
  UTC: [0, 0],
  "Asia/Shanghai": [-480, -480],
  "America/Los_Angeles": [480, 420],
};

describe("process time zone", () => {
  it(`really is ${expectedZone ?? "(not set)"}`, () => {
    expect(expectedZone, "run the calendar tests through vitest.config.ts's zone projects").toBeDefined();
    const zone = expectedZone as string;
    expect(process.env.TZ).toBe(zone);
    const resolved = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone === "UTC") expect(["UTC", "Etc/UTC"]).toContain(resolved);
    else expect(resolved).toBe(zone);
    expect([new Date(2026, 0, 15).getTimezoneOffset(), new Date(2026, 6, 15).getTimezoneOffset()]).toEqual(
      OFFSETS[zone],
    );
  });

  it("answers the same in this zone", () => {
    const cal = WorkingCalendar.official();
    expect(chinaToday(new Date("2026-11-22T17:30:00Z"))).toBe("2026-11-23");
    expect(cal.addWorkingDays("2026-09-28", 10).value).toBe("2026-10-16");
    expect(cal.isWorkingDay("2026-01-05").value).toBe(true);
    expect(cal.isWorkingDay("2026-01-04").value).toBe(true);
    expect(cal.isWorkingDay("2026-01-03").value).toBe(false);
  });
});
