// Registry of case machines: type -> version -> module. A case records the type and
// version it was opened with and is always advanced by that exact module; a new version is
// added beside the old one (never edited in place) so that open cases keep their rules.
import type { CaseMachineModule, CaseType } from "./types.ts";
import { medicalTransfer } from "./medicalTransfer.ts";
import { pensionTransfer } from "./pensionTransfer.ts";
import { renewal } from "./renewal.ts";

export type { CaseMachineModule, CaseType } from "./types.ts";

function byVersion(...mods: CaseMachineModule[]): Record<number, CaseMachineModule> {
  return Object.fromEntries(mods.map((mod) => [mod.version, mod]));
}

export const machineRegistry: Record<CaseType, Record<number, CaseMachineModule>> = {
  medicalTransfer: byVersion(medicalTransfer),
  pensionTransfer: byVersion(pensionTransfer),
  renewal: byVersion(renewal),
};

export const caseTypes: CaseType[] = Object.keys(machineRegistry) as CaseType[];

/** The module new cases of `type` are opened with: the highest version. */
export function latestMachine(type: CaseType): CaseMachineModule {
  const versions = Object.keys(machineRegistry[type] ?? {}).map(Number);
  if (versions.length === 0) throw new Error(`unknown case type ${JSON.stringify(type)}`);
  return machineRegistry[type][Math.max(...versions)]!;
}

/** The module a stored case must be advanced with; undefined for an unknown type or version. */
export function getMachine(type: CaseType, version: number): CaseMachineModule | undefined {
  const versions = Object.hasOwn(machineRegistry, type) ? machineRegistry[type] : undefined;
  return versions && Object.hasOwn(versions, version) ? versions[version] : undefined;
}

export { medicalTransfer, pensionTransfer, renewal };
