// What notifications may say about a case (no personal data).
import type { CaseRef } from "../notifications/outbox.ts";
import type { CaseWithAgencies } from "./types.ts";

export function caseRef(c: CaseWithAgencies): CaseRef {
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    type: c.type,
    machineVersion: c.machineVersion,
    state: c.state,
    version: c.version,
    actingSide: c.actingSide,
    final: c.final,
    stepStartedOn: c.stepStartedOn,
    stepDueOn: c.stepDueOn,
    dueOn: c.dueOn,
    provisional: c.provisional,
    fromAgency: { id: c.fromAgency.id, code: c.fromAgency.code },
    toAgency: { id: c.toAgency.id, code: c.toAgency.code },
  };
}
