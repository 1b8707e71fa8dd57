// Administration reports. Definitions of the SLA figures: src/reports/sla.ts.
import { z } from "zod";
import { isChinaDate } from "../../calendar/index.ts";
import { refusalsCsv, slaCsv, slaReport } from "../../reports/sla.ts";
import { namedAgency } from "../../engine/agencies.ts";
import type { ApiDeps } from "../deps.ts";

const chinaDate = z.string().refine(isChinaDate, "must be a date as YYYY-MM-DD");

const slaQuery = z
  .object({
    from: chinaDate.meta({ description: "first China date of the completion period (included)" }),
    to: chinaDate.meta({ description: "last China date of the completion period (included)" }),
    format: z.enum(["json", "csv"]).default("json"),
    part: z
      .enum(["steps", "refusals"])
      .default("steps")
      .meta({ description: "with format=csv: the step rows (default) or the refusals per reason code" }),
    agency: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,32}$/)
      .optional()
      .meta({ description: "only this agency's rows" }),
  })
  .strict()
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"] });

const slaRow = z.object({
  agency: z.string(),
  agencyName: z.string(),
  caseType: z.string(),
  step: z.string(),
  stepLabel: z.object({ zh: z.string(), en: z.string() }),
  open: z.number().int().meta({ description: "cases in this step now" }),
  overdue: z.number().int().meta({ description: "open and past the step's due date" }),
  completedOnTime: z.number().int(),
  completedLate: z.number().int(),
  completionRate: z
    .number()
    .nullable()
    .meta({ description: "completedOnTime / completed, 0..1; null when none completed" }),
  medianWorkingDays: z.number().nullable(),
  p90WorkingDays: z.number().nullable(),
  completedBackdated: z.number().int().meta({
    description:
      "completions dated more than BACKDATE_REASON_AFTER_WORKING_DAYS working days before they were recorded",
  }),
});

const slaSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    asOf: z.string().meta({ description: "the China date open and overdue are counted on" }),
    rows: z.array(slaRow),
    refusals: z
      .array(
        z.object({
          agency: z.string().meta({ description: "the refusing (transfer-in) agency" }),
          caseType: z.string(),
          reasonCode: z.string().meta({
            description: "a REFUSAL_REASONS code; unspecified: recorded without one (version 1 cases, free text only)",
          }),
          label: z.object({ zh: z.string(), en: z.string() }),
          count: z.number().int(),
        }),
      )
      .meta({ description: "REFUSE events dated in [from, to], per agency, case type and reason code" }),
  })
  .meta({ id: "SlaReport" });

export function reportRoutes({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/admin/reports/sla",
    operationId: "getSlaReport",
    summary:
      "Step deadlines kept, per agency and step: open, overdue, completed on time or late in [from, to], working-day median and 90th percentile",
    tags: ["reports"],
    access: "admin",
    query: slaQuery,
    responses: {
      200: {
        description: "The report as JSON, or as CSV with format=csv (stepLabel as stepLabelZh, stepLabelEn)",
        content: { "application/json": { schema: slaSchema }, "text/csv": { schema: z.string() } },
      },
    },
    handler: async ({ query, res }) => {
      if (query.agency) await namedAgency(ctx, query.agency, "query.agency");
      const report = await slaReport(ctx, { from: query.from, to: query.to, agency: query.agency });
      if (query.format === "csv") {
        const refusals = query.part === "refusals";
        res
          .type("text/csv; charset=utf-8")
          .attachment(`${refusals ? "refusals" : "sla"}-${query.from}-${query.to}.csv`)
          .send(refusals ? refusalsCsv(report) : slaCsv(report));
        return undefined;
      }
      return report satisfies z.output<typeof slaSchema>;
    },
  });
}
