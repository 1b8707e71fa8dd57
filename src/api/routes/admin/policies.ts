// Administration of regional policies: add a version (effective from a date) of one insurance (medical
// when the body names none, as before insurances were named), list them.
import { z } from "zod";
import { regionalPolicySchema } from "../../../domain/policy.ts";
import { INSURANCES } from "../../../../machines/vocabulary.ts";
import { addPolicy, listPolicies, policyOfRow, type PolicyRow } from "../../../engine/policies.ts";
import type { ApiDeps } from "../../deps.ts";
import { policyListSchema, policySchema, type PolicyJson } from "../../schemas.ts";

/** The stored row as it is (createdAt as its ISO string, as JSON sends it). */
function policyView(p: PolicyRow): PolicyJson {
  const policy = policyOfRow(p);
  return {
    ...policy,
    insurance: policy.insurance ?? "medical",
    id: p.id,
    flexibleRateBasisPoints: policy.flexibleRateBasisPoints ?? null,
    averageWageFen: policy.averageWageFen ?? null,
    baseFloorPercent: policy.baseFloorPercent ?? null,
    baseCeilingPercent: policy.baseCeilingPercent ?? null,
    reimbursementRatios: policy.reimbursementRatios ?? null,
    createdAt: p.createdAt.toISOString(),
  };
}

function createPolicyRoute({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/admin/policies",
    operationId: "createPolicy",
    summary: "Add a regional policy version (effective from a date)",
    tags: ["admin"],
    access: "admin",
    body: regionalPolicySchema,
    responses: { 201: { description: "The policy", schema: policySchema } },
    errors: [409],
    handler: async ({ body, res, actor }) => {
      const p = await addPolicy(ctx, actor!, body);
      res.status(201);
      return policyView(p);
    },
  });
}

function listPoliciesRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/admin/policies",
    operationId: "listPolicies",
    summary: "List regional policies",
    tags: ["admin"],
    access: "admin",
    query: z
      .object({
        region: z.string().max(6).optional(),
        insurance: z.enum(INSURANCES).optional().meta({ description: "only the policies of this insurance" }),
      })
      .strict(),
    responses: { 200: { description: "Policies", schema: policyListSchema } },
    handler: async ({ query }) => ({ items: (await listPolicies(ctx, query)).map(policyView) }),
  });
}

export function policyRoutes(deps: ApiDeps) {
  createPolicyRoute(deps);
  listPoliciesRoute(deps);
}
