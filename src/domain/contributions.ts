// A person's contribution record (缴费明细), month by month, and what follows from it as of a date
// (docs/contributions.md): months paid and deemed, continuity, gaps, arrears, the personal
// account's balance, and for pension the contribution wages since 1998 and the pooled share.
// Pure: plain values in, plain values out; months are `YYYY-MM`, amounts integer fen.
import { pooledShareOf, type ContributionPayer, type ContributionStatus } from "../../machines/vocabulary.ts";
import { monthFromIndex, monthIndex } from "./dateMath.ts";

export {
  CONTRIBUTION_PAYERS,
  CONTRIBUTION_SOURCES,
  CONTRIBUTION_STATUSES,
  type ContributionPayer,
  type ContributionSource,
  type ContributionStatus,
} from "../../machines/vocabulary.ts";

/** The month the pooled share counts from (国办发〔2009〕66号: contribution wages since 1998). */
export const POOLED_SHARE_FROM = "1998-01";

/** What a month's row states (the figures compared when a row is recorded again). */
export interface MonthFigures {
  month: string;
  baseFen: number;
  employerFen: number;
  individualFen: number;
  accountCreditFen: number;
  status: ContributionStatus;
  payer: ContributionPayer;
  employerCreditCode: string | null;
}

export interface OpeningBalance {
  /** the balance at the end of this month (YYYY-MM) */
  asOfMonth: string;
  balanceBroughtForwardFen: number;
}

export interface Gap {
  from: string;
  to: string;
  months: number;
}

/** What a record says as of a month (its own and the months before it). */
export interface DerivedRecord {
  asOfMonth: string;
  contributionMonths: { actual: number; deemed: number };
  /** the months counted without a break up to the last one counted (0 without any) */
  continuousMonths: number;
  /** the first and last months counted (paid, back-paid or deemed); null without any */
  firstMonth: string | null;
  lastMonth: string | null;
  /** runs of months between the first and the last counted month that count nothing */
  gaps: Gap[];
  arrears: { months: { month: string; amountFen: number }[]; totalFen: number };
  accountBalanceFen: number;
  /** the sum of the bases paid from 1998-01 (pension) */
  contributionWagesSince1998Fen: number;
  /** 12 % of it, half up to the fen */
  pooledShareFen: number;
}

/** Whether two rows of a month state the same (recording it again changes nothing). */
export function sameFigures(a: MonthFigures, b: MonthFigures): boolean {
  return (
    a.month === b.month &&
    a.baseFen === b.baseFen &&
    a.employerFen === b.employerFen &&
    a.individualFen === b.individualFen &&
    a.accountCreditFen === b.accountCreditFen &&
    a.status === b.status &&
    a.payer === b.payer &&
    (a.employerCreditCode ?? null) === (b.employerCreditCode ?? null)
  );
}

const counted = (s: ContributionStatus) => s !== "arrears";
/** A month paid for (paid, or back-paid later): what a gap and a restoration look for. */
export const paidFor = (s: ContributionStatus) => s === "paid" || s === "backPaid";

/**
 * What the record says as of `asOfMonth`. `months` are the months that count, one per month (the
 * latest row of each); months after `asOfMonth` are left out.
 */
export function deriveRecord(
  months: readonly MonthFigures[],
  opening: OpeningBalance | null,
  asOfMonth: string,
): DerivedRecord {
  const until = monthIndex(asOfMonth);
  const rows = months.filter((m) => monthIndex(m.month) <= until).sort((a, b) => (a.month < b.month ? -1 : 1));
  const kept = rows.filter((m) => counted(m.status));
  const arrears = rows
    .filter((m) => m.status === "arrears")
    .map((m) => ({ month: m.month, amountFen: m.employerFen + m.individualFen }));
  const since1998 = monthIndex(POOLED_SHARE_FROM);
  const wages = kept
    .filter((m) => paidFor(m.status) && monthIndex(m.month) >= since1998)
    .reduce((sum, m) => sum + m.baseFen, 0);
  return {
    asOfMonth,
    contributionMonths: {
      actual: kept.filter((m) => paidFor(m.status)).length,
      deemed: kept.filter((m) => m.status === "deemed").length,
    },
    continuousMonths: continuousRun(kept),
    firstMonth: kept[0]?.month ?? null,
    lastMonth: kept.at(-1)?.month ?? null,
    gaps: gapsBetween(kept),
    arrears: { months: arrears, totalFen: arrears.reduce((sum, a) => sum + a.amountFen, 0) },
    accountBalanceFen: balanceOf(kept, opening, until),
    contributionWagesSince1998Fen: wages,
    pooledShareFen: pooledShareOf(wages),
  };
}

/** The counted months without a break, ending at the last counted one. */
function continuousRun(kept: readonly MonthFigures[]): number {
  let run = 0;
  for (let i = kept.length - 1; i >= 0; i--) {
    if (i < kept.length - 1 && monthIndex(kept[i]!.month) !== monthIndex(kept[i + 1]!.month) - 1) break;
    run++;
  }
  return run;
}

/** Runs of months that count nothing between counted months (sorted, one row per month). */
function gapsBetween(kept: readonly MonthFigures[]): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < kept.length; i++) {
    const before = monthIndex(kept[i - 1]!.month);
    const after = monthIndex(kept[i]!.month);
    if (after - before > 1)
      gaps.push({
        from: monthFromIndex(before + 1).text,
        to: monthFromIndex(after - 1).text,
        months: after - before - 1,
      });
  }
  return gaps;
}

/** The opening balance (in force at `until`) and the credits of the counted months after it. */
function balanceOf(kept: readonly MonthFigures[], opening: OpeningBalance | null, until: number): number {
  const from = opening && monthIndex(opening.asOfMonth) <= until ? monthIndex(opening.asOfMonth) : null;
  const credits = kept
    .filter((m) => from === null || monthIndex(m.month) > from)
    .reduce((sum, m) => sum + m.accountCreditFen, 0);
  return (from === null ? 0 : opening!.balanceBroughtForwardFen) + credits;
}

/** Months between the last month counted at one place and the first at another (a transfer's gap). */
export function monthsBetween(lastMonthBefore: string, firstMonthAfter: string): number {
  return Math.max(0, monthIndex(firstMonthAfter) - monthIndex(lastMonthBefore) - 1);
}
