// Regional policies as stored (RegionalPolicy rows) and as the domain computes with them.
import type { RegionalPolicy as PolicyRow } from "../generated/prisma/client.ts";
import { selectPolicy, type RegionalPolicy, type ReimbursementTier } from "../domain/policy.ts";
import { problems } from "../problems.ts";
import { recordAudit } from "./audit.ts";
import type { Actor, EngineContext } from "./context.ts";

export type { PolicyRow };

function parseTiers(json: string | null): ReimbursementTier[] | null {
  if (json === null) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v as ReimbursementTier[]) : null;
  } catch {
    return null;
  }
}

/** A stored row as the domain's RegionalPolicy (the optional fields null when not set). */
export function policyOfRow(row: PolicyRow): RegionalPolicy {
  return {
    region: row.region,
    effectiveFrom: row.effectiveFrom,
    contributionBaseFen: row.contributionBaseFen,
    rateBasisPoints: row.rateBasisPoints,
    lateFeePerDayPpm: row.lateFeePerDayPpm,
    lateFeeAppliesToFlexible: row.lateFeeAppliesToFlexible,
    maxBackPayMonths: row.maxBackPayMonths,
    waitingPeriodMonths: row.waitingPeriodMonths,
    flexibleRateBasisPoints: row.flexibleRateBasisPoints,
    averageWageFen: row.averageWageFen,
    baseFloorPercent: row.baseFloorPercent,
    baseCeilingPercent: row.baseCeilingPercent,
    reimbursementRatios: parseTiers(row.reimbursementRatios),
  };
}

/** The columns to store for a validated policy (the tiers as JSON text). */
export function rowOfPolicy(p: RegionalPolicy) {
  return {
    ...p,
    flexibleRateBasisPoints: p.flexibleRateBasisPoints ?? null,
    averageWageFen: p.averageWageFen ?? null,
    baseFloorPercent: p.baseFloorPercent ?? null,
    baseCeilingPercent: p.baseCeilingPercent ?? null,
    reimbursementRatios: p.reimbursementRatios ? JSON.stringify(p.reimbursementRatios) : null,
  };
}

/** The policy of exactly `region` in force on `onDate` (domain selectPolicy), or undefined. */
export async function policyInForce(
  ctx: EngineContext,
  region: string,
  onDate: string,
): Promise<RegionalPolicy | undefined> {
  // the two latest candidates are enough for selectPolicy to see a tie
  const rows = await ctx.db.regionalPolicy.findMany({
    where: { region, effectiveFrom: { lte: onDate } },
    orderBy: { effectiveFrom: "desc" },
    take: 2,
  });
  return selectPolicy(rows.map(policyOfRow), region, onDate);
}

/** Adds a policy version (effective from a date); 409 when the region has one from that date already. */
export async function addPolicy(ctx: EngineContext, actor: Actor, policy: RegionalPolicy): Promise<PolicyRow> {
  const exists = await ctx.db.regionalPolicy.findUnique({
    where: { region_effectiveFrom: { region: policy.region, effectiveFrom: policy.effectiveFrom } },
  });
  if (exists)
    throw problems.conflict(
      `A policy for region ${policy.region} effective ${policy.effectiveFrom} already exists; add a new version with a later date.`,
    );
  return ctx.db.$transaction(async (tx) => {
    const created = await tx.regionalPolicy.create({ data: rowOfPolicy(policy) });
    await recordAudit(tx, actor, {
      action: "policy.added",
      target: `policy:${created.region}@${created.effectiveFrom}`,
      after: created,
    });
    return created;
  });
}

/** Every policy version (of one region when given), by region and date. */
export function listPolicies(ctx: EngineContext, region?: string): Promise<PolicyRow[]> {
  return ctx.db.regionalPolicy.findMany({
    where: region ? { region } : {},
    orderBy: [{ region: "asc" }, { effectiveFrom: "asc" }],
  });
}
