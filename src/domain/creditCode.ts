/**
 * Unified social credit codes (统一社会信用代码), GB 32100-2015: the 18-character identifier of an
 * employer (用人单位) or any other organisation.
 *
 * Layout:
 *   1     registration authority (登记管理部门代码), e.g. 9 = industry and commerce
 *   2     organisation category (机构类别代码), e.g. 1 = enterprise
 *   3-8   administrative division code of the registering authority (GB/T 2260, six digits)
 *   9-17  organisation code (组织机构代码, GB 11714, its own check character included)
 *   18    check character over the first 17
 *
 * Characters come from `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S, V, Z); each character's value
 * is its index there. Check = 31 − (Σ value × weight mod 31), with 31 written as 0, weights
 * 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 (3^i mod 31).
 */
import { z } from "zod";

export const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeFailure = "length" | "format" | "region" | "checkCharacter";
export type CreditCodeResult = { ok: true; value: string } | { ok: false; reason: CreditCodeFailure };

/** The check character for the first 17 characters (undefined when one is not in the alphabet). */
export function creditCodeCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (v < 0) return undefined;
    sum += v * WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET[check];
}

const FORMAT = new RegExp(`^[${CREDIT_CODE_ALPHABET}]{18}$`);

/** Normalises (trim, upper case) and validates; the first failing rule is reported. */
export function validateCreditCode(raw: string): CreditCodeResult {
  const s = raw.trim().toUpperCase();
  if (s.length !== 18) return { ok: false, reason: "length" };
  if (!FORMAT.test(s)) return { ok: false, reason: "format" };
  if (!/^\d{6}$/.test(s.slice(2, 8))) return { ok: false, reason: "region" };
  if (creditCodeCheckCharacter(s.slice(0, 17)) !== s[17]) return { ok: false, reason: "checkCharacter" };
  return { ok: true, value: s };
}

export function isValidCreditCode(s: string): boolean {
  return validateCreditCode(s).ok;
}

const messages: Record<CreditCodeFailure, string> = {
  length: "must be 18 characters",
  format: `must use only the characters ${CREDIT_CODE_ALPHABET}`,
  region: "characters 3-8 must be the six-digit administrative division code",
  checkCharacter: "the check character (18th) does not match: a character is mistyped",
};

/** A unified social credit code, normalised to upper case; a wrong one is a field error saying why. */
export const creditCodeSchema = z
  .string()
  .max(32)
  .transform((s, ctx) => {
    const r = validateCreditCode(s);
    if (r.ok) return r.value;
    ctx.addIssue({ code: "custom", message: `not a valid unified social credit code: ${messages[r.reason]}` });
    return z.NEVER;
  })
  .meta({ description: "unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters" });
