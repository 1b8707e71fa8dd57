/**
 * Money as integer fen (分, 1/100 yuan).
 *
 * Amounts are never held in floating point: 0.1 + 0.2 !== 0.3, and a one-fen
 * error on an arrears notice is a real complaint. Decimal strings are parsed
 * digit by digit, and anything that multiplies (rates, late fees) goes through
 * BigInt so intermediate products cannot lose precision beyond 2^53.
 */
import { z } from "zod";
import { DomainError } from "./errors.ts";

/** Non-negative safe integer number of fen. */
export type Fen = number;

export function isFen(n: unknown): n is Fen {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

export const fenSchema = z
  .number()
  .int({ error: "amount must be a whole number of fen" })
  .min(0, { error: "amount must not be negative" })
  .max(Number.MAX_SAFE_INTEGER, { error: "amount is too large" });

// Strict: no sign, no exponent, no leading zeros, no separators, at most 2 decimals,
// no bare "1." or ".5" — a payment amount that needs guessing is rejected.
const YUAN_RE = /^(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;

/** "1234.56" → 123456. Throws DomainError("invalid_amount" | "amount_overflow"). */
export function parseYuan(s: string): Fen {
  const m = YUAN_RE.exec(s);
  if (m === null) {
    throw new DomainError("invalid_amount", `not a yuan amount with at most 2 decimals: ${JSON.stringify(s)}`);
  }
  const fen = BigInt(m[1]!) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
  return toSafeFen(fen);
}

export const yuanStringSchema = z.string().transform((s, ctx) => {
  try {
    return parseYuan(s);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: (e as Error).message, input: s });
    return z.NEVER;
  }
});

function requireInt(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new DomainError("invalid_amount", `${what} must be a safe integer, got ${n}`);
}

function requireFen(n: number, what = "amount"): void {
  if (!isFen(n))
    throw new DomainError("invalid_amount", `${what} must be a non-negative safe integer of fen, got ${String(n)}`);
}

function toSafeFen(v: bigint): Fen {
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new DomainError("amount_overflow", "amount exceeds the safe integer range");
  return Number(v);
}

/** 123456 → "1234.56"; negative integers (differences) are formatted with a leading "-". */
export function formatFen(fen: number): string {
  requireInt(fen, "fen");
  const neg = fen < 0;
  const abs = String(Math.abs(fen)).padStart(3, "0");
  return `${neg ? "-" : ""}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

/** 123456 → "¥1,234.56"; -150 → "-¥1.50". */
export function formatFenZh(fen: number): string {
  const plain = formatFen(fen);
  const neg = plain.startsWith("-");
  const [intPart, dec] = (neg ? plain.slice(1) : plain).split(".");
  const grouped = intPart!.replace(/\B(?=(\d{3})+$)/g, ",");
  return `${neg ? "-" : ""}¥${grouped}.${dec}`;
}

export type Rounding = "halfUp" | "down";

/**
 * fen × numerator / denominator, exactly, then rounded: "halfUp" (0.5 fen goes
 * up, the usual rule on contribution notices) or "down" (truncate).
 * All inputs are non-negative, so half-up never has to think about signs.
 */
export function mulRate(fen: Fen, numerator: number | bigint, denominator: number | bigint, rounding: Rounding): Fen {
  requireFen(fen);
  const num = toBigIntArg(numerator, "numerator");
  const den = toBigIntArg(denominator, "denominator");
  if (den === 0n) throw new DomainError("invalid_argument", "denominator must be positive");
  const product = BigInt(fen) * num;
  const q = rounding === "halfUp" ? (2n * product + den) / (2n * den) : product / den;
  return toSafeFen(q);
}

function toBigIntArg(v: number | bigint, what: string): bigint {
  if (typeof v === "number" && !Number.isSafeInteger(v)) {
    throw new DomainError("invalid_argument", `${what} must be a safe integer, got ${v}`);
  }
  const b = BigInt(v);
  if (b < 0n) throw new DomainError("invalid_argument", `${what} must not be negative`);
  return b;
}

/** Sum of fen amounts; throws on a non-fen input or if the total is not a safe integer. */
export function sumFen(...amounts: Fen[]): Fen {
  let total = 0n;
  for (const a of amounts) {
    requireFen(a);
    total += BigInt(a);
  }
  return toSafeFen(total);
}
