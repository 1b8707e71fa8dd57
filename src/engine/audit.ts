// The administrative audit: append-only rows (AdminAuditEntry), one per administrative change,
// written inside the transaction that makes the change, so a change is never without its entry
// and an entry never without its change. Rows are only ever inserted: no code updates or deletes them.
import type { Prisma } from "../generated/prisma/client.ts";
import type { Actor } from "./context.ts";

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
