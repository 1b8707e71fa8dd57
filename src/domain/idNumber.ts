/**
 * Resident ID numbers (公民身份号码), GB 11643-1999.
 *
 * Layout of the 18 characters:
 *   1-6   address code (GB/T 2260); only the province-level prefix (1-2) is
 *         checked — county codes are renamed and merged often, and an ID keeps
 *         the code it was issued with, so a full county table would reject
 *         real people.
 *   7-14  birth date YYYYMMDD
 *   15-17 sequence number; the 17th digit is odd for men, even for women
 *   18    ISO 7064 MOD 11-2 check character, 0-9 or X
 *
 * Accepted province-level prefixes: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65
 * (mainland provinces), 71 (GB/T 2260 code for Taiwan), and 81/82/83 — the
 * prefixes of residence permits for Hong Kong, Macao and Taiwan residents
 * (港澳台居民居住证, 2018), which use the same 18-character format and check
 * character. Foreign permanent-residence ID cards (2023 format, leading 9) are
 * NOT accepted here and fail with reason "region".
 *
 * The birth date must be a real date not before 1900-01-01. There is
 * deliberately no "not in the future" check: these functions read no clock;
 * callers who care compare birthDateOf(id) with their own notion of today.
 */
import { z } from "zod";
import { DomainError } from "./errors.ts";
import { isRealDate } from "./dateMath.ts";

export type IdNumberFailure = "length" | "format" | "region" | "birthDate" | "checkCharacter";
export type IdNumberResult = { ok: true; value: string } | { ok: false; reason: IdNumberFailure };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_MAP = "10X98765432";

const PROVINCE_CODES: ReadonlySet<string> = new Set(
  [
    [11, 15],
    [21, 23],
    [31, 37],
    [41, 46],
    [50, 54],
    [61, 65],
    [71, 71],
    [81, 83],
  ].flatMap(([lo, hi]) => Array.from({ length: hi! - lo! + 1 }, (_, i) => String(lo! + i))),
);

export function isValidRegionPrefix(code2: string): boolean {
  return PROVINCE_CODES.has(code2);
}

/** ISO 7064 MOD 11-2 check character for the first 17 digits. Throws on non-digits. */
export function idCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new DomainError("invalid_argument", "idCheckCharacter needs exactly 17 digits");
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_MAP[sum % 11]!;
}

/** Normalises (trim, final x → X) and validates; the first failing rule is reported. */
export function validateIdNumber(raw: string): IdNumberResult {
  let s = raw.trim();
  if (s.length !== 18) return { ok: false, reason: "length" };
  if (s.endsWith("x")) s = s.slice(0, 17) + "X";
  if (!/^\d{17}[\dX]$/.test(s)) return { ok: false, reason: "format" };
  if (!PROVINCE_CODES.has(s.slice(0, 2))) return { ok: false, reason: "region" };
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  if (!isRealDate(y, m, d)) return { ok: false, reason: "birthDate" };
  if (idCheckCharacter(s.slice(0, 17)) !== s[17]) return { ok: false, reason: "checkCharacter" };
  return { ok: true, value: s };
}

export function isValidIdNumber(s: string): boolean {
  return validateIdNumber(s).ok;
}

function requireValid(id: string): string {
  const r = validateIdNumber(id);
  if (!r.ok) throw new DomainError("invalid_id_number", idNumberMessages[r.reason], { reason: r.reason });
  return r.value;
}

/** Birth date as `YYYY-MM-DD`. Throws DomainError for an invalid ID. */
export function birthDateOf(id: string): string {
  const s = requireValid(id);
  return `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
}

/** Gender encoded in the 17th digit (odd = male). Throws DomainError for an invalid ID. */
export function genderOf(id: string): "male" | "female" {
  const s = requireValid(id);
  return Number(s[16]) % 2 === 1 ? "male" : "female";
}

/**
 * Builds a valid ID number (check character computed) for tests and demo data.
 * Throws DomainError if the parts cannot form a valid ID (bad region, date, etc.).
 */
export function makeTestIdNumber(region6: string, birth: string, seq3: string): string {
  if (!/^\d{6}$/.test(region6) || !/^\d{8}$/.test(birth) || !/^\d{3}$/.test(seq3)) {
    throw new DomainError(
      "invalid_argument",
      "makeTestIdNumber needs 6-digit region, YYYYMMDD birth, 3-digit sequence",
    );
  }
  const first17 = region6 + birth + seq3;
  return requireValid(first17 + idCheckCharacter(first17));
}

/**
 * First 6 and last 4 shown, everything between as `*` (110105********123X).
 * Malformed input is masked by the same rule only if at least 8 characters
 * stay hidden (length ≥ 18); anything shorter becomes all `*`, so a truncated
 * or mistyped number never leaks most of its digits. Length is preserved.
 */
export function maskIdNumber(s: string): string {
  const chars = Array.from(s.trim().toUpperCase());
  if (chars.length < 18) return "*".repeat(chars.length);
  return chars.slice(0, 6).join("") + "*".repeat(chars.length - 10) + chars.slice(-4).join("");
}

// Separators are kept so the shape of the name stays readable.
const NAME_SEPARATOR = /[\s·•・.\-'’]/u;
const HAN = /\p{Script=Han}/u;

/**
 * Masks a person's name for display.
 * - Names with any Han character (张三, 欧阳娜娜, 阿依古丽·买买提): keep only the
 *   first character and mask every other non-separator character — the
 *   surname alone is the customary disclosure (张*, 欧***, 阿***·***).
 * - Other names (Latin script): keep the first letter of each word
 *   (John Smith → J*** S****), i.e. the initials.
 * A name with a single visible character is fully masked, since "keeping the
 * first character" would reveal all of it. Surrounding whitespace is trimmed.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  const visible = chars.filter((c) => !NAME_SEPARATOR.test(c)).length;
  if (visible <= 1) return chars.map((c) => (NAME_SEPARATOR.test(c) ? c : "*")).join("");
  const han = HAN.test(name);
  let seenFirst = false;
  let atWordStart = true;
  return chars
    .map((c) => {
      if (NAME_SEPARATOR.test(c)) {
        atWordStart = true;
        return c;
      }
      const keep = han ? !seenFirst : atWordStart;
      seenFirst = true;
      atWordStart = false;
      return keep ? c : "*";
    })
    .join("");
}

/**
 * Masks a phone number: 13812341234 → 138****1234.
 * Spaces, hyphens and parentheses are dropped and a +86 / 0086 prefix removed
 * first. Then: 11+ characters → first 3 and last 4 shown; 8-10 → only the
 * last 4; shorter → all `*`. At least 4 characters are always hidden.
 */
export function maskPhone(p: string): string {
  let s = p.replace(/[\s\-()]/g, "");
  s = s.replace(/^(\+86|0086)(?=\d{11}$)/, "");
  const chars = Array.from(s);
  if (chars.length >= 11) return chars.slice(0, 3).join("") + "*".repeat(chars.length - 7) + chars.slice(-4).join("");
  if (chars.length >= 8) return "*".repeat(chars.length - 4) + chars.slice(-4).join("");
  return "*".repeat(chars.length);
}

export const idNumberMessages: Readonly<Record<IdNumberFailure, string>> = {
  length: "ID number must be 18 characters",
  format: "ID number must be 17 digits followed by a digit or X",
  region: "ID number has an unknown province/region code",
  birthDate: "ID number contains an invalid birth date",
  checkCharacter: "ID number check character does not match (possible typo)",
};

/** Validates and normalises (trim, upper-case X); the issue carries `params.reason`. */
export const idNumberSchema = z.string().transform((raw, ctx) => {
  const r = validateIdNumber(raw);
  if (!r.ok) {
    ctx.addIssue({ code: "custom", message: idNumberMessages[r.reason], params: { reason: r.reason }, input: raw });
    return z.NEVER;
  }
  return r.value;
});
