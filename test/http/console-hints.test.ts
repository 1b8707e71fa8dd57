// What the console is told instead of computing it: each queue row's working days left and dueSoon
// (against the official 2026 calendar: Mid-Autumn 25-27 Sep and National Day 1-7 Oct off, Sun 20 Sep
// and Sat 10 Oct worked),
// the case page's working days for the step and for the whole case, and the events refused now.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advance, openCase, startWithAgencies, walkTo, type Api, type Tokens } from "../support/fixtures.ts";
import { makePeople } from "../support/reliability.ts";
import type { TestServer } from "../support/server.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;
const people = makePeople(10, 77);
const TODAY = "2026-09-28"; // a Monday

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies({ TRACKER_TODAY: TODAY, JOBS: "off" }, { checkAnswers: true }));
});

afterAll(async () => {
  await server?.stop();
});

/** A medical transfer accepted on `acceptedOn`: its transfer-out step runs 10 working days from then. */
async function acceptedOn(i: number, acceptedOn: string) {
  const c = await openCase(api, tokens.out, { insured: people[i], occurredOn: "2026-08-31" });
  return walkTo(api, tokens, c, "transferOut", { on: (type) => (type === "ACCEPT" ? acceptedOn : "2026-08-31") });
}

describe("queue rows: workingDaysLeft and dueSoon from the server", () => {
  it("counts working days on the official calendar and marks due soon as the dueSoon filter does", async () => {
    const cases = {
      farOff: await acceptedOn(0, "2026-09-28"), // due 2026-10-16: 10 working days
      today: await acceptedOn(1, "2026-09-14"), // due 2026-09-28: today, 0 left
      afterHoliday: await acceptedOn(2, "2026-09-17"), // due 2026-10-08: 3 working days, 10 calendar days
      overdue: await acceptedOn(3, "2026-09-01"), // due 2026-09-15
    };
    expect(cases.farOff.stepDueOn).toBe("2026-10-16");
    expect(cases.today.stepDueOn).toBe("2026-09-28");
    expect(cases.afterHoliday.stepDueOn).toBe("2026-10-08");
    expect(cases.overdue.stepDueOn).toBe("2026-09-15");

    const list = await api.call("GET", "/api/cases?limit=200", { token: tokens.out });
    expect(list.status).toBe(200);
    const row = (id: string) => list.body.items.find((r: { id: string }) => r.id === id);
    expect(row(cases.farOff.id)).toMatchObject({ workingDaysLeft: 10, dueSoon: false, overdue: false });
    expect(row(cases.today.id)).toMatchObject({ workingDaysLeft: 0, dueSoon: true, overdue: false });
    expect(row(cases.afterHoliday.id)).toMatchObject({ workingDaysLeft: 3, dueSoon: true, overdue: false });
    // Sep 15 → Sep 28: 16, 17, 18, 20 (worked Sunday), 21-24, 28 = 9 working days past
    expect(row(cases.overdue.id)).toMatchObject({ workingDaysLeft: -9, dueSoon: false, overdue: true });

    const soon = await api.call("GET", "/api/cases?dueSoon=true&limit=200", { token: tokens.out });
    const flagged = list.body.items.filter((r: { dueSoon: boolean }) => r.dueSoon).map((r: { id: string }) => r.id);
    expect(soon.body.items.map((r: { id: string }) => r.id).sort()).toEqual(flagged.sort());

    // the case page: the step and the whole case (15 working days from acceptance: 2026-10-23) apart
    const detail = await api.call("GET", `/api/cases/${cases.farOff.id}`, { token: tokens.in });
    expect(detail.body).toMatchObject({
      stepDueOn: "2026-10-16",
      dueOn: "2026-10-23",
      stepWorkingDaysLeft: 10,
      overallWorkingDaysLeft: 15,
    });
  });

  it("a case without a running step deadline has no working days left and is not due soon", async () => {
    const c = await openCase(api, tokens.out, { insured: people[5], occurredOn: "2026-09-28" });
    const list = await api.call("GET", "/api/cases?limit=200", { token: tokens.out });
    const r = list.body.items.find((x: { id: string }) => x.id === c.id);
    expect(r).toMatchObject({
      state: "suspended",
      stepDueOn: null,
      dueOn: null,
      workingDaysLeft: null,
      dueSoon: false,
    });
  });
});

describe("blockedEvents: what the machine refuses now, for whoever may record it", () => {
  it("ACCEPT with unpaid arrears is blocked with the rule's reason, until the arrears are paid", async () => {
    const c = await openCase(api, tokens.out, { insured: people[6], occurredOn: "2026-09-28" });
    await walkTo(api, tokens, c, "applicationFiled", { arrearsFen: 35_000 });
    const asIn = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.in });
    expect(asIn.body.allowedEvents).toContain("ACCEPT");
    expect(asIn.body.blockedEvents).toEqual([{ type: "ACCEPT", reason: expect.stringContaining("arrears") }]);
    // the machine agrees: recording it is refused by rule
    const refused = await api.call("POST", `/api/cases/${c.id}/events`, { token: tokens.in, body: { type: "ACCEPT" } });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe("/problems/refused-by-rule");
    // the transfer-out clerk cannot accept at all: nothing of theirs is blocked
    const asOut = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out });
    expect(asOut.body.blockedEvents).toEqual([]);
    const asAdmin = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.admin });
    expect(asAdmin.body.blockedEvents).toEqual([]);

    await advance(api, tokens.out, c.id, { type: "ARREARS_PAID", paidFen: 35_000 });
    const after = await api.call("GET", `/api/cases/${c.id}`, { token: tokens.in });
    expect(after.body.blockedEvents).toEqual([]);
    expect((await advance(api, tokens.in, c.id, { type: "ACCEPT" })).state).toBe("transferOut");
  });
});
