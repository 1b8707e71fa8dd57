// Outgoing webhooks as administrators manage them: subscriptions (each change with its line in the
// admin audit, in one transaction), their delivery log, and manual redelivery. Deliveries
// themselves are made by the worker in src/notifications/worker.ts.
import type {
  Agency,
  OutboxMessage,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
} from "../generated/prisma/client.ts";
import { outboxWritten } from "../notifications/outbox.ts";
import { generateSecret } from "../notifications/signing.ts";
import { literalHostRefused, type Network } from "../notifications/destinations.ts";
import { Problem, problems } from "../problems.ts";
import { auditedWebhook, recordAudit } from "./audit.ts";
import { namedAgency } from "./agencies.ts";
import type { Actor, EngineContext } from "./context.ts";

/** A subscription with the agency it is limited to (null: every case). */
export type WebhookRow = Webhook & { agency: Agency | null };
/** A delivery with its message and every attempt, oldest first. */
export type DeliveryRow = WebhookDelivery & { message: OutboxMessage; attemptLog: WebhookDeliveryAttempt[] };
/** Where a webhook delivery stands (failed: retries exhausted; an administrator may redeliver). */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type DeliveryCounts = Record<DeliveryStatus, number>;

/** A subscription and how many of its deliveries are in each status. */
export interface WebhookWithCounts {
  webhook: WebhookRow;
  counts: DeliveryCounts;
}

export interface NewWebhook {
  url: string;
  secret?: string;
  events: string[];
  agencyCode?: string;
  active?: boolean;
}

export interface WebhookChange {
  active?: boolean;
  url?: string;
  events?: string[];
  secret?: string;
}

/** A URL whose host is a refused address literal (or localhost) is refused at registration. */
function checkDestination(url: string | undefined, allowed: readonly Network[]) {
  if (url !== undefined && literalHostRefused(url, allowed)) {
    throw problems.invalid([
      {
        path: "url",
        message:
          "destination not allowed: loopback, link-local, private, unspecified, multicast and other special addresses are refused " +
          "unless WEBHOOK_ALLOWED_NETWORKS allows them",
      },
    ]);
  }
}

async function deliveryCounts(ctx: EngineContext, ids: number[]): Promise<Map<number, DeliveryCounts>> {
  const rows = ids.length
    ? await ctx.db.webhookDelivery.groupBy({
        by: ["webhookId", "status"],
        where: { webhookId: { in: ids } },
        _count: { _all: true },
      })
    : [];
  const out = new Map<number, DeliveryCounts>(ids.map((id) => [id, { pending: 0, delivered: 0, failed: 0 }]));
  for (const r of rows) {
    const c = out.get(r.webhookId)!;
    if (r.status === "pending" || r.status === "delivered" || r.status === "failed") c[r.status] = r._count._all;
  }
  return out;
}

async function loadWebhook(ctx: EngineContext, id: number): Promise<WebhookRow> {
  const w = await ctx.db.webhook.findUnique({ where: { id }, include: { agency: true } });
  if (!w) throw problems.notFound(`Webhook ${id}`);
  return w;
}

/**
 * Subscribes a URL, for all cases or one agency's. Without a secret one is generated: it is
 * returned as `generatedSecret`, the only time it is shown.
 */
export async function createWebhook(
  ctx: EngineContext,
  actor: Actor,
  input: NewWebhook,
  allowed: readonly Network[],
): Promise<WebhookWithCounts & { generatedSecret?: string }> {
  checkDestination(input.url, allowed);
  const agencyId = input.agencyCode ? (await namedAgency(ctx, input.agencyCode, "agencyCode")).id : null;
  const generated = input.secret === undefined ? generateSecret() : undefined;
  const webhook = await ctx.db.$transaction(async (tx) => {
    const created = await tx.webhook.create({
      data: {
        url: input.url,
        secret: input.secret ?? generated!,
        events: JSON.stringify(input.events),
        agencyId,
        active: input.active ?? true,
        createdBy: actor.username,
      },
      include: { agency: true },
    });
    await recordAudit(tx, actor, {
      action: "webhook.created",
      target: `webhook:${created.id}`,
      after: auditedWebhook(created),
    });
    return created;
  });
  return { webhook, counts: { pending: 0, delivered: 0, failed: 0 }, generatedSecret: generated };
}

export async function listWebhooks(ctx: EngineContext): Promise<WebhookWithCounts[]> {
  const hooks = await ctx.db.webhook.findMany({ orderBy: { id: "asc" }, include: { agency: true } });
  const counts = await deliveryCounts(
    ctx,
    hooks.map((h) => h.id),
  );
  return hooks.map((webhook) => ({ webhook, counts: counts.get(webhook.id)! }));
}

/** Switches a webhook on or off, or changes its URL, kinds or secret; 404 when there is none. */
export async function updateWebhook(
  ctx: EngineContext,
  actor: Actor,
  id: number,
  change: WebhookChange,
  allowed: readonly Network[],
): Promise<WebhookWithCounts> {
  const before = await loadWebhook(ctx, id);
  checkDestination(change.url, allowed);
  const data: { active?: boolean; url?: string; events?: string; secret?: string } = {};
  if (change.active !== undefined) data.active = change.active;
  if (change.url !== undefined) data.url = change.url;
  if (change.events !== undefined) data.events = JSON.stringify(change.events);
  if (change.secret !== undefined) data.secret = change.secret;
  const webhook = await ctx.db.$transaction(async (tx) => {
    const after = await tx.webhook.update({ where: { id }, data, include: { agency: true } });
    await recordAudit(tx, actor, {
      action: "webhook.changed",
      target: `webhook:${after.id}`,
      before: auditedWebhook(before),
      after: auditedWebhook(after),
    });
    return after;
  });
  // Switched back on: its waiting deliveries go out now.
  if (change.active) outboxWritten();
  return { webhook, counts: (await deliveryCounts(ctx, [webhook.id])).get(webhook.id)! };
}

/** Deletes a webhook with its deliveries and their attempt log; 404 when there is none. */
export async function deleteWebhook(ctx: EngineContext, actor: Actor, id: number): Promise<void> {
  const deleted = await ctx.db.$transaction(async (tx) => {
    const found = await tx.webhook.findUnique({ where: { id }, include: { agency: true } });
    if (!found) return false;
    await tx.webhookDeliveryAttempt.deleteMany({ where: { delivery: { webhookId: id } } });
    await tx.webhookDelivery.deleteMany({ where: { webhookId: id } });
    await tx.webhook.delete({ where: { id } });
    await recordAudit(tx, actor, {
      action: "webhook.deleted",
      target: `webhook:${found.id}`,
      before: auditedWebhook(found),
    });
    return true;
  });
  if (!deleted) throw problems.notFound(`Webhook ${id}`);
}

const withLog = { message: true, attemptLog: { orderBy: { attemptNo: "asc" } } } as const;

/** A webhook's deliveries, newest first, a page of `limit` after the delivery `cursor`; 404 for no webhook. */
export async function listDeliveries(
  ctx: EngineContext,
  webhookId: number,
  query: { status?: DeliveryStatus; limit: number; cursor?: string },
): Promise<{ items: DeliveryRow[]; nextCursor: string | null }> {
  await loadWebhook(ctx, webhookId);
  const rows = await ctx.db.webhookDelivery.findMany({
    where: { webhookId, ...(query.status ? { status: query.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    include: withLog,
  });
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null };
}

/**
 * Queues a delivery again (same webhook-id and body) with a fresh retry schedule. 404 for no such
 * delivery, 409 while its webhook is off or while a worker is sending it.
 */
export async function redeliver(ctx: EngineContext, id: string): Promise<DeliveryRow> {
  const d = await ctx.db.webhookDelivery.findUnique({ where: { id }, include: { webhook: true } });
  if (!d) throw problems.notFound("The delivery");
  if (!d.webhook.active)
    throw problems.conflict(
      `Webhook ${d.webhookId} is switched off; switch it on first (PATCH /api/admin/webhooks/${d.webhookId}).`,
    );
  const now = new Date();
  const updated = await ctx.db.$transaction(async (tx) => {
    // Not while a worker holds the delivery: that attempt's outcome would overwrite ours.
    const { count } = await tx.webhookDelivery.updateMany({
      where: { id: d.id, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      data: { status: "pending", failures: 0, nextAttemptAt: now, manual: true, lockedUntil: null, claimToken: null },
    });
    if (count !== 1) return null;
    return tx.webhookDelivery.findUnique({ where: { id: d.id }, include: withLog });
  });
  if (!updated)
    throw new Problem(
      409,
      "delivery-in-progress",
      "Delivery in progress",
      "This delivery is being sent right now; look at its log in a moment.",
    );
  outboxWritten();
  return updated;
}
