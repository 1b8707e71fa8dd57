// The renewal assessment as the case detail and the status answer show it. Version 2 cases carry
// the service's full assessment (machines/renewal.ts RenewalAssessment, recorded in the log); a
// version 1 case shows what the clerk recorded then: the amounts and backPayable, no lines, no
// policy, no waiting period end (v1 did not know them).
import { z } from "zod";
/** A China calendar date (as views.ts chinaDateSchema; not imported: views.ts imports this module). */
const chinaDateSchema = z.iso.date().meta({ description: "China date YYYY-MM-DD" });

const fenSchema = z.number().int().min(0).meta({ description: "fen (1/100 yuan)" });

export const assessmentViewSchema = z
  .object({
    monthsMissed: z.number().int(),
    principalFen: fenSchema,
    lateFeeFen: fenSchema,
    totalFen: fenSchema,
    backPayable: z.boolean(),
    waitingPeriodMonths: z.number().int().nullable().meta({ description: "null on version 1 cases" }),
    waitingPeriodEndsOn: chinaDateSchema.nullable(),
    payBy: chinaDateSchema.nullable().meta({ description: "the total is due on this date (late fee counted to it)" }),
    lines: z
      .array(
        z.object({
          month: z.string(),
          baseFen: fenSchema,
          contributionFen: fenSchema,
          daysLate: z.number().int(),
          lateFeeFen: fenSchema,
        }),
      )
      .optional()
      .meta({ description: "one per missed month; absent on version 1 cases" }),
    policy: z.object({ region: z.string(), effectiveFrom: chinaDateSchema }).nullable(),
    continuity: z
      .object({
        continuous: z.boolean(),
        continuousMonths: z.number().int().nullable(),
        reimbursementRatioPercent: z.number().int().nullable(),
      })
      .optional(),
  })
  .meta({ id: "RenewalAssessment", description: "The renewal's arrears assessment (补缴核定)" });

export type AssessmentViewJson = z.output<typeof assessmentViewSchema>;

/** The assessment of a renewal case from its machine context; null before one; undefined for other types. */
export function assessmentOf(type: string, context: Record<string, unknown>): AssessmentViewJson | null | undefined {
  if (type !== "renewal") return undefined;
  const a = context.assessment as AssessmentViewJson | null | undefined;
  if (a !== undefined) return a ?? null;
  // version 1: what the clerk typed
  const { monthsMissed, principalFen, lateFeeFen, backPayable } = context as Record<string, number | boolean | null>;
  if (typeof monthsMissed !== "number" || typeof principalFen !== "number" || typeof lateFeeFen !== "number")
    return null;
  return {
    monthsMissed,
    principalFen,
    lateFeeFen,
    totalFen: principalFen + lateFeeFen,
    backPayable: backPayable === true,
    waitingPeriodMonths: null,
    waitingPeriodEndsOn: null,
    payBy: null,
    policy: null,
  };
}

export const paymentDueSchema = z
  .object({
    totalFen: fenSchema,
    payBy: chinaDateSchema.nullable(),
    backPayable: z.boolean(),
    waitingPeriodEndsOn: chinaDateSchema.nullable(),
  })
  .meta({ id: "PaymentDue", description: "A renewal's amount due, by when, and the end of any waiting period" });

/** What the insured person is shown of an assessment while it is to be paid (state arrearsAssessed). */
export function paymentDueOf(type: string, state: string, context: Record<string, unknown>) {
  if (state !== "arrearsAssessed") return undefined;
  const a = assessmentOf(type, context);
  if (!a) return undefined;
  return {
    totalFen: a.totalFen,
    payBy: a.payBy,
    backPayable: a.backPayable,
    waitingPeriodEndsOn: a.waitingPeriodEndsOn,
  };
}

/** Whether a status answer needs the case's machine facts (the lookup reads them only then). */
export function needsStatusContext(c: { type: string; state: string }): boolean {
  return c.type === "renewal" && c.state === "arrearsAssessed";
}
