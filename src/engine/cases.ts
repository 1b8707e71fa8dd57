// The case engine: open a case, advance it by one event, read it.
// An advance is load → authorize → validate → pure transition → one transaction that
// updates the case only if its version is still the one we read, and appends the event.
import { randomUUID, randomInt } from "node:crypto";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Case, Agency } from "../generated/prisma/client.ts";
import type { CaseMachineModule, RecordingSide } from "../../machines/types.ts";
import { caseTypeInfo, caseTypes, type CaseType } from "../../machines/index.ts";
import { initialSnapshot, nextFrom, allowedEvents as eventsDefinedIn, persist, restore } from "../../machines/runtime.ts";
import { nextDeadlines, nextDueOn, type CaseDeadlines, type AgencyLimits } from "../deadlines/index.ts";
import { isChinaDate } from "../calendar/index.ts";
import { Problem, problems, type FieldError } from "../problems.ts";
import { enqueueMessage, outboxWritten, type CaseRef } from "../notifications/outbox.ts";
import { indexedUnchanged, storeFor } from "./store.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Actor, EngineContext } from "./context.ts";

export type CaseWithAgencies = Case & { fromAgency: Agency; toAgency: Agency };

/** Event type of a case's first event: opening the case is recorded like every other change. */
export const CASE_OPENED = "CASE_OPENED";
/**
 * System events (actorKind "system", fromState = toState): notes on the clock that do not move the
 * machine. They bump the case version like any event but never its lastOccurredOn, so they never
 * stop staff from dating an act before them (src/jobs/).
 */
export const DEADLINE_MISSED = "DEADLINE_MISSED";
export const DEADLINES_RECOMPUTED = "DEADLINES_RECOMPUTED";

/** What notifications may say about a case (no personal data). */
export function caseRef(c: CaseWithAgencies): CaseRef {
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type,
    machineVersion: c.machineVersion,
    state: c.state,
    version: c.version,
    actingSide: c.actingSide,
    final: c.final,
    stepStartedOn: c.stepStartedOn,
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    provisional: c.provisional,
    fromAgency: { id: c.fromAgency.id, code: c.fromAgency.code },
    toAgency: { id: c.toAgency.id, code: c.toAgency.code },
  };
}

export interface IdempotentWrite {
  scope: string;
  key: string;
  fingerprint: string;
  /** builds the response stored under the key, inside the transaction that writes the event */
  respond: (c: CaseWithAgencies) => { status: number; body: unknown };
}

// ---------------------------------------------------------------- helpers

export function moduleOf(ctx: EngineContext, c: Pick<Case, "type" | "machineVersion">): CaseMachineModule {
  const mod = ctx.machines.get(c.type as CaseType, c.machineVersion);
  if (!mod) {
    // A case must keep running on the version it started with; refuse rather than guess.
    throw new Problem(500, "machine-version-missing", "Machine version unavailable", `Machine ${c.type} v${c.machineVersion} is not installed.`);
  }
  return mod;
}

/** The sides of a case the actor's agency stands on (both when one agency handles both ends). */
export function sidesOf(actor: Actor, c: Pick<Case, "fromAgencyId" | "toAgencyId">): RecordingSide[] {
  if (actor.kind !== "staff" || actor.agencyId === null) return [];
  const sides: RecordingSide[] = [];
  if (c.fromAgencyId === actor.agencyId) sides.push("transferOut");
  if (c.toAgencyId === actor.agencyId) sides.push("transferIn");
  if (sides.length > 0) sides.push("agency");
  return sides;
}

export function parseLimits(json: string): AgencyLimits {
  try {
    const v = JSON.parse(json);
    return v && typeof v === "object" ? (v as AgencyLimits) : {};
  } catch {
    return {};
  }
}

/** Events this actor may record on this case now (defined in the state, and theirs to record). */
export function allowedEventsFor(ctx: EngineContext, c: CaseWithAgencies, actor: Actor): string[] {
  const mod = moduleOf(ctx, c);
  const sides = sidesOf(actor, c);
  if (sides.length === 0) return [];
  return eventsDefinedIn(mod, restore(mod, c.snapshot)).filter((t) => mod.events[t].recordedBy.some((s) => sides.includes(s)));
}

function checkOccurredOn(ctx: EngineContext, occurredOn: unknown, notBefore?: string): string {
  const today = ctx.today();
  if (occurredOn === undefined || occurredOn === null) return today;
  if (typeof occurredOn !== "string" || !isChinaDate(occurredOn)) {
    throw problems.invalid([{ path: "occurredOn", message: "must be a date as YYYY-MM-DD" }]);
  }
  if (occurredOn > today) {
    throw problems.invalid([{ path: "occurredOn", message: `must not be in the future (today is ${today} in China)` }]);
  }
  if (notBefore && occurredOn < notBefore) {
    throw problems.invalid([{ path: "occurredOn", message: `must not be before the case's previous event (${notBefore})` }]);
  }
  return occurredOn;
}

function zodErrors(issues: { path: PropertyKey[]; message: string }[]): FieldError[] {
  return issues.map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

// Every type's prefix (machine metadata, two capital letters each: nothing to escape).
const caseNumberPattern = new RegExp(`^(${caseTypes.map((t) => caseTypeInfo(t).caseNumberPrefix).join("|")})\\d{4}-[0-9A-Z]{8}$`);

/** Whether `s` has the shape of a whole case number, e.g. MT2026-7K3Q9X2P (prefix, year, 8 characters). */
export function isCaseNumber(s: string): boolean {
  return caseNumberPattern.test(s);
}

function randomCaseNumber(mod: CaseMachineModule, openedOn: string): string {
  const prefix = mod.caseNumberPrefix;
  // Crockford base32 without I, L, O, U: easy to read out over the phone.
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let suffix = "";
  for (let i = 0; i < 8; i++) suffix += alphabet[randomInt(alphabet.length)];
  return `${prefix}${openedOn.slice(0, 4)}-${suffix}`;
}


// ---------------------------------------------------------------- reads

export async function loadCase(ctx: EngineContext, id: string): Promise<CaseWithAgencies> {
  const c = await storeFor(ctx.db).loaders.caseById.load(id);
  if (!c) throw problems.notFound("The case");
  return c;
}

/** Staff read the cases of their own agency; administrators read every case. */
export function assertCanRead(actor: Actor, c: Pick<Case, "fromAgencyId" | "toAgencyId">): void {
  if (actor.kind === "admin") return;
  if (sidesOf(actor, c).length === 0) throw problems.forbidden("This case belongs to other agencies.");
}

// ---------------------------------------------------------------- open a case

export interface OpenCaseInput {
  type: CaseType;
  insured: { name: string; idNumber: string };
  fromAgency: string;
  toAgency?: string;
  occurredOn?: string;
}

export async function openCase(ctx: EngineContext, actor: Actor, input: OpenCaseInput, idem?: IdempotentWrite): Promise<CaseWithAgencies> {
  if (actor.kind !== "staff" || actor.agencyId === null) throw problems.forbidden("Only agency staff open cases.");
  const toCode = input.toAgency ?? input.fromAgency;
  const [from, to] = await Promise.all([
    ctx.db.agency.findUnique({ where: { code: input.fromAgency } }),
    ctx.db.agency.findUnique({ where: { code: toCode } }),
  ]);
  const missing: FieldError[] = [];
  if (!from) missing.push({ path: "fromAgency", message: `no agency with code ${input.fromAgency}` });
  if (!to) missing.push({ path: "toAgency", message: `no agency with code ${toCode}` });
  if (missing.length) throw problems.invalid(missing);
  const mod = ctx.machines.latest(input.type);
  if (!mod.singleAgency && from!.id === to!.id) {
    throw problems.invalid([{ path: "toAgency", message: "a transfer needs two different agencies" }]);
  }
  if (actor.agencyId !== from!.id && actor.agencyId !== to!.id) {
    throw problems.forbidden("Staff open cases only for their own agency.");
  }
  const occurredOn = checkOccurredOn(ctx, input.occurredOn);
  const snapshot = persist(initialSnapshot(mod, { openedOn: occurredOn }));
  const final = snapshot.status === "done";
  const state = snapshot.value;
  const meta = mod.states[state];
  const deadlines = nextDeadlines({
    module: mod,
    calendar: ctx.calendar,
    previous: { stepDueOn: null, dueOn: null, provisional: false, stepStartedOn: null, overallStartedOn: null },
    fromState: state,
    toState: state,
    eventType: CASE_OPENED,
    occurredOn,
    limitsFor: (side) => parseLimits((side === "transferOut" ? from! : to!).limits),
  });

  for (let attempt = 0; ; attempt++) {
    const id = randomUUID();
    const caseNumber = randomCaseNumber(mod, occurredOn);
    try {
      const opened = await ctx.db.$transaction(async (tx) => {
        const created = await tx.case.create({
          data: {
            id,
            caseNumber,
            type: input.type,
            machineVersion: mod.version,
            state,
            snapshot: JSON.stringify(snapshot),
            version: 1,
            actingSide: meta.side,
            fromAgencyId: from!.id,
            toAgencyId: to!.id,
            insuredName: input.insured.name,
            insuredIdNumber: input.insured.idNumber,
            ...deadlines,
            nextDueOn: nextDueOn(deadlines, final),
            stepSeq: deadlines.stepStartedOn !== null ? 1 : null,
            final,
            openedOn: occurredOn,
            lastOccurredOn: occurredOn,
          },
          include: { fromAgency: true, toAgency: true },
        });
        await tx.caseEvent.create({
          data: {
            caseId: id,
            seq: 1,
            type: CASE_OPENED,
            payload: JSON.stringify({ type: input.type, machineVersion: mod.version, fromAgency: from!.code, toAgency: to!.code }),
            fromState: null,
            toState: state,
            actorKind: actor.kind,
            actorId: actor.userId,
            actorName: actor.username,
            occurredOn,
          },
        });
        await enqueueMessage(tx, {
          kind: "case.state_changed",
          case: caseRef(created),
          event: { seq: 1, type: CASE_OPENED, fromState: null, toState: state, occurredOn },
        });
        if (idem) await storeIdempotent(tx, idem, created);
        return created;
      });
      outboxWritten();
      return opened;
    } catch (e) {
      // A random case number may collide (rarely): draw another. When the collision is on the
      // idempotency key, the same request was completed concurrently (another request or node):
      // answer 409 so the caller replays the stored response instead of failing.
      if (isUniqueViolation(e)) {
        if (idem && (await findIdempotent(ctx, idem))) {
          throw problems.conflict("The same request (Idempotency-Key) was completed at the same time.");
        }
        if (attempt < 5) continue;
      }
      throw e;
    }
  }
}

// ---------------------------------------------------------------- advance a case

export interface AdvanceInput {
  type: string;
  occurredOn?: unknown;
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

  if (actor.kind !== "staff") throw problems.forbidden("Only agency staff record events on cases.");
  const sides = sidesOf(actor, c);
  if (sides.length === 0) throw problems.forbidden("This case belongs to other agencies.");
  if (opts.ifMatch !== undefined && opts.ifMatch !== c.version) throw problems.preconditionFailed(c.version);

  // Own keys only: "constructor" or "__proto__" must not find Object.prototype members.
  const spec = Object.hasOwn(mod.events, input.type) ? mod.events[input.type] : undefined;
  if (!spec) {
    throw problems.invalid([{ path: "type", message: `unknown event type for a ${c.type} case: ${String(input.type)}` }]);
  }
  const snapshot = restore(mod, c.snapshot);
  const definedHere = eventsDefinedIn(mod, snapshot);
  if (!definedHere.includes(input.type)) {
    const mine = definedHere.filter((t) => mod.events[t].recordedBy.some((s) => sides.includes(s)));
    throw problems.notAllowedNow(`${input.type} is not allowed in state ${c.state}.`, mine, c.state);
  }
  if (!spec.recordedBy.some((s) => sides.includes(s))) {
    throw problems.forbidden(`${input.type} is recorded by the ${spec.recordedBy.join(" or ")} agency, not by yours.`);
  }
  const parsed = spec.payload.safeParse(input.payload);
  if (!parsed.success) throw problems.invalid(zodErrors(parsed.error.issues));
  const occurredOn = checkOccurredOn(ctx, input.occurredOn, c.lastOccurredOn);

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
    deadlines.stepStartedOn === null ? null : toState !== c.state || c.stepStartedOn === null ? newVersion : (c.stepSeq ?? newVersion);

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
    },
    messages:
      toState !== c.state
        ? [{ id: randomUUID(), input: { kind: "case.state_changed", case: caseRef(after), event: { seq: newVersion, type: input.type, fromState: c.state, toState, occurredOn } } }]
        : [],
    idempotency: idem && response ? { scope: idem.scope, key: idem.key, fingerprint: idem.fingerprint, status: response.status, body: JSON.stringify(response.body) } : undefined,
  });
  if (outcome === "committed") return { case: after, eventSeq: newVersion };
  if (outcome === "duplicate") throw problems.conflict("The same request (Idempotency-Key) was completed at the same time.");
  const current = await storeFor(ctx.db).loaders.caseById.load(c.id);
  if (opts.ifMatch !== undefined) throw problems.preconditionFailed(current?.version ?? c.version);
  const problem = problems.conflict(
    `Another change was recorded on this case at the same time; it is now in state ${current?.state} (version ${current?.version}). Reload and try again.`,
    { currentVersion: current?.version, state: current?.state },
  );
  if (current && current.state === c.state) {
    const since = await ctx.db.caseEvent.findMany({ where: { caseId: c.id, seq: { gt: c.version } }, select: { actorKind: true } });
    if (since.length > 0 && since.every((e) => e.actorKind === "system")) throw new SystemNoteConflict(problem);
  }
  throw problem;
}

function refusalDetail(mod: CaseMachineModule, state: string, type: string): string {
  const why = mod.refusals?.[type];
  return why ? `${type} is refused in state ${state}: ${why}` : `${type} is refused by the rules in state ${state}.`;
}

// ---------------------------------------------------------------- idempotency

async function storeIdempotent(tx: Prisma.TransactionClient, idem: IdempotentWrite, c: CaseWithAgencies) {
  const { status, body } = idem.respond(c);
  await tx.idempotencyKey.create({
    data: { scope: idem.scope, key: idem.key, fingerprint: idem.fingerprint, status, body: JSON.stringify(body) },
  });
}

export async function findIdempotent(ctx: EngineContext, idem: Pick<IdempotentWrite, "scope" | "key">) {
  return ctx.db.idempotencyKey.findUnique({ where: { scope_key: { scope: idem.scope, key: idem.key } } });
}
