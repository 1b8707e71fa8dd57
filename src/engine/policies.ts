// Regional policies as stored (RegionalPolicy rows) and as the domain computes with them.
import type { RegionalPolicy as PolicyRow } from "../generated/prisma/client.ts";
import { selectPolicy, type RegionalPolicy, type ReimbursementTier } from "../domain/policy.ts";
import type { Insurance } from "../domain/schemes.ts";
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
    insurance: row.insurance as Insurance,
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
    insurance: p.insurance ?? "medical",
    flexibleRateBasisPoints: p.flexibleRateBasisPoints ?? null,
    averageWageFen: p.averageWageFen ?? null,
    baseFloorPercent: p.baseFloorPercent ?? null,
    baseCeilingPercent: p.baseCeilingPercent ?? null,
    reimbursementRatios: p.reimbursementRatios ? JSON.stringify(p.reimbursementRatios) : null,
  };
}

/**
 * The policy of exactly `region` and `insurance` in force on `onDate` (domain selectPolicy), or
 * undefined: a pension renewal is assessed only with a pension policy, never with a medical one.
 */
export async function policyInForce(
  ctx: EngineContext,
  region: string,
  onDate: string,
  insurance: Insurance = "medical",
): Promise<RegionalPolicy | undefined> {
  // the two latest candidates are enough for selectPolicy to see a tie
  const rows = await ctx.db.regionalPolicy.findMany({
    where: { region, insurance, effectiveFrom: { lte: onDate } },
    orderBy: { effectiveFrom: "desc" },
    take: 2,
  });
  return selectPolicy(rows.map(policyOfRow), region, onDate, insurance);
}

/**
 * Adds a policy version (effective from a date) of one insurance (medical when it names none);
 * 409 when the region has one of that insurance from that date already.
 */
export async function addPolicy(ctx: EngineContext, actor: Actor, policy: RegionalPolicy): Promise<PolicyRow> {
  const insurance = policy.insurance ?? "medical";
  const exists = await ctx.db.regionalPolicy.findUnique({
    where: {
      region_insurance_effectiveFrom: { region: policy.region, insurance, effectiveFrom: policy.effectiveFrom },
    },
  });
  if (exists)
    throw problems.conflict(
      `A ${insurance} policy for region ${policy.region} effective ${policy.effectiveFrom} already exists; add a new version with a later date.`,
    );
  return ctx.db.$transaction(async (tx) => {
    const created = await tx.regionalPolicy.create({ data: rowOfPolicy(policy) });
    await recordAudit(tx, actor, {
      action: "policy.added",
      target: `policy:${created.region}@${created.effectiveFrom}${insurance === "medical" ? "" : `:${insurance}`}`,
      after: created,
    });
    return created;
  });
}

/** Every policy version (of one region, of one insurance, when given), by region, insurance and date. */
export function listPolicies(
  ctx: EngineContext,
  filter: { region?: string; insurance?: Insurance } = {},
): Promise<PolicyRow[]> {
  return ctx.db.regionalPolicy.findMany({
    where: {
      ...(filter.region ? { region: filter.region } : {}),
      ...(filter.insurance ? { insurance: filter.insurance } : {}),
    },
    orderBy: [{ region: "asc" }, { insurance: "asc" }, { effectiveFrom: "asc" }],
  });
}
