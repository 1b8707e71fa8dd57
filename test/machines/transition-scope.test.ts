// nextFrom computes transitions in one reused actor scope per machine (machines/runtime.ts says
// why), instead of the new inert actor that xstate's own transition() builds each time. Here the
// two are compared on every edge reachable within a few steps, for every installed version: the
// same snapshot, persisted, and the same snapshot again when the walk goes on from it (so a scope
// that kept anything from one transition to the next would show).
import { describe, expect, it } from "vitest";
import { transition, type AnyMachineSnapshot } from "xstate";
import { caseTypes, machineRegistry, type CaseType } from "../../machines/index.ts";
import { canTake, initialSnapshot, nextFrom, persist, type CaseEvent } from "../../machines/runtime.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { inputs, payloadOf, samples } from "./samples.ts";
import { inVersionsV2Test, v2Samples, type Ctx } from "./samples-v2.ts";

/** The sample events for a version: the second versions of renewal and pension take computed payloads. */
const samplesFor = (type: CaseType, version: number): ((ctx: Ctx) => CaseEvent[]) =>
  inVersionsV2Test(type, version) ? v2Samples[type]! : samples[type];

const modules = caseTypes.flatMap((type) =>
  Object.values(machineRegistry[type] as Record<number, CaseMachineModule>).map(
    (mod) => [`${type} v${mod.version}`, type, mod] as const,
  ),
);

describe.each(modules)("%s: transitions in the reused scope", (_name, type: CaseType, mod) => {
  const sampleEvents = samplesFor(type, mod.version);
  it("give xstate's transition() snapshot on every edge within five steps", () => {
    let frontier: AnyMachineSnapshot[] = [initialSnapshot(mod, inputs[type])];
    const taken = new Set<string>();
    for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
      const next: AnyMachineSnapshot[] = [];
      const seen = new Set<string>();
      for (const s of frontier) {
        for (const e of sampleEvents(s.context as Ctx)) {
          if (!Object.hasOwn(mod.events, e.type) || !mod.events[e.type].payload.safeParse(payloadOf(e)).success)
            continue;
          if (!canTake(mod, s, e)) continue;
          const ours = nextFrom(mod, s, e);
          const [theirs] = transition(mod.machine, s, e);
          expect(ours.changed).toBe(true);
          expect(persist(ours.snapshot)).toEqual(persist(theirs));
          taken.add(e.type);
          const key = JSON.stringify(persist(ours.snapshot));
          if (!seen.has(key)) {
            seen.add(key);
            next.push(ours.snapshot);
          }
        }
      }
      frontier = next;
    }
    // every event of the version was compared, on some edge (a scope compared on nothing would prove nothing)
    expect([...taken].sort()).toEqual(Object.keys(mod.events).sort());
  });
});
