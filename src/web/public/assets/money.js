// Money in integer fen (分). Yuan typed by a person are parsed as a string, digit by digit,
// and never pass through floating point: "1234.56" → 123456 exactly.

const YUAN_RE = /^(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * "1234.56" → 123456. Accepts an optional ¥/￥ sign, spaces and thousands separators
 * ("1,234.56", "１２３" is not accepted). At most 2 decimals, no sign, no exponent.
 * @param {string} input
 * @returns {{ ok: true, fen: number } | { ok: false, reason: "empty" | "format" | "tooLarge" }}
 */
export function parseYuan(input) {
  let s = String(input ?? "").trim();
  if (s === "") return { ok: false, reason: "empty" };
  s = s.replace(/^[¥￥]\s*/, "").replace(/[\s,，]/g, "");
  // A leading zero before more digits ("007") is a typo more often than not: reject it.
  const m = YUAN_RE.exec(s);
  if (!m) return { ok: false, reason: "format" };
  const fen = BigInt(m[1]) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
  if (fen > MAX) return { ok: false, reason: "tooLarge" };
  return { ok: true, fen: Number(fen) };
}

/**
 * 123456 → "1,234.56" (yuan, grouped). Integer arithmetic on the digits only.
 * @param {number} fen
 */
export function formatFen(fen) {
  if (typeof fen !== "number" || !Number.isSafeInteger(fen)) return String(fen);
  const neg = fen < 0;
  const digits = String(Math.abs(fen)).padStart(3, "0");
  const int = digits.slice(0, -2).replace(/\B(?=(\d{3})+$)/g, ",");
  return `${neg ? "-" : ""}¥${int}.${digits.slice(-2)}`;
}

/** Fen as a plain yuan string for an input field: 123456 → "1234.56". @param {number} fen */
export function fenToYuanInput(fen) {
  const digits = String(Math.abs(fen)).padStart(3, "0");
  return `${fen < 0 ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
