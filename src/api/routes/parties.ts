// The parties of a case (docs/parties.md): the person's other cases, the duplicate open cases a
// database held before the no-double-enrolment rule, and the agency picker's search.
import { z } from "zod";
import { Prisma } from "../../generated/prisma/client.ts";
import { enrolmentKinds } from "../../engine/enrolments.ts";
import { directSqlOf } from "../../db/client.ts";
import { assertCanRead } from "../../engine/access.ts";
import { loadCase } from "../../engine/readCase.ts";
import { caseSummary } from "../caseViews.ts";
import { duplicateOpenCases, relatedCases } from "../../engine/parties.ts";
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

/** `s` for a LIKE pattern, its wildcards escaped (with ESCAPE '\'). */
const likeEscaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function partiesRoutes({ ctx, config, add }: ApiDeps) {
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
      const c = await loadCase(ctx, params.id);
      assertCanRead(actor!, c);
      const dueSoonCutoff = ctx.calendar.addWorkingDays(ctx.today(), config.DUE_SOON_WORKING_DAYS).value;
      return { items: (await relatedCases(ctx, actor!, c)).map((r) => caseSummary(ctx, r, dueSoonCutoff)) };
    },
  });

  add({
    method: "get",
    path: "/api/enrolments/duplicates",
    operationId: "listDuplicateOpenCases",
    summary: "Duplicate open cases (one person, one kind) from before the rule, to resolve",
    tags: ["cases"],
    access: "user",
    responses: { 200: { description: "Duplicate open cases", schema: duplicateListSchema } },
    handler: async ({ actor }) => {
      const rows = await duplicateOpenCases(ctx.db, actor!.kind === "staff" ? actor!.agencyId! : undefined);
      return { items: rows.map((r) => ({ ...r, type: r.type as z.output<typeof caseTypeSchema> })) };
    },
  });

  add({
    method: "get",
    path: "/api/agencies",
    operationId: "searchAgencies",
    summary: "Find agencies by code, name or region (the console's agency picker)",
    tags: ["agencies"],
    access: "user",
    query: agencyQuery,
    responses: { 200: { description: "A page of agencies", schema: agencyPickSchema } },
    handler: async ({ query }) => {
      const where: Prisma.Sql[] = [];
      if (query.q) {
        const part = `%${likeEscaped(query.q.toLowerCase())}%`;
        const start = `${likeEscaped(query.q)}%`;
        where.push(Prisma.sql`(LOWER("code") LIKE ${part} ESCAPE '\\' OR LOWER("name") LIKE ${part} ESCAPE '\\'
          OR "region" LIKE ${start} ESCAPE '\\')`);
      }
      if (query.cursor) where.push(Prisma.sql`"code" > ${query.cursor}`);
      const rows = await directSqlOf(ctx.db).query<{ code: string; name: string; region: string }>(Prisma.sql`
        SELECT "code", "name", "region" FROM "Agency"
        WHERE ${where.length ? Prisma.join(where, " AND ") : Prisma.sql`1 = 1`}
        ORDER BY "code" LIMIT ${query.limit + 1}`);
      const items = rows.slice(0, query.limit);
      return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.code : null };
    },
  });
}

/** "a, b, c or d" */
function orList(items: string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
