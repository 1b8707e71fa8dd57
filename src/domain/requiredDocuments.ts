// The documents a step expects: the attachment kinds an event should find on the case before it
// is recorded, as each case type declares them (`requiredDocuments` in machines/<type>.ts). Data
// beside the machines, not machine metadata: changing it changes no machine version and no stored
// case (docs/clerk-tools.md). An agency's `requireDocuments` setting makes the list binding for the
// events its staff record (409 missing-documents); otherwise the case page only shows what is
// present and what is missing.
import { definitionOf, isCaseType } from "../../machines/index.ts";
import type { AttachmentKind } from "../../machines/vocabulary.ts";

export { ATTACHMENT_KINDS, type AttachmentKind } from "../../machines/vocabulary.ts";

/** The kinds `eventType` expects on a case of `caseType` (none: an empty list). */
export function requiredKinds(caseType: string, eventType: string): readonly AttachmentKind[] {
  if (!isCaseType(caseType)) return [];
  const byEvent: Partial<Record<string, readonly AttachmentKind[]>> = definitionOf(caseType).requiredDocuments;
  return (Object.hasOwn(byEvent, eventType) ? byEvent[eventType] : undefined) ?? [];
}

/** The expected kinds not among `present`, in the declaration's order. */
export function missingKinds(caseType: string, eventType: string, present: Iterable<string>): AttachmentKind[] {
  const have = new Set(present);
  return requiredKinds(caseType, eventType).filter((k) => !have.has(k));
}
