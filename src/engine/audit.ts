// The administrative audit: append-only rows (AdminAuditEntry), one per administrative change,
// written inside the transaction that makes the change, so a change is never without its entry
// and an entry never without its change. Rows are only ever inserted: no code updates or deletes them.
import type { AdminAuditEntry, Prisma } from "../generated/prisma/client.ts";
import type { Actor, EngineContext } from "./context.ts";
import { problems } from "../problems.ts";

export const AUDIT_ACTIONS = [
  "user.created",
  "user.password_reset",
  "user.password_changed",
  "user.disabled",
  "user.enabled",
  "user.role_changed",
  "agency.created",
  "agency.renamed",
  "agency.limits_changed",
  "agency.required_documents_changed",
  "agency.region_changed",
  "agency.insurances_changed",
  "calendar.published",
  "policy.added",
  "webhook.created",
  "webhook.changed",
  "webhook.deleted",
  "apiClient.created",
  "apiClient.revoked",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

// Keys whose values are never written to the audit in clear.
const SECRET_KEY = /secret|password|hash|token/i;

/** A copy of `value` with every secret-looking field masked (a webhook secret keeps its last 4 characters). */
export function maskForAudit(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskForAudit);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k) && v !== null && v !== undefined)
      out[k] = typeof v === "string" && /^secret$/i.test(k) && v.length >= 16 ? `••••${v.slice(-4)}` : "••••";
    else out[k] = maskForAudit(v);
  }
  return out;
}

export interface AuditInput {
  action: AuditAction;
  /** kind:key, e.g. user:fz-clerk, agency:FZ, calendar:2027, policy:350100@2026-01-01, webhook:3 */
  target: string;
  before?: unknown;
  after?: unknown;
}

/** Appends one audit entry; call it with the transaction client of the change it records. */
export async function recordAudit(tx: Prisma.TransactionClient, actor: Actor, entry: AuditInput): Promise<void> {
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(maskForAudit(v)));
  await tx.adminAuditEntry.create({
    data: {
      actorId: actor.userId,
      actorName: actor.username,
      action: entry.action,
      target: entry.target,
      before: json(entry.before),
      after: json(entry.after),
    },
  });
}

/** What the audit keeps of a webhook (its secret masked by recordAudit). */
export function auditedWebhook(w: {
  url: string;
  events: string;
  active: boolean;
  secret: string;
  agency?: { code: string } | null;
}) {
  return {
    url: w.url,
    events: JSON.parse(w.events),
    agencyCode: w.agency?.code ?? null,
    active: w.active,
    secret: w.secret,
  };
}

// Reading the audits: the administrative audit (above) and the case events recorded in a period.

export type AuditEntryRow = AdminAuditEntry;

/** Which entries of the administrative audit: one action, China dates from and to (inclusive). */
export interface AuditFilter {
  action?: string;
  from?: string;
  to?: string;
}

/** A China date's first instant (UTC+8, no daylight saving time). */
const chinaMidnight = (d: string) => new Date(`${d}T00:00:00+08:00`);
const dayAfter = (d: string) => new Date(chinaMidnight(d).getTime() + 86_400_000);

function auditWhere(q: AuditFilter): Prisma.AdminAuditEntryWhereInput {
  const at: Prisma.DateTimeFilter = {};
  if (q.from) at.gte = chinaMidnight(q.from);
  if (q.to) at.lt = dayAfter(q.to);
  return { ...(q.action ? { action: q.action } : {}), ...(q.from || q.to ? { at } : {}) };
}

/** A page of the administrative audit, newest first: `limit` entries before the id `cursor`. */
export async function auditPage(
  ctx: EngineContext,
  q: AuditFilter & { limit: number; cursor?: number },
): Promise<{ items: AuditEntryRow[]; nextCursor: number | null }> {
  const rows = await ctx.db.adminAuditEntry.findMany({
    where: { ...auditWhere(q), ...(q.cursor ? { id: { lt: q.cursor } } : {}) },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit ? items[items.length - 1].id : null };
}

/** The administrative audit, oldest first, at most `max` entries. */
export function auditEntries(ctx: EngineContext, q: AuditFilter, max: number): Promise<AuditEntryRow[]> {
  return ctx.db.adminAuditEntry.findMany({ where: auditWhere(q), orderBy: { id: "asc" }, take: max });
}

const auditedCase = {
  caseNumber: true,
  type: true,
  machineVersion: true,
  insurance: true,
  scheme: true,
  toScheme: true,
  employerName: true,
  employerCreditCode: true,
  fromAgency: { select: { code: true } },
  toAgency: { select: { code: true } },
} as const;

/**
 * The case events dated (occurredOn) from `from` to `to`, oldest first, each with its case; of the
 * cases where the agency `agency` is either end, when given (a 422 on query.agency when there is none).
 */
export async function eventsInPeriod(ctx: EngineContext, q: { from: string; to: string; agency?: string }) {
  let agencyFilter = {};
  if (q.agency) {
    // not ./agencies.ts's namedAgency: that module records its changes here
    const a = await ctx.db.agency.findUnique({ where: { code: q.agency } });
    if (!a) throw problems.invalid([{ path: "query.agency", message: `no agency with code ${q.agency}` }]);
    agencyFilter = { case: { OR: [{ fromAgencyId: a.id }, { toAgencyId: a.id }] } };
  }
  return ctx.db.caseEvent.findMany({
    where: { occurredOn: { gte: q.from, lte: q.to }, ...agencyFilter },
    orderBy: { id: "asc" },
    include: { case: { select: auditedCase } },
  });
}

export type AuditedEvent = Awaited<ReturnType<typeof eventsInPeriod>>[number];
