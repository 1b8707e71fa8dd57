// What each audience is shown of a case. Staff of the case's two agencies see the insured
// person's data in full; everyone else sees it masked; insured persons see no staff names.
import type { CaseEvent } from "../generated/prisma/client.ts";
import { maskIdNumber, maskName } from "../domain/idNumber.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { nextDueOn } from "../deadlines/index.ts";
import { allowedEventsFor, moduleOf, sidesOf, CASE_OPENED, DEADLINE_MISSED, DEADLINES_RECOMPUTED, type CaseWithAgencies } from "./cases.ts";
import type { Actor, EngineContext } from "./context.ts";
import type { StatusSource } from "./store.ts";

export function progressOf(mod: CaseMachineModule, state: string) {
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

export function caseView(ctx: EngineContext, c: CaseWithAgencies, actor: Actor) {
  const mod = moduleOf(ctx, c);
  const full = sidesOf(actor, c).length > 0;
  const snapshot = JSON.parse(c.snapshot);
  const meta = mod.states[c.state];
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type,
    machineVersion: c.machineVersion,
    state: c.state,
    stateLabel: meta.label,
    outcome: meta.outcome ?? null,
    version: c.version,
    actingSide: c.actingSide,
    fromAgency: { code: c.fromAgency.code, name: c.fromAgency.name, region: c.fromAgency.region },
    toAgency: { code: c.toAgency.code, name: c.toAgency.name, region: c.toAgency.region },
    insured: {
      name: full ? c.insuredName : maskName(c.insuredName),
      idNumber: full ? c.insuredIdNumber : maskIdNumber(c.insuredIdNumber),
      idNumberMasked: maskIdNumber(c.insuredIdNumber),
    },
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
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** A row of the queue: enough to sort and pick, nothing personal in full. */
export function caseSummary(ctx: EngineContext, c: CaseWithAgencies) {
  const mod = moduleOf(ctx, c);
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type,
    state: c.state,
    stateLabel: mod.states[c.state].label,
    version: c.version,
    actingSide: c.actingSide,
    fromAgency: c.fromAgency.code,
    toAgency: c.toAgency.code,
    insuredName: maskName(c.insuredName),
    insuredIdNumber: maskIdNumber(c.insuredIdNumber),
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    provisional: c.provisional,
    overdue: isOverdue(c, ctx.today()),
    final: c.final,
    updatedAt: c.updatedAt,
  };
}

/** Labels of the events the engine and its jobs record themselves (not machine events). */
const systemEventLabels: Record<string, { zh: string; en: string }> = {
  [CASE_OPENED]: { zh: "立案", en: "Case opened" },
  [DEADLINE_MISSED]: { zh: "期限已过", en: "Deadline passed" },
  [DEADLINES_RECOMPUTED]: { zh: "节假日安排公布，期限已重新计算", en: "Due dates recomputed (holiday schedule published)" },
};

export function eventLabel(mod: CaseMachineModule, type: string) {
  if (Object.hasOwn(systemEventLabels, type)) return systemEventLabels[type];
  return (Object.hasOwn(mod.events, type) ? mod.events[type].label : undefined) ?? { zh: type, en: type };
}

export function eventView(mod: CaseMachineModule, e: CaseEvent) {
  return {
    seq: e.seq,
    type: e.type,
    label: eventLabel(mod, e.type),
    fromState: e.fromState,
    toState: e.toState,
    payload: JSON.parse(e.payload),
    occurredOn: e.occurredOn,
    recordedAt: e.recordedAt,
    actor: { kind: e.actorKind, username: e.actorName },
  };
}

/** The answer to an insured person's status lookup: progress and timeline, no staff names. */
export function statusView(ctx: EngineContext, c: StatusSource) {
  const mod = moduleOf(ctx, c);
  return {
    caseNumber: c.caseNumber,
    type: c.type,
    insured: { name: maskName(c.insuredName), idNumber: maskIdNumber(c.insuredIdNumber) },
    fromAgency: { name: c.fromAgency.name, region: c.fromAgency.region },
    toAgency: { name: c.toAgency.name, region: c.toAgency.region },
    state: c.state,
    progress: progressOf(mod, c.state),
    outcome: mod.states[c.state].outcome ?? null,
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    workingDaysLeft: workingDaysLeft(ctx, c),
    provisional: c.provisional,
    overdue: isOverdue(c, ctx.today()),
    final: c.final,
    timeline: c.timeline.map((e) => ({
      label: eventLabel(mod, e.type),
      occurredOn: e.occurredOn,
      state: e.toState,
      stateLabel: mod.states[e.toState]?.label ?? null,
    })),
  };
}
