// No double enrolment across two nodes on one PostgreSQL database: ten clerks opening a case for
// the same person at once, through both nodes, get exactly one 201 and nine 409 open-case-exists
// (the OpenEnrolment primary key decides, not a read before the insert: docs/parties.md).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  client,
  freshPerson,
  runVerify,
  setUpAgencies,
  startService,
  tempDir,
  testDatabase,
  type TestServer,
} from "../support/server.ts";

let a: TestServer;
let b: TestServer;
let apiA: ReturnType<typeof client>;
let apiB: ReturnType<typeof client>;
let tokens: Awaited<ReturnType<typeof setUpAgencies>>;

beforeAll(async () => {
  expect(testDatabase).toBe("postgresql");
  const dir = tempDir();
  a = await startService({ dir });
  b = await startService({ dir });
  expect(b.databaseUrl).toBe(a.databaseUrl);
  apiA = client(a.url);
  apiB = client(b.url);
  tokens = await setUpAgencies(apiA);
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
});

describe("no double enrolment on two nodes", () => {
  it("ten concurrent opens of one person's medical transfer: one 201, nine 409", async () => {
    for (let round = 0; round < 3; round++) {
      const person = freshPerson();
      const body = { type: "medicalTransfer", insured: person, fromAgency: "FZ", toAgency: "XM" };
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? apiB : apiA).call("POST", "/api/cases", { token: i % 3 ? tokens.out : tokens.in, body }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      for (const r of answers.filter((x) => x.status === 409)) {
        expect(r.body.type).toMatch(/open-case-exists$/);
        expect(r.body.openCase.fromAgency.code).toBe("FZ");
      }
      const found = await apiB.call("GET", `/api/cases?q=${person.idNumber}`, { token: tokens.out });
      expect(found.body.items).toHaveLength(1);
    }
    const dup = await apiA.call("GET", "/api/enrolments/duplicates", { token: tokens.admin });
    expect(dup.body.items).toEqual([]);
    const verify = await runVerify(a.databaseUrl);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).not.toContain("DUPLICATE");
  });
});
