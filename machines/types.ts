// The contract between the pure case machines and the service that runs them.
// Machines stay free of I/O, clocks and randomness: everything time-related arrives
// in the event (`occurredOn`, a China date chosen by the engine before transition).
import type { AnyStateMachine } from "xstate";
import type { z } from "zod";

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

/** Whose staff may record an event. */
export type RecordingSide = "transferOut" | "transferIn" | "agency";

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
  agency: "transferOut" | "transferIn";
  /**
   * true: no national limit exists (e.g. the medical eligibility check, 医保办发〔2021〕43号 sets
   * none); the step has a due date only when the agency sets this key, its own promise.
   * `nationalMaxDays` is then only the largest value an agency may set.
   */
  agencyOnly?: boolean;
}

export interface StateMeta {
  side: Side;
  label: Label;
  /** 1-based position on the progress bar ("step k of n"); final states carry n */
  step: number;
  /** the step's own limit, counted from the occurredOn of the event that entered this state */
  deadline?: LimitSpec;
  /** final states: how the case ended */
  outcome?: "completed" | "withdrawn" | "refused";
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

export interface CaseMachineModule {
  /**
   * the case type this module is a version of: its key in the registry (machines/index.ts), which
   * alone lists the case types (CaseType is derived from it)
   */
  type: string;
  /** explicit version, recorded on every case and checked on restore */
  version: number;
  /** what the case type is called (the same in every version of a type) */
  label: Label;
  /**
   * the letters that begin the type's case numbers, e.g. "MT" in MT2026-7K3Q9X2P: two capital
   * letters, different for each type, the same in every version (numbers already given stay valid)
   */
  caseNumberPrefix: string;
  /**
   * true: one agency handles the case from start to end (fromAgency = toAgency, e.g. a renewal);
   * false: a transfer between two different agencies. The same in every version of a type.
   */
  singleAgency: boolean;
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
}
