// Who a signed-in user is now: the token says who, the database says whether they may still act.
import type { Db } from "../db/client.ts";
import type { Actor } from "./context.ts";
import { storeFor } from "./store.ts";

/**
 * The actor of user `userId`, or null when the account is disabled or no longer exists. Batched
 * with the other lookups of this turn of the event loop and never cached, so a disabled account
 * is refused on its very next request, on every node.
 */
export async function activeActor(db: Db, userId: number): Promise<Actor | null> {
  const user = await storeFor(db).loaders.userById.load(userId);
  if (!user || user.disabled) return null;
  return { kind: user.role as Actor["kind"], userId: user.id, username: user.username, agencyId: user.agencyId };
}
