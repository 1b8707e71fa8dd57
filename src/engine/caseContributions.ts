// A case's contributions as its reader may see them (GET /api/cases/{id}/contributions): the
// record of the case's person and insurance at the reader's agency (./contributions.ts).
import { directSqlOf } from "../db/client.ts";
import { deriveRecord, type DerivedRecord } from "../domain/contributions.ts";
import type { Insurance } from "../domain/schemes.ts";
import type { Actor, EngineContext } from "./context.ts";
import { figuresOf, latestOfEachMonth, newestRowsOf, openingBalanceOf, type StoredMonth } from "./contributions.ts";
import { readableCase } from "./readCase.ts";
import type { CaseWithAgencies } from "./types.ts";

/** A case's contributions as the actor may see them (GET /api/cases/{id}/contributions). */
export interface CaseContributions {
  insurance: Insurance;
  asOf: string;
  /** what each record the actor may see says as of today: staff their agency's, administrators both agencies' */
  totals: { agency: string; derived: DerivedRecord }[];
  /** the rows of the staff member's agency (superseded ones too), newest month first; none for administrators */
  items: (StoredMonth & { superseded: boolean; fromAgency: string | null })[];
  nextCursor: string | null;
}

/**
 * The months of the case's person and insurance that the actor's agency holds (with the months
 * that came with the case, which are part of the transfer-in agency's record): staff of the case's
 * agencies only (403 otherwise, as for the case); administrators get the totals of both agencies.
 * `cursor`: the position after which the page starts (rows newest month first).
 */
export async function caseContributions(
  ctx: EngineContext,
  actor: Actor,
  caseId: string,
  page: { cursor?: number; limit: number },
): Promise<CaseContributions> {
  const c = await readableCase(ctx, actor, caseId);
  const insurance = c.insurance as Insurance;
  const asOf = ctx.today();
  const agencies =
    actor.kind === "admin" ? uniqueAgencies(c) : [actor.agencyId === c.fromAgencyId ? c.fromAgency : c.toAgency];
  const sql = directSqlOf(ctx.db);
  const keyAt = (agencyId: number) => ({ agencyId, personKey: c.insuredIdIndex ?? "", insurance });
  // the totals from the records' figures (an index read, docs/performance.md), the page's rows alone in full
  const records = await Promise.all(
    agencies.map(async (a) => {
      const [figures, opening] = await Promise.all([figuresOf(sql, keyAt(a.id)), openingBalanceOf(sql, keyAt(a.id))]);
      return { agency: a, figures, derived: deriveRecord(latestOfEachMonth(figures), opening, asOf.slice(0, 7)) };
    }),
  );
  const totals = records.map((r) => ({ agency: r.agency.code, derived: r.derived }));
  if (actor.kind === "admin") return { insurance, asOf, totals, items: [], nextCursor: null };
  const { agency, figures } = records[0]!;
  const start = page.cursor ?? 0;
  const rows = await newestRowsOf(sql, keyAt(agency.id), start, page.limit);
  const current = new Set(latestOfEachMonth(figures).map((r) => r.id));
  const codes = await agencyCodes(ctx, rows);
  const items = rows.map((r) => ({
    ...r,
    superseded: !current.has(r.id),
    fromAgency: r.fromAgencyId === null ? null : (codes.get(r.fromAgencyId) ?? null),
  }));
  const next = start + page.limit;
  return { insurance, asOf, totals, items, nextCursor: next < figures.length ? String(next) : null };
}

function uniqueAgencies(c: CaseWithAgencies) {
  return c.fromAgency.id === c.toAgency.id ? [c.fromAgency] : [c.fromAgency, c.toAgency];
}

/** The codes of the agencies months came from (a transfer's). */
async function agencyCodes(ctx: EngineContext, rows: readonly StoredMonth[]): Promise<Map<number, string>> {
  const ids = [...new Set(rows.flatMap((r) => (r.fromAgencyId === null ? [] : [r.fromAgencyId])))];
  if (ids.length === 0) return new Map();
  const found = await ctx.db.agency.findMany({ where: { id: { in: ids } }, select: { id: true, code: true } });
  return new Map(found.map((a) => [a.id, a.code]));
}
