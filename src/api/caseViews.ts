// What each audience is shown of a case. Staff of the case's two agencies see the insured
// person's data in full; everyone else sees it masked; insured persons see no staff names. Each
// view returns the output type of its schema (./caseViewSchemas.ts), so the OpenAPI document
// cannot drift from what is sent. What a case type adds to the answers (a medical transfer's
// flow, a renewal's assessment) is declared by the type (`view` in machines/<type>.ts).
import type { z } from "zod";
import { maskIdNumber, maskName } from "../domain/idNumber.ts";
import type { CaseMachineModule, CaseViewAdditions, Side } from "../../machines/types.ts";
import { definitionOf, type CaseType } from "../../machines/index.ts";
import { nextDueOn } from "../deadlines/index.ts";
import { allowedEventsFor, sidesOf } from "../engine/access.ts";
import { moduleOf } from "../engine/machineCatalog.ts";
import {
  CASE_OPENED,
  DEADLINE_MISSED,
  DEADLINES_RECOMPUTED,
  type StoredCaseEvent,
  type CaseWithAgencies,
} from "../engine/types.ts";
import type { Actor, EngineContext } from "../engine/context.ts";
import type { StatusSource } from "../engine/store.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { detailHints, queueHints } from "../engine/caseHints.ts";
import type {
  CaseEventJson,
  CaseStatusJson,
  CaseSummaryJson,
  CaseViewJson,
  progressSchema,
  insuranceSchema,
  schemeSchema,
} from "./caseViewSchemas.ts";

/** The insured person's name and ID number, decrypted (they are stored encrypted: docs/personal-data.md). */
function insuredOf(ctx: EngineContext, c: Pick<CaseWithAgencies, "insuredName" | "insuredIdNumber">) {
  const key = dataKeyOf(ctx.db);
  return {
    name: key.decrypt(c.insuredName, "insuredName"),
    idNumber: key.decrypt(c.insuredIdNumber, "insuredIdNumber"),
  };
}

// ---------------------------------------------------------------------------

/** What the case's type adds to its detail, from the machine's facts (nothing for most types). */
function detailAdditions(c: Pick<CaseWithAgencies, "type" | "machineVersion">, facts: Record<string, unknown>) {
  return definitionOf(c.type as CaseType).view?.detail(c.machineVersion, facts) ?? {};
}

/** One field of a type's additions, where the answer puts it; absent when the type adds none. */
function only<K extends keyof CaseViewAdditions>(additions: CaseViewAdditions, key: K): Pick<CaseViewAdditions, K> {
  return (Object.hasOwn(additions, key) ? { [key]: additions[key] } : {}) as Pick<CaseViewAdditions, K>;
}

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

export function caseView(ctx: EngineContext, c: CaseWithAgencies, actor: Actor): CaseViewJson {
  const mod = moduleOf(ctx, c);
  const snapshot = JSON.parse(c.snapshot);
  const facts = (snapshot.context ?? {}) as Record<string, unknown>;
  const additions = detailAdditions(c, facts);
  const meta = mod.states[c.state];
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type as CaseType,
    machineVersion: c.machineVersion,
    ...only(additions, "flow"),
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
    facts,
    ...only(additions, "assessment"),
    ...only(additions, "gap"),
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

export function eventView(mod: CaseMachineModule, e: StoredCaseEvent): CaseEventJson {
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
 * (statusReadsFacts).
 */
export function statusView(ctx: EngineContext, c: StatusSource, context?: Record<string, unknown>): CaseStatusJson {
  const mod = moduleOf(ctx, c);
  const insured = insuredOf(ctx, c);
  const { timeline, omitted } = compactTimeline(mod, c.timeline);
  const eventTypes = c.timeline.map((e) => e.type);
  const additions = definitionOf(c.type as CaseType).view?.status(c.machineVersion, c.state, eventTypes, context) ?? {};
  return {
    caseNumber: c.caseNumber,
    type: c.type as CaseType,
    insured: { name: maskName(insured.name), idNumber: maskIdNumber(insured.idNumber) },
    scheme: c.scheme as z.output<typeof schemeSchema>,
    toScheme: c.toScheme as z.output<typeof schemeSchema> | null,
    fromAgency: { name: c.fromAgency.name, region: c.fromAgency.region },
    toAgency: { name: c.toAgency.name, region: c.toAgency.region },
    ...only(additions, "flow"),
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
    ...only(additions, "paymentDue"),
    ...only(additions, "gap"),
    ...only(additions, "refusal"),
    ...(omitted > 0 ? { timelineOmitted: omitted } : {}),
  };
}
