/**
 * Administrative division codes (行政区划代码, GB/T 2260), as an agency's region: 2 digits (a
 * province), 4 (a prefecture-level city) or 6 (a county, or a province / city written in full as
 * 350000 / 350100). The check is structural, not a table lookup: codes are renamed and merged
 * often, and a regional policy keyed on last year's code must keep working.
 *
 *   1-2  province: one of the GB/T 2260 province-level codes (the same list as ID numbers')
 *   3-4  prefecture: 00 only in a six-digit province code; 01-70 (cities, prefectures, leagues)
 *        or 90 (county-level divisions administered by the province directly)
 *   5-6  county: 00 for the city itself, otherwise 01-99
 */
import { z } from "zod";
import { isValidRegionPrefix } from "./idNumber.ts";

export function isValidRegionCode(code: string): boolean {
  if (!/^(\d{2}|\d{4}|\d{6})$/.test(code)) return false;
  if (!isValidRegionPrefix(code.slice(0, 2))) return false;
  if (code.length === 2) return true;
  const city = Number(code.slice(2, 4));
  const county = code.length === 6 ? code.slice(4, 6) : "00";
  if (city === 0) return code.length === 6 && county === "00";
  return city <= 70 || city === 90;
}

export const regionCodeSchema = z
  .string()
  .trim()
  .refine(
    isValidRegionCode,
    "a GB/T 2260 administrative division code: 2 digits (province), 4 (city) or 6 (county), with a valid province prefix",
  )
  .meta({ description: "GB/T 2260 administrative division code: 2, 4 or 6 digits" });
