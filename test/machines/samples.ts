// The sample events and inputs of the case types' tests (test/machines/types/<type>.ts), by type,
// for the model-based, contract and transition suites.
import type { CaseType } from "../../machines/index.ts";
import type { CaseEvent, CaseInput } from "../../machines/runtime.ts";
import { typeTests } from "./typeTests.ts";
import type { Ctx } from "./typeTestKit.ts";

export { on, payloadOf } from "./typeTestKit.ts";

const byType = <V>(pick: (t: (typeof typeTests)[CaseType]) => V) =>
  Object.fromEntries(Object.values(typeTests).map((t) => [t.type, pick(t)])) as Record<CaseType, V>;

export const inputs: Record<CaseType, CaseInput> = byType((t) => t.input);
export const samples: Record<CaseType, (ctx: Ctx) => CaseEvent[]> = byType((t) => t.samples);
/** A complete run per type, with a detour (reissue, arrears, refusal, reassessment). */
export const happyPaths: Record<CaseType, CaseEvent[]> = byType((t) => t.happyPath);
/** The complete run of a version: its own where its payloads differ (TypeTests.happyPathOf), else the type's. */
export const happyPathOf = (type: CaseType, version: number): CaseEvent[] =>
  typeTests[type].happyPathOf?.[version] ?? happyPaths[type];
