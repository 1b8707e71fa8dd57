// Administration of agencies: create, list, rename, move, set their deadline limits, document rule and
// the insurances they handle.
import { z } from "zod";
import { INSURANCES } from "../../../../machines/vocabulary.ts";
import { regionCodeSchema } from "../../../domain/region.ts";
import { safeText } from "../../../domain/text.ts";
import { createAgency, insurancesOf, listAgencies, updateAgency, type AgencyRow } from "../../../engine/agencies.ts";
import type { ApiDeps } from "../../deps.ts";
import { agencyListSchema, agencySchema, type AgencyJson } from "../../schemas.ts";
import { agencyCode as code } from "./fields.ts";

const limits = z
  .record(z.string(), z.number())
  .meta({ description: "limit key -> working days, never above the national ceiling" });
const insurances = z
  .array(z.enum(INSURANCES))
  .min(1)
  .max(INSURANCES.length)
  .refine((l) => new Set(l).size === l.length, { error: "must not name an insurance twice" })
  .meta({
    description:
      "the insurances the agency handles (default: every one); a case of another insurance is refused on it (422)",
  });

const agencyBody = z
  .object({
    code,
    name: safeText(100),
    region: regionCodeSchema,
    limits: limits.optional(),
    insurances: insurances.optional(),
  })
  .strict()
  .meta({ id: "CreateAgency" });
const agencyPatch = z
  .object({
    name: safeText(100).optional(),
    region: regionCodeSchema.optional(),
    limits: limits.optional(),
    requireDocuments: z.boolean().optional(),
    insurances: insurances.optional(),
  })
  .strict();

function agencyView(a: AgencyRow): AgencyJson {
  const createdAt = a.createdAt.toISOString();
  return {
    code: a.code,
    name: a.name,
    region: a.region,
    limits: JSON.parse(a.limits),
    requireDocuments: a.requireDocuments,
    insurances: insurancesOf(a),
    createdAt,
  };
}

function createAgencyRoute({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/admin/agencies",
    operationId: "createAgency",
    summary: "Create an agency",
    tags: ["admin"],
    access: "admin",
    body: agencyBody,
    responses: { 201: { description: "The agency", schema: agencySchema } },
    errors: [409],
    handler: async ({ body, res, actor }) => {
      const a = await createAgency(ctx, actor!, body);
      res.status(201);
      return agencyView(a);
    },
  });
}

function listAgenciesRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/admin/agencies",
    operationId: "listAgencies",
    summary: "List agencies",
    tags: ["admin"],
    access: "admin",
    responses: { 200: { description: "Agencies", schema: agencyListSchema } },
    handler: async () => ({ items: (await listAgencies(ctx)).map(agencyView) }),
  });
}

function updateAgencyRoute({ ctx, add }: ApiDeps) {
  add({
    method: "patch",
    path: "/api/admin/agencies/:code",
    operationId: "updateAgency",
    summary: "Rename an agency, set its deadline limits, its document rule or the insurances it handles",
    tags: ["admin"],
    access: "admin",
    params: z.object({ code }),
    body: agencyPatch,
    responses: { 200: { description: "The agency", schema: agencySchema } },
    errors: [404],
    handler: async ({ params, body, actor }) => agencyView(await updateAgency(ctx, actor!, params.code, body)),
  });
}

export function agencyRoutes(deps: ApiDeps) {
  createAgencyRoute(deps);
  listAgenciesRoute(deps);
  updateAgencyRoute(deps);
}
