// The back-paid months of an arrears assessment in the contribution record (docs/contributions.md):
// - the record effect "assessedMonthsBackPaid" (./recordEffects.ts): the payment of an assessment
//   adds its months to the renewal agency's record of the person and the case's insurance, as
//   back-paid (补缴), with the base and the contribution of each assessment line, `source:
//   "renewal"` and the case, in the transaction that records the payment;
// - the computation "restorationFromRecord" (./computedPayloads.ts): before cover is restored, the
//   assessed months the record holds as paid or back-paid, recorded with the restoration for the
//   machine to check against the assessment (a correction may have taken one out since the payment).
// The assessment and its payer are the machine's facts (the case's context) as read before the event.
import { RECORD_EFFECT_SOURCES, type ArrearsAssessment } from "../../machines/vocabulary.ts";
import { directSqlOf } from "../db/client.ts";
import { paidFor } from "../domain/contributions.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { recordKeyOf } from "./arrearsAssessment.ts";
import type { EngineContext } from "./context.ts";
import { latestOfEachMonth, notePeople, rowsOf, type NewMonth, type RecordKey } from "./contributions.ts";
import type { CaseWithAgencies } from "./types.ts";

/** The assessment the case's machine holds, and who pays it. */
function assessedOf(c: Pick<CaseWithAgencies, "snapshot">): {
  assessment: ArrearsAssessment | null;
  payer: "employer" | "flexible";
} {
  const facts = (JSON.parse(c.snapshot) as { context?: Record<string, unknown> }).context ?? {};
  const assessedFor = facts.assessedFor as { payer?: "employer" | "flexible" } | null | undefined;
  return {
    assessment: (facts.assessment as ArrearsAssessment | null | undefined) ?? null,
    payer: assessedFor?.payer ?? "employer",
  };
}

/** The months a payment adds: each assessment line, back-paid, the contribution as the payer's share. */
export function backPaidMonths(
  c: Pick<CaseWithAgencies, "id" | "caseNumber" | "employerCreditCode">,
  assessment: ArrearsAssessment,
  payer: "employer" | "flexible",
): NewMonth[] {
  return assessment.lines.map((l) => ({
    month: l.month,
    baseFen: l.baseFen,
    // the policy charges one rate; the payer pays it all (the late fee is not a contribution)
    employerFen: payer === "employer" ? l.contributionFen : 0,
    individualFen: payer === "flexible" ? l.contributionFen : 0,
    // what goes to the personal account is not assessed: none is credited from a back-payment
    accountCreditFen: 0,
    status: "backPaid",
    payer,
    employerCreditCode: payer === "employer" ? c.employerCreditCode : null,
    source: RECORD_EFFECT_SOURCES.assessedMonthsBackPaid,
    caseId: c.id,
    // a month the record holds already (an arrears row) is superseded by its payment
    reason: `补缴 back-paid (${c.caseNumber})`,
  }));
}

/** The record effect "assessedMonthsBackPaid": the payment's months, for the renewal agency's record. */
export async function assessedMonthsBackPaid(
  ctx: EngineContext,
  c: CaseWithAgencies,
): Promise<{ key: RecordKey; months: NewMonth[] }[]> {
  const key = recordKeyOf(c);
  const { assessment, payer } = assessedOf(c);
  if (!key || !assessment || assessment.lines.length === 0) return [];
  // The person's ID number is kept once (encrypted) for a change of data key: noted here, before the
  // payment's transaction; idempotent, and a person noted without months changes nothing else.
  const idNumber = dataKeyOf(ctx.db).decrypt(c.insuredIdNumber, "insuredIdNumber");
  await notePeople(ctx, directSqlOf(ctx.db), [idNumber], new Date());
  return [{ key, months: backPaidMonths(c, assessment, payer) }];
}

/** The computation "restorationFromRecord": the assessed months the record holds as paid or back-paid. */
export async function restorationFromRecord(
  ctx: EngineContext,
  c: CaseWithAgencies,
): Promise<{ monthsInRecord: string[] }> {
  const key = recordKeyOf(c);
  const { assessment } = assessedOf(c);
  if (!key || !assessment) return { monthsInRecord: [] };
  const held = new Set(
    latestOfEachMonth(await rowsOf(directSqlOf(ctx.db), key))
      .filter((m) => paidFor(m.status))
      .map((m) => m.month),
  );
  return { monthsInRecord: assessment.lines.map((l) => l.month).filter((m) => held.has(m)) };
}
