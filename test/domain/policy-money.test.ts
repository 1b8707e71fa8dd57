// Worked examples of the policy values issue 16 added: the base clamped to the average wage's floor
// and ceiling, the flexible employees' rate, the reimbursement ratio by continuous months.
import { describe, expect, it } from "vitest";
import {
  baseBounds,
  computeArrears,
  contributionBase,
  regionalPolicySchema,
  reimbursementRatio,
  type RegionalPolicy,
} from "../../src/domain/policy.ts";

/** Seed 000: 70 % of last year's average wage (8,000.00) is the minimum base; the rate is 10 %. */
const seed000: RegionalPolicy = {
  region: "350100",
  effectiveFrom: "2026-01-01",
  contributionBaseFen: 500_000,
  rateBasisPoints: 1000,
  lateFeePerDayPpm: 500,
  lateFeeAppliesToFlexible: false,
  maxBackPayMonths: 3,
  waitingPeriodMonths: 6,
  flexibleRateBasisPoints: 800,
  averageWageFen: 800_000,
  baseFloorPercent: 70,
  baseCeilingPercent: 300,
  reimbursementRatios: [
    { minContinuousMonths: 36, ratioPercent: 90 },
    { minContinuousMonths: 0, ratioPercent: 60 },
  ],
};

describe("policy money", () => {
  it("seed 000: 8,000.00 × 70 % = 5,600.00 minimum base, × 10 % = 560.00 a month", () => {
    expect(baseBounds(seed000)).toEqual({ floorFen: 560_000, ceilingFen: 2_400_000 });
    expect(contributionBase(seed000)).toBe(560_000);
    const r = computeArrears({
      policy: seed000,
      firstMissedMonth: "2026-10",
      lastMissedMonth: "2026-10",
      paidOn: "2026-10-31",
      flexibleEmployee: false,
    });
    expect(r).toMatchObject({ principalFen: 56_000, lateFeeFen: 0, totalFen: 56_000 });
    expect(Number.isInteger(r.totalFen)).toBe(true);
  });

  it("a declared base is clamped into [floor, ceiling]; without an average wage it is used as declared", () => {
    expect(contributionBase(seed000, 100)).toBe(560_000);
    expect(contributionBase(seed000, 700_001)).toBe(700_001);
    expect(contributionBase(seed000, 9_999_999)).toBe(2_400_000);
    const plain: RegionalPolicy = {
      ...seed000,
      averageWageFen: null,
      baseFloorPercent: null,
      baseCeilingPercent: null,
    };
    expect(contributionBase(plain, 100)).toBe(100);
    expect(contributionBase(plain)).toBe(500_000);
    // half up: 333,333 × 70 % = 233,333.1 → 233,333; × 60 % = 199,999.8 → 200,000
    expect(baseBounds({ ...seed000, averageWageFen: 333_333, baseFloorPercent: 60 }).floorFen).toBe(200_000);
  });

  it("flexible employees pay their own rate and no late fee where the policy waives it", () => {
    const r = computeArrears({
      policy: seed000,
      firstMissedMonth: "2026-10",
      lastMissedMonth: "2026-11",
      paidOn: "2026-12-31",
      flexibleEmployee: true,
    });
    // 5,600.00 × 8 % = 448.00 a month
    expect(r).toMatchObject({ principalFen: 89_600, lateFeeFen: 0, totalFen: 89_600 });
    const employer = computeArrears({
      policy: seed000,
      firstMissedMonth: "2026-10",
      lastMissedMonth: "2026-10",
      paidOn: "2026-11-30",
      flexibleEmployee: false,
    });
    // 560.00 × 0.05 % × 30 days = 8.40
    expect(employer).toMatchObject({ principalFen: 56_000, lateFeeFen: 840 });
    expect(employer.perMonth[0]).toMatchObject({ baseFen: 560_000, daysLate: 30 });
  });

  it("seed 002: 90 % after 36 continuous months, 60 % after a break", () => {
    expect(reimbursementRatio(seed000, 0)).toBe(60);
    expect(reimbursementRatio(seed000, 35)).toBe(60);
    expect(reimbursementRatio(seed000, 36)).toBe(90);
    expect(reimbursementRatio({ ...seed000, reimbursementRatios: null }, 40)).toBeNull();
  });

  it("the schema accepts the old fields alone and checks the new ones", () => {
    const {
      flexibleRateBasisPoints: _a,
      averageWageFen: _b,
      baseFloorPercent: _c,
      baseCeilingPercent: _d,
      reimbursementRatios: _e,
      ...old
    } = seed000;
    expect(regionalPolicySchema.safeParse(old).success).toBe(true);
    expect(regionalPolicySchema.safeParse(seed000).success).toBe(true);
    for (const bad of [
      { averageWageFen: null },
      { baseFloorPercent: 400 },
      { flexibleRateBasisPoints: 0 },
      { reimbursementRatios: [{ minContinuousMonths: 0, ratioPercent: 101 }] },
      {
        reimbursementRatios: [
          { minContinuousMonths: 0, ratioPercent: 60 },
          { minContinuousMonths: 0, ratioPercent: 90 },
        ],
      },
    ]) {
      expect(regionalPolicySchema.safeParse({ ...seed000, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
