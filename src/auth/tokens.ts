// Bearer tokens: short-lived HS256 JWTs. The signing secret is shared by every node
// (TOKEN_SECRET, or one generated once and kept in the database, encrypted), so any node accepts
// a token another node issued. Disabling a user, a password change or reset and a role change
// take effect at once because every request re-reads the user (User.tokenVersion, see
// api/auth.ts); logout ends one token by its id (RevokedToken).
import { SignJWT, jwtVerify, errors } from "jose";
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import { isEncrypted, type DataKey } from "../privacy/dataKey.ts";
import { dataKeyOf, openTokenSecret, sealTokenSecret, TOKEN_SECRET_SETTING } from "../privacy/atRest.ts";

/** The roles of an account (a token names its holder's). */
export const ROLES = ["staff", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface TokenClaims {
  userId: number;
  role: Role;
  /** User.tokenVersion when the token was issued */
  version: number;
}

/** What a verified token says besides its claims: its id (for logout) and its lifetime. */
export interface VerifiedToken extends TokenClaims {
  /** the token's unique id (`jti`), by which logout ends it */
  jti: string;
  expiresAtMs: number;
}

/** Verified tokens kept (a clerk sends the same token with every request for its whole life). */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenService {
  private readonly key: Uint8Array;
  // token → its claims and expiry. Only a token whose signature checked out is ever stored, keyed
  // by its exact text, so a hit is the same bytes already verified; the expiry is still checked
  // on every use. (Disabled users are refused by the per-request user read, not here.)
  private readonly verified = new Map<string, VerifiedToken>();
  constructor(
    secret: string,
    private readonly ttlMinutes: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.ttlMinutes * 60_000);
    const token = await new SignJWT({ role: claims.role, ver: claims.version })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(claims.userId))
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /**
   * The claims of a valid, unexpired token, or undefined. A token must carry an id (`jti`), its
   * issue time and an expiry no further from it than TOKEN_TTL_MINUTES (one signed with the secret
   * but a longer life is refused).
   */
  async verify(token: string): Promise<VerifiedToken | undefined> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAtMs) return known;
      this.verified.delete(token);
      return undefined;
    }
    try {
      // A token without an expiry is never accepted, whoever signed it.
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        requiredClaims: ["exp", "iat", "sub", "jti"],
      });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || (payload.role !== "staff" && payload.role !== "admin")) return undefined;
      if (typeof payload.jti !== "string" || payload.jti.length > 64) return undefined;
      if (typeof payload.ver !== "number" || !Number.isSafeInteger(payload.ver)) return undefined;
      if (payload.exp! - payload.iat! > this.ttlMinutes * 60) return undefined;
      const claims: VerifiedToken = {
        userId,
        role: payload.role,
        version: payload.ver,
        jti: payload.jti,
        expiresAtMs: payload.exp! * 1000,
      };
      // jose refuses a token from its `exp` second on; so does the cache.
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
      this.verified.set(token, claims);
      return claims;
    } catch (e) {
      if (e instanceof errors.JOSEError || e instanceof TypeError) return undefined;
      throw e;
    }
  }
}

/**
 * The configured secret, or the one stored in the database (created once, race-safe). The stored
 * one is encrypted under the data key (docs/personal-data.md), so the database alone does not give
 * it away; one stored in clear by an earlier version is encrypted in place.
 */
export async function resolveTokenSecret(
  db: Db,
  configured: string | undefined,
  key: DataKey = dataKeyOf(db),
): Promise<string> {
  if (configured) return configured;
  const read = async () => {
    const row = await db.setting.findUnique({ where: { key: TOKEN_SECRET_SETTING } });
    if (!row) return undefined;
    if (isEncrypted(row.value)) return openTokenSecret(key, row.value);
    // Written in clear by an earlier version: encrypt it where it is (only if still in clear).
    await db.setting.updateMany({
      where: { key: TOKEN_SECRET_SETTING, value: row.value },
      data: { value: sealTokenSecret(key, row.value) },
    });
    return row.value;
  };
  const existing = await read();
  if (existing !== undefined) return existing;
  try {
    await db.setting.create({
      data: { key: TOKEN_SECRET_SETTING, value: sealTokenSecret(key, randomBytes(32).toString("base64url")) },
    });
  } catch {
    // another node created it first: use theirs
  }
  const stored = await read();
  if (stored === undefined) throw new Error("The token signing secret could not be stored.");
  return stored;
}
