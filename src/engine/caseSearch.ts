// The case list as a request asks for it: an agency by its code, an assignee by username, "due
// soon" counted from today; resolved here, then listed by ./caseList.ts.
import { agencyByCode } from "./agencies.ts";
import { assigneeFilter } from "./assignment.ts";
import type { CaseListQuery } from "./caseList.ts";
import { listCases } from "./caseList.ts";
import type { Actor, EngineContext } from "./context.ts";
import type { CaseWithAgencies } from "./types.ts";

export interface CaseSearch extends Omit<CaseListQuery, "agencyId" | "assignedTo"> {
  /** an agency code: the cases where it is either end (none when there is no such agency) */
  agency?: string;
  /** me, none or a clerk's username (./assignment.ts assigneeFilter) */
  assignedTo?: string;
}

export interface CaseSearchPage {
  items: CaseWithAgencies[];
  nextCursor: string | null;
  /** the last China date counted as due soon (for each item's dueSoon) */
  dueSoonCutoff: string;
}

/** A page of the cases the actor may see that match; `dueSoonWorkingDays` is what "due soon" means. */
export async function searchCases(
  ctx: EngineContext,
  actor: Actor,
  search: CaseSearch,
  dueSoonWorkingDays: number,
): Promise<CaseSearchPage> {
  // an empty page has no due dates to compare: its cutoff is never read
  const none = { items: [], nextCursor: null, dueSoonCutoff: "" };
  let agencyId: number | undefined;
  if (search.agency) {
    const a = await agencyByCode(ctx, search.agency);
    if (!a) return none;
    agencyId = a.id;
  }
  const assignedTo = await assigneeFilter(ctx, actor, search.assignedTo);
  if (assignedTo === "nobody") return none;
  const today = ctx.today();
  const dueSoonCutoff = ctx.calendar.addWorkingDays(today, dueSoonWorkingDays).value;
  const { items, nextCursor } = await listCases(ctx, actor, { ...search, agencyId, assignedTo }, today, dueSoonCutoff);
  return { items, nextCursor, dueSoonCutoff };
}
