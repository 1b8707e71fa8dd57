// Pure parts: signatures, the retry schedule, percentiles, CSV cells, configuration.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import {
  generateSecret,
  isStandardSecret,
  maskSecret,
  retryDelayMs,
  sign,
  signatureHeaders,
  signingKey,
  standardSignature,
  verifySignature,
} from "../../src/notifications/signing.ts";
import { csvCell, percentile } from "../../src/reports/sla.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("webhook signatures", () => {
  it("are HMAC-SHA256 over `${timestamp}.${body}`, hex, prefixed sha256=", () => {
    const body = '{"id":"x","event":"deadline.missed"}';
    const expected = createHmac("sha256", "s3cret-s3cret-s3cret").update(`1700000000.${body}`).digest("hex");
    expect(sign("s3cret-s3cret-s3cret", 1700000000, body)).toBe(`sha256=${expected}`);
    expect(verifySignature("s3cret-s3cret-s3cret", "1700000000", body, `sha256=${expected}`)).toBe(true);
    expect(verifySignature("s3cret-s3cret-s3cret", "1700000001", body, `sha256=${expected}`)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", "1700000000", body + " ", `sha256=${expected}`)).toBe(false);
    expect(verifySignature("s3cret-s3cret-s3cret", "abc", body, `sha256=${expected}`)).toBe(false);
    expect(maskSecret("whsec_abcdefghijklmnop")).toBe("••••mnop");
  });
});

describe("Standard Webhooks signatures", () => {
  const body = '{"id":"x","event":"deadline.missed"}';
  it("agree with the reference package for generated whsec_ secrets (key: the decoded bytes)", () => {
    const secret = generateSecret();
    expect(isStandardSecret(secret)).toBe(true);
    expect(signingKey(secret)).toEqual(Buffer.from(secret.slice(6), "base64"));
    const at = new Date(1_700_000_000_000);
    expect(standardSignature(secret, "msg_1", 1_700_000_000, body)).toBe(new Webhook(secret).sign("msg_1", at, body));
  });

  it("use other secrets' UTF-8 bytes as the key, as a raw-format verifier does", () => {
    for (const secret of [
      "s3cret-s3cret-s3cret",
      "whsec_abc-def_ghi-jkl_mno-pqr_stu-vwx_yz0-123_456",
      "whsec_c2hvcnQ=",
    ]) {
      expect(isStandardSecret(secret), secret).toBe(false);
      expect(signingKey(secret)).toEqual(Buffer.from(secret, "utf8"));
      const expected = createHmac("sha256", secret).update(`id1.1700000000.${body}`).digest("base64");
      expect(standardSignature(secret, "id1", 1_700_000_000, body)).toBe(`v1,${expected}`);
      expect(standardSignature(secret, "id1", 1_700_000_000, body)).toBe(
        new Webhook(secret, { format: "raw" }).sign("id1", new Date(1_700_000_000_000), body),
      );
    }
  });

  it("are sent with the deprecated X-Tracker-* headers beside them", () => {
    const h = signatureHeaders("s3cret-s3cret-s3cret", "d-1", "deadline.missed", 1_700_000_000, body);
    expect(h).toEqual({
      "webhook-id": "d-1",
      "webhook-timestamp": "1700000000",
      "webhook-signature": standardSignature("s3cret-s3cret-s3cret", "d-1", 1_700_000_000, body),
      "x-tracker-event": "deadline.missed",
      "x-tracker-delivery": "d-1",
      "x-tracker-timestamp": "1700000000",
      "x-tracker-signature": sign("s3cret-s3cret-s3cret", 1_700_000_000, body),
    });
  });
});

describe("the retry schedule", () => {
  const policy = { baseMs: 30_000, maxMs: 3 * 3_600_000, maxAttempts: 17 };
  it("doubles from the base, is capped, and jitters by ±20%", () => {
    expect([1, 2, 3, 4].map((f) => retryDelayMs(f, policy, () => 0.5))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(12, policy, () => 0.5)).toBe(3 * 3_600_000);
    expect(retryDelayMs(1, policy, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, policy, () => 0.999999)).toBeCloseTo(36_000, -1);
    expect(retryDelayMs(1000, policy, () => 0.5)).toBe(3 * 3_600_000);
  });

  it("spans well over an hour, and about a day, with the defaults", () => {
    let total = 0;
    for (let failures = 1; failures < policy.maxAttempts; failures++)
      total += retryDelayMs(failures, policy, () => 0.5);
    // 30 s doubling over nine failures (255.5 min), then seven at the 3 h cap: 25 h 15.5 min
    expect(total).toBe(30_000 * (2 ** 9 - 1) + 7 * 3 * 3_600_000);
    // a receiver down for an hour is still being retried after it comes back
    let t = 0;
    let attempts = 1;
    while (t < 3_600_000) {
      t += retryDelayMs(attempts, policy, () => 0);
      attempts++;
    }
    expect(attempts).toBeLessThan(policy.maxAttempts);
  });
});

describe("SLA helpers", () => {
  it("interpolates percentiles between closest ranks", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([4], 0.9)).toBe(4);
    expect(percentile([2, 5, 7, 11], 0.5)).toBe(6);
    expect(percentile([2, 5, 7, 11], 0.9)).toBeCloseTo(9.8);
    expect(percentile([1, 1, 6], 0.9)).toBeCloseTo(5);
  });

  it("quotes CSV cells and defuses formulas", () => {
    expect(csvCell("福州市医保中心")).toBe("福州市医保中心");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell(null)).toBe("");
    expect(csvCell(0.75)).toBe("0.75");
  });
});

describe("configuration", () => {
  it("has defaults and names bad values", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      JOBS: "on",
      SWEEP_INTERVAL_MS: 60_000,
      DUE_SOON_WORKING_DAYS: 3,
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_MAX_ATTEMPTS: 17,
    });
    expect(c.TRACKER_TODAY).toBeUndefined();
    expect(() => loadConfig({ SWEEP_INTERVAL_MS: "120000" })).toThrow(/SWEEP_INTERVAL_MS must be at most 60000/);
    expect(() => loadConfig({ DUE_SOON_WORKING_DAYS: "soon" })).toThrow(/DUE_SOON_WORKING_DAYS must be a whole number/);
    expect(() => loadConfig({ JOBS: "maybe" })).toThrow(ConfigError);
    expect(() => loadConfig({ TRACKER_TODAY: "2026-02-30" })).toThrow(/TRACKER_TODAY must be a real date/);
    expect(loadConfig({ TRACKER_TODAY: "2026-10-19", NODE_ENV: "test" }).TRACKER_TODAY).toBe("2026-10-19");
    expect(() => loadConfig({ TRACKER_TODAY: "2026-10-19", NODE_ENV: "production" })).toThrow(
      /refused when NODE_ENV=production/,
    );
    expect(() => loadConfig({ WEBHOOK_RETRY_BASE_MS: "5000", WEBHOOK_RETRY_MAX_MS: "1000" })).toThrow(
      /WEBHOOK_RETRY_MAX_MS/,
    );
  });
});
