// Model-based tests: the paths come from each machine's own graph (xstate/graph), and
// coverage is measured against the machine definition, not against a hand-written list.
import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { getAdjacencyMap, getShortestPaths, type AdjacencyValue, type StatePath } from "xstate/graph";
import { caseTypes, latestMachine, machineRegistry, type CaseType } from "../../machines/index.ts";
import { canTake, initialSnapshot, nextSnapshot, persist, type CaseEvent } from "../../machines/runtime.ts";
import { inputs, payloadOf, samples } from "./samples.ts";
import { inVersionsV2Test } from "./samples-v2.ts";

type Path = StatePath<AnyMachineSnapshot, CaseEvent>;

/**
 * Graph vertices are state + facts. Counters (reissueCount, applicationCount, ...) grow on
 * self-transitions and would make the graph infinite, so they are left out of the key.
 */
function serializeState(snapshot: AnyMachineSnapshot): string {
  const facts = Object.entries(snapshot.context as Record<string, unknown>).filter(([k]) => !k.endsWith("Count"));
  return JSON.stringify([snapshot.value, facts]);
}

const edge = (from: string, type: string, to: string) => `${from} --${type}--> ${to}`;

/** Every state × event edge of the definition, read from the machine's state nodes. */
function definitionEdges(mod: ReturnType<typeof latestMachine>): Set<string> {
  const edges = new Set<string>();
  for (const [name, node] of Object.entries(mod.machine.root.states)) {
    for (const [type, transitions] of node.transitions) {
      for (const t of transitions) edges.add(edge(name, type, t.target?.[0]?.key ?? name));
    }
  }
  return edges;
}

// renewal v2 and pensionTransfer v2 are in versions-v2.test.ts; every other version is here.
// every installed version of every type: old versions keep running for the cases opened on them
const modules = caseTypes.flatMap((type) =>
  Object.values(machineRegistry[type] as Record<number, ReturnType<typeof latestMachine>>)
    .filter((mod) => !inVersionsV2Test(type, mod.version))
    .map((mod) => [`${type} v${mod.version}`, type, mod] as const),
);

describe.each(modules)("%s: model-based paths", (_name, type: CaseType, mod) => {
  const options = {
    input: inputs[type],
    serializeState,
    // only what the engine would pass on: payloads this version's schemas accept
    events: (s: AnyMachineSnapshot) =>
      samples[type](s.context).filter(
        (e) => !Object.hasOwn(mod.events, e.type) || mod.events[e.type]!.payload.safeParse(payloadOf(e)).success,
      ),
  };
  const shortest = getShortestPaths(mod.machine, options) as Path[];
  const adjacency = getAdjacencyMap(mod.machine, options) as Record<
    string,
    AdjacencyValue<AnyMachineSnapshot, CaseEvent>
  >;
  const pathTo = new Map(shortest.map((p) => [serializeState(p.state), p]));

  // One generated path per enabled edge of the graph: shortest path to its source + the edge.
  const edgePaths: Array<{ name: string; events: CaseEvent[]; expected: AnyMachineSnapshot }> = [];
  for (const [key, { state, transitions }] of Object.entries(adjacency)) {
    for (const { event, state: next } of Object.values(transitions)) {
      if (!state.can(event)) continue; // a guard refused this sample: not an edge
      const head = pathTo.get(key)!;
      const events = head.steps.slice(1).map((s) => s.event);
      edgePaths.push({
        name: edge(String(state.value), event.type, String(next.value)) + ` after ${events.length} events`,
        events: [...events, event],
        expected: next,
      });
    }
  }

  it("samples are valid payloads for their event schemas", () => {
    for (const { events } of edgePaths) {
      for (const ev of events) expect(mod.events[ev.type]!.payload.safeParse(payloadOf(ev)).success).toBe(true);
    }
  });

  it("reaches every state of the definition", () => {
    const reached = new Set(shortest.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(Object.keys(mod.machine.root.states).sort());
    expect(Object.keys(mod.states).sort()).toEqual(Object.keys(mod.machine.root.states).sort());
  });

  it("takes every transition of the definition", () => {
    const taken = new Set<string>();
    for (const { events } of edgePaths) {
      let snapshot = initialSnapshot(mod, inputs[type]);
      for (const ev of events) {
        const from = String(snapshot.value);
        snapshot = nextSnapshot(mod, persist(snapshot), ev).snapshot;
        taken.add(edge(from, ev.type, String(snapshot.value)));
      }
    }
    expect([...taken].sort()).toEqual([...definitionEdges(mod)].sort());
  });

  it.each(edgePaths.map((p) => [p.name, p] as const))("replays %s through runtime.nextSnapshot", (_name, path) => {
    let persisted = persist(initialSnapshot(mod, inputs[type]));
    for (const ev of path.events) {
      const result = nextSnapshot(mod, JSON.stringify(persisted), ev);
      expect(result.changed, `${ev.type} in ${persisted.value}`).toBe(true);
      persisted = persist(result.snapshot);
      expect(result.state).toBe(persisted.value);
    }
    expect(persisted.value).toBe(path.expected.value);
    expect(persisted.context).toEqual(path.expected.context);
    expect(persisted.status).toBe(path.expected.status);
    // final states accept nothing more
    if (path.expected.status === "done") {
      for (const ev of samples[type](persisted.context)) {
        expect(canTake(mod, path.expected, ev)).toBe(false);
      }
    }
  });
});
