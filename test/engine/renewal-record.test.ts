// Policies per insurance, the insurances an agency handles, and the renewal from the contribution
// record (version 3), in the engine: the missed months default to the gap in the renewal agency's
// record, the continuity before it comes from the record, a payment adds the back-paid months to the
// record, and cover is restored only while the record holds them. Version 2 cases keep their rules.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMachine, latestMachine, type CaseType } from "../../machines/index.ts";
import { directSqlOf } from "../../src/db/client.ts";
import { createAgency, updateAgency } from "../../src/engine/agencies.ts";
import { dryRunRows, checkRows } from "../../src/engine/caseImport.ts";
import { advanceCase } from "../../src/engine/advanceCase.ts";
import { previewAssessment } from "../../src/engine/assessmentPreview.ts";
import type { EngineContext, MachineCatalog } from "../../src/engine/context.ts";
import { derivedRecordOf, rowsOf, type NewMonth, type RecordKey } from "../../src/engine/contributions.ts";
import { openCase } from "../../src/engine/openCase.ts";
import { addPolicy, listPolicies, policyInForce } from "../../src/engine/policies.ts";
import type { Insurance } from "../../src/domain/schemes.ts";
import { dataKeyOf } from "../../src/privacy/atRest.ts";
import { freshPerson } from "../support/server.ts";
import { fuzhouPolicy } from "../support/fixtures.ts";
import {
  advanceInput,
  monthsFrom as monthsOf,
  openInput,
  problemOf,
  recordMonths,
  startEngine,
  type EngineHarness,
} from "../support/engine.ts";

let h: EngineHarness;
beforeAll(async () => {
  // today is 2026-10-30 (ENGINE_TODAY)
  h = await startEngine();
  await addPolicy(h.ctx, h.actors.admin, fuzhouPolicy);
});
afterAll(() => h.close());

const keyOf = (idNumber: string, insurance: Insurance = "medical", agency: "FZ" | "XM" | "SZ" = "FZ"): RecordKey => ({
  agencyId: h.agencies[agency].id,
  personKey: dataKeyOf(h.db).idIndex(idNumber),
  insurance,
});
/** Seed 000's month: a base of 5,600.00 at 10 % (8 % employer, 2 % individual). */
const paid = (m: string, over: Partial<NewMonth> = {}): NewMonth => ({
  month: m,
  baseFen: 560_000,
  employerFen: 44_800,
  individualFen: 11_200,
  accountCreditFen: 16_800,
  status: "paid",
  payer: "employer",
  employerCreditCode: "91350100MA3K00002E",
  source: "import",
  ...over,
});
/** The months from `from` to `to`, each as `make` makes it (`paid` unless told). */
const monthsFrom = (from: string, to: string, make = (m: string) => paid(m)) => monthsOf(from, to, make);
const record = (idNumber: string, months: NewMonth[], insurance: Insurance = "medical") =>
  recordMonths(h, keyOf(idNumber, insurance), idNumber, months);
const renewal = (
  o: { insurance?: Insurance; occurredOn?: string; insured?: { name: string; idNumber: string } } = {},
) => h.open({ type: "renewal", occurredOn: "2026-08-03", ...o });

describe("policies per insurance", () => {
  it("a policy names its insurance (medical when it names none); one per region, insurance and date", async () => {
    const pension = {
      ...fuzhouPolicy,
      insurance: "pension" as const,
      rateBasisPoints: 1600,
      reimbursementRatios: null,
    };
    const added = await addPolicy(h.ctx, h.actors.admin, pension);
    expect(added).toMatchObject({ region: "350100", insurance: "pension", effectiveFrom: "2026-01-01" });
    // the same date for the other insurance is no conflict; for the same one it is
    expect(await problemOf(addPolicy(h.ctx, h.actors.admin, pension))).toMatchObject({
      status: 409,
      detail: expect.stringContaining("pension policy for region 350100 effective 2026-01-01"),
    });
    expect((await policyInForce(h.ctx, "350100", "2026-10-30"))?.rateBasisPoints).toBe(1000);
    expect((await policyInForce(h.ctx, "350100", "2026-10-30", "medical"))?.insurance).toBe("medical");
    expect((await policyInForce(h.ctx, "350100", "2026-10-30", "pension"))?.rateBasisPoints).toBe(1600);
    expect(await policyInForce(h.ctx, "350200", "2026-10-30", "pension")).toBeUndefined();
    expect((await listPolicies(h.ctx, { region: "350100" })).map((p) => p.insurance)).toEqual(["medical", "pension"]);
    expect((await listPolicies(h.ctx, { insurance: "pension" })).map((p) => p.region)).toEqual(["350100"]);
  });

  it("a pension renewal is assessed only with a pension policy: 409 naming the region, the date and the insurance", async () => {
    // SZ's region 440300 has a medical policy only
    await addPolicy(h.ctx, h.actors.admin, { ...fuzhouPolicy, region: "440300" });
    const c = await h.open(
      { type: "renewal", fromAgency: "SZ", insurance: "pension", occurredOn: "2026-08-03" },
      h.actors.other,
    );
    const body = { type: "ASSESS_ARREARS", firstMissedMonth: "2026-08", lastMissedMonth: "2026-09", payer: "employer" };
    expect(await problemOf(h.advance(h.actors.other, c.id, body))).toMatchObject({
      type: "/problems/no-policy-in-force",
      status: 409,
      region: "440300",
      date: "2026-10-30",
      insurance: "pension",
      detail: expect.stringContaining("No pension renewal policy for region 440300 is in force on 2026-10-30"),
    });
    // a medical renewal there is assessed with the medical policy
    const medical = await h.open({ type: "renewal", fromAgency: "SZ", occurredOn: "2026-08-03" }, h.actors.other);
    expect((await h.advance(h.actors.other, medical.id, body)).state).toBe("arrearsAssessed");
  });

  it("a pension renewal of the Fuzhou agency is assessed at the pension rate (16 %)", async () => {
    const c = await renewal({ insurance: "pension" });
    const after = await h.advance(h.actors.out, c.id, {
      type: "ASSESS_ARREARS",
      firstMissedMonth: "2026-08",
      lastMissedMonth: "2026-09",
      payer: "employer",
      paysOn: "2026-10-30",
    });
    const facts = JSON.parse(after.snapshot).context;
    expect(facts.assessment.lines.map((l: any) => l.contributionFen)).toEqual([89_600, 89_600]);
    expect(facts.assessment.policy).toEqual({ region: "350100", effectiveFrom: "2026-01-01" });
  });
});

describe("the insurances an agency handles", () => {
  it("an agency states them (both by default); a case of another insurance is a 422 on that agency", async () => {
    const sb = await createAgency(h.ctx, h.actors.admin, {
      code: "FZ-SB",
      name: "福州市社会保险中心",
      region: "350100",
      insurances: ["pension"],
    });
    expect(sb.insurances).toBe('["pension"]');
    const yb = await createAgency(h.ctx, h.actors.admin, { code: "XM-YB2", name: "厦门医保二", region: "350200" });
    expect(JSON.parse(yb.insurances)).toEqual(["medical", "pension"]);
    expect(
      await problemOf(createAgency(h.ctx, h.actors.admin, { code: "NONE", name: "无", region: "35", insurances: [] })),
    ).toMatchObject({ status: 422, errors: [{ path: "insurances" }] });
    // a medical transfer to an agency that handles pension only: 422 on toAgency
    expect(await problemOf(h.open({ type: "medicalTransfer", toAgency: "FZ-SB" }))).toMatchObject({
      status: 422,
      errors: [{ path: "toAgency", message: "agency FZ-SB does not handle medical insurance (it handles pension)" }],
    });
    // a pension transfer to it is fine; one from an agency that handles medical only: 422 on fromAgency
    const pension = await h.open({ type: "pensionTransfer", toAgency: "FZ-SB" });
    expect(pension.toAgencyId).toBe(sb.id);
    await updateAgency(h.ctx, h.actors.admin, "FZ", { insurances: ["medical"] });
    try {
      expect(await problemOf(h.open({ type: "pensionTransfer", toAgency: "FZ-SB" }))).toMatchObject({
        status: 422,
        errors: [{ path: "fromAgency", message: "agency FZ does not handle pension insurance (it handles medical)" }],
      });
      // a renewal names one agency: the refusal is on fromAgency only
      expect(await problemOf(renewal({ insurance: "pension" }))).toMatchObject({
        status: 422,
        errors: [{ path: "fromAgency" }],
      });
      // the batch filing's dry run says the same of the row
      const rows = checkRows(h.ctx, [
        {
          row: 2,
          cells: { type: "pensionTransfer", ...freshPerson(), fromAgency: "FZ", toAgency: "FZ-SB" },
        },
      ]);
      expect(await dryRunRows(h.ctx, h.actors.out, rows)).toEqual([
        {
          row: 2,
          status: "refused",
          errors: [{ path: "fromAgency", message: "agency FZ does not handle pension insurance (it handles medical)" }],
        },
      ]);
    } finally {
      await updateAgency(h.ctx, h.actors.admin, "FZ", { insurances: ["medical", "pension"] });
    }
    const audit = await h.db.adminAuditEntry.findMany({ where: { action: "agency.insurances_changed" } });
    expect(audit.map((a) => [JSON.parse(a.before!), JSON.parse(a.after!)])).toEqual([
      [{ insurances: ["medical", "pension"] }, { insurances: ["medical"] }],
      [{ insurances: ["medical"] }, { insurances: ["medical", "pension"] }],
    ]);
  });
});

describe("renewal version 3: the assessment from the record", () => {
  it("new renewals get version 3", async () => {
    expect(latestMachine("renewal").version).toBe(3);
    expect((await renewal()).machineVersion).toBe(3);
  });

  it("defaults the months to the gap since the last paid month, takes the continuity from the record (seed 000)", async () => {
    const insured = freshPerson();
    // 36 months paid up to July; the cover lapsed on 3 August
    await record(insured.idNumber, monthsFrom("2023-08", "2026-07"));
    const c = await renewal({ insured });
    const preview = await previewAssessment(h.ctx, h.actors.out, c.id, { payer: "employer", paysOn: "2026-10-30" });
    expect(preview).toMatchObject({
      firstMissedMonth: "2026-08",
      lastMissedMonth: "2026-09",
      continuousMonthsBefore: 36,
      monthsFromRecord: true,
    });
    const after = await h.advance(h.actors.out, c.id, { type: "ASSESS_ARREARS", payer: "employer" });
    const [, assessed] = await h.events(c.id);
    // 8,000.00 × 70 % = 5,600.00 × 10 % = 560.00 a month; August 60 days late, September 30 (0.05 % a day)
    expect(assessed!.payload).toEqual({
      payer: "employer",
      firstMissedMonth: "2026-08",
      lastMissedMonth: "2026-09",
      paysOn: "2026-10-30",
      continuousMonthsBefore: 36,
      monthsFromRecord: true,
      assessment: {
        monthsMissed: 2,
        principalFen: 112_000,
        lateFeeFen: 2_520,
        totalFen: 114_520,
        backPayable: true,
        waitingPeriodMonths: 0,
        waitingPeriodEndsOn: null,
        payBy: "2026-10-30",
        lines: [
          { month: "2026-08", baseFen: 560_000, contributionFen: 56_000, daysLate: 60, lateFeeFen: 1_680 },
          { month: "2026-09", baseFen: 560_000, contributionFen: 56_000, daysLate: 30, lateFeeFen: 840 },
        ],
        policy: { region: "350100", effectiveFrom: "2026-01-01" },
        continuity: { continuous: true, continuousMonths: 38, reimbursementRatioPercent: 90 },
      },
    });
    expect(JSON.parse(after.snapshot).context.assessedFor).toEqual({
      firstMissedMonth: "2026-08",
      lastMissedMonth: "2026-09",
      payer: "employer",
      monthsFromRecord: true,
      continuousMonthsBefore: 36,
    });
  });

  it("a typed continuity must be the record's; the defaults follow the record as it grows", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, [...monthsFrom("2025-01", "2025-06"), ...monthsFrom("2026-02", "2026-07")]);
    const c = await renewal({ insured });
    const body = { type: "ASSESS_ARREARS", payer: "employer" };
    // the run that ends in July: February to July, 6 months (the gap of 2025 breaks it)
    expect(await problemOf(h.advance(h.actors.out, c.id, { ...body, continuousMonthsBefore: 12 }))).toMatchObject({
      status: 422,
      errors: [
        {
          path: "continuousMonthsBefore",
          message: "the contribution record says 6 (the months without a break up to 2026-07); leave it out",
        },
      ],
    });
    const after = await h.advance(h.actors.out, c.id, {
      ...body,
      continuousMonthsBefore: 6,
      lastMissedMonth: "2026-08",
    });
    expect(JSON.parse(after.snapshot).context.assessment).toMatchObject({
      monthsMissed: 1,
      continuity: { continuousMonths: 7, reimbursementRatioPercent: 60 },
    });
    // August paid meanwhile (an import): September alone is missed now
    await record(insured.idNumber, [paid("2026-08")]);
    const again = await previewAssessment(h.ctx, h.actors.out, c.id, { payer: "employer" });
    expect(again).toMatchObject({ firstMissedMonth: "2026-09", lastMissedMonth: "2026-09", continuousMonthsBefore: 7 });
  });

  it("without a record: the months are typed (continuity unknown); left out or a typed continuity: 409 contribution-record-missing", async () => {
    const c = await renewal();
    for (const body of [
      { payer: "employer" },
      { payer: "employer", firstMissedMonth: "2026-08" },
      { payer: "employer", firstMissedMonth: "2026-08", lastMissedMonth: "2026-09", continuousMonthsBefore: 40 },
    ])
      expect(await problemOf(h.advance(h.actors.out, c.id, { type: "ASSESS_ARREARS", ...body }))).toMatchObject({
        type: "/problems/contribution-record-missing",
        status: 409,
        agency: "FZ",
        insurance: "medical",
      });
    expect(await problemOf(previewAssessment(h.ctx, h.actors.out, c.id, { payer: "employer" }))).toMatchObject({
      type: "/problems/contribution-record-missing",
    });
    const after = await h.advance(h.actors.out, c.id, {
      type: "ASSESS_ARREARS",
      payer: "employer",
      firstMissedMonth: "2026-08",
      lastMissedMonth: "2026-09",
    });
    expect(JSON.parse(after.snapshot).context).toMatchObject({
      assessedFor: { monthsFromRecord: false, continuousMonthsBefore: null },
      assessment: { continuity: { continuous: true, continuousMonths: null, reimbursementRatioPercent: null } },
    });
    expect(await h.events(c.id).then((e) => e.at(-1)!.payload)).toMatchObject({
      continuousMonthsBefore: null,
      monthsFromRecord: false,
    });
  });

  it("the record paid up to last month: no missed month to default to; a month it counts is not missed (422)", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, monthsFrom("2026-01", "2026-09"));
    const c = await renewal({ insured });
    expect(await problemOf(previewAssessment(h.ctx, h.actors.out, c.id, { payer: "employer" }))).toMatchObject({
      status: 422,
      errors: [
        {
          path: "firstMissedMonth",
          message:
            "no missed month between 2026-10 and 2026-09: the contribution record is paid up to the month before 2026-10 (give the months)",
        },
      ],
    });
    const typed = {
      type: "ASSESS_ARREARS",
      payer: "employer",
      firstMissedMonth: "2026-08",
      lastMissedMonth: "2026-09",
    };
    expect(await problemOf(h.advance(h.actors.out, c.id, typed))).toMatchObject({
      status: 422,
      errors: [
        {
          path: "firstMissedMonth",
          message:
            "the contribution record counts 2 month(s) of this range as paid or deemed (2026-08, 2026-09): they are not missed",
        },
      ],
    });
    expect((await h.read(c.id)).state).toBe("lapsed");
  });
});

describe("renewal version 3: the payment adds the back-paid months, restoration is checked against them", () => {
  it("the payment appends the assessed months (back-paid, source renewal, the case); RESTORE records what the record holds", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, monthsFrom("2023-08", "2026-07"));
    const c = await renewal({ insured });
    await h.advance(h.actors.out, c.id, { type: "ASSESS_ARREARS", payer: "employer", paysOn: "2026-10-30" });
    const paidCase = await h.advance(h.actors.out, c.id, { type: "PAYMENT_RECEIVED", amountFen: 114_520 });
    expect(paidCase.state).toBe("paid");
    const rows = await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber));
    expect(rows.slice(-2).map(({ id: _i, recordedAt: _r, ...r }) => r)).toEqual(
      ["2026-08", "2026-09"].map((month) => ({
        month,
        baseFen: 560_000,
        employerFen: 56_000,
        individualFen: 0,
        accountCreditFen: 0,
        status: "backPaid",
        payer: "employer",
        employerCreditCode: null,
        source: "renewal",
        fromAgencyId: null,
        caseId: c.id,
        reason: `补缴 back-paid (${c.caseNumber})`,
        supersedesId: 0,
      })),
    );
    // the record runs on without a break: 38 months up to September
    expect(await derivedRecordOf(h.ctx, keyOf(insured.idNumber), "2026-10-30")).toMatchObject({
      continuousMonths: 38,
      lastMonth: "2026-09",
      gaps: [],
    });
    const restored = await h.advance(h.actors.out, c.id, { type: "RESTORE" });
    expect(restored.state).toBe("restored");
    expect((await h.events(c.id)).at(-1)!.payload).toEqual({ monthsInRecord: ["2026-08", "2026-09"] });
  });

  it("a correction that takes an assessed month out of the record stops the restoration until it is back", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, monthsFrom("2026-01", "2026-07"));
    const c = await renewal({ insured });
    await h.advance(h.actors.out, c.id, { type: "ASSESS_ARREARS", payer: "flexible", paysOn: "2026-10-30" });
    const facts = JSON.parse((await h.read(c.id)).snapshot).context;
    // flexible: 8 % of the base, no late fee (the policy waives it)
    expect(facts.assessment).toMatchObject({ totalFen: 89_600, lateFeeFen: 0 });
    await h.advance(h.actors.out, c.id, { type: "PAYMENT_RECEIVED", amountFen: 89_600 });
    const rows = await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber));
    expect(rows.slice(-2).map((r) => [r.month, r.payer, r.employerFen, r.individualFen])).toEqual([
      ["2026-08", "flexible", 0, 44_800],
      ["2026-09", "flexible", 0, 44_800],
    ]);
    await record(insured.idNumber, [
      paid("2026-09", { status: "arrears", payer: "flexible", employerCreditCode: null, reason: "退款冲正" }),
    ]);
    expect(await problemOf(h.advance(h.actors.out, c.id, { type: "RESTORE" }))).toMatchObject({
      type: "/problems/refused-by-rule",
      status: 409,
      detail: expect.stringContaining("holds every assessed month as paid or back-paid"),
    });
    expect((await h.read(c.id)).state).toBe("paid");
    await record(insured.idNumber, [
      paid("2026-09", {
        status: "backPaid",
        payer: "flexible",
        employerFen: 0,
        individualFen: 44_800,
        accountCreditFen: 0,
        employerCreditCode: null,
        reason: "补缴到账确认",
      }),
    ]);
    expect((await h.advance(h.actors.out, c.id, { type: "RESTORE" })).state).toBe("restored");
  });

  it("an arrears row of a missed month is superseded by its payment (a correction with the case's reason)", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, [
      ...monthsFrom("2026-01", "2026-07"),
      paid("2026-08", { status: "arrears" }),
      paid("2026-09", { status: "arrears" }),
    ]);
    const c = await renewal({ insured });
    const assessed = await h.advance(h.actors.out, c.id, { type: "ASSESS_ARREARS", payer: "employer" });
    const total = JSON.parse(assessed.snapshot).context.assessment.totalFen as number;
    await h.advance(h.actors.out, c.id, { type: "PAYMENT_RECEIVED", amountFen: total });
    const rows = await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber));
    expect(rows.filter((r) => r.month >= "2026-08").map((r) => [r.month, r.status, r.supersedesId > 0])).toEqual([
      ["2026-08", "arrears", false],
      ["2026-08", "backPaid", true],
      ["2026-09", "arrears", false],
      ["2026-09", "backPaid", true],
    ]);
    expect((await h.advance(h.actors.out, c.id, { type: "RESTORE" })).state).toBe("restored");
  });

  it("nothing to pay (not back-payable): restored without payment, nothing added to the record", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, monthsFrom("2026-01", "2026-05"));
    // lapsed in June: June to September is 4 months, more than the policy's 2
    const c = await renewal({ insured, occurredOn: "2026-06-01" });
    const assessed = await h.advance(h.actors.out, c.id, { type: "ASSESS_ARREARS", payer: "employer" });
    expect(JSON.parse(assessed.snapshot).context.assessment).toMatchObject({
      monthsMissed: 4,
      backPayable: false,
      totalFen: 0,
      continuity: { continuous: false, continuousMonths: 0 },
    });
    expect((await h.advance(h.actors.out, c.id, { type: "RESTORE" })).state).toBe("restored");
    expect((await h.events(c.id)).at(-1)!.payload).toEqual({ monthsInRecord: [] });
    expect(await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber))).toHaveLength(5);
  });
});

describe("renewal version 2 cases keep their rules", () => {
  /** The engine as it was before version 3: new renewals on version 2. */
  const v2: () => EngineContext = () => {
    const machines: MachineCatalog = {
      ...h.ctx.machines,
      latest: (type: CaseType) => (type === "renewal" ? getMachine("renewal", 2)! : latestMachine(type)),
    };
    return { ...h.ctx, machines };
  };

  it("takes the typed months and continuity, adds nothing to the record, restores after the payment", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, monthsFrom("2023-08", "2026-07"));
    const ctx = v2();
    const c = await openCase(ctx, h.actors.out, openInput({ type: "renewal", insured, occurredOn: "2026-08-03" }));
    expect(c.machineVersion).toBe(2);
    const assess = advanceInput({
      type: "ASSESS_ARREARS",
      firstMissedMonth: "2026-08",
      lastMissedMonth: "2026-09",
      payer: "employer",
      paysOn: "2026-10-30",
      continuousMonthsBefore: 40,
    });
    const assessed = await advanceCase(ctx, h.actors.out, c.id, assess);
    expect(JSON.parse(assessed.case.snapshot).context.assessment).toMatchObject({
      totalFen: 114_520,
      continuity: { continuousMonths: 42 },
    });
    // version 2 needs the months (422 on each), in the preview too
    expect(await problemOf(previewAssessment(ctx, h.actors.out, c.id, { payer: "employer" }))).toMatchObject({
      status: 422,
      errors: [{ path: "firstMissedMonth" }, { path: "lastMissedMonth" }],
    });
    await advanceCase(ctx, h.actors.out, c.id, advanceInput({ type: "PAYMENT_RECEIVED", amountFen: 114_520 }));
    expect(await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber))).toHaveLength(36);
    expect((await advanceCase(ctx, h.actors.out, c.id, advanceInput({ type: "RESTORE" }))).case.state).toBe("restored");
  });

  it("a version 2 pension renewal is assessed with the pension policy too", async () => {
    const ctx = v2();
    const c = await openCase(
      ctx,
      h.actors.out,
      openInput({ type: "renewal", insurance: "pension", occurredOn: "2026-08-03" }),
    );
    const assessed = await advanceCase(
      ctx,
      h.actors.out,
      c.id,
      advanceInput({
        type: "ASSESS_ARREARS",
        firstMissedMonth: "2026-08",
        lastMissedMonth: "2026-08",
        payer: "employer",
      }),
    );
    expect(JSON.parse(assessed.case.snapshot).context.assessment.lines[0].contributionFen).toBe(89_600);
  });
});
