// The machine catalog the service runs, and the statutory limits agencies may configure.
import { machineRegistry, latestMachine, getMachine, caseTypes } from "../../machines/index.ts";
import { limitSpecsOf } from "../deadlines/index.ts";
import type { LimitSpec } from "../../machines/types.ts";
import type { MachineCatalog } from "./context.ts";

export const defaultCatalog: MachineCatalog = { get: getMachine, latest: latestMachine, types: caseTypes };

/** Every limit key of every installed machine version (the agency settings that are valid). */
export function allLimitSpecs(): LimitSpec[] {
  const byKey = new Map<string, LimitSpec>();
  for (const versions of Object.values(machineRegistry)) {
    for (const mod of Object.values(versions)) for (const spec of limitSpecsOf(mod)) byKey.set(spec.key, spec);
  }
  return [...byKey.values()];
}
