// Webhook signatures and the retry schedule.
//
// Each request carries
//   X-Tracker-Event      the message kind, e.g. "deadline.missed"
//   X-Tracker-Delivery   the delivery id: one per (message, webhook), the same on every retry
//                        and redelivery — receivers deduplicate on it
//   X-Tracker-Timestamp  unix seconds when this attempt was signed
//   X-Tracker-Signature  "sha256=" + hex HMAC-SHA256(secret, `${timestamp}.${body}`)
// A receiver recomputes the HMAC over the raw body, compares in constant time and rejects
// timestamps too far from its clock (e.g. > 5 minutes) to stop replays.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Receiver-side check, as documented for subscribers (and used by the tests). */
export function verifySignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const expected = Buffer.from(sign(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
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
