// Reading the administrative audit (src/engine/audit.ts): a paged JSON list and a CSV export,
// both filtered by action and by China date. Nothing here writes to it.
import { z } from "zod";
import { isChinaDate } from "../../calendar/index.ts";
import { AUDIT_ACTIONS } from "../../engine/audit.ts";
import type { AdminAuditEntry, Prisma } from "../../generated/prisma/client.ts";
import type { ApiDeps } from "../deps.ts";
import { csvCell } from "../csv.ts";

const chinaDate = z.string().refine(isChinaDate, "must be a date as YYYY-MM-DD");
const filters = {
  action: z.enum(AUDIT_ACTIONS).optional(),
  from: chinaDate.optional().meta({ description: "first China date (inclusive)" }),
  to: chinaDate.optional().meta({ description: "last China date (inclusive)" }),
};
const refineRange = <T extends { from?: string; to?: string }>(q: T) => !q.from || !q.to || q.from <= q.to;
const listQuery = z
  .object({
    ...filters,
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  })
  .strict()
  .refine(refineRange, { message: "from must not be after to", path: ["to"] });
const csvQuery = z
  .object(filters)
  .strict()
  .refine(refineRange, { message: "from must not be after to", path: ["to"] });

/** A China date's first instant (UTC+8, no daylight saving time). */
const chinaMidnight = (d: string) => new Date(`${d}T00:00:00+08:00`);
const dayAfter = (d: string) => new Date(chinaMidnight(d).getTime() + 86_400_000);

function where(q: { action?: string; from?: string; to?: string }): Prisma.AdminAuditEntryWhereInput {
  const at: Prisma.DateTimeFilter = {};
  if (q.from) at.gte = chinaMidnight(q.from);
  if (q.to) at.lt = dayAfter(q.to);
  return { ...(q.action ? { action: q.action } : {}), ...(q.from || q.to ? { at } : {}) };
}

function entryView(e: AdminAuditEntry) {
  return {
    id: e.id,
    at: e.at.toISOString(),
    actor: { id: e.actorId, username: e.actorName },
    action: e.action,
    target: e.target,
    before: e.before === null ? null : JSON.parse(e.before),
    after: e.after === null ? null : JSON.parse(e.after),
  };
}

const auditPageSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.number().int(),
        at: z.string(),
        actor: z.object({ id: z.number().int().nullable(), username: z.string() }),
        action: z.string(),
        target: z.string(),
        before: z.unknown().meta({ description: "the state before (null when there was none)" }),
        after: z.unknown().meta({ description: "the state after (null when there is none)" }),
      }),
    ),
    nextCursor: z.number().int().nullable(),
  })
  .meta({ id: "AdminAuditPage" });

/** The CSV export's bound: a larger range is narrowed with from/to. */
const CSV_MAX_ROWS = 100_000;

export function auditLogRoutes({ ctx, add }: ApiDeps) {
  const { db } = ctx;
  add({
    method: "get",
    path: "/api/admin/audit-log",
    operationId: "listAdminAudit",
    summary:
      "The administrative audit (who changed users, agencies, the calendar, policies, webhooks), newest first, paged",
    tags: ["admin"],
    access: "admin",
    query: listQuery,
    responses: { 200: { description: "Entries, and nextCursor when there are more", schema: auditPageSchema } },
    handler: async ({ query }) => {
      const rows = await db.adminAuditEntry.findMany({
        where: { ...where(query), ...(query.cursor ? { id: { lt: query.cursor } } : {}) },
        orderBy: { id: "desc" },
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return { items: page.map(entryView), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
    },
  });

  add({
    method: "get",
    path: "/api/admin/audit-log.csv",
    operationId: "getAdminAuditCsv",
    summary: "The administrative audit as CSV, oldest first",
    tags: ["admin"],
    access: "admin",
    query: csvQuery,
    responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
    handler: async ({ query, res }) => {
      const rows = await db.adminAuditEntry.findMany({
        where: where(query),
        orderBy: { id: "asc" },
        take: CSV_MAX_ROWS,
      });
      const header = ["id", "at", "actorId", "actorName", "action", "target", "before", "after"];
      const lines = rows.map((e) =>
        [e.id, e.at.toISOString(), e.actorId, e.actorName, e.action, e.target, e.before, e.after]
          .map(csvCell)
          .join(","),
      );
      res
        .type("text/csv; charset=utf-8")
        .attachment(`admin-audit${query.from ? `-${query.from}` : ""}${query.to ? `-${query.to}` : ""}.csv`)
        .send([header.join(","), ...lines].join("\r\n") + "\r\n");
      return undefined;
    },
  });
}
