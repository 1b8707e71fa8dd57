// The registry of case types: type -> its declaration (label, versions, insurance, enrolment,
// documents, view; machines/<type>.ts). A case records the type and version it was opened with and
// is always advanced by that exact module; a new version is added beside the old one (never edited
// in place) so that open cases keep their rules.
//
// This is the ONLY list of case types: CaseType, the API's enums, case numbers, enrolments,
// documents, the web pages (through GET /api/machines) and the tests all read it from here. Adding
// a type is one line below (docs/case-types.md).
import type { CaseTypeDefinition } from "./types.ts";
import { createRegistry } from "./registry.ts";
import { medicalTransfer, medicalTransferType, medicalTransferV2 } from "./medicalTransfer.ts";
import { pensionTransfer, pensionTransferType, pensionTransferV2 } from "./pensionTransfer.ts";
import { renewal, renewalType, renewalV2, renewalV3 } from "./renewal.ts";

export type { CaseMachineModule, CaseTypeDefinition } from "./types.ts";
export type { CaseTypeInfo } from "./registry.ts";

export const caseTypeRegistry = {
  medicalTransfer: medicalTransferType,
  pensionTransfer: pensionTransferType,
  renewal: renewalType,
} satisfies Record<string, CaseTypeDefinition>;

/** A case type: a key of the registry. */
export type CaseType = keyof typeof caseTypeRegistry;

export const {
  caseTypes,
  machineRegistry,
  isCaseType,
  definitionOf,
  latestMachine,
  getMachine,
  caseTypeInfo,
  insurancesOf,
} = createRegistry<CaseType>(caseTypeRegistry);

export { medicalTransfer, medicalTransferV2, pensionTransfer, pensionTransferV2, renewal, renewalV2, renewalV3 };
