// The statutory-holiday rule used for years without a published schedule.
import { describe, expect, it } from "vitest";
import lunar from "lunar-javascript";
import { statutoryHolidays, WorkingCalendar } from "../../src/calendar/index.ts";

const dates = (year: number) => statutoryHolidays(year).map((h) => h.date);

describe("statutory holidays by rule (2025 rules)", () => {
  it("gives 13 days for 2025, 2026 and 2027, by name", () => {
    expect(dates(2025)).toEqual([
      "2025-01-01",
      "2025-01-28",
      "2025-01-29",
      "2025-01-30",
      "2025-01-31",
      "2025-04-04",
      "2025-05-01",
      "2025-05-02",
      "2025-05-31",
      "2025-10-01",
      "2025-10-02",
      "2025-10-03",
      "2025-10-06",
    ]);
    expect(dates(2026)).toEqual([
      "2026-01-01",
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-04-05",
      "2026-05-01",
      "2026-05-02",
      "2026-06-19",
      "2026-09-25",
      "2026-10-01",
      "2026-10-02",
      "2026-10-03",
    ]);
    // Spring Festival 2027: 除夕 Fri 5 Feb, 初一 Sat 6 Feb; Dragon Boat 9 Jun; Mid-Autumn 15 Sep.
    expect(statutoryHolidays(2027)).toEqual([
      { date: "2027-01-01", name: "元旦" },
      { date: "2027-02-05", name: "春节" },
      { date: "2027-02-06", name: "春节" },
      { date: "2027-02-07", name: "春节" },
      { date: "2027-02-08", name: "春节" },
      { date: "2027-04-05", name: "清明" },
      { date: "2027-05-01", name: "劳动节" },
      { date: "2027-05-02", name: "劳动节" },
      { date: "2027-06-09", name: "端午" },
      { date: "2027-09-15", name: "中秋" },
      { date: "2027-10-01", name: "国庆" },
      { date: "2027-10-02", name: "国庆" },
      { date: "2027-10-03", name: "国庆" },
    ]);
  });

  it("takes 除夕 as the last day of lunar month 12, whether the 29th or the 30th", () => {
    const { LunarYear, Solar } = lunar;
    // 2026: month 12 of lunar year 2025 has 29 days, so 除夕 is 腊月廿九 (16 Feb)
    expect(LunarYear.fromYear(2025).getMonth(12)?.getDayCount()).toBe(29);
    expect(dates(2026)).toContain("2026-02-16");
    const eve2026 = Solar.fromYmd(2026, 2, 16).getLunar();
    expect([eve2026.getMonth(), eve2026.getDay()]).toEqual([12, 29]);
    // 2030: month 12 of lunar year 2029 has 30 days, so 除夕 is 腊月三十 (2 Feb)
    expect(LunarYear.fromYear(2029).getMonth(12)?.getDayCount()).toBe(30);
    const eve2030 = Solar.fromYmd(2030, 2, 2).getLunar();
    expect([eve2030.getMonth(), eve2030.getDay()]).toEqual([12, 30]);
    expect(dates(2030).filter((d) => d < "2030-03-01")).toEqual([
      "2030-01-01",
      "2030-02-02",
      "2030-02-03",
      "2030-02-04",
      "2030-02-05",
    ]);
  });

  it("merges a lunar festival that falls on a fixed holiday (Mid-Autumn on 1 Oct 2020)", () => {
    const d2020 = dates(2020);
    expect(d2020.filter((d) => d === "2020-10-01")).toHaveLength(1);
    expect(d2020).toHaveLength(12);
  });

  it("every statutory day it gives for 2025 and 2026 is a day off in the official data", () => {
    const official = WorkingCalendar.official();
    for (const year of [2025, 2026]) {
      const working = dates(year).filter((d) => official.isWorkingDay(d).value);
      expect(working, `rule days that are working days in ${year}`).toEqual([]);
    }
  });

  it("puts Qingming on 4–6 April (5 or 4 nowadays) and the lunar festivals in their seasons, 1901–2199", () => {
    for (let y = 1901; y <= 2199; y++) {
      const h = statutoryHolidays(y);
      const get = (name: string) => h.filter((x) => x.name === name).map((x) => x.date);
      expect(get("清明")[0]).toMatch(new RegExp(`^${y}-04-0[3456]$`));
      const spring = get("春节");
      expect(spring.length).toBe(4);
      expect(spring[0] >= `${y}-01-20` && spring[0] <= `${y}-02-19`).toBe(true);
      expect(get("端午")[0] >= `${y}-05-27` && get("端午")[0] <= `${y}-06-26`).toBe(true);
      // Mid-Autumn may coincide with 1–3 Oct and be merged into 国庆
      const midAutumn = get("中秋")[0];
      if (midAutumn) expect(midAutumn >= `${y}-09-07` && midAutumn <= `${y}-10-08`).toBe(true);
    }
  });
});
