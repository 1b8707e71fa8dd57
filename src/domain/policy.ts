/**
 * Regional renewal policies (断缴后续保 / 补缴) and the arrears computation.
 *
 * Contribution base, rate, late fee and back-payment limits differ by region
 * and change over time, so they are data (a RegionalPolicy versioned by
 * effectiveFrom), never constants in code.
 *
 * Arrears conventions (computeArrears):
 * - Policy: the caller chooses one policy and it applies to every missed month
 *   (typically selectPolicy(policies, region, paidOn): back-payments are
 *   commonly assessed at the base in force when they are paid).
 * - Monthly contribution = contributionBaseFen × rateBasisPoints / 10000,
 *   rounded half up to the fen (BigInt, exact).
 * - Due date: by default the LAST DAY of the contribution month. Configurable
 *   with `dueDay` (a day of month, clamped to the month's length, so 31 means
 *   30 Apr / 28-29 Feb) and `dueMonthOffset` (1 = due in the following month,
 *   e.g. "by the 15th of next month").
 * - daysLate = days from the day after the due date up to paidOn inclusive,
 *   i.e. paidOn − dueDate in days, or 0 if paid on or before the due date.
 * - Late fee per month = principal × lateFeePerDayPpm × daysLate / 1 000 000,
 *   rounded half up to the fen, per month (the notice lists each month, so the
 *   total is the sum of the rounded lines). No compounding, no cap.
 * - Flexible employees pay no late fee when the policy has
 *   lateFeeAppliesToFlexible = false.
 * - backPayable = monthsMissed ≤ policy.maxBackPayMonths. When the gap is not
 *   back-payable the months cannot be bought back: the person re-enrols as new
 *   and serves the waiting period. Then principalFen = lateFeeFen = totalFen =
 *   0, perMonth = [] and waitingPeriodMonths = policy.waitingPeriodMonths.
 *   When back-payable, waitingPeriodMonths = 0 (cover is retroactive).
 * - Input checks (DomainError): months are valid YYYY-MM with first ≤ last;
 *   paidOn is a valid date not before the first day of firstMissedMonth; the
 *   policy passes regionalPolicySchema.
 */
import { z } from "zod";
import { DomainError } from "./errors.ts";
import { dayNumber, daysInMonth, isIsoDate, monthFromIndex, monthIndex } from "./dateMath.ts";
import { mulRate, sumFen, type Fen } from "./money.ts";
import { INSURANCES, type Insurance } from "./schemes.ts";

export interface RegionalPolicy {
  region: string;
  /** the insurance the policy is for (a pension renewal is assessed only with a pension policy); absent: medical */
  insurance?: Insurance;
  effectiveFrom: string;
  contributionBaseFen: number;
  rateBasisPoints: number;
  lateFeePerDayPpm: number;
  lateFeeAppliesToFlexible: boolean;
  maxBackPayMonths: number;
  waitingPeriodMonths: number;
  /** rate for flexible employees (灵活就业人员), basis points; absent: rateBasisPoints */
  flexibleRateBasisPoints?: number | null;
  /** last year's average wage (上年度社会平均工资), fen a month; with the two percentages it bounds the base */
  averageWageFen?: number | null;
  /** lowest base as a percentage of averageWageFen (seed 000: 70) */
  baseFloorPercent?: number | null;
  /** highest base as a percentage of averageWageFen (commonly 300) */
  baseCeilingPercent?: number | null;
  /** reimbursement ratio by continuous months (seed 002: 60 % after a break, 90 % after 36 months) */
  reimbursementRatios?: ReimbursementTier[] | null;
}

/** From `minContinuousMonths` continuous months on, the ratio is `ratioPercent`. */
export interface ReimbursementTier {
  minContinuousMonths: number;
  ratioPercent: number;
}

const int = () => z.number().int();

export const regionalPolicySchema = z
  .object({
    // A 6-digit GB/T 2260 code (350100 Fuzhou) or a 2-digit province code (35).
    region: z.string().regex(/^\d{2}(\d{4})?$/, { error: "region must be a 2- or 6-digit administrative code" }),
    // the policies from before insurances were named are medical, and so is a policy that names none
    insurance: z
      .enum(INSURANCES)
      .optional()
      .meta({ description: "the insurance the policy is for; absent: medical (as before insurances were named)" }),
    effectiveFrom: z.string().refine(isIsoDate, { error: "effectiveFrom must be a valid YYYY-MM-DD date" }),
    // ≤ 10 million yuan a month: far above any real base, low enough that base × rate × months stays safe.
    contributionBaseFen: int().min(1).max(1_000_000_000),
    rateBasisPoints: int().min(1).max(10_000),
    // Statutory rate is 500 ppm (0.05 %) per day; 1 % per day would already be absurd.
    lateFeePerDayPpm: int().min(0).max(10_000),
    lateFeeAppliesToFlexible: z.boolean(),
    maxBackPayMonths: int().min(0).max(120),
    waitingPeriodMonths: int().min(0).max(6),
    flexibleRateBasisPoints: int().min(1).max(10_000).nullish(),
    averageWageFen: int().min(1).max(1_000_000_000).nullish(),
    baseFloorPercent: int().min(1).max(1_000).nullish(),
    baseCeilingPercent: int().min(1).max(1_000).nullish(),
    reimbursementRatios: z
      .array(z.object({ minContinuousMonths: int().min(0).max(1200), ratioPercent: int().min(0).max(100) }).strict())
      .max(20)
      .nullish()
      .refine((t) => !t || new Set(t.map((x) => x.minContinuousMonths)).size === t.length, {
        error: "reimbursementRatios must not repeat minContinuousMonths",
      }),
  })
  .strict()
  .refine((p) => (p.baseFloorPercent == null && p.baseCeilingPercent == null) || p.averageWageFen != null, {
    error: "baseFloorPercent and baseCeilingPercent need averageWageFen",
    path: ["averageWageFen"],
  })
  .refine(
    (p) => p.baseFloorPercent == null || p.baseCeilingPercent == null || p.baseFloorPercent <= p.baseCeilingPercent,
    {
      error: "baseFloorPercent must not exceed baseCeilingPercent",
      path: ["baseCeilingPercent"],
    },
  ) satisfies z.ZodType<RegionalPolicy>;

function parsePolicy(policy: RegionalPolicy): RegionalPolicy {
  const r = regionalPolicySchema.safeParse(policy);
  if (!r.success) {
    throw new DomainError(
      "invalid_policy",
      `invalid regional policy: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return r.data;
}

/**
 * The policy of exactly this region and insurance (default medical; a policy naming none is
 * medical) with the latest effectiveFrom ≤ onDate (a policy effective on onDate applies that day).
 * No fallback from a city to its province, nor from one insurance to another: which one governs is
 * a configuration decision, not a guess. Two versions with the same region, insurance and
 * effectiveFrom are a configuration error and throw DomainError("ambiguous_policy") when selected.
 */
export function selectPolicy(
  policies: readonly RegionalPolicy[],
  region: string,
  onDate: string,
  insurance: Insurance = "medical",
): RegionalPolicy | undefined {
  if (!isIsoDate(onDate))
    throw new DomainError("invalid_date", `not a valid YYYY-MM-DD date: ${JSON.stringify(onDate)}`);
  let best: RegionalPolicy | undefined;
  let tie = false;
  for (const p of policies) {
    // ISO dates compare correctly as strings.
    if (p.region !== region || (p.insurance ?? "medical") !== insurance || p.effectiveFrom > onDate) continue;
    if (best === undefined || p.effectiveFrom > best.effectiveFrom) {
      best = p;
      tie = false;
    } else if (p.effectiveFrom === best.effectiveFrom) {
      tie = true;
    }
  }
  if (tie) {
    throw new DomainError(
      "ambiguous_policy",
      `several policies for region ${region} (${insurance}) effective ${best!.effectiveFrom}`,
    );
  }
  return best;
}

export interface ArrearsInput {
  policy: RegionalPolicy;
  firstMissedMonth: string; // YYYY-MM
  lastMissedMonth: string; // YYYY-MM
  paidOn: string; // YYYY-MM-DD, China date
  flexibleEmployee: boolean;
  /**
   * The person's declared monthly base (fen). Clamped to the policy's floor and ceiling when it
   * has averageWageFen; absent: the policy's contributionBaseFen (itself clamped the same way).
   */
  declaredBaseFen?: number;
  /** Day of month the contribution is due; default "endOfMonth". Clamped to the month's length. */
  dueDay?: number | "endOfMonth";
  /** 0 = due in the contribution month (default), 1 = due in the following month. */
  dueMonthOffset?: 0 | 1;
}

export interface ArrearsMonth {
  month: string;
  /** the base the month is charged on (after clamping) */
  baseFen: Fen;
  principalFen: Fen;
  dueDate: string;
  daysLate: number;
  lateFeeFen: Fen;
}

export interface ArrearsResult {
  monthsMissed: number;
  principalFen: Fen;
  lateFeeFen: Fen;
  totalFen: Fen;
  backPayable: boolean;
  waitingPeriodMonths: number;
  perMonth: ArrearsMonth[];
}

/** The base's floor and ceiling in fen (half up), or null without averageWageFen / the percentage. */
export function baseBounds(policy: RegionalPolicy): { floorFen: Fen | null; ceilingFen: Fen | null } {
  const avg = policy.averageWageFen;
  const pct = (p: number | null | undefined) => (avg == null || p == null ? null : mulRate(avg, p, 100, "halfUp"));
  return { floorFen: pct(policy.baseFloorPercent), ceilingFen: pct(policy.baseCeilingPercent) };
}

/**
 * The monthly base charged: the declared base (default: the policy's contributionBaseFen) clamped
 * into [floor, ceiling]. Seed 000: average wage 8,000.00 × 70 % = 5,600.00 minimum base.
 */
export function contributionBase(policy: RegionalPolicy, declaredBaseFen?: number): Fen {
  if (declaredBaseFen !== undefined && !(Number.isSafeInteger(declaredBaseFen) && declaredBaseFen >= 0)) {
    throw new DomainError("invalid_amount", `declaredBaseFen must be a whole number of fen, got ${declaredBaseFen}`);
  }
  let base = declaredBaseFen ?? policy.contributionBaseFen;
  const { floorFen, ceilingFen } = baseBounds(policy);
  if (floorFen !== null && base < floorFen) base = floorFen;
  if (ceilingFen !== null && base > ceilingFen) base = ceilingFen;
  return base;
}

/** The ratio of the highest tier reached by `continuousMonths`, or null when the policy lists none. */
export function reimbursementRatio(policy: RegionalPolicy, continuousMonths: number): number | null {
  const tiers = [...(policy.reimbursementRatios ?? [])].sort((a, b) => a.minContinuousMonths - b.minContinuousMonths);
  let ratio: number | null = null;
  for (const t of tiers) if (continuousMonths >= t.minContinuousMonths) ratio = t.ratioPercent;
  return ratio;
}

export function computeArrears(input: ArrearsInput): ArrearsResult {
  const policy = parsePolicy(input.policy);
  const first = monthIndex(input.firstMissedMonth);
  const last = monthIndex(input.lastMissedMonth);
  if (first > last) {
    throw new DomainError(
      "invalid_month_range",
      `firstMissedMonth ${input.firstMissedMonth} is after lastMissedMonth ${input.lastMissedMonth}`,
    );
  }
  const paid = dayNumber(input.paidOn);
  const firstDay = monthFromIndex(first);
  if (paid < dayNumber(`${firstDay.text}-01`)) {
    throw new DomainError(
      "paid_before_gap",
      `paidOn ${input.paidOn} is before the first missed month ${input.firstMissedMonth}`,
    );
  }
  const dueDay = input.dueDay ?? "endOfMonth";
  if (dueDay !== "endOfMonth" && !(Number.isInteger(dueDay) && dueDay >= 1 && dueDay <= 31)) {
    throw new DomainError("invalid_argument", `dueDay must be 1..31 or "endOfMonth", got ${String(dueDay)}`);
  }
  const offset = input.dueMonthOffset ?? 0;
  if (offset !== 0 && offset !== 1) {
    throw new DomainError("invalid_argument", `dueMonthOffset must be 0 or 1, got ${String(offset)}`);
  }

  const monthsMissed = last - first + 1;
  const backPayable = monthsMissed <= policy.maxBackPayMonths;
  if (!backPayable) {
    return {
      monthsMissed,
      principalFen: 0,
      lateFeeFen: 0,
      totalFen: 0,
      backPayable,
      waitingPeriodMonths: policy.waitingPeriodMonths,
      perMonth: [],
    };
  }

  const baseFen = contributionBase(policy, input.declaredBaseFen);
  const rate =
    input.flexibleEmployee && policy.flexibleRateBasisPoints != null
      ? policy.flexibleRateBasisPoints
      : policy.rateBasisPoints;
  const monthly = mulRate(baseFen, rate, 10_000, "halfUp");
  const chargeLateFee = !input.flexibleEmployee || policy.lateFeeAppliesToFlexible;
  const perMonth: ArrearsMonth[] = [];
  for (let i = first; i <= last; i++) {
    const due = monthFromIndex(i + offset);
    const dim = daysInMonth(due.year, due.month);
    const day = dueDay === "endOfMonth" ? dim : Math.min(dueDay, dim);
    const dueDate = `${due.text}-${String(day).padStart(2, "0")}`;
    const daysLate = Math.max(0, paid - dayNumber(dueDate));
    const lateFeeFen = chargeLateFee
      ? mulRate(monthly, BigInt(policy.lateFeePerDayPpm) * BigInt(daysLate), 1_000_000, "halfUp")
      : 0;
    perMonth.push({ month: monthFromIndex(i).text, baseFen, principalFen: monthly, dueDate, daysLate, lateFeeFen });
  }
  const principalFen = sumFen(...perMonth.map((m) => m.principalFen));
  const lateFeeFen = sumFen(...perMonth.map((m) => m.lateFeeFen));
  return {
    monthsMissed,
    principalFen,
    lateFeeFen,
    totalFen: sumFen(principalFen, lateFeeFen),
    backPayable,
    waitingPeriodMonths: 0,
    perMonth,
  };
}
