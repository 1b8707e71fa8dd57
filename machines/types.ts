// The contract between the pure case machines and the service that runs them.
// Machines stay free of I/O, clocks and randomness: everything time-related arrives
// in the event (`occurredOn`, a China date chosen by the engine before transition).
import type { AnyStateMachine } from "xstate";
import type { z } from "zod";
import type {
  ApplicationGap,
  AttachmentKind,
  DocumentKind,
  Insurance,
  RecordEffect,
  ServiceComputation,
} from "./vocabulary.ts";

/**
 * Who acts next in a state (queues, progress, authorization):
 * - transferOut: staff of the case's transfer-out agency (the old place, `fromAgency`)
 * - transferIn:  staff of the case's transfer-in agency (the new place, `toAgency`)
 * - agency:      staff of either of the case's agencies (renewals have one agency)
 * - insured:     the insured person or their employer (staff record what they bring)
 * - none:        nobody (final states)
 */
export const SIDES = ["transferOut", "transferIn", "agency", "insured", "none"] as const;
export type Side = (typeof SIDES)[number];

/** The two agencies of a transfer: whose setting a limit is, whose staff act. */
export const AGENCY_SIDES = ["transferOut", "transferIn"] as const;
/** Whose staff may record an event. */
export const RECORDING_SIDES = [...AGENCY_SIDES, "agency"] as const;
export type RecordingSide = (typeof RECORDING_SIDES)[number];

export interface Label {
  zh: string;
  en: string;
}

/** A statutory limit in working days. Agencies may configure less, never more. */
export interface LimitSpec {
  /** key of the per-agency setting, e.g. "medicalTransfer.transferOut" */
  key: string;
  /** national ceiling in working days */
  nationalMaxDays: number;
  /** whose agency's setting applies */
  agency: (typeof AGENCY_SIDES)[number];
  /**
   * true: no national limit exists (e.g. the medical eligibility check, 医保办发〔2021〕43号 sets
   * none); the step has a due date only when the agency sets this key, its own promise.
   * `nationalMaxDays` is then only the largest value an agency may set.
   */
  agencyOnly?: boolean;
}

/** How a final case ended. */
export const OUTCOMES = ["completed", "withdrawn", "refused"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Which flow a case follows where a type knows two (a medical transfer: paper or online). */
export const FLOWS = ["paper", "online"] as const;
export type Flow = (typeof FLOWS)[number];

export interface StateMeta {
  side: Side;
  label: Label;
  /** 1-based position on the progress bar ("step k of n"); final states carry n */
  step: number;
  /** the step's own limit, counted from the occurredOn of the event that entered this state */
  deadline?: LimitSpec;
  /** final states: how the case ended */
  outcome?: Outcome;
}

export interface EventSpec {
  /** zod object schema of the payload (without `type` and `occurredOn`) */
  payload: z.ZodObject;
  /** whose staff may record it (checked by the API against the case's agencies) */
  recordedBy: RecordingSide[];
  label: Label;
  /**
   * For events a case may see again and again (reissues, refilings, reassessments): how many of
   * them one case may have (the engine refuses the next with a 409; docs/limits.md). Metadata
   * only: it changes neither the payload nor the transitions.
   */
  maxPerCase?: number;
}

/** The whole-case limit, e.g. 15 working days from acceptance for medical transfers. */
export interface OverallDeadline extends LimitSpec {
  /** event type that starts (or restarts) the overall clock */
  startsWith: string;
}

/**
 * An event whose recorded payload the service computes from a smaller request, because the rule
 * needs facts a pure machine cannot read (a regional policy in the database). The machine gets,
 * and the log records, the request together with the result; the machine checks that it adds up.
 */
export interface ComputedPayloadSpec {
  /** what the API accepts for the event (the OpenAPI document shows it) */
  request: z.ZodObject;
  /** which of the service's computations produces the payload (src/engine/computedPayloads.ts) */
  computedBy: ServiceComputation;
}

/** One version of a case type's machine. A released version is never edited in place. */
export interface CaseMachineModule {
  /**
   * the case type this module is a version of: its key in the registry (machines/index.ts), which
   * alone lists the case types (CaseType is derived from it)
   */
  type: string;
  /** explicit version, recorded on every case and checked on restore */
  version: number;
  machine: AnyStateMachine;
  /** every event the machine accepts, keyed by event type */
  events: Record<string, EventSpec>;
  /** metadata of every top-level state, keyed by state name (machines are flat) */
  states: Record<string, StateMeta>;
  /** n in "step k of n" */
  steps: number;
  overall?: OverallDeadline;
  /** why a guarded event may be refused, keyed by event type (zh/en not needed: shown to staff in problem details) */
  refusals?: Record<string, string>;
  /** events whose recorded payload the service computes (by event type) */
  computed?: Record<string, ComputedPayloadSpec>;
  /** what an event adds to the person's contribution record, in the transaction that records it */
  recordEffects?: Record<string, RecordEffect>;
}

// ---------------------------------------------------------------------------
// A case type: everything that differs by type, declared once beside its machine (its home,
// machines/<type>.ts). The service reads these declarations through the registry and names no
// case type itself (docs/case-types.md).

/** The additions a case type makes to the answers about its cases (plain data; src/api describes it). */
export interface CaseViewAdditions {
  /** which flow the case follows (paper or online); null while undecided */
  flow?: Flow | null;
  /** the arrears assessment; null before one */
  assessment?: AssessmentView | null;
  /** what the insured person is to pay, while an assessment is to be paid */
  paymentDue?: PaymentDue;
  /** a transfer's gap between the old place and the new (null before the application) */
  gap?: ApplicationGap | null;
  /** why the application was refused, while the case is refused (the status answer) */
  refusal?: RefusalView;
}

/** A refusal as the status answer shows it: the reason's code (REFUSAL_REASONS; null in versions 1) and its text. */
export interface RefusalView {
  reasonCode: string | null;
  reason: string | null;
}

/** An arrears assessment as the case's answers show it (older versions recorded less of it). */
export interface AssessmentView {
  monthsMissed: number;
  principalFen: number;
  lateFeeFen: number;
  totalFen: number;
  backPayable: boolean;
  waitingPeriodMonths: number | null;
  waitingPeriodEndsOn: string | null;
  payBy: string | null;
  lines?: { month: string; baseFen: number; contributionFen: number; daysLate: number; lateFeeFen: number }[];
  policy: { region: string; effectiveFrom: string } | null;
  continuity?: { continuous: boolean; continuousMonths: number | null; reimbursementRatioPercent: number | null };
}

export interface PaymentDue {
  totalFen: number;
  payBy: string | null;
  backPayable: boolean;
  waitingPeriodEndsOn: string | null;
}

/** How a case type adds to the answers: pure functions of what the machine recorded. */
export interface CaseTypeView {
  /** the case detail's additions, from the machine's facts (its context) */
  detail(version: number, context: Record<string, unknown>): CaseViewAdditions;
  /**
   * the status answer's additions, from the types of the events recorded (oldest first) and, in the
   * states listed in `statusReadsFacts`, from the machine's facts (undefined in the other states)
   */
  status(
    version: number,
    state: string,
    eventTypes: readonly string[],
    facts: Record<string, unknown> | undefined,
  ): CaseViewAdditions;
  /** the states whose status answer needs the machine's facts (the lookup reads them only then) */
  statusReadsFacts?: readonly string[];
  /**
   * per state of `statusReadsFacts`, the first machine version whose status answer reads facts
   * there (a state not listed: every version)
   */
  statusReadsFactsSince?: Readonly<Record<string, number>>;
}

/**
 * A case type, declared once. `Event` is the union of its machines' event types, so that a
 * misspelt event in `requiredDocuments` or `documents` does not compile.
 */
export interface CaseTypeDefinition<Event extends string = string> {
  /** the type's name, its key in the registry */
  type: string;
  /** what the type is called (the web shows it) */
  label: Label;
  /** what the service's English messages call one case of this type, with its article: "a medical transfer" */
  noun: string;
  /**
   * the letters that begin the type's case numbers, e.g. "MT" in MT2026-7K3Q9X2P: two capital
   * letters, different for each type (numbers already given stay valid: never change them)
   */
  caseNumberPrefix: string;
  /**
   * true: one agency handles the case from start to end (fromAgency = toAgency, e.g. a renewal);
   * false: a transfer between two different agencies
   */
  singleAgency: boolean;
  /** the installed machine versions, oldest first (new cases get the last) */
  versions: readonly CaseMachineModule[];
  /** the insurance a case is about: fixed by the type, or chosen when the case is opened */
  insurance: { fixed: Insurance } | { chosen: { default: Insurance } };
  /**
   * the enrolment a case holds while open: at most one open case per person, insurance and kind
   * (重复参保), e.g. "transfer" (the enrolment kind is "transfer:medical")
   */
  enrolment: string;
  /** the attachments a step expects on the case before the event (an agency may make them binding) */
  requiredDocuments: { readonly [E in Event]?: readonly AttachmentKind[] };
  /** the document an event produces (the completion notice comes from a final state, not from here) */
  documents: { readonly [E in Event]?: Exclude<DocumentKind, "completionNotice"> };
  /** what the type adds to the answers about its cases (none: nothing) */
  view?: CaseTypeView;
}
