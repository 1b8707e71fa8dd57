// Registry of case machines: type -> version -> module. A case records the type and
// version it was opened with and is always advanced by that exact module; a new version is
// added beside the old one (never edited in place) so that open cases keep their rules.
//
// This is the ONLY list of case types: CaseType, the API's enums, case numbers, the web pages
// (through GET /api/machines) and the tests all read it from here. See docs/case-types.md.
import type { CaseMachineModule, Label } from "./types.ts";
import { medicalTransfer, medicalTransferV2 } from "./medicalTransfer.ts";
import { pensionTransfer, pensionTransferV2 } from "./pensionTransfer.ts";
import { renewal, renewalV2 } from "./renewal.ts";

export type { CaseMachineModule } from "./types.ts";

function byVersion(...mods: CaseMachineModule[]): Record<number, CaseMachineModule> {
  return Object.fromEntries(mods.map((mod) => [mod.version, mod]));
}

export const machineRegistry = {
  medicalTransfer: byVersion(medicalTransfer, medicalTransferV2),
  pensionTransfer: byVersion(pensionTransfer, pensionTransferV2),
  renewal: byVersion(renewal, renewalV2),
} satisfies Record<string, Record<number, CaseMachineModule>>;

/** A case type: a key of the registry. */
export type CaseType = keyof typeof machineRegistry;

/** Every case type, in the registry's order (a non-empty tuple, as z.enum wants it). */
export const caseTypes = Object.keys(machineRegistry) as [CaseType, ...CaseType[]];

/** Whether `s` names a case type of the registry (own keys only: "constructor" is none). */
export function isCaseType(s: unknown): s is CaseType {
  return typeof s === "string" && Object.hasOwn(machineRegistry, s);
}

/** What a case type is, the same in every one of its versions (CaseMachineModule's own fields). */
export interface CaseTypeInfo {
  type: CaseType;
  label: Label;
  caseNumberPrefix: string;
  singleAgency: boolean;
}

/** The module new cases of `type` are opened with: the highest version. */
export function latestMachine(type: CaseType): CaseMachineModule {
  const versions = Object.hasOwn(machineRegistry, type) ? Object.keys(machineRegistry[type]).map(Number) : [];
  if (versions.length === 0) throw new Error(`unknown case type ${JSON.stringify(type)}`);
  return machineRegistry[type][Math.max(...versions)]!;
}

/** The module a stored case must be advanced with; undefined for an unknown type or version. */
export function getMachine(type: CaseType, version: number): CaseMachineModule | undefined {
  const versions: Record<number, CaseMachineModule> | undefined = Object.hasOwn(machineRegistry, type)
    ? machineRegistry[type]
    : undefined;
  return versions && Object.hasOwn(versions, version) ? versions[version] : undefined;
}

export function caseTypeInfo(type: CaseType): CaseTypeInfo {
  const { label, caseNumberPrefix, singleAgency } = latestMachine(type);
  return { type, label, caseNumberPrefix, singleAgency };
}

// The registry is checked once, when it is loaded: a mistake in a new type or version stops the
// service at start rather than producing case numbers or rules that contradict each other.
function checkRegistry(): void {
  const prefixes = new Map<string, string>();
  for (const type of caseTypes) {
    const info = caseTypeInfo(type);
    if (!/^[A-Z]{2}$/.test(info.caseNumberPrefix))
      throw new Error(`${type}: caseNumberPrefix must be two capital letters`);
    const other = prefixes.get(info.caseNumberPrefix);
    if (other) throw new Error(`${type} and ${other} both use the case number prefix ${info.caseNumberPrefix}`);
    prefixes.set(info.caseNumberPrefix, type);
    for (const [key, mod] of Object.entries(machineRegistry[type] as Record<number, CaseMachineModule>)) {
      if (mod.type !== type) throw new Error(`registry key ${type} holds a module of type ${mod.type}`);
      if (mod.version !== Number(key)) throw new Error(`${type}: version ${mod.version} registered as ${key}`);
      const same =
        mod.caseNumberPrefix === info.caseNumberPrefix &&
        mod.singleAgency === info.singleAgency &&
        mod.label.zh === info.label.zh &&
        mod.label.en === info.label.en;
      if (!same)
        throw new Error(
          `${type} v${mod.version}: label, caseNumberPrefix and singleAgency must be those of every version`,
        );
    }
  }
}
checkRegistry();

export { medicalTransfer, medicalTransferV2, pensionTransfer, pensionTransferV2, renewal, renewalV2 };
