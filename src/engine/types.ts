// What the engine's parts share about a case: its row as read, and the types of the events the
// engine itself records. No behaviour here, so every part of the engine (and the store beneath
// it) can import it without importing each other.
import type { Agency, Case, CaseEvent } from "../generated/prisma/client.ts";

/** A case row with both its agencies (one and the same for a case one agency handles). */
export type CaseWithAgencies = Case & { fromAgency: Agency; toAgency: Agency };

/** An event of a case's append-only log, as stored (read back; eventLog.ts CaseEventRow is one to write). */
export type StoredCaseEvent = CaseEvent;

/** Event type of a case's first event: opening the case is recorded like every other change. */
export const CASE_OPENED = "CASE_OPENED";
/**
 * System events (actorKind "system", fromState = toState): notes on the clock that do not move the
 * machine. They bump the case version like any event but never its lastOccurredOn, so they never
 * stop staff from dating an act before them (recorded by ./systemEvents.ts, decided by src/jobs/).
 */
export const DEADLINE_MISSED = "DEADLINE_MISSED";
export const DEADLINES_RECOMPUTED = "DEADLINES_RECOMPUTED";
