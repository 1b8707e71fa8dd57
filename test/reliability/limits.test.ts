// Issue 22, row 14: repeatable events are bounded per case, the events list is paged, and the
// status answer stays small for a case with many events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latestMachine } from "../../machines/index.ts";
import { person, type TestServer } from "../support/server.ts";
import { advance, medicalCertificate, openCase, startWithAgencies } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { medicalTransfer } from "../../machines/medicalTransfer.ts";

let server: TestServer, api: Api, tokens: Tokens;
let busy: { id: string; caseNumber: string };
const other = { name: "孙八", idNumber: makeTestIdNumber("350102", "19850707", "501") };

const open = async (insured: { name: string; idNumber: string }) => {
  const c = await openCase(api, tokens.out, { insured });
  await advance(api, tokens.out, c.id, medicalCertificate({ contributionMonths: 24, accountBalanceFen: 10_000 }));
  return c as { id: string; caseNumber: string };
};
const reissue = (id: string) =>
  api.call("POST", `/api/cases/${id}/events`, { token: tokens.out, body: { type: "REISSUE_CERTIFICATE" } });
const eventsPage = (id: string, q = "") => api.call("GET", `/api/cases/${id}/events${q}`, { token: tokens.out });

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies());
  busy = await open(person);
});
afterAll(() => server?.stop());

describe("limits per case", () => {
  it("refuse a repeatable event past its maxPerCase with a 409 that says the limit, and change nothing", async () => {
    const max = medicalTransfer.events.REISSUE_CERTIFICATE.maxPerCase!;
    expect(max).toBe(20);
    for (let i = 0; i < max; i++) expect((await reissue(busy.id)).status).toBe(200);
    const before = (await api.call("GET", `/api/cases/${busy.id}`, { token: tokens.out })).body.version;
    const r = await reissue(busy.id);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({
      type: "/problems/event-limit-reached",
      eventType: "REISSUE_CERTIFICATE",
      maxPerCase: 20,
      recorded: 20,
    });
    expect(r.body.detail).toMatch(/REISSUE_CERTIFICATE may be recorded at most 20 times on one case/);
    expect((await api.call("GET", `/api/cases/${busy.id}`, { token: tokens.out })).body.version).toBe(before);
    // Other events go on.
    expect(
      (
        await api.call("POST", `/api/cases/${busy.id}/events`, {
          token: tokens.in,
          body: { type: "FILE_APPLICATION", channel: "online", applicant: "employer" },
        })
      ).status,
    ).toBe(200);
  });

  it("page the events list with limit and cursor, the default page holding a normal case whole", async () => {
    const all = await eventsPage(busy.id);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(23);
    expect(all.body.nextCursor).toBeNull();

    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await eventsPage(busy.id, `?limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...r.body.items.map((e: any) => e.seq));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(5);
    expect(seen).toEqual(all.body.items.map((e: any) => e.seq));
    expect((await eventsPage(busy.id, "?after=21")).body.items.map((e: any) => e.seq)).toEqual([22, 23]);
    for (const q of ["?limit=0", "?limit=1001", "?limit=x", "?cursor=abc", "?after=-1", "?page=2"]) {
      expect((await eventsPage(busy.id, q)).status, q).toBe(422);
    }
  });

  it("keep the status answer small: identical events in a row are one timeline entry with a count", async () => {
    const quiet = await open(other);
    expect((await reissue(quiet.id)).status).toBe(200);
    const status = (c: { caseNumber: string }, idNumber: string) =>
      api.call("POST", "/api/status", { body: { caseNumber: c.caseNumber, idNumber } });
    const small = await status(quiet, other.idNumber);
    // the label of the version new cases are opened with
    const reissueLabel = latestMachine("medicalTransfer").events.REISSUE_CERTIFICATE!.label.en;
    const large = await status(busy, person.idNumber);
    expect(large.status).toBe(200);
    const reissues = large.body.timeline.filter((e: any) => e.label.en === reissueLabel);
    expect(reissues).toHaveLength(1);
    expect(reissues[0]).toMatchObject({ count: 20, state: "certificateIssued" });
    expect(small.body.timeline.find((e: any) => e.label.en === reissueLabel).count).toBeUndefined();
    // 20 reissues and a filing more than the quiet case: one entry, not twenty.
    expect(JSON.stringify(large.body).length - JSON.stringify(small.body).length).toBeLessThan(400);
  });
});
