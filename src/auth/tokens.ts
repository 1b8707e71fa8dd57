// Bearer tokens: short-lived HS256 JWTs. The signing secret is shared by every node
// (TOKEN_SECRET, or one generated once and kept in the database), so any node accepts
// a token another node issued. Disabling a user takes effect at once because every
// request re-reads the user (see api/auth.ts).
import { SignJWT, jwtVerify, errors } from "jose";
import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.ts";

export interface TokenClaims {
  userId: number;
  role: "staff" | "admin";
}

export class TokenService {
  private readonly key: Uint8Array;
  constructor(secret: string, private readonly ttlMinutes: number) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.ttlMinutes * 60_000);
    const token = await new SignJWT({ role: claims.role })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(claims.userId))
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** The claims of a valid, unexpired token, or undefined. */
  async verify(token: string): Promise<TokenClaims | undefined> {
    try {
      // A token without an expiry is never accepted, whoever signed it.
      const { payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], requiredClaims: ["exp", "sub"] });
      const userId = Number(payload.sub);
      if (!Number.isSafeInteger(userId) || (payload.role !== "staff" && payload.role !== "admin")) return undefined;
      return { userId, role: payload.role };
    } catch (e) {
      if (e instanceof errors.JOSEError || e instanceof TypeError) return undefined;
      throw e;
    }
  }
}

/** The configured secret, or the one stored in the database (created once, race-safe). */
export async function resolveTokenSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const existing = await db.setting.findUnique({ where: { key: "tokenSecret" } });
  if (existing) return existing.value;
  try {
    await db.setting.create({ data: { key: "tokenSecret", value: randomBytes(32).toString("base64url") } });
  } catch {
    // another node created it first: use theirs
  }
  return (await db.setting.findUniqueOrThrow({ where: { key: "tokenSecret" } })).value;
}
