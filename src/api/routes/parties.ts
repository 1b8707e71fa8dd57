// The parties of a case (docs/parties.md): the person's other cases, the duplicate open cases a
// database held before the no-double-enrolment rule, and the agency picker's search.
import { z } from "zod";
import { searchAgencies } from "../../engine/agencies.ts";
import { caseSummary } from "../caseViews.ts";
import { enrolmentKinds } from "../../engine/enrolments.ts";
import { duplicatesFor, INSURANCES, relatedCasesOf } from "../../engine/parties.ts";
import { caseSummarySchema, caseTypeSchema } from "../caseViewSchemas.ts";
import type { ApiDeps } from "../deps.ts";

export const relatedCasesSchema = z
  .object({
    items: z.array(caseSummarySchema).meta({ description: "newest first, at most 50" }),
  })
  .meta({ id: "RelatedCases", description: "The same person's other cases (open and closed) that you may read" });

export const duplicateListSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.uuid(),
        caseNumber: z.string(),
        type: caseTypeSchema,
        kind: z.string().meta({ description: orList(enrolmentKinds()) }),
        fromAgency: z.string().meta({ description: "agency code" }),
        toAgency: z.string().meta({ description: "agency code" }),
        holdsEnrolment: z.boolean().meta({ description: "the case the person's open enrolment is recorded for" }),
        group: z.number().int().min(1).meta({ description: "cases of the same person and kind share a group" }),
      }),
    ),
  })
  .meta({
    id: "DuplicateOpenCases",
    description:
      "Open cases of one person and kind beyond the first, from before the no-double-enrolment rule: for staff to resolve (withdraw or finish all but one)",
  });

export const agencyPickSchema = z
  .object({
    items: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        region: z.string().meta({ description: "GB/T 2260 administrative division code" }),
        insurances: z
          .array(z.enum(INSURANCES))
          .meta({ description: "the insurances the agency handles (a case of another one is refused on it)" }),
      }),
    ),
    nextCursor: z.string().nullable().meta({ description: "pass as cursor for the next page; null on the last" }),
  })
  .meta({ id: "AgencyPickList", description: "Agencies matching a search, by code" });

const agencyQuery = z
  .object({
    q: z.string().trim().max(64).optional().meta({
      description: "part of the code or the name (厦门 finds 厦门市医保中心), or the beginning of the region code",
    }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, "must be a nextCursor from an earlier page")
      .optional()
      .meta({ description: "the nextCursor of the previous page" }),
  })
  .strict();

function relatedCasesRoute({ ctx, config, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id/related",
    operationId: "listRelatedCases",
    summary: "The insured person's other cases (open and closed) that you may read",
    tags: ["cases"],
    access: "user",
    params: z.object({ id: z.string().uuid() }),
    responses: { 200: { description: "The person's other cases", schema: relatedCasesSchema } },
    errors: [403, 404],
    handler: async ({ params, actor }) => {
      const related = await relatedCasesOf(ctx, actor!, params.id, config.DUE_SOON_WORKING_DAYS);
      return { items: related.items.map((r) => caseSummary(ctx, r, related.dueSoonCutoff)) };
    },
  });
}

function duplicatesRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/enrolments/duplicates",
    operationId: "listDuplicateOpenCases",
    summary: "Duplicate open cases (one person, one kind) from before the rule, to resolve",
    tags: ["cases"],
    access: "user",
    responses: { 200: { description: "Duplicate open cases", schema: duplicateListSchema } },
    handler: async ({ actor }) => {
      const rows = await duplicatesFor(ctx, actor!);
      return { items: rows.map((r) => ({ ...r, type: r.type as z.output<typeof caseTypeSchema> })) };
    },
  });
}

function agencySearchRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/agencies",
    operationId: "searchAgencies",
    summary: "Find agencies by code, name or region (the console's agency picker)",
    tags: ["agencies"],
    access: "user",
    query: agencyQuery,
    responses: { 200: { description: "A page of agencies", schema: agencyPickSchema } },
    handler: async ({ query }) => searchAgencies(ctx, query),
  });
}

export function partiesRoutes(deps: ApiDeps) {
  relatedCasesRoute(deps);
  duplicatesRoute(deps);
  agencySearchRoute(deps);
}

/** "a, b, c or d" */
function orList(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
