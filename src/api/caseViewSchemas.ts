// The schemas of the answers about a case: the case as its reader may see it, a queue row, an
// event of the log, the insured person's status answer. Each view function (./caseViews.ts)
// returns the output type of its schema, so the OpenAPI document (which describes the answers with
// these schemas) cannot drift from what is sent.
import { z } from "zod";
import { FLOWS, OUTCOMES, SIDES } from "../../machines/types.ts";
import { caseTypes } from "../../machines/index.ts";
import { INSURANCES, SCHEMES } from "../../machines/vocabulary.ts";

// JSON as sent: timestamps are ISO strings, dates China dates.

/** A China calendar date, YYYY-MM-DD. */
export const chinaDateSchema = z.iso.date().meta({ description: "China date YYYY-MM-DD" });
/** A month, YYYY-MM. */
const monthSchema = z.string().meta({ description: "YYYY-MM" });
const timestamp = z.iso.datetime().meta({ description: "UTC timestamp (ISO 8601)" });
const json = z.record(z.string(), z.unknown());

export const labelSchema = z
  .object({ zh: z.string(), en: z.string() })
  .meta({ id: "Label", description: "A label in Chinese and English" });
export const sideSchema = z.enum(SIDES).meta({ id: "Side", description: "who acts next" });
const outcomeSchema = z.enum(OUTCOMES).nullable().meta({ description: "how a final case ended; null while open" });
export const caseTypeSchema = z
  .enum(caseTypes)
  .meta({ id: "CaseType", description: "GET /api/machines describes each" });

export const progressSchema = z
  .object({
    step: z.number().int().min(1),
    steps: z.number().int().min(1),
    percent: z.number().int().min(0).max(100),
    label: labelSchema,
    side: sideSchema,
  })
  .meta({ id: "Progress", description: "step k of n of the case's machine" });

const agencyRef = z.object({ code: z.string(), name: z.string(), region: z.string() });

export const insuranceSchema = z
  .enum(INSURANCES)
  .meta({ id: "Insurance", description: "the insurance the case is about" });
export const schemeSchema = z
  .enum(SCHEMES)
  .meta({ description: "employee (职工), flexible (灵活就业) or resident (城乡居民)" });
const employerSchema = z
  .object({ name: z.string(), creditCode: z.string().meta({ description: "unified social credit code" }) })
  .nullable()
  .meta({ id: "Employer", description: "the employer (用人单位), when one was named" });

// What a case type adds (machines/types.ts CaseViewAdditions), and the console's hints
// (src/engine/caseHints.ts).

export const flowSchema = z
  .enum(FLOWS)
  .nullable()
  .optional()
  .meta({
    description:
      "medical transfers only: paper (certificate first, application at a window) or online (applied on the " +
      "national platform at the transfer-in agency, electronic record form); null until the certificate or the " +
      "online application is recorded",
  });

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

export const paymentDueSchema = z
  .object({
    totalFen: fenSchema,
    payBy: chinaDateSchema.nullable(),
    backPayable: z.boolean(),
    waitingPeriodEndsOn: chinaDateSchema.nullable(),
  })
  .meta({ id: "PaymentDue", description: "A renewal's amount due, by when, and the end of any waiting period" });

export const refusalSchema = z
  .object({
    reasonCode: z.string().nullable().meta({ description: "the reason's code (REFUSAL_REASONS); null in versions 1" }),
    reason: z.string().nullable().meta({ description: "the free text given with the refusal" }),
  })
  .meta({ id: "Refusal", description: "Why an application was refused (不予受理的原因)" });

export const transferGapSchema = z
  .object({
    lastMonthBefore: monthSchema
      .nullable()
      .meta({ description: "the last month paid at the old place; null: none held" }),
    firstMonthAfter: monthSchema.meta({
      description: "the first month paid at the new place after it (else the application's month)",
    }),
    months: z.number().int().min(0).nullable().meta({ description: "the months between them; null when unknown" }),
    overThreeMonths: z.boolean().meta({ description: "over 3 months: the new place's waiting period applies" }),
    waitingPeriodMonths: z
      .number()
      .int()
      .min(0)
      .nullable()
      .meta({ description: "the transfer-in region's waiting period (待遇等待期); null: no policy in force" }),
  })
  .meta({
    id: "TransferGap",
    description: "A transfer's gap between the old place and the new, found when the application was filed",
  });

export const queueHintsShape = {
  workingDaysLeft: z.number().int().nullable().meta({
    description:
      "working days from today to the step's due date (the overall one when the step has none); negative when overdue; null when final or undated",
  }),
  dueSoon: z.boolean().meta({
    description:
      "the step is due within DUE_SOON_WORKING_DAYS working days and nothing is overdue (as dueSoon=true lists)",
  }),
};

export const detailHintsShape = {
  stepWorkingDaysLeft: z.number().int().nullable().meta({
    description: "working days from today to the current step's due date (negative when overdue)",
  }),
  overallWorkingDaysLeft: z.number().int().nullable().meta({
    description: "working days from today to the whole case's due date, while an overall limit runs",
  }),
  blockedEvents: z
    .array(
      z.object({
        type: z.string(),
        reason: z.string().meta({ description: "the machine's rule (refusals), in English; pages translate by type" }),
      }),
    )
    .meta({
      description:
        "events of allowedEvents that the machine's rules refuse now, whatever is entered (e.g. ACCEPT with unpaid arrears)",
    }),
};

export const caseViewSchema = z
  .object({
    id: z.uuid(),
    caseNumber: z.string(),
    type: caseTypeSchema,
    machineVersion: z.number().int(),
    flow: flowSchema,
    state: z.string(),
    stateLabel: labelSchema,
    outcome: outcomeSchema,
    version: z.number().int().meta({ description: "events recorded so far; send it as If-Match" }),
    actingSide: sideSchema,
    fromAgency: agencyRef,
    toAgency: agencyRef,
    insured: z.object({
      name: z.string().meta({ description: "in full for staff of the case's agencies, masked otherwise" }),
      idNumber: z.string().meta({ description: "in full for staff of the case's agencies, masked otherwise" }),
      idNumberMasked: z.string(),
    }),
    insurance: insuranceSchema,
    scheme: schemeSchema,
    toScheme: schemeSchema.nullable().meta({ description: "the scheme the person moves to; null: the same" }),
    employer: employerSchema,
    openedOn: chinaDateSchema,
    lastOccurredOn: chinaDateSchema,
    stepStartedOn: chinaDateSchema.nullable(),
    stepDueOn: chinaDateSchema.nullable(),
    dueOn: chinaDateSchema.nullable().meta({ description: "the overall due date, when an overall limit runs" }),
    provisional: z.boolean().meta({ description: "a due date relies on a calendar year not yet published" }),
    overdue: z.boolean(),
    workingDaysLeft: z.number().int().nullable(),
    final: z.boolean(),
    progress: progressSchema,
    allowedEvents: z.array(z.string()).meta({ description: "the events you may record now" }),
    facts: json.meta({ description: "what the machine has recorded (its context)" }),
    assessment: assessmentViewSchema.nullable().optional().meta({
      description: "renewals: the arrears assessment (null before one)",
    }),
    gap: transferGapSchema.nullable().optional().meta({
      description: "medical transfers (version 3): the gap found when the application was filed (null before)",
    }),
    createdAt: timestamp,
    updatedAt: timestamp,
    ...detailHintsShape,
  })
  .meta({ id: "Case", description: "A case as its reader may see it" });

export const caseSummarySchema = z
  .object({
    id: z.uuid(),
    caseNumber: z.string(),
    type: caseTypeSchema,
    state: z.string(),
    stateLabel: labelSchema,
    version: z.number().int(),
    actingSide: sideSchema,
    fromAgency: z.string().meta({ description: "agency code" }),
    toAgency: z.string().meta({ description: "agency code" }),
    insuredName: z.string().meta({ description: "masked" }),
    insuredIdNumber: z.string().meta({ description: "masked" }),
    insurance: insuranceSchema,
    scheme: schemeSchema,
    stepDueOn: chinaDateSchema.nullable(),
    dueOn: chinaDateSchema.nullable(),
    provisional: z.boolean(),
    overdue: z.boolean(),
    final: z.boolean(),
    openedOn: chinaDateSchema,
    updatedAt: timestamp,
    ...queueHintsShape,
  })
  .meta({ id: "CaseSummary", description: "A row of a case list: nothing personal in full" });

export const caseEventSchema = z
  .object({
    seq: z.number().int().min(1),
    type: z.string(),
    label: labelSchema,
    fromState: z.string().nullable(),
    toState: z.string(),
    payload: json,
    occurredOn: chinaDateSchema,
    recordedAt: timestamp,
    actor: z.object({
      kind: z
        .enum(["staff", "admin", "system", "client"])
        .meta({ description: "client: an API client (service account)" }),
      username: z.string().nullable().meta({ description: "the user's name, or the API client's" }),
    }),
    backdateReason: z.string().nullable().meta({
      description:
        "why an act dated more than BACKDATE_REASON_AFTER_WORKING_DAYS working days back was recorded only then",
    }),
  })
  .meta({ id: "CaseEvent", description: "One entry of a case's append-only event log" });

export const caseStatusSchema = z
  .object({
    caseNumber: z.string(),
    type: caseTypeSchema,
    insured: z.object({ name: z.string(), idNumber: z.string() }).meta({ description: "masked" }),
    scheme: schemeSchema,
    toScheme: schemeSchema.nullable(),
    fromAgency: z.object({ name: z.string(), region: z.string() }),
    toAgency: z.object({ name: z.string(), region: z.string() }),
    flow: flowSchema,
    state: z.string(),
    progress: progressSchema,
    outcome: outcomeSchema,
    stepDueOn: chinaDateSchema.nullable(),
    dueOn: chinaDateSchema.nullable(),
    workingDaysLeft: z.number().int().nullable(),
    provisional: z.boolean(),
    overdue: z.boolean(),
    final: z.boolean(),
    timeline: z.array(
      z.object({
        label: labelSchema,
        occurredOn: chinaDateSchema,
        state: z.string(),
        stateLabel: labelSchema.nullable(),
        count: z.number().int().min(2).optional().meta({
          description: "present when the entry stands for this many identical events in a row (its date: the last)",
        }),
      }),
    ),
    paymentDue: paymentDueSchema.optional().meta({
      description: "renewals awaiting payment: the total due, by when, and the waiting period's end",
    }),
    gap: transferGapSchema.nullable().optional().meta({
      description: "medical transfers (version 3), once filed: the gap between the old place and the new",
    }),
    refusal: refusalSchema.optional().meta({
      description: "while the application is refused (transfer types): why",
    }),
    timelineOmitted: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "present when older entries were left out (the timeline keeps the latest 50)" }),
  })
  .meta({ id: "CaseStatus", description: "A case's progress for the insured person: no staff names" });

export type CaseViewJson = z.output<typeof caseViewSchema>;
export type CaseSummaryJson = z.output<typeof caseSummarySchema>;
export type CaseEventJson = z.output<typeof caseEventSchema>;
export type CaseStatusJson = z.output<typeof caseStatusSchema>;
