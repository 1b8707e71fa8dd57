// Who a signed-in user is now: the token says who, the database says whether they may still act.
import DataLoader from "dataloader";
import { Prisma } from "../generated/prisma/client.ts";
import type { User } from "../generated/prisma/client.ts";
import { directSqlOf, type Db } from "../db/client.ts";
import type { Actor } from "./context.ts";

/** What a token presented with a request claims (src/auth/tokens.ts). */
export interface TokenIdentity {
  userId: number;
  /** the token's id: a logged-out token is listed in RevokedToken until it expires */
  jti: string;
  /** User.tokenVersion when the token was issued: raised by a reset, disable, role or own change */
  version: number;
}

/**
 * The actor behind a token, or why it may not act: the account is disabled or gone, or the token
 * has ended (logged out, or the password, role or account status changed since it was issued).
 * Batched with the other lookups of this turn of the event loop and never cached, so such a token
 * is refused on its very next request, on every node.
 */
export async function activeActor(
  db: Db,
  token: TokenIdentity,
): Promise<{ actor: Actor } | { refused: "account" | "token" }> {
  const holder = await tokenHoldersOf(db).load(token);
  const user = holder?.user;
  if (!user || user.disabled) return { refused: "account" };
  if (holder.revoked || Number(user.tokenVersion) !== token.version) return { refused: "token" };
  return {
    actor: { kind: user.role as Actor["kind"], userId: user.id, username: user.username, agencyId: user.agencyId },
  };
}

type TokenUser = Pick<User, "id" | "username" | "role" | "agencyId" | "disabled" | "tokenVersion">;
interface TokenHolder {
  user: TokenUser;
  /** the token is listed in RevokedToken (logged out) */
  revoked: boolean;
}

const holderLoaders = new WeakMap<Db, DataLoader<TokenIdentity, TokenHolder | undefined, string>>();
const keyOf = (userId: unknown, jti: unknown) => `${String(userId)}\u0000${String(jti)}`;

/**
 * The user behind each token presented in this turn of the event loop and whether the token was
 * revoked, in ONE statement: the (user, token id) pairs as a VALUES list, joined with User and
 * left-joined with RevokedToken (it was two batched reads, one per table). Never cached.
 */
function tokenHoldersOf(db: Db) {
  let loader = holderLoaders.get(db);
  if (loader) return loader;
  const sql = directSqlOf(db);
  loader = new DataLoader<TokenIdentity, TokenHolder | undefined, string>(
    async (tokens) => {
      const pairs = tokens.map((t) => Prisma.sql`(CAST(${t.userId} AS INTEGER), CAST(${t.jti} AS TEXT))`);
      const rows = await sql.query<TokenUser & { k_jti: string; revokedJti: string | null }>(
        Prisma.sql`WITH k ("userId", "jti") AS (VALUES ${Prisma.join(pairs)})
          SELECT u."id", u."username", u."role", u."agencyId", u."disabled", u."tokenVersion",
            k."jti" AS "k_jti", r."jti" AS "revokedJti"
          FROM k JOIN "User" u ON u."id" = k."userId" LEFT JOIN "RevokedToken" r ON r."jti" = k."jti"`,
      );
      const found = new Map<string, TokenHolder>();
      for (const { k_jti, revokedJti, ...user } of rows)
        found.set(keyOf(user.id, k_jti), { user, revoked: revokedJti !== null });
      return tokens.map((t) => found.get(keyOf(t.userId, t.jti)));
    },
    {
      cache: false,
      batchScheduleFn: (cb) => setImmediate(cb),
      maxBatchSize: 200,
      cacheKeyFn: (t) => keyOf(t.userId, t.jti),
    },
  );
  holderLoaders.set(db, loader);
  return loader;
}
