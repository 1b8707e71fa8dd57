// The due-soon and overdue queues, per agency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../support/server.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { advance, medicalInTransferOut, openCase, startWithAgencies } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";

let server: TestServer, api: Api, tokens: Tokens;

beforeAll(async () => {
  // Wed 14 Oct 2026; due soon = due by Mon 19 Oct (3 working days, the default).
  ({ server, api, tokens } = await startWithAgencies({ TRACKER_TODAY: "2026-10-14", JOBS: "off" }));
});

afterAll(() => server?.stop());

const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((i) => i.id).sort();

describe("queues", () => {
  it("lists steps due within N working days per agency, apart from overdue ones", async () => {
    const other = (n: number) => ({ name: "张三", idNumber: makeTestIdNumber("350102", "19880808", String(200 + n)) });
    const soon = await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-28" }); // due 16 Oct
    const late = await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-09-14" }, other(1)); // due 28 Sep
    const later = await medicalInTransferOut(api, tokens, { openedOn: "2026-09-01", acceptOn: "2026-10-12" }, other(2)); // due 26 Oct
    // In transfer-in since Fri 9 Oct: due Thu 15 Oct (Sat 10 Oct worked), on the transfer-in side.
    const inbound = await medicalInTransferOut(
      api,
      tokens,
      { openedOn: "2026-09-01", acceptOn: "2026-10-09" },
      other(3),
    );
    await advance(api, tokens.out, inbound.id, {
      type: "TRANSFER_OUT_DONE",
      occurredOn: "2026-10-09",
      transferredFen: 10_000,
    });
    const noStep = await openCase(api, tokens.out, { occurredOn: "2026-10-14" }); // opened today: no step clock runs
    expect([soon.stepDueOn, late.stepDueOn, later.stepDueOn]).toEqual(["2026-10-16", "2026-09-28", "2026-10-26"]);

    let r = await api.call("GET", "/api/cases?dueSoon=true", { token: tokens.out });
    expect(r.status).toBe(200);
    expect(ids(r)).toEqual([soon.id, inbound.id].sort());
    // Each agency's own queue: what waits for FZ (transfer-out) and for XM (transfer-in).
    r = await api.call("GET", "/api/cases?dueSoon=true&mine=true", { token: tokens.out });
    expect(ids(r)).toEqual([soon.id]);
    r = await api.call("GET", "/api/cases?dueSoon=true&mine=true", { token: tokens.in });
    expect(ids(r)).toEqual([inbound.id]);
    r = await api.call("GET", "/api/cases?dueSoon=true&agency=SZ", { token: tokens.admin });
    expect(ids(r)).toEqual([]);
    r = await api.call("GET", "/api/cases?dueSoon=true&side=transferOut", { token: tokens.admin });
    expect(ids(r)).toEqual([soon.id]);

    r = await api.call("GET", "/api/cases?overdue=true", { token: tokens.out });
    expect(ids(r)).toEqual([late.id]);
    r = await api.call("GET", "/api/cases?dueSoon=false&overdue=false", { token: tokens.out });
    expect(ids(r)).toEqual([later.id, noStep.id].sort());
    r = await api.call("GET", "/api/cases?dueSoon=maybe", { token: tokens.out });
    expect(r.status).toBe(422);
  });
});
