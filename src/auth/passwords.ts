// Argon2id (memory-hard) password hashing with the library's OWASP-level defaults.
import { hash, verify } from "@node-rs/argon2";
import { randomBytes } from "node:crypto";

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
