// Free text that people read back (names, reasons): refused when it carries characters that hide
// or disguise what is shown. Lone surrogates (not well-formed Unicode) are refused for every JSON
// body in one place (src/api/app.ts); these are refused in names and reasons only.
import { z } from "zod";

declare global {
  interface String {
    /** ES2024 (Node 20): no lone surrogates */
    isWellFormed(): boolean;
  }
}

// Cc: C0 and C1 control characters (NUL, ESC, DEL, ...); Cf: format characters, among them the
// bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), zero-width space, joiners
// and marks (U+200B-U+200F), the byte order mark (U+FEFF) and the soft hyphen; Zl/Zp: line and
// paragraph separators (U+2028, U+2029).
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const UNSAFE_MULTILINE = /(?![\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** The first refused character of `s` as U+XXXX, or undefined when there is none. */
export function unsafeCharacter(s: string, opts: { multiline?: boolean } = {}): string | undefined {
  const m = (opts.multiline ? UNSAFE_MULTILINE : UNSAFE).exec(s);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}` : undefined;
}

export const unsafeTextMessage = (char: string) =>
  `must not contain control, zero-width or bidirectional formatting characters (found ${char})`;

/** A trimmed, non-empty name or reason of at most `max` characters, without the characters above. */
export function safeText(max: number, opts: { multiline?: boolean } = {}) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .superRefine((s, ctx) => {
      const bad = unsafeCharacter(s, opts);
      if (bad) ctx.addIssue({ code: "custom", message: unsafeTextMessage(bad) });
    });
}

/** Whether every string (keys included) in a parsed JSON value is well-formed Unicode; no recursion. */
export function wellFormedDeep(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (!v.isWellFormed()) return false;
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (!k.isWellFormed()) return false;
        stack.push(child);
      }
    }
  }
  return true;
}
