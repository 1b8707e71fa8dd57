// Schemas of the API's success answers, registered as named components of the OpenAPI document.
// The case views' schemas are in ./caseViewSchemas.ts, beside the views; the answers built in the
// route modules are typed with these (z.output<...>), so what a handler builds and what the
// document says cannot drift apart. test/support/openapi-check.ts checks real answers against them.
import { z } from "zod";
import { AGENCY_SIDES, OUTCOMES, RECORDING_SIDES } from "../../machines/types.ts";
import { INSURANCES } from "../../machines/vocabulary.ts";
import { ROLES } from "../engine/accounts.ts";
import { allLimitSpecs } from "../engine/agencyLimits.ts";
import {
  caseEventSchema,
  caseSummarySchema,
  caseTypeSchema,
  chinaDateSchema,
  labelSchema,
  sideSchema,
} from "./caseViewSchemas.ts";

export { caseViewSchema, caseSummarySchema, caseEventSchema, caseStatusSchema } from "./caseViewSchemas.ts";

const timestamp = z.iso.datetime().meta({ description: "UTC timestamp (ISO 8601)" });
const role = z.enum(ROLES);

export const casePageSchema = z
  .object({
    items: z.array(caseSummarySchema),
    nextCursor: z.uuid().nullable().meta({ description: "pass as cursor for the next page; null on the last page" }),
  })
  .meta({ id: "CasePage", description: "A page of the case list" });

export const caseEventLogSchema = z
  .object({
    items: z.array(caseEventSchema),
    nextCursor: z.string().nullable().meta({ description: "pass as cursor for the next page; null on the last" }),
  })
  .meta({ id: "CaseEventLog", description: "A page of a case's events, oldest first" });

export const tokenSchema = z
  .object({ token: z.string(), tokenType: z.literal("Bearer"), expiresAt: timestamp, role })
  .meta({ id: "Token", description: "A bearer token for the Authorization header" });

export const meSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    role,
    agency: z
      .object({ code: z.string(), name: z.string() })
      .nullable()
      .meta({ description: "staff: their agency; administrators: null" }),
  })
  .meta({ id: "Me", description: "The user a token belongs to" });

export const machineListSchema = z
  .object({
    items: z.array(
      z.object({
        type: caseTypeSchema,
        latestVersion: z.number().int().min(1),
        label: labelSchema,
        singleAgency: z.boolean().meta({ description: "one agency handles the case (fromAgency = toAgency)" }),
        caseNumberPrefix: z.string(),
      }),
    ),
  })
  .meta({ id: "MachineList", description: "Case types and the version new cases get" });

const limitSpec = z.object({
  key: z.string().meta({ description: `the agencies' limit setting, e.g. ${allLimitSpecs()[0]!.key}` }),
  nationalMaxDays: z.number().int().meta({ description: "national ceiling in working days" }),
  agency: z.enum(AGENCY_SIDES).meta({ description: "whose agency's setting applies" }),
  agencyOnly: z.boolean().optional().meta({
    description:
      "no national limit: the step has a due date only when the agency sets the key (nationalMaxDays is then the most it may set)",
  }),
});

export const machineDefinitionSchema = z
  .object({
    type: caseTypeSchema,
    version: z.number().int().min(1),
    id: z.string(),
    initial: z.string(),
    steps: z.number().int().min(1),
    overall: limitSpec
      .extend({ startsWith: z.string() })
      .nullable()
      .meta({ description: "the whole-case limit, if any" }),
    states: z.record(
      z.string(),
      z.object({
        side: sideSchema,
        label: labelSchema,
        step: z.number().int().min(1),
        deadline: limitSpec.optional(),
        outcome: z.enum(OUTCOMES).optional(),
        final: z.boolean(),
        on: z.record(z.string(), z.array(z.object({ target: z.string().nullable(), guard: z.string().nullable() }))),
      }),
    ),
    events: z.record(
      z.string(),
      z.object({
        recordedBy: z.array(z.enum(RECORDING_SIDES)),
        label: labelSchema,
        payload: z.record(z.string(), z.unknown()).meta({ description: "JSON Schema of the event's payload" }),
        computed: z.literal(true).optional().meta({
          description:
            "the service computes the recorded payload from this request (e.g. a renewal assessment from the regional policy)",
        }),
      }),
    ),
  })
  .meta({
    id: "MachineDefinition",
    description: "A case machine: states, transitions with guards, events with payload schemas",
  });

export const agencySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    region: z.string(),
    limits: z.record(z.string(), z.number()).meta({ description: "limit key -> working days" }),
    requireDocuments: z.boolean().meta({
      description: "the required documents of a step are binding for this agency's events (409 missing-documents)",
    }),
    insurances: z.array(z.enum(INSURANCES)).meta({
      description: "the insurances the agency handles: a case of another insurance is refused on it (422)",
    }),
    createdAt: timestamp,
  })
  .meta({ id: "Agency" });

export const agencyListSchema = z.object({ items: z.array(agencySchema) }).meta({ id: "AgencyList" });

export const userSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    role,
    agencyCode: z.string().nullable(),
    disabled: z.boolean(),
  })
  .meta({ id: "User", description: "An account (never its password)" });

export const userListSchema = z.object({ items: z.array(userSchema) }).meta({ id: "UserList" });

export const calendarYearsSchema = z
  .object({
    published: z
      .array(z.number().int())
      .meta({ description: "years with a published schedule; others are provisional" }),
  })
  .meta({ id: "CalendarYears" });

export const calendarScheduleSchema = z
  .object({
    year: z.number().int(),
    holidays: z.array(chinaDateSchema),
    workdays: z.array(chinaDateSchema).meta({ description: "make-up working days (调休) on weekends" }),
    provisional: z.boolean().meta({ description: "true: computed by rule, no schedule published yet" }),
  })
  .meta({ id: "CalendarSchedule", description: "A year of the working-day calendar" });

export const publishedCalendarYearSchema = calendarScheduleSchema
  .extend({ recomputedCases: z.number().int().min(0).meta({ description: "open cases that got new due dates" }) })
  .meta({ id: "PublishedCalendarYear" });

export const policySchema = z
  .object({
    id: z.number().int(),
    region: z.string(),
    insurance: z.enum(INSURANCES).meta({
      description: "the insurance the policy is for (policies from before insurances were named are medical)",
    }),
    effectiveFrom: chinaDateSchema,
    contributionBaseFen: z.number().int(),
    rateBasisPoints: z.number().int(),
    lateFeePerDayPpm: z.number().int(),
    lateFeeAppliesToFlexible: z.boolean(),
    maxBackPayMonths: z.number().int(),
    waitingPeriodMonths: z.number().int(),
    flexibleRateBasisPoints: z
      .number()
      .int()
      .nullable()
      .meta({ description: "rate for flexible employees; null: rateBasisPoints" }),
    averageWageFen: z.number().int().nullable().meta({ description: "last year's average wage, fen a month" }),
    baseFloorPercent: z.number().int().nullable().meta({ description: "lowest base, % of averageWageFen" }),
    baseCeilingPercent: z.number().int().nullable().meta({ description: "highest base, % of averageWageFen" }),
    reimbursementRatios: z
      .array(z.object({ minContinuousMonths: z.number().int(), ratioPercent: z.number().int() }))
      .nullable()
      .meta({ description: "reimbursement ratio from so many continuous months on" }),
    createdAt: timestamp,
  })
  .meta({ id: "RegionalPolicy", description: "A regional renewal policy version, effective from a date" });

export const policyListSchema = z.object({ items: z.array(policySchema) }).meta({ id: "RegionalPolicyList" });

export const healthSchema = z.object({ status: z.literal("ok") }).meta({ id: "Health" });

export type AgencyJson = z.output<typeof agencySchema>;
export type UserJson = z.output<typeof userSchema>;
export type PolicyJson = z.output<typeof policySchema>;
