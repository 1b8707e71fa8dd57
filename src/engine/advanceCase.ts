// Advancing a case by one event: load → authorise → validate (./advanceChecks.ts) → the pure
// transition → plan the one write → commit it: the case is updated only if its version is still
// the one read, and the event appended (group-committed with the other advances of the moment,
// src/engine/store.ts); a lost race is explained.
import type { CaseMachineModule } from "../../machines/types.ts";
import { nextFrom, persist } from "../../machines/runtime.ts";
import { nextDeadlines, nextDueOn } from "../deadlines/index.ts";
import { Problem, problems } from "../problems.ts";
import { recordableEvents } from "./access.ts";
import { authorise, validate, type Advance, type AdvanceInput, type ValidAdvance } from "./advanceChecks.ts";
import { parseLimits } from "./agencyLimits.ts";
import type { Actor, EngineContext } from "./context.ts";
import { stateChanged, type CaseEventRow } from "./eventLog.ts";
import { storedAnswer, type IdempotentWrite } from "./idempotency.ts";
import { moduleOf } from "./machineCatalog.ts";
import { loadCase } from "./readCase.ts";
import { plannedRecordAppends, type RecordAppend } from "./recordEffects.ts";
import { indexedUnchanged, storeFor, type CaseWrite } from "./store.ts";
import type { CaseWithAgencies } from "./types.ts";

export type { AdvanceInput } from "./advanceChecks.ts";

type AdvanceOptions = { ifMatch?: number; idempotency?: IdempotentWrite };
type Advanced = { case: CaseWithAgencies; eventSeq: number };

export async function advanceCase(
  ctx: EngineContext,
  actor: Actor,
  caseId: string,
  input: AdvanceInput,
  opts: AdvanceOptions = {},
): Promise<Advanced> {
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
  opts: AdvanceOptions,
): Promise<Advanced> {
  const c = await loadCase(ctx, caseId);
  const mod = moduleOf(ctx, c);
  const sides = authorise(actor, c, opts.ifMatch);
  const a: Advance = { ctx, actor, c, mod, sides, input };
  const valid = await validate(a);
  const next = transition(a, valid);
  const records = await plannedRecordAppends(ctx, mod, c, {
    type: input.type,
    occurredOn: valid.occurredOn,
    payload: valid.payload,
  });
  const planned = planWrite(a, valid, caseDataAfter(a, next, valid.occurredOn), opts.idempotency, records);
  return commit(a, planned, opts);
}

/** The pure machine step. The guards run once: an event they refuse comes back unchanged, answered 409. */
function transition(a: Advance, v: ValidAdvance) {
  const { mod, c, input } = a;
  const next = nextFrom(mod, v.snapshot, { ...v.payload, type: input.type, occurredOn: v.occurredOn });
  if (next.changed) return next;
  throw new Problem(409, "refused-by-rule", "Refused by the rules", refusalDetail(mod, c.state, input.type), {
    state: c.state,
    allowedEvents: recordableEvents(mod, v.defined, a.sides, a.actor),
  });
}

function refusalDetail(mod: CaseMachineModule, state: string, type: string): string {
  const why = mod.refusals?.[type];
  return why ? `${type} is refused in state ${state}: ${why}` : `${type} is refused by the rules in state ${state}.`;
}

/** The case's columns after the event: state, snapshot, version, due dates, the step instance. */
function caseDataAfter(a: Advance, next: ReturnType<typeof transition>, occurredOn: string): CaseWrite["data"] {
  const { ctx, mod, c } = a;
  const stored = persist(next.snapshot);
  const toState = next.state;
  const deadlines = nextDeadlines({
    module: mod,
    calendar: ctx.calendar,
    previous: {
      stepDueOn: c.stepDueOn,
      dueOn: c.dueOn,
      provisional: c.provisional,
      stepStartedOn: c.stepStartedOn,
      overallStartedOn: c.overallStartedOn,
    },
    fromState: c.state,
    toState,
    eventType: a.input.type,
    occurredOn,
    limitsFor: (side) => parseLimits((side === "transferOut" ? c.fromAgency : c.toAgency).limits),
  });
  const version = c.version + 1;
  // The step instance: the seq of the event that started the running step clock (a new clock
  // starts exactly when nextDeadlines starts one). Deadline notices are keyed on it.
  const stepSeq =
    deadlines.stepStartedOn === null
      ? null
      : toState !== c.state || c.stepStartedOn === null
        ? version
        : (c.stepSeq ?? version);
  const final = stored.status === "done";
  return {
    state: toState,
    snapshot: JSON.stringify(stored),
    version,
    actingSide: mod.states[toState].side,
    ...deadlines,
    nextDueOn: nextDueOn(deadlines, final),
    stepSeq,
    final,
    lastOccurredOn: occurredOn,
  };
}

/** The one write of the advance: the case as it will be, its event, the message of a new state, the stored answer. */
function planWrite(
  a: Advance,
  v: ValidAdvance,
  data: CaseWrite["data"],
  idem: IdempotentWrite | undefined,
  records: RecordAppend[],
) {
  const { c, actor, input } = a;
  const after: CaseWithAgencies = { ...c, ...data, updatedAt: new Date() };
  const event: CaseEventRow = {
    caseId: c.id,
    seq: data.version,
    type: input.type,
    payload: JSON.stringify(v.payload),
    fromState: c.state,
    toState: data.state,
    actorKind: actor.kind,
    actorId: actor.userId,
    actorName: actor.username,
    occurredOn: v.occurredOn,
    stepDueOn: c.stepDueOn,
    backdateReason: v.backdateReason,
  };
  const messages = data.state !== c.state ? [stateChanged(after, event)] : [];
  const write: CaseWrite = {
    caseId: c.id,
    caseType: c.type,
    expectedVersion: c.version,
    indexedUnchanged: indexedUnchanged(c, data),
    data,
    event,
    messages,
    ...(records.length > 0 ? { records } : {}),
    idempotency: idem && storedAnswer(idem, after),
  };
  return { after, write };
}

/**
 * Submits the write (committed together with the other advances that arrive meanwhile, each under
 * its own version check) and answers for it: the case, or why it was not written.
 */
async function commit(a: Advance, planned: ReturnType<typeof planWrite>, opts: AdvanceOptions): Promise<Advanced> {
  const outcome = await storeFor(a.ctx.db).writer.submit(planned.write);
  if (outcome === "committed") return { case: planned.after, eventSeq: planned.write.data.version };
  if (outcome === "duplicate")
    throw problems.conflict("The same request (Idempotency-Key) was completed at the same time.");
  throw await explainConflict(a.ctx, a.c, opts.ifMatch);
}

/** Another change got in first: 412 with If-Match, else 409 with the case as it is now (retried when only system notes got in). */
async function explainConflict(ctx: EngineContext, c: CaseWithAgencies, ifMatch: number | undefined) {
  const current = await storeFor(ctx.db).loaders.caseById.load(c.id);
  if (ifMatch !== undefined) return problems.preconditionFailed(current?.version ?? c.version);
  const problem = problems.conflict(
    `Another change was recorded on this case at the same time; it is now in state ${current?.state} (version ${current?.version}). Reload and try again.`,
    { currentVersion: current?.version, state: current?.state },
  );
  if (current && current.state === c.state) {
    const since = await ctx.db.caseEvent.findMany({
      where: { caseId: c.id, seq: { gt: c.version } },
      select: { actorKind: true },
    });
    if (since.length > 0 && since.every((e) => e.actorKind === "system")) return new SystemNoteConflict(problem);
  }
  return problem;
}
