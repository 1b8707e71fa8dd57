// The documents a step expects: the attachment kinds an event should find on the case before it
// is recorded. Data beside the machines, not machine metadata: changing this table changes no
// machine version and no stored case (docs/clerk-tools.md). An agency's `requireDocuments`
// setting makes the list binding for the events its staff record (409 missing-documents);
// otherwise the case page only shows what is present and what is missing.
import type { CaseType } from "../../machines/index.ts";

export const ATTACHMENT_KINDS = [
  "idCard",
  "householdRegister",
  "laborContract",
  "certificate",
  "applicationForm",
  "employerForm",
  "other",
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** Case type -> event type -> the kinds expected on the case before that event. */
export const REQUIRED_DOCUMENTS: Record<CaseType, Partial<Record<string, readonly AttachmentKind[]>>> = {
  medicalTransfer: {
    // the application at the transfer-in agency: ID, application form and the certificate
    FILE_APPLICATION: ["applicationForm", "idCard"],
    ACCEPT: ["applicationForm", "idCard"],
  },
  pensionTransfer: {
    // the new employer registers the person first (增员表) and applies in writing
    FILE_APPLICATION: ["applicationForm", "idCard", "employerForm"],
    ACCEPT: ["applicationForm", "idCard"],
  },
  renewal: {
    // a cancelled record: the person re-applies with ID and household register
    REAPPLY: ["idCard", "householdRegister"],
  },
};

/** The kinds `eventType` expects on a case of `caseType` (none: an empty list). */
export function requiredKinds(caseType: string, eventType: string): readonly AttachmentKind[] {
  const byEvent = Object.hasOwn(REQUIRED_DOCUMENTS, caseType) ? REQUIRED_DOCUMENTS[caseType as CaseType] : undefined;
  return (byEvent && Object.hasOwn(byEvent, eventType) ? byEvent[eventType] : undefined) ?? [];
}

/** The expected kinds not among `present`, in the table's order. */
export function missingKinds(caseType: string, eventType: string, present: Iterable<string>): AttachmentKind[] {
  const have = new Set(present);
  return requiredKinds(caseType, eventType).filter((k) => !have.has(k));
}
