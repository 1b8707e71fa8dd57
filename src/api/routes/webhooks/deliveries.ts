// A webhook's delivery log, and manual redelivery. The engine: src/engine/webhookSubscriptions.ts.
import { z } from "zod";
import {
  DELIVERY_STATUSES,
  listDeliveries,
  redeliver,
  type DeliveryRow,
  type DeliveryStatus,
} from "../../../engine/webhookSubscriptions.ts";
import type { ApiDeps } from "../../deps.ts";
import { webhookId } from "./subscriptions.ts";

const deliveryId = z.object({ id: z.string().uuid() });

const deliveriesQuery = z
  .object({
    status: z.enum(DELIVERY_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().uuid().optional(),
  })
  .strict();

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
    status: z.enum(DELIVERY_STATUSES),
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

/** The case number in a message's body (a body is always JSON; a damaged one still lists). */
function caseNumberOf(body: string): string | null {
  try {
    return JSON.parse(body)?.case?.caseNumber ?? null;
  } catch {
    return null;
  }
}

function deliveryView(d: DeliveryRow): z.output<typeof deliverySchema> {
  return {
    id: d.id,
    webhookId: d.webhookId,
    messageId: d.messageId,
    event: d.message.kind,
    caseId: d.message.caseId,
    caseNumber: caseNumberOf(d.message.body),
    status: d.status as DeliveryStatus,
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

function listDeliveriesRoute({ ctx, add }: ApiDeps) {
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
      const { items, nextCursor } = await listDeliveries(ctx, params.id, query);
      return { items: items.map(deliveryView), nextCursor };
    },
  });
}

function redeliverRoute({ ctx, add }: ApiDeps) {
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
      const d = await redeliver(ctx, params.id);
      res.status(202);
      return deliveryView(d);
    },
  });
}

export function deliveryRoutes(deps: ApiDeps) {
  listDeliveriesRoute(deps);
  redeliverRoute(deps);
}
