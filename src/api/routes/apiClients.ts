// API clients (service accounts) for administrators: create one (its key shown this once), list
// them with their last use, see what one recorded, revoke one. The engine: src/engine/apiClients.ts.
import { z } from "zod";
import { safeText } from "../../domain/text.ts";
import {
  API_CLIENT_KEY_PREFIX,
  OPEN_SCOPE,
  apiClientEvents,
  createApiClient,
  listApiClients,
  revokeApiClient,
} from "../../engine/apiClients.ts";
import type { ApiDeps } from "../deps.ts";

const timestamp = z.iso.datetime().meta({ description: "UTC timestamp (ISO 8601)" });
const eventType = z.string().regex(/^[A-Z][A-Z_]{0,63}$/, "an event type, e.g. APPLY_ONLINE");

const createBody = z
  .object({
    name: safeText(100),
    agencyCode: z.string().trim().min(1).max(32),
    events: z
      .array(eventType)
      .min(1)
      .max(50)
      .meta({ description: `event types it may record; ${OPEN_SCOPE} lets it open cases for its agency` }),
  })
  .strict()
  .meta({ id: "CreateApiClient" });

export const apiClientSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    agencyCode: z.string(),
    events: z.array(z.string()),
    keyPrefix: z.string().meta({ description: "how its key begins (the key itself is never shown again)" }),
    active: z.boolean().meta({ description: "false once revoked" }),
    createdAt: timestamp,
    createdBy: z.string().nullable(),
    lastUsedAt: timestamp.nullable().meta({ description: "its last authenticated request (to the minute)" }),
    revokedAt: timestamp.nullable(),
    revokedBy: z.string().nullable(),
  })
  .meta({ id: "ApiClient", description: "A service account of one agency (never its key)" });

const createdSchema = apiClientSchema
  .extend({
    key: z.string().meta({
      description: `the key, shown this once: send it as Authorization: Bearer <key> (begins with ${API_CLIENT_KEY_PREFIX})`,
    }),
  })
  .meta({ id: "CreatedApiClient" });

const clientEventSchema = z.object({
  caseNumber: z.string(),
  caseType: z.string(),
  seq: z.number().int(),
  type: z.string(),
  fromState: z.string().nullable(),
  toState: z.string(),
  occurredOn: z.iso.date(),
  recordedAt: timestamp,
});

const idParam = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

export function apiClientRoutes({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/admin/api-clients",
    operationId: "createApiClient",
    summary: "Create an API client (service account) of one agency; its key is in this answer only",
    tags: ["admin"],
    access: "admin",
    body: createBody,
    responses: { 201: { description: "The client with its key", schema: createdSchema } },
    handler: async ({ body, actor, res }) => {
      const { client, key } = await createApiClient(ctx, actor!, body);
      res.status(201).location(`/api/admin/api-clients/${client.id}`).set("Cache-Control", "no-store");
      return { ...client, key };
    },
  });

  add({
    method: "get",
    path: "/api/admin/api-clients",
    operationId: "listApiClients",
    summary: "List API clients with their scopes and last use (never their keys)",
    tags: ["admin"],
    access: "admin",
    responses: {
      200: {
        description: "API clients",
        schema: z.object({ items: z.array(apiClientSchema) }).meta({ id: "ApiClientList" }),
      },
    },
    handler: async () => ({ items: await listApiClients(ctx) }),
  });

  add({
    method: "get",
    path: "/api/admin/api-clients/:id/events",
    operationId: "listApiClientEvents",
    summary: "The latest case events an API client recorded, newest first",
    tags: ["admin"],
    access: "admin",
    params: idParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
    responses: {
      200: {
        description: "Its events",
        schema: z.object({ items: z.array(clientEventSchema) }).meta({ id: "ApiClientEvents" }),
      },
    },
    errors: [404],
    handler: async ({ params, query }) => ({ items: await apiClientEvents(ctx, params.id, query.limit) }),
  });

  add({
    method: "delete",
    path: "/api/admin/api-clients/:id",
    operationId: "revokeApiClient",
    summary: "Revoke an API client: its key is refused from the next request on, on every node",
    tags: ["admin"],
    access: "admin",
    params: idParam,
    responses: { 200: { description: "The revoked client", schema: apiClientSchema } },
    errors: [404],
    handler: async ({ params, actor }) => revokeApiClient(ctx, actor!, params.id),
  });
}
