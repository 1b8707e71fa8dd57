// Medical transfers on version 3 over HTTP (the service's default): the clerk imports the person's
// months, then issues the certificate without typing a figure; a typed figure that differs is a
// 422 naming it, no record a 409; the application's gap shows on the case and on the status page;
// every answer is checked against the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzhouPolicy, openCase, startWithAgencies, type Api, type Tokens } from "../support/fixtures.ts";
import { freshPerson, type TestServer } from "../support/server.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

beforeAll(async () => {
  // new cases on the latest versions (startService pins the fixtures' typed-figure versions otherwise)
  ({ server, api, tokens } = await startWithAgencies(
    { NEW_CASE_VERSIONS: "", TRACKER_TODAY: "2026-10-30" },
    { checkAnswers: true },
  ));
  const policy = { ...fuzhouPolicy, region: "350200", waitingPeriodMonths: 6 };
  expect((await api.call("POST", "/api/admin/policies", { token: tokens.admin, body: policy })).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

const HEADER = "idNumber,insurance,month,base,employer,individual,accountCredit,status,payer,employerCreditCode,reason";
/** seed 000's month: 5,600.00 at 10 % (448.00 + 112.00), 168.00 to the personal account */
const line = (idNumber: string, month: string) =>
  [
    idNumber,
    "medical",
    month,
    "5600.00",
    "448.00",
    "112.00",
    "168.00",
    "paid",
    "employer",
    "91350100MA3K00002E",
    "",
  ].join(",");
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number) as [number, number];
  for (;;) {
    const month = `${y}-${String(m).padStart(2, "0")}`;
    out.push(month);
    if (month === to) return out;
    if (++m > 12) [y, m] = [y + 1, 1];
  }
}
async function importMonths(token: string, idNumber: string, from: string, to: string) {
  const csv = [HEADER, ...monthsBetween(from, to).map((m) => line(idNumber, m)), ""].join("\r\n");
  const r = await api.upload("/api/contributions/import", {
    token,
    file: { bytes: csv, name: "contributions.csv", type: "text/csv" },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}
const send = (token: string, id: string, body: Record<string, unknown>) =>
  api.call("POST", `/api/cases/${id}/events`, { token, body });

describe("medical transfer certificates from the contribution record", () => {
  it("issues the certificate from the imported months; a differing typed figure is a 422, no record a 409", async () => {
    const person = freshPerson();
    const c = await openCase(api, tokens.out, { insured: person, occurredOn: "2026-04-01" });
    expect(c.machineVersion).toBe(3);

    const missing = await send(tokens.out, c.id, { type: "ISSUE_CERTIFICATE", occurredOn: "2026-04-02" });
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({ type: "/problems/contribution-record-missing", agency: "FZ" });

    await importMonths(tokens.out, person.idNumber, "2024-01", "2026-03");
    const typed = await send(tokens.out, c.id, {
      type: "ISSUE_CERTIFICATE",
      occurredOn: "2026-04-02",
      contributionMonths: 36,
    });
    expect(typed.status).toBe(422);
    expect(typed.body.errors).toEqual([
      {
        path: "contributionMonths",
        message: expect.stringContaining("the contribution record says 27 as of 2026-04"),
      },
    ]);

    const issued = await send(tokens.out, c.id, { type: "ISSUE_CERTIFICATE", occurredOn: "2026-04-02" });
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    expect(issued.body.facts).toMatchObject({ contributionMonths: 27, accountBalanceFen: 27 * 16_800 });
    expect(issued.body.gap).toBeNull();

    // filed half a year later, paying at the new place since August: a gap of 4 months
    await importMonths(tokens.in, person.idNumber, "2026-08", "2026-10");
    const filed = await send(tokens.in, c.id, {
      type: "FILE_APPLICATION",
      occurredOn: "2026-10-29",
      channel: "offline",
      applicant: "individual",
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    const gap = {
      lastMonthBefore: "2026-03",
      firstMonthAfter: "2026-08",
      months: 4,
      overThreeMonths: true,
      waitingPeriodMonths: 6,
    };
    expect(filed.body.gap).toEqual(gap);
    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: c.caseNumber, idNumber: person.idNumber },
    });
    expect(status.status).toBe(200);
    expect(status.body.gap).toEqual(gap);
  });

  it("the machine definition describes what the clerk sends: the figures are optional", async () => {
    const r = await api.call("GET", "/api/machines/medicalTransfer");
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(3);
    expect(r.body.events.ISSUE_CERTIFICATE).toMatchObject({ computed: true });
    expect(r.body.events.ISSUE_CERTIFICATE.payload.required ?? []).toEqual([]);
  });
});
