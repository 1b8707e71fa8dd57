// A released machine version is never edited in place (docs/case-types.md): cases opened on it
// replay its events forever. Each (type, version) is kept here as it was released: its states,
// transitions and guards, its events' payload schemas, labels, sides and limits, its refusals,
// computed payloads and record effects. A failing snapshot means a released version changed: put the change in a new
// version instead. A NEW version's (or type's) snapshot is written by running this file once
// (`npx vitest run --project unit test/machines/released-versions.test.ts`; CI writes none, so a
// missing one fails there) and is committed with it.
//
// The type's declaration (insurance, enrolment, documents, required documents) is kept too: it may
// change without a new version (it changes no stored case), but not unnoticed.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { caseTypes, definitionOf, machineRegistry } from "../../machines/index.ts";
import { definitionJson } from "../../machines/runtime.ts";
import type { CaseMachineModule, CaseTypeDefinition } from "../../machines/types.ts";

const mapValues = <V, W>(o: Record<string, V>, f: (v: V) => W) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

/** Everything a version fixes, as JSON. */
function released(mod: CaseMachineModule) {
  const def = definitionJson(mod);
  return {
    ...def,
    maxPerCase: mapValues(mod.events, (spec) => spec.maxPerCase ?? null),
    refusals: mod.refusals ?? {},
    computed: mapValues(mod.computed ?? {}, (c) => ({ computedBy: c.computedBy, request: z.toJSONSchema(c.request) })),
    // what its events add to contribution records (the versions that declare none are kept as they were)
    ...(mod.recordEffects ? { recordEffects: mod.recordEffects } : {}),
  };
}

/** The declaration as JSON (its view functions by name only). */
function declared(def: CaseTypeDefinition) {
  const { versions, view, ...rest } = def;
  return {
    ...rest,
    versions: versions.map((m) => m.version),
    view: view ? { functions: Object.keys(view).filter((k) => k !== "statusReadsFacts"), ...view } : null,
  };
}

const snapshot = (name: string) => `./__snapshots__/released/${name}.json`;

describe.each(caseTypes)("%s", (type) => {
  it.each(Object.values(machineRegistry[type]).map((mod) => [mod.version, mod] as const))(
    "version %i is as it was released",
    async (version, mod) => {
      await expect(JSON.stringify(released(mod), null, 2) + "\n").toMatchFileSnapshot(snapshot(`${type}.v${version}`));
    },
  );

  it("its declaration is as recorded", async () => {
    await expect(JSON.stringify(declared(definitionOf(type)), null, 2) + "\n").toMatchFileSnapshot(snapshot(type));
  });
});
