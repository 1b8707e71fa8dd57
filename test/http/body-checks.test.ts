// The two checks every JSON body passes (src/api/app.ts): nesting deeper than 32 levels is 400, a
// lone surrogate 422. Their walks are skipped when the raw bytes show they cannot find anything;
// these are the bodies at the edges of that shortcut.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type TestServer } from "../support/server.ts";
import { rawRequest } from "../support/reliability.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startService({ env: { BACKDATE_REASON_AFTER_WORKING_DAYS: "100000" } });
});
afterAll(() => server?.stop());

const post = (body: string | Buffer, type = "application/json") =>
  rawRequest(server.url, { method: "POST", target: "/api/status", headers: [["Content-Type", type]], body });
const nested = (levels: number) =>
  `{"caseNumber":"MT1","idNumber":"1","x":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;

describe("JSON body checks", () => {
  it("refuses nesting deeper than 32 levels, and only that", async () => {
    expect((await post(nested(33))).status).toBe(400);
    // 32 levels pass the depth check (the status body's schema then refuses the extra field)
    expect((await post(nested(32))).status).toBe(422);
    // many brackets inside strings do not make a body deep
    const brackets = JSON.stringify({ caseNumber: "[".repeat(20), idNumber: "{".repeat(20) });
    expect((await post(brackets)).status).toBe(404);
  });

  it("refuses a lone surrogate escaped in UTF-8 JSON, and in UTF-16", async () => {
    const escaped = `{"caseNumber":"MT\\ud800","idNumber":"1"}`;
    const r = await post(escaped);
    expect(r.status).toBe(422);
    expect(r.text).toContain("well-formed Unicode");
    // a lone surrogate in a key
    expect((await post(`{"caseNumber":"MT1","idNumber":"1","\\udc00":1}`)).status).toBe(422);
    // UTF-16 carries a lone surrogate as raw code units, no escape needed
    const utf16 = Buffer.from(`{"caseNumber":"MT\ud800","idNumber":"1"}`, "utf16le");
    const u = await post(utf16, "application/json; charset=utf-16le");
    expect(u.status).toBe(422);
    expect(u.text).toContain("well-formed Unicode");
  });

  it("takes raw bytes that are not well-formed UTF-8 as U+FFFD, not as a surrogate", async () => {
    const bytes = Buffer.concat([
      Buffer.from(`{"caseNumber":"MT`),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from(`","idNumber":"1"}`),
    ]);
    expect((await post(bytes)).status).toBe(404);
  });
});
