// A medical transfer's gap (docs/contributions.md, issue #28): when the application is filed, the
// months between the last month paid at the old place (the transfer-out agency's record) and the
// first month at the new place (the transfer-in agency's record after it; without one, the
// application's month: the person applies once enrolled there). Over 3 months, the transfer-in
// region's waiting period (待遇等待期) applies: its medical policy in force on the filing date says
// how long (医保办发〔2021〕43号: a break of more than 3 months may carry a waiting period of up
// to 6 months). The computation "applicationGap" of medical transfer version 3 (./computedPayloads.ts).
import type { ApplicationGap } from "../../machines/vocabulary.ts";
import { monthsBetween, paidFor } from "../domain/contributions.ts";
import { directSqlOf } from "../db/client.ts";
import type { Insurance } from "../domain/schemes.ts";
import { recordKeyOf } from "./arrearsAssessment.ts";
import type { EngineContext } from "./context.ts";
import { figuresOf, latestOfEachMonth, type RecordKey } from "./contributions.ts";
import { policyInForce } from "./policies.ts";
import type { CaseWithAgencies } from "./types.ts";

/** A gap of more than this many months brings the transfer-in region's waiting period. */
export const GAP_WITHOUT_WAITING_MONTHS = 3;

async function paidMonths(ctx: EngineContext, key: RecordKey | null): Promise<string[]> {
  if (!key) return [];
  const rows = latestOfEachMonth(await figuresOf(directSqlOf(ctx.db), key));
  return rows
    .filter((r) => paidFor(r.status))
    .map((r) => r.month)
    .sort();
}

export async function applicationGap(
  ctx: EngineContext,
  c: Pick<CaseWithAgencies, "fromAgency" | "toAgency" | "insurance" | "insuredIdIndex">,
  event: { occurredOn: string },
): Promise<ApplicationGap> {
  const filedMonth = event.occurredOn.slice(0, 7);
  const [before, after, policy] = await Promise.all([
    paidMonths(ctx, recordKeyOf(c)),
    paidMonths(ctx, recordKeyOf(c, c.toAgency.id)),
    policyInForce(ctx, c.toAgency.region, event.occurredOn, c.insurance as Insurance),
  ]);
  const lastMonthBefore = before.filter((m) => m <= filedMonth).at(-1) ?? null;
  const firstMonthAfter =
    (lastMonthBefore === null ? undefined : after.find((m) => m > lastMonthBefore && m <= filedMonth)) ?? filedMonth;
  const months = lastMonthBefore === null ? null : monthsBetween(lastMonthBefore, firstMonthAfter);
  return {
    lastMonthBefore,
    firstMonthAfter,
    months,
    overThreeMonths: months !== null && months > GAP_WITHOUT_WAITING_MONTHS,
    waitingPeriodMonths: policy?.waitingPeriodMonths ?? null,
  };
}
