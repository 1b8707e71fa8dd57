// The purge job: what is kept only for a while is deleted when its time is up.
//
// - Notifications (OutboxMessage) that were delivered to every subscribed webhook, with their
//   deliveries and the deliveries' attempt log, once dispatched and last delivered more than
//   DELIVERY_RETENTION_DAYS ago. A notification with a delivery still pending or failed stays
//   (with all its deliveries) until it is delivered, redelivered or its webhook is deleted.
// - Idempotency records older than IDEMPOTENCY_RETENTION_HOURS: a retry after that is a new request.
//
// Once per cluster: every node runs the loop, but a round runs only on the node holding the lease,
// a `Setting` row taken and renewed with a conditional update (compare-and-set on its value), so
// two nodes never purge at once and a node that dies hands over when its lease runs out.
// In batches, each in its own short transaction, with a yield between them: no long locks, and
// requests are served meanwhile. Case events are never deleted (the log is append-only).
import { randomUUID } from "node:crypto";
import type { Db } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { yieldToEventLoop } from "../runtime/eventLoop.ts";

export const PURGE_LEASE_KEY = "jobs.purge.lease";
const BATCH = 500;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface PurgeOptions {
  deliveryRetentionDays: number;
  idempotencyRetentionHours: number;
  /** how long a lease lasts: the pause between rounds (the holder renews it as it goes) */
  leaseMs: number;
  batchSize?: number;
}

export interface PurgeResult {
  /** false: another node holds the lease, nothing was done here */
  ran: boolean;
  messages: number;
  deliveries: number;
  attempts: number;
  idempotencyKeys: number;
}

interface Lease {
  holder: string;
  until: number;
}

function parseLease(value: string): Lease | undefined {
  try {
    const v = JSON.parse(value);
    return typeof v?.holder === "string" && typeof v?.until === "number" ? v : undefined;
  } catch {
    return undefined;
  }
}

export class Purger {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #opts: PurgeOptions;
  readonly #holder = randomUUID();

  constructor(deps: { db: Db; log: Logger }, opts: PurgeOptions) {
    this.#db = deps.db;
    this.#log = deps.log;
    this.#opts = opts;
  }

  /**
   * Takes the lease, or renews it if this node holds it. True if this node holds it now.
   * A lease is not given back after a round: it also spaces the rounds, cluster-wide.
   */
  async takeLease(now = Date.now()): Promise<boolean> {
    const value = JSON.stringify({ holder: this.#holder, until: now + this.#opts.leaseMs } satisfies Lease);
    const row = await this.#db.setting.findUnique({ where: { key: PURGE_LEASE_KEY } });
    if (!row) {
      try {
        await this.#db.$transaction((tx) => tx.setting.create({ data: { key: PURGE_LEASE_KEY, value } }));
        return true;
      } catch (e) {
        if (isUniqueViolation(e)) return false; // another node took it first
        throw e;
      }
    }
    const current = parseLease(row.value);
    if (current && current.holder !== this.#holder && current.until > now) return false;
    const { count } = await this.#db.$transaction((tx) =>
      tx.setting.updateMany({ where: { key: PURGE_LEASE_KEY, value: row.value }, data: { value } }),
    );
    return count === 1;
  }

  /** One round, if this node holds (or can take) the lease. */
  async runOnce(now = new Date()): Promise<PurgeResult> {
    const result: PurgeResult = { ran: false, messages: 0, deliveries: 0, attempts: 0, idempotencyKeys: 0 };
    if (!(await this.takeLease(now.getTime()))) return result;
    result.ran = true;
    const size = this.#opts.batchSize ?? BATCH;
    const deliveredBefore = new Date(now.getTime() - this.#opts.deliveryRetentionDays * DAY_MS);
    const keysBefore = new Date(now.getTime() - this.#opts.idempotencyRetentionHours * HOUR_MS);

    // Notifications done with: dispatched before the cutoff, and no delivery that is not
    // delivered, or was delivered after it (a recent redelivery keeps its log).
    const done = {
      dispatchedAt: { lt: deliveredBefore },
      deliveries: {
        none: {
          OR: [{ status: { not: "delivered" } }, { deliveredAt: null }, { deliveredAt: { gte: deliveredBefore } }],
        },
      },
    };
    for (;;) {
      if (!(await this.takeLease())) return result; // renewed, or lost to another node
      const ids = (
        await this.#db.outboxMessage.findMany({
          where: done,
          orderBy: { dispatchedAt: "asc" },
          take: size,
          select: { id: true },
        })
      ).map((m) => m.id);
      if (ids.length === 0) break;
      const counts = await this.#db.$transaction(async (tx) => {
        // The same conditions again, row by row: a delivery redelivered meanwhile is pending and stays.
        const old = { messageId: { in: ids }, status: "delivered", deliveredAt: { lt: deliveredBefore } };
        const attempts = await tx.webhookDeliveryAttempt.deleteMany({ where: { delivery: old } });
        const deliveries = await tx.webhookDelivery.deleteMany({ where: old });
        const messages = await tx.outboxMessage.deleteMany({ where: { id: { in: ids }, deliveries: { none: {} } } });
        return { attempts: attempts.count, deliveries: deliveries.count, messages: messages.count };
      });
      result.attempts += counts.attempts;
      result.deliveries += counts.deliveries;
      result.messages += counts.messages;
      await yieldToEventLoop();
      if (ids.length < size || counts.messages === 0) break;
    }

    for (;;) {
      if (!(await this.takeLease())) return result; // renewed, or lost to another node
      const ids = (
        await this.#db.idempotencyKey.findMany({
          where: { createdAt: { lt: keysBefore } },
          orderBy: { createdAt: "asc" },
          take: size,
          select: { id: true },
        })
      ).map((k) => k.id);
      if (ids.length === 0) break;
      const { count } = await this.#db.$transaction((tx) =>
        tx.idempotencyKey.deleteMany({ where: { id: { in: ids }, createdAt: { lt: keysBefore } } }),
      );
      result.idempotencyKeys += count;
      await yieldToEventLoop();
      if (ids.length < size) break;
    }

    if (result.messages + result.idempotencyKeys > 0) {
      this.#log.info(
        { ...result, deliveredBefore, keysBefore },
        "purged delivered notifications and old idempotency records",
      );
    }
    return result;
  }
}
