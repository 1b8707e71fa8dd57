// Who may read a case and record which of its events: staff by the side their agency stands on,
// administrators read everything and record nothing.
import type { Case } from "../generated/prisma/client.ts";
import type { CaseMachineModule, RecordingSide } from "../../machines/types.ts";
import { eventsDefinedIn, restore } from "../../machines/runtime.ts";
import { problems } from "../problems.ts";
import { moduleOf } from "./machineCatalog.ts";
import type { Actor, EngineContext } from "./context.ts";
import type { CaseWithAgencies } from "./types.ts";
import { clientMay } from "./apiClients.ts";

/** The sides of a case the actor's agency stands on (both when one agency handles both ends). */
export function sidesOf(actor: Actor, c: Pick<Case, "fromAgencyId" | "toAgencyId">): RecordingSide[] {
  if ((actor.kind !== "staff" && actor.kind !== "client") || actor.agencyId === null) return [];
  const sides: RecordingSide[] = [];
  if (c.fromAgencyId === actor.agencyId) sides.push("transferOut");
  if (c.toAgencyId === actor.agencyId) sides.push("transferIn");
  if (sides.length > 0) sides.push("agency");
  return sides;
}

/** Staff read the cases of their own agency; administrators read every case. */
export function assertCanRead(actor: Actor, c: Pick<Case, "fromAgencyId" | "toAgencyId">): void {
  if (actor.kind === "admin") return;
  if (sidesOf(actor, c).length === 0) throw problems.forbidden("This case belongs to other agencies.");
}

/**
 * Of the events defined in a case's state (`defined`), those this actor may record: recorded by a
 * side its agency stands on and, for an API client, within its scope. The one answer to "what may
 * I record now": the case view, the console's hints and an advance's 409 answers all use it.
 */
export function recordableEvents(
  mod: CaseMachineModule,
  defined: readonly string[],
  sides: readonly RecordingSide[],
  actor: Actor,
): string[] {
  return defined.filter((t) => mod.events[t].recordedBy.some((s) => sides.includes(s)) && clientMay(actor, t));
}

/** Events this actor may record on this case now (recordableEvents of the case's current state). */
export function allowedEventsFor(ctx: EngineContext, c: CaseWithAgencies, actor: Actor): string[] {
  const mod = moduleOf(ctx, c);
  const sides = sidesOf(actor, c);
  if (sides.length === 0) return [];
  return recordableEvents(mod, eventsDefinedIn(mod, restore(mod, c.snapshot)), sides, actor);
}
