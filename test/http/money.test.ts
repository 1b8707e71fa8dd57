// Money the service computes (issue 16): renewal assessments from the regional policy (v2; new
// renewals are on version 3, which takes the months and the continuity from the contribution record
// when it can: issue #28), the pension pooled share (v2; from the record in v3), refusals with a reason code, through the
// real HTTP API. Every answer is checked against the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  advance,
  fuzhouPolicy,
  importPensionRecord,
  openCase,
  pensionCertificate,
  send,
  startWithAgencies,
  type Api,
  type Tokens,
} from "../support/fixtures.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { runVerify, type TestServer } from "../support/server.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

let n = 0;
const who = () => ({ name: `续保${++n}`, idNumber: makeTestIdNumber("350102", "19900307", String(600 + n)) });

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies(
    { BACKDATE_REASON_AFTER_WORKING_DAYS: "100000" },
    { checkAnswers: true },
  ));
  const r = await api.call("POST", "/api/admin/policies", { token: tokens.admin, body: fuzhouPolicy });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body).toMatchObject(fuzhouPolicy);
});
afterAll(async () => {
  await server?.stop();
});

const renewalAt = async (from = "FZ") => {
  const insured = who();
  const c = await openCase(api, from === "FZ" ? tokens.out : tokens.other, {
    type: "renewal",
    from,
    insured,
    occurredOn: "2026-10-15",
  });
  return { c, insured };
};
const request = { firstMissedMonth: "2026-10", lastMissedMonth: "2026-11", payer: "employer", paysOn: "2026-12-01" };

describe("renewal v2: the assessment comes from the regional policy", () => {
  it("admin policies keep their old fields and show the new ones (null when not set)", async () => {
    const r = await api.call("POST", "/api/admin/policies", {
      token: tokens.admin,
      body: {
        ...fuzhouPolicy,
        region: "350200",
        effectiveFrom: "2026-01-01",
        flexibleRateBasisPoints: undefined,
        averageWageFen: undefined,
        baseFloorPercent: undefined,
        baseCeilingPercent: undefined,
        reimbursementRatios: undefined,
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ region: "350200", averageWageFen: null, reimbursementRatios: null });
    const bad = await api.call("POST", "/api/admin/policies", {
      token: tokens.admin,
      body: { ...fuzhouPolicy, effectiveFrom: "2026-02-01", averageWageFen: undefined },
    });
    expect(bad.status).toBe(422);
  });

  it("previews, records the computed assessment, shows it, and takes exactly the total", async () => {
    const { c, insured } = await renewalAt();
    expect(c.machineVersion).toBe(3);
    // 5,000.00 declared is below the floor 8,000.00 × 70 % = 5,600.00: 560.00 a month.
    // October is due 31 Oct: 31 days late on 1 Dec, 560.00 × 0.05 % × 31 = 8.68; November 1 day: 0.28.
    const expected = {
      monthsMissed: 2,
      principalFen: 112_000,
      lateFeeFen: 896,
      totalFen: 112_896,
      backPayable: true,
      waitingPeriodMonths: 0,
      waitingPeriodEndsOn: null,
      payBy: "2026-12-01",
      lines: [
        { month: "2026-10", baseFen: 560_000, contributionFen: 56_000, daysLate: 31, lateFeeFen: 868 },
        { month: "2026-11", baseFen: 560_000, contributionFen: 56_000, daysLate: 1, lateFeeFen: 28 },
      ],
      policy: { region: "350100", effectiveFrom: "2026-01-01" },
      // the agency holds no record of the person: the continuity before the lapse is not known
      continuity: { continuous: true, continuousMonths: null, reimbursementRatioPercent: null },
    };
    const body = request;
    const preview = await api.call("POST", `/api/cases/${c.id}/assessment-preview`, { token: tokens.out, body });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.assessment).toEqual(expected);
    const still = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    expect(still.body).toMatchObject({ version: c.version, state: "lapsed", assessment: null });

    const assessed = await advance(api, tokens.out, c.id, {
      type: "ASSESS_ARREARS",
      occurredOn: "2026-12-01",
      ...body,
    });
    expect(assessed.state).toBe("arrearsAssessed");
    expect(assessed.assessment).toEqual(expected);
    const log = await api.call("GET", `/api/cases/${c.id}/events`, { token: tokens.out });
    expect(log.body.items.at(-1).payload).toEqual({
      ...body,
      continuousMonthsBefore: null,
      monthsFromRecord: false,
      assessment: expected,
    });

    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: insured.idNumber },
    });
    expect(status.body.paymentDue).toEqual({
      totalFen: 112_896,
      payBy: "2026-12-01",
      backPayable: true,
      waitingPeriodEndsOn: null,
    });

    const short = await send(api, tokens.out, c.id, {
      type: "PAYMENT_RECEIVED",
      occurredOn: "2026-12-01",
      amountFen: 112_895,
    });
    expect(short.status).toBe(409);
    expect(short.body.type).toBe("/problems/refused-by-rule");
    const paid = await advance(api, tokens.out, c.id, {
      type: "PAYMENT_RECEIVED",
      occurredOn: "2026-12-01",
      amountFen: 112_896,
    });
    expect(paid.state).toBe("paid");
    // the payment added the two months to the agency's record, back-paid by this case
    const record = await api.call("GET", `/api/cases/${c.id}/contributions`, { token: tokens.out });
    expect(record.status).toBe(200);
    expect(
      record.body.items.map((m: any) => [m.month, m.status, m.source, m.caseId, m.baseFen, m.employerFen]),
    ).toEqual([
      ["2026-11", "backPaid", "renewal", c.id, 560_000, 56_000],
      ["2026-10", "backPaid", "renewal", c.id, 560_000, 56_000],
    ]);
    const restored = await advance(api, tokens.out, c.id, { type: "RESTORE", occurredOn: "2026-12-02" });
    expect(restored.state).toBe("restored");
    expect(restored.facts.monthsInRecord).toEqual(["2026-10", "2026-11"]);

    // a later lapse of the same person: the months and the continuity come from the record now
    const again = await openCase(api, tokens.out, { type: "renewal", insured, occurredOn: "2026-12-01" });
    const defaults = await api.call("POST", `/api/cases/${again.id}/assessment-preview`, {
      token: tokens.out,
      body: { payer: "employer", lastMissedMonth: "2026-12", paysOn: "2026-12-31" },
    });
    expect(defaults.status, JSON.stringify(defaults.body)).toBe(200);
    expect(defaults.body).toMatchObject({
      firstMissedMonth: "2026-12",
      lastMissedMonth: "2026-12",
      continuousMonthsBefore: 2,
      monthsFromRecord: true,
      assessment: { monthsMissed: 1, continuity: { continuousMonths: 3, reimbursementRatioPercent: 60 } },
    });
    const typed = await send(api, tokens.out, again.id, {
      type: "ASSESS_ARREARS",
      payer: "employer",
      lastMissedMonth: "2026-12",
      continuousMonthsBefore: 40,
    });
    expect(typed.status).toBe(422);
    expect(typed.body.errors).toEqual([
      {
        path: "continuousMonthsBefore",
        message: "the contribution record says 2 (the months without a break up to 2026-11); leave it out",
      },
    ]);
  });

  it("version 3 without a record of the person: the months are typed; left out: 409 contribution-record-missing", async () => {
    const { c } = await renewalAt();
    for (const body of [{ payer: "employer" }, { ...request, continuousMonthsBefore: 40 }]) {
      const r = await send(api, tokens.out, c.id, { type: "ASSESS_ARREARS", ...body });
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({
        type: "/problems/contribution-record-missing",
        agency: "FZ",
        insurance: "medical",
      });
      const p = await api.call("POST", `/api/cases/${c.id}/assessment-preview`, { token: tokens.out, body });
      expect(p.status).toBe(409);
    }
    expect((await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out })).body.version).toBe(c.version);
  });

  it("flexible employees: their own rate, no late fee where the policy waives it; a declared base is clamped", async () => {
    const { c } = await renewalAt();
    const flexible = await api.call("POST", `/api/cases/${c.id}/assessment-preview`, {
      token: tokens.out,
      body: { ...request, payer: "flexible" },
    });
    expect(flexible.body.assessment).toMatchObject({ principalFen: 89_600, lateFeeFen: 0, totalFen: 89_600 });
    expect(flexible.body.assessment.continuity).toEqual({
      continuous: true,
      continuousMonths: null,
      reimbursementRatioPercent: null,
    });
    const high = await api.call("POST", `/api/cases/${c.id}/assessment-preview`, {
      token: tokens.out,
      body: { ...request, declaredBaseFen: 5_000_000 },
    });
    // ceiling 8,000.00 × 300 % = 24,000.00
    expect(high.body.assessment.lines[0]).toMatchObject({ baseFen: 2_400_000, contributionFen: 240_000 });
  });

  it("a gap longer than the back-payment limit: nothing to pay, the waiting period, the record starts again", async () => {
    const { c, insured } = await renewalAt();
    const assessed = await advance(api, tokens.out, c.id, {
      type: "ASSESS_ARREARS",
      occurredOn: "2026-12-01",
      ...request,
      lastMissedMonth: "2026-12",
    });
    expect(assessed.assessment).toMatchObject({
      monthsMissed: 3,
      totalFen: 0,
      backPayable: false,
      waitingPeriodMonths: 6,
      waitingPeriodEndsOn: "2027-06-01",
      lines: [],
      continuity: { continuous: false, continuousMonths: 0, reimbursementRatioPercent: 60 },
    });
    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: insured.idNumber },
    });
    expect(status.body.paymentDue).toMatchObject({
      totalFen: 0,
      backPayable: false,
      waitingPeriodEndsOn: "2027-06-01",
    });
    expect((await send(api, tokens.out, c.id, { type: "PAYMENT_RECEIVED", amountFen: 0 })).status).toBe(409);
    expect((await advance(api, tokens.out, c.id, { type: "RESTORE", occurredOn: "2026-12-02" })).state).toBe(
      "restored",
    );
  });

  it("422 for months in the future, before the lapse, or reversed; nothing recorded", async () => {
    const { c } = await renewalAt();
    for (const bad of [
      { lastMissedMonth: "2099-01" },
      { firstMissedMonth: "2026-09" },
      { firstMissedMonth: "2026-11", lastMissedMonth: "2026-10" },
      { paysOn: "2026-10-01" },
      { payer: "nobody" },
      { firstMissedMonth: "2026-13" },
    ]) {
      const r = await send(api, tokens.out, c.id, { type: "ASSESS_ARREARS", ...request, ...bad });
      expect(r.status, JSON.stringify(bad)).toBe(422);
      const p = await api.call("POST", `/api/cases/${c.id}/assessment-preview`, {
        token: tokens.out,
        body: { ...request, ...bad },
      });
      expect(p.status, JSON.stringify(bad)).toBe(422);
    }
    // the clerk-typed payload of version 1 is not accepted on a version 2 case
    const v1 = await send(api, tokens.out, c.id, {
      type: "ASSESS_ARREARS",
      monthsMissed: 2,
      principalFen: 1,
      lateFeeFen: 0,
      backPayable: true,
    });
    expect(v1.status).toBe(422);
    expect((await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out })).body.version).toBe(c.version);
  });

  it("409 naming the region, the date and the insurance when no policy is in force", async () => {
    const { c } = await renewalAt("SZ");
    const r = await send(api, tokens.other, c.id, { type: "ASSESS_ARREARS", ...request });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      type: "/problems/no-policy-in-force",
      region: "440300",
      date: "2026-12-01",
      insurance: "medical",
    });
    const p = await api.call("POST", `/api/cases/${c.id}/assessment-preview`, { token: tokens.other, body: request });
    expect(p.status).toBe(409);
    // before the policy took effect in Fuzhou
    const { c: fz } = await renewalAt();
    const early = await api.call("POST", `/api/cases/${fz.id}/assessment-preview`, {
      token: tokens.out,
      body: { ...request, firstMissedMonth: "2026-10", lastMissedMonth: "2026-10", paysOn: "2026-10-20" },
    });
    expect(early.status).toBe(200);
  });

  it("the preview is for the case's own agencies and renewals computed by the service", async () => {
    const { c } = await renewalAt();
    expect(
      (await api.call("POST", `/api/cases/${c.id}/assessment-preview`, { token: tokens.in, body: request })).status,
    ).toBe(403);
    const medical = await openCase(api, tokens.out, { insured: who() });
    expect(
      (await api.call("POST", `/api/cases/${medical.id}/assessment-preview`, { token: tokens.out, body: request }))
        .status,
    ).toBe(409);
  });
});

describe("pension: the pooled share is computed; refusals carry a code", () => {
  it("certificate → pooled share shown; TRANSFER_OUT_DONE moves exactly it; refusals per code in the SLA report", async () => {
    const insured = who();
    // version 3: the certificate's figures come from the transfer-out agency's record; typed, they must be its
    await importPensionRecord(api, tokens.out, insured.idNumber);
    const c = await openCase(api, tokens.out, { type: "pensionTransfer", insured, occurredOn: "2026-11-02" });
    expect(c.machineVersion).toBe(3);
    const cert = await advance(
      api,
      tokens.out,
      c.id,
      pensionCertificate({ occurredOn: "2026-11-03", contributionWagesSince1998Fen: 19_546_667 }),
    );
    expect(cert.facts).toMatchObject({ pooledShareFen: 2_345_600, personalAccountFen: 4_567_800 });
    const file = { type: "FILE_APPLICATION", channel: "offline", applicant: "employer" };
    await advance(api, tokens.in, c.id, { ...file, occurredOn: "2026-11-04" });
    const noReason = await send(api, tokens.in, c.id, { type: "REFUSE", reasonCode: "other" });
    expect(noReason.status).toBe(422);
    await advance(api, tokens.in, c.id, {
      type: "REFUSE",
      occurredOn: "2026-11-05",
      reasonCode: "documentsIncomplete",
    });
    await advance(api, tokens.in, c.id, { ...file, occurredOn: "2026-11-06" });
    await advance(api, tokens.in, c.id, { type: "ACCEPT", occurredOn: "2026-11-09" });
    const cheap = await send(api, tokens.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      occurredOn: "2026-11-10",
      personalAccountFen: 4_567_800,
      pooledFundFen: 1,
    });
    expect(cheap.status).toBe(409);
    const done = await advance(api, tokens.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      occurredOn: "2026-11-10",
      personalAccountFen: 4_567_800,
      pooledFundFen: 2_345_600,
    });
    expect(done.state).toBe("transferIn");

    const sla = await api.call("GET", "/api/admin/reports/sla?from=2026-11-01&to=2026-11-30", { token: tokens.admin });
    expect(sla.status).toBe(200);
    expect(sla.body.refusals).toEqual([
      {
        agency: "XM",
        caseType: "pensionTransfer",
        reasonCode: "documentsIncomplete",
        label: { zh: "材料不齐全", en: "Documents incomplete" },
        count: 1,
      },
    ]);
    const csv = await api.call("GET", "/api/admin/reports/sla?from=2026-11-01&to=2026-11-30&format=csv&part=refusals", {
      token: tokens.admin,
    });
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain("XM,pensionTransfer,documentsIncomplete,材料不齐全,Documents incomplete,1");
    // the audit export names each refusal's code in a last column when asked (refusals=true)
    const audit = await api.call("GET", "/api/admin/audit?from=2026-11-01&to=2026-11-30&refusals=true", {
      token: tokens.admin,
    });
    expect(audit.status).toBe(200);
    const [header, ...rows] = String(audit.body).trim().split("\r\n");
    expect(header!.split(",").at(-1)).toBe("reasonCode");
    const refusals = rows.filter((r) => r.split(",")[6] === "REFUSE");
    expect(refusals.map((r) => r.split(",").at(-1))).toEqual(["documentsIncomplete"]);
    expect(rows.filter((r) => r.split(",")[6] !== "REFUSE").every((r) => r.endsWith(","))).toBe(true);
    const plain = await api.call("GET", "/api/admin/audit?from=2026-11-01&to=2026-11-30", { token: tokens.admin });
    expect(String(plain.body).split("\r\n")[0]).not.toContain("reasonCode");
  });

  it("the OpenAPI document shows the request schema of ASSESS_ARREARS, not the recorded one", async () => {
    const doc = (await api.call("GET", "/api/openapi.json")).body;
    const schema = doc.components.schemas.renewal_ASSESS_ARREARS;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["firstMissedMonth", "lastMissedMonth", "payer", "paysOn"]),
    );
    expect(schema.properties.assessment).toBeUndefined();
    expect(schema.properties.principalFen).toBeUndefined();
  });
});

describe("replay", () => {
  it("every case of this file replays clean from its log (npm run verify)", async () => {
    const r = await runVerify(server.databaseUrl);
    expect(r.stdout).toMatch(/verify: \d+ cases replayed, 0 mismatched/);
    expect(r.code, r.stdout).toBe(0);
  }, 60_000);
});
