// Reading one case with both its agencies.
import { problems } from "../problems.ts";
import type { EngineContext } from "./context.ts";
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
