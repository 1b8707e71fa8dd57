import { afterEach, describe, expect, it } from "vitest";
import { computeArrears, regionalPolicySchema, selectPolicy, type RegionalPolicy } from "../../src/domain/policy.ts";
import { DomainError } from "../../src/domain/errors.ts";

const fuzhou2024: RegionalPolicy = {
  region: "350100",
  effectiveFrom: "2024-01-01",
  contributionBaseFen: 500_000, // 5,000.00 yuan
  rateBasisPoints: 1000, // 10 %
  lateFeePerDayPpm: 500, // 0.05 % per day
  lateFeeAppliesToFlexible: false,
  maxBackPayMonths: 3,
  waitingPeriodMonths: 6,
};
const fuzhou2025: RegionalPolicy = { ...fuzhou2024, effectiveFrom: "2025-07-01", contributionBaseFen: 456_789 };
const xiamen2025: RegionalPolicy = { ...fuzhou2024, region: "350200", effectiveFrom: "2025-01-01" };
const policies = [fuzhou2025, xiamen2025, fuzhou2024];

describe("regionalPolicySchema", () => {
  it("accepts a sane policy and rejects out-of-bounds or unknown fields", () => {
    expect(regionalPolicySchema.parse(fuzhou2024)).toEqual(fuzhou2024);
    expect(regionalPolicySchema.safeParse({ ...fuzhou2024, region: "35" }).success).toBe(true);
    const bad: Array<Record<string, unknown>> = [
      { rateBasisPoints: 10_001 },
      { rateBasisPoints: 10.5 },
      { waitingPeriodMonths: 7 },
      { maxBackPayMonths: 121 },
      { maxBackPayMonths: -1 },
      { contributionBaseFen: 0 },
      { contributionBaseFen: 1.5 },
      { effectiveFrom: "2025-02-30" },
      { effectiveFrom: "2025-2-1" },
      { region: "Fuzhou" },
      { lateFeePerDayPpm: -1 },
      { extra: true },
    ];
    for (const patch of bad) {
      expect(regionalPolicySchema.safeParse({ ...fuzhou2024, ...patch }).success, JSON.stringify(patch)).toBe(false);
    }
  });
});

describe("selectPolicy", () => {
  it("picks the latest version effective on the date, boundary day inclusive", () => {
    expect(selectPolicy(policies, "350100", "2025-06-30")).toBe(fuzhou2024);
    expect(selectPolicy(policies, "350100", "2025-07-01")).toBe(fuzhou2025);
    expect(selectPolicy(policies, "350100", "2030-01-01")).toBe(fuzhou2025);
    expect(selectPolicy(policies, "350100", "2024-01-01")).toBe(fuzhou2024);
  });

  it("returns undefined before the first version or for another region", () => {
    expect(selectPolicy(policies, "350100", "2023-12-31")).toBeUndefined();
    expect(selectPolicy(policies, "350200", "2024-12-31")).toBeUndefined();
    expect(selectPolicy(policies, "35", "2025-01-01")).toBeUndefined(); // no city→province fallback
    expect(selectPolicy([], "350100", "2025-01-01")).toBeUndefined();
  });

  it("rejects a bad date and ambiguous versions", () => {
    expect(() => selectPolicy(policies, "350100", "2025-13-01")).toThrow(DomainError);
    expect(() => selectPolicy([fuzhou2024, { ...fuzhou2024 }], "350100", "2025-01-01")).toThrow(/several policies/);
  });
});

describe("computeArrears", () => {
  it("3-month gap with late fees (leap year)", () => {
    // monthly = 500000 × 1000 / 10000 = 50000 fen (500.00 yuan)
    // due 2024-01-31, 2024-02-29, 2024-03-31; paid 2024-06-10
    //   Jan: 29 (Feb) + 31 + 30 + 31 + 10 = 131 days → 50000 × 500 × 131 / 1e6 = 3275
    //   Feb: 31 + 30 + 31 + 10 = 102 days          → 2550
    //   Mar: 30 + 31 + 10 = 71 days                → 1775
    // principal 150000, late 7600, total 157600
    const r = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2024-01",
      lastMissedMonth: "2024-03",
      paidOn: "2024-06-10",
      flexibleEmployee: false,
    });
    expect(r).toEqual({
      monthsMissed: 3,
      principalFen: 150_000,
      lateFeeFen: 7_600,
      totalFen: 157_600,
      backPayable: true,
      waitingPeriodMonths: 0,
      perMonth: [
        {
          month: "2024-01",
          baseFen: 500_000,
          principalFen: 50_000,
          dueDate: "2024-01-31",
          daysLate: 131,
          lateFeeFen: 3275,
        },
        {
          month: "2024-02",
          baseFen: 500_000,
          principalFen: 50_000,
          dueDate: "2024-02-29",
          daysLate: 102,
          lateFeeFen: 2550,
        },
        {
          month: "2024-03",
          baseFen: 500_000,
          principalFen: 50_000,
          dueDate: "2024-03-31",
          daysLate: 71,
          lateFeeFen: 1775,
        },
      ],
    });
  });

  it("3-month gap with rounding half up at every step", () => {
    // monthly = 456789 × 1000 / 10000 = 45678.9 → 45679
    // due 01-31, 02-28, 03-31; paid 2025-04-15
    //   Jan: 28 + 31 + 15 = 74 days → 45679 × 500 × 74 / 1e6 = 1690.123  → 1690
    //   Feb: 31 + 15 = 46 days      → 45679 × 0.023       = 1050.617  → 1051
    //   Mar: 15 days                → 45679 × 0.0075      = 342.5925  → 343
    // principal 3 × 45679 = 137037, late 3084, total 140121
    const r = computeArrears({
      policy: fuzhou2025,
      firstMissedMonth: "2025-01",
      lastMissedMonth: "2025-03",
      paidOn: "2025-04-15",
      flexibleEmployee: false,
    });
    expect(r.perMonth.map((m) => [m.daysLate, m.lateFeeFen])).toEqual([
      [74, 1690],
      [46, 1051],
      [15, 343],
    ]);
    expect([r.principalFen, r.lateFeeFen, r.totalFen]).toEqual([137_037, 3_084, 140_121]);
  });

  it("no late fee when paid by the due date (paid on the due day itself)", () => {
    // March is due 2025-03-31; paying that very day is not late
    const r = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2025-03",
      lastMissedMonth: "2025-03",
      paidOn: "2025-03-31",
      flexibleEmployee: false,
    });
    expect(r.perMonth[0]).toEqual({
      month: "2025-03",
      baseFen: 500_000,
      principalFen: 50_000,
      dueDate: "2025-03-31",
      daysLate: 0,
      lateFeeFen: 0,
    });
    expect(r.totalFen).toBe(50_000);
    const early = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2025-03",
      lastMissedMonth: "2025-03",
      paidOn: "2025-03-01",
      flexibleEmployee: false,
    });
    expect(early.lateFeeFen).toBe(0);
    const nextDay = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2025-03",
      lastMissedMonth: "2025-03",
      paidOn: "2025-04-01",
      flexibleEmployee: false,
    });
    expect(nextDay.perMonth[0]!.daysLate).toBe(1); // 50000 × 500 × 1 / 1e6 = 25
    expect(nextDay.lateFeeFen).toBe(25);
  });

  it("waives the late fee for flexible employees when the policy says so", () => {
    const r = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2024-01",
      lastMissedMonth: "2024-03",
      paidOn: "2024-06-10",
      flexibleEmployee: true,
    });
    expect([r.principalFen, r.lateFeeFen, r.totalFen]).toEqual([150_000, 0, 150_000]);
    expect(r.perMonth.map((m) => m.daysLate)).toEqual([131, 102, 71]); // still reported
    expect(r.perMonth.every((m) => m.lateFeeFen === 0)).toBe(true);
    const charged = computeArrears({
      policy: { ...fuzhou2024, lateFeeAppliesToFlexible: true },
      firstMissedMonth: "2024-01",
      lastMissedMonth: "2024-03",
      paidOn: "2024-06-10",
      flexibleEmployee: true,
    });
    expect(charged.lateFeeFen).toBe(7_600);
  });

  it("a gap above maxBackPayMonths is not back-payable and carries the waiting period", () => {
    const r = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2024-01",
      lastMissedMonth: "2024-04",
      paidOn: "2024-06-10",
      flexibleEmployee: false,
    });
    expect(r).toEqual({
      monthsMissed: 4,
      principalFen: 0,
      lateFeeFen: 0,
      totalFen: 0,
      backPayable: false,
      waitingPeriodMonths: 6,
      perMonth: [],
    });
    // across a year end: 2024-11 .. 2025-02 = 4 months
    expect(
      computeArrears({
        policy: fuzhou2024,
        firstMissedMonth: "2024-11",
        lastMissedMonth: "2025-02",
        paidOn: "2025-03-01",
        flexibleEmployee: true,
      }).monthsMissed,
    ).toBe(4);
    // maxBackPayMonths 0: nothing can be back-paid
    expect(
      computeArrears({
        policy: { ...fuzhou2024, maxBackPayMonths: 0 },
        firstMissedMonth: "2024-01",
        lastMissedMonth: "2024-01",
        paidOn: "2024-02-01",
        flexibleEmployee: false,
      }).backPayable,
    ).toBe(false);
  });

  it("due day is configurable (clamped to month length, optional next-month offset)", () => {
    const day31 = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2025-02",
      lastMissedMonth: "2025-04",
      paidOn: "2025-05-01",
      flexibleEmployee: false,
      dueDay: 31,
    });
    expect(day31.perMonth.map((m) => m.dueDate)).toEqual(["2025-02-28", "2025-03-31", "2025-04-30"]);
    const nextMonth15 = computeArrears({
      policy: fuzhou2024,
      firstMissedMonth: "2024-11",
      lastMissedMonth: "2024-12",
      paidOn: "2025-01-20",
      flexibleEmployee: false,
      dueDay: 15,
      dueMonthOffset: 1,
    });
    // Nov due 2024-12-15 → 36 days → 50000 × 500 × 36 / 1e6 = 900; Dec due 2025-01-15 → 5 days → 125
    expect(nextMonth15.perMonth.map((m) => [m.dueDate, m.daysLate, m.lateFeeFen])).toEqual([
      ["2024-12-15", 36, 900],
      ["2025-01-15", 5, 125],
    ]);
  });

  it("rejects bad input with DomainError", () => {
    const base = {
      policy: fuzhou2024,
      firstMissedMonth: "2024-01",
      lastMissedMonth: "2024-03",
      paidOn: "2024-06-10",
      flexibleEmployee: false,
    };
    const expectCode = (patch: Record<string, unknown>, code: string) => {
      try {
        computeArrears({ ...base, ...patch } as typeof base);
        expect.unreachable(`expected ${code} for ${JSON.stringify(patch)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).code).toBe(code);
      }
    };
    expectCode({ firstMissedMonth: "2024-04" }, "invalid_month_range");
    expectCode({ firstMissedMonth: "2024-13" }, "invalid_month");
    expectCode({ lastMissedMonth: "2024-3" }, "invalid_month");
    expectCode({ paidOn: "2024-02-30" }, "invalid_date");
    expectCode({ paidOn: "2023-12-31" }, "paid_before_gap");
    expectCode({ policy: { ...fuzhou2024, rateBasisPoints: 0.5 } }, "invalid_policy");
    expectCode({ policy: { ...fuzhou2024, contributionBaseFen: -1 } }, "invalid_policy");
    expectCode({ dueDay: 0 }, "invalid_argument");
    expectCode({ dueDay: 32 }, "invalid_argument");
    expectCode({ dueMonthOffset: 2 }, "invalid_argument");
    // paying on the first day of the first missed month is allowed
    expect(computeArrears({ ...base, paidOn: "2024-01-01" }).lateFeeFen).toBe(0);
  });
});

describe("time-zone independence", () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it("gives the same result whatever process.env.TZ is", () => {
    const input = {
      policy: fuzhou2024,
      firstMissedMonth: "2024-01",
      lastMissedMonth: "2024-03",
      paidOn: "2024-06-10",
      flexibleEmployee: false,
    };
    process.env.TZ = "Asia/Shanghai";
    const shanghai = computeArrears(input);
    const shanghaiSel = selectPolicy(policies, "350100", "2025-07-01");
    for (const tz of ["America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]) {
      process.env.TZ = tz;
      if (tz === "America/Los_Angeles") {
        // prove the zone switch took effect in this process
        expect(new Date(Date.UTC(2024, 5, 10)).getTimezoneOffset()).toBe(420);
      }
      expect(computeArrears(input)).toEqual(shanghai);
      expect(selectPolicy(policies, "350100", "2025-07-01")).toBe(shanghaiSel);
    }
    expect(shanghai.totalFen).toBe(157_600);
  });
});
