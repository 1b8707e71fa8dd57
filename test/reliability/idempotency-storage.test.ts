// Issue 22, row 9: idempotent answers are stored without personal data, and a replay still
// matches the first answer (the insured person's block comes from the case at replay).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { person, type TestServer } from "../support/server.ts";
import { medicalCertificate, openBody, startWithAgencies } from "../support/fixtures.ts";
import type { Api, Tokens } from "../support/fixtures.ts";
import { maskIdNumber } from "../../src/domain/idNumber.ts";

let server: TestServer, api: Api, tokens: Tokens;

beforeAll(async () => {
  ({ server, api, tokens } = await startWithAgencies());
});
afterAll(() => server?.stop());

/** The stored idempotent answers, straight from the SQLite file. */
const storedBodies = () =>
  execFileSync("sqlite3", [server.databaseUrl.slice("file:".length), `SELECT body FROM "IdempotencyKey"`], {
    encoding: "utf8",
  });

describe("idempotent answers", () => {
  it("replay exactly as first answered, with neither the name nor the ID number stored", async () => {
    const open = openBody({ insured: person });
    const first = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: open,
      headers: { "Idempotency-Key": "open-1" },
    });
    expect(first.status).toBe(201);
    expect(first.body.insured).toMatchObject({ name: person.name, idNumber: person.idNumber });
    const replay = await api.call("POST", "/api/cases", {
      token: tokens.out,
      body: open,
      headers: { "Idempotency-Key": "open-1" },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(first.body));

    const event = medicalCertificate({ contributionMonths: 24, accountBalanceFen: 10_000 });
    const path = `/api/cases/${first.body.id}/events`;
    const advanced = await api.call("POST", path, {
      token: tokens.out,
      body: event,
      headers: { "Idempotency-Key": "advance-1" },
    });
    expect(advanced.status).toBe(200);
    // Another change after it does not alter the replay of the first.
    expect(
      (
        await api.call("POST", path, {
          token: tokens.in,
          body: { type: "FILE_APPLICATION", channel: "online", applicant: "employer" },
        })
      ).status,
    ).toBe(200);
    const again = await api.call("POST", path, {
      token: tokens.out,
      body: event,
      headers: { "Idempotency-Key": "advance-1" },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(advanced.body));

    const stored = storedBodies();
    expect(stored.trim().split("\n")).toHaveLength(2);
    expect(stored).toContain(first.body.caseNumber);
    expect(stored).not.toContain(person.name);
    expect(stored).not.toContain(person.idNumber);
    expect(stored).not.toContain(maskIdNumber(person.idNumber));
  });
});
