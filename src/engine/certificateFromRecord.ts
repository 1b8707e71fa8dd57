// A transfer's certificate (参保凭证, 参保缴费凭证) and record form (参保信息表) from the transfer-out
// agency's contribution record (docs/contributions.md, issue #28): the computations
// "certificateFromRecord" and "certificateReissueFromRecord" (./computedPayloads.ts) of the
// transfer machines' version 3. The record is read as of the event's date (its month and the months
// before); the clerk no longer types the figures. A figure the clerk does type must be the
// record's (422 naming the field and the record's value); a record without a month of the person:
// 409 contribution-record-missing.
import { certificateAddsUp, type RecordPeriod } from "../../machines/vocabulary.ts";
import { deriveRecord, type DerivedRecord, type MonthFigures, type OpeningBalance } from "../domain/contributions.ts";
import { monthIndex } from "../domain/dateMath.ts";
import { directSqlOf } from "../db/client.ts";
import type { DirectQueryable } from "../db/direct.ts";
import { problems, type FieldError } from "../problems.ts";
import { contributionRecordMissing, recordKeyOf } from "./arrearsAssessment.ts";
import type { EngineContext } from "./context.ts";
import { figuresOf, latestOfEachMonth, openingBalanceOf, rowsOf, type RecordKey } from "./contributions.ts";
import type { CaseWithAgencies } from "./types.ts";

type CertifiedCase = Pick<CaseWithAgencies, "fromAgency" | "insurance" | "insuredIdIndex" | "openedOn">;

/** What a certificate states from the record (machines/vocabulary.ts certificateFromRecordFields, by insurance). */
export type CertificateFigures = Record<string, unknown> & {
  recordAsOf: string;
  contributionMonths: number;
  deemedMonths: number;
  arrearsFen: number;
};

/** The runs of counted months with the same status, base and payer, oldest first. */
export function periodsOf(months: readonly MonthFigures[], asOfMonth: string): RecordPeriod[] {
  const until = monthIndex(asOfMonth);
  const counted = months
    .filter((m) => m.status !== "arrears" && monthIndex(m.month) <= until)
    .sort((a, b) => (a.month < b.month ? -1 : 1));
  const periods: RecordPeriod[] = [];
  for (const m of counted) {
    const last = periods.at(-1);
    const status = m.status as RecordPeriod["status"];
    const code = m.payer === "employer" ? m.employerCreditCode : null;
    if (
      last &&
      monthIndex(last.to) === monthIndex(m.month) - 1 &&
      last.status === status &&
      last.baseFen === m.baseFen &&
      last.payer === m.payer &&
      last.employerCreditCode === code
    ) {
      last.to = m.month;
      last.months++;
    } else
      periods.push({
        from: m.month,
        to: m.month,
        months: 1,
        status,
        baseFen: m.baseFen,
        payer: m.payer,
        employerCreditCode: code,
      });
  }
  return periods;
}

/** The figures by the names the case's insurance uses (the pension's personal account is 储存额). */
export function certificateFigures(d: DerivedRecord, periods: RecordPeriod[], insurance: string): CertificateFigures {
  const common = {
    recordAsOf: d.asOfMonth,
    contributionMonths: d.contributionMonths.actual,
    deemedMonths: d.contributionMonths.deemed,
    continuousMonths: d.continuousMonths,
    firstMonth: d.firstMonth,
    lastMonth: d.lastMonth,
    arrearsFen: d.arrears.totalFen,
    arrears: d.arrears.months,
    periods,
  };
  const figures =
    insurance === "pension"
      ? {
          ...common,
          personalAccountFen: d.accountBalanceFen,
          contributionWagesSince1998Fen: d.contributionWagesSince1998Fen,
          pooledShareFen: d.pooledShareFen,
        }
      : { ...common, accountBalanceFen: d.accountBalanceFen };
  // the derivation and the machine's check must agree: a mismatch is a bug here, not bad input
  if (!certificateAddsUp(figures)) throw new Error("certificate figures do not add up to their periods");
  return figures;
}

/** A figure the clerk typed must be the record's: one field error per figure that differs. */
function typedFigureErrors(request: Record<string, unknown>, figures: CertificateFigures): FieldError[] {
  return Object.entries(request)
    .filter(([field, typed]) => typeof typed === "number" && Object.hasOwn(figures, field) && figures[field] !== typed)
    .map(([field]) => ({
      path: field,
      message: `the contribution record says ${String(figures[field])} as of ${figures.recordAsOf}; leave it out (the certificate states the record's figures)`,
    }));
}

/** What a read of the record returns: rows with their id (the figures alone, or the full rows). */
type ReadRecord<R extends MonthFigures & { id: number }> = (q: DirectQueryable, key: RecordKey) => Promise<R[]>;

/**
 * The latest row of each month of the transfer-out agency's record, read with `read`, and its
 * opening balance; 409 contribution-record-missing when the agency holds no month of the person.
 */
async function heldRecord<R extends MonthFigures & { id: number }>(
  ctx: EngineContext,
  c: CertifiedCase,
  read: ReadRecord<R>,
): Promise<{ months: R[]; opening: OpeningBalance | null }> {
  const key = recordKeyOf(c);
  const sql = directSqlOf(ctx.db);
  const [rows, opening] = key ? await Promise.all([read(sql, key), openingBalanceOf(sql, key)]) : [[], null];
  if (rows.length === 0) throw contributionRecordMissing(c, "the certificate's figures");
  return { months: latestOfEachMonth(rows), opening };
}

/** The certificate's figures from the record as of a date; a typed figure that differs: 422. */
function checkedFigures(
  c: CertifiedCase,
  record: { months: MonthFigures[]; opening: OpeningBalance | null },
  request: Record<string, unknown>,
  occurredOn: string,
): CertificateFigures {
  const asOf = occurredOn.slice(0, 7);
  const figures = certificateFigures(
    deriveRecord(record.months, record.opening, asOf),
    periodsOf(record.months, asOf),
    c.insurance,
  );
  const errors = typedFigureErrors(request, figures);
  if (errors.length > 0) throw problems.invalid(errors, "A typed figure differs from the contribution record.");
  return figures;
}

/** The computation "certificateFromRecord": ISSUE_CERTIFICATE and ISSUE_RECORD_FORM (the figures alone: an index read). */
export async function certificateFromRecord(
  ctx: EngineContext,
  c: CertifiedCase,
  request: Record<string, unknown>,
  event: { occurredOn: string },
): Promise<CertificateFigures> {
  return checkedFigures(c, await heldRecord(ctx, c, figuresOf), request, event.occurredOn);
}

/**
 * The computation "certificateReissueFromRecord": the record's figures as of the reissue, the
 * clerk's reason (or null), and the corrections among the rows that count (the latest of each
 * month, up to the reissue's month), newest first: a reissue after a correction says why. The
 * full rows are read once, for both.
 */
export async function certificateReissueFromRecord(
  ctx: EngineContext,
  c: CertifiedCase,
  request: Record<string, unknown>,
  event: { occurredOn: string },
): Promise<Record<string, unknown>> {
  const record = await heldRecord(ctx, c, rowsOf);
  const figures = checkedFigures(c, record, request, event.occurredOn);
  const asOf = monthIndex(event.occurredOn.slice(0, 7));
  const recordCorrections = record.months
    .filter((r) => r.supersedesId !== 0 && r.reason !== null && monthIndex(r.month) <= asOf)
    .sort((a, b) => b.id - a.id)
    .slice(0, 50)
    .map((r) => ({ month: r.month, reason: r.reason! }));
  return { ...figures, reason: typeof request.reason === "string" ? request.reason : null, recordCorrections };
}
