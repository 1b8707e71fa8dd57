// Administration of outgoing webhooks: subscribe a URL, list, change, delete. The engine:
// src/engine/webhookSubscriptions.ts; deliveries are made by src/notifications/worker.ts.
import { z } from "zod";
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  updateWebhook,
  type DeliveryCounts,
  type WebhookRow,
} from "../../../engine/webhookSubscriptions.ts";
import { MESSAGE_KINDS, type MessageKind } from "../../../notifications/outbox.ts";
import { isStandardSecret, maskSecret } from "../../../notifications/signing.ts";
import { parseKinds } from "../../../notifications/worker.ts";
import type { ApiDeps } from "../../deps.ts";

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

export const webhookId = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

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

function webhookView(w: WebhookRow, counts: DeliveryCounts, shownSecret?: string): z.output<typeof webhookSchema> {
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

function createWebhookRoute({ ctx, config, add }: ApiDeps) {
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
      const w = await createWebhook(ctx, actor!, body, config.WEBHOOK_ALLOWED_NETWORKS);
      res.status(201).location(`/api/admin/webhooks/${w.webhook.id}`);
      return webhookView(w.webhook, w.counts, w.generatedSecret);
    },
  });
}

function listWebhooksRoute({ ctx, add }: ApiDeps) {
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
    handler: async () => ({ items: (await listWebhooks(ctx)).map((w) => webhookView(w.webhook, w.counts)) }),
  });
}

function updateWebhookRoute({ ctx, config, add }: ApiDeps) {
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
      const w = await updateWebhook(ctx, actor!, params.id, body, config.WEBHOOK_ALLOWED_NETWORKS);
      return webhookView(w.webhook, w.counts);
    },
  });
}

function deleteWebhookRoute({ ctx, add }: ApiDeps) {
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
      await deleteWebhook(ctx, actor!, params.id);
      res.status(204).end();
    },
  });
}

export function subscriptionRoutes(deps: ApiDeps) {
  createWebhookRoute(deps);
  listWebhooksRoute(deps);
  updateWebhookRoute(deps);
  deleteWebhookRoute(deps);
}
