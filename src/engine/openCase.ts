// Opening a case: authorise → the agencies → the parties → the plan (the machine's initial state
// and first deadlines) → one transaction that claims the person's enrolment, creates the case and
// records its first event (CASE_OPENED) with its outbox message (./eventLog.ts), drawing another
// case number on a collision; a second open case of the person is explained.
import { randomUUID } from "node:crypto";
import { caseTypeInfo, type CaseType } from "../../machines/index.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { initialSnapshot, persist } from "../../machines/runtime.ts";
import type { Agency } from "../generated/prisma/client.ts";
import { prismaQueryable } from "../db/direct.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { nextDeadlines, nextDueOn } from "../deadlines/index.ts";
import { problems, type FieldError } from "../problems.ts";
import { insuranceErrors } from "./agencies.ts";
import { parseLimits } from "./agencyLimits.ts";
import { randomCaseNumber } from "./caseNumbers.ts";
import type { Actor, EngineContext } from "./context.ts";
import { appendCaseEvents, caseEventsCommitted, stateChanged, type CaseEventRow } from "./eventLog.ts";
import { findIdempotent, storeIdempotent, type IdempotentWrite } from "./idempotency.ts";
import { checkOccurredOn } from "./occurredOn.ts";
import { CASE_OPENED, type CaseWithAgencies } from "./types.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { clientMay, OPEN_SCOPE } from "./apiClients.ts";
import {
  checkPersonName,
  claimEnrolment,
  enrolmentKind,
  insuranceFor,
  OpenCaseExists,
  openCaseExistsProblem,
  renameCases,
  type Insurance,
  type NameCorrection,
  type Scheme,
} from "./parties.ts";

export interface OpenCaseInput {
  type: CaseType;
  insured: { name: string; idNumber: string; nameCorrection?: NameCorrection };
  fromAgency: string;
  toAgency?: string;
  occurredOn?: string;
  /** a renewal's insurance (default medical); a transfer's follows its type */
  insurance?: Insurance;
  /** the person's scheme (default employee) and the one they move to, if it changes */
  scheme?: Scheme;
  toScheme?: Scheme;
  /** the employer, with its unified social credit code (already validated: src/domain/creditCode.ts) */
  employer?: { name: string; creditCode: string };
}

export async function openCase(
  ctx: EngineContext,
  actor: Actor,
  input: OpenCaseInput,
  idem?: IdempotentWrite,
): Promise<CaseWithAgencies> {
  authorise(actor);
  const agencies = await loadAgencies(ctx, input);
  const mod = ctx.machines.latest(input.type);
  checkAgencies(actor, mod, agencies);
  const occurredOn = checkOccurredOn(ctx, input.occurredOn);
  const parties = await checkParties(ctx, input);
  checkInsuranceHandled(agencies, parties.insurance);
  const plan = planOpening(ctx, { input, mod, ...agencies, occurredOn, parties });
  return writeOpening(ctx, actor, plan, idem);
}

/** Agency staff, or an API client scoped to open cases. */
function authorise(actor: Actor): void {
  if (actor.kind === "client" && !clientMay(actor, OPEN_SCOPE))
    throw problems.forbidden(`This API client may not open cases (it is not scoped to ${OPEN_SCOPE}).`);
  if ((actor.kind !== "staff" && actor.kind !== "client") || actor.agencyId === null)
    throw problems.forbidden("Only agency staff open cases.");
}

/** The case's agencies by code (the transfer-in one defaults to the transfer-out one). */
async function loadAgencies(ctx: EngineContext, input: OpenCaseInput) {
  const toCode = input.toAgency ?? input.fromAgency;
  const [from, to] = await Promise.all([
    ctx.db.agency.findUnique({ where: { code: input.fromAgency } }),
    ctx.db.agency.findUnique({ where: { code: toCode } }),
  ]);
  const missing: FieldError[] = [];
  if (!from) missing.push({ path: "fromAgency", message: `no agency with code ${input.fromAgency}` });
  if (!to) missing.push({ path: "toAgency", message: `no agency with code ${toCode}` });
  if (!from || !to) throw problems.invalid(missing);
  return { from, to };
}

/** A transfer goes between two agencies, and staff open cases only for their own agency. */
function checkAgencies(actor: Actor, mod: CaseMachineModule, { from, to }: { from: Agency; to: Agency }) {
  if (!caseTypeInfo(mod.type as CaseType).singleAgency && from.id === to.id) {
    throw problems.invalid([{ path: "toAgency", message: "a transfer needs two different agencies" }]);
  }
  if (actor.agencyId !== from.id && actor.agencyId !== to.id) {
    throw problems.forbidden("Staff open cases only for their own agency.");
  }
}

/** Each agency of the case handles its insurance (Agency.insurances): a 422 on the one that does not. */
function checkInsuranceHandled({ from, to }: { from: Agency; to: Agency }, insurance: Insurance) {
  const errors = insuranceErrors(from, to, insurance, from.id === to.id);
  if (errors.length > 0)
    throw problems.invalid(errors, `An agency of the case does not handle ${insurance} insurance.`);
}

/**
 * The parties (./parties.ts): the insurance and scheme, the person's columns (encrypted, with the
 * blind indexes the search and the status lookup use: docs/personal-data.md), one name per ID
 * number, and the enrolment to claim.
 */
async function checkParties(ctx: EngineContext, input: OpenCaseInput) {
  const insurance = insuranceFor(input.type, input.insurance);
  const kind = enrolmentKind(input.type, insurance);
  const scheme = input.scheme ?? "employee";
  if (input.toScheme !== undefined && input.toScheme === scheme) {
    throw problems.invalid([
      { path: "toScheme", message: "the scheme moved to must differ from scheme (leave it out)" },
    ]);
  }
  const insuredColumns = dataKeyOf(ctx.db).caseColumns(input.insured);
  const personKey = insuredColumns.insuredIdIndex;
  const { rename } = await checkPersonName(ctx, personKey, input.insured.name, input.insured.nameCorrection);
  return { insurance, kind, scheme, insuredColumns, personKey, rename };
}

interface Checked {
  input: OpenCaseInput;
  mod: CaseMachineModule;
  from: Agency;
  to: Agency;
  occurredOn: string;
  parties: Awaited<ReturnType<typeof checkParties>>;
}
type Opening = ReturnType<typeof planOpening>;

/** The case as it opens (all but its id and number, drawn per attempt) and its first event's payload. */
function planOpening(ctx: EngineContext, o: Checked) {
  const { input, mod, from, to, occurredOn, parties } = o;
  const snapshot = persist(initialSnapshot(mod, { openedOn: occurredOn }));
  const final = snapshot.status === "done";
  const state = snapshot.value;
  const deadlines = nextDeadlines({
    module: mod,
    calendar: ctx.calendar,
    previous: { stepDueOn: null, dueOn: null, provisional: false, stepStartedOn: null, overallStartedOn: null },
    fromState: state,
    toState: state,
    eventType: CASE_OPENED,
    occurredOn,
    limitsFor: (side) => parseLimits((side === "transferOut" ? from : to).limits),
  });
  const row = {
    type: input.type,
    machineVersion: mod.version,
    state,
    snapshot: JSON.stringify(snapshot),
    version: 1,
    actingSide: mod.states[state].side,
    fromAgencyId: from.id,
    toAgencyId: to.id,
    ...parties.insuredColumns,
    insurance: parties.insurance,
    scheme: parties.scheme,
    toScheme: input.toScheme ?? null,
    employerName: input.employer?.name ?? null,
    employerCreditCode: input.employer?.creditCode ?? null,
    ...deadlines,
    nextDueOn: nextDueOn(deadlines, final),
    stepSeq: deadlines.stepStartedOn !== null ? 1 : null,
    final,
    openedOn: occurredOn,
    lastOccurredOn: occurredOn,
  };
  return { ...o, row, payload: openingPayload(o) };
}

function openingPayload({ input, mod, from, to, parties }: Checked): string {
  return JSON.stringify({
    type: input.type,
    machineVersion: mod.version,
    fromAgency: from.code,
    toAgency: to.code,
    insurance: parties.insurance,
    scheme: parties.scheme,
    ...(input.toScheme ? { toScheme: input.toScheme } : {}),
    ...(input.employer ? { employer: input.employer } : {}),
    // the correction of the person's name (the names stay out of the log: they are personal data)
    ...(input.insured.nameCorrection
      ? { nameCorrection: { reason: input.insured.nameCorrection.reason, casesRenamed: parties.rename.length } }
      : {}),
  });
}

/** Writes the opening, drawing another case number when a random one collides (rarely). */
async function writeOpening(ctx: EngineContext, actor: Actor, o: Opening, idem: IdempotentWrite | undefined) {
  for (let attempt = 0; ; attempt++) {
    try {
      const opened = await insertOpening(ctx, actor, o, idem, randomUUID(), randomCaseNumber(o.mod, o.occurredOn));
      caseEventsCommitted(ctx.db, [{ caseType: o.input.type, type: CASE_OPENED }], true);
      return opened;
    } catch (e) {
      if (!(await collidedOnCaseNumber(ctx, actor, e, idem)) || attempt >= 5) throw e;
    }
  }
}

/** One transaction: the enrolment claim, a name correction, the case, its first event and message, the stored answer. */
async function insertOpening(
  ctx: EngineContext,
  actor: Actor,
  o: Opening,
  idem: IdempotentWrite | undefined,
  id: string,
  caseNumber: string,
): Promise<CaseWithAgencies> {
  const { input, parties, row } = o;
  return ctx.db.$transaction(async (tx) => {
    // The claim first (SQLite takes the write lock at once; PostgreSQL makes a concurrent claim
    // of the same person and kind wait for this transaction, then find the row).
    if (!row.final && !(await claimEnrolment(tx, parties.personKey, parties.kind, id)))
      throw new OpenCaseExists(parties.personKey, parties.kind);
    await renameCases(ctx, tx, parties.rename, input.insured.name, input.insured.idNumber);
    const created = await tx.case.create({
      data: { id, caseNumber, ...row },
      include: { fromAgency: true, toAgency: true },
    });
    const event = openedEvent(o, actor, id);
    await appendCaseEvents(prismaQueryable(tx), [event], [stateChanged(created, event)], new Date());
    if (idem) await storeIdempotent(tx, idem, created);
    return created;
  });
}

/** The case's first event: CASE_OPENED, from no state to the machine's initial one. */
function openedEvent(o: Opening, actor: Actor, caseId: string): CaseEventRow {
  return {
    caseId,
    seq: 1,
    type: CASE_OPENED,
    payload: o.payload,
    fromState: null,
    toState: o.row.state,
    actorKind: actor.kind,
    actorId: actor.userId,
    actorName: actor.username,
    occurredOn: o.occurredOn,
    stepDueOn: null,
  };
}

/**
 * Why an opening failed, when it is not a plain error: the person's open case (409), the same
 * request completed concurrently (409, so the caller replays the stored answer), or a case number
 * drawn twice (true: draw another).
 */
async function collidedOnCaseNumber(
  ctx: EngineContext,
  actor: Actor,
  e: unknown,
  idem: IdempotentWrite | undefined,
): Promise<boolean> {
  if (!(e instanceof OpenCaseExists) && !isUniqueViolation(e)) return false;
  if (idem && (await findIdempotent(ctx, idem))) {
    throw problems.conflict("The same request (Idempotency-Key) was completed at the same time.");
  }
  if (e instanceof OpenCaseExists) throw await openCaseExistsProblem(ctx, actor, e);
  return true;
}
