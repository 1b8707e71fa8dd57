// The insured person's check (case number + ID number), for the status lookup and for every answer
// given after it (their documents): the case, or the one 404 that any failure gets.
import { Problem } from "../problems.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { definitionOf, isCaseType } from "../../machines/index.ts";
import type { EngineContext } from "./context.ts";
import { storeFor, type StatusSource } from "./store.ts";
import type { CaseWithAgencies } from "./types.ts";

export interface InsuredLookup {
  caseNumber: string;
  idNumber: string;
}

/**
 * Failed lookups per case number (kept by the caller, e.g. in this node's memory): once a case
 * number is blocked, every lookup of it fails, the right ID number too, with the same answer.
 */
export interface LookupFailures {
  blocked(caseNumber: string): Promise<boolean>;
  failed(caseNumber: string): Promise<void>;
}

const noMatch = () => new Problem(404, "not-found", "Not found", "No case matches this case number and ID number.");

/** The case's status source when the case number and ID number match (and the number is not blocked), else 404. */
export async function lookUpForInsured(
  ctx: EngineContext,
  failures: LookupFailures,
  lookup: InsuredLookup,
): Promise<StatusSource> {
  // One keyed hash of the ID number given, then one statement whose WHERE holds both the
  // case number and that hash (src/engine/store.ts): a wrong ID number and an unknown case
  // number run the same statement, which reads no event for either. A case number with too
  // many failures fails whatever the ID number, with the same answer, after the same work.
  const caseNumber = lookup.caseNumber.toUpperCase();
  const idIndex = dataKeyOf(ctx.db).idIndex(lookup.idNumber);
  const found = await storeFor(ctx.db).loaders.statusByNumber.load({ caseNumber, idIndex });
  const blocked = await failures.blocked(caseNumber);
  if (!found || blocked) {
    await failures.failed(caseNumber);
    throw noMatch();
  }
  return found;
}

/**
 * Whether a status answer needs the case's machine facts: the states its type lists in
 * `view.statusReadsFacts` (machines/<type>.ts; a renewal awaiting payment shows the total due).
 */
export function statusReadsFacts(c: { type: string; machineVersion: number; state: string }): boolean {
  const view = isCaseType(c.type) ? definitionOf(c.type).view : undefined;
  const since = view?.statusReadsFactsSince?.[c.state] ?? 0;
  return (view?.statusReadsFacts?.includes(c.state) ?? false) && c.machineVersion >= since;
}

/**
 * What the status lookup shows: the status source, and the machine's facts (context) only when the
 * answer needs them (statusReadsFacts: its facts are read for it alone).
 */
export async function insuredStatus(
  ctx: EngineContext,
  failures: LookupFailures,
  lookup: InsuredLookup,
): Promise<{ found: StatusSource; context?: Record<string, unknown> }> {
  const found = await lookUpForInsured(ctx, failures, lookup);
  if (!statusReadsFacts(found)) return { found };
  const { snapshot } = await ctx.db.case.findUniqueOrThrow({
    where: { caseNumber: lookup.caseNumber.toUpperCase() },
    select: { snapshot: true },
  });
  return { found, context: (JSON.parse(snapshot) as { context?: Record<string, unknown> }).context };
}

/** The insured person's case with its agencies, after the same check (the same statement, the same 404). */
export async function insuredCase(
  ctx: EngineContext,
  failures: LookupFailures,
  lookup: InsuredLookup,
): Promise<CaseWithAgencies> {
  await lookUpForInsured(ctx, failures, lookup);
  const row = await ctx.db.case.findUnique({
    where: { caseNumber: lookup.caseNumber.toUpperCase() },
    select: { id: true },
  });
  const c = row && (await storeFor(ctx.db).loaders.caseById.load(row.id));
  if (!c) throw noMatch();
  return c;
}
