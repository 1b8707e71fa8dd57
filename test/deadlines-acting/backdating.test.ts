// Backdating (issue 22, row 7): an act dated more than BACKDATE_REASON_AFTER_WORKING_DAYS working
// days before today needs a reason, kept with the event (not in the machine's payload); a step the
// service flagged as missed is late in the SLA report whatever date its completion is given.
// Today is Mon 30 Nov 2026; three working days back is Wed 25 Nov.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../support/server.ts";
import { eventsOf, medicalCertificate, openCase, send, startWithAgencies, waitFor } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";

let server: TestServer, api: Api, tokens: Tokens;
const who = (n: number) => ({ name: "钱七", idNumber: makeTestIdNumber("350102", "19800606", String(400 + n)) });
const post = (token: string, id: string, body: Record<string, unknown>) => send(api, token, id, body);
const open = async (n: number, occurredOn: string) =>
  (await openCase(api, tokens.out, { insured: who(n), occurredOn })).id as string;
const certificate = medicalCertificate({ contributionMonths: 24, accountBalanceFen: 10_000 });

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({
    TRACKER_TODAY: "2026-11-30",
    SWEEP_INTERVAL_MS: "200",
    BACKDATE_REASON_AFTER_WORKING_DAYS: "3",
  }));
});

afterAll(() => server?.stop());

describe("backdated acts", () => {
  it("need a reason beyond BACKDATE_REASON_AFTER_WORKING_DAYS working days, kept with the event and not in its payload", async () => {
    const id = await open(1, "2026-11-20");
    const missing = await post(tokens.out, id, { ...certificate, occurredOn: "2026-11-24" });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([
      {
        path: "backdateReason",
        message: expect.stringMatching(/more than 3 working days before today \(2026-11-30\)/),
      },
    ]);
    for (const bad of [1, "   ", "late\u202Ereason", "x".repeat(501), { text: "late" }]) {
      const r = await post(tokens.out, id, { ...certificate, occurredOn: "2026-11-24", backdateReason: bad });
      expect(r.status, JSON.stringify(bad)).toBe(422);
      expect(r.body.errors.map((e: any) => e.path)).toEqual(["backdateReason"]);
    }
    // Nothing changed by the refusals.
    expect((await eventsOf(api, tokens.out, id)).map((e) => e.type)).toEqual(["CASE_OPENED"]);

    const ok = await post(tokens.out, id, {
      ...certificate,
      occurredOn: "2026-11-24",
      backdateReason: "  the paper file reached the office late ",
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // Three working days back needs none; a reason given where none is needed is not kept.
    expect(
      (
        await post(tokens.in, id, {
          type: "FILE_APPLICATION",
          channel: "online",
          applicant: "employer",
          occurredOn: "2026-11-25",
        })
      ).status,
    ).toBe(200);
    expect(
      (await post(tokens.in, id, { type: "ACCEPT", occurredOn: "2026-11-30", backdateReason: "not needed" })).status,
    ).toBe(200);

    const log = await eventsOf(api, tokens.out, id);
    expect(log.map((e) => [e.type, e.backdateReason])).toEqual([
      ["CASE_OPENED", null],
      ["ISSUE_CERTIFICATE", "the paper file reached the office late"],
      ["FILE_APPLICATION", null],
      ["ACCEPT", null],
    ]);
    expect(log[1].payload).toEqual({ contributionMonths: 24, accountBalanceFen: 10_000, arrearsFen: 0 });

    const audit = await api.call("GET", "/api/admin/audit?from=2026-11-01&to=2026-11-30", { token: tokens.admin });
    const lines = audit.body.trim().split("\r\n");
    expect(lines[0].split(",").at(-1)).toBe("backdateReason");
    expect(lines.filter((l: string) => l.endsWith(",the paper file reached the office late"))).toHaveLength(1);
  });

  it("cannot turn a step flagged DEADLINE_MISSED into an on-time one, and the SLA report counts backdated completions", async () => {
    const reason = { backdateReason: "entered from the paper register" };
    // Accepted Tue 3 Nov: transfer-out due Tue 17 Nov, missed by today.
    const late = await open(2, "2026-11-02");
    for (const body of [
      { ...certificate, occurredOn: "2026-11-02", ...reason },
      { type: "FILE_APPLICATION", channel: "online", applicant: "employer", occurredOn: "2026-11-02", ...reason },
    ]) {
      expect((await post(body.type === "FILE_APPLICATION" ? tokens.in : tokens.out, late, body)).status).toBe(200);
    }
    expect((await post(tokens.in, late, { type: "ACCEPT", occurredOn: "2026-11-03", ...reason })).body.stepDueOn).toBe(
      "2026-11-17",
    );
    await waitFor(
      "the missed transfer-out noted",
      async () => (await eventsOf(api, tokens.out, late)).at(-1).type === "DEADLINE_MISSED",
    );

    // Recorded now, dated the day before the due date.
    const done = await post(tokens.out, late, {
      type: "TRANSFER_OUT_DONE",
      transferredFen: 10_000,
      occurredOn: "2026-11-16",
      ...reason,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);

    const r = await api.call("GET", "/api/admin/reports/sla?from=2026-11-01&to=2026-11-30&agency=FZ", {
      token: tokens.admin,
    });
    expect(r.status).toBe(200);
    expect(
      r.body.rows.find((row: any) => row.caseType === "medicalTransfer" && row.step === "transferOut"),
    ).toMatchObject({
      completedOnTime: 0,
      completedLate: 1,
      completedBackdated: 1,
    });
    const csv = await api.call("GET", "/api/admin/reports/sla?from=2026-11-01&to=2026-11-30&agency=FZ&format=csv", {
      token: tokens.admin,
    });
    expect(csv.body.split("\r\n")[0].split(",").at(-1)).toBe("completedBackdated");
  });
});
