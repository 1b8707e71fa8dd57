// Reading one case with both its agencies, and its event log.
import type { CaseEvent } from "../generated/prisma/client.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { problems } from "../problems.ts";
import { assertCanRead, sidesOf } from "./access.ts";
import type { Actor, EngineContext } from "./context.ts";
import { moduleOf } from "./machineCatalog.ts";
import { storeFor } from "./store.ts";
import type { CaseWithAgencies } from "./types.ts";

/** The case, through the request-batching loader; a 404 problem when there is none. */
export async function loadCase(ctx: EngineContext, id: string): Promise<CaseWithAgencies> {
  const c = await storeFor(ctx.db).loaders.caseById.load(id);
  if (!c) throw problems.notFound("The case");
  return c;
}

/** The case as it is in the database now, through the ORM (the background jobs' read); null when there is none. */
export function findCase(ctx: EngineContext, id: string): Promise<CaseWithAgencies | null> {
  return ctx.db.case.findUnique({ where: { id }, include: { fromAgency: true, toAgency: true } });
}

/** The case if the actor may read it (src/engine/access.ts): 404 when there is none, 403 when it is not theirs. */
export async function readableCase(ctx: EngineContext, actor: Actor, id: string): Promise<CaseWithAgencies> {
  const c = await loadCase(ctx, id);
  assertCanRead(actor, c);
  return c;
}

/** The case if it is one of the actor's agency's own (administrators too get 403): for its documents and previews. */
export async function ownAgencyCase(ctx: EngineContext, actor: Actor, id: string): Promise<CaseWithAgencies> {
  const c = await loadCase(ctx, id);
  if (sidesOf(actor, c).length === 0) throw problems.forbidden("This case belongs to other agencies.");
  return c;
}

/**
 * A page of a readable case's events, oldest first: `limit` events after the seq `after`, with the
 * case's machine (for their labels) and the seq to continue after while more follow.
 */
export async function caseEventPage(
  ctx: EngineContext,
  actor: Actor,
  id: string,
  page: { after: number; limit: number },
): Promise<{ machine: CaseMachineModule; items: CaseEvent[]; nextCursor: string | null }> {
  const c = await readableCase(ctx, actor, id);
  const machine = moduleOf(ctx, c);
  const events = await ctx.db.caseEvent.findMany({
    where: { caseId: c.id, seq: { gt: page.after } },
    orderBy: { seq: "asc" },
    take: page.limit + 1,
  });
  const items = events.slice(0, page.limit);
  return { machine, items, nextCursor: events.length > page.limit ? String(items.at(-1)!.seq) : null };
}
