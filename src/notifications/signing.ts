// Webhook signatures and the retry schedule.
//
// Requests are signed per the Standard Webhooks specification (https://www.standardwebhooks.com),
// for which receivers have ready verifiers in many languages:
//   webhook-id         the delivery id: one per (message, webhook), the same on every retry and
//                      redelivery — receivers deduplicate on it
//   webhook-timestamp  unix seconds when this attempt was signed
//   webhook-signature  "v1," + base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)
// The key: for a `whsec_` secret (what the service generates: `whsec_` + base64 of 32 random
// bytes), the base64-decoded bytes after the prefix; for any other secret (chosen by an
// administrator, or generated before this scheme as `whsec_` + base64url), the secret's UTF-8
// bytes. Receivers pass the latter to their verifier as raw bytes (docs/webhooks.md).
//
// Deprecated, sent beside the standard headers for one release (docs/webhooks.md):
//   X-Tracker-Event      the message kind, e.g. "deadline.missed"
//   X-Tracker-Delivery   the same id as webhook-id
//   X-Tracker-Timestamp  the same as webhook-timestamp
//   X-Tracker-Signature  "sha256=" + hex HMAC-SHA256(secret's UTF-8 bytes, `${timestamp}.${body}`)
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A secret in the Standard Webhooks form: `whsec_` + standard base64 of 24–64 bytes. */
const STANDARD_SECRET = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;

/** Whether a secret is in the Standard Webhooks form: its key is then the decoded bytes after `whsec_`. */
export function isStandardSecret(secret: string): boolean {
  const m = STANDARD_SECRET.exec(secret);
  if (!m) return false;
  const n = Buffer.from(m[1], "base64").length;
  return n >= 24 && n <= 64;
}

/** The HMAC key of a secret: the decoded bytes of a standard `whsec_` secret, else its UTF-8 bytes. */
export function signingKey(secret: string): Buffer {
  return isStandardSecret(secret) ? Buffer.from(secret.slice("whsec_".length), "base64") : Buffer.from(secret, "utf8");
}

/** The `webhook-signature` header value (one signature, version v1). */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", signingKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The headers that sign one attempt: the standard ones and, for one release, the deprecated X-Tracker-* ones. */
export function signatureHeaders(
  secret: string,
  id: string,
  kind: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardSignature(secret, id, timestamp, body),
    "x-tracker-event": kind,
    "x-tracker-delivery": id,
    "x-tracker-timestamp": String(timestamp),
    "x-tracker-signature": sign(secret, timestamp, body),
  };
}

/** The deprecated X-Tracker-Signature value. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Receiver-side check of the deprecated X-Tracker-Signature, as documented for subscribers (and used by the tests). */
export function verifySignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const expected = Buffer.from(sign(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A new secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** "••••abcd": enough to tell secrets apart, never enough to use one. */
export function maskSecret(secret: string): string {
  return `••••${secret.slice(-4)}`;
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * Pause before the next attempt after `failures` consecutive failures: exponential
 * (base · 2^(failures−1)), capped at maxMs, with ±20% jitter so that a receiver coming back
 * is not hit by every queued delivery in the same second. With the defaults (30 s, 3 h,
 * 17 attempts) the attempts come at about 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5, 127.5 and
 * 255.5 minutes, then every 3 hours: the last one about 25 hours after the first.
 */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40);
  const base = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.max(1, Math.round(base * (0.8 + 0.4 * random())));
}
