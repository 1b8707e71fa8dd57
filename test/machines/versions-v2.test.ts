// The second versions of renewal and pensionTransfer: model-based paths from each machine's own
// graph (as model.test.ts for version 1), a refusal and an acceptance for each named guard, and
// worked examples of the amounts (integer fen throughout).
import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { getAdjacencyMap, getShortestPaths, type AdjacencyValue, type StatePath } from "xstate/graph";
import { getMachine, latestMachine, type CaseMachineModule } from "../../machines/index.ts";
import {
  canTake,
  initialSnapshot,
  nextSnapshot,
  persist,
  type CaseEvent,
  type PersistedCaseSnapshot,
} from "../../machines/runtime.ts";
import { pooledShareOf } from "../../machines/pensionTransfer.ts";
import { payloadOf } from "./samples.ts";
import {
  assess,
  backPaid,
  certificate,
  notBackPayable,
  on,
  pensionSamples,
  renewalSamples,
  type Ctx,
} from "./samples-v2.ts";

const suites: [string, CaseMachineModule, (ctx: Ctx) => CaseEvent[]][] = [
  ["renewal v2", getMachine("renewal", 2)!, renewalSamples],
  ["pensionTransfer v2", getMachine("pensionTransfer", 2)!, pensionSamples],
];
const input = { openedOn: "2026-11-30" };

type Path = StatePath<AnyMachineSnapshot, CaseEvent>;
function serializeState(snapshot: AnyMachineSnapshot): string {
  const facts = Object.entries(snapshot.context as Record<string, unknown>).filter(
    ([k]) => !k.endsWith("Count") && k !== "corrections",
  );
  return JSON.stringify([snapshot.value, facts]);
}
const edge = (from: string, type: string, to: string) => `${from} --${type}--> ${to}`;

describe("the second versions are the latest", () => {
  it("versions 2 are installed; new renewals and pension transfers get version 3", () => {
    expect(latestMachine("renewal").version).toBe(3); // version 3 (from the record) beside it: types/renewal.ts
    expect(latestMachine("pensionTransfer").version).toBe(3); // version 3 (from the record): types/pensionTransfer.ts
  });
});

describe.each(suites)("%s: model-based paths", (_name, mod, samples) => {
  const options = { input, serializeState, events: (s: AnyMachineSnapshot) => samples(s.context) };
  const shortest = getShortestPaths(mod.machine, options) as Path[];
  const adjacency = getAdjacencyMap(mod.machine, options) as Record<
    string,
    AdjacencyValue<AnyMachineSnapshot, CaseEvent>
  >;
  const pathTo = new Map(shortest.map((p) => [serializeState(p.state), p]));
  const edgePaths: { events: CaseEvent[]; expected: AnyMachineSnapshot }[] = [];
  for (const [key, { state, transitions }] of Object.entries(adjacency)) {
    for (const { event, state: next } of Object.values(transitions)) {
      if (!state.can(event)) continue;
      edgePaths.push({
        events: [
          ...pathTo
            .get(key)!
            .steps.slice(1)
            .map((s) => s.event),
          event,
        ],
        expected: next,
      });
    }
  }

  it("samples are valid payloads", () => {
    for (const { events } of edgePaths)
      for (const ev of events)
        expect(mod.events[ev.type]!.payload.safeParse(payloadOf(ev)).success, ev.type).toBe(true);
  });

  it("reaches every state and takes every transition of the definition", () => {
    expect([...new Set(shortest.map((p) => String(p.state.value)))].sort()).toEqual(
      Object.keys(mod.machine.root.states).sort(),
    );
    const defined = new Set<string>();
    for (const [name, node] of Object.entries(mod.machine.root.states))
      for (const [type, ts] of node.transitions)
        for (const t of ts) defined.add(edge(name, type, t.target?.[0]?.key ?? name));
    const taken = new Set<string>();
    for (const { events, expected } of edgePaths) {
      let persisted = persist(initialSnapshot(mod, input));
      for (const ev of events) {
        const r = nextSnapshot(mod, JSON.stringify(persisted), ev);
        expect(r.changed, `${ev.type} in ${persisted.value}`).toBe(true);
        taken.add(edge(String(persisted.value), ev.type, r.state));
        persisted = persist(r.snapshot);
      }
      expect(persisted.value).toBe(expected.value);
      expect(persisted.context).toEqual(expected.context);
      if (expected.status === "done")
        for (const ev of samples(persisted.context)) expect(canTake(mod, expected, ev)).toBe(false);
    }
    expect([...taken].sort()).toEqual([...defined].sort());
  });
});

function run(mod: CaseMachineModule, events: CaseEvent[]): PersistedCaseSnapshot {
  let persisted = persist(initialSnapshot(mod, input));
  for (const ev of events) {
    const r = nextSnapshot(mod, persisted, ev);
    expect(r.changed, `${ev.type} in ${persisted.value}`).toBe(true);
    persisted = persist(r.snapshot);
  }
  return persisted;
}
const refuses = (mod: CaseMachineModule, at: PersistedCaseSnapshot, ev: CaseEvent) => {
  const r = nextSnapshot(mod, at, ev);
  expect(r.changed, ev.type).toBe(false);
  expect(persist(r.snapshot)).toEqual(at);
};

describe("renewal v2 guards", () => {
  const mod = getMachine("renewal", 2)!;
  it("has exactly these named guards", () => {
    expect(Object.keys(mod.machine.implementations.guards).sort()).toEqual(
      ["assessmentAddsUp", "nothingToPay", "paysAssessedAmount", "withinThreeMonths"].sort(),
    );
  });
  it("assessmentAddsUp: refuses sums, months and lines that do not add up, and months before the lapse", () => {
    const at = run(mod, []);
    refuses(mod, at, assess({ ...backPaid, totalFen: 112_141 }));
    refuses(mod, at, assess({ ...backPaid, principalFen: 112_001, totalFen: 112_141 }));
    refuses(mod, at, assess({ ...backPaid, lateFeeFen: 0, totalFen: 112_000 }));
    refuses(mod, at, assess({ ...backPaid, monthsMissed: 3 }));
    refuses(mod, at, assess({ ...backPaid, lines: [backPaid.lines[1]!, backPaid.lines[0]!] }));
    refuses(mod, at, assess(backPaid, "2026-10", "2026-11"));
    refuses(mod, at, assess({ ...notBackPayable, totalFen: 60_000, principalFen: 60_000 }));
    refuses(mod, at, assess({ ...backPaid, continuity: { ...backPaid.continuity, continuous: false } }));
    expect(nextSnapshot(mod, at, assess(backPaid)).state).toBe("arrearsAssessed");
  });
  it("paysAssessedAmount: exactly the assessed total", () => {
    const at = run(mod, [assess(backPaid)]);
    refuses(mod, at, { type: "PAYMENT_RECEIVED", occurredOn: on, amountFen: 112_000 });
    refuses(mod, at, { type: "PAYMENT_RECEIVED", occurredOn: on, amountFen: 112_141 });
    expect(nextSnapshot(mod, at, { type: "PAYMENT_RECEIVED", occurredOn: on, amountFen: 112_140 }).state).toBe("paid");
    // nothing to pay: no payment, RESTORE instead
    const none = run(mod, [assess(notBackPayable)]);
    refuses(mod, none, { type: "PAYMENT_RECEIVED", occurredOn: on, amountFen: 0 });
  });
  it("nothingToPay: RESTORE from arrearsAssessed only when the gap cannot be back-paid", () => {
    refuses(mod, run(mod, [assess(backPaid)]), { type: "RESTORE", occurredOn: on });
    expect(nextSnapshot(mod, run(mod, [assess(notBackPayable)]), { type: "RESTORE", occurredOn: on }).state).toBe(
      "restored",
    );
  });
  it("withinThreeMonths: as version 1", () => {
    const at = run(mod, []);
    refuses(mod, at, { type: "CONTINUE_BY_EMPLOYER", occurredOn: "2027-03-01" });
    expect(nextSnapshot(mod, at, { type: "CONTINUE_BY_EMPLOYER", occurredOn: "2027-02-28" }).state).toBe("continued");
  });
  it("a reassessment replaces the assessment; the old total no longer pays", () => {
    const at = run(mod, [assess(backPaid), assess(notBackPayable)]);
    expect(at.context).toMatchObject({ assessment: notBackPayable, assessmentCount: 2 });
    refuses(mod, at, { type: "PAYMENT_RECEIVED", occurredOn: on, amountFen: 112_140 });
  });
});

describe("pensionTransfer v2: pooled share, corrections, refusals", () => {
  const mod = getMachine("pensionTransfer", 2)!;
  const toTransferOut = [
    certificate(0),
    { type: "FILE_APPLICATION", occurredOn: on, channel: "offline", applicant: "employer" },
    { type: "ACCEPT", occurredOn: on },
  ] satisfies CaseEvent[];

  it("pooled share: 12 % of the contribution wages since 1998, half up to the fen", () => {
    expect(pooledShareOf(0)).toBe(0);
    expect(pooledShareOf(100)).toBe(12);
    expect(pooledShareOf(4)).toBe(0); // 0.48 fen
    expect(pooledShareOf(5)).toBe(1); // 0.6 fen
    expect(pooledShareOf(19_546_667)).toBe(2_345_600); // 2,345,600.04 fen
    expect(pooledShareOf(19_546_671)).toBe(2_345_601); // 2,345,600.52 fen
    expect(run(mod, [certificate(0)]).context).toMatchObject({ pooledShareFen: 2_345_600 });
  });

  it("has exactly these named guards", () => {
    expect(Object.keys(mod.machine.implementations.guards).sort()).toEqual(
      ["arrearsSettled", "paysOutstandingArrears", "transfersCertifiedAmounts"].sort(),
    );
  });

  it("transfersCertifiedAmounts: exactly the personal account and the computed pooled share", () => {
    const at = run(mod, toTransferOut);
    const done = (personalAccountFen: number, pooledFundFen: number): CaseEvent => ({
      type: "TRANSFER_OUT_DONE",
      occurredOn: on,
      personalAccountFen,
      pooledFundFen,
    });
    refuses(mod, at, done(4_567_800, 1));
    refuses(mod, at, done(4_567_800, 2_345_601));
    refuses(mod, at, done(4_567_799, 2_345_600));
    expect(nextSnapshot(mod, at, done(4_567_800, 2_345_600)).state).toBe("transferIn");
  });

  it("arrearsSettled and paysOutstandingArrears: as version 1", () => {
    const at = run(mod, [certificate(9_900), ...toTransferOut.slice(1)]);
    const done: CaseEvent = {
      type: "TRANSFER_OUT_DONE",
      occurredOn: on,
      personalAccountFen: 4_567_800,
      pooledFundFen: 2_345_600,
    };
    refuses(mod, at, done);
    refuses(mod, at, { type: "ARREARS_PAID", occurredOn: on, paidFen: 9_899 });
    const paid = run(mod, [
      certificate(9_900),
      ...toTransferOut.slice(1),
      { type: "ARREARS_PAID", occurredOn: on, paidFen: 9_900 },
    ]);
    refuses(mod, paid, { type: "ARREARS_PAID", occurredOn: on, paidFen: 0 });
    expect(nextSnapshot(mod, paid, done).state).toBe("transferIn");
  });

  it("a corrected certificate needs a reason, keeps before and corrected, and later checks use it", () => {
    const reissue = mod.events.REISSUE_CERTIFICATE!.payload;
    expect(reissue.safeParse({ personalAccountFen: 1 }).success).toBe(false);
    expect(reissue.safeParse({}).success).toBe(true);
    expect(reissue.safeParse({ personalAccountFen: 1, reason: "录入有误" }).success).toBe(true);
    const at = run(mod, [
      certificate(9_900),
      { type: "ARREARS_PAID", occurredOn: on, paidFen: 9_900 },
      {
        type: "REISSUE_CERTIFICATE",
        occurredOn: "2026-12-07",
        contributionWagesSince1998Fen: 20_000_000,
        arrearsFen: 12_000,
        reason: "缴费工资总额漏计2019年",
      },
      ...toTransferOut.slice(1),
    ]);
    expect(at.context).toMatchObject({
      pooledShareFen: 2_400_000,
      certifiedArrearsFen: 12_000,
      arrearsFen: 2_100,
      reissueCount: 1,
      corrections: [
        {
          occurredOn: "2026-12-07",
          reason: "缴费工资总额漏计2019年",
          before: { contributionWagesSince1998Fen: 19_546_667, arrearsFen: 9_900, personalAccountFen: 4_567_800 },
          corrected: { contributionWagesSince1998Fen: 20_000_000, arrearsFen: 12_000, personalAccountFen: 4_567_800 },
        },
      ],
    });
    const done = (pooledFundFen: number): CaseEvent => ({
      type: "TRANSFER_OUT_DONE",
      occurredOn: on,
      personalAccountFen: 4_567_800,
      pooledFundFen,
    });
    refuses(mod, at, { type: "ARREARS_PAID", occurredOn: on, paidFen: 12_000 });
    const settled = run(mod, [
      certificate(9_900),
      { type: "ARREARS_PAID", occurredOn: on, paidFen: 9_900 },
      {
        type: "REISSUE_CERTIFICATE",
        occurredOn: on,
        contributionWagesSince1998Fen: 20_000_000,
        arrearsFen: 12_000,
        reason: "更正",
      },
      ...toTransferOut.slice(1),
      { type: "ARREARS_PAID", occurredOn: on, paidFen: 2_100 },
    ]);
    refuses(mod, settled, done(2_345_600));
    expect(nextSnapshot(mod, settled, done(2_400_000)).state).toBe("transferIn");
  });

  it("REFUSE: a reason code, the reason alone (then other), other needs the reason", () => {
    const refuse = mod.events.REFUSE!.payload;
    expect(refuse.safeParse({ reasonCode: "documentsIncomplete" }).success).toBe(true);
    expect(refuse.safeParse({ reason: "未办理增员" }).success).toBe(true);
    expect(refuse.safeParse({ reasonCode: "other" }).success).toBe(false);
    expect(refuse.safeParse({ reasonCode: "nope" }).success).toBe(false);
    expect(refuse.safeParse({}).success).toBe(false);
    const filed = toTransferOut.slice(0, 2);
    expect(
      run(mod, [...filed, { type: "REFUSE", occurredOn: on, reasonCode: "documentsIncomplete" }]).context,
    ).toMatchObject({ refusalReasonCode: "documentsIncomplete", refusalReason: null });
    expect(run(mod, [...filed, { type: "REFUSE", occurredOn: on, reason: "未办理增员" }]).context).toMatchObject({
      refusalReasonCode: "other",
      refusalReason: "未办理增员",
    });
  });
});
