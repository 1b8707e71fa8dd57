// What each audience is shown of a case. Staff of the case's two agencies see the insured
// person's data in full; everyone else sees it masked; insured persons see no staff names.
// Each view has a zod schema beside it: the view function's return type is the schema's type, so
// the OpenAPI document (which describes the answers with these schemas) cannot drift from them.
import { z } from "zod";
import type { CaseEvent } from "../generated/prisma/client.ts";
import { maskIdNumber, maskName } from "../domain/idNumber.ts";
import { SIDES, type CaseMachineModule, type Side } from "../../machines/types.ts";
import { caseTypes, type CaseType } from "../../machines/index.ts";
import { nextDueOn } from "../deadlines/index.ts";
import { allowedEventsFor, sidesOf } from "./access.ts";
import { moduleOf } from "./machineCatalog.ts";
import { CASE_OPENED, DEADLINE_MISSED, DEADLINES_RECOMPUTED, type CaseWithAgencies } from "./types.ts";
import type { Actor, EngineContext } from "./context.ts";
import type { StatusSource } from "./store.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { detailHints, detailHintsShape, queueHints, queueHintsShape } from "./caseHints.ts";
import { assessmentOf, assessmentViewSchema, paymentDueOf, paymentDueSchema } from "./assessmentView.ts";

function withAssessment(type: string, context: Record<string, unknown>) {
  const assessment = assessmentOf(type, context);
  return assessment === undefined ? {} : { assessment };
}

function withPaymentDue(type: string, state: string, context: Record<string, unknown> | undefined) {
  const paymentDue = context === undefined ? undefined : paymentDueOf(type, state, context);
  return paymentDue === undefined ? {} : { paymentDue };
}
import { flowOfEvents, flowOfSnapshot, flowSchema } from "./flow.ts";

/** The insured person's name and ID number, decrypted (they are stored encrypted: docs/personal-data.md). */
function insuredOf(ctx: EngineContext, c: Pick<CaseWithAgencies, "insuredName" | "insuredIdNumber">) {
  const key = dataKeyOf(ctx.db);
  return {
    name: key.decrypt(c.insuredName, "insuredName"),
    idNumber: key.decrypt(c.insuredIdNumber, "insuredIdNumber"),
  };
}

// ---------------------------------------------------------------------------
// Schemas of the views (JSON as sent: timestamps are ISO strings, dates China dates)

/** A China calendar date, YYYY-MM-DD. */
export const chinaDateSchema = z.iso.date().meta({ description: "China date YYYY-MM-DD" });
const timestamp = z.iso.datetime().meta({ description: "UTC timestamp (ISO 8601)" });
const json = z.record(z.string(), z.unknown());

export const labelSchema = z
  .object({ zh: z.string(), en: z.string() })
  .meta({ id: "Label", description: "A label in Chinese and English" });
export const sideSchema = z.enum(SIDES).meta({ id: "Side", description: "who acts next" });
const outcomeSchema = z
  .enum(["completed", "withdrawn", "refused"])
  .nullable()
  .meta({ description: "how a final case ended; null while open" });
export const caseTypeSchema = z
  .enum(caseTypes)
  .meta({ id: "CaseType", description: "GET /api/machines describes each" });

export const progressSchema = z
  .object({
    step: z.number().int().min(1),
    steps: z.number().int().min(1),
    percent: z.number().int().min(0).max(100),
    label: labelSchema,
    side: sideSchema,
  })
  .meta({ id: "Progress", description: "step k of n of the case's machine" });

const agencyRef = z.object({ code: z.string(), name: z.string(), region: z.string() });

const insuranceSchema = z
  .enum(["medical", "pension"])
  .meta({ id: "Insurance", description: "the insurance the case is about" });
const schemeSchema = z
  .enum(["employee", "flexible", "resident"])
  .meta({ description: "employee (职工), flexible (灵活就业) or resident (城乡居民)" });
const employerSchema = z
  .object({ name: z.string(), creditCode: z.string().meta({ description: "unified social credit code" }) })
  .nullable()
  .meta({ id: "Employer", description: "the employer (用人单位), when one was named" });

/** The parties' columns as the views show them (src/engine/parties.ts). */
function partiesOf(
  c: Pick<CaseWithAgencies, "insurance" | "scheme" | "toScheme" | "employerName" | "employerCreditCode">,
) {
  return {
    insurance: c.insurance as z.output<typeof insuranceSchema>,
    scheme: c.scheme as z.output<typeof schemeSchema>,
    toScheme: c.toScheme as z.output<typeof schemeSchema> | null,
    employer:
      c.employerName !== null && c.employerCreditCode !== null
        ? { name: c.employerName, creditCode: c.employerCreditCode }
        : null,
  };
}

export const caseViewSchema = z
  .object({
    id: z.uuid(),
    caseNumber: z.string(),
    type: caseTypeSchema,
    machineVersion: z.number().int(),
    flow: flowSchema,
    state: z.string(),
    stateLabel: labelSchema,
    outcome: outcomeSchema,
    version: z.number().int().meta({ description: "events recorded so far; send it as If-Match" }),
    actingSide: sideSchema,
    fromAgency: agencyRef,
    toAgency: agencyRef,
    insured: z.object({
      name: z.string().meta({ description: "in full for staff of the case's agencies, masked otherwise" }),
      idNumber: z.string().meta({ description: "in full for staff of the case's agencies, masked otherwise" }),
      idNumberMasked: z.string(),
    }),
    insurance: insuranceSchema,
    scheme: schemeSchema,
    toScheme: schemeSchema.nullable().meta({ description: "the scheme the person moves to; null: the same" }),
    employer: employerSchema,
    openedOn: chinaDateSchema,
    lastOccurredOn: chinaDateSchema,
    stepStartedOn: chinaDateSchema.nullable(),
    stepDueOn: chinaDateSchema.nullable(),
    dueOn: chinaDateSchema.nullable().meta({ description: "the overall due date, when an overall limit runs" }),
    provisional: z.boolean().meta({ description: "a due date relies on a calendar year not yet published" }),
    overdue: z.boolean(),
    workingDaysLeft: z.number().int().nullable(),
    final: z.boolean(),
    progress: progressSchema,
    allowedEvents: z.array(z.string()).meta({ description: "the events you may record now" }),
    facts: json.meta({ description: "what the machine has recorded (its context)" }),
    assessment: assessmentViewSchema.nullable().optional().meta({
      description: "renewals: the arrears assessment (null before one)",
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
    ...detailHintsShape,
  })
  .meta({ id: "Case", description: "A case as its reader may see it" });

export const caseSummarySchema = z
  .object({
    id: z.uuid(),
    caseNumber: z.string(),
    type: caseTypeSchema,
    state: z.string(),
    stateLabel: labelSchema,
    version: z.number().int(),
    actingSide: sideSchema,
    fromAgency: z.string().meta({ description: "agency code" }),
    toAgency: z.string().meta({ description: "agency code" }),
    insuredName: z.string().meta({ description: "masked" }),
    insuredIdNumber: z.string().meta({ description: "masked" }),
    insurance: insuranceSchema,
    scheme: schemeSchema,
    stepDueOn: chinaDateSchema.nullable(),
    dueOn: chinaDateSchema.nullable(),
    provisional: z.boolean(),
    overdue: z.boolean(),
    final: z.boolean(),
    openedOn: chinaDateSchema,
    updatedAt: timestamp,
    ...queueHintsShape,
  })
  .meta({ id: "CaseSummary", description: "A row of a case list: nothing personal in full" });

export const caseEventSchema = z
  .object({
    seq: z.number().int().min(1),
    type: z.string(),
    label: labelSchema,
    fromState: z.string().nullable(),
    toState: z.string(),
    payload: json,
    occurredOn: chinaDateSchema,
    recordedAt: timestamp,
    actor: z.object({
      kind: z
        .enum(["staff", "admin", "system", "client"])
        .meta({ description: "client: an API client (service account)" }),
      username: z.string().nullable().meta({ description: "the user's name, or the API client's" }),
    }),
    backdateReason: z.string().nullable().meta({
      description:
        "why an act dated more than BACKDATE_REASON_AFTER_WORKING_DAYS working days back was recorded only then",
    }),
  })
  .meta({ id: "CaseEvent", description: "One entry of a case's append-only event log" });

export const caseStatusSchema = z
  .object({
    caseNumber: z.string(),
    type: caseTypeSchema,
    insured: z.object({ name: z.string(), idNumber: z.string() }).meta({ description: "masked" }),
    scheme: schemeSchema,
    toScheme: schemeSchema.nullable(),
    fromAgency: z.object({ name: z.string(), region: z.string() }),
    toAgency: z.object({ name: z.string(), region: z.string() }),
    flow: flowSchema,
    state: z.string(),
    progress: progressSchema,
    outcome: outcomeSchema,
    stepDueOn: chinaDateSchema.nullable(),
    dueOn: chinaDateSchema.nullable(),
    workingDaysLeft: z.number().int().nullable(),
    provisional: z.boolean(),
    overdue: z.boolean(),
    final: z.boolean(),
    timeline: z.array(
      z.object({
        label: labelSchema,
        occurredOn: chinaDateSchema,
        state: z.string(),
        stateLabel: labelSchema.nullable(),
        count: z.number().int().min(2).optional().meta({
          description: "present when the entry stands for this many identical events in a row (its date: the last)",
        }),
      }),
    ),
    paymentDue: paymentDueSchema.optional().meta({
      description: "renewals awaiting payment: the total due, by when, and the waiting period's end",
    }),
    timelineOmitted: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "present when older entries were left out (the timeline keeps the latest 50)" }),
  })
  .meta({ id: "CaseStatus", description: "A case's progress for the insured person: no staff names" });

export type CaseViewJson = z.output<typeof caseViewSchema>;
export type CaseSummaryJson = z.output<typeof caseSummarySchema>;
export type CaseEventJson = z.output<typeof caseEventSchema>;
export type CaseStatusJson = z.output<typeof caseStatusSchema>;

// ---------------------------------------------------------------------------

export function progressOf(mod: CaseMachineModule, state: string): z.output<typeof progressSchema> {
  const meta = mod.states[state];
  return {
    step: meta.step,
    steps: mod.steps,
    percent: Math.round((meta.step / mod.steps) * 100),
    label: meta.label,
    side: meta.side,
  };
}

/** Overdue: not final, and a due date (step or overall) lies before today (the queues' rule too). */
export function isOverdue(c: Pick<CaseWithAgencies, "final" | "stepDueOn" | "dueOn">, today: string): boolean {
  const next = nextDueOn(c, c.final);
  return next !== null && next < today;
}

export function workingDaysLeft(ctx: EngineContext, c: Pick<CaseWithAgencies, "final" | "stepDueOn" | "dueOn">) {
  const target = c.dueOn ?? c.stepDueOn;
  if (c.final || !target) return null;
  return ctx.calendar.workingDaysBetween(ctx.today(), target).value;
}

/** The insured person as `actor` is shown them: in full to the staff of the case's agencies, masked otherwise. */
export function insuredView(ctx: EngineContext, c: CaseWithAgencies, actor: Actor) {
  const full = sidesOf(actor, c).length > 0;
  const insured = insuredOf(ctx, c);
  return {
    name: full ? insured.name : maskName(insured.name),
    idNumber: full ? insured.idNumber : maskIdNumber(insured.idNumber),
    idNumberMasked: maskIdNumber(insured.idNumber),
  };
}

export function caseView(ctx: EngineContext, c: CaseWithAgencies, actor: Actor): CaseViewJson {
  const mod = moduleOf(ctx, c);
  const snapshot = JSON.parse(c.snapshot);
  const meta = mod.states[c.state];
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type as CaseType,
    machineVersion: c.machineVersion,
    ...flowOfSnapshot(c, snapshot.context),
    state: c.state,
    stateLabel: meta.label,
    outcome: meta.outcome ?? null,
    version: c.version,
    actingSide: c.actingSide as Side,
    fromAgency: { code: c.fromAgency.code, name: c.fromAgency.name, region: c.fromAgency.region },
    toAgency: { code: c.toAgency.code, name: c.toAgency.name, region: c.toAgency.region },
    insured: insuredView(ctx, c, actor),
    ...partiesOf(c),
    openedOn: c.openedOn,
    lastOccurredOn: c.lastOccurredOn,
    stepStartedOn: c.stepStartedOn,
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    provisional: c.provisional,
    overdue: isOverdue(c, ctx.today()),
    workingDaysLeft: workingDaysLeft(ctx, c),
    final: c.final,
    progress: progressOf(mod, c.state),
    allowedEvents: allowedEventsFor(ctx, c, actor),
    facts: snapshot.context ?? {},
    ...withAssessment(c.type, snapshot.context ?? {}),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    ...detailHints(ctx, c, actor),
  };
}

/** A row of the queue: enough to sort and pick, nothing personal in full. */
export function caseSummary(ctx: EngineContext, c: CaseWithAgencies, dueSoonCutoff: string): CaseSummaryJson {
  const mod = moduleOf(ctx, c);
  const insured = insuredOf(ctx, c);
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type as CaseType,
    state: c.state,
    stateLabel: mod.states[c.state].label,
    version: c.version,
    actingSide: c.actingSide as Side,
    fromAgency: c.fromAgency.code,
    toAgency: c.toAgency.code,
    insuredName: maskName(insured.name),
    insuredIdNumber: maskIdNumber(insured.idNumber),
    insurance: c.insurance as z.output<typeof insuranceSchema>,
    scheme: c.scheme as z.output<typeof schemeSchema>,
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    provisional: c.provisional,
    overdue: isOverdue(c, ctx.today()),
    final: c.final,
    openedOn: c.openedOn,
    updatedAt: c.updatedAt.toISOString(),
    ...queueHints(ctx, c, ctx.today(), dueSoonCutoff),
  };
}

/** Labels of the events the engine and its jobs record themselves (not machine events). */
const systemEventLabels: Record<string, { zh: string; en: string }> = {
  [CASE_OPENED]: { zh: "业务登记", en: "Case opened" },
  [DEADLINE_MISSED]: { zh: "期限已过", en: "Deadline passed" },
  [DEADLINES_RECOMPUTED]: {
    zh: "节假日安排公布，期限已重新计算",
    en: "Due dates recomputed (holiday schedule published)",
  },
};

export function eventLabel(mod: CaseMachineModule, type: string) {
  if (Object.hasOwn(systemEventLabels, type)) return systemEventLabels[type];
  return (Object.hasOwn(mod.events, type) ? mod.events[type].label : undefined) ?? { zh: type, en: type };
}

export function eventView(mod: CaseMachineModule, e: CaseEvent): CaseEventJson {
  return {
    seq: e.seq,
    type: e.type,
    label: eventLabel(mod, e.type),
    fromState: e.fromState,
    toState: e.toState,
    payload: JSON.parse(e.payload),
    occurredOn: e.occurredOn,
    recordedAt: e.recordedAt.toISOString(),
    actor: { kind: e.actorKind as "staff" | "admin" | "system" | "client", username: e.actorName },
    backdateReason: e.backdateReason,
  };
}

/** The status answer's timeline keeps at most this many entries, the latest (docs/limits.md). */
export const STATUS_TIMELINE_MAX = 50;

type TimelineEntry = CaseStatusJson["timeline"][number];

/** Identical entries in a row (same event, same state) become one with a count; then the latest STATUS_TIMELINE_MAX. */
function compactTimeline(mod: CaseMachineModule, events: StatusSource["timeline"]) {
  const entries: TimelineEntry[] = [];
  let previous: StatusSource["timeline"][number] | undefined;
  for (const e of events) {
    const last = entries.at(-1);
    if (last && previous && previous.type === e.type && previous.toState === e.toState) {
      last.count = (last.count ?? 1) + 1;
      last.occurredOn = e.occurredOn;
    } else {
      entries.push({
        label: eventLabel(mod, e.type),
        occurredOn: e.occurredOn,
        state: e.toState,
        stateLabel: mod.states[e.toState]?.label ?? null,
      });
    }
    previous = e;
  }
  const omitted = Math.max(0, entries.length - STATUS_TIMELINE_MAX);
  return { timeline: entries.slice(omitted), omitted };
}

/**
 * The answer to an insured person's status lookup: progress and timeline, no staff names.
 * `context`: the machine's facts, read only for the cases whose answer shows some of them
 * (needsStatusContext: a renewal awaiting payment shows the total due).
 */
export function statusView(ctx: EngineContext, c: StatusSource, context?: Record<string, unknown>): CaseStatusJson {
  const mod = moduleOf(ctx, c);
  const insured = insuredOf(ctx, c);
  const { timeline, omitted } = compactTimeline(mod, c.timeline);
  return {
    caseNumber: c.caseNumber,
    type: c.type as CaseType,
    insured: { name: maskName(insured.name), idNumber: maskIdNumber(insured.idNumber) },
    scheme: c.scheme as z.output<typeof schemeSchema>,
    toScheme: c.toScheme as z.output<typeof schemeSchema> | null,
    fromAgency: { name: c.fromAgency.name, region: c.fromAgency.region },
    toAgency: { name: c.toAgency.name, region: c.toAgency.region },
    ...flowOfEvents(
      c,
      c.timeline.map((e) => e.type),
    ),
    state: c.state,
    progress: progressOf(mod, c.state),
    outcome: mod.states[c.state].outcome ?? null,
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    workingDaysLeft: workingDaysLeft(ctx, c),
    provisional: c.provisional,
    overdue: isOverdue(c, ctx.today()),
    final: c.final,
    timeline,
    ...withPaymentDue(c.type, c.state, context),
    ...(omitted > 0 ? { timelineOmitted: omitted } : {}),
  };
}
