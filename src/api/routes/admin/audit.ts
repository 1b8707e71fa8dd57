// The audits, read: the administrative audit (src/engine/audit.ts; who changed users, agencies,
// the calendar, policies, webhooks) as a paged JSON list and as CSV, and the case events recorded
// in a period as CSV. Nothing here writes to them.
import type { Response } from "express";
import { z } from "zod";
import {
  AUDIT_ACTIONS,
  auditEntries,
  auditPage,
  eventsInPeriod,
  type AuditedEvent,
  type AuditEntryRow,
} from "../../../engine/audit.ts";
import { reasonCodeOf } from "../../../reports/sla.ts";
import { csvCell } from "../../csv.ts";
import type { ApiDeps } from "../../deps.ts";
import { agencyCode, chinaDate } from "./fields.ts";

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

function entryView(e: AuditEntryRow) {
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

/** Sends rows as a CSV attachment (CRLF lines, a header first). */
function sendCsv(res: Response, fileName: string, header: string[], rows: unknown[][]) {
  const lines = rows.map((r) => r.map(csvCell).join(","));
  res
    .type("text/csv; charset=utf-8")
    .attachment(fileName)
    .send([header.join(","), ...lines].join("\r\n") + "\r\n");
}

function auditLogRoute({ ctx, add }: ApiDeps) {
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
      const { items, nextCursor } = await auditPage(ctx, query);
      return { items: items.map(entryView), nextCursor };
    },
  });
}

function auditLogCsvRoute({ ctx, add }: ApiDeps) {
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
      const rows = await auditEntries(ctx, query, CSV_MAX_ROWS);
      const header = ["id", "at", "actorId", "actorName", "action", "target", "before", "after"];
      const cells = rows.map((e) => [
        e.id,
        e.at.toISOString(),
        e.actorId,
        e.actorName,
        e.action,
        e.target,
        e.before,
        e.after,
      ]);
      sendCsv(
        res,
        `admin-audit${query.from ? `-${query.from}` : ""}${query.to ? `-${query.to}` : ""}.csv`,
        header,
        cells,
      );
      return undefined;
    },
  });
}

/** The administrative audit: GET /api/admin/audit-log and its CSV. */
export function adminAuditRoutes(deps: ApiDeps) {
  auditLogRoute(deps);
  auditLogCsvRoute(deps);
}

const eventAuditQuery = z
  .object({
    from: chinaDate,
    to: chinaDate,
    agency: agencyCode.optional(),
    parties: z.enum(["true", "false"]).optional().meta({
      description:
        "true: four more columns after backdateReason: the case's insurance, scheme (scheme→toScheme when it changes), employer name and credit code (docs/parties.md)",
    }),
    refusals: z.enum(["true", "false"]).optional().meta({
      description:
        "true: a last column, reasonCode: a refusal's reason code (REFUSAL_REASONS; `other` for free text alone, `unspecified` on first versions), empty for other events, so that refusals can be counted per code",
    }),
  })
  .strict()
  .refine((q) => q.from <= q.to, { message: "from must not be after to", path: ["to"] });

type EventColumns = { parties: boolean; refusals: boolean };

const eventHeader = (cols: EventColumns) => [
  "eventId",
  "caseNumber",
  "caseType",
  "fromAgency",
  "toAgency",
  "seq",
  "type",
  "fromState",
  "toState",
  "occurredOn",
  "recordedAt",
  "actorKind",
  "actorName",
  "backdateReason",
  // the parties (docs/parties.md), when asked for: after the existing columns, which keep their places
  ...(cols.parties ? ["insurance", "scheme", "employerName", "employerCreditCode"] : []),
  ...(cols.refusals ? ["reasonCode"] : []),
];

const eventCells = (e: AuditedEvent, cols: EventColumns) => [
  e.id,
  e.case.caseNumber,
  e.case.type,
  e.case.fromAgency.code,
  e.case.toAgency.code,
  e.seq,
  e.type,
  e.fromState,
  e.toState,
  e.occurredOn,
  e.recordedAt.toISOString(),
  e.actorKind,
  e.actorName,
  e.backdateReason,
  ...(cols.parties
    ? [
        e.case.insurance,
        e.case.toScheme ? `${e.case.scheme}->${e.case.toScheme}` : e.case.scheme,
        e.case.employerName,
        e.case.employerCreditCode,
      ]
    : []),
  ...(cols.refusals ? [e.type === "REFUSE" ? reasonCodeOf(e.payload, e.case.machineVersion) : ""] : []),
];

/** The case events recorded in a period: GET /api/admin/audit (CSV). */
export function eventAuditRoutes({ ctx, add }: ApiDeps) {
  add({
    method: "get",
    path: "/api/admin/audit",
    operationId: "getAuditCsv",
    summary: "Events recorded in a date range (by occurredOn), as CSV",
    tags: ["admin"],
    access: "admin",
    query: eventAuditQuery,
    responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.string() } } } },
    handler: async ({ query, res }) => {
      const events = await eventsInPeriod(ctx, query);
      const cols = { parties: query.parties === "true", refusals: query.refusals === "true" };
      const rows = events.map((e) => eventCells(e, cols));
      sendCsv(res, `audit-${query.from}-${query.to}.csv`, eventHeader(cols), rows);
      return undefined;
    },
  });
}
