// SLA report: how agencies keep their statutory step limits, computed from the event log.
//
// Definitions
// - A *step* is a machine state with a deadline: each case type's machine module declares its
//   step limits on the states themselves (StateMeta.deadline: the national ceiling, and the key of
//   the setting an agency may lower it with), so a new type's steps are reported with no change
//   here. A step belongs to the agency on its side: transferOut → the case's fromAgency,
//   transferIn → the case's toAgency; a state on neither side (a review, say) belongs to the
//   agency its deadline names (LimitSpec.agency).
// - A *step instance* starts with the event that entered the state from another state (its
//   occurredOn is the step's start, as for Case.stepStartedOn) and *completes* with the event
//   that leaves it for another state, unless that event withdraws the case (a withdrawal is not
//   the agency completing its step). Self-transitions and system events do not end a step.
// - open / overdue: cases in the step now (as of `asOf`, today in China); overdue = its due date
//   (Case.stepDueOn) is before today. Not limited by [from, to].
// - completedOnTime / completedLate: instances completed with occurredOn in [from, to]; on time
//   when that date is not after the due date in force at the time, which the engine records on
//   the leaving event (CaseEvent.stepDueOn). Events recorded before that column existed fall
//   back to start + the agency's current limit on the current calendar. A step instance the
//   service flagged as missed (a DEADLINE_MISSED event between its start and its completion) is
//   late whatever occurredOn its completion is given afterwards: backdating cannot undo a miss.
// - completedBackdated: of those completions, the ones dated more than
//   BACKDATE_REASON_AFTER_WORKING_DAYS working days before the day they were recorded (they carry
//   a backdateReason, CaseEvent.backdateReason).
// - completionRate = completedOnTime / (completedOnTime + completedLate), 4 decimals; null if none.
// - medianWorkingDays / p90WorkingDays: working days from start to completion
//   (WorkingCalendar.workingDaysBetween: the start day not counted) over the completed instances,
//   percentiles by linear interpolation between closest ranks (as numpy's default and Excel's
//   PERCENTILE.INC), 1 decimal; null if none.
// Rows exist for every (agency, case type, step) with something to show (open or completed > 0),
// sorted by agency code, case type and step order.
import type { StateMeta, Label } from "../../machines/types.ts";
import type { CaseType } from "../../machines/index.ts";
import { applicableLimit } from "../deadlines/index.ts";
import { parseLimits } from "../engine/agencyLimits.ts";
import { DEADLINE_MISSED } from "../engine/types.ts";
import { REFUSAL_REASONS, type RefusalReasonCode } from "../../machines/vocabulary.ts";
import type { EngineContext, MachineCatalog } from "../engine/context.ts";

export interface SlaRow {
  agency: string;
  agencyName: string;
  caseType: string;
  step: string;
  stepLabel: Label;
  open: number;
  overdue: number;
  completedOnTime: number;
  completedLate: number;
  completionRate: number | null;
  medianWorkingDays: number | null;
  p90WorkingDays: number | null;
  /** completions recorded with a backdateReason (dated beyond BACKDATE_REASON_AFTER_WORKING_DAYS) */
  completedBackdated: number;
}

export interface SlaReport {
  from: string;
  to: string;
  /** the China date `open` and `overdue` are counted on */
  asOf: string;
  rows: SlaRow[];
  /** REFUSE events dated in [from, to], per refusing agency, case type and reason code */
  refusals: RefusalRow[];
}

/**
 * Refusals counted per reason code. The code is read from the REFUSE payload (`reasonCode`, from
 * the second machine versions on: machines/runtime.ts REFUSAL_REASONS); a refusal recorded
 * without one (version 1 cases, free text only) counts as UNSPECIFIED_REFUSAL. A payload with
 * only `reason` on a newer version means `other` (refusalPayload) and is counted as `other`.
 * The refusing agency is the case's transfer-in agency (the one that checks eligibility).
 */
export interface RefusalRow {
  agency: string;
  caseType: string;
  reasonCode: string;
  label: Label;
  count: number;
}

export const UNSPECIFIED_REFUSAL = "unspecified";

export const SLA_CSV_COLUMNS = [
  "agency",
  "agencyName",
  "caseType",
  "step",
  "stepLabelZh",
  "stepLabelEn",
  "open",
  "overdue",
  "completedOnTime",
  "completedLate",
  "completionRate",
  "medianWorkingDays",
  "p90WorkingDays",
  "completedBackdated",
] as const;

const CHUNK = 400;

/** Percentile by linear interpolation between closest ranks (numpy default, Excel PERCENTILE.INC). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

const round = (v: number | null, places: number) => (v === null ? null : Math.round(v * 10 ** places) / 10 ** places);

function sideOf(meta: StateMeta): "transferOut" | "transferIn" {
  if (meta.side === "transferOut" || meta.side === "transferIn") return meta.side;
  return meta.deadline!.agency;
}

/** The agency whose step it is: the case's agency at the step's end. */
function stepAgencyOf(meta: StateMeta, c: { fromAgencyId: number; toAgencyId: number }): number {
  return sideOf(meta) === "transferOut" ? c.fromAgencyId : c.toAgencyId;
}

/** The state's meta when the state is a step (it has a deadline) in that version of the type's machine. */
function stepMetaOf(
  machines: MachineCatalog,
  type: string,
  version: number,
  state: string | null,
): StateMeta | undefined {
  if (state === null) return undefined;
  const meta = machines.get(type as CaseType, version)?.states[state];
  return meta?.deadline ? meta : undefined;
}

/** The names of every state that is a step in some type's latest machine. */
function stepStatesOf(machines: MachineCatalog): string[] {
  const states = new Set<string>();
  for (const type of machines.types) {
    for (const [state, meta] of Object.entries(machines.latest(type).states)) if (meta.deadline) states.add(state);
  }
  return [...states];
}

/** What is counted for one (agency, case type, step): a row of the report, before its figures are worked out. */
interface Bucket {
  agencyId: number;
  caseType: string;
  step: string;
  order: number;
  label: Label;
  open: number;
  overdue: number;
  onTime: number;
  late: number;
  backdated: number;
  days: number[];
}

type Buckets = Map<string, Bucket>;

/** The bucket of (agency, case type, step), new and empty the first time. */
function bucketOf(buckets: Buckets, agencyId: number, caseType: string, step: string, meta: StateMeta): Bucket {
  const key = `${agencyId}\u0000${caseType}\u0000${step}`;
  let b = buckets.get(key);
  if (!b) {
    b = {
      agencyId,
      caseType,
      step,
      order: meta.step,
      label: meta.label,
      open: 0,
      overdue: 0,
      onTime: 0,
      late: 0,
      backdated: 0,
      days: [],
    };
    buckets.set(key, b);
  }
  return b;
}

type AgencyRow = { code: string; name: string; limits: string };

export async function slaReport(
  ctx: EngineContext,
  q: { from: string; to: string; agency?: string },
): Promise<SlaReport> {
  const today = ctx.today();
  const agencies = new Map((await ctx.db.agency.findMany()).map((a) => [a.id, a]));
  const buckets: Buckets = new Map();
  await countOpenSteps(ctx, today, buckets);
  const stepStates = stepStatesOf(ctx.machines);
  const completions = await completionsIn(ctx, q.from, q.to, stepStates);
  const history = await stepHistoryOf(ctx, [...new Set(completions.map((e) => e.caseId))], stepStates);
  for (const e of completions) judgeCompletion(ctx, e, history, agencies, buckets);
  const rows = reportRows(buckets, agencies, q.agency);
  const refusals = (await refusalCounts(ctx, q.from, q.to, agencies)).filter((r) => !q.agency || r.agency === q.agency);
  return { from: q.from, to: q.to, asOf: today, rows, refusals };
}

/** Open and overdue, now: the cases in each step, and those of them past the step's due date. */
async function countOpenSteps(ctx: EngineContext, today: string, buckets: Buckets): Promise<void> {
  const by = ["type", "machineVersion", "state", "fromAgencyId", "toAgencyId"] as const;
  const openGroups = await ctx.db.case.groupBy({
    by: [...by],
    where: { final: false, stepDueOn: { not: null } },
    _count: { _all: true },
  });
  const overdueGroups = await ctx.db.case.groupBy({
    by: [...by],
    where: { final: false, stepDueOn: { lt: today } },
    _count: { _all: true },
  });
  for (const [groups, field] of [
    [openGroups, "open"],
    [overdueGroups, "overdue"],
  ] as const) {
    for (const g of groups) {
      const meta = stepMetaOf(ctx.machines, g.type, g.machineVersion, g.state);
      if (!meta) continue;
      bucketOf(buckets, stepAgencyOf(meta, g), g.type, g.state, meta)[field] += g._count._all;
    }
  }
}

/** Completions in [from, to]: events leaving a step state for another state. */
async function completionsIn(ctx: EngineContext, from: string, to: string, stepStates: string[]) {
  const events = await ctx.db.caseEvent.findMany({
    where: { occurredOn: { gte: from, lte: to }, fromState: { in: [...stepStates] } },
    select: {
      caseId: true,
      seq: true,
      fromState: true,
      toState: true,
      occurredOn: true,
      stepDueOn: true,
      backdateReason: true,
      case: { select: { type: true, machineVersion: true, fromAgencyId: true, toAgencyId: true } },
    },
  });
  return events.filter(
    (e) => e.fromState !== e.toState && stepMetaOf(ctx.machines, e.case.type, e.case.machineVersion, e.fromState),
  );
}

type Completion = Awaited<ReturnType<typeof completionsIn>>[number];

/** What the event log says of the steps of some cases, by case. */
interface StepHistory {
  /** the events that entered a step state from another state, in order */
  entries: Map<string, { seq: number; toState: string; occurredOn: string }[]>;
  /** the service's missed-deadline notes: [seq, state] */
  missed: Map<string, { seq: number; state: string }[]>;
}

/** The step history of those cases, read CHUNK cases at a time. */
async function stepHistoryOf(ctx: EngineContext, caseIds: string[], stepStates: string[]): Promise<StepHistory> {
  const history: StepHistory = { entries: new Map(), missed: new Map() };
  for (let i = 0; i < caseIds.length; i += CHUNK) {
    const rows = await ctx.db.caseEvent.findMany({
      where: { caseId: { in: caseIds.slice(i, i + CHUNK) }, toState: { in: [...stepStates] } },
      select: { caseId: true, seq: true, type: true, fromState: true, toState: true, occurredOn: true },
      orderBy: [{ caseId: "asc" }, { seq: "asc" }],
    });
    for (const r of rows) {
      if (r.type === DEADLINE_MISSED) {
        const notes = history.missed.get(r.caseId) ?? [];
        notes.push({ seq: r.seq, state: r.toState });
        history.missed.set(r.caseId, notes);
      }
      if (r.fromState === r.toState) continue;
      const list = history.entries.get(r.caseId) ?? [];
      list.push(r);
      history.entries.set(r.caseId, list);
    }
  }
  return history;
}

/**
 * Counts one completion on time or late in its step's bucket, with its working days when its
 * start is known. A withdrawal completes nothing; a completion whose due date is neither recorded
 * nor reconstructible, and that was never flagged missed, is not judged.
 */
function judgeCompletion(
  ctx: EngineContext,
  e: Completion,
  history: StepHistory,
  agencies: Map<number, AgencyRow>,
  buckets: Buckets,
): void {
  const mod = ctx.machines.get(e.case.type as CaseType, e.case.machineVersion)!;
  const meta = mod.states[e.fromState!];
  if (mod.states[e.toState]?.outcome === "withdrawn") return;
  // The start of the instance: the latest earlier event that entered that state.
  const entered = (history.entries.get(e.caseId) ?? [])
    .filter((x) => x.seq < e.seq && x.toState === e.fromState)
    .at(-1);
  const agencyId = stepAgencyOf(meta, e.case);
  let dueOn = e.stepDueOn;
  if (dueOn === null && entered) {
    const agency = agencies.get(agencyId);
    const limit = applicableLimit(meta.deadline!, parseLimits(agency?.limits ?? "{}"));
    if (limit !== null) dueOn = ctx.calendar.addWorkingDays(entered.occurredOn, limit).value;
  }
  const flagged = (history.missed.get(e.caseId) ?? []).some(
    (m) => m.state === e.fromState && m.seq < e.seq && m.seq > (entered?.seq ?? 0),
  );
  if (dueOn === null && !flagged) return; // neither recorded nor reconstructible: not judged
  const b = bucketOf(buckets, agencyId, e.case.type, e.fromState!, meta);
  if (!flagged && e.occurredOn <= dueOn!) b.onTime++;
  else b.late++;
  if (e.backdateReason !== null) b.backdated++;
  if (entered) b.days.push(ctx.calendar.workingDaysBetween(entered.occurredOn, e.occurredOn).value);
}

/** The rows with something to show, of one agency or all, sorted by agency code, case type and step order. */
function reportRows(buckets: Buckets, agencies: Map<number, AgencyRow>, agencyCode: string | undefined): SlaRow[] {
  const rows: (SlaRow & { order: number })[] = [];
  for (const b of buckets.values()) {
    const agency = agencies.get(b.agencyId);
    if (!agency || (agencyCode && agency.code !== agencyCode)) continue;
    if (b.open === 0 && b.onTime + b.late === 0) continue;
    const days = [...b.days].sort((x, y) => x - y);
    const completed = b.onTime + b.late;
    rows.push({
      agency: agency.code,
      agencyName: agency.name,
      caseType: b.caseType,
      step: b.step,
      stepLabel: b.label,
      open: b.open,
      overdue: b.overdue,
      completedOnTime: b.onTime,
      completedLate: b.late,
      completionRate: completed > 0 ? round(b.onTime / completed, 4) : null,
      medianWorkingDays: round(percentile(days, 0.5), 1),
      p90WorkingDays: round(percentile(days, 0.9), 1),
      completedBackdated: b.backdated,
      order: b.order,
    });
  }
  rows.sort((a, b) =>
    a.agency < b.agency
      ? -1
      : a.agency > b.agency
        ? 1
        : a.caseType < b.caseType
          ? -1
          : a.caseType > b.caseType
            ? 1
            : a.order - b.order,
  );
  return rows.map(({ order: _order, ...r }) => r);
}

async function refusalCounts(
  ctx: EngineContext,
  from: string,
  to: string,
  agencies: Map<number, { code: string }>,
): Promise<RefusalRow[]> {
  const events = await ctx.db.caseEvent.findMany({
    where: { type: "REFUSE", occurredOn: { gte: from, lte: to } },
    select: { payload: true, case: { select: { type: true, machineVersion: true, toAgencyId: true } } },
  });
  const counts = new Map<string, RefusalRow>();
  for (const e of events) {
    const code = reasonCodeOf(e.payload, e.case.machineVersion);
    const agency = agencies.get(e.case.toAgencyId)?.code ?? "";
    const key = `${agency}\u0000${e.case.type}\u0000${code}`;
    const row = counts.get(key) ?? {
      agency,
      caseType: e.case.type,
      reasonCode: code,
      label: refusalLabel(code),
      count: 0,
    };
    row.count++;
    counts.set(key, row);
  }
  return [...counts.values()].sort(
    (a, b) =>
      a.agency.localeCompare(b.agency) ||
      a.caseType.localeCompare(b.caseType) ||
      a.reasonCode.localeCompare(b.reasonCode),
  );
}

/** A REFUSE event's reason code: its own, `other` for a later version's free text alone, `unspecified` before. */
export function reasonCodeOf(payload: string, machineVersion: number): string {
  let p: { reasonCode?: unknown; reason?: unknown } = {};
  try {
    p = JSON.parse(payload) as typeof p;
  } catch {
    // unreadable: unspecified
  }
  if (typeof p.reasonCode === "string" && Object.hasOwn(REFUSAL_REASONS, p.reasonCode)) return p.reasonCode;
  return machineVersion >= 2 && typeof p.reason === "string" ? "other" : UNSPECIFIED_REFUSAL;
}

function refusalLabel(code: string): Label {
  if (Object.hasOwn(REFUSAL_REASONS, code)) return REFUSAL_REASONS[code as RefusalReasonCode];
  return { zh: "未注明原因代码", en: "No reason code (free text only)" };
}

export const REFUSAL_CSV_COLUMNS = ["agency", "caseType", "reasonCode", "labelZh", "labelEn", "count"] as const;

export function refusalsCsv(report: SlaReport): string {
  const lines = report.refusals.map((r) =>
    [r.agency, r.caseType, r.reasonCode, r.label.zh, r.label.en, r.count].map(csvCell).join(","),
  );
  return [REFUSAL_CSV_COLUMNS.join(","), ...lines].join("\r\n") + "\r\n";
}

/** CSV field quoting per RFC 4180, and a leading ' for cells a spreadsheet would run as formulas. */
export function csvCell(v: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cells are scalars; anything else prints as JS does
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function slaCsv(report: SlaReport): string {
  const lines = report.rows.map((r) =>
    [
      r.agency,
      r.agencyName,
      r.caseType,
      r.step,
      r.stepLabel.zh,
      r.stepLabel.en,
      r.open,
      r.overdue,
      r.completedOnTime,
      r.completedLate,
      r.completionRate,
      r.medianWorkingDays,
      r.p90WorkingDays,
      r.completedBackdated,
    ]
      .map(csvCell)
      .join(","),
  );
  return [SLA_CSV_COLUMNS.join(","), ...lines].join("\r\n") + "\r\n";
}
