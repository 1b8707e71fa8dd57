// Routes without login: the insured person's status lookup, machine definitions, health.
import { z } from "zod";
import { rateLimit, ipKeyGenerator, MemoryStore, type Options } from "express-rate-limit";
import { definitionJson } from "../../../machines/runtime.ts";
import { caseTypeInfo, caseTypes } from "../../../machines/index.ts";
import { problems } from "../../problems.ts";
import { statusView } from "../caseViews.ts";
import type { ApiDeps } from "../deps.ts";
import { computedPayloadFor } from "../../engine/computedPayloads.ts";
import { insuredStatus, type LookupFailures } from "../../engine/statusLookup.ts";
import { checkDatabase } from "../../engine/health.ts";
import { caseStatusSchema, healthSchema, machineDefinitionSchema, machineListSchema } from "../schemas.ts";

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
export function caseFailureCounter(perHour: number): LookupFailures {
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

function statusRoute({ ctx, config, add }: ApiDeps) {
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
      const { found, context } = await insuredStatus(ctx, failures, body);
      return statusView(ctx, found, context);
    },
  });
}

function machinesRoute({ ctx, add }: ApiDeps) {
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
}

function machineDefinitionRoute({ ctx, add }: ApiDeps) {
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
}

function healthRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/healthz",
    operationId: "getHealth",
    summary: "Liveness and database reachability",
    tags: ["operations"],
    access: "public",
    responses: { 200: { description: "OK", schema: healthSchema } },
    handler: async () => {
      await checkDatabase(ctx);
      return { status: "ok" } satisfies z.output<typeof healthSchema>;
    },
  });
}

export function publicRoutes(deps: ApiDeps) {
  statusRoute(deps);
  machinesRoute(deps);
  machineDefinitionRoute(deps);
  healthRoute(deps);
}
