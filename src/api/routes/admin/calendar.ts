// Administration of the working-day calendar: the years, one year's schedule, publishing a year.
import { z } from "zod";
import { SUPPORTED_YEARS } from "../../../calendar/index.ts";
import { publishCalendarYear } from "../../../engine/calendarPublication.ts";
import type { ApiDeps } from "../../deps.ts";
import { calendarScheduleSchema, calendarYearsSchema, publishedCalendarYearSchema } from "../../schemas.ts";
import { chinaDate } from "./fields.ts";

const calendarBody = z
  .object({ holidays: z.array(chinaDate).max(366), workdays: z.array(chinaDate).max(366) })
  .strict()
  .meta({
    id: "CalendarYear",
    description: "official days off (holiday periods) and make-up working days (调休) on weekends",
  });
const yearParam = z.object({ year: z.coerce.number().int().min(SUPPORTED_YEARS.min).max(SUPPORTED_YEARS.max) });

function listYearsRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/admin/calendar",
    operationId: "listCalendarYears",
    summary: "Years of the working-day calendar: published, or computed by rule (provisional)",
    tags: ["admin"],
    access: "admin",
    responses: { 200: { description: "Years", schema: calendarYearsSchema } },
    handler: async () => ({ published: ctx.calendar.publishedYears() }) satisfies z.output<typeof calendarYearsSchema>,
  });
}

function getYearRoute({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/admin/calendar/:year",
    operationId: "getCalendarYear",
    summary: "One year's holidays and make-up working days",
    tags: ["admin"],
    access: "admin",
    params: yearParam,
    responses: { 200: { description: "The year", schema: calendarScheduleSchema } },
    handler: async ({ params }) => ctx.calendar.schedule(params.year) satisfies z.output<typeof calendarScheduleSchema>,
  });
}

function publishYearRoute({ ctx, add }: ApiDeps) {
  add({
    method: "put",
    path: "/api/admin/calendar/:year",
    operationId: "publishCalendarYear",
    summary:
      "Publish a year's official schedule (replaces the provisional rule for that year); open cases' due dates that relied on it are recomputed",
    tags: ["admin"],
    access: "admin",
    params: yearParam,
    body: calendarBody,
    responses: {
      200: {
        description: "The published year, and recomputedCases: how many open cases got new due dates",
        schema: publishedCalendarYearSchema,
      },
    },
    // Validated, stored, published to the live calendar, and every open due date that relied on
    // the year recomputed (each change a DEADLINES_RECOMPUTED event).
    handler: async ({ params, body, actor }) =>
      (await publishCalendarYear(ctx, params.year, body, actor!)) satisfies z.output<
        typeof publishedCalendarYearSchema
      >,
  });
}

export function calendarRoutes(deps: ApiDeps) {
  listYearsRoute(deps);
  getYearRoute(deps);
  publishYearRoute(deps);
}
