// The arrears assessment (补缴核定), computed by the service from the regional policy: the service
// computations "arrearsAssessment" (renewal v2) and "arrearsAssessmentFromRecord" (v3) that an event
// whose payload the service computes may declare (machines/vocabulary.ts); the I/O half of that
// event (the machine checks that it adds up).
//
// - Policy: the one of the case's insurance and the handling agency's region in force on paysOn
//   (default: today, China): a pension renewal only with a pension policy. None: 409
//   no-policy-in-force naming the region, the date and the insurance.
// - Months: YYYY-MM, first ≤ last, none before the month of the lapse (the case's openedOn) and
//   none after the current month: 422 otherwise. paysOn not before the lapse: 422.
// - Amounts: src/domain/policy.ts computeArrears (integer fen, half up, per month).
// - Not back-payable (more months than maxBackPayMonths): nothing to pay, the waiting period of
//   the policy, counted in calendar months from paysOn (waitingPeriodEndsOn = paysOn + n months,
//   day clamped); the record is not continuous.
// - Continuity: a back-paid gap keeps the record continuous: continuousMonths = the months before
//   the lapse + the months paid; a gap that cannot be back-paid starts it again (0).
//   reimbursementRatioPercent: the policy's tier for those months.
//
// Version 2 takes the months and the months before the lapse (continuousMonthsBefore, optional) as
// the clerk types them. Version 3 takes them from the renewal agency's contribution record
// (docs/contributions.md; ./contributions.ts) of the person and the case's insurance:
// - the months the clerk leaves out are the gap since the record's last counted month: from the
//   month after it (not before the lapse's month) to the month before paysOn's (not after this
//   month); no record of the person to take them from: 409 contribution-record-missing;
// - a month the record counts (paid, back-paid or deemed) is not missed: 422;
// - continuousMonthsBefore is the record's: the counted months without a break that end with the
//   month before the first missed one (0 when that month is not counted; null when the agency holds
//   no month of the person). A typed one must equal it (422 naming the record's value); typed
//   without a record to check it against: 409 contribution-record-missing.
import { z } from "zod";
import { computeArrears, reimbursementRatio, type RegionalPolicy } from "../domain/policy.ts";
import { deriveRecord } from "../domain/contributions.ts";
import { monthFromIndex, monthIndex } from "../domain/dateMath.ts";
import { DomainError } from "../domain/errors.ts";
import {
  addCalendarMonths,
  assessArrearsFromRecordRequestSchema,
  assessArrearsRequestSchema,
  type ArrearsAssessment,
} from "../../machines/vocabulary.ts";
import { directSqlOf } from "../db/client.ts";
import { Problem, problems, type FieldError } from "../problems.ts";
import type { Insurance } from "../domain/schemes.ts";
import type { EngineContext } from "./context.ts";
import { latestOfEachMonth, openingBalanceOf, rowsOf, type RecordKey, type StoredMonth } from "./contributions.ts";
import { policyInForce } from "./policies.ts";
import type { CaseWithAgencies } from "./types.ts";

export type AssessArrearsRequest = z.output<typeof assessArrearsRequestSchema>;
export type AssessArrearsFromRecordRequest = z.output<typeof assessArrearsFromRecordRequestSchema>;

export interface RecordedAssessment extends AssessArrearsRequest {
  paysOn: string;
  assessment: ArrearsAssessment;
}

/** What version 3 records: the request completed from the record, and the assessment. */
export interface RecordedAssessmentFromRecord extends Omit<AssessArrearsRequest, "continuousMonthsBefore"> {
  paysOn: string;
  /** the record's continuous months before the first missed month; null: the agency holds no record */
  continuousMonthsBefore: number | null;
  /** true: at least one of the months came from the record */
  monthsFromRecord: boolean;
  assessment: ArrearsAssessment;
}

type AssessedCase = Pick<CaseWithAgencies, "openedOn" | "fromAgency" | "insurance">;

/**
 * 409 no-policy-in-force: no policy of the case's insurance for the agency's region on the date (a
 * pension renewal is never assessed with a medical policy).
 */
export function noPolicyInForce(region: string, date: string, insurance: Insurance): Problem {
  return new Problem(
    409,
    "no-policy-in-force",
    "No regional policy in force",
    `No ${insurance} renewal policy for region ${region} is in force on ${date}; an administrator adds one (POST /api/admin/policies with "insurance": "${insurance}").`,
    { region, date, insurance },
  );
}

/** 409 contribution-record-missing: the renewal agency holds no month of the person's record of the insurance. */
export function contributionRecordMissing(c: AssessedCase, what: string): Problem {
  const agency = c.fromAgency.code;
  return new Problem(
    409,
    "contribution-record-missing",
    "No contribution record",
    `Agency ${agency} holds no ${c.insurance} contribution months of this person, so ${what} cannot come from the record: import the person's months (or record them) first.`,
    { agency, insurance: c.insurance },
  );
}

/** Version 2: the months and the continuity before the lapse as the clerk gives them. */
export async function assessArrears(
  ctx: EngineContext,
  c: AssessedCase,
  request: AssessArrearsRequest,
): Promise<RecordedAssessment> {
  const paysOn = request.paysOn ?? ctx.today();
  const months = { first: request.firstMissedMonth, last: request.lastMissedMonth };
  throwIfInvalid(rangeErrors(ctx, c, months, paysOn));
  const assessment = await assessmentOf(ctx, c, {
    ...months,
    paysOn,
    payer: request.payer,
    declaredBaseFen: request.declaredBaseFen,
    continuousMonthsBefore: request.continuousMonthsBefore ?? null,
  });
  return { ...request, paysOn, assessment };
}

/** Version 3: the months default to the gap in the record, the continuity before it comes from the record. */
export async function assessArrearsFromRecord(
  ctx: EngineContext,
  c: AssessedCase & Pick<CaseWithAgencies, "insuredIdIndex">,
  request: AssessArrearsFromRecordRequest,
): Promise<RecordedAssessmentFromRecord> {
  const paysOn = request.paysOn ?? ctx.today();
  const record = await recordOf(ctx, c);
  const defaulted = request.firstMissedMonth === undefined || request.lastMissedMonth === undefined;
  if (defaulted && record.months.length === 0) throw contributionRecordMissing(c, "the missed months");
  const months = missedMonths(ctx, c, record, request, paysOn);
  throwIfInvalid([...rangeErrors(ctx, c, months, paysOn, defaulted), ...countedErrors(record.months, months)]);
  const continuousMonthsBefore = continuityBefore(record, months.first);
  if (request.continuousMonthsBefore !== undefined) {
    if (continuousMonthsBefore === null) throw contributionRecordMissing(c, "continuousMonthsBefore");
    if (request.continuousMonthsBefore !== continuousMonthsBefore)
      throwIfInvalid([
        {
          path: "continuousMonthsBefore",
          message: `the contribution record says ${continuousMonthsBefore} (the months without a break up to ${previousMonth(months.first)}); leave it out`,
        },
      ]);
  }
  const assessment = await assessmentOf(ctx, c, {
    ...months,
    paysOn,
    payer: request.payer,
    declaredBaseFen: request.declaredBaseFen,
    continuousMonthsBefore,
  });
  return {
    payer: request.payer,
    ...(request.declaredBaseFen !== undefined ? { declaredBaseFen: request.declaredBaseFen } : {}),
    firstMissedMonth: months.first,
    lastMissedMonth: months.last,
    paysOn,
    continuousMonthsBefore,
    monthsFromRecord: defaulted,
    assessment,
  };
}

// ------------------------------------------------------------------------------------ the record

interface HeldRecord {
  /** the latest row of each month of the renewal agency's record of the person and insurance */
  months: StoredMonth[];
  opening: Awaited<ReturnType<typeof openingBalanceOf>>;
}

/**
 * An agency's record of the case's person and insurance (./contributions.ts): the renewal's (or
 * transfer-out) agency's unless another agency is named; null without the person's blind index.
 */
export function recordKeyOf(
  c: Pick<CaseWithAgencies, "fromAgency" | "insurance" | "insuredIdIndex">,
  agencyId: number = c.fromAgency.id,
): RecordKey | null {
  if (!c.insuredIdIndex) return null;
  return { agencyId, personKey: c.insuredIdIndex, insurance: c.insurance as Insurance };
}

async function recordOf(
  ctx: EngineContext,
  c: Pick<CaseWithAgencies, "fromAgency" | "insurance" | "insuredIdIndex">,
): Promise<HeldRecord> {
  const key = recordKeyOf(c);
  if (!key) return { months: [], opening: null };
  const sql = directSqlOf(ctx.db);
  const [rows, opening] = await Promise.all([rowsOf(sql, key), openingBalanceOf(sql, key)]);
  return { months: latestOfEachMonth(rows), opening };
}

const nextMonth = (m: string) => monthFromIndex(monthIndex(m) + 1).text;
const previousMonth = (m: string) => monthFromIndex(monthIndex(m) - 1).text;
const later = (a: string, b: string) => (a > b ? a : b);
const earlier = (a: string, b: string) => (a < b ? a : b);

/**
 * The missed months: those the clerk gave, the others from the record: from the month after its
 * last counted month up to this month (not before the lapse's month), to the month before paysOn's
 * (not after this month).
 */
function missedMonths(
  ctx: EngineContext,
  c: AssessedCase,
  record: HeldRecord,
  request: AssessArrearsFromRecordRequest,
  paysOn: string,
): { first: string; last: string } {
  const thisMonth = ctx.today().slice(0, 7);
  const lapseMonth = c.openedOn.slice(0, 7);
  const lastCounted = deriveRecord(record.months, record.opening, thisMonth).lastMonth;
  return {
    first: request.firstMissedMonth ?? (lastCounted === null ? lapseMonth : later(nextMonth(lastCounted), lapseMonth)),
    last: request.lastMissedMonth ?? earlier(previousMonth(paysOn.slice(0, 7)), thisMonth),
  };
}

/** The record's continuous months that end with the month before `first`; null without a record. */
function continuityBefore(record: HeldRecord, first: string): number | null {
  if (record.months.length === 0) return null;
  const before = previousMonth(first);
  const derived = deriveRecord(record.months, record.opening, before);
  return derived.lastMonth === before ? derived.continuousMonths : 0;
}

/** A month the record counts (paid, back-paid, deemed) is not missed. */
function countedErrors(months: readonly StoredMonth[], range: { first: string; last: string }): FieldError[] {
  const counted = months
    .filter((m) => m.status !== "arrears" && m.month >= range.first && m.month <= range.last)
    .map((m) => m.month);
  if (counted.length === 0) return [];
  const shown = counted.length > 6 ? `${counted.slice(0, 6).join(", ")}, …` : counted.join(", ");
  return [
    {
      path: "firstMissedMonth",
      message: `the contribution record counts ${counted.length} month(s) of this range as paid or deemed (${shown}): they are not missed`,
    },
  ];
}

// ------------------------------------------------------------------------------- the shared core

function throwIfInvalid(errors: FieldError[]): void {
  if (errors.length > 0) throw problems.invalid(errors, "The months or the payment date are out of range.");
}

/** The months and the payment date against the lapse and today. */
function rangeErrors(
  ctx: EngineContext,
  c: AssessedCase,
  months: { first: string; last: string },
  paysOn: string,
  fromRecord = false,
): FieldError[] {
  const thisMonth = ctx.today().slice(0, 7);
  const lapseMonth = c.openedOn.slice(0, 7);
  const errors: FieldError[] = [];
  if (months.first > months.last)
    errors.push(
      fromRecord
        ? {
            path: "firstMissedMonth",
            message: `no missed month between ${months.first} and ${months.last}: the contribution record is paid up to the month before ${months.first} (give the months)`,
          }
        : { path: "lastMissedMonth", message: "must not be before firstMissedMonth" },
    );
  if (months.first < lapseMonth)
    errors.push({ path: "firstMissedMonth", message: `must not be before the lapse (${lapseMonth})` });
  if (months.last > thisMonth)
    errors.push({ path: "lastMissedMonth", message: `must not be in the future (this month is ${thisMonth})` });
  if (paysOn < c.openedOn) errors.push({ path: "paysOn", message: `must not be before the lapse (${c.openedOn})` });
  return errors;
}

interface AssessmentInput {
  first: string;
  last: string;
  paysOn: string;
  payer: "employer" | "flexible";
  declaredBaseFen: number | undefined;
  /** the months without a break before the first missed one; null: not known */
  continuousMonthsBefore: number | null;
}

/** The policy of the case's insurance in force on paysOn, or 409. */
async function policyFor(ctx: EngineContext, c: AssessedCase, paysOn: string): Promise<RegionalPolicy> {
  const region = c.fromAgency.region;
  const insurance = c.insurance as Insurance;
  const policy = await policyInForce(ctx, region, paysOn, insurance);
  if (!policy) throw noPolicyInForce(region, paysOn, insurance);
  return policy;
}

/** The assessment of the months, from the policy in force on paysOn. */
async function assessmentOf(ctx: EngineContext, c: AssessedCase, a: AssessmentInput): Promise<ArrearsAssessment> {
  const policy = await policyFor(ctx, c, a.paysOn);
  let r: ReturnType<typeof computeArrears>;
  try {
    r = computeArrears({
      policy,
      firstMissedMonth: a.first,
      lastMissedMonth: a.last,
      paidOn: a.paysOn,
      flexibleEmployee: a.payer === "flexible",
      declaredBaseFen: a.declaredBaseFen,
    });
  } catch (e) {
    if (e instanceof DomainError) throw problems.invalid([{ path: "(body)", message: e.message }]);
    throw e;
  }
  const waitingPeriodEndsOn = r.waitingPeriodMonths > 0 ? addCalendarMonths(a.paysOn, r.waitingPeriodMonths) : null;
  const continuousMonths = r.backPayable
    ? a.continuousMonthsBefore === null
      ? null
      : a.continuousMonthsBefore + r.monthsMissed
    : 0;
  return {
    monthsMissed: r.monthsMissed,
    principalFen: r.principalFen,
    lateFeeFen: r.lateFeeFen,
    totalFen: r.totalFen,
    backPayable: r.backPayable,
    waitingPeriodMonths: r.waitingPeriodMonths,
    waitingPeriodEndsOn,
    payBy: a.paysOn,
    lines: r.perMonth.map((m) => ({
      month: m.month,
      baseFen: m.baseFen,
      contributionFen: m.principalFen,
      daysLate: m.daysLate,
      lateFeeFen: m.lateFeeFen,
    })),
    policy: { region: policy.region, effectiveFrom: policy.effectiveFrom },
    continuity: {
      continuous: r.backPayable,
      continuousMonths,
      reimbursementRatioPercent: continuousMonths === null ? null : reimbursementRatio(policy, continuousMonths),
    },
  };
}
