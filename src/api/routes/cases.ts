// Cases for agency staff (and read-only for administrators).
import { z } from "zod";
import { idNumberSchema } from "../../domain/idNumber.ts";
import { safeText } from "../../domain/text.ts";
import { isChinaDate } from "../../calendar/index.ts";
import { advanceCase } from "../../engine/advanceCase.ts";
import { caseEventPage, readableCase } from "../../engine/readCase.ts";
import { openCase } from "../../engine/openCase.ts";
import { caseSummary, caseView, eventView } from "../caseViews.ts";
import { searchCases } from "../../engine/caseSearch.ts";
import { SIDES } from "../../../machines/types.ts";
import { caseTypes } from "../../../machines/index.ts";
import { problems } from "../../problems.ts";
import { creditCodeSchema } from "../../domain/creditCode.ts";
import { INSURANCES, SCHEMES } from "../../engine/parties.ts";
import type { ApiDeps } from "../deps.ts";
import { withIdempotency } from "../idempotency.ts";
import { caseEventLogSchema, casePageSchema, caseViewSchema } from "../schemas.ts";
import type { Request, Response } from "express";
import { rateLimit } from "express-rate-limit";

/**
 * Searches (GET /api/cases?q=…) per user and minute, SEARCH_RATE_LIMIT_PER_MINUTE: a clerk finds a
 * case in a few tries; going through ID numbers or name prefixes one guess at a time is stopped.
 * Run inside the route, after authentication, so that it is keyed by the user, not the address.
 */
function searchLimiter(perMinute: number) {
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    identifier: "case-search",
    keyGenerator: (_req, res) => `user-${res.locals.actor?.userId}`,
    handler: (_req, _res, next) => next(problems.tooMany("Too many searches; wait a minute.")),
  });
  return (req: Request, res: Response) =>
    // the limiter's handler passes a Problem (an Error) to next() when the limit is reached
    new Promise<void>(
      (resolve, reject) => void limiter(req, res, (e?: unknown) => (e ? reject(e as Error) : resolve())),
    );
}

const chinaDate = z.string().refine(isChinaDate, "must be a date as YYYY-MM-DD");
const caseType = z.enum(caseTypes);
const agencyCode = z.string().trim().min(1).max(32);

export const createCaseBody = z
  .object({
    type: caseType,
    insured: z
      .object({
        name: safeText(100),
        idNumber: idNumberSchema,
        nameCorrection: z
          .object({ reason: safeText(500, { multiline: true }) })
          .strict()
          .optional()
          .meta({
            description:
              "needed when the ID number is on record under another name: why the name changes (recorded in the opening event); the person's other cases then carry this name",
          }),
      })
      .strict(),
    insurance: z.enum(INSURANCES).optional().meta({
      description:
        "medical or pension: a renewal's insurance (default medical); a transfer's follows its type. One open transfer and one open renewal per person and insurance",
    }),
    scheme: z.enum(SCHEMES).optional().meta({
      description: "employee (default), flexible or resident: flexible employees and residents file for themselves",
    }),
    toScheme: z.enum(SCHEMES).optional().meta({ description: "the scheme the person moves to, when it changes" }),
    employer: z
      .object({ name: safeText(100), creditCode: creditCodeSchema })
      .strict()
      .optional()
      .meta({ description: "the employer (用人单位), with its unified social credit code" }),
    fromAgency: agencyCode,
    toAgency: agencyCode.optional().meta({
      description: "defaults to fromAgency (for the types handled by one agency, GET /api/machines singleAgency)",
    }),
    occurredOn: chinaDate.optional().meta({ description: "China date of the suspension/lapse; defaults to today" }),
  })
  .strict()
  .meta({ id: "CreateCase" });

const caseId = z.object({ id: z.string().uuid() });

const listQuery = z
  .object({
    type: caseType.optional(),
    state: z.string().max(64).optional(),
    agency: agencyCode.optional().meta({ description: "cases where this agency is either end" }),
    side: z.enum(SIDES).optional().meta({ description: "who acts next" }),
    mine: z.enum(["true", "false"]).optional().meta({ description: "true: only cases waiting for my agency" }),
    overdue: z.enum(["true", "false"]).optional(),
    dueSoon: z
      .enum(["true", "false"])
      .optional()
      .meta({ description: "true: open steps due within DUE_SOON_WORKING_DAYS working days from today, not overdue" }),
    dueBefore: chinaDate.optional().meta({ description: "step due date before this China date" }),
    assignedTo: z
      .string()
      .regex(/^(me|none|[A-Za-z0-9_.-]{3,64})$/, "me, none or a username")
      .optional()
      .meta({
        description:
          "me, none or a clerk's username: the cases whose side of the clerk's agency (or the agency filter's) that clerk holds, or nobody holds",
      }),
    scheme: z.enum(SCHEMES).optional().meta({ description: "only cases of this scheme" }),
    q: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .optional()
      .meta({
        description:
          "a case number (whole or any part), the insured person's full ID number, the beginning of their name, " +
          "or an employer's unified social credit code " +
          "(staff only: administrators search by case number, 403 otherwise); throttled per user (429)",
      }),
    sort: z
      .enum(["due", "recent"])
      .default("due")
      .meta({ description: "due: the earliest open due date (step or overall) first; recent: last changed first" }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().uuid().optional(),
  })
  .strict();

const eventBody = z
  .object({
    type: z.string().min(1).max(64),
    occurredOn: z.unknown().optional(),
    backdateReason: z.unknown().optional(),
  })
  .passthrough();

const etagHeader = z.string().meta({ description: 'the case version, e.g. "3": send it back as If-Match' });
const replayed = z
  .literal("true")
  .optional()
  .meta({ description: "the stored answer to an earlier request with this Idempotency-Key" });
/** A write's headers: an idempotent replay answers with the stored body and status only. */
const writeHeaders = (h: Record<string, z.ZodType>) =>
  z.object({
    ...Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.optional()])),
    "Idempotent-Replayed": replayed,
  });

const eventsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(200).meta({ description: "events per page (default 200)" }),
    after: z.coerce.number().int().min(0).max(1_000_000_000).optional().meta({ description: "events after this seq" }),
    cursor: z
      .string()
      .regex(/^\d{1,10}$/, "must be a nextCursor from an earlier page")
      .optional()
      .meta({ description: "the nextCursor of the previous page (the same as after)" }),
  })
  .strict();

const versionHeader = z.object({
  "if-match": z.string().optional().meta({ description: "the case version you saw; a stale one gets 412" }),
  "idempotency-key": z
    .string()
    .optional()
    .meta({ description: "a retried request with the same key returns the first response" }),
});

function parseIfMatch(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(raw);
  if (!m) throw problems.badRequest('If-Match must be a case version such as "3".');
  return Number(m[1]);
}

function openCaseRoute({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/cases",
    operationId: "openCase",
    summary: "Open a case (its first event)",
    tags: ["cases"],
    access: "client",
    body: createCaseBody,
    headers: versionHeader.pick({ "idempotency-key": true }),
    responses: {
      201: {
        description: "The new case",
        schema: caseViewSchema,
        headers: writeHeaders({ Location: z.string().meta({ description: "/api/cases/{id} of the new case" }) }),
      },
    },
    // unknown agencies are 422 (field errors), not 404; 409: the same Idempotency-Key completed at the
    // same time, or open-case-exists (the person has an open case of this kind: src/engine/parties.ts)
    errors: [409],
    handler: async ({ body, actor, req, res }) =>
      withIdempotency(ctx, req, res, actor!, async (idem) => {
        const c = await openCase(
          ctx,
          actor!,
          body,
          idem?.({ status: 201, view: (row) => ({ ...caseView(ctx, row, actor!) }) }),
        );
        res.status(201).location(`/api/cases/${c.id}`);
        return caseView(ctx, c, actor!);
      }),
  });
}

const bool = (v: "true" | "false" | undefined) => (v === undefined ? undefined : v === "true");

function listCasesRoute({ ctx, config, add }: ApiDeps) {
  const searches = searchLimiter(config.SEARCH_RATE_LIMIT_PER_MINUTE);
  add({
    method: "get",
    path: "/api/cases",
    operationId: "listCases",
    summary: "Search and list cases (cursor pagination)",
    tags: ["cases"],
    access: "user",
    query: listQuery,
    responses: { 200: { description: "A page of cases", schema: casePageSchema } },
    errors: [403, 429],
    handler: async ({ query, actor, req, res }) => {
      if (query.q !== undefined) await searches(req, res);
      const search = {
        ...query,
        mine: query.mine === "true",
        overdue: bool(query.overdue),
        dueSoon: bool(query.dueSoon),
      };
      const page = await searchCases(ctx, actor!, search, config.DUE_SOON_WORKING_DAYS);
      return { items: page.items.map((c) => caseSummary(ctx, c, page.dueSoonCutoff)), nextCursor: page.nextCursor };
    },
  });
}

function getCaseRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id",
    operationId: "getCase",
    summary: "A case with its progress, due dates and the events you may record now",
    tags: ["cases"],
    access: "userOrClient",
    params: caseId,
    responses: {
      200: { description: "The case", schema: caseViewSchema, headers: z.object({ ETag: etagHeader }) },
    },
    errors: [403, 404],
    handler: async ({ params, actor, res }) => {
      const c = await readableCase(ctx, actor!, params.id);
      res.set("ETag", `"${c.version}"`);
      return caseView(ctx, c, actor!);
    },
  });
}

function recordEventRoute({ ctx, add, eventDocBody }: ApiDeps) {
  add({
    method: "post",
    path: "/api/cases/:id/events",
    operationId: "recordCaseEvent",
    summary: "Record an event on a case",
    tags: ["cases"],
    access: "client",
    params: caseId,
    body: eventBody,
    docBody: eventDocBody,
    headers: versionHeader,
    responses: {
      200: {
        description: "The case after the event",
        schema: caseViewSchema,
        headers: writeHeaders({ ETag: etagHeader }),
      },
    },
    errors: [404, 409, 412],
    handler: async ({ params, body, actor, req, res }) => {
      const ifMatch = parseIfMatch(req.get("if-match"));
      const { type, occurredOn, backdateReason, ...payload } = body;
      return withIdempotency(ctx, req, res, actor!, async (idem) => {
        const { case: c } = await advanceCase(
          ctx,
          actor!,
          params.id,
          { type, occurredOn, backdateReason, payload },
          {
            ifMatch,
            idempotency: idem?.({ status: 200, view: (row) => caseView(ctx, row, actor!) }),
          },
        );
        res.set("ETag", `"${c.version}"`);
        return caseView(ctx, c, actor!);
      });
    },
  });
}

function listEventsRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id/events",
    operationId: "listCaseEvents",
    summary: "The case's event log, oldest first (paged: limit, after or cursor; nextCursor while more follow)",
    tags: ["cases"],
    access: "userOrClient",
    params: caseId,
    query: eventsQuery,
    responses: { 200: { description: "Events", schema: caseEventLogSchema } },
    errors: [403, 404],
    handler: async ({ params, query, actor }) => {
      const after = query.after ?? (query.cursor !== undefined ? Number(query.cursor) : 0);
      const page = await caseEventPage(ctx, actor!, params.id, { after, limit: query.limit });
      return { items: page.items.map((e) => eventView(page.machine, e)), nextCursor: page.nextCursor };
    },
  });
}

export function caseRoutes(deps: ApiDeps) {
  openCaseRoute(deps);
  listCasesRoute(deps);
  getCaseRoute(deps);
  recordEventRoute(deps);
  listEventsRoute(deps);
}
