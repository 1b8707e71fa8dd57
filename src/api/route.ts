// Declares a route once: the same zod schemas validate the request and describe it in the
// OpenAPI document, so the two cannot drift apart.
import type { Request, Response, NextFunction, Router } from "express";
import { z } from "zod";
import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import { problems, type FieldError } from "../problems.ts";
import type { Actor } from "../engine/context.ts";

export type Access = "public" | "user" | "staff" | "admin";

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express path, e.g. /api/cases/:id */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  body?: B;
  /** the body as documented, when validation is finished deeper down (e.g. per-machine event payloads) */
  docBody?: z.ZodType;
  query?: Q;
  params?: P;
  headers?: z.ZodObject;
  /** OpenAPI responses; problem responses are added from `errors` */
  responses: RouteConfig["responses"];
  errors?: number[];
  handler: (
    input: { body: z.output<B>; query: z.output<Q>; params: z.output<P>; actor: Actor | undefined; req: Request; res: Response },
  ) => unknown /* the answer body, or a Promise of it */;
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    allowedEvents: z.array(z.string()).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

const errorText: Record<number, string> = {
  400: "Malformed request",
  401: "Missing, invalid or expired token",
  403: "Not allowed for this user",
  404: "Not found",
  409: "Conflict with the current state",
  412: "The If-Match version is stale",
  413: "Request body too large",
  422: "Invalid fields",
  429: "Too many requests",
};

export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join(".") || "(body)",
    message: i.message,
  }));
}

function parsePart<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  if (!schema) return undefined as z.output<T>;
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    // A bad path parameter names a thing that does not exist; a bad body or query is invalid input.
    if (where === "params") throw problems.notFound("The resource");
    throw problems.invalid(fieldErrors(r.error, where === "body" ? undefined : where));
  }
  return r.data;
}

export function addRoute<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  guards: Record<Access, (req: Request, res: Response, next: NextFunction) => void>,
  spec: RouteSpec<B, Q, P>,
) {
  const responses: RouteConfig["responses"] = { ...spec.responses };
  const errs = new Set([...(spec.errors ?? []), ...(spec.body || spec.query ? [422] : []), ...(spec.access !== "public" ? [401] : [])]);
  if (spec.access === "staff" || spec.access === "admin") errs.add(403);
  if (spec.body) errs.add(400);
  for (const status of errs) {
    responses[status] = { description: errorText[status] ?? "Error", content: { "application/problem+json": { schema: problemSchema } } };
  }
  registry.registerPath({
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, "{$1}"),
    summary: spec.summary,
    tags: spec.tags,
    security: spec.access === "public" ? [] : [{ bearerAuth: [] }],
    request: {
      ...(spec.body ? { body: { content: { "application/json": { schema: spec.docBody ?? spec.body } }, required: true } } : {}),
      ...(spec.query ? { query: spec.query as unknown as z.ZodObject } : {}),
      ...(spec.params ? { params: spec.params as unknown as z.ZodObject } : {}),
      ...(spec.headers ? { headers: spec.headers } : {}),
    },
    responses,
  });

  router[spec.method](spec.path, guards[spec.access], async (req: Request, res: Response) => {
    const body = parsePart(spec.body, req.body, "body");
    const query = parsePart(spec.query, req.query, "query");
    const params = parsePart(spec.params, req.params, "params");
    const result = await spec.handler({ body, query, params, actor: res.locals.actor, req, res });
    if (!res.headersSent && result !== undefined) res.json(result);
  });
}
