// What the registry of case types answers (machines/index.ts holds the one list): a type's
// declaration, its machine versions, the version new cases get. Built from the declarations and
// checked once, when it is built: a mistake in a new type or version stops the service at start
// rather than producing case numbers or rules that contradict each other.
import type { CaseMachineModule, CaseTypeDefinition, Label } from "./types.ts";
import { INSURANCES, type Insurance } from "./vocabulary.ts";

/** What a case type is, the same in every one of its versions. */
export interface CaseTypeInfo<T extends string = string> {
  type: T;
  label: Label;
  caseNumberPrefix: string;
  singleAgency: boolean;
}

export function createRegistry<T extends string>(definitions: Record<T, CaseTypeDefinition>) {
  const caseTypes = Object.keys(definitions) as [T, ...T[]];
  checkDefinitions(definitions);
  const machineRegistry = Object.fromEntries(
    caseTypes.map((type) => [type, Object.fromEntries(definitions[type].versions.map((m) => [m.version, m]))]),
  ) as Record<T, Record<number, CaseMachineModule>>;

  /** Whether `s` names a case type of the registry (own keys only: "constructor" is none). */
  const isCaseType = (s: unknown): s is T => typeof s === "string" && Object.hasOwn(definitions, s);

  /** A type's declaration; throws for an unknown type. */
  function definitionOf(type: T): CaseTypeDefinition {
    if (!isCaseType(type)) throw new Error(`unknown case type ${JSON.stringify(type)}`);
    return definitions[type];
  }

  return {
    /** the declarations, by type */
    definitions,
    /** every case type, in the registry's order (a non-empty tuple, as z.enum wants it) */
    caseTypes,
    /** type -> version -> module */
    machineRegistry,
    isCaseType,
    definitionOf,
    /** The module new cases of `type` are opened with: the highest version. */
    latestMachine: (type: T): CaseMachineModule => definitionOf(type).versions.at(-1)!,
    /** The module a stored case must be advanced with; undefined for an unknown type or version. */
    getMachine: (type: T, version: number): CaseMachineModule | undefined => {
      const versions = isCaseType(type) ? machineRegistry[type] : undefined;
      return versions && Object.hasOwn(versions, version) ? versions[version] : undefined;
    },
    caseTypeInfo: (type: T): CaseTypeInfo<T> => {
      const { label, caseNumberPrefix, singleAgency } = definitionOf(type);
      return { type, label, caseNumberPrefix, singleAgency };
    },
    /** The insurances a case of `type` may be about (a fixed one, or every one it may choose). */
    insurancesOf: (type: T): readonly Insurance[] => {
      const { insurance } = definitionOf(type);
      return "fixed" in insurance ? [insurance.fixed] : INSURANCES;
    },
  };
}

const NAME = /^[a-z][A-Za-z0-9]*$/;

function checkDefinitions(definitions: Record<string, CaseTypeDefinition>): void {
  const prefixes = new Map<string, string>();
  for (const [key, def] of Object.entries(definitions)) {
    // the type and enrolment names go into SQL as literals (src/engine/enrolments.ts): names only
    if (def.type !== key || !NAME.test(key))
      throw new Error(`registry key ${key} holds the declaration of ${def.type}`);
    if (!NAME.test(def.enrolment)) throw new Error(`${key}: enrolment must be a name, not ${def.enrolment}`);
    if (!/^[A-Z]{2}$/.test(def.caseNumberPrefix))
      throw new Error(`${key}: caseNumberPrefix must be two capital letters`);
    const other = prefixes.get(def.caseNumberPrefix);
    if (other) throw new Error(`${key} and ${other} both use the case number prefix ${def.caseNumberPrefix}`);
    prefixes.set(def.caseNumberPrefix, key);
    checkVersions(key, def.versions);
    const events = new Set(def.versions.flatMap((m) => Object.keys(m.events)));
    for (const [what, table] of [
      ["requiredDocuments", def.requiredDocuments],
      ["documents", def.documents],
    ] as const) {
      for (const event of Object.keys(table))
        if (!events.has(event)) throw new Error(`${key}: ${what} names ${event}, which no version records`);
    }
  }
}

function checkVersions(type: string, versions: readonly CaseMachineModule[]): void {
  if (versions.length === 0) throw new Error(`${type}: no machine version`);
  versions.forEach((mod, i) => {
    if (mod.type !== type) throw new Error(`${type} lists a module of type ${mod.type}`);
    if (!Number.isInteger(mod.version) || (i > 0 && mod.version <= versions[i - 1]!.version))
      throw new Error(`${type}: versions must be listed in increasing order (v${mod.version})`);
    for (const event of Object.keys(mod.computed ?? {}))
      if (!Object.hasOwn(mod.events, event))
        throw new Error(`${type} v${mod.version}: ${event} is computed but no event`);
  });
}
