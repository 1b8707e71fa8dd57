// Every named guard: one case where it refuses (event not taken, state and facts
// unchanged, canTake false) and one where it lets the event through (the cases are in each
// type's tests, test/machines/types/<type>.ts); and the guards' finer points, type by type.
import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import type { CaseType } from "../../machines/index.ts";
import { caseTypes, getMachine, machineRegistry } from "../../machines/index.ts";
import type { CaseMachineModule } from "../../machines/types.ts";
import { addCalendarMonths } from "../../machines/vocabulary.ts";
import {
  canTake,
  initialSnapshot,
  nextSnapshot,
  persist,
  type CaseEvent,
  type PersistedCaseSnapshot,
} from "../../machines/runtime.ts";
import { inputs, on } from "./samples.ts";
import { typeTests } from "./typeTests.ts";
import { inVersionsV2Test } from "./samples-v2.ts";

const ev = (type: string, fields: Record<string, unknown> = {}, occurredOn = on): CaseEvent => ({
  type,
  occurredOn,
  ...fields,
});
const medCert = (arrearsFen: number) =>
  ev("ISSUE_CERTIFICATE", { contributionMonths: 36, accountBalanceFen: 123_456, arrearsFen });
const file = ev("FILE_APPLICATION", { channel: "offline", applicant: "employer" });
const assess = ev("ASSESS_ARREARS", { monthsMissed: 2, principalFen: 120_000, lateFeeFen: 600, backPayable: true });

/** Every guard case of the types' tests (test/machines/types/<type>.ts). */
const cases = caseTypes.flatMap((type) => typeTests[type].guards.map((c) => ({ ...c, type })));

const moduleOf = (type: CaseType, version?: number): CaseMachineModule => getMachine(type, version ?? 1)!;

function run(
  type: CaseType,
  input: { openedOn: string },
  events: CaseEvent[],
  version?: number,
): PersistedCaseSnapshot {
  const mod = moduleOf(type, version);
  let persisted = persist(initialSnapshot(mod, input));
  for (const event of events) {
    const result = nextSnapshot(mod, persisted, event);
    expect(result.changed, `${event.type} in ${persisted.value}`).toBe(true);
    persisted = persist(result.snapshot);
  }
  return persisted;
}

// renewal v2 and pensionTransfer v2 are in versions-v2.test.ts; every other version is here.
describe("named guards", () => {
  it("every guard of every machine has a case here", () => {
    // every installed version's guards
    const named = (type: CaseType) =>
      Object.values(machineRegistry[type] as Record<number, CaseMachineModule>)
        .filter((mod) => !inVersionsV2Test(type, mod.version))
        .flatMap((mod) => Object.keys(mod.machine.implementations.guards).map((g) => `${type}@${mod.version}.${g}`));
    const all = [...new Set(caseTypes.flatMap(named))].sort();
    const at = (c: (typeof cases)[number]) => `${c.type}@${moduleOf(c.type, c.version).version}.${c.guard}`;
    expect([...new Set(cases.map(at))].sort()).toEqual(all);
  });

  it.each(cases.map((c) => [`${c.type} v${moduleOf(c.type, c.version).version} ${c.guard}`, c] as const))(
    "%s refuses, then accepts",
    (_n, c) => {
      const mod = moduleOf(c.type, c.version);
      const input = c.input ?? inputs[c.type];
      const at = run(c.type, input, c.before, c.version);
      const restored = mod.machine.resolveState(at);

      for (const event of c.refused) {
        expect(canTake(mod, restored, event)).toBe(false);
        expect(restored.can(event)).toBe(false);
        // the event is defined in this state: only the guard stands in the way
        expect(Object.keys(restored._nodes.at(-1)!.on)).toContain(event.type);
        const [same] = transition(mod.machine, restored, event);
        expect(same.value).toBe(at.value);
        expect(same.context).toEqual(at.context);
        const result = nextSnapshot(mod, at, event);
        expect(result.changed).toBe(false);
        expect(result.state).toBe(at.value);
        expect(persist(result.snapshot)).toEqual(at);
      }

      const ready = run(c.type, input, [...c.before, ...c.fix], c.version);
      expect(canTake(mod, mod.machine.resolveState(ready), c.accepted)).toBe(true);
      const result = nextSnapshot(mod, ready, c.accepted);
      expect(result.changed).toBe(true);
      expect(result.state).toBe(c.to);
    },
  );

  it("renewal: ASSESS_ARREARS again replaces the amounts; backPayable false means a waiting period", () => {
    const at = run("renewal", inputs.renewal, [
      assess,
      ev("ASSESS_ARREARS", { monthsMissed: 8, principalFen: 60_000, lateFeeFen: 0, backPayable: false }),
    ]);
    expect(at.value).toBe("arrearsAssessed");
    expect(at.context).toMatchObject({ principalFen: 60_000, lateFeeFen: 0, monthsMissed: 8 });
    expect(at.context).toMatchObject({ waitingPeriodApplies: true, assessmentCount: 2 });
    // the old amount no longer pays
    const mod = getMachine("renewal", 1)!;
    expect(nextSnapshot(mod, at, ev("PAYMENT_RECEIVED", { amountFen: 120_600 })).changed).toBe(false);
    expect(nextSnapshot(mod, at, ev("PAYMENT_RECEIVED", { amountFen: 60_000 })).state).toBe("paid");
  });

  it.each([1, 2])("medical v%i: arrears paid are recorded; REISSUE_CERTIFICATE is counted", (version) => {
    const at = run(
      "medicalTransfer",
      inputs.medicalTransfer,
      [
        medCert(5_000),
        ev("REISSUE_CERTIFICATE"),
        ev("ARREARS_PAID", { paidFen: 5_000 }),
        file,
        ev("REISSUE_CERTIFICATE"),
      ],
      version,
    );
    expect(at.context).toMatchObject({ arrearsFen: 0, arrearsPaidFen: 5_000, reissueCount: 2 });
  });

  it("medical v2: corrections keep before and after; the outstanding arrears follow the latest certificate", () => {
    const at = run(
      "medicalTransfer",
      inputs.medicalTransfer,
      [
        medCert(5_000),
        ev("ARREARS_PAID", { paidFen: 5_000 }),
        ev(
          "REISSUE_CERTIFICATE",
          { arrearsFen: 7_000, accountBalanceFen: 100_000, reason: "欠费少算两个月" },
          "2026-03-03",
        ),
        ev("REISSUE_CERTIFICATE", {}, "2026-03-04"),
      ],
      2,
    );
    expect(at.context).toMatchObject({
      flow: "paper",
      accountBalanceFen: 100_000,
      certifiedArrearsFen: 7_000,
      arrearsPaidFen: 5_000,
      arrearsFen: 2_000, // 7,000 stated, 5,000 already paid
      reissueCount: 2,
      certificateCorrections: [
        {
          occurredOn: "2026-03-03",
          reason: "欠费少算两个月",
          changes: { arrearsFen: { from: 5_000, to: 7_000 }, accountBalanceFen: { from: 123_456, to: 100_000 } },
        },
      ],
    });
    const mod = getMachine("medicalTransfer", 2)!;
    expect(nextSnapshot(mod, at, ev("ARREARS_PAID", { paidFen: 2_000 })).changed).toBe(true);
    // corrected below what was paid: nothing outstanding
    const lower = run(
      "medicalTransfer",
      inputs.medicalTransfer,
      [
        medCert(5_000),
        ev("ARREARS_PAID", { paidFen: 5_000 }),
        ev("REISSUE_CERTIFICATE", { arrearsFen: 1_000, reason: "多算" }),
      ],
      2,
    );
    expect(lower.context).toMatchObject({ arrearsFen: 0, certifiedArrearsFen: 1_000 });
  });

  it("medical v2: REFUSE keeps the latest reason code; a reason alone means other", () => {
    const refuse = (payload: Record<string, unknown>) =>
      run("medicalTransfer", inputs.medicalTransfer, [medCert(0), file, ev("REFUSE", payload)], 2).context;
    expect(refuse({ reasonCode: "notEnrolledAtNewPlace" })).toMatchObject({
      refusalReasonCode: "notEnrolledAtNewPlace",
      refusalReason: null,
    });
    expect(refuse({ reason: "材料缺失" })).toMatchObject({ refusalReasonCode: "other", refusalReason: "材料缺失" });
    const twice = run(
      "medicalTransfer",
      inputs.medicalTransfer,
      [
        ev("APPLY_ONLINE", { applicant: "individual" }),
        ev("REFUSE", { reasonCode: "documentsIncomplete" }),
        ev("APPLY_ONLINE", { applicant: "individual" }),
        ev("REFUSE", { reasonCode: "detailsDoNotMatch", reason: "姓名不一致" }),
      ],
      2,
    );
    expect(twice.value).toBe("onlineRefused");
    expect(twice.context).toMatchObject({
      flow: "online",
      channel: "online",
      applicationCount: 2,
      refusalReasonCode: "detailsDoNotMatch",
      refusalReason: "姓名不一致",
    });
  });
});

describe("addCalendarMonths (pure date-string arithmetic)", () => {
  it.each([
    ["2026-11-30", 3, "2027-02-28"],
    ["2027-11-30", 3, "2028-02-29"], // leap year
    ["2026-01-31", 1, "2026-02-28"],
    ["2026-10-15", 3, "2027-01-15"],
    ["2026-12-31", 12, "2027-12-31"],
    ["2099-11-30", 3, "2100-02-28"], // 2100 is not a leap year
    ["2026-03-31", -1, "2026-02-28"],
  ] as const)("%s + %i months = %s", (date, n, expected) => {
    expect(addCalendarMonths(date, n)).toBe(expected);
  });
  it.each(["2026-02-30", "2026-13-01", "2026-1-01", "", "2026-02-28T00:00"])("rejects %j", (date) => {
    expect(addCalendarMonths(date, 3)).toBeNull();
  });
});
