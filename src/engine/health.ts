// The service's health as /healthz reports it.
import type { EngineContext } from "./context.ts";

/** Resolves when the database answers a statement that reads nothing; throws when it does not. */
export async function checkDatabase(ctx: EngineContext): Promise<void> {
  await ctx.db.$queryRawUnsafe("SELECT 1");
}
