// CSV exports (the case-event audit, the administrative audit).

/** CSV field quoting per RFC 4180, and a leading ' for cells a spreadsheet would run as formulas. */
export function csvCell(v: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cells are scalars; anything else prints as JS does
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
