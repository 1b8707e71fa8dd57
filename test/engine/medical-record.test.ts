// Medical transfer version 3 in the engine: the certificate and record form from the transfer-out
// agency's contribution record (typed figures checked against it, 409 without one), a reissue after
// a correction of the record, the gap between the old place and the new when the application is
// filed (over 3 months: the transfer-in region's waiting period), and the months the transfer
// carries into the transfer-in agency's record. Version 2 cases keep their typed figures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latestMachine } from "../../machines/index.ts";
import { medicalTransferType } from "../../machines/medicalTransfer.ts";
import { directSqlOf } from "../../src/db/client.ts";
import type { EngineContext } from "../../src/engine/context.ts";
import { derivedRecordOf, rowsOf, type NewMonth, type RecordKey } from "../../src/engine/contributions.ts";
import { pinnedCatalog, defaultCatalog } from "../../src/engine/machineCatalog.ts";
import { addPolicy } from "../../src/engine/policies.ts";
import { dataKeyOf } from "../../src/privacy/atRest.ts";
import { fuzhouPolicy } from "../support/fixtures.ts";
import { freshPerson } from "../support/server.ts";
import { advanceCase } from "../../src/engine/advanceCase.ts";
import { openCase } from "../../src/engine/openCase.ts";
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
  // today is 2026-10-30 (ENGINE_TODAY); new transfers open on the latest versions (the record's)
  h = await startEngine({ latestVersions: true });
  // the transfer-in region's medical policy: a waiting period of 6 months after a gap
  await addPolicy(h.ctx, h.actors.admin, { ...fuzhouPolicy, region: "350200", waitingPeriodMonths: 6 });
});
afterAll(() => h.close());

const keyOf = (idNumber: string, agency: "FZ" | "XM"): RecordKey => ({
  agencyId: h.agencies[agency].id,
  personKey: dataKeyOf(h.db).idIndex(idNumber),
  insurance: "medical",
});
/** Seed 000's month: a base of 5,600.00 at 10 % (8 % employer, 2 % individual); 168.00 to the account. */
const paid = (month: string, over: Partial<NewMonth> = {}): NewMonth => ({
  month,
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
const months = (from: string, to: string, make = (m: string) => paid(m)) => monthsOf(from, to, make);
const record = (idNumber: string, agency: "FZ" | "XM", rows: NewMonth[]) =>
  recordMonths(h, keyOf(idNumber, agency), idNumber, rows);
const factsOf = (c: { snapshot: string }) => JSON.parse(c.snapshot).context as Record<string, any>;
/** A medical transfer FZ → XM for a person with 36 months paid at FZ (2023-07 to 2026-06). */
async function withRecord() {
  const insured = freshPerson();
  await record(insured.idNumber, "FZ", months("2023-07", "2026-06"));
  const c = await h.open({ insured, occurredOn: "2026-07-01" });
  return { insured, c };
}

describe("medical transfer version 3: the certificate from the record", () => {
  it("new medical transfers get version 3", async () => {
    expect(latestMachine("medicalTransfer").version).toBe(3);
    expect((await withRecord()).c.machineVersion).toBe(3);
  });

  it("states the record's months, periods and balance as of the certificate's date (seed 000: 560.00 a month)", async () => {
    const { c } = await withRecord();
    const after = await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE", occurredOn: "2026-07-02" });
    const [, issued] = await h.events(c.id);
    expect(issued!.payload).toEqual({
      recordAsOf: "2026-07",
      contributionMonths: 36,
      deemedMonths: 0,
      continuousMonths: 36,
      firstMonth: "2023-07",
      lastMonth: "2026-06",
      arrearsFen: 0,
      arrears: [],
      periods: [
        {
          from: "2023-07",
          to: "2026-06",
          months: 36,
          status: "paid",
          baseFen: 560_000,
          payer: "employer",
          employerCreditCode: "91350100MA3K00002E",
        },
      ],
      accountBalanceFen: 36 * 16_800,
    });
    // 44,800 + 11,200 = 56,000 fen a month: 5,600.00 × 10 %
    expect(paid("2026-01").employerFen + paid("2026-01").individualFen).toBe(56_000);
    expect(factsOf(after)).toMatchObject({ contributionMonths: 36, accountBalanceFen: 604_800, recordAsOf: "2026-07" });
  });

  it("a month after the certificate's month is not on it; arrears and deemed months are", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, "FZ", [
      ...months("1995-01", "1996-12", (m) =>
        paid(m, { status: "deemed", employerFen: 0, individualFen: 0, accountCreditFen: 0 }),
      ),
      ...months("2026-01", "2026-05"),
      paid("2026-06", { status: "arrears" }),
      paid("2026-08"),
    ]);
    const c = await h.open({ insured, occurredOn: "2026-07-01" });
    await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE", occurredOn: "2026-07-02" });
    const issued = (await h.events(c.id))[1]!.payload;
    expect(issued).toMatchObject({
      contributionMonths: 5,
      deemedMonths: 24,
      arrearsFen: 56_000,
      arrears: [{ month: "2026-06", amountFen: 56_000 }],
      lastMonth: "2026-05",
    });
    expect((issued.periods as any[]).map((p) => [p.from, p.to, p.status])).toEqual([
      ["1995-01", "1996-12", "deemed"],
      ["2026-01", "2026-05", "paid"],
    ]);
    // the arrears block the acceptance as in version 2
    expect(factsOf(await h.read(c.id)).arrearsFen).toBe(56_000);
  });

  it("a typed figure must be the record's: 422 naming the field and the record's value, nothing recorded", async () => {
    const { c } = await withRecord();
    const refused = await problemOf(
      h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE", accountBalanceFen: 52_000, contributionMonths: 36 }),
    );
    expect(refused).toMatchObject({
      status: 422,
      errors: [
        {
          path: "accountBalanceFen",
          message: expect.stringContaining("the contribution record says 604800 as of 2026-10"),
        },
      ],
    });
    expect(await h.events(c.id)).toHaveLength(1);
    // the record's figures typed: accepted
    const after = await h.advance(h.actors.out, c.id, {
      type: "ISSUE_CERTIFICATE",
      accountBalanceFen: 604_800,
      contributionMonths: 36,
      arrearsFen: 0,
    });
    expect(after.state).toBe("certificateIssued");
  });

  it("no month of the person at the transfer-out agency: 409 contribution-record-missing", async () => {
    const c = await h.open({ occurredOn: "2026-07-01" });
    expect(await problemOf(h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE" }))).toMatchObject({
      type: "/problems/contribution-record-missing",
      status: 409,
      agency: "FZ",
      insurance: "medical",
      detail: expect.stringContaining("import the person's months"),
    });
    expect(await h.events(c.id)).toHaveLength(1);
  });

  it("a reissue after a correction of the record states the corrected figures and why; a plain one corrects nothing", async () => {
    const { insured, c } = await withRecord();
    await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE", occurredOn: "2026-07-02" });
    await h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE", occurredOn: "2026-07-03" });
    expect(factsOf(await h.read(c.id))).toMatchObject({ reissueCount: 1, certificateCorrections: [] });
    // the agency corrects a month: its base was 6,000.00, and more went to the account
    await record(insured.idNumber, "FZ", [
      paid("2026-06", {
        baseFen: 600_000,
        employerFen: 48_000,
        individualFen: 12_000,
        accountCreditFen: 18_000,
        reason: "2026年6月缴费基数更正",
      }),
    ]);
    const after = await h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE", occurredOn: "2026-07-06" });
    const reissued = (await h.events(c.id)).at(-1)!.payload;
    expect(reissued).toMatchObject({
      accountBalanceFen: 604_800 + 1_200,
      reason: null,
      recordCorrections: [{ month: "2026-06", reason: "2026年6月缴费基数更正" }],
    });
    expect((reissued.periods as any[]).map((p) => [p.from, p.to, p.baseFen])).toEqual([
      ["2023-07", "2026-05", 560_000],
      ["2026-06", "2026-06", 600_000],
    ]);
    expect(factsOf(after)).toMatchObject({
      accountBalanceFen: 606_000,
      reissueCount: 2,
      certificateCorrections: [
        {
          occurredOn: "2026-07-06",
          reason: "2026年6月缴费基数更正",
          changes: { accountBalanceFen: { from: 604_800, to: 606_000 } },
        },
      ],
    });
    // the transfer-out moves the corrected balance
    await h.advance(h.actors.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "offline",
      applicant: "individual",
      occurredOn: "2026-07-07",
    });
    await h.advance(h.actors.in, c.id, { type: "ACCEPT", occurredOn: "2026-07-08" });
    expect(
      await problemOf(
        h.advance(h.actors.out, c.id, { type: "TRANSFER_OUT_DONE", transferredFen: 604_800, occurredOn: "2026-07-09" }),
      ),
    ).toMatchObject({ status: 409 });
    expect(
      (
        await h.advance(h.actors.out, c.id, {
          type: "TRANSFER_OUT_DONE",
          transferredFen: 606_000,
          occurredOn: "2026-07-09",
        })
      ).state,
    ).toBe("transferIn");
  });
});

describe("medical transfer version 3: the gap, and the months the transfer carries", () => {
  it("the application records the gap; over 3 months, the transfer-in region's waiting period (6 months)", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, "FZ", months("2024-01", "2026-03"));
    await record(insured.idNumber, "XM", months("2026-08", "2026-10"));
    const c = await h.open({ insured, occurredOn: "2026-04-01" });
    await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE", occurredOn: "2026-04-02" });
    const filed = await h.advance(h.actors.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "online",
      applicant: "individual",
      occurredOn: "2026-10-29",
    });
    const gap = {
      lastMonthBefore: "2026-03",
      firstMonthAfter: "2026-08",
      months: 4,
      overThreeMonths: true,
      waitingPeriodMonths: 6,
    };
    expect((await h.events(c.id)).at(-1)!.payload).toEqual({ channel: "online", applicant: "individual", gap });
    expect(factsOf(filed).gap).toEqual(gap);
    // the case's answers show it (the case detail; the status page once filed)
    expect(medicalTransferType.view.detail(3, factsOf(filed))).toEqual({ flow: "paper", gap });
    expect(medicalTransferType.view.status(3, "applicationFiled", [], factsOf(filed))).toMatchObject({ gap });
    expect(medicalTransferType.view.statusReadsFacts).toContain("applicationFiled");
    // version 2 shows no gap
    expect(medicalTransferType.view.detail(2, factsOf(filed))).toEqual({ flow: "paper" });
  });

  it("3 months or less: no waiting period; no record at the new place: the application's month counts", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, "FZ", months("2024-01", "2026-07"));
    const c = await h.open({ insured, occurredOn: "2026-08-03" });
    await h.advance(h.actors.in, c.id, { type: "APPLY_ONLINE", applicant: "employer", occurredOn: "2026-10-29" });
    expect((await h.events(c.id)).at(-1)!.payload.gap).toEqual({
      lastMonthBefore: "2026-07",
      firstMonthAfter: "2026-10",
      months: 2,
      overThreeMonths: false,
      waitingPeriodMonths: 6,
    });
  });

  it("the transfer-in adds the carried months to the new place's record (source transfer); a month held there keeps its row", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, "FZ", months("2024-07", "2026-07"));
    // the person paid at the new place in the month of the move too
    await record(insured.idNumber, "XM", [
      paid("2026-07", { baseFen: 700_000, employerCreditCode: "91350200MA2Y00001N" }),
    ]);
    const c = await h.open({ insured, occurredOn: "2026-08-03" });
    await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE", occurredOn: "2026-08-03" });
    await h.advance(h.actors.in, c.id, {
      type: "FILE_APPLICATION",
      channel: "offline",
      applicant: "employer",
      occurredOn: "2026-08-04",
    });
    await h.advance(h.actors.in, c.id, { type: "ACCEPT", occurredOn: "2026-08-05" });
    await h.advance(h.actors.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      transferredFen: 25 * 16_800,
      occurredOn: "2026-08-06",
    });
    const before = await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber, "XM"));
    expect(before).toHaveLength(1);
    const done = await h.advance(h.actors.in, c.id, { type: "TRANSFER_IN_DONE", occurredOn: "2026-08-07" });
    expect(done.state).toBe("transferred");
    const rows = await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber, "XM"));
    expect(rows).toHaveLength(25);
    const carried = rows.filter((r) => r.source === "transfer");
    expect(carried).toHaveLength(24);
    expect(carried.every((r) => r.fromAgencyId === h.agencies.FZ.id && r.caseId === c.id)).toBe(true);
    expect(rows.find((r) => r.month === "2026-07")).toMatchObject({ source: "import", baseFen: 700_000 });
    // the years add up at the new place: 25 months, continuous
    expect(await derivedRecordOf(h.ctx, keyOf(insured.idNumber, "XM"), "2026-08-07")).toMatchObject({
      contributionMonths: { actual: 25, deemed: 0 },
      continuousMonths: 25,
      firstMonth: "2024-07",
    });
  });
});

describe("cases opened before keep their version", () => {
  it("with new cases on version 2 (NEW_CASE_VERSIONS), a certificate takes typed figures and no record", async () => {
    const ctx: EngineContext = { ...h.ctx, machines: pinnedCatalog(defaultCatalog, "medicalTransfer=2") };
    const c = await openCase(ctx, h.actors.out, openInput({ occurredOn: "2026-07-01" }));
    expect(c.machineVersion).toBe(2);
    const body = { type: "ISSUE_CERTIFICATE", contributionMonths: 36, accountBalanceFen: 52_000, arrearsFen: 0 };
    await advanceCase(h.ctx, h.actors.out, c.id, advanceInput(body));
    const after = await h.read(c.id);
    expect(after.state).toBe("certificateIssued");
    expect(factsOf(after)).toMatchObject({ accountBalanceFen: 52_000 });
  });

  it("an unknown type or version in NEW_CASE_VERSIONS is refused with a message", () => {
    expect(() => pinnedCatalog(defaultCatalog, "medicalTransfer=9")).toThrow(
      "medicalTransfer has no installed version 9",
    );
    expect(() => pinnedCatalog(defaultCatalog, "nothing=1")).toThrow("unknown case type nothing");
    expect(pinnedCatalog(defaultCatalog, "")).toBe(defaultCatalog);
  });
});
