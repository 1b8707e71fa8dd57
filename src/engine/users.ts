// Who a signed-in user is now: the token says who, the database says whether they may still act.
import type { Db } from "../db/client.ts";
import type { Actor } from "./context.ts";
import { storeFor } from "./store.ts";

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
  const loaders = storeFor(db).loaders;
  const [user, revoked] = await Promise.all([
    loaders.userById.load(token.userId),
    loaders.revokedToken.load(token.jti),
  ]);
  if (!user || user.disabled) return { refused: "account" };
  if (revoked || Number(user.tokenVersion) !== token.version) return { refused: "token" };
  return {
    actor: { kind: user.role as Actor["kind"], userId: user.id, username: user.username, agencyId: user.agencyId },
  };
}
