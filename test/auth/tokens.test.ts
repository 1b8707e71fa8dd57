// Bearer tokens, and the cache of verified ones: a hit must never accept what verification would refuse.
import { afterEach, describe, expect, it, vi } from "vitest";
import { SignJWT } from "jose";
import { TokenService } from "../../src/auth/tokens.ts";
import { expectToken } from "../support/fixtures.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("TokenService", () => {
  it("issues a token that says whose it is, in which role, for the configured lifetime", async () => {
    const { token, expiresAt } = await new TokenService("secret-one-secret-one-secret-one", 30).issue({
      userId: 7,
      role: "staff",
      version: 0,
    });
    const claims = expectToken(token, { userId: 7, role: "staff", ttlMinutes: 30 });
    expect(claims.exp).toBe(Math.floor(expiresAt.getTime() / 1000));
    const admin = await new TokenService("secret-one-secret-one-secret-one", 480).issue({
      userId: 1,
      role: "admin",
      version: 0,
    });
    expectToken(admin.token, { userId: 1, role: "admin", ttlMinutes: 480 });
  });

  it("accepts its own token, again and again, with the same claims", async () => {
    const tokens = new TokenService("secret-one-secret-one-secret-one", 30);
    const { token } = await tokens.issue({ userId: 7, role: "staff", version: 0 });
    expect(await tokens.verify(token)).toMatchObject({ userId: 7, role: "staff", version: 0, jti: expect.any(String) });
    expect(await tokens.verify(token)).toMatchObject({ userId: 7, role: "staff", version: 0, jti: expect.any(String) });
  });

  it("refuses a token once it has expired, even one verified (and kept) before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-22T08:00:00Z"));
    const tokens = new TokenService("secret-one-secret-one-secret-one", 30);
    const { token, expiresAt } = await tokens.issue({ userId: 7, role: "staff", version: 0 });
    expect(await tokens.verify(token)).toMatchObject({ userId: 7, role: "staff", version: 0, jti: expect.any(String) });
    vi.setSystemTime(expiresAt.getTime() - 1500);
    expect(await tokens.verify(token)).toMatchObject({ userId: 7, role: "staff", version: 0, jti: expect.any(String) });
    vi.setSystemTime(expiresAt.getTime() + 1);
    expect(await tokens.verify(token)).toBeUndefined();
    expect(await tokens.verify(token)).toBeUndefined();
    // and a fresh service (no cache) agrees
    expect(await new TokenService("secret-one-secret-one-secret-one", 30).verify(token)).toBeUndefined();
  });

  it("refuses a tampered copy or another key's token after the genuine one was accepted", async () => {
    const tokens = new TokenService("secret-one-secret-one-secret-one", 30);
    const { token } = await tokens.issue({ userId: 7, role: "staff", version: 0 });
    expect(await tokens.verify(token)).toMatchObject({ userId: 7, role: "staff", version: 0, jti: expect.any(String) });
    const [h, p, sig] = token.split(".");
    const adminPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), role: "admin" }),
    ).toString("base64url");
    expect(await tokens.verify(`${h}.${adminPayload}.${sig}`)).toBeUndefined();
    expect(await tokens.verify(`${h}.${p}.${sig.slice(0, -2)}${sig.endsWith("AA") ? "BB" : "AA"}`)).toBeUndefined();
    const other = await new TokenService("secret-two-secret-two-secret-two", 30).issue({
      userId: 7,
      role: "admin",
      version: 0,
    });
    expect(await tokens.verify(other.token)).toBeUndefined();
  });

  it("refuses a token signed with the secret whose lifetime is longer than TOKEN_TTL_MINUTES, or without an id or version", async () => {
    const secret = "secret-one-secret-one-secret-one";
    const key = new TextEncoder().encode(secret);
    const now = Math.floor(Date.now() / 1000);
    const forge = (
      life: number,
      claims: Record<string, unknown> = { role: "staff", ver: 0 },
      jti: string | null = "a-token-id",
    ) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("7")
        .setIssuedAt(now)
        .setExpirationTime(now + life);
      return (jti ? jwt.setJti(jti) : jwt).sign(key);
    };
    const tokens = new TokenService(secret, 30);
    expect(await tokens.verify(await forge(30 * 60))).toMatchObject({ userId: 7, jti: "a-token-id" });
    expect(await tokens.verify(await forge(30 * 60 + 1))).toBeUndefined();
    expect(await tokens.verify(await forge(365 * 24 * 3600))).toBeUndefined();
    expect(await tokens.verify(await forge(60, { role: "staff", ver: 0 }, null))).toBeUndefined();
    expect(await tokens.verify(await forge(60, { role: "staff" }))).toBeUndefined();
  });

  it("gives every token its own id", async () => {
    const tokens = new TokenService("secret-one-secret-one-secret-one", 30);
    const a = await tokens.verify((await tokens.issue({ userId: 7, role: "staff", version: 0 })).token);
    const b = await tokens.verify((await tokens.issue({ userId: 7, role: "staff", version: 0 })).token);
    expect(a!.jti).not.toBe(b!.jti);
  });
});
