// The pension transfer from the contribution record (version 3, issue #28), in the engine: the
// certificate states what the transfer-out agency's record says (the wages since 1998 and the pooled
// share, the months, the personal account from the opening balance and the credits), a typed figure
// must be the record's, a reissue after a correction of the record says why, the transfer-out moves
// exactly the certified amounts, and the transfer-in adds the carried months to the new agency's
// record. Version 2 cases keep their typed figures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getMachine, latestMachine, type CaseType } from "../../machines/index.ts";
import { directSqlOf } from "../../src/db/client.ts";
import { advanceCase } from "../../src/engine/advanceCase.ts";
import type { EngineContext, MachineCatalog } from "../../src/engine/context.ts";
import { appendOpeningBalance, rowsOf, type NewMonth, type RecordKey } from "../../src/engine/contributions.ts";
import { openCase } from "../../src/engine/openCase.ts";
import { dataKeyOf } from "../../src/privacy/atRest.ts";
import { freshPerson } from "../support/server.ts";
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
  // today is 2026-10-30 (ENGINE_TODAY): certificates read the record as of 2026-10
  h = await startEngine();
});
afterAll(() => h.close());

type Insured = { name: string; idNumber: string };

const keyOf = (idNumber: string, agency: "FZ" | "XM" = "FZ"): RecordKey => ({
  agencyId: h.agencies[agency].id,
  personKey: dataKeyOf(h.db).idIndex(idNumber),
  insurance: "pension",
});

/** A pension month: base 8,573.39 (16 % employer, 8 % individual, 680.00 to the personal account). */
const paid = (m: string, over: Partial<NewMonth> = {}): NewMonth => ({
  month: m,
  baseFen: 857_339,
  employerFen: 137_174,
  individualFen: 68_587,
  accountCreditFen: 68_000,
  status: "paid",
  payer: "employer",
  employerCreditCode: "91350100MA3K00002E",
  source: "import",
  ...over,
});

/** The months from `from` to `to`, each as `make` makes it (`paid` unless told). */
const monthsFrom = (from: string, to: string, make = (m: string) => paid(m)) => monthsOf(from, to, make);

const record = (idNumber: string, months: NewMonth[], agency: "FZ" | "XM" = "FZ") =>
  recordMonths(h, keyOf(idNumber, agency), idNumber, months);

/**
 * 144 months since 1998 (2014-10 to 2026-09) whose bases add up to 1,234,567.89: 143 at 8,573.39
 * and September at 8,573.12; an opening balance of 10,000.00 at the end of 2014-09 and 680.00 a month
 * to the personal account: 10,000.00 + 144 × 680.00 = 107,920.00.
 */
async function recordOf144(idNumber: string) {
  await record(idNumber, [
    ...monthsFrom("2014-10", "2026-08"),
    paid("2026-09", { baseFen: 857_312, employerFen: 137_170, individualFen: 68_585 }),
  ]);
  await directSqlOf(h.db).transaction((tx) =>
    appendOpeningBalance(
      tx,
      keyOf(idNumber),
      { asOfMonth: "2014-09", balanceBroughtForwardFen: 1_000_000 },
      new Date(),
    ),
  );
}

const OPENING_FEN = 1_000_000;
const CREDITS_FEN = 144 * 68_000;

const pension = (insured: Insured) => h.open({ type: "pensionTransfer", insured });
const factsOf = async (caseId: string) => JSON.parse((await h.read(caseId)).snapshot).context;

describe("pension transfer version 3: the certificate from the record", () => {
  it("new pension transfers get version 3", async () => {
    expect(latestMachine("pensionTransfer").version).toBe(3);
    expect((await pension(freshPerson())).machineVersion).toBe(3);
  });

  it("states the record's months, wages since 1998, pooled share and personal account", async () => {
    const insured = freshPerson();
    await recordOf144(insured.idNumber);
    const c = await pension(insured);
    const after = await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE" });
    expect(after.state).toBe("certificateIssued");
    const issued = (await h.events(c.id)).at(-1)!;
    expect(issued.type).toBe("ISSUE_CERTIFICATE");
    expect(issued.payload).toEqual({
      recordAsOf: "2026-10",
      contributionMonths: 144,
      deemedMonths: 0,
      continuousMonths: 144,
      firstMonth: "2014-10",
      lastMonth: "2026-09",
      arrearsFen: 0,
      arrears: [],
      periods: [
        {
          from: "2014-10",
          to: "2026-08",
          months: 143,
          status: "paid",
          baseFen: 857_339,
          payer: "employer",
          employerCreditCode: "91350100MA3K00002E",
        },
        {
          from: "2026-09",
          to: "2026-09",
          months: 1,
          status: "paid",
          baseFen: 857_312,
          payer: "employer",
          employerCreditCode: "91350100MA3K00002E",
        },
      ],
      personalAccountFen: OPENING_FEN + CREDITS_FEN,
      contributionWagesSince1998Fen: 123_456_789,
      // 12 % of 1,234,567.89 = 148,148.1468, half up to the fen
      pooledShareFen: 14_814_815,
    });
    expect(await factsOf(c.id)).toMatchObject({
      contributionMonths: 144,
      deemedMonths: 0,
      continuousMonths: 144,
      recordAsOf: "2026-10",
      personalAccountFen: 10_792_000,
      contributionWagesSince1998Fen: 123_456_789,
      pooledShareFen: 14_814_815,
      certifiedArrearsFen: 0,
      arrearsFen: 0,
      corrections: [],
    });
  });

  it("a typed figure that differs from the record: 422 naming the field and the record's value, nothing recorded; an equal one is accepted", async () => {
    const insured = freshPerson();
    await recordOf144(insured.idNumber);
    const c = await pension(insured);
    const before = await h.events(c.id);
    const problem = await problemOf(
      h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE", contributionMonths: 144, personalAccountFen: 10_000 }),
    );
    expect(problem).toMatchObject({ status: 422 });
    expect(problem.errors).toEqual([
      { path: "personalAccountFen", message: expect.stringContaining("the contribution record says 10792000") },
    ]);
    expect(await h.events(c.id)).toEqual(before);
    expect((await h.read(c.id)).state).toBe("suspended");

    const after = await h.advance(h.actors.out, c.id, {
      type: "ISSUE_CERTIFICATE",
      contributionMonths: 144,
      contributionWagesSince1998Fen: 123_456_789,
    });
    expect(after.state).toBe("certificateIssued");
    expect((await h.events(c.id)).at(-1)!.payload).toMatchObject({
      contributionMonths: 144,
      contributionWagesSince1998Fen: 123_456_789,
      pooledShareFen: 14_814_815,
    });
  });

  it("no month of the person at the transfer-out agency: 409 contribution-record-missing", async () => {
    const insured = freshPerson();
    // months at the transfer-in agency are not the transfer-out agency's record
    await record(insured.idNumber, monthsFrom("2025-01", "2025-12"), "XM");
    const c = await pension(insured);
    for (const body of [{ type: "ISSUE_CERTIFICATE" }, { type: "ISSUE_CERTIFICATE", contributionMonths: 12 }])
      expect(await problemOf(h.advance(h.actors.out, c.id, body))).toMatchObject({
        type: "/problems/contribution-record-missing",
        status: 409,
        agency: "FZ",
        insurance: "pension",
      });
    expect((await h.read(c.id)).state).toBe("suspended");
  });
});

describe("pension transfer version 3: reissues reprint the record", () => {
  it("a correction of the record changes the figures on reissue, with the record's reason; a plain reissue adds no correction", async () => {
    const insured = freshPerson();
    await recordOf144(insured.idNumber);
    const c = await pension(insured);
    await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE" });

    // nothing changed in the record: a reissue reprints it, no correction
    await h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE" });
    expect(await factsOf(c.id)).toMatchObject({ reissueCount: 1, corrections: [], personalAccountFen: 10_792_000 });

    // the record corrected: September's base was 8,573.12, it is 9,000.00 (and 700.00 to the account)
    await record(insured.idNumber, [
      paid("2026-09", { baseFen: 900_000, accountCreditFen: 70_000, reason: "缴费基数核定更正" }),
    ]);
    await h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE" });
    const reissued = (await h.events(c.id)).at(-1)!;
    expect(reissued.payload).toMatchObject({
      reason: null,
      recordCorrections: [{ month: "2026-09", reason: "缴费基数核定更正" }],
      contributionWagesSince1998Fen: 123_456_789 - 857_312 + 900_000,
      personalAccountFen: 10_794_000,
    });
    const corrected = await factsOf(c.id);
    expect(corrected).toMatchObject({
      reissueCount: 2,
      contributionMonths: 144,
      personalAccountFen: 10_794_000,
      contributionWagesSince1998Fen: 123_499_477,
      // 12 % of 1,234,994.77 = 148,199.3724
      pooledShareFen: 14_819_937,
    });
    expect(corrected.corrections).toEqual([
      {
        occurredOn: "2026-10-30",
        reason: "缴费基数核定更正",
        before: {
          contributionMonths: 144,
          personalAccountFen: 10_792_000,
          arrearsFen: 0,
          contributionWagesSince1998Fen: 123_456_789,
        },
        corrected: {
          contributionMonths: 144,
          personalAccountFen: 10_794_000,
          arrearsFen: 0,
          contributionWagesSince1998Fen: 123_499_477,
        },
      },
    ]);

    // reissued again with nothing new: the record's correction is reprinted, no correction added
    await h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE", reason: "本人遗失凭证" });
    expect((await h.events(c.id)).at(-1)!.payload).toMatchObject({ reason: "本人遗失凭证" });
    expect(await factsOf(c.id)).toMatchObject({ reissueCount: 3, corrections: [{ reason: "缴费基数核定更正" }] });
  });

  it("arrears on the certificate: outstanding = certified − paid; a reissue after the record's arrears were corrected", async () => {
    const insured = freshPerson();
    await record(insured.idNumber, [
      ...monthsFrom("2025-01", "2025-12"),
      paid("2026-01", { status: "arrears" }),
      paid("2026-02", { status: "arrears" }),
    ]);
    const c = await pension(insured);
    await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE" });
    // each month owed is employer + individual: 1,371.74 + 685.87
    expect(await factsOf(c.id)).toMatchObject({ certifiedArrearsFen: 411_522, arrearsFen: 411_522 });
    await h.advance(h.actors.out, c.id, { type: "ARREARS_PAID", paidFen: 411_522 });
    // February turns out not owed (a correction): the certificate owes one month, already paid
    await record(insured.idNumber, [paid("2026-02", { reason: "已缴未到账" })]);
    await h.advance(h.actors.out, c.id, { type: "REISSUE_CERTIFICATE" });
    expect(await factsOf(c.id)).toMatchObject({
      contributionMonths: 13,
      certifiedArrearsFen: 205_761,
      arrearsPaidFen: 411_522,
      arrearsFen: 0,
      corrections: [{ reason: "已缴未到账", before: { arrearsFen: 411_522 }, corrected: { arrearsFen: 205_761 } }],
    });
  });
});

describe("pension transfer version 3: the transfer moves the certified amounts and carries the months", () => {
  it("TRANSFER_OUT_DONE moves the record's personal account and pooled share; TRANSFER_IN_DONE adds the carried months at the new agency", async () => {
    const insured = freshPerson();
    await recordOf144(insured.idNumber);
    // the person paid at the new place in the month of the move: that month keeps its own row there
    const own = paid("2026-09", { baseFen: 700_000, employerCreditCode: "91350100MA3K00002E" });
    await record(insured.idNumber, [own], "XM");
    const c = await pension(insured);
    await h.advance(h.actors.out, c.id, { type: "ISSUE_CERTIFICATE" });
    await h.advance(h.actors.in, c.id, { type: "FILE_APPLICATION", channel: "offline", applicant: "employer" });
    await h.advance(h.actors.in, c.id, { type: "ACCEPT" });
    for (const wrong of [
      { personalAccountFen: 10_792_000, pooledFundFen: 14_814_814 },
      { personalAccountFen: 10_791_999, pooledFundFen: 14_814_815 },
    ])
      expect(await problemOf(h.advance(h.actors.out, c.id, { type: "TRANSFER_OUT_DONE", ...wrong }))).toMatchObject({
        type: "/problems/refused-by-rule",
        status: 409,
      });
    const out = await h.advance(h.actors.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      personalAccountFen: 10_792_000,
      pooledFundFen: 14_814_815,
    });
    expect(out.state).toBe("transferIn");
    // nothing carried before the transfer-in is done
    expect(await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber, "XM"))).toHaveLength(1);

    const done = await h.advance(h.actors.in, c.id, { type: "TRANSFER_IN_DONE" });
    expect(done.state).toBe("transferred");
    const rows = await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber, "XM"));
    expect(rows).toHaveLength(144);
    const carried = rows.filter((r) => r.source === "transfer");
    expect(carried).toHaveLength(143);
    expect(carried[0]).toMatchObject({ month: "2014-10", baseFen: 857_339, accountCreditFen: 68_000, status: "paid" });
    expect(carried.at(-1)!.month).toBe("2026-08");
    for (const r of carried) expect(r).toMatchObject({ fromAgencyId: h.agencies.FZ.id, caseId: c.id });
    const september = rows.filter((r) => r.month === "2026-09");
    expect(september).toEqual([
      expect.objectContaining({ baseFen: 700_000, source: "import", fromAgencyId: null, supersedesId: 0 }),
    ]);
    // the transfer-out agency's record is left as it was
    expect(await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber))).toHaveLength(144);
  });
});

describe("pension transfer version 2 cases keep their typed figures", () => {
  /** The engine as it was before version 3: new pension transfers on version 2. */
  const v2: () => EngineContext = () => {
    const machines: MachineCatalog = {
      ...h.ctx.machines,
      latest: (type: CaseType) =>
        type === "pensionTransfer" ? getMachine("pensionTransfer", 2)! : latestMachine(type),
    };
    return { ...h.ctx, machines };
  };

  it("issues the certificate with the typed figures, record or not, and carries no months", async () => {
    const insured = freshPerson();
    await recordOf144(insured.idNumber);
    const ctx = v2();
    const c = await openCase(ctx, h.actors.out, openInput({ type: "pensionTransfer", insured }));
    expect(c.machineVersion).toBe(2);
    const typed = {
      type: "ISSUE_CERTIFICATE",
      contributionMonths: 120,
      personalAccountFen: 4_567_800,
      arrearsFen: 0,
      contributionWagesSince1998Fen: 19_546_667,
    };
    const issued = await advanceCase(ctx, h.actors.out, c.id, advanceInput(typed));
    expect(issued.case.state).toBe("certificateIssued");
    const { type: _type, ...payload } = typed;
    expect((await h.events(c.id)).at(-1)!.payload).toEqual(payload);
    expect(JSON.parse(issued.case.snapshot).context).toMatchObject({
      contributionMonths: 120,
      personalAccountFen: 4_567_800,
      pooledShareFen: 2_345_600,
    });
    // no record needed either
    const other = await openCase(ctx, h.actors.out, openInput({ type: "pensionTransfer" }));
    expect((await advanceCase(ctx, h.actors.out, other.id, advanceInput(typed))).case.state).toBe("certificateIssued");

    const by = (actor: keyof EngineHarness["actors"], body: { type: string } & Record<string, unknown>) =>
      advanceCase(ctx, h.actors[actor], c.id, advanceInput(body));
    await by("in", { type: "FILE_APPLICATION", channel: "offline", applicant: "employer" });
    await by("in", { type: "ACCEPT" });
    await by("out", { type: "TRANSFER_OUT_DONE", personalAccountFen: 4_567_800, pooledFundFen: 2_345_600 });
    expect((await by("in", { type: "TRANSFER_IN_DONE" })).case.state).toBe("transferred");
    expect(await rowsOf(directSqlOf(h.db), keyOf(insured.idNumber, "XM"))).toEqual([]);
  });
});
