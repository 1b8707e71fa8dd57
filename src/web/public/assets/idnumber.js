// Resident ID numbers (GB 11643): 17 digits and an ISO 7064 MOD 11-2 check character.
// Checked in the browser so that a typo is caught before anything is sent.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/**
 * Without the spaces people type or copy in (ASCII, full-width, non-breaking), with a final x
 * (or full-width Ｘ) as X. @param {string} raw
 */
export function normalizeIdNumber(raw) {
  const s = String(raw ?? "")
    .replace(/[\s\u3000\u00a0]+/g, "")
    .replace(/[xｘＸ]$/, "X");
  return s;
}

/**
 * null when the number is well-formed, else why not.
 * @param {string} raw
 * @returns {null | "format" | "check"}
 */
export function idNumberProblem(raw) {
  const s = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(s)) return "format";
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * WEIGHTS[i];
  return CHECK[sum % 11] === s[17] ? null : "check";
}
