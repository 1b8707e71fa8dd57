// Small database helpers shared by the jobs.
import type { CaseType } from "../../machines/index.ts";
import type { CaseWithAgencies } from "../engine/cases.ts";
import type { EngineContext } from "../engine/context.ts";

export function findCase(ctx: EngineContext, id: string): Promise<CaseWithAgencies | null> {
  return ctx.db.case.findUnique({ where: { id }, include: { fromAgency: true, toAgency: true } });
}

const warnedUninstalled = new Set<string>();

/**
 * Jobs leave a case alone whose machine version is not installed, as the engine does (it refuses
 * to advance it): nothing about it can be trusted to mean what this code thinks.
 */
export function machineInstalled(ctx: EngineContext, c: CaseWithAgencies): boolean {
  if (ctx.machines.get(c.type as CaseType, c.machineVersion)) return true;
  if (!warnedUninstalled.has(c.id)) {
    warnedUninstalled.add(c.id);
    ctx.log.warn({ caseId: c.id, type: c.type, machineVersion: c.machineVersion }, "case skipped by the deadline jobs: its machine version is not installed");
  }
  return false;
}

/** One case's failure (a damaged row, a bug) is logged and must not stop the sweep for the others. */
export async function isolated(ctx: EngineContext, caseId: string, work: () => Promise<boolean>): Promise<boolean> {
  try {
    return await work();
  } catch (err) {
    ctx.log.error({ err, caseId }, "deadline job failed on a case; the next sweep tries again");
    return false;
  }
}

/**
 * Lets pending I/O (HTTP requests) run. better-sqlite3 is synchronous and the driver adapter
 * answers with already-resolved promises, so a long loop of queries would otherwise starve
 * the event loop for its whole duration. Called between the cases of a sweep.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
