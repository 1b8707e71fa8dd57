// What an event adds to a person's contribution record (docs/contributions.md): a machine version
// declares it by name for an event (`recordEffects`, machines/types.ts); here is what each name
// does. The months are planned before the write (they may read the records) and appended in the
// transaction that records the event (src/engine/store.ts), so the event and its months are
// committed together or not at all.
import type { CaseMachineModule } from "../../machines/types.ts";
import type { RecordEffect } from "../../machines/vocabulary.ts";
import { assessedMonthsBackPaid } from "./backPaidMonths.ts";
import type { EngineContext } from "./context.ts";
import { transferCarriedMonths } from "./transferCarriedMonths.ts";
import type { NewMonth, RecordKey } from "./contributions.ts";
import type { CaseWithAgencies } from "./types.ts";

/** Months to append to one record. */
export interface RecordAppend {
  key: RecordKey;
  months: NewMonth[];
}

/** The recorded event an effect is planned from. */
export interface EffectEvent {
  type: string;
  occurredOn: string;
  payload: Record<string, unknown>;
}

type Effect = (ctx: EngineContext, c: CaseWithAgencies, event: EffectEvent) => Promise<RecordAppend[]>;

/** One implementation per name of the vocabulary (a missing one does not compile). */
const effects: Record<RecordEffect, Effect> = {
  assessedMonthsBackPaid: (ctx, c) => assessedMonthsBackPaid(ctx, c),
  transferCarriedMonths: (ctx, c, event) => transferCarriedMonths(ctx, c, event),
};

/** The months the event adds to contribution records (none for most events). */
export async function plannedRecordAppends(
  ctx: EngineContext,
  mod: CaseMachineModule,
  c: CaseWithAgencies,
  event: EffectEvent,
): Promise<RecordAppend[]> {
  const name =
    mod.recordEffects && Object.hasOwn(mod.recordEffects, event.type) ? mod.recordEffects[event.type] : undefined;
  const effect = name === undefined ? undefined : (effects as Partial<Record<string, Effect>>)[name];
  return effect ? effect(ctx, c, event) : [];
}
