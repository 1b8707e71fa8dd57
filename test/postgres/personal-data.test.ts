// PostgreSQL: the tables hold no insured person's name or ID number in clear (docs/personal-data.md):
// every row of every table, as text, is searched for them after a case was opened, advanced, looked
// up and searched for. The service still shows them to the case's staff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { client, setUpAgencies, startService, tempDir, type TestServer } from "../support/server.ts";
import { makePeople, medicalEventBody, openMedical } from "../support/reliability.ts";

let server: TestServer;
let dir: string;
const insured = { name: "龚雪梅", idNumber: makePeople(1, 733)[0].idNumber };

beforeAll(async () => {
  dir = tempDir("tracker-pg-pii-");
  // The data key for this database: its own file (a cluster's nodes would all be given the same).
  server = await startService({ dir, env: { JOBS: "off", DATA_KEY_FILE: path.join(dir, "data.key") } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("personal data at rest on PostgreSQL", () => {
  it("is in no table in clear", async () => {
    expect(server.databaseUrl).toMatch(/^postgres/);
    const api = client(server.url);
    const tokens = await setUpAgencies(api);
    const c = await openMedical(api, tokens.out, insured);
    expect(
      (
        await api.call("POST", `/api/cases/${c.id}/events`, {
          token: tokens.out,
          body: medicalEventBody("ISSUE_CERTIFICATE"),
        })
      ).status,
    ).toBe(200);
    expect((await api.call("GET", `/api/cases/${c.id}`, { token: tokens.out })).body.insured).toMatchObject(insured);
    expect(
      (await api.call("POST", "/api/status", { body: { caseNumber: c.caseNumber, idNumber: insured.idNumber } }))
        .status,
    ).toBe(200);
    const found = await api.call("GET", `/api/cases?q=${encodeURIComponent("龚雪")}`, { token: tokens.out });
    expect(found.body.items.map((i: any) => i.id)).toEqual([c.id]);

    const db = new pg.Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const tables = (
        await db.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
        )
      ).rows.map((r) => r.table_name as string);
      expect(tables).toContain("Case");
      let rows = 0;
      for (const t of tables) {
        for (const r of (await db.query(`SELECT row_to_json(x)::text AS j FROM "${t}" x`)).rows) {
          rows++;
          expect(r.j, t).not.toContain(insured.name);
          expect(r.j, t).not.toContain(insured.idNumber);
        }
      }
      expect(rows).toBeGreaterThan(5);
      const stored = (await db.query(`SELECT "insuredName", "insuredIdNumber" FROM "Case" WHERE "id" = $1`, [c.id]))
        .rows[0];
      expect(stored.insuredName).toMatch(/^v1\./);
      expect(stored.insuredIdNumber).toMatch(/^v1\./);
    } finally {
      await db.end();
    }
  }, 120_000);
});
