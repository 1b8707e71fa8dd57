// Which documents a case has: computed from its event log, with the documents its case type
// declares for its events (machines/<type>.ts) and the table of kinds (./kinds.ts). Pure: the same
// events give the same list, on any node, at any time.
import { definitionOf, type CaseType } from "../../machines/index.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { documentKinds, endsCase, type DocumentCase, type DocumentEvent, type DocumentKind } from "./kinds.ts";

export interface DerivedDocument {
  kind: DocumentKind;
  /** the seq of the event the document comes from */
  seq: number;
  /** the event's China date: the document's date */
  issuedOn: string;
  /** set when a later document of the same chain replaces this one (a reissued certificate) */
  supersededBy: { seq: number; issuedOn: string } | null;
}

/** The documents of a case, oldest first. `mod` is the case's own machine version. */
export function deriveDocuments(mod: CaseMachineModule, c: DocumentCase, events: DocumentEvent[]): DerivedDocument[] {
  const byEvent: Partial<Record<string, DocumentKind>> = definitionOf(c.type as CaseType).documents;
  const docs: DerivedDocument[] = [];
  for (const e of events) {
    const kind = Object.hasOwn(byEvent, e.type) ? byEvent[e.type] : undefined;
    if (kind) docs.push({ kind, seq: e.seq, issuedOn: e.occurredOn, supersededBy: null });
    if (mod.states[e.toState]?.outcome !== undefined && e.type !== "CASE_OPENED")
      docs.push({ kind: endsCase, seq: e.seq, issuedOn: e.occurredOn, supersededBy: null });
  }
  // Within a chain (certificate, reissued certificate …) each document is superseded by the next.
  const lastOfChain = new Map<string, DerivedDocument>();
  for (const d of docs) {
    const chain = (documentKinds[d.kind] as { chain?: string }).chain;
    if (!chain) continue;
    const previous = lastOfChain.get(chain);
    if (previous) previous.supersededBy = { seq: d.seq, issuedOn: d.issuedOn };
    lastOfChain.set(chain, d);
  }
  return docs;
}
