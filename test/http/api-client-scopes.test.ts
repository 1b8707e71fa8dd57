// What an API client is offered is what it may record: the events a 409 answer lists (not allowed
// now, refused by the rules) are, for a client, only those in its scope, as on the case itself
// (allowedEvents); staff of the same agency are offered every event of their side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  advance,
  medicalCertificate,
  medicalEventBody,
  openCase,
  send,
  startWithAgencies,
  type Api,
  type Tokens,
} from "../support/fixtures.ts";
import { freshPerson, type TestServer } from "../support/server.ts";

let server: TestServer;
let api: Api;
let tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies(undefined, { checkAnswers: true }));
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** A client of the transfer-in agency XM scoped to `events`; its key. */
async function clientKey(name: string, events: string[]): Promise<string> {
  const r = await api.call("POST", "/api/admin/api-clients", {
    token: tokens.admin,
    body: { name, agencyCode: "XM", events },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.key;
}

describe("the events a 409 offers an API client", () => {
  it("not allowed now: only the events in the client's scope", async () => {
    const scope = ["CASE_OPENED", "APPLY_ONLINE", "WITHDRAW"];
    const key = await clientKey("platform", scope);
    const opened = await api.call("POST", "/api/cases", {
      token: key,
      body: { type: "medicalTransfer", insured: freshPerson(), fromAgency: "FZ", toAgency: "XM" },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const filed = await advance(api, key, opened.body.id, medicalEventBody("APPLY_ONLINE"));
    expect(filed).toMatchObject({ state: "onlineApplicationFiled", allowedEvents: ["WITHDRAW"] });

    const again = await send(api, key, opened.body.id, medicalEventBody("APPLY_ONLINE"));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: "/problems/event-not-allowed",
      state: "onlineApplicationFiled",
      allowedEvents: ["WITHDRAW"],
    });
    // the agency's staff are offered their side's events
    const staff = await send(api, tokens.in, opened.body.id, medicalEventBody("APPLY_ONLINE"));
    expect(staff.status).toBe(409);
    expect(staff.body.allowedEvents).toEqual(["ACCEPT", "REFUSE", "WITHDRAW"]);
  });

  it("refused by the rules: only the events in the client's scope", async () => {
    const key = await clientKey("acceptor", ["ACCEPT"]);
    const c = await openCase(api, tokens.out);
    // unpaid arrears on the certificate: the transfer-in agency may not accept yet
    await advance(api, tokens.out, c.id, medicalCertificate({ arrearsFen: 35_000 }));
    await advance(api, tokens.in, c.id, medicalEventBody("FILE_APPLICATION"));

    const refused = await send(api, key, c.id, medicalEventBody("ACCEPT"));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      type: "/problems/refused-by-rule",
      state: "applicationFiled",
      allowedEvents: ["ACCEPT"],
    });
    const staff = await send(api, tokens.in, c.id, medicalEventBody("ACCEPT"));
    expect(staff.status).toBe(409);
    expect(staff.body.type).toBe("/problems/refused-by-rule");
    expect(staff.body.allowedEvents).toEqual(["ACCEPT", "REFUSE", "WITHDRAW"]);
  });
});
