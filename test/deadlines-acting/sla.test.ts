// The SLA report against a hand-checked set of cases (dates on the 2026 official calendar:
// Sun 20 Sep worked, Fri 25 Sep Mid-Autumn, 1–7 Oct National Day, Sat 10 Oct worked).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVerify, type TestServer } from "../support/server.ts";
import {
  advance,
  eventsOf,
  medicalInTransferOut,
  openCase,
  importPensionRecord,
  pensionCertificate,
  restart,
  startWithAgencies,
  waitFor,
} from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

let server: TestServer, api: Api, tokens: Tokens;

const who = (n: number) => ({ name: "赵六", idNumber: makeTestIdNumber("350102", "19750505", String(300 + n)) });

beforeAll(async () => {
  // The cases are entered with the deadline jobs off: a step flagged as missed counts as late
  // whatever date its completion is given, and on 30 Nov every September step is past due, so a
  // sweep between two of the requests below would flag steps these cases complete on time.
  let setup: TestServer;
  ({ server: setup, api, tokens } = await startWithAgencies({ TRACKER_TODAY: "2026-11-30", JOBS: "off" }));

  // Medical transfers FZ → XM, all accepted on Tue 1 Sep: transfer-out due Tue 15 Sep.
  const m = async (n: number) =>
    (await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-01" }, who(n))).id;
  const outDone = (id: string, on: string) =>
    advance(api, tokens.out, id, { type: "TRANSFER_OUT_DONE", occurredOn: on, transferredFen: 10_000 });
  const inDone = (id: string, on: string) => advance(api, tokens.in, id, { type: "TRANSFER_IN_DONE", occurredOn: on });
  // M1: out 10 Sep (7 wd, on time); in due 17 Sep, done 18 Sep (6 wd, late).
  const m1 = await m(1);
  await outDone(m1, "2026-09-10");
  await inDone(m1, "2026-09-18");
  // M2: out 16 Sep (11 wd, late); in due 22 Sep, done 17 Sep (1 wd, on time).
  const m2 = await m(2);
  await outDone(m2, "2026-09-16");
  await inDone(m2, "2026-09-17");
  // M3: out 3 Sep (2 wd, on time); in due 10 Sep, still open: overdue.
  const m3 = await m(3);
  await outDone(m3, "2026-09-03");
  // M5: out 8 Sep (5 wd, on time); in due 15 Sep, done 9 Sep (1 wd, on time).
  const m5 = await m(5);
  await outDone(m5, "2026-09-08");
  await inDone(m5, "2026-09-09");
  // M4: accepted 20 Nov, transfer-out open, due 4 Dec: not overdue.
  await medicalInTransferOut(api, tokens, { openedOn: "2026-11-01", acceptOn: "2026-11-20" }, who(4));

  // A pension transfer: review (XM) refused on 4 Sep (3 wd, due 21 Sep: on time), filed again
  // 7 Sep, accepted 30 Sep (17 wd, due 28 Sep: late); transfer-out (FZ) due 27 Oct, open, overdue.
  await importPensionRecord(api, tokens.out, who(6).idNumber, { contributionMonths: 100, personalAccountFen: 50_000 });
  const p = {
    body: await openCase(api, tokens.out, { type: "pensionTransfer", insured: who(6), occurredOn: "2026-08-28" }),
  };
  await advance(
    api,
    tokens.out,
    p.body.id,
    pensionCertificate({ occurredOn: "2026-08-31", contributionMonths: 100, personalAccountFen: 50_000 }),
  );
  await advance(api, tokens.in, p.body.id, {
    type: "FILE_APPLICATION",
    occurredOn: "2026-09-01",
    channel: "offline",
    applicant: "employer",
  });
  await advance(api, tokens.in, p.body.id, {
    type: "REFUSE",
    occurredOn: "2026-09-04",
    reason: "not yet registered as a new employee",
  });
  await advance(api, tokens.in, p.body.id, {
    type: "FILE_APPLICATION",
    occurredOn: "2026-09-07",
    channel: "offline",
    applicant: "employer",
  });
  const accepted = await advance(api, tokens.in, p.body.id, { type: "ACCEPT", occurredOn: "2026-09-30" });
  expect(accepted.stepDueOn).toBe("2026-10-27");
  ({ server, api } = await restart(setup, { TRACKER_TODAY: "2026-11-30", SWEEP_INTERVAL_MS: "200" }));

  // The sweeper notes the missed deadlines of the steps still open, M3's transfer-in and the
  // pension transfer-out: notes are not completions.
  await waitFor("the missed deadlines noted", async () => {
    const noted = await Promise.all([m3, p.body.id].map((id) => eventsOf(api, tokens.admin, id)));
    return noted.every((log) => log.at(-1).type === "DEADLINE_MISSED");
  });
});

afterAll(() => server?.stop());

const septemberRows = [
  {
    agency: "FZ",
    agencyName: "福州市医保中心",
    caseType: "medicalTransfer",
    step: "transferOut",
    stepLabel: { zh: "转出办理中", en: "Transfer-out in progress" },
    open: 1,
    overdue: 0,
    completedOnTime: 3,
    completedLate: 1,
    completionRate: 0.75,
    medianWorkingDays: 6,
    p90WorkingDays: 9.8,
    completedBackdated: 0,
  },
  {
    agency: "FZ",
    agencyName: "福州市医保中心",
    caseType: "pensionTransfer",
    step: "transferOut",
    stepLabel: { zh: "转出办理中", en: "Transfer-out in progress" },
    open: 1,
    overdue: 1,
    completedOnTime: 0,
    completedLate: 0,
    completionRate: null,
    medianWorkingDays: null,
    p90WorkingDays: null,
    completedBackdated: 0,
  },
  {
    agency: "XM",
    agencyName: "厦门市医保中心",
    caseType: "medicalTransfer",
    step: "transferIn",
    stepLabel: { zh: "转入办理中", en: "Transfer-in in progress" },
    open: 1,
    overdue: 1,
    completedOnTime: 2,
    completedLate: 1,
    completionRate: 0.6667,
    medianWorkingDays: 1,
    p90WorkingDays: 5,
    completedBackdated: 0,
  },
  {
    agency: "XM",
    agencyName: "厦门市医保中心",
    caseType: "pensionTransfer",
    step: "applicationFiled",
    stepLabel: { zh: "转入地审核中", en: "Under review by the transfer-in agency" },
    open: 0,
    overdue: 0,
    completedOnTime: 1,
    completedLate: 1,
    completionRate: 0.5,
    medianWorkingDays: 10,
    p90WorkingDays: 15.6,
    completedBackdated: 0,
  },
];

describe("the SLA report", () => {
  it("counts open, overdue and completed steps per agency and step, as JSON", async () => {
    const r = await api.call("GET", "/api/admin/reports/sla?from=2026-09-01&to=2026-09-30", { token: tokens.admin });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({
      from: "2026-09-01",
      to: "2026-09-30",
      asOf: "2026-11-30",
      rows: septemberRows,
      // the pension refusal of 4 Sep: a version 2 case refused with the reason alone counts as other
      refusals: [
        {
          agency: "XM",
          caseType: "pensionTransfer",
          reasonCode: "other",
          label: { zh: "其他原因", en: "Other" },
          count: 1,
        },
      ],
    });
  });

  it("only counts completions within [from, to]", async () => {
    // 11–30 Sep: FZ medical out keeps M2 (11 wd, late); XM medical in keeps M1 (6, late) and M2 (1, on time);
    // the pension review keeps the acceptance (17, late).
    const r = await api.call("GET", "/api/admin/reports/sla?from=2026-09-11&to=2026-09-30&format=json", {
      token: tokens.admin,
    });
    const pick = (row: any) => [
      row.agency,
      row.caseType,
      row.step,
      row.completedOnTime,
      row.completedLate,
      row.completionRate,
      row.medianWorkingDays,
      row.p90WorkingDays,
    ];
    expect(r.body.rows.map(pick)).toEqual([
      ["FZ", "medicalTransfer", "transferOut", 0, 1, 0, 11, 11],
      ["FZ", "pensionTransfer", "transferOut", 0, 0, null, null, null],
      ["XM", "medicalTransfer", "transferIn", 1, 1, 0.5, 3.5, 5.5],
      ["XM", "pensionTransfer", "applicationFiled", 0, 1, 0, 17, 17],
    ]);
    // Nothing completed, nothing open in a past month without cases: only open steps remain.
    const empty = await api.call("GET", "/api/admin/reports/sla?from=2026-01-01&to=2026-01-31&agency=XM", {
      token: tokens.admin,
    });
    expect(empty.body.rows.map(pick)).toEqual([["XM", "medicalTransfer", "transferIn", 0, 0, null, null, null]]);
  });

  it("answers as CSV with the same columns", async () => {
    const r = await api.call("GET", "/api/admin/reports/sla?from=2026-09-01&to=2026-09-30&format=csv", {
      token: tokens.admin,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(r.headers.get("content-disposition")).toBe("attachment; filename=sla-2026-09-01-2026-09-30.csv");
    expect(r.body).toBe(
      [
        "agency,agencyName,caseType,step,stepLabelZh,stepLabelEn,open,overdue,completedOnTime,completedLate,completionRate,medianWorkingDays,p90WorkingDays,completedBackdated",
        "FZ,福州市医保中心,medicalTransfer,transferOut,转出办理中,Transfer-out in progress,1,0,3,1,0.75,6,9.8,0",
        "FZ,福州市医保中心,pensionTransfer,transferOut,转出办理中,Transfer-out in progress,1,1,0,0,,,,0",
        "XM,厦门市医保中心,medicalTransfer,transferIn,转入办理中,Transfer-in in progress,1,1,2,1,0.6667,1,5,0",
        "XM,厦门市医保中心,pensionTransfer,applicationFiled,转入地审核中,Under review by the transfer-in agency,0,0,1,1,0.5,10,15.6,0",
        "",
      ].join("\r\n"),
    );
  });

  it("is for administrators, with validated parameters", async () => {
    expect(
      (await api.call("GET", "/api/admin/reports/sla?from=2026-09-01&to=2026-09-30", { token: tokens.out })).status,
    ).toBe(403);
    for (const q of [
      "from=2026-09-30&to=2026-09-01",
      "from=2026-09-01",
      "from=2026-09-01&to=2026-09-31",
      "from=2026-09-01&to=2026-09-30&format=xml",
      "from=2026-09-01&to=2026-09-30&agency=NOPE",
    ]) {
      expect((await api.call("GET", `/api/admin/reports/sla?${q}`, { token: tokens.admin })).status, q).toBe(422);
    }
    const verify = await runVerify(server.databaseUrl);
    expect(verify.code).toBe(0);
  });
});
