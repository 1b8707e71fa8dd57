// Bearer tokens, and the cache of verified ones: a hit must never accept what verification would refuse.
import { afterEach, describe, expect, it, vi } from "vitest";
import { TokenService } from "../../src/auth/tokens.ts";
import { expectToken } from "../support/fixtures.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("TokenService", () => {
  it("issues a token that says whose it is, in which role, for the configured lifetime", async () => {
    const { token, expiresAt } = await new TokenService("secret-one-secret-one-secret-one", 30).issue({ userId: 7, role: "staff" });
    const claims = expectToken(token, { userId: 7, role: "staff", ttlMinutes: 30 });
    expect(claims.exp).toBe(Math.floor(expiresAt.getTime() / 1000));
    const admin = await new TokenService("secret-one-secret-one-secret-one", 480).issue({ userId: 1, role: "admin" });
    expectToken(admin.token, { userId: 1, role: "admin", ttlMinutes: 480 });
  });

  it("accepts its own token, again and again, with the same claims", async () => {
    const tokens = new TokenService("secret-one-secret-one-secret-one", 30);
    const { token } = await tokens.issue({ userId: 7, role: "staff" });
    expect(await tokens.verify(token)).toEqual({ userId: 7, role: "staff" });
    expect(await tokens.verify(token)).toEqual({ userId: 7, role: "staff" });
  });

  it("refuses a token once it has expired, even one verified (and kept) before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-22T08:00:00Z"));
    const tokens = new TokenService("secret-one-secret-one-secret-one", 30);
    const { token, expiresAt } = await tokens.issue({ userId: 7, role: "staff" });
    expect(await tokens.verify(token)).toEqual({ userId: 7, role: "staff" });
    vi.setSystemTime(expiresAt.getTime() - 1500);
    expect(await tokens.verify(token)).toEqual({ userId: 7, role: "staff" });
    vi.setSystemTime(expiresAt.getTime() + 1);
    expect(await tokens.verify(token)).toBeUndefined();
    expect(await tokens.verify(token)).toBeUndefined();
    // and a fresh service (no cache) agrees
    expect(await new TokenService("secret-one-secret-one-secret-one", 30).verify(token)).toBeUndefined();
  });

  it("refuses a tampered copy or another key's token after the genuine one was accepted", async () => {
    const tokens = new TokenService("secret-one-secret-one-secret-one", 30);
    const { token } = await tokens.issue({ userId: 7, role: "staff" });
    expect(await tokens.verify(token)).toEqual({ userId: 7, role: "staff" });
    const [h, p, sig] = token.split(".");
    const adminPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), role: "admin" })).toString("base64url");
    expect(await tokens.verify(`${h}.${adminPayload}.${sig}`)).toBeUndefined();
    expect(await tokens.verify(`${h}.${p}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`)).toBeUndefined();
    const other = await new TokenService("secret-two-secret-two-secret-two", 30).issue({ userId: 7, role: "admin" });
    expect(await tokens.verify(other.token)).toBeUndefined();
  });
});
