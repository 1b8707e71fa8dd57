// How many case events were committed, by case type and event type, per database client: read by
// the metrics endpoint (case_events_recorded_total). Every path that commits an event counts it
// right after its commit (caseEventsCommitted in src/engine/eventLog.ts: advances, case openings,
// the system events of the deadline jobs), so the hot path pays one map update per event.
import type { Db } from "../db/client.ts";

const tallies = new WeakMap<Db, Map<string, number>>();
const SEP = "\u0000";

/** Counts `n` committed events of `eventType` on cases of `caseType`. Call after the commit. */
export function countRecordedEvents(db: Db, caseType: string, eventType: string, n = 1): void {
  let t = tallies.get(db);
  if (!t) tallies.set(db, (t = new Map()));
  const key = caseType + SEP + eventType;
  t.set(key, (t.get(key) ?? 0) + n);
}

/** The counts so far, as [caseType, eventType, count]. */
export function recordedEvents(db: Db): [string, string, number][] {
  return [...(tallies.get(db) ?? [])].map(([k, n]) => {
    const [caseType, eventType] = k.split(SEP);
    return [caseType, eventType, n];
  });
}
