// What a contribution record says as of a month (src/domain/contributions.ts), worked by hand.
import { describe, expect, it } from "vitest";
import { deriveRecord, monthsBetween, sameFigures, type MonthFigures } from "../../src/domain/contributions.ts";

/** seed 000: a base of 5,600.00 at 10 % is 560.00 a month (here 8 % employer, 2 % individual). */
const paid = (month: string, over: Partial<MonthFigures> = {}): MonthFigures => ({
  month,
  baseFen: 560_000,
  employerFen: 44_800,
  individualFen: 11_200,
  accountCreditFen: 16_800,
  status: "paid",
  payer: "employer",
  employerCreditCode: "91350100MA3K00002E",
  ...over,
});
const months = (from: number, to: number, year = 2025, over: Partial<MonthFigures> = {}) =>
  Array.from({ length: to - from + 1 }, (_, i) => paid(`${year}-${String(from + i).padStart(2, "0")}`, over));

describe("deriveRecord", () => {
  it("counts months paid, back-paid and deemed, the continuity and the gaps between them", () => {
    const rows = [
      ...months(1, 3, 2025, { status: "deemed", employerFen: 0, individualFen: 0, accountCreditFen: 0 }),
      ...months(4, 6),
      // 2025-07 and 2025-08 missing; 2025-09 owed
      paid("2025-09", { status: "arrears" }),
      ...months(10, 12),
      paid("2026-01", { status: "backPaid" }),
    ];
    const r = deriveRecord(rows, null, "2026-01");
    expect(r.contributionMonths).toEqual({ actual: 7, deemed: 3 });
    expect(r.firstMonth).toBe("2025-01");
    expect(r.lastMonth).toBe("2026-01");
    expect(r.continuousMonths).toBe(4); // 2025-10 … 2026-01
    expect(r.gaps).toEqual([{ from: "2025-07", to: "2025-09", months: 3 }]);
    expect(r.arrears).toEqual({ months: [{ month: "2025-09", amountFen: 56_000 }], totalFen: 56_000 });
    // 7 paid months' credits; deemed months credit nothing
    expect(r.accountBalanceFen).toBe(7 * 16_800);
  });

  it("leaves out the months after the date", () => {
    const r = deriveRecord(months(1, 12), null, "2025-06");
    expect(r.contributionMonths.actual).toBe(6);
    expect(r.lastMonth).toBe("2025-06");
    expect(r.accountBalanceFen).toBe(6 * 16_800);
  });

  it("adds the credits after an opening balance to it", () => {
    const r = deriveRecord(months(1, 6), { asOfMonth: "2025-03", balanceBroughtForwardFen: 1_000_000 }, "2025-06");
    expect(r.accountBalanceFen).toBe(1_000_000 + 3 * 16_800);
    // an opening balance of a later month does not count yet
    expect(
      deriveRecord(months(1, 6), { asOfMonth: "2025-09", balanceBroughtForwardFen: 9 }, "2025-06").accountBalanceFen,
    ).toBe(6 * 16_800);
  });

  it("sums the wages paid since 1998 and takes 12 % of them, half up: 1,234,567.89 gives 148,148.15", () => {
    // 1997-12 does not count; the months since 1998 sum to 123,456,789 fen
    const bases = [100_000_000, 23_456_789];
    const rows = [
      paid("1997-12", { baseFen: 50_000_000 }),
      paid("1998-01", { baseFen: bases[0] }),
      paid("1998-02", { baseFen: bases[1] }),
      paid("1998-03", { status: "deemed", baseFen: 1 }),
      paid("1998-04", { status: "arrears", baseFen: 1 }),
    ];
    const r = deriveRecord(rows, null, "2026-12");
    expect(r.contributionWagesSince1998Fen).toBe(123_456_789);
    expect(r.pooledShareFen).toBe(14_814_815);
  });

  it("says nothing without months", () => {
    expect(deriveRecord([], null, "2026-12")).toEqual({
      asOfMonth: "2026-12",
      contributionMonths: { actual: 0, deemed: 0 },
      continuousMonths: 0,
      firstMonth: null,
      lastMonth: null,
      gaps: [],
      arrears: { months: [], totalFen: 0 },
      accountBalanceFen: 0,
      contributionWagesSince1998Fen: 0,
      pooledShareFen: 0,
    });
  });

  it("compares the figures of two rows of a month, and counts the months between two places", () => {
    expect(sameFigures(paid("2025-01"), paid("2025-01"))).toBe(true);
    expect(sameFigures(paid("2025-01"), paid("2025-01", { accountCreditFen: 1 }))).toBe(false);
    expect(sameFigures(paid("2025-01"), paid("2025-01", { employerCreditCode: null }))).toBe(false);
    expect(monthsBetween("2025-06", "2025-07")).toBe(0);
    expect(monthsBetween("2025-06", "2025-11")).toBe(4);
    expect(monthsBetween("2025-06", "2025-06")).toBe(0);
  });
});
