// One case at a time in the jobs: a failure on one case is logged and does not stop the others.
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
