// Request fields the administration routes share.
import { z } from "zod";
import { isChinaDate } from "../../../calendar/index.ts";

/** An agency code. */
export const agencyCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, "1-32 letters, digits, _ or -");

export const chinaDate = z.string().refine(isChinaDate, "must be a date as YYYY-MM-DD");
