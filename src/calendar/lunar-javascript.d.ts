// Minimal typings for the part of lunar-javascript (6tail, MIT) the calendar uses; the package
// ships none. It is CommonJS (`module.exports = { Solar, Lunar, ... }`), so import the default.
// Its Solar/Lunar objects work on plain y/m/d integers (Julian day arithmetic), not on the
// process time zone, and solar terms are computed for Beijing time.
declare module "lunar-javascript" {
  export interface Solar {
    getYear(): number;
    getMonth(): number;
    getDay(): number;
    /** "YYYY-MM-DD" */
    toYmd(): string;
    /** the day `days` days later (negative: earlier) */
    next(days: number): Solar;
    getLunar(): Lunar;
  }
  export interface Lunar {
    getYear(): number;
    /** negative for a leap month */
    getMonth(): number;
    getDay(): number;
    getSolar(): Solar;
    /** solar term name (e.g. "清明") -> day it starts, around this lunar year */
    getJieQiTable(): Record<string, Solar>;
  }
  export interface LunarMonth {
    getDayCount(): number;
  }
  export interface LunarYear {
    /** month 1..12, negative for the leap month; null if absent */
    getMonth(month: number): LunarMonth | null;
  }
  const lunar: {
    Solar: { fromYmd(year: number, month: number, day: number): Solar };
    Lunar: { fromYmd(lunarYear: number, lunarMonth: number, lunarDay: number): Lunar };
    LunarYear: { fromYear(lunarYear: number): LunarYear };
  };
  export default lunar;
}
