// The machine catalog the service runs (the registry's versions, or a test's), and the module a
// stored case runs on: the one of its type and version, never another.
import type { Case } from "../generated/prisma/client.ts";
import { caseTypes, getMachine, latestMachine, type CaseType } from "../../machines/index.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { Problem } from "../problems.ts";
import type { EngineContext, MachineCatalog } from "./context.ts";

export const defaultCatalog: MachineCatalog = { get: getMachine, latest: latestMachine, types: caseTypes };

/**
 * The catalog with new cases of some types opened on an older installed version (the setting
 * NEW_CASE_VERSIONS, "type=version,…"): cases keep the version they opened on either way, so the
 * pin only chooses what new cases get (e.g. the typed certificates of version 2 until an agency's
 * contribution records are imported). An unknown type or version stops the start with a message.
 */
export function pinnedCatalog(base: MachineCatalog, pins: string): MachineCatalog {
  const chosen = new Map<string, CaseMachineModule>();
  for (const pair of pins.split(",").filter((p) => p.trim() !== "")) {
    const [type = "", version = ""] = pair.split("=").map((x) => x.trim());
    const known = (base.types as string[]).includes(type);
    const mod = known ? base.get(type as CaseType, Number(version)) : undefined;
    if (!mod)
      throw new Error(
        `NEW_CASE_VERSIONS: ${known ? `${type} has no installed version ${version}` : `unknown case type ${type}`} (the types: ${base.types.join(", ")})`,
      );
    chosen.set(type, mod);
  }
  if (chosen.size === 0) return base;
  return { ...base, latest: (type) => chosen.get(type) ?? base.latest(type) };
}

/** The module a stored case must be advanced with; a 500 problem when it is not installed. */
export function moduleOf(ctx: EngineContext, c: Pick<Case, "type" | "machineVersion">): CaseMachineModule {
  const mod = ctx.machines.get(c.type as CaseType, c.machineVersion);
  if (!mod) {
    // A case must keep running on the version it started with; refuse rather than guess.
    throw new Problem(
      500,
      "machine-version-missing",
      "Machine version unavailable",
      `Machine ${c.type} v${c.machineVersion} is not installed.`,
    );
  }
  return mod;
}

const warnedUninstalled = new Set<string>();

/**
 * Whether the case's machine version is installed. The jobs leave a case alone whose version is
 * not, as the engine does (it refuses to advance it): nothing about it can be trusted to mean
 * what this code thinks. Warns once per case.
 */
export function machineInstalled(ctx: EngineContext, c: Pick<Case, "id" | "type" | "machineVersion">): boolean {
  if (ctx.machines.get(c.type as CaseType, c.machineVersion)) return true;
  if (!warnedUninstalled.has(c.id)) {
    warnedUninstalled.add(c.id);
    ctx.log.warn(
      { caseId: c.id, type: c.type, machineVersion: c.machineVersion },
      "case skipped by the deadline jobs: its machine version is not installed",
    );
  }
  return false;
}
