// The contribution records (docs/contributions.md): a case's person's months as the caller's agency
// holds them, with what they add up to.
import { z } from "zod";
import { CONTRIBUTION_PAYERS, CONTRIBUTION_SOURCES, CONTRIBUTION_STATUSES } from "../../domain/contributions.ts";
import { caseContributions } from "../../engine/caseContributions.ts";
import { chinaDateSchema, insuranceSchema } from "../caseViewSchemas.ts";
import type { ApiDeps } from "../deps.ts";

const monthSchema = z.string().meta({ description: "YYYY-MM" });
const fen = z.number().int().meta({ description: "fen (1/100 yuan)" });

export const derivedRecordSchema = z
  .object({
    asOfMonth: monthSchema,
    contributionMonths: z.object({
      actual: z.number().int().meta({ description: "months paid or back-paid" }),
      deemed: z.number().int().meta({ description: "months deemed (视同缴费)" }),
    }),
    continuousMonths: z.number().int().meta({ description: "months counted without a break, up to the last one" }),
    firstMonth: monthSchema.nullable(),
    lastMonth: monthSchema.nullable(),
    gaps: z.array(z.object({ from: monthSchema, to: monthSchema, months: z.number().int() })),
    arrears: z.object({ months: z.array(z.object({ month: monthSchema, amountFen: fen })), totalFen: fen }),
    accountBalanceFen: fen.meta({ description: "the opening balance and the credits of the months after it" }),
    contributionWagesSince1998Fen: fen.meta({ description: "the bases paid from 1998-01 (pension)" }),
    pooledShareFen: fen.meta({ description: "12 % of the wages since 1998, half up (pension)" }),
  })
  .meta({ id: "DerivedRecord", description: "What a contribution record says as of a month" });

const contributionMonthSchema = z
  .object({
    month: monthSchema,
    baseFen: fen,
    employerFen: fen,
    individualFen: fen,
    accountCreditFen: fen,
    status: z.enum(CONTRIBUTION_STATUSES),
    payer: z.enum(CONTRIBUTION_PAYERS),
    employerCreditCode: z.string().nullable(),
    source: z.enum(CONTRIBUTION_SOURCES),
    fromAgency: z.string().nullable().meta({ description: "a month that came with a transfer: its agency's code" }),
    caseId: z.string().nullable(),
    reason: z.string().nullable().meta({ description: "why a correction was made" }),
    superseded: z.boolean().meta({ description: "a later row of the same month counts instead" }),
    recordedAt: z.iso.datetime(),
  })
  .meta({ id: "ContributionMonth", description: "One row of a contribution record" });

const caseContributionsSchema = z
  .object({
    insurance: insuranceSchema,
    asOf: chinaDateSchema,
    totals: z.array(z.object({ agency: z.string(), derived: derivedRecordSchema })).meta({
      description: "staff: their agency's record; administrators: each agency's of the case",
    }),
    items: z.array(contributionMonthSchema).meta({
      description: "the rows of your agency's record, newest month first (none for administrators)",
    }),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "CaseContributions", description: "A case's person's contribution record for its insurance" });

export function contributionRoutes({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/cases/:id/contributions",
    operationId: "listCaseContributions",
    summary: "The contribution months of the case's person and insurance that your agency holds, with their totals",
    tags: ["contributions"],
    access: "user",
    params: z.object({ id: z.uuid() }),
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(500).default(120),
        cursor: z
          .string()
          .regex(/^\d{1,9}$/)
          .optional(),
      })
      .strict(),
    responses: { 200: { description: "The record", schema: caseContributionsSchema } },
    errors: [403, 404],
    handler: async ({ params, query, actor }) => {
      const page = { limit: query.limit, cursor: query.cursor === undefined ? undefined : Number(query.cursor) };
      const found = await caseContributions(ctx, actor!, params.id, page);
      return {
        ...found,
        items: found.items.map(({ id: _id, supersedesId: _s, fromAgencyId: _f, recordedAt, ...row }) => ({
          ...row,
          recordedAt: recordedAt.toISOString(),
        })),
      } satisfies z.output<typeof caseContributionsSchema>;
    },
  });
}
