// Small database helpers shared by the jobs.
import type { EngineContext } from "../engine/context.ts";

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
