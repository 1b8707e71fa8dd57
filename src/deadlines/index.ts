// Statutory deadlines of a case, as pure functions of the machine metadata, the working-day
// calendar and the agencies' configured limits. No clock, no I/O: the engine passes the China
// date on which each event occurred.
//
// Rules (machines/types.ts: StateMeta.deadline, CaseMachineModule.overall):
// - Step clock: entering a state whose meta has a `deadline` sets
//     stepStartedOn = occurredOn,  stepDueOn = addWorkingDays(occurredOn, effective limit)
//   (the entering day itself is not counted: "within 10 working days of acceptance").
//   A self-transition (same state, e.g. REISSUE_CERTIFICATE) keeps the running step clock;
//   only if no clock is running yet (the case-opening call, where from = to = initial state)
//   does it start one. Entering a state without a deadline clears both step fields.
// - Overall clock: the event `module.overall.startsWith` starts it, or restarts it if it
//   happens again (e.g. a re-filed application accepted anew); later steps keep it.
// - Final states (meta.outcome set, or side "none"): the step clock is cleared, while
//   dueOn/overallStartedOn are KEPT for the record, so reports can compare the completion
//   date with the overall due date.
// - provisional: true when either current due date relied on a year without a published
//   schedule. After an admin publishes such a year, call recomputeDeadlines on open cases.
import type { CaseMachineModule, LimitSpec, StateMeta } from "../../machines/types.ts";
import { type ChinaDate, CalendarError, isChinaDate, type WorkingCalendar } from "../calendar/index.ts";

/** limit key (LimitSpec.key) -> working days promised by the agency */
export type AgencyLimits = Record<string, number>;

export type LimitAgency = LimitSpec["agency"];

export interface CaseDeadlines {
  stepDueOn: ChinaDate | null;
  dueOn: ChinaDate | null;
  provisional: boolean;
  stepStartedOn: ChinaDate | null;
  overallStartedOn: ChinaDate | null;
}

/**
 * The earliest open due date of a case (Case.nextDueOn): the step's or the overall one, null when
 * the case is final or no clock runs. A case is overdue exactly when this lies before today.
 */
export function nextDueOn(d: Pick<CaseDeadlines, "stepDueOn" | "dueOn">, final: boolean): ChinaDate | null {
  if (final) return null;
  if (d.stepDueOn === null) return d.dueOn;
  if (d.dueOn === null) return d.stepDueOn;
  return d.dueOn < d.stepDueOn ? d.dueOn : d.stepDueOn;
}

export const NO_DEADLINES: Readonly<CaseDeadlines> = Object.freeze({
  stepDueOn: null,
  dueOn: null,
  provisional: false,
  stepStartedOn: null,
  overallStartedOn: null,
});

/**
 * The limit that applies: the agency's configured value if it is a positive integer, never
 * more than the national ceiling (agencies may promise less, never more). Anything else —
 * missing, zero, fractional, not a number — falls back to the national ceiling, so a bad
 * stored setting can never produce a shorter-than-intended or absurd deadline silently
 * (validateAgencyLimits rejects such settings when they are written).
 */
export function effectiveLimit(spec: LimitSpec, limits: AgencyLimits | undefined): number {
  const configured = limits && Object.hasOwn(limits, spec.key) ? limits[spec.key] : undefined;
  if (typeof configured === "number" && Number.isInteger(configured) && configured >= 1) {
    return Math.min(configured, spec.nationalMaxDays);
  }
  return spec.nationalMaxDays;
}

/**
 * The limit that applies, or null when none does: a step whose spec is `agencyOnly` has a due date
 * only when the agency has set the key (its own promise); otherwise as effectiveLimit.
 */
export function applicableLimit(spec: LimitSpec, limits: AgencyLimits | undefined): number | null {
  if (spec.agencyOnly) {
    const configured = limits && Object.hasOwn(limits, spec.key) ? limits[spec.key] : undefined;
    if (!(typeof configured === "number" && Number.isInteger(configured) && configured >= 1)) return null;
  }
  return effectiveLimit(spec, limits);
}

export type AgencyLimitsValidation =
  { ok: true; value: AgencyLimits } | { ok: false; errors: { key: string; message: string }[] };

/**
 * Validates an agency's limit settings (admin input). Unknown keys, non-integers, values below 1
 * and values above the national ceiling are errors — above the ceiling is refused rather than
 * clamped, so the admin sees that the promise they typed is not allowed.
 */
export function validateAgencyLimits(limits: unknown, knownSpecs: LimitSpec[]): AgencyLimitsValidation {
  if (typeof limits !== "object" || limits === null || Array.isArray(limits)) {
    return { ok: false, errors: [{ key: "", message: "limits must be an object mapping limit keys to working days" }] };
  }
  // Several machines may share a key; the strictest ceiling wins.
  const ceiling = new Map<string, number>();
  for (const s of knownSpecs) ceiling.set(s.key, Math.min(ceiling.get(s.key) ?? Infinity, s.nationalMaxDays));

  const errors: { key: string; message: string }[] = [];
  const value: AgencyLimits = {};
  for (const [key, v] of Object.entries(limits)) {
    const max = ceiling.get(key);
    if (max === undefined) {
      errors.push({ key, message: `unknown limit key; known keys: ${[...ceiling.keys()].sort().join(", ")}` });
    } else if (typeof v !== "number" || !Number.isInteger(v)) {
      errors.push({ key, message: "must be a whole number of working days" });
    } else if (v < 1) {
      errors.push({ key, message: "must be at least 1 working day" });
    } else if (v > max) {
      errors.push({ key, message: `must not exceed the national limit of ${max} working days` });
    } else {
      value[key] = v;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

/** Every LimitSpec a machine module uses (state deadlines and the overall limit), one per key. */
export function limitSpecsOf(module: CaseMachineModule): LimitSpec[] {
  const byKey = new Map<string, LimitSpec>();
  for (const meta of Object.values(module.states)) if (meta.deadline) byKey.set(meta.deadline.key, meta.deadline);
  if (module.overall) {
    const { key, nationalMaxDays, agency } = module.overall;
    byKey.set(key, { key, nationalMaxDays, agency });
  }
  return [...byKey.values()];
}

type LimitsFor = (agency: LimitAgency) => AgencyLimits | undefined;

function metaOf(module: CaseMachineModule, state: string): StateMeta {
  const meta = module.states[state];
  // A state without metadata is a bug in the machine module, not a user error.
  if (!meta)
    throw new Error(`machine ${module.type} v${module.version} has no metadata for state ${JSON.stringify(state)}`);
  return meta;
}

function isFinal(meta: StateMeta): boolean {
  return meta.outcome !== undefined || meta.side === "none";
}

function due(calendar: WorkingCalendar, start: ChinaDate, spec: LimitSpec, limitsFor: LimitsFor) {
  return calendar.addWorkingDays(start, effectiveLimit(spec, limitsFor(spec.agency)));
}

/** The state's deadline if one applies to this case (an agencyOnly one only when the agency set it). */
function activeDeadline(meta: StateMeta, limitsFor: LimitsFor): LimitSpec | undefined {
  const spec = meta.deadline;
  if (!spec) return undefined;
  return applicableLimit(spec, limitsFor(spec.agency)) === null ? undefined : spec;
}

/**
 * Whether a date we keep (not recompute) relied on an unpublished year: the days relied on are
 * (start, due]. Without a start date we cannot tell, so the stored flag is carried over.
 */
function keptProvisional(
  calendar: WorkingCalendar,
  start: ChinaDate | null,
  dueOn: ChinaDate | null,
  fallback: boolean,
): boolean {
  if (dueOn === null) return false;
  if (start === null) return fallback;
  return calendar.workingDaysBetween(start, dueOn).provisional;
}

export interface NextDeadlinesArgs {
  module: CaseMachineModule;
  calendar: WorkingCalendar;
  previous: CaseDeadlines;
  fromState: string;
  toState: string;
  eventType: string;
  /** China date of the event (chosen by the engine before the transition) */
  occurredOn: ChinaDate;
  /** the limits configured by the case's transfer-out or transfer-in agency */
  limitsFor: LimitsFor;
}

/** The deadlines after one transition. */
export function nextDeadlines(args: NextDeadlinesArgs): CaseDeadlines {
  const { module, calendar, previous, fromState, toState, eventType, occurredOn, limitsFor } = args;
  if (!isChinaDate(occurredOn)) {
    throw new CalendarError(
      "INVALID_DATE",
      `occurredOn must be a real date written YYYY-MM-DD, got ${JSON.stringify(occurredOn)}`,
    );
  }
  const meta = metaOf(module, toState);
  const deadline = activeDeadline(meta, limitsFor);

  let stepDueOn: ChinaDate | null = null;
  let stepStartedOn: ChinaDate | null = null;
  let stepProvisional = false;
  if (isFinal(meta)) {
    // cleared: nobody owes a step any more
  } else if (deadline && (fromState !== toState || previous.stepStartedOn === null)) {
    const r = due(calendar, occurredOn, deadline, limitsFor);
    stepStartedOn = occurredOn;
    stepDueOn = r.value;
    stepProvisional = r.provisional;
  } else if (deadline) {
    // self-transition: the clock started when the state was entered keeps running
    stepStartedOn = previous.stepStartedOn;
    stepDueOn = previous.stepDueOn;
    stepProvisional = keptProvisional(calendar, stepStartedOn, stepDueOn, previous.provisional);
  }

  let dueOn = previous.dueOn;
  let overallStartedOn = previous.overallStartedOn;
  let overallProvisional: boolean;
  if (module.overall && eventType === module.overall.startsWith) {
    const r = due(calendar, occurredOn, module.overall, limitsFor);
    overallStartedOn = occurredOn;
    dueOn = r.value;
    overallProvisional = r.provisional;
  } else {
    overallProvisional = keptProvisional(calendar, overallStartedOn, dueOn, previous.provisional);
  }

  return { stepDueOn, dueOn, provisional: stepProvisional || overallProvisional, stepStartedOn, overallStartedOn };
}

export interface RecomputeDeadlinesArgs {
  module: CaseMachineModule;
  calendar: WorkingCalendar;
  /** the deadlines as stored on the case */
  current: CaseDeadlines;
  /** the case's current state */
  state: string;
  limitsFor: LimitsFor;
}

/**
 * The same deadlines recomputed from the stored start dates with the current calendar — run it
 * on open cases after publishing a year, so provisional dates become firm (or move to where the
 * official schedule puts them). Start dates are kept; a due date without a start date is kept.
 * Note: it applies the limits `limitsFor` returns now; pass the case's agencies' settings.
 */
export function recomputeDeadlines(args: RecomputeDeadlinesArgs): CaseDeadlines {
  const { module, calendar, current, state, limitsFor } = args;
  const meta = metaOf(module, state);

  let stepDueOn: ChinaDate | null = null;
  let stepStartedOn: ChinaDate | null = null;
  let stepProvisional = false;
  const deadline = activeDeadline(meta, limitsFor);
  if (!isFinal(meta) && deadline) {
    stepStartedOn = current.stepStartedOn;
    if (stepStartedOn !== null) {
      const r = due(calendar, stepStartedOn, deadline, limitsFor);
      stepDueOn = r.value;
      stepProvisional = r.provisional;
    } else {
      stepDueOn = current.stepDueOn;
      stepProvisional = stepDueOn !== null && current.provisional;
    }
  }

  let dueOn = current.dueOn;
  let overallProvisional = dueOn !== null && current.provisional;
  if (module.overall && current.overallStartedOn !== null) {
    const r = due(calendar, current.overallStartedOn, module.overall, limitsFor);
    dueOn = r.value;
    overallProvisional = r.provisional;
  }

  return {
    stepDueOn,
    dueOn,
    provisional: stepProvisional || overallProvisional,
    stepStartedOn,
    overallStartedOn: current.overallStartedOn,
  };
}
