import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  addCalendarDays,
  CalendarError,
  chinaToday,
  compareChinaDates,
  isChinaDate,
  weekday,
  WorkingCalendar,
  type YearSchedule,
} from "../../src/calendar/index.ts";
import { inEachZone, ZONES } from "./helpers.ts";

const official = () => WorkingCalendar.official();

function expectCalendarError(fn: () => unknown, code: CalendarError["code"]): CalendarError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CalendarError);
    expect((e as CalendarError).code).toBe(code);
    return e as CalendarError;
  }
  throw new Error("expected a CalendarError");
}

describe("date helpers", () => {
  it("isChinaDate accepts only strict, real YYYY-MM-DD dates", () => {
    for (const ok of ["2026-01-01", "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01"])
      expect(isChinaDate(ok)).toBe(true);
    for (const bad of [
      "2025-02-29",
      "1900-02-29",
      "2026-02-30",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-01-00",
      "2026-1-01",
      "2026-01-1",
      " 2026-01-01",
      "2026-01-01 ",
      "2026-01-01T00:00:00Z",
      "20260101",
      "0000-01-01",
      "",
      "２０２６-01-01",
    ])
      expect(isChinaDate(bad)).toBe(false);
    expect(isChinaDate(undefined as unknown as string)).toBe(false);
  });

  it("weekday, compareChinaDates and addCalendarDays use integer arithmetic", () => {
    expect(weekday("2026-10-10")).toBe(6);
    expect(weekday("2026-01-04")).toBe(0);
    expect(weekday("1970-01-01")).toBe(4);
    expect(weekday("2000-02-29")).toBe(2);
    expect(compareChinaDates("2026-01-02", "2026-01-10")).toBe(-1);
    expect(compareChinaDates("2026-01-10", "2026-01-10")).toBe(0);
    expect(compareChinaDates("2027-01-01", "2026-12-31")).toBe(1);
    expect(addCalendarDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addCalendarDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addCalendarDays("2026-03-08", 0)).toBe("2026-03-08");
    expectCalendarError(() => addCalendarDays("2026-02-30", 1), "INVALID_DATE");
    expectCalendarError(() => addCalendarDays("2026-02-03", 1.5), "INVALID_ARGUMENT");
    expectCalendarError(() => compareChinaDates("2026-02-03", "tomorrow"), "INVALID_DATE");
  });

  it("addCalendarDays round-trips over four centuries", () => {
    fc.assert(
      fc.property(fc.integer({ min: -50_000, max: 50_000 }), fc.integer({ min: -1000, max: 1000 }), (offset, n) => {
        const d = addCalendarDays("2000-01-01", offset);
        expect(isChinaDate(d)).toBe(true);
        expect(addCalendarDays(addCalendarDays(d, n), -n)).toBe(d);
        expect(compareChinaDates(addCalendarDays(d, n), d)).toBe(Math.sign(n));
      }),
    );
  });
});

describe("chinaToday", () => {
  it("gives the date in Shanghai for a fixed instant, whatever the process zone", () => {
    inEachZone(ZONES, () => {
      expect(chinaToday(new Date("2026-11-22T17:30:00Z"))).toBe("2026-11-23");
      expect(chinaToday(new Date("2026-11-22T15:59:59.999Z"))).toBe("2026-11-22");
      expect(chinaToday(new Date("2026-11-22T16:00:00Z"))).toBe("2026-11-23");
      expect(chinaToday(new Date("2026-12-31T16:00:00Z"))).toBe("2027-01-01");
      // Los Angeles is still on 2026-11-22 at this instant; China is not.
      expect(chinaToday(new Date("2026-11-23T07:00:00Z"))).toBe("2026-11-23");
    });
  });

  it("agrees with ICU at every quarter hour of a year, asked in order (the per-hour memo)", () => {
    const icu = new Intl.DateTimeFormat("en-CA", {
      timeZone: "Asia/Shanghai",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 15 * 60_000) {
      const at = new Date(t);
      if (chinaToday(at) !== icu.format(at)) expect(chinaToday(at)).toBe(icu.format(at));
    }
    // the memo does not stick to one hour when asked about another
    expect(chinaToday(new Date("2026-11-22T15:59:59.999Z"))).toBe("2026-11-22");
    expect(chinaToday(new Date("2026-11-22T16:00:00.000Z"))).toBe("2026-11-23");
    expect(chinaToday(new Date("2026-11-22T15:00:00.000Z"))).toBe("2026-11-22");
  });

  it("defaults to now and rejects invalid instants", () => {
    expect(isChinaDate(chinaToday())).toBe(true);
    expectCalendarError(() => chinaToday(new Date("nope")), "INVALID_ARGUMENT");
  });
});

describe("WorkingCalendar on published years", () => {
  it("knows make-up weekend days and holidays", () => {
    const cal = official();
    expect(cal.isWorkingDay("2026-10-10")).toEqual({ value: true, provisional: false }); // Saturday, worked
    expect(cal.isWorkingDay("2026-02-28")).toEqual({ value: true, provisional: false }); // Saturday, worked
    expect(cal.isWorkingDay("2026-10-05")).toEqual({ value: false, provisional: false }); // Monday, National Day
    expect(cal.isWorkingDay("2026-10-11")).toEqual({ value: false, provisional: false }); // ordinary Sunday
    expect(cal.isWorkingDay("2026-10-09")).toEqual({ value: true, provisional: false }); // ordinary Friday
  });

  it("counts a deadline across National Day 2026", () => {
    // 9-29, 9-30, [1–7 Oct off], 10-8, 10-9, Sat 10-10 (worked), 10-12 … 10-16
    expect(official().addWorkingDays("2026-09-28", 10)).toEqual({ value: "2026-10-16", provisional: false });
  });

  it("can land on a make-up Saturday", () => {
    const cal = official();
    expect(cal.addWorkingDays("2026-10-08", 2)).toEqual({ value: "2026-10-10", provisional: false });
    expect(cal.addWorkingDays("2026-02-26", 2)).toEqual({ value: "2026-02-28", provisional: false });
    expect(cal.addWorkingDays("2026-02-13", 1)).toEqual({ value: "2026-02-14", provisional: false });
    expect(cal.addWorkingDays("2026-02-13", 2)).toEqual({ value: "2026-02-24", provisional: false }); // after Spring Festival
  });

  it("does not count the start day, and n = 0 returns it unchanged", () => {
    const cal = official();
    expect(cal.addWorkingDays("2026-10-03", 1)).toEqual({ value: "2026-10-08", provisional: false });
    expect(cal.addWorkingDays("2026-10-03", 0)).toEqual({ value: "2026-10-03", provisional: false });
    expect(cal.addWorkingDays("2027-03-03", 0)).toEqual({ value: "2027-03-03", provisional: false });
  });

  it("counts working days in (from, to], negative backwards", () => {
    const cal = official();
    expect(cal.workingDaysBetween("2026-09-30", "2026-10-08")).toEqual({ value: 1, provisional: false });
    expect(cal.workingDaysBetween("2026-10-08", "2026-09-30")).toEqual({ value: -1, provisional: false });
    expect(cal.workingDaysBetween("2026-09-28", "2026-10-16")).toEqual({ value: 10, provisional: false });
    expect(cal.workingDaysBetween("2026-10-16", "2026-10-16")).toEqual({ value: 0, provisional: false });
    expect(cal.workingDaysBetween("2026-10-01", "2026-10-07")).toEqual({ value: 0, provisional: false });
    expect(cal.workingDaysBetween("2026-10-07", "2026-10-01")).toEqual({ value: 0, provisional: false }); // not -0
    // 2025: 365 days − 104 weekend days − 18 weekday holidays + 5 make-up days = 248
    expect(cal.workingDaysBetween("2024-12-31", "2025-12-31")).toEqual({ value: 248, provisional: false });
    // 2026: 365 − 104 − 19 + 6 = 248
    expect(cal.workingDaysBetween("2025-12-31", "2026-12-31")).toEqual({ value: 248, provisional: false });
    expect(cal.workingDaysBetween("2026-12-31", "2024-12-31")).toEqual({ value: -496, provisional: false });
  });

  it("addWorkingDays and workingDaysBetween agree (property, 2004–2028)", () => {
    const cal = official();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9130 }), fc.integer({ min: 0, max: 60 }), (offset, n) => {
        const from = addCalendarDays("2004-01-01", offset);
        const to = cal.addWorkingDays(from, n);
        expect(cal.workingDaysBetween(from, to.value)).toEqual({ value: n, provisional: to.provisional });
        expect(cal.workingDaysBetween(to.value, from).value).toBe(0 - n);
        if (n > 0) expect(cal.isWorkingDay(to.value).value).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects invalid arguments with a typed CalendarError", () => {
    const cal = official();
    expectCalendarError(() => cal.isWorkingDay("2026-02-29"), "INVALID_DATE");
    expectCalendarError(() => cal.addWorkingDays("2026/10/01", 1), "INVALID_DATE");
    for (const n of [-1, 1.5, Number.NaN, Infinity, 10_001])
      expectCalendarError(() => cal.addWorkingDays("2026-10-01", n), "INVALID_ARGUMENT");
    expectCalendarError(() => cal.workingDaysBetween("2026-10-01", "x"), "INVALID_DATE");
    expectCalendarError(() => cal.isWorkingDay("1800-01-01"), "OUT_OF_RANGE");
    expectCalendarError(() => cal.addWorkingDays("2199-12-30", 5), "OUT_OF_RANGE");
    expectCalendarError(() => cal.workingDaysBetween("2026-01-01", "2300-01-01"), "OUT_OF_RANGE");
    expectCalendarError(() => cal.schedule(2500), "OUT_OF_RANGE");
  });
});

describe("WorkingCalendar beyond the published years (2027)", () => {
  it("is provisional and skips the rule's holidays, not plain Monday–Friday", () => {
    const cal = official();
    expect(cal.isPublished(2027)).toBe(false);
    // Spring Festival 2027 by the lunar calendar: 除夕 Fri 5 Feb, 初一–初三 Sat 6 – Mon 8 Feb
    expect(cal.isWorkingDay("2027-02-05")).toEqual({ value: false, provisional: true });
    expect(cal.isWorkingDay("2027-02-08")).toEqual({ value: false, provisional: true });
    expect(cal.isWorkingDay("2027-02-09")).toEqual({ value: true, provisional: true });
    // 2-4 Feb: Thu 4 (1), Fri 5 off, weekend, Mon 8 off, Tue 9 (2), Wed 10 (3)
    expect(cal.addWorkingDays("2027-02-03", 3)).toEqual({ value: "2027-02-10", provisional: true });
    // across the year end: 29, 30, 31 Dec, [Fri 1 Jan off], 4–8 Jan, 11, 12 Jan
    expect(cal.addWorkingDays("2026-12-28", 10)).toEqual({ value: "2027-01-12", provisional: true });
    // staying inside 2026 is firm even when starting near the end of the year
    expect(cal.addWorkingDays("2026-12-28", 3)).toEqual({ value: "2026-12-31", provisional: false });
    expect(cal.workingDaysBetween("2026-12-28", "2027-01-12")).toEqual({ value: 10, provisional: true });
    expect(cal.schedule(2027)).toMatchObject({ year: 2027, workdays: [], provisional: true });
    expect(cal.schedule(2026).provisional).toBe(false);
  });

  it("publishing 2027 at run time replaces the rule and clears provisional", () => {
    const cal = official();
    // A made-up schedule (the real one is published in November 2026): 5–11 Feb off, Sat 20 Feb worked.
    const fake2027: YearSchedule = {
      year: 2027,
      holidays: [
        "2027-01-01",
        "2027-02-05",
        "2027-02-06",
        "2027-02-07",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
        "2027-02-11",
      ],
      workdays: ["2027-02-20"],
    };
    cal.publish(fake2027);
    expect(cal.isPublished(2027)).toBe(true);
    expect(cal.publishedYears().at(-1)).toBe(2027);
    // Thu 4 (1), 5–11 off, Fri 12 (2), weekend, Mon 15 (3)
    expect(cal.addWorkingDays("2027-02-03", 3)).toEqual({ value: "2027-02-15", provisional: false });
    expect(cal.isWorkingDay("2027-02-20")).toEqual({ value: true, provisional: false });
    expect(cal.isWorkingDay("2027-04-05")).toEqual({ value: true, provisional: false }); // not in the published list
    expect(cal.addWorkingDays("2026-12-28", 10)).toEqual({ value: "2027-01-12", provisional: false });
    // other instances are unaffected
    expect(official().isPublished(2027)).toBe(false);
    // publishing again replaces
    cal.publish({ year: 2027, holidays: [], workdays: [] });
    expect(cal.isWorkingDay("2027-02-05")).toEqual({ value: true, provisional: false });
  });

  it("rejects an invalid schedule with all its problems and stays unchanged", () => {
    const cal = official();
    const err = expectCalendarError(
      () =>
        cal.publish({
          year: 2027,
          holidays: ["2027-02-05", "2027-02-05", "2028-01-01", "2027-2-6", "2027-02-30", "2027-02-13"],
          workdays: ["2027-02-10", "2027-02-13"],
        }),
      "INVALID_SCHEDULE",
    );
    expect(err.issues).toEqual([
      "holidays: 2027-02-05 is listed twice",
      "holidays: 2028-01-01 is not in 2027",
      'holidays: "2027-2-6" is not a real YYYY-MM-DD date',
      'holidays: "2027-02-30" is not a real YYYY-MM-DD date',
      "workdays: 2027-02-10 is not a Saturday or Sunday",
      "2027-02-13 is listed both as a holiday and as a workday",
    ]);
    expect(err.message).toContain("invalid schedule for 2027");
    expect(cal.isPublished(2027)).toBe(false);

    expectCalendarError(() => cal.publish({ year: 2027.5, holidays: [], workdays: [] }), "INVALID_SCHEDULE");
    expectCalendarError(() => cal.publish({ year: 3000, holidays: [], workdays: [] }), "OUT_OF_RANGE");
    expectCalendarError(
      () => cal.publish({ year: 2027, holidays: "2027-02-05" } as unknown as YearSchedule),
      "INVALID_SCHEDULE",
    );
    expectCalendarError(() => cal.publish(null as unknown as YearSchedule), "INVALID_SCHEDULE");
    expectCalendarError(
      () =>
        new WorkingCalendar([
          { year: 2027, holidays: [], workdays: [] },
          { year: 2027, holidays: [], workdays: [] },
        ]),
      "INVALID_SCHEDULE",
    );
  });

  it("a calendar without data is all rule years, never plain Monday–Friday", () => {
    const cal = new WorkingCalendar([]);
    expect(cal.publishedYears()).toEqual([]);
    expect(cal.isWorkingDay("2026-10-01")).toEqual({ value: false, provisional: true });
    expect(cal.isWorkingDay("2026-10-10")).toEqual({ value: false, provisional: true }); // make-up days are not guessed
  });
});

describe("time-zone independence", () => {
  it("gives the same answers under very different process zones", () => {
    const cal = official();
    const answers = new Set<string>();
    inEachZone(ZONES, () => {
      answers.add(
        JSON.stringify([
          cal.addWorkingDays("2026-09-28", 10),
          cal.addWorkingDays("2026-12-28", 10),
          cal.isWorkingDay("2026-01-04"),
          cal.workingDaysBetween("2026-01-01", "2027-03-01"),
          new WorkingCalendar([]).schedule(2027),
          weekday("2026-10-10"),
        ]),
      );
    });
    expect(answers.size).toBe(1);
  });
});
