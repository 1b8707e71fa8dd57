// The arrears assessment (补缴核定), computed by the service from the regional policy: the service
// computation "arrearsAssessment" (machines/vocabulary.ts) that an event whose payload the service
// computes may declare; the I/O half of that event (the machine checks that it adds up).
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
//   the lapse (continuousMonthsBefore, when given) + the months paid; a gap that cannot be back-paid
//   starts it again (0). reimbursementRatioPercent: the policy's tier for those months.
import { z } from "zod";
import { computeArrears, reimbursementRatio } from "../domain/policy.ts";
import { DomainError } from "../domain/errors.ts";
import { addCalendarMonths, assessArrearsRequestSchema, type ArrearsAssessment } from "../../machines/vocabulary.ts";
import { Problem, problems } from "../problems.ts";
import type { Insurance } from "../domain/schemes.ts";
import type { EngineContext } from "./context.ts";
import { policyInForce } from "./policies.ts";
import type { CaseWithAgencies } from "./types.ts";

export type AssessArrearsRequest = z.output<typeof assessArrearsRequestSchema>;

export interface RecordedAssessment extends AssessArrearsRequest {
  paysOn: string;
  assessment: ArrearsAssessment;
}

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

export async function assessArrears(
  ctx: EngineContext,
  c: Pick<CaseWithAgencies, "openedOn" | "fromAgency" | "insurance">,
  request: AssessArrearsRequest,
): Promise<RecordedAssessment> {
  const today = ctx.today();
  const paysOn = request.paysOn ?? today;
  const lapseMonth = c.openedOn.slice(0, 7);
  const errors: { path: string; message: string }[] = [];
  if (request.firstMissedMonth > request.lastMissedMonth)
    errors.push({ path: "lastMissedMonth", message: "must not be before firstMissedMonth" });
  if (request.firstMissedMonth < lapseMonth)
    errors.push({ path: "firstMissedMonth", message: `must not be before the lapse (${lapseMonth})` });
  if (request.lastMissedMonth > today.slice(0, 7))
    errors.push({ path: "lastMissedMonth", message: `must not be in the future (this month is ${today.slice(0, 7)})` });
  if (paysOn < c.openedOn) errors.push({ path: "paysOn", message: `must not be before the lapse (${c.openedOn})` });
  if (errors.length > 0) throw problems.invalid(errors, "The months or the payment date are out of range.");

  const region = c.fromAgency.region;
  const insurance = c.insurance as Insurance;
  const policy = await policyInForce(ctx, region, paysOn, insurance);
  if (!policy) throw noPolicyInForce(region, paysOn, insurance);
  let r: ReturnType<typeof computeArrears>;
  try {
    r = computeArrears({
      policy,
      firstMissedMonth: request.firstMissedMonth,
      lastMissedMonth: request.lastMissedMonth,
      paidOn: paysOn,
      flexibleEmployee: request.payer === "flexible",
      declaredBaseFen: request.declaredBaseFen,
    });
  } catch (e) {
    if (e instanceof DomainError) throw problems.invalid([{ path: "(body)", message: e.message }]);
    throw e;
  }
  const waitingPeriodEndsOn = r.waitingPeriodMonths > 0 ? addCalendarMonths(paysOn, r.waitingPeriodMonths) : null;
  const continuousMonths = r.backPayable
    ? request.continuousMonthsBefore === undefined
      ? null
      : request.continuousMonthsBefore + r.monthsMissed
    : 0;
  return {
    ...request,
    paysOn,
    assessment: {
      monthsMissed: r.monthsMissed,
      principalFen: r.principalFen,
      lateFeeFen: r.lateFeeFen,
      totalFen: r.totalFen,
      backPayable: r.backPayable,
      waitingPeriodMonths: r.waitingPeriodMonths,
      waitingPeriodEndsOn,
      payBy: paysOn,
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
    },
  };
}
