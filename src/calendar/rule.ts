// Statutory public holidays of a year, computed by rule, for years whose official schedule
// (国务院办公厅 notice, published each November for the next year) is not known yet.
//
// Rule = 《全国年节及纪念日放假办法》 as amended in force from 2025 (13 days):
//   元旦 New Year's Day            1 Jan
//   春节 Spring Festival           除夕 (last day of lunar month 12, the 29th or the 30th) + 1st–3rd of lunar month 1
//   清明 Qingming                  the day of the 清明 solar term (4 or 5 April)
//   劳动节 Labour Day              1–2 May
//   端午 Dragon Boat               5th of lunar month 5 (the regular month, never a leap month)
//   中秋 Mid-Autumn                15th of lunar month 8
//   国庆 National Day              1–3 Oct
//
// Deliberately NOT guessed: the bridge days and weekend make-up working days (调休) the State
// Council arranges every year, nor the compensatory weekday (补假) owed when a statutory day falls
// on a weekend — their placement is a yearly decision. So a rule year is "weekends + these days"
// and every result relying on it is flagged provisional until the real schedule is published.
// Lunar dates come from lunar-javascript (maintained, MIT), which works on integer Y/M/D and
// Beijing-time solar terms, independent of the process time zone.
import lunar from "lunar-javascript";
import { addCalendarDays, type ChinaDate, formatYmd, isChinaDate } from "./dates.ts";

const { Lunar } = lunar;

export interface StatutoryHoliday {
  date: ChinaDate;
  /** "元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆" */
  name: string;
}

function solarDate(s: { toYmd(): string }): ChinaDate {
  const ymd = s.toYmd();
  if (!isChinaDate(ymd)) throw new Error(`lunar-javascript returned an unexpected date ${ymd}`);
  return ymd;
}

/** Statutory holidays of a Gregorian year by rule, sorted by date, one entry per date. */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  const out: StatutoryHoliday[] = [];
  const add = (date: ChinaDate, name: string): void => {
    // The lunar festivals can coincide with a fixed one (e.g. Mid-Autumn on 1 Oct 2020):
    // still one day off, keep the first name.
    if (date.startsWith(`${String(year).padStart(4, "0")}-`) && !out.some((h) => h.date === date))
      out.push({ date, name });
  };

  add(formatYmd(year, 1, 1), "元旦");

  // Lunar new year (正月初一) of lunar year `year` always falls between 21 Jan and 20 Feb of the
  // same Gregorian year. 除夕 is simply the day before it, which covers both the 29th and the 30th
  // of month 12 without asking how long that month is.
  const newYear = solarDate(Lunar.fromYmd(year, 1, 1).getSolar());
  add(addCalendarDays(newYear, -1), "春节");
  for (let i = 0; i < 3; i++) add(addCalendarDays(newYear, i), "春节");

  const qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"];
  const qingmingDate = qingming ? solarDate(qingming) : "";
  if (!qingmingDate.startsWith(`${year}-04-`)) throw new Error(`no 清明 solar term found for ${year}`);
  add(qingmingDate, "清明");

  add(formatYmd(year, 5, 1), "劳动节");
  add(formatYmd(year, 5, 2), "劳动节");
  add(solarDate(Lunar.fromYmd(year, 5, 5).getSolar()), "端午");
  add(solarDate(Lunar.fromYmd(year, 8, 15).getSolar()), "中秋");
  for (let d = 1; d <= 3; d++) add(formatYmd(year, 10, d), "国庆");

  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
