// Administration of outgoing webhooks: subscriptions, the delivery log, manual redelivery.
// Deliveries themselves are made by the worker in src/notifications/worker.ts.
import { z } from "zod";
import type {
  Prisma,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  OutboxMessage,
  Agency,
} from "../../generated/prisma/client.ts";
import { MESSAGE_KINDS, outboxWritten, type MessageKind } from "../../notifications/outbox.ts";
import { generateSecret, isStandardSecret, maskSecret } from "../../notifications/signing.ts";
import { literalHostRefused, type Network } from "../../notifications/destinations.ts";
import { parseKinds } from "../../notifications/worker.ts";
import { Problem, problems } from "../../problems.ts";
import type { ApiDeps } from "../deps.ts";
import { auditedWebhook, recordAudit } from "../../engine/audit.ts";

const webhookUrl = z
  .string()
  .trim()
  .max(2048)
  .superRefine((value, issue) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      issue.addIssue({ code: "custom", message: "must be an absolute http:// or https:// URL" });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      issue.addIssue({ code: "custom", message: "only http:// and https:// URLs are allowed" });
    } else if (url.username || url.password) {
      // Lists show URLs in full: credentials belong in the signing secret, not in the URL.
      issue.addIssue({ code: "custom", message: "must not contain a user name or password" });
    }
  })
  .meta({ example: "https://hooks.example.gov.cn/tracker" });

const kinds = z
  .array(z.enum(MESSAGE_KINDS))
  .min(1)
  .max(MESSAGE_KINDS.length)
  .transform((a) => [...new Set(a)])
  .meta({ description: "message kinds to receive" });

const secret = z
  .string()
  .min(16, "at least 16 characters")
  .max(256)
  .regex(/^[\x21-\x7e]+$/, "visible ASCII characters only")
  .refine(
    (s) => !s.startsWith("whsec_") || isStandardSecret(s),
    "a whsec_ secret is whsec_ followed by standard base64 of 24 to 64 bytes",
  )
  .meta({
    description:
      "HMAC-SHA256 key. `whsec_` + base64 (Standard Webhooks): the key is the decoded bytes; any other secret: its UTF-8 bytes. " +
      "Omit it and one is generated (`whsec_` + base64 of 32 random bytes) and shown once",
  });

const createBody = z
  .object({
    url: webhookUrl,
    secret: secret.optional(),
    events: kinds,
    agencyCode: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .optional()
      .meta({ description: "only cases where this agency is either end; omit for all cases" }),
    active: z.boolean().optional(),
  })
  .strict()
  .meta({ id: "CreateWebhook" });

const patchBody = z
  .object({
    active: z.boolean().optional(),
    url: webhookUrl.optional(),
    events: kinds.optional(),
    secret: secret.optional(),
  })
  .strict()
  .meta({ id: "UpdateWebhook" });

const webhookId = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });
const deliveryId = z.object({ id: z.string().uuid() });

const deliveriesQuery = z
  .object({
    status: z.enum(["pending", "delivered", "failed"]).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().uuid().optional(),
  })
  .strict();

const webhookSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    events: z.array(z.enum(MESSAGE_KINDS)),
    agencyCode: z.string().nullable(),
    active: z.boolean(),
    secretMasked: z.string(),
    secret: z.string().optional().meta({ description: "only in the answer that generated it" }),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deliveries: z.object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() }),
  })
  .meta({ id: "Webhook" });

const attemptSchema = z.object({
  attemptNo: z.number().int(),
  manual: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  responseBody: z
    .string()
    .nullable()
    .meta({ description: "always null: receivers' answers are not kept (earlier versions kept their first bytes)" }),
});

const deliverySchema = z
  .object({
    id: z.string().meta({ description: "sent as webhook-id (and the deprecated X-Tracker-Delivery) on every attempt" }),
    webhookId: z.number().int(),
    messageId: z.string(),
    event: z.string(),
    caseId: z.string().nullable(),
    caseNumber: z.string().nullable(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    failures: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    attemptLog: z.array(attemptSchema),
  })
  .meta({ id: "WebhookDelivery" });

type Counts = { pending: number; delivered: number; failed: number };

function webhookView(
  w: Webhook & { agency: Agency | null },
  counts: Counts,
  shownSecret?: string,
): z.output<typeof webhookSchema> {
  return {
    id: w.id,
    url: w.url,
    // stored only through the `kinds` enum above
    events: parseKinds(w.events) as MessageKind[],
    agencyCode: w.agency?.code ?? null,
    active: w.active,
    secretMasked: maskSecret(w.secret),
    ...(shownSecret ? { secret: shownSecret } : {}),
    createdBy: w.createdBy,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    deliveries: counts,
  };
}

function deliveryView(
  d: WebhookDelivery & { message: OutboxMessage; attemptLog: WebhookDeliveryAttempt[] },
): z.output<typeof deliverySchema> {
  let caseNumber: string | null = null;
  try {
    caseNumber = JSON.parse(d.message.body)?.case?.caseNumber ?? null;
  } catch {
    // a body is always JSON; a damaged one still lists
  }
  return {
    id: d.id,
    webhookId: d.webhookId,
    messageId: d.messageId,
    event: d.message.kind,
    caseId: d.message.caseId,
    caseNumber,
    status: d.status as "pending" | "delivered" | "failed",
    attempts: d.attempts,
    failures: d.failures,
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    attemptLog: d.attemptLog.map((a) => ({
      attemptNo: a.attemptNo,
      manual: a.manual,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      error: a.error,
      responseBody: a.responseBody,
    })),
  };
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

export function webhookRoutes({ ctx, config, add }: ApiDeps) {
  const { db } = ctx;
  const allowed = config.WEBHOOK_ALLOWED_NETWORKS;

  async function counts(ids: number[]): Promise<Map<number, Counts>> {
    const rows = ids.length
      ? await db.webhookDelivery.groupBy({
          by: ["webhookId", "status"],
          where: { webhookId: { in: ids } },
          _count: { _all: true },
        })
      : [];
    const out = new Map<number, Counts>(ids.map((id) => [id, { pending: 0, delivered: 0, failed: 0 }]));
    for (const r of rows) {
      const c = out.get(r.webhookId)!;
      if (r.status === "pending" || r.status === "delivered" || r.status === "failed") c[r.status] = r._count._all;
    }
    return out;
  }

  async function load(id: number) {
    const w = await db.webhook.findUnique({ where: { id }, include: { agency: true } });
    if (!w) throw problems.notFound(`Webhook ${id}`);
    return w;
  }

  add({
    method: "post",
    path: "/api/admin/webhooks",
    operationId: "createWebhook",
    summary:
      "Subscribe a URL to notifications (state changes, deadlines approaching or missed), for all cases or one agency's",
    tags: ["webhooks"],
    access: "admin",
    body: createBody,
    responses: {
      201: {
        description: "The webhook; `secret` is shown only if it was generated",
        content: { "application/json": { schema: webhookSchema } },
      },
    },
    handler: async ({ body, actor, res }) => {
      checkDestination(body.url, allowed);
      let agencyId: number | null = null;
      if (body.agencyCode) {
        const a = await db.agency.findUnique({ where: { code: body.agencyCode } });
        if (!a) throw problems.invalid([{ path: "agencyCode", message: `no agency with code ${body.agencyCode}` }]);
        agencyId = a.id;
      }
      const generated = body.secret === undefined ? generateSecret() : undefined;
      const w = await db.$transaction(async (tx) => {
        const created = await tx.webhook.create({
          data: {
            url: body.url,
            secret: body.secret ?? generated!,
            events: JSON.stringify(body.events),
            agencyId,
            active: body.active ?? true,
            createdBy: actor!.username,
          },
          include: { agency: true },
        });
        await recordAudit(tx, actor!, {
          action: "webhook.created",
          target: `webhook:${created.id}`,
          after: auditedWebhook(created),
        });
        return created;
      });
      res.status(201).location(`/api/admin/webhooks/${w.id}`);
      return webhookView(w, { pending: 0, delivered: 0, failed: 0 }, generated);
    },
  });

  add({
    method: "get",
    path: "/api/admin/webhooks",
    operationId: "listWebhooks",
    summary: "List webhooks (secrets masked) with their delivery counts",
    tags: ["webhooks"],
    access: "admin",
    responses: {
      200: {
        description: "Webhooks",
        content: { "application/json": { schema: z.object({ items: z.array(webhookSchema) }) } },
      },
    },
    handler: async () => {
      const hooks = await db.webhook.findMany({ orderBy: { id: "asc" }, include: { agency: true } });
      const c = await counts(hooks.map((h) => h.id));
      return { items: hooks.map((h) => webhookView(h, c.get(h.id)!)) };
    },
  });

  add({
    method: "patch",
    path: "/api/admin/webhooks/:id",
    operationId: "updateWebhook",
    summary: "Switch a webhook on or off, or change its URL, kinds or secret",
    tags: ["webhooks"],
    access: "admin",
    params: webhookId,
    body: patchBody,
    responses: { 200: { description: "The webhook", content: { "application/json": { schema: webhookSchema } } } },
    errors: [404],
    handler: async ({ params, body, actor }) => {
      const before = await load(params.id);
      checkDestination(body.url, allowed);
      const data: Prisma.WebhookUpdateInput = {};
      if (body.active !== undefined) data.active = body.active;
      if (body.url !== undefined) data.url = body.url;
      if (body.events !== undefined) data.events = JSON.stringify(body.events);
      if (body.secret !== undefined) data.secret = body.secret;
      const w = await db.$transaction(async (tx) => {
        const after = await tx.webhook.update({ where: { id: params.id }, data, include: { agency: true } });
        await recordAudit(tx, actor!, {
          action: "webhook.changed",
          target: `webhook:${after.id}`,
          before: auditedWebhook(before),
          after: auditedWebhook(after),
        });
        return after;
      });
      // Switched back on: its waiting deliveries go out now.
      if (body.active) outboxWritten();
      return webhookView(w, (await counts([w.id])).get(w.id)!);
    },
  });

  add({
    method: "delete",
    path: "/api/admin/webhooks/:id",
    operationId: "deleteWebhook",
    summary:
      "Delete a webhook with its deliveries and their attempt log (the notifications themselves stay for other webhooks)",
    tags: ["webhooks"],
    access: "admin",
    params: webhookId,
    responses: { 204: { description: "Deleted", empty: true } },
    errors: [404],
    handler: async ({ params, res, actor }) => {
      const deleted = await db.$transaction(async (tx) => {
        const found = await tx.webhook.findUnique({ where: { id: params.id }, include: { agency: true } });
        if (!found) return false;
        await tx.webhookDeliveryAttempt.deleteMany({ where: { delivery: { webhookId: params.id } } });
        await tx.webhookDelivery.deleteMany({ where: { webhookId: params.id } });
        await tx.webhook.delete({ where: { id: params.id } });
        await recordAudit(tx, actor!, {
          action: "webhook.deleted",
          target: `webhook:${found.id}`,
          before: auditedWebhook(found),
        });
        return true;
      });
      if (!deleted) throw problems.notFound(`Webhook ${params.id}`);
      res.status(204).end();
    },
  });

  add({
    method: "get",
    path: "/api/admin/webhooks/:id/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "A webhook's delivery log, newest first: status, every attempt with its status code or error",
    tags: ["webhooks"],
    access: "admin",
    params: webhookId,
    query: deliveriesQuery,
    responses: {
      200: {
        description: "Deliveries",
        content: {
          "application/json": {
            schema: z.object({ items: z.array(deliverySchema), nextCursor: z.string().nullable() }),
          },
        },
      },
    },
    errors: [404],
    handler: async ({ params, query }) => {
      await load(params.id);
      const rows = await db.webhookDelivery.findMany({
        where: { webhookId: params.id, ...(query.status ? { status: query.status } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        take: query.limit + 1,
        ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
        include: { message: true, attemptLog: { orderBy: { attemptNo: "asc" } } },
      });
      const page = rows.slice(0, query.limit);
      return { items: page.map(deliveryView), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
    },
  });

  add({
    method: "post",
    path: "/api/admin/deliveries/:id/redeliver",
    operationId: "redeliverWebhookDelivery",
    summary: "Send a delivery again (same webhook-id and body), with a fresh retry schedule",
    tags: ["webhooks"],
    access: "admin",
    params: deliveryId,
    responses: {
      202: {
        description: "Queued; the delivery log shows the outcome",
        content: { "application/json": { schema: deliverySchema } },
      },
    },
    errors: [404, 409],
    handler: async ({ params, res }) => {
      const d = await db.webhookDelivery.findUnique({ where: { id: params.id }, include: { webhook: true } });
      if (!d) throw problems.notFound("The delivery");
      if (!d.webhook.active)
        throw problems.conflict(
          `Webhook ${d.webhookId} is switched off; switch it on first (PATCH /api/admin/webhooks/${d.webhookId}).`,
        );
      const now = new Date();
      const updated = await db.$transaction(async (tx) => {
        // Not while a worker holds the delivery: that attempt's outcome would overwrite ours.
        const { count } = await tx.webhookDelivery.updateMany({
          where: { id: d.id, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
          data: {
            status: "pending",
            failures: 0,
            nextAttemptAt: now,
            manual: true,
            lockedUntil: null,
            claimToken: null,
          },
        });
        if (count !== 1) return null;
        return tx.webhookDelivery.findUnique({
          where: { id: d.id },
          include: { message: true, attemptLog: { orderBy: { attemptNo: "asc" } } },
        });
      });
      if (!updated)
        throw new Problem(
          409,
          "delivery-in-progress",
          "Delivery in progress",
          "This delivery is being sent right now; look at its log in a moment.",
        );
      outboxWritten();
      res.status(202);
      return deliveryView(updated);
    },
  });
}
