// Stored answers of idempotent writes (Idempotency-Key): written in the transaction of the change
// they describe, found again by a retry (src/api/idempotency.ts handles the header).
import type { Prisma } from "../generated/prisma/client.ts";
import type { EngineContext } from "./context.ts";
import type { CaseWithAgencies } from "./types.ts";

export interface IdempotentWrite {
  scope: string;
  key: string;
  fingerprint: string;
  /** builds the response stored under the key, inside the transaction that writes the event */
  respond: (c: CaseWithAgencies) => { status: number; body: unknown };
}

/** The IdempotencyKey row that stores `idem`'s answer for the case as the change leaves it. */
export function storedAnswer(idem: IdempotentWrite, c: CaseWithAgencies) {
  const { status, body } = idem.respond(c);
  return { scope: idem.scope, key: idem.key, fingerprint: idem.fingerprint, status, body: JSON.stringify(body) };
}

/** Stores the answer inside the transaction of the change (a case opening; advances go through the group committer). */
export async function storeIdempotent(tx: Prisma.TransactionClient, idem: IdempotentWrite, c: CaseWithAgencies) {
  await tx.idempotencyKey.create({ data: storedAnswer(idem, c) });
}

export async function findIdempotent(ctx: EngineContext, idem: Pick<IdempotentWrite, "scope" | "key">) {
  return ctx.db.idempotencyKey.findUnique({ where: { scope_key: { scope: idem.scope, key: idem.key } } });
}
