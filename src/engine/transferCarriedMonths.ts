// The record effect "transferCarriedMonths" (./recordEffects.ts; transfers version 3, issue #28):
// when the transfer-in is done, the months the transfer carried are added to the transfer-in
// agency's record of the person and the case's insurance (`source: "transfer"`, from the
// transfer-out agency, with the case), so that the years add up at the new place (moving does not
// lose the accumulated payment period). The months carried are the transfer-out agency's counted
// months (paid, back-paid, deemed) up to the transfer-in's month; a month the new place holds
// already (the person paid there in the month of the move) keeps its own row.
import { RECORD_EFFECT_SOURCES } from "../../machines/vocabulary.ts";
import { directSqlOf } from "../db/client.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import type { EngineContext } from "./context.ts";
import { recordKeyOf } from "./arrearsAssessment.ts";
import { figuresOf, latestOfEachMonth, notePeople, type NewMonth, type RecordKey } from "./contributions.ts";
import type { CaseWithAgencies } from "./types.ts";

export async function transferCarriedMonths(
  ctx: EngineContext,
  c: CaseWithAgencies,
  event: { occurredOn: string },
): Promise<{ key: RecordKey; months: NewMonth[] }[]> {
  const from = recordKeyOf(c);
  const to = recordKeyOf(c, c.toAgency.id);
  if (!from || !to) return [];
  const sql = directSqlOf(ctx.db);
  // the figures are all a carried month needs: both reads are the records' index alone
  const [carried, held] = await Promise.all([figuresOf(sql, from), figuresOf(sql, to)]);
  const heldMonths = new Set(held.map((r) => r.month));
  const until = event.occurredOn.slice(0, 7);
  const months: NewMonth[] = latestOfEachMonth(carried)
    .filter((r) => r.status !== "arrears" && r.month <= until && !heldMonths.has(r.month))
    .sort((a, b) => (a.month < b.month ? -1 : 1))
    .map((r) => ({
      month: r.month,
      baseFen: r.baseFen,
      employerFen: r.employerFen,
      individualFen: r.individualFen,
      accountCreditFen: r.accountCreditFen,
      status: r.status,
      payer: r.payer,
      employerCreditCode: r.employerCreditCode,
      source: RECORD_EFFECT_SOURCES.transferCarriedMonths,
      fromAgencyId: c.fromAgency.id,
      caseId: c.id,
    }));
  if (months.length === 0) return [];
  // the person's ID number is kept once (encrypted) for a change of data key (./backPaidMonths.ts)
  const idNumber = dataKeyOf(ctx.db).decrypt(c.insuredIdNumber, "insuredIdNumber");
  await notePeople(ctx, sql, [idNumber], new Date());
  return [{ key: to, months }];
}
