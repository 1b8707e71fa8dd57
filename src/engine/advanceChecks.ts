// The checks of an advance before the machine runs (./advanceCase.ts): who may record on the case
// (authorise), then whether this event and this request may be recorded now (validate). In the
// order the answers depend on: the first failing check gives the problem.
import type { z } from "zod";
import type { AnyMachineSnapshot } from "xstate";
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf } from "../db/client.ts";
import type { CaseMachineModule, EventSpec, RecordingSide } from "../../machines/types.ts";
import { eventsDefinedIn, restore } from "../../machines/runtime.ts";
import { fieldErrorsOf, Problem, problems, type FieldError } from "../problems.ts";
import { unsafeCharacter, unsafeTextMessage } from "../domain/text.ts";
import { recordableEvents, sidesOf } from "./access.ts";
import { clientMay } from "./apiClients.ts";
import { assertRequiredDocuments } from "./caseFiles.ts";
import { computedPayloadFor } from "./computedPayloads.ts";
import type { Actor, EngineContext } from "./context.ts";
import { checkBackdateReason, checkOccurredOn } from "./occurredOn.ts";
import { checkApplicant } from "./parties.ts";
import type { CaseWithAgencies } from "./types.ts";

export interface AdvanceInput {
  type: string;
  occurredOn?: unknown;
  /** why an act dated more than ctx.backdateReasonAfterWorkingDays working days ago is recorded only now */
  backdateReason?: unknown;
  payload: Record<string, unknown>;
}

/** What every step of an advance knows: who acts, on which case as read, under which machine. */
export interface Advance {
  ctx: EngineContext;
  actor: Actor;
  c: CaseWithAgencies;
  mod: CaseMachineModule;
  /** the sides of the case the actor's agency stands on (authorise) */
  sides: RecordingSide[];
  input: AdvanceInput;
}

/** What validate found: the machine's snapshot as read, the events defined in it, and the event to record. */
export interface ValidAdvance {
  snapshot: AnyMachineSnapshot;
  defined: string[];
  /** the payload to record (computed by the service for some events) */
  payload: Record<string, unknown>;
  occurredOn: string;
  backdateReason: string | null;
}

/**
 * Agency staff or an API client, of one of the case's agencies, on the version it read (If-Match).
 * Returns the sides of the case the actor stands on.
 */
export function authorise(actor: Actor, c: CaseWithAgencies, ifMatch: number | undefined): RecordingSide[] {
  if (actor.kind !== "staff" && actor.kind !== "client")
    throw problems.forbidden("Only agency staff record events on cases.");
  const sides = sidesOf(actor, c);
  if (sides.length === 0) throw problems.forbidden("This case belongs to other agencies.");
  if (ifMatch !== undefined && ifMatch !== c.version) throw problems.preconditionFailed(c.version);
  return sides;
}

/** Whether this event, with this request, may be recorded on the case now (everything but the machine's guards). */
export async function validate(a: Advance): Promise<ValidAdvance> {
  const { spec, snapshot, defined } = checkEvent(a);
  const request = checkRequest(a, spec);
  await assertRequiredDocuments(a.ctx, a.actor, a.c, a.input.type);
  await checkEventLimit(a.ctx, a.c, a.input.type, spec.maxPerCase);
  const payload = request.hook
    ? recordedPayload(spec, await request.hook.compute(a.ctx, a.c, request.payload, { occurredOn: request.occurredOn }))
    : request.payload;
  return { snapshot, defined, payload, occurredOn: request.occurredOn, backdateReason: request.backdateReason };
}

/** The event type: known to the case's machine, defined in its state, in an API client's scope, recorded by the actor's side. */
function checkEvent(a: Advance) {
  const { mod, c, actor, sides, input } = a;
  // Own keys only: "constructor" or "__proto__" must not find Object.prototype members.
  const spec = Object.hasOwn(mod.events, input.type) ? mod.events[input.type] : undefined;
  if (!spec) {
    throw problems.invalid([
      { path: "type", message: `unknown event type for a ${c.type} case: ${String(input.type)}` },
    ]);
  }
  const snapshot = restore(mod, c.snapshot);
  const defined = eventsDefinedIn(mod, snapshot);
  if (!defined.includes(input.type)) {
    const allowed = recordableEvents(mod, defined, sides, actor);
    throw problems.notAllowedNow(`${input.type} is not allowed in state ${c.state}.`, allowed, c.state);
  }
  if (!clientMay(actor, input.type)) throw problems.forbidden(`This API client may not record ${input.type}.`);
  if (!spec.recordedBy.some((s) => sides.includes(s))) {
    throw problems.forbidden(`${input.type} is recorded by the ${spec.recordedBy.join(" or ")} agency, not by yours.`);
  }
  return { spec, snapshot, defined };
}

/** The request itself: its payload, free text, applicant, the act's date and a backdate's reason. */
function checkRequest(a: Advance, spec: EventSpec) {
  const { ctx, c, mod, input } = a;
  // Some events' recorded payload is computed by the service from the request (./computedPayloads.ts).
  const hook = computedPayloadFor(mod, input.type);
  const requested = (hook?.request ?? spec.payload).safeParse(input.payload);
  if (!requested.success) throw problems.invalid(fieldErrorsOf(requested.error.issues));
  // Free text in a payload (a refusal or withdrawal reason) is read back by people: checked here,
  // before the machine sees it, so the machines' payload schemas (and versions) stay as they are.
  const unsafe = unsafePayloadText(requested.data);
  if (unsafe) throw problems.invalid([unsafe]);
  // Who may file follows the case's scheme (a case column, not the machine's payload).
  checkApplicant(c, input.type, requested.data);
  const occurredOn = checkOccurredOn(ctx, input.occurredOn, c.lastOccurredOn);
  const backdateReason = checkBackdateReason(ctx, occurredOn, input.backdateReason);
  return { hook, payload: requested.data, occurredOn, backdateReason };
}

/**
 * Repeatable events are bounded per case (EventSpec.maxPerCase, docs/limits.md). The count is of
 * the events committed up to the version read or later, never fewer: the write's version check
 * refuses the advance if another one got in between.
 */
async function checkEventLimit(ctx: EngineContext, c: CaseWithAgencies, type: string, maxPerCase: number | undefined) {
  if (maxPerCase === undefined) return;
  // Hand-written SQL on the client's own adapter, as the rest of the advance's reads: the ORM's
  // per-call cost would be most of this check (see docs/performance.md).
  const [row] = await directSqlOf(ctx.db).query<{ n: number | bigint | string }>(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM "CaseEvent" WHERE "caseId" = ${c.id} AND "type" = ${type}`,
  );
  const recorded = Number(row?.n ?? 0);
  if (recorded < maxPerCase) return;
  throw new Problem(
    409,
    "event-limit-reached",
    "Event limit reached",
    `${type} may be recorded at most ${maxPerCase} times on one case, and this case has ${recorded}.`,
    { eventType: type, maxPerCase, recorded, state: c.state },
  );
}

/** A computed payload must pass the machine's own schema: otherwise the service is wrong, not the clerk. */
function recordedPayload(spec: { payload: z.ZodObject }, payload: Record<string, unknown>) {
  const r = spec.payload.safeParse(payload);
  if (!r.success) throw new Error(`computed payload does not match the event schema: ${r.error.message}`);
  return r.data;
}

/** The first string field of a validated payload with a refused character (src/domain/text.ts). */
function unsafePayloadText(payload: unknown): FieldError | undefined {
  if (payload === null || typeof payload !== "object") return undefined;
  for (const [key, value] of Object.entries(payload)) {
    const bad = typeof value === "string" ? unsafeCharacter(value, { multiline: true }) : undefined;
    if (bad) return { path: key, message: unsafeTextMessage(bad) };
  }
  return undefined;
}
