// Argon2id (memory-hard) password hashing with the library's OWASP-level defaults.
import { hash, verify } from "@node-rs/argon2";
import { randomBytes } from "node:crypto";
import type { ZxcvbnFactory } from "@zxcvbn-ts/core";

export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A hash of a random password, verified against when the username is unknown, so that a
// login for a missing user costs the same time as one with a wrong password.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hash(randomBytes(16).toString("hex"));
  return decoyHash;
}

/** A readable random password for the first administrator (about 120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

// Common passwords: zxcvbn-ts with its bundled common-password and word lists (language-common),
// which also finds repeats ("aaaaaaaaaaaa"), sequences and keyboard walks, and a common password
// with digits appended ("password1234"). Loaded and built on first use (about half a second: the
// lists are large), so a service start that checks no password does not pay for it.
let estimator: Promise<ZxcvbnFactory> | undefined;
async function loadEstimator(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory }, common] = await Promise.all([
    import("@zxcvbn-ts/core"),
    import("@zxcvbn-ts/language-common"),
  ]);
  return new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
}
const MIN_SCORE = 3; // zxcvbn's 0-4 scale; 3 = "safely unguessable: moderate protection from offline attacks"
const warnings: Record<string, string> = {
  simpleRepeat: "it repeats one character",
  extendedRepeat: "it repeats a pattern",
  sequences: "it is a common character sequence",
  common: "it is on a list of common passwords",
  similarToCommon: "it is a common password with small changes",
  commonNames: "it is a common name",
  namesByThemselves: "it is a name",
  keyPattern: "it is a keyboard pattern",
  straightRow: "it is a row of keys",
  recentYears: "it is a recent year",
  dates: "it is a date",
  wordByItself: "it is a single word",
};

/**
 * Why a password is refused (blank, whitespace only, or too easy to guess), or undefined when it
 * is acceptable. Length limits are the callers' (zod) business.
 */
export async function passwordWeakness(password: string): Promise<string | undefined> {
  if (password.trim() === "") return "must not be blank or only spaces";
  estimator ??= loadEstimator();
  // zxcvbn's cost grows with length; beyond 100 characters nothing more is learnt
  const r = (await estimator).check(password.slice(0, 100));
  if (r.score >= MIN_SCORE) return undefined;
  const why = (r.feedback.warning && warnings[r.feedback.warning]) || "it would be guessed quickly";
  return `is too easy to guess: ${why}`;
}
