// Opening a case: the machine's initial state and first deadlines, recorded as the case's first
// event (CASE_OPENED) in the transaction that creates it, with its outbox message.
import { randomUUID } from "node:crypto";
import { caseTypeInfo, type CaseType } from "../../machines/index.ts";
import { initialSnapshot, persist } from "../../machines/runtime.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { nextDeadlines, nextDueOn } from "../deadlines/index.ts";
import { enqueueMessage, outboxWritten } from "../notifications/outbox.ts";
import { problems, type FieldError } from "../problems.ts";
import { parseLimits } from "./agencyLimits.ts";
import { randomCaseNumber } from "./caseNumbers.ts";
import { caseRef } from "./caseRef.ts";
import type { Actor, EngineContext } from "./context.ts";
import { countRecordedEvents } from "./eventTally.ts";
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
  if (actor.kind === "client" && !clientMay(actor, OPEN_SCOPE))
    throw problems.forbidden(`This API client may not open cases (it is not scoped to ${OPEN_SCOPE}).`);
  if ((actor.kind !== "staff" && actor.kind !== "client") || actor.agencyId === null)
    throw problems.forbidden("Only agency staff open cases.");
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
  if (!caseTypeInfo(input.type).singleAgency && from!.id === to!.id) {
    throw problems.invalid([{ path: "toAgency", message: "a transfer needs two different agencies" }]);
  }
  if (actor.agencyId !== from!.id && actor.agencyId !== to!.id) {
    throw problems.forbidden("Staff open cases only for their own agency.");
  }
  const occurredOn = checkOccurredOn(ctx, input.occurredOn);
  // The parties (src/engine/parties.ts): the insurance and scheme, one name per ID number, and the
  // enrolment claimed in the transaction below.
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
        // The claim first (SQLite takes the write lock at once; PostgreSQL makes a concurrent claim
        // of the same person and kind wait for this transaction, then find the row).
        if (!final && !(await claimEnrolment(tx, personKey, kind, id))) throw new OpenCaseExists(personKey, kind);
        await renameCases(ctx, tx, rename, input.insured.name, input.insured.idNumber);
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
            // encrypted, with the blind indexes the search and the status lookup use (docs/personal-data.md)
            ...insuredColumns,
            insurance,
            scheme,
            toScheme: input.toScheme ?? null,
            employerName: input.employer?.name ?? null,
            employerCreditCode: input.employer?.creditCode ?? null,
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
            payload: JSON.stringify({
              type: input.type,
              machineVersion: mod.version,
              fromAgency: from!.code,
              toAgency: to!.code,
              insurance,
              scheme,
              ...(input.toScheme ? { toScheme: input.toScheme } : {}),
              ...(input.employer ? { employer: input.employer } : {}),
              // the correction of the person's name (the names stay out of the log: they are personal data)
              ...(input.insured.nameCorrection
                ? { nameCorrection: { reason: input.insured.nameCorrection.reason, casesRenamed: rename.length } }
                : {}),
            }),
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
      countRecordedEvents(ctx.db, input.type, CASE_OPENED);
      return opened;
    } catch (e) {
      if (e instanceof OpenCaseExists) {
        if (idem && (await findIdempotent(ctx, idem))) {
          throw problems.conflict("The same request (Idempotency-Key) was completed at the same time.");
        }
        throw await openCaseExistsProblem(ctx, actor, e);
      }
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
