// A step's due date passes while the service is stopped: the start-up sweep flags it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runVerify, type TestServer } from "../support/server.ts";
import { advance, eventsOf, medicalInTransferOut, restart, startWithAgencies, waitFor } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";

let server: TestServer, api: Api, tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({ TRACKER_TODAY: "2026-10-12" }));
});

afterAll(() => server?.stop());

describe("a deadline that passes while the service is down", () => {
  it("is flagged after the restart, once, without changing the legal state", async () => {
    // Accepted on 28 Sep: transfer-out due Fri 16 Oct (National Day week off, Sat 10 Oct worked).
    const c = await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-28" });
    expect(c).toMatchObject({ stepDueOn: "2026-10-16", version: 4 });
    let r = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    expect(r.body).toMatchObject({ overdue: false, state: "transferOut" });

    ({ server, api } = await restart(server, { TRACKER_TODAY: "2026-10-19" }));

    // The start-up sweep records the miss: a system event, same state before and after.
    const missed = await waitFor("the DEADLINE_MISSED event", async () => {
      const items = await eventsOf(api, tokens.out, c.id);
      return items.find((e) => e.type === "DEADLINE_MISSED");
    });
    expect(missed).toMatchObject({
      seq: 5,
      fromState: "transferOut",
      toState: "transferOut",
      occurredOn: "2026-10-17", // the first day past the due date, whenever the sweep ran
      actor: { kind: "system", username: null },
      label: { zh: "期限已过", en: "Deadline passed" },
      payload: { state: "transferOut", stepDueOn: "2026-10-16", stepStartedOn: "2026-09-28" },
    });

    // It stands out in the case, the queue and the insured person's status answer.
    r = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    expect(r.body).toMatchObject({ overdue: true, state: "transferOut", version: 5, stepDueOn: "2026-10-16" });
    r = await api.call("GET", "/api/cases?overdue=true", { token: tokens.out });
    expect(r.body.items.map((i: any) => i.id)).toContain(c.id);
    expect(r.body.items.find((i: any) => i.id === c.id).overdue).toBe(true);
    r = await api.call("POST", "/api/status", { body: { caseNumber: c.caseNumber, idNumber: c.insured.idNumber } });
    expect(r.body.overdue).toBe(true);
    expect(r.body.timeline.at(-1)).toMatchObject({
      label: { zh: "期限已过", en: "Deadline passed" },
      occurredOn: "2026-10-17",
      state: "transferOut",
    });

    // Another restart (the same day) records nothing more for this step.
    ({ server, api } = await restart(server, { TRACKER_TODAY: "2026-10-19" }));
    await new Promise((res) => setTimeout(res, 1500));
    expect((await eventsOf(api, tokens.out, c.id)).filter((e) => e.type === "DEADLINE_MISSED")).toHaveLength(1);

    // The note does not stop staff from recording the act on the day it happened (before the note).
    const done = await advance(api, tokens.out, c.id, {
      type: "TRANSFER_OUT_DONE",
      occurredOn: "2026-10-16",
      transferredFen: 10_000,
    });
    expect(done).toMatchObject({ state: "transferIn", stepDueOn: "2026-10-23", overdue: false, version: 6 });

    const verify = await runVerify(server.databaseUrl);
    expect(verify.stdout).toMatch(/0 mismatched/);
    expect(verify.code).toBe(0);
  });
});
