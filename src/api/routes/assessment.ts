// The renewal assessment preview: what ASSESS_ARREARS would record, computed without recording
// anything, so the console can show the clerk the result before they confirm.
import { z } from "zod";
import {
  assessArrearsFromRecordRequestSchema,
  assessArrearsRequestSchema,
  assessmentSchema,
} from "../../../machines/vocabulary.ts";
import { previewAssessment } from "../../engine/assessmentPreview.ts";
import type { ApiDeps } from "../deps.ts";

const previewSchema = z
  .object({
    firstMissedMonth: z.string(),
    lastMissedMonth: z.string(),
    payer: assessArrearsRequestSchema.shape.payer,
    paysOn: z.iso.date(),
    declaredBaseFen: z.number().int().optional(),
    continuousMonthsBefore: z.number().int().nullable().optional().meta({
      description:
        "from version 3 on, the contribution record's continuous months before the first missed one (null: the agency holds no record)",
    }),
    monthsFromRecord: z
      .boolean()
      .optional()
      .meta({ description: "from version 3 on: true when the missed months (or one of them) came from the record" }),
    assessment: assessmentSchema,
  })
  .meta({ id: "AssessmentPreview", description: "The ASSESS_ARREARS payload the service would record" });

export function assessmentRoutes({ ctx, add }: ApiDeps) {
  add({
    method: "post",
    path: "/api/cases/:id/assessment-preview",
    operationId: "previewAssessment",
    summary: "Compute a renewal's arrears assessment from the regional policy without recording it",
    tags: ["cases"],
    access: "staff",
    params: z.object({ id: z.string().uuid() }),
    // version 3 takes the months from the contribution record when they are left out; version 2 needs them (422)
    body: assessArrearsFromRecordRequestSchema.meta({ id: "AssessArrearsRequest" }),
    responses: { 200: { description: "What ASSESS_ARREARS would record now", schema: previewSchema } },
    // 409: not a renewal computed by the service (another type, or a version 1 case), no policy in
    // force, or no contribution record to take the months from
    errors: [403, 404, 409],
    handler: async ({ params, body, actor }) =>
      (await previewAssessment(ctx, actor!, params.id, body)) as z.output<typeof previewSchema>,
  });
}
