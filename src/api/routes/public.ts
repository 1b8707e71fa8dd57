// Routes without login: the insured person's status lookup, machine definitions, health.
import { z } from "zod";
import { rateLimit, ipKeyGenerator, MemoryStore, type Options } from "express-rate-limit";
import { definitionJson } from "../../../machines/runtime.ts";
import { caseTypeInfo, caseTypes } from "../../../machines/index.ts";
import { Problem, problems } from "../../problems.ts";
import { statusReadsFacts, statusView } from "../caseViews.ts";
import { storeFor } from "../../engine/store.ts";
import type { ApiDeps } from "../deps.ts";
import { computedPayloadFor } from "../../engine/computedPayloads.ts";

import { caseStatusSchema, healthSchema, machineDefinitionSchema, machineListSchema } from "../schemas.ts";
import { dataKeyOf } from "../../privacy/atRest.ts";

export const statusBody = z
  .object({
    caseNumber: z.string().trim().min(1).max(32).meta({ example: "MT2026-7K3Q9X2P" }),
    idNumber: z.string().trim().min(1).max(32).meta({ description: "the insured person's resident ID number" }),
  })
  .strict()
  .meta({ id: "StatusLookup" });

export function statusLimiter(perMinute: number) {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? "unknown"),
    handler: (_req, _res, next) => next(problems.tooMany("Too many status lookups from this client; wait a minute.")),
  });
}

/**
 * Failed lookups per case number (whatever the client): once a case number has had `perHour`
 * failures in the hour, every lookup of it fails, the right ID number too, with the same 404 as
 * any failure, so that guessing ID numbers for one case cannot go on, nor be told apart.
 * Counted in this node's memory (each node of a cluster counts its own).
 */
export function caseFailureCounter(perHour: number) {
  const store = new MemoryStore();
  store.init({ windowMs: 3_600_000 } as Options);
  return {
    async blocked(caseNumber: string): Promise<boolean> {
      return ((await store.get(caseNumber))?.totalHits ?? 0) >= perHour;
    },
    async failed(caseNumber: string): Promise<void> {
      await store.increment(caseNumber);
    },
  };
}

const failureCounters = new WeakMap<object, ReturnType<typeof caseFailureCounter>>();
/** The failed-lookup counter of this service: one for every route that checks case number + ID number. */
export function statusFailures(ctx: ApiDeps["ctx"], perHour: number) {
  let counter = failureCounters.get(ctx);
  if (!counter) failureCounters.set(ctx, (counter = caseFailureCounter(perHour)));
  return counter;
}

/**
 * The insured person's check (case number + ID number), for the status lookup and for every route
 * that answers after it (the documents of src/api/routes/documents.ts): the case's status source,
 * or the one 404 that any failure gets.
 */
export async function lookUpForInsured(
  ctx: ApiDeps["ctx"],
  failures: ReturnType<typeof caseFailureCounter>,
  body: z.output<typeof statusBody>,
) {
  // One keyed hash of the ID number given, then one statement whose WHERE holds both the
  // case number and that hash (src/engine/store.ts): a wrong ID number and an unknown case
  // number run the same statement, which reads no event for either. A case number with too
  // many failures fails whatever the ID number, with the same answer, after the same work.
  const caseNumber = body.caseNumber.toUpperCase();
  const idIndex = dataKeyOf(ctx.db).idIndex(body.idNumber);
  const found = await storeFor(ctx.db).loaders.statusByNumber.load({ caseNumber, idIndex });
  const blocked = await failures.blocked(caseNumber);
  if (!found || blocked) {
    await failures.failed(caseNumber);
    throw new Problem(404, "not-found", "Not found", "No case matches this case number and ID number.");
  }
  return found;
}

export function publicRoutes({ ctx, config, add }: ApiDeps) {
  const failures = statusFailures(ctx, config.STATUS_FAILURES_PER_CASE_PER_HOUR);
  add({
    method: "post",
    path: "/api/status",
    operationId: "lookUpStatus",
    summary: "Progress of a case, for the insured person (case number + ID number)",
    tags: ["status"],
    access: "public",
    body: statusBody,
    responses: { 200: { description: "Progress, due date and timeline", schema: caseStatusSchema } },
    errors: [404, 429],
    handler: async ({ body }) => {
      const found = await lookUpForInsured(ctx, failures, body);
      // a renewal awaiting payment shows the total due: its facts are read for it alone
      const context = statusReadsFacts(found)
        ? (
            JSON.parse(
              (
                await ctx.db.case.findUniqueOrThrow({
                  where: { caseNumber: body.caseNumber.toUpperCase() },
                  select: { snapshot: true },
                })
              ).snapshot,
            ) as { context?: Record<string, unknown> }
          ).context
        : undefined;
      return statusView(ctx, found, context);
    },
  });

  add({
    method: "get",
    path: "/api/machines",
    operationId: "listMachines",
    summary: "Case types and their machine versions",
    tags: ["machines"],
    access: "public",
    responses: {
      200: {
        description: "Case types: type, latestVersion, label (zh, en), singleAgency, caseNumberPrefix",
        schema: machineListSchema,
      },
    },
    handler: (): z.output<typeof machineListSchema> => ({
      items: ctx.machines.types.map((t) => {
        const { version } = ctx.machines.latest(t);
        const { label, singleAgency, caseNumberPrefix } = caseTypeInfo(t);
        return { type: t, latestVersion: version, label, singleAgency, caseNumberPrefix };
      }),
    }),
  });

  add({
    method: "get",
    path: "/api/machines/:type",
    operationId: "getMachineDefinition",
    summary: "A case machine's definition as JSON (states, events, labels, sides), for diagrams",
    tags: ["machines"],
    access: "public",
    params: z.object({ type: z.enum(caseTypes) }),
    query: z.object({ version: z.coerce.number().int().min(1).optional() }).strict(),
    responses: { 200: { description: "Definition", schema: machineDefinitionSchema } },
    errors: [404],
    handler: ({ params, query }) => {
      const mod = query.version ? ctx.machines.get(params.type, query.version) : ctx.machines.latest(params.type);
      if (!mod) throw problems.notFound(`Version ${query.version} of ${params.type}`);
      // mod.type is params.type (the registry key): the same answer, typed as a case type
      const def: ReturnType<typeof definitionJson> & {
        events: Record<string, ReturnType<typeof definitionJson>["events"][string] & { computed?: true }>;
      } = definitionJson(mod);
      // an event whose recorded payload the service computes is described by what the API takes
      for (const [event, spec] of Object.entries(def.events)) {
        const hook = computedPayloadFor(mod, event);
        if (hook) def.events[event] = { ...spec, payload: z.toJSONSchema(hook.request), computed: true };
      }
      return { ...def, type: params.type } satisfies z.output<typeof machineDefinitionSchema>;
    },
  });

  add({
    method: "get",
    path: "/healthz",
    operationId: "getHealth",
    summary: "Liveness and database reachability",
    tags: ["operations"],
    access: "public",
    responses: { 200: { description: "OK", schema: healthSchema } },
    handler: async () => {
      await ctx.db.$queryRawUnsafe("SELECT 1");
      return { status: "ok" } satisfies z.output<typeof healthSchema>;
    },
  });
}
