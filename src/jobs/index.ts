// The service's background jobs, run in-process by default (JOBS=off disables them, e.g. on API
// nodes when a separate worker node runs them). All are safe to run on several nodes at once.
import type { Config } from "../config.ts";
import type { EngineContext } from "../engine/context.ts";
import { DeliveryWorker } from "../notifications/worker.ts";
import { JobLoop } from "../runtime/jobLoop.ts";
import { Purger } from "./purge.ts";
import { Sweeper } from "./sweeper.ts";

export interface RunningJobs {
  sweeper: Sweeper;
  delivery: DeliveryWorker;
  purger: Purger;
  stop: () => Promise<void>;
}

export function startJobs(ctx: EngineContext, config: Config): RunningJobs {
  const sweeper = new Sweeper(ctx, { dueSoonWorkingDays: config.DUE_SOON_WORKING_DAYS });
  const sweepLoop = new JobLoop(
    "deadline sweep",
    async () => void (await sweeper.runOnce()),
    config.SWEEP_INTERVAL_MS,
    ctx.log,
  );
  const delivery = new DeliveryWorker(ctx, {
    pollMs: config.WEBHOOK_POLL_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    concurrency: config.WEBHOOK_CONCURRENCY,
    perWebhookConcurrency: config.WEBHOOK_CONCURRENCY_PER_WEBHOOK,
    allowedNetworks: config.WEBHOOK_ALLOWED_NETWORKS,
    baseMs: config.WEBHOOK_RETRY_BASE_MS,
    maxMs: config.WEBHOOK_RETRY_MAX_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
  });
  const purger = new Purger(ctx, {
    deliveryRetentionDays: config.DELIVERY_RETENTION_DAYS,
    idempotencyRetentionHours: config.IDEMPOTENCY_RETENTION_HOURS,
    leaseMs: config.PURGE_INTERVAL_MS,
  });
  // Every node runs the loop; the lease (src/jobs/purge.ts) lets one of them purge per interval.
  const purgeLoop = new JobLoop("purge", async () => void (await purger.runOnce()), config.PURGE_INTERVAL_MS, ctx.log);
  sweepLoop.start(); // the first sweep runs at once: deadlines that passed while the service was down
  delivery.start();
  purgeLoop.start();
  return {
    sweeper,
    delivery,
    purger,
    stop: async () => {
      await Promise.all([sweepLoop.stop(), delivery.stop(), purgeLoop.stop()]);
    },
  };
}
