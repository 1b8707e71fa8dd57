// Declares a route once: the same zod schemas validate the request and describe it in the
// OpenAPI document, so the two cannot drift apart.
import type { Request, Response, NextFunction, Router } from "express";
import { z } from "zod";
import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import { fieldErrorsOf, problems, type FieldError } from "../problems.ts";
import type { Actor } from "../engine/context.ts";

/**
 * who may call a route. "user": staff or administrators (not API clients); "client": staff or an
 * API client (src/engine/apiClients.ts); "userOrClient": any of the three.
 */
export type Access = "public" | "user" | "staff" | "client" | "userOrClient" | "admin";

/**
 * A success answer as documented: its JSON body's zod schema (the schema the answer is built to,
 * see src/api/caseViewSchemas.ts and src/api/schemas.ts), other media types through `content`, or no body.
 */
export type Answer = {
  description: string;
  /** response headers, e.g. ETag or Location (required unless optional; the answer check looks for them) */
  headers?: z.ZodObject;
} & (
  | { schema: z.ZodType; content?: never; empty?: never }
  | { content: Record<string, { schema: z.ZodType }>; schema?: never; empty?: never }
  | { empty: true; schema?: never; content?: never }
);

type SuccessStatus = 200 | 201 | 202 | 204;
/** At least one success answer, each with its schema. */
export type Answers = {
  [S in SuccessStatus]: { [K in S]: Answer } & { [K in Exclude<SuccessStatus, S>]?: Answer };
}[SuccessStatus];

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express path, e.g. /api/cases/:id */
  path: string;
  /** unique camelCase name of the operation (what a generated client calls it), e.g. getCase */
  operationId: string;
  summary: string;
  tags: string[];
  access: Access;
  body?: B;
  /** the body as documented, when validation is finished deeper down (e.g. per-machine event payloads) */
  docBody?: z.ZodType;
  /** a request body that is not JSON (e.g. multipart/form-data): documented here, read by the handler */
  docContent?: Record<string, { schema: z.ZodType }>;
  query?: Q;
  params?: P;
  headers?: z.ZodObject;
  /** the success answers; problem answers are added from `errors` and from the spec (see errorStatuses) */
  responses: Answers;
  /** further problem statuses the handler answers (the engine's refusals: 403, 404, 409, 412, 429 ...) */
  errors?: number[];
  handler: (input: {
    body: z.output<B>;
    query: z.output<Q>;
    params: z.output<P>;
    actor: Actor | undefined;
    req: Request;
    res: Response;
  }) => unknown /* the answer body, or a Promise of it */;
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .meta({ description: "422: the invalid fields" }),
    allowedEvents: z
      .array(z.string())
      .optional()
      .meta({ description: "409 event-not-allowed: what may be recorded now" }),
    state: z.string().optional().meta({ description: "409 event-not-allowed: the case's state" }),
    currentVersion: z.number().int().optional().meta({ description: "412: the case's current version" }),
  })
  .loose()
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

const errorText: Record<number, string> = {
  400: "Malformed request",
  401: "Missing, invalid or expired token",
  403: "Not allowed for this user",
  404: "Not found",
  409: "Conflict with the current state",
  412: "The If-Match version is stale",
  413: "Request body too large",
  415: "Body not in UTF-8",
  422: "Invalid fields",
  429: "Too many requests",
  500: "Internal error (the X-Request-Id identifies it in the logs), or a case whose machine version is not installed",
};

export function fieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return fieldErrorsOf(error.issues, { prefix });
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

/** The problem statuses an operation can answer: from its spec, and what addRoute and the app do for every route. */
export function errorStatuses(
  spec: Pick<RouteSpec<z.ZodType, z.ZodType, z.ZodType>, "errors" | "body" | "query" | "params" | "access">,
) {
  // The JSON body parser runs before every route: a malformed body (or one nested too deep) is 400.
  // Any handler can fail: 500, as problem details too.
  const errs = new Set([400, 500, ...(spec.errors ?? [])]);
  if (spec.body) [413, 415].forEach((s) => errs.add(s));
  if (spec.body || spec.query) errs.add(422);
  // A path parameter that does not parse names nothing: 404 (parsePart).
  if (spec.params) errs.add(404);
  if (spec.access !== "public") errs.add(401);
  if (spec.access !== "public") errs.add(403); // every non-public route refuses someone (API clients at least)
  return [...errs].sort((a, b) => a - b);
}

const operationIds = new WeakMap<OpenAPIRegistry, Set<string>>();

export function addRoute<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  guards: Record<Access, (req: Request, res: Response, next: NextFunction) => void>,
  spec: RouteSpec<B, Q, P>,
) {
  const ids = operationIds.get(registry) ?? new Set<string>();
  operationIds.set(registry, ids);
  if (!/^[a-z][A-Za-z0-9]*$/.test(spec.operationId)) {
    throw new Error(`operationId ${spec.operationId} is not camelCase`);
  }
  if (ids.has(spec.operationId)) throw new Error(`operationId ${spec.operationId} is used twice`);
  ids.add(spec.operationId);

  const responses: RouteConfig["responses"] = {};
  for (const [status, a] of Object.entries(spec.responses) as [string, Answer][]) {
    const content = a.schema ? { "application/json": { schema: a.schema } } : a.content;
    const headers = a.headers ? { headers: a.headers } : {};
    responses[status] = { description: a.description, ...headers, ...(content ? { content } : {}) };
  }
  for (const status of errorStatuses(spec)) {
    responses[status] = {
      description: errorText[status] ?? "Error",
      content: { "application/problem+json": { schema: problemSchema } },
    };
  }
  registry.registerPath({
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, "{$1}"),
    operationId: spec.operationId,
    summary: spec.summary,
    tags: spec.tags,
    security: spec.access === "public" ? [] : [{ bearerAuth: [] }],
    request: {
      ...(spec.body
        ? { body: { content: { "application/json": { schema: spec.docBody ?? spec.body } }, required: true } }
        : {}),
      ...(spec.docContent ? { body: { content: spec.docContent, required: true } } : {}),
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
