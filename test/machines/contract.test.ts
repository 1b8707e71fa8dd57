// The module contract (types.ts) and the runtime helpers: metadata, labels, purity,
// determinism, allowed events per state, registry.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { CaseMachineModule, CaseType } from "../../machines/index.ts";
import {
  caseTypeInfo,
  caseTypes,
  getMachine,
  isCaseType,
  latestMachine,
  machineRegistry,
} from "../../machines/index.ts";
import {
  eventsDefinedIn,
  canTake,
  definitionJson,
  initialSnapshot,
  nextSnapshot,
  persist,
  type CaseEvent,
} from "../../machines/runtime.ts";
import { happyPathOf, inputs, on, payloadOf, samples } from "./samples.ts";
import { typeTests, typesWithTests } from "./typeTests.ts";
import { inVersionsV2Test } from "./samples-v2.ts";

const dir = new URL("../../machines/", import.meta.url);
const source = (file: string) => readFileSync(new URL(file, dir), "utf8");
// one file per case type, named after it (docs/case-types.md)
const files: Record<CaseType, string> = Object.fromEntries(caseTypes.map((t) => [t, `${t}.ts`])) as Record<
  CaseType,
  string
>;
const CJK = /[\u4e00-\u9fff]/;

/** Module specifiers of static imports/re-exports, dynamic imports and requires. */
function imports(code: string): string[] {
  const found = [...code.matchAll(/\b(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/g)].map((m) => m[1]!);
  found.push(...[...code.matchAll(/\b(?:import|require)\s*\(\s*["']([^"']+)["']/g)].map((m) => m[1]!));
  found.push(...[...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm)].map((m) => m[1]!));
  return found;
}
const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:])\/\/.*$/gm, "$1");

describe("registry", () => {
  it("lists the case types that have their tests (test/machines/types/<type>.ts), with the versions they name", () => {
    expect([...caseTypes].sort()).toEqual(typesWithTests);
    for (const type of caseTypes) {
      const versions = typeTests[type].versions.map(String);
      expect(latestMachine(type).type).toBe(type);
      expect(latestMachine(type).version).toBe(Number(versions.at(-1)));
      expect(getMachine(type, Number(versions.at(-1)))).toBe(latestMachine(type));
      expect(getMachine(type, versions.length + 1)).toBeUndefined();
      expect(Object.keys(machineRegistry[type])).toEqual(versions);
    }
    expect(getMachine("nope" as CaseType, 1)).toBeUndefined();
    expect(() => latestMachine("nope" as CaseType)).toThrow();
  });

  it("carries each type's metadata: label, a case number prefix of its own, one agency or two", () => {
    for (const type of caseTypes) expect(caseTypeInfo(type)).toEqual({ type, ...typeTests[type].info });
    const prefixes = caseTypes.map((t) => caseTypeInfo(t).caseNumberPrefix);
    expect(new Set(prefixes).size).toBe(caseTypes.length);
    for (const p of prefixes) expect(p).toMatch(/^[A-Z]{2}$/);
    expect(isCaseType("renewal")).toBe(true);
    for (const bad of ["nope", "constructor", "__proto__", 1, undefined]) expect(isCaseType(bad)).toBe(false);
  });
});

// what each file of machines/ may import: nothing of the service, no I/O
const shared = ["runtime.ts", "types.ts", "vocabulary.ts", "registry.ts", "index.ts"];
describe("purity", () => {
  it.each(Object.values(files))("%s imports only xstate, zod, ./types.ts, ./runtime.ts and ./vocabulary.ts", (file) => {
    const code = source(file);
    expect(imports(code)).toEqual(expect.arrayContaining(["xstate", "zod", "./types.ts", "./runtime.ts"]));
    for (const spec of imports(code))
      expect(["xstate", "zod", "./types.ts", "./runtime.ts", "./vocabulary.ts"]).toContain(spec);
  });
  it("the shared files import only xstate, zod and each other; index.ts also the machine files", () => {
    const allowed: Record<string, string[]> = {
      "runtime.ts": ["xstate", "zod", "./types.ts"],
      "types.ts": ["xstate", "zod", "./vocabulary.ts"],
      "vocabulary.ts": ["zod"],
      "registry.ts": ["./types.ts", "./vocabulary.ts"],
      "index.ts": ["./types.ts", "./registry.ts", ...Object.values(files).map((f) => `./${f}`)],
    };
    for (const file of shared) for (const spec of imports(source(file))) expect(allowed[file]).toContain(spec);
  });
  it.each([...Object.values(files), ...shared])("%s uses no clock, randomness, timers or I/O", (file) => {
    const code = withoutComments(source(file));
    for (const banned of [
      /\bDate\b/,
      /\bMath\.random\b/,
      /\bcrypto\b/,
      /\bsetTimeout\b|\bsetInterval\b/,
      /\bprocess\./,
      /\bfetch\s*\(/,
      /\bafter\s*:/,
      /\binvoke\s*:/,
      /\bfromPromise\b|\bfromCallback\b|\bspawn/,
    ]) {
      expect(code, String(banned)).not.toMatch(banned);
    }
  });
});

// renewal v2 and pensionTransfer v2 are in versions-v2.test.ts; every other version is here.
// every installed version of every type (but those of versions-v2.test.ts)
const modules = caseTypes.flatMap((type) =>
  Object.values(machineRegistry[type] as Record<number, CaseMachineModule>)
    .filter((mod) => !inVersionsV2Test(type, mod.version))
    .map((mod) => [`${type} v${mod.version}`, type, mod] as const),
);

describe.each(modules)("%s: contract", (_name, type: CaseType, mod) => {
  const root = mod.machine.root;

  it("machine id/version match the module; flat, no timers, no invoked actors", () => {
    expect(mod.machine.id).toBe(type);
    expect(mod.machine.version).toBe(String(mod.version));
    for (const node of Object.values(root.states)) {
      expect(Object.keys(node.states)).toEqual([]);
      expect(node.after).toEqual([]);
      expect(node.invoke).toEqual([]);
    }
  });

  it("every state's meta is the module's states[name] (same object)", () => {
    expect(Object.keys(mod.states).sort()).toEqual(Object.keys(root.states).sort());
    for (const [name, node] of Object.entries(root.states)) expect(node.meta).toBe(mod.states[name]);
  });

  it("states: labels, steps, sides, outcomes", () => {
    for (const [name, meta] of Object.entries(mod.states)) {
      expect(meta.label.zh, name).toMatch(CJK);
      expect(meta.label.en.trim(), name).not.toBe("");
      expect(meta.step).toBeGreaterThanOrEqual(1);
      expect(meta.step).toBeLessThanOrEqual(mod.steps);
      const final = root.states[name]!.type === "final";
      expect(meta.side === "none", name).toBe(final);
      expect(meta.outcome !== undefined, name).toBe(final);
      if (final) expect(meta.step).toBe(mod.steps);
      if (meta.deadline) expect(meta.deadline.key.startsWith(`${type}.`)).toBe(true);
    }
    expect(mod.states[root.initial.target[0]!.key]!.step).toBe(1);
  });

  it("events: labels, recordedBy, strict zod object payloads; exactly the events of the definition", () => {
    const defined = new Set(Object.values(root.states).flatMap((n) => [...n.transitions.keys()]));
    expect(Object.keys(mod.events).sort()).toEqual([...defined].sort());
    // the last sample of each event type that this version's payload schema takes
    const byType = new Map(
      samples[type]({})
        .filter(
          (e) => !Object.hasOwn(mod.events, e.type) || mod.events[e.type]!.payload.safeParse(payloadOf(e)).success,
        )
        .map((e) => [e.type, e]),
    );
    for (const [name, spec] of Object.entries(mod.events)) {
      expect(spec.label.zh, name).toMatch(CJK);
      expect(spec.label.en.trim(), name).not.toBe("");
      expect(spec.recordedBy.length, name).toBeGreaterThan(0);
      expect(spec.payload).toBeInstanceOf(z.ZodObject);
      expect(byType.has(name), `a sample of ${name} that version ${mod.version} takes`).toBe(true);
      const payload = payloadOf(byType.get(name)!);
      expect(spec.payload.safeParse(payload).success, name).toBe(true);
      expect(spec.payload.safeParse({ ...payload, unexpected: 1 }).success, `${name} is strict`).toBe(false);
    }
  });

  it("definitionJson round-trips through JSON.stringify", () => {
    const def = definitionJson(mod);
    expect(JSON.parse(JSON.stringify(def))).toEqual(def);
    expect(Object.keys(def.states).sort()).toEqual(Object.keys(mod.states).sort());
    expect(def.steps).toBe(mod.steps);
  });

  it("is deterministic and ignores engine-added event fields", () => {
    const drive = (extra: Record<string, unknown>) => {
      const trail: unknown[] = [];
      let persisted = persist(initialSnapshot(mod, inputs[type]));
      for (const event of happyPathOf(type, mod.version)) {
        const result = nextSnapshot(mod, JSON.stringify(persisted), { ...event, ...extra });
        expect(result.changed, event.type).toBe(true);
        persisted = persist(result.snapshot);
        trail.push(persisted);
      }
      expect(persisted.status).toBe("done");
      return trail;
    };
    const a = drive({});
    expect(a).toHaveLength(happyPathOf(type, mod.version).length);
    expect(drive({})).toEqual(a);
    expect(drive({ caseId: "c-1", actorId: "u-9", recordedAt: "2026-03-02T08:00:00+08:00" })).toEqual(a);
  });

  it("nextSnapshot refuses unknown events and snapshots of unknown states", () => {
    const start = persist(initialSnapshot(mod, inputs[type]));
    expect(nextSnapshot(mod, start, { type: "NO_SUCH_EVENT", occurredOn: on }).changed).toBe(false);
    expect(nextSnapshot(mod, start, { type: "xstate.init", occurredOn: on }).changed).toBe(false);
    expect(() => nextSnapshot(mod, { ...start, value: "nowhere" }, { type: "WITHDRAW", occurredOn: on })).toThrow(
      /not a state/,
    );
  });
});

// Event types defined in each state (ignoring payload and guards): the tables of the types' tests.
const tableOf = (type: CaseType, mod: CaseMachineModule) => typeTests[type].allowedEvents[mod.version]!;

describe.each(modules.filter(([, type, mod]) => !inVersionsV2Test(type, mod.version)))(
  "%s: allowedEvents per state",
  (_name, type: CaseType, mod) => {
    const context = initialSnapshot(mod, inputs[type]).context;
    it.each(Object.entries(tableOf(type, mod)))("%s → %j", (state, expected) => {
      const snapshot = mod.machine.resolveState({ value: state, context });
      expect([...eventsDefinedIn(mod, snapshot)].sort()).toEqual([...expected].sort());
    });
    it("the table covers every state", () => {
      expect(Object.keys(tableOf(type, mod)).sort()).toEqual(Object.keys(mod.states).sort());
    });
  },
);

describe("module-level facts from the brief", () => {
  it("medicalTransfer deadlines, sides, recordedBy, steps", () => {
    const m = getMachine("medicalTransfer", 1)!;
    expect(m.steps).toBe(6);
    expect(m.overall).toEqual({
      startsWith: "ACCEPT",
      key: "medicalTransfer.overall",
      nationalMaxDays: 15,
      agency: "transferIn",
    });
    expect(m.states.transferOut!.deadline).toEqual({
      key: "medicalTransfer.transferOut",
      nationalMaxDays: 10,
      agency: "transferOut",
    });
    expect(m.states.transferIn!.deadline).toEqual({
      key: "medicalTransfer.transferIn",
      nationalMaxDays: 5,
      agency: "transferIn",
    });
    const sides = Object.fromEntries(Object.entries(m.states).map(([k, v]) => [k, v.side]));
    expect(sides).toEqual({
      suspended: "transferOut",
      certificateIssued: "insured",
      applicationFiled: "transferIn",
      refused: "insured",
      transferOut: "transferOut",
      transferIn: "transferIn",
      transferred: "none",
      withdrawn: "none",
    });
    const steps = Object.fromEntries(Object.entries(m.states).map(([k, v]) => [k, v.step]));
    expect(steps).toEqual({
      suspended: 1,
      certificateIssued: 2,
      applicationFiled: 3,
      refused: 3,
      transferOut: 4,
      transferIn: 5,
      transferred: 6,
      withdrawn: 6,
    });
    const by = Object.fromEntries(Object.entries(m.events).map(([k, v]) => [k, v.recordedBy]));
    expect(by).toEqual({
      ISSUE_CERTIFICATE: ["transferOut"],
      REISSUE_CERTIFICATE: ["transferOut"],
      ARREARS_PAID: ["transferOut"],
      TRANSFER_OUT_DONE: ["transferOut"],
      ACCEPT: ["transferIn"],
      REFUSE: ["transferIn"],
      TRANSFER_IN_DONE: ["transferIn"],
      FILE_APPLICATION: ["transferOut", "transferIn"],
      WITHDRAW: ["transferOut", "transferIn"],
    });
  });

  it("pensionTransfer deadlines and overall", () => {
    const p = latestMachine("pensionTransfer");
    expect(p.overall).toEqual({
      startsWith: "FILE_APPLICATION",
      key: "pensionTransfer.overall",
      nationalMaxDays: 45,
      agency: "transferIn",
    });
    expect(p.states.applicationFiled!.deadline).toEqual({
      key: "pensionTransfer.review",
      nationalMaxDays: 15,
      agency: "transferIn",
    });
    expect(p.states.transferOut!.deadline).toEqual({
      key: "pensionTransfer.transferOut",
      nationalMaxDays: 15,
      agency: "transferOut",
    });
    expect(p.states.transferIn!.deadline).toEqual({
      key: "pensionTransfer.transferIn",
      nationalMaxDays: 15,
      agency: "transferIn",
    });
  });

  it("renewal: one agency, no working-day deadlines", () => {
    const r = latestMachine("renewal");
    expect(r.overall).toBeUndefined();
    expect(r.steps).toBe(4);
    for (const meta of Object.values(r.states)) {
      expect(meta.deadline).toBeUndefined();
      expect(["agency", "insured", "none"]).toContain(meta.side);
    }
    for (const spec of Object.values(r.events)) expect(spec.recordedBy).toEqual(["agency"]);
  });

  it("medicalTransfer v2: the paper flow's metadata unchanged, the online states beside it", () => {
    const v1 = getMachine("medicalTransfer", 1)!;
    const v2 = getMachine("medicalTransfer", 2)!;
    expect(v2.steps).toBe(v1.steps);
    expect(v2.overall).toEqual(v1.overall);
    // the same metadata, but the eligibility check may have an agency's own limit (agencyOnly)
    for (const [name, meta] of Object.entries(v1.states)) {
      const { deadline, ...rest } = v2.states[name]!;
      const { deadline: v1Deadline, ...v1Rest } = meta;
      expect(rest, name).toEqual(v1Rest);
      if (name === "applicationFiled")
        expect(deadline).toMatchObject({ key: "medicalTransfer.review", agencyOnly: true });
      else expect(deadline, name).toEqual(v1Deadline);
    }
    expect(v2.states.onlineApplicationFiled!.deadline).toEqual(v2.states.applicationFiled!.deadline);
    expect(v2.states.onlineTransferOut!.deadline).toEqual(v1.states.transferOut!.deadline);
    expect(v2.states.onlineApplicationFiled).toMatchObject({ side: "transferIn", step: 3 });
    expect(v2.states.onlineRefused).toMatchObject({ side: "insured", step: 3 });
    expect(v2.states.onlineTransferOut).toMatchObject({ side: "transferOut", step: 4 });
    for (const type of Object.keys(v1.events))
      expect(v2.events[type]!.recordedBy, type).toEqual(v1.events[type]!.recordedBy);
    expect(v2.events.APPLY_ONLINE!.recordedBy).toEqual(["transferIn"]);
    expect(v2.events.ISSUE_RECORD_FORM!.recordedBy).toEqual(["transferOut"]);
    // the payloads that changed: REFUSE (codes), REISSUE_CERTIFICATE (corrections); the others are v1's
    for (const type of Object.keys(v1.events).filter((t) => t !== "REFUSE" && t !== "REISSUE_CERTIFICATE")) {
      expect(v2.events[type]!.payload, type).toBe(v1.events[type]!.payload);
    }
    const refuse = v2.events.REFUSE!.payload;
    expect(refuse.safeParse({ reason: "未参保" }).success).toBe(true);
    expect(refuse.safeParse({ reasonCode: "documentsIncomplete" }).success).toBe(true);
    expect(refuse.safeParse({ reasonCode: "other" }).success).toBe(false);
    expect(refuse.safeParse({}).success).toBe(false);
    const reissue = v2.events.REISSUE_CERTIFICATE!.payload;
    expect(reissue.safeParse({}).success).toBe(true);
    expect(reissue.safeParse({ accountBalanceFen: 1 }).success).toBe(false); // a correction needs a reason
    expect(reissue.safeParse({ accountBalanceFen: 1, reason: "更正" }).success).toBe(true);
    expect(reissue.safeParse({ accountBalanceFen: 1.5, reason: "更正" }).success).toBe(false);
  });

  it.each([1, 2])("medicalTransfer v%i: WITHDRAW only before transfer-out; refused may file again", (version) => {
    const m = getMachine("medicalTransfer", version)!;
    const withdraw: CaseEvent = { type: "WITHDRAW", occurredOn: on, reason: "不再转移" };
    for (const [state, meta] of Object.entries(m.states)) {
      const s = m.machine.resolveState({ value: state, context: initialSnapshot(m, inputs.medicalTransfer).context });
      const expected = meta.step <= 3 && meta.side !== "none";
      expect(canTake(m, s, withdraw), state).toBe(expected);
    }
  });
});
