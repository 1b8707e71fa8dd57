// Advancing a case by one event: load → authorize → validate → pure transition → one write that
// updates the case only if its version is still the one read, and appends the event
// (group-committed with the other advances of the moment, src/engine/store.ts).
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/client.ts";
import { directSqlOf } from "../db/client.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { eventsDefinedIn, nextFrom, persist, restore } from "../../machines/runtime.ts";
import { nextDeadlines, nextDueOn, type CaseDeadlines } from "../deadlines/index.ts";
import { fieldErrorsOf, Problem, problems, type FieldError } from "../problems.ts";
import { sidesOf } from "./access.ts";
import { moduleOf } from "./machineCatalog.ts";
import { parseLimits } from "./agencyLimits.ts";
import { caseRef } from "./caseRef.ts";
import type { Actor, EngineContext } from "./context.ts";
import type { IdempotentWrite } from "./idempotency.ts";
import { checkBackdateReason, checkOccurredOn } from "./occurredOn.ts";
import { unsafeCharacter, unsafeTextMessage } from "../domain/text.ts";
import { loadCase } from "./readCase.ts";
import { computedPayloadFor } from "./computedPayloads.ts";
import type { z } from "zod";
import { assertRequiredDocuments } from "./caseFiles.ts";
import { clientMay } from "./apiClients.ts";
import { indexedUnchanged, storeFor } from "./store.ts";
import { checkApplicant } from "./parties.ts";
import type { CaseWithAgencies } from "./types.ts";

export interface AdvanceInput {
  type: string;
  occurredOn?: unknown;
  /** why an act dated more than ctx.backdateReasonAfterWorkingDays working days ago is recorded only now */
  backdateReason?: unknown;
  payload: Record<string, unknown>;
}

export async function advanceCase(
  ctx: EngineContext,
  actor: Actor,
  caseId: string,
  input: AdvanceInput,
  opts: { ifMatch?: number; idempotency?: IdempotentWrite } = {},
): Promise<{ case: CaseWithAgencies; eventSeq: number }> {
  // A note the service itself recorded meanwhile (a missed deadline, recomputed dates) changes
  // neither the state nor anything the clerk decided on: without If-Match, try again on the new
  // version rather than send the clerk back. A change by another person is a real conflict.
  for (let attempt = 1; ; attempt++) {
    try {
      return await advanceOnce(ctx, actor, caseId, input, opts);
    } catch (e) {
      if (!(e instanceof SystemNoteConflict)) throw e;
      if (attempt >= 3) throw e.problem;
    }
  }
}

class SystemNoteConflict extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

async function advanceOnce(
  ctx: EngineContext,
  actor: Actor,
  caseId: string,
  input: AdvanceInput,
  opts: { ifMatch?: number; idempotency?: IdempotentWrite },
): Promise<{ case: CaseWithAgencies; eventSeq: number }> {
  const c = await loadCase(ctx, caseId);
  const mod = moduleOf(ctx, c);

  if (actor.kind !== "staff" && actor.kind !== "client")
    throw problems.forbidden("Only agency staff record events on cases.");
  const sides = sidesOf(actor, c);
  if (sides.length === 0) throw problems.forbidden("This case belongs to other agencies.");
  if (opts.ifMatch !== undefined && opts.ifMatch !== c.version) throw problems.preconditionFailed(c.version);

  // Own keys only: "constructor" or "__proto__" must not find Object.prototype members.
  const spec = Object.hasOwn(mod.events, input.type) ? mod.events[input.type] : undefined;
  if (!spec) {
    throw problems.invalid([
      { path: "type", message: `unknown event type for a ${c.type} case: ${String(input.type)}` },
    ]);
  }
  const snapshot = restore(mod, c.snapshot);
  const definedHere = eventsDefinedIn(mod, snapshot);
  if (!definedHere.includes(input.type)) {
    const mine = definedHere.filter((t) => mod.events[t].recordedBy.some((s) => sides.includes(s)));
    throw problems.notAllowedNow(`${input.type} is not allowed in state ${c.state}.`, mine, c.state);
  }
  if (!clientMay(actor, input.type)) throw problems.forbidden(`This API client may not record ${input.type}.`);
  if (!spec.recordedBy.some((s) => sides.includes(s))) {
    throw problems.forbidden(`${input.type} is recorded by the ${spec.recordedBy.join(" or ")} agency, not by yours.`);
  }
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

  await assertRequiredDocuments(ctx, actor, c, input.type);
  await checkEventLimit(ctx, c, input.type, spec.maxPerCase);
  const parsed = hook ? recordedPayload(spec, await hook.compute(ctx, c, requested.data)) : requested;

  const event = { ...parsed.data, type: input.type, occurredOn };
  // The guards run once: a refused event comes back unchanged.
  const next = nextFrom(mod, snapshot, event);
  if (!next.changed) {
    const allowed = definedHere.filter((t) => mod.events[t].recordedBy.some((s) => sides.includes(s)));
    throw new Problem(409, "refused-by-rule", "Refused by the rules", refusalDetail(mod, c.state, input.type), {
      state: c.state,
      allowedEvents: allowed,
    });
  }
  const stored = persist(next.snapshot);
  const toState = next.state;
  const previous: CaseDeadlines = {
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    provisional: c.provisional,
    stepStartedOn: c.stepStartedOn,
    overallStartedOn: c.overallStartedOn,
  };
  const deadlines = nextDeadlines({
    module: mod,
    calendar: ctx.calendar,
    previous,
    fromState: c.state,
    toState,
    eventType: input.type,
    occurredOn,
    limitsFor: (side) => parseLimits((side === "transferOut" ? c.fromAgency : c.toAgency).limits),
  });
  const newVersion = c.version + 1;
  // The step instance: the seq of the event that started the running step clock (a new clock
  // starts exactly when nextDeadlines starts one). Deadline notices are keyed on it.
  const stepSeq =
    deadlines.stepStartedOn === null
      ? null
      : toState !== c.state || c.stepStartedOn === null
        ? newVersion
        : (c.stepSeq ?? newVersion);

  const final = stored.status === "done";
  const data = {
    state: toState,
    snapshot: JSON.stringify(stored),
    version: newVersion,
    actingSide: mod.states[toState].side,
    ...deadlines,
    nextDueOn: nextDueOn(deadlines, final),
    stepSeq,
    final,
    lastOccurredOn: occurredOn,
  };
  const after: CaseWithAgencies = { ...c, ...data, updatedAt: new Date() };
  const idem = opts.idempotency;
  const response = idem?.respond(after);
  // Committed together with the other advances that arrive meanwhile (src/engine/store.ts), each
  // under its own version check.
  const outcome = await storeFor(ctx.db).writer.submit({
    caseId: c.id,
    caseType: c.type,
    expectedVersion: c.version,
    indexedUnchanged: indexedUnchanged(c, data),
    data,
    event: {
      seq: newVersion,
      type: input.type,
      payload: JSON.stringify(parsed.data),
      fromState: c.state,
      toState,
      actorKind: actor.kind,
      actorId: actor.userId,
      actorName: actor.username,
      occurredOn,
      stepDueOn: c.stepDueOn,
      backdateReason,
    },
    messages:
      toState !== c.state
        ? [
            {
              id: randomUUID(),
              input: {
                kind: "case.state_changed",
                case: caseRef(after),
                event: { seq: newVersion, type: input.type, fromState: c.state, toState, occurredOn },
              },
            },
          ]
        : [],
    idempotency:
      idem && response
        ? {
            scope: idem.scope,
            key: idem.key,
            fingerprint: idem.fingerprint,
            status: response.status,
            body: JSON.stringify(response.body),
          }
        : undefined,
  });
  if (outcome === "committed") return { case: after, eventSeq: newVersion };
  if (outcome === "duplicate")
    throw problems.conflict("The same request (Idempotency-Key) was completed at the same time.");
  const current = await storeFor(ctx.db).loaders.caseById.load(c.id);
  if (opts.ifMatch !== undefined) throw problems.preconditionFailed(current?.version ?? c.version);
  const problem = problems.conflict(
    `Another change was recorded on this case at the same time; it is now in state ${current?.state} (version ${current?.version}). Reload and try again.`,
    { currentVersion: current?.version, state: current?.state },
  );
  if (current && current.state === c.state) {
    const since = await ctx.db.caseEvent.findMany({
      where: { caseId: c.id, seq: { gt: c.version } },
      select: { actorKind: true },
    });
    if (since.length > 0 && since.every((e) => e.actorKind === "system")) throw new SystemNoteConflict(problem);
  }
  throw problem;
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
  return r;
}

function refusalDetail(mod: CaseMachineModule, state: string, type: string): string {
  const why = mod.refusals?.[type];
  return why ? `${type} is refused in state ${state}: ${why}` : `${type} is refused by the rules in state ${state}.`;
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
