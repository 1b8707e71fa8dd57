// Copying a SQLite database into PostgreSQL: every row, every case replays, and the service runs on the copy.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import {
  client,
  freshPgDatabase,
  freshPerson,
  person,
  root,
  setUpAgencies,
  startService,
  tempDir,
  ADMIN,
} from "../support/server.ts";
import { medicalCertificate } from "../support/fixtures.ts";

describe("copy:pg", () => {
  it("copies a live-made SQLite database into PostgreSQL, checks counts, replays every case", async () => {
    // Make a SQLite database through the real service.
    const dir = tempDir();
    const sqliteUrl = `file:${path.join(dir, "source.db")}`;
    const s = await startService({ dir, env: { DATABASE_URL: sqliteUrl, JOBS: "off" } });
    expect(s.databaseUrl).toBe(sqliteUrl);
    const api = client(s.url);
    const tokens = await setUpAgencies(api);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await api.call("POST", "/api/cases", {
        token: tokens.out,
        // one open case of a kind per person: the first for `person`, the others for fresh people
        body: {
          type: "medicalTransfer",
          insured: i === 0 ? person : freshPerson(),
          fromAgency: "FZ",
          toAgency: "XM",
          occurredOn: "2026-09-01",
        },
      });
      expect(c.status).toBe(201);
      ids.push(c.body.id);
      await api.call("POST", `/api/cases/${c.body.id}/events`, {
        token: tokens.out,
        body: medicalCertificate({ contributionMonths: 12, accountBalanceFen: 100, occurredOn: "2026-09-02" }),
      });
    }
    // clerk tools: a note and an attachment (bytes in the database) are copied too
    expect(
      (await api.call("POST", `/api/cases/${ids[0]}/notes`, { token: tokens.out, body: { text: "复制后仍在" } }))
        .status,
    ).toBe(201);
    const scan = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    const form = new FormData();
    form.append("kind", "idCard");
    form.append("file", new Blob([new Uint8Array(scan)]), "scan.pdf");
    const up = await fetch(`${s.url}/api/cases/${ids[0]}/attachments`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.out}` },
      body: form,
    });
    expect(up.status).toBe(201);
    const attachmentId = ((await up.json()) as { id: string }).id;
    await s.stop();

    const to = await freshPgDatabase();
    const bad = spawnSync(process.execPath, ["--import", "tsx", "src/cli/copy-to-postgres.ts", "--from", sqliteUrl], {
      cwd: root,
      encoding: "utf8",
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("usage");

    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/copy-to-postgres.ts", "--from", sqliteUrl, "--to", to],
      { cwd: root, encoding: "utf8", timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("copy: 5 cases, 10 events copied; 0 mismatches");
    expect(r.stdout).toMatch(/^User\s+4$/m);

    // Copying again into the same (now full) database is refused.
    const again = spawnSync(
      process.execPath,
      ["--import", "tsx", "src/cli/copy-to-postgres.ts", "--from", sqliteUrl, "--to", to],
      { cwd: root, encoding: "utf8" },
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already holds data");

    // The personal data is carried as it is stored, encrypted (docs/personal-data.md): the same
    // ciphertext and blind indexes in both databases.
    const columns = `"id", "insuredName", "insuredIdNumber", "insuredIdIndex", "insuredNamePrefix1", "insuredNamePrefix4"`;
    const sqlite = new Database(path.join(dir, "source.db"), { readonly: true });
    const before = sqlite.prepare(`SELECT ${columns} FROM "Case" ORDER BY "id"`).all();
    sqlite.close();
    const pgc = new pg.Client({ connectionString: to });
    await pgc.connect();
    const after = (await pgc.query(`SELECT ${columns} FROM "Case" ORDER BY "id"`)).rows;
    await pgc.end();
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).not.toContain(person.name);
    expect(JSON.stringify(after)).not.toContain(person.idNumber);

    // The service runs on the copy, with the SQLite database's data key: the same logins, the
    // same cases, and it can go on advancing them.
    const p = await startService({ env: { DATABASE_URL: to, JOBS: "off", DATA_KEY_FILE: path.join(dir, "data.key") } });
    const papi = client(p.url);
    const out = await papi.login("fz-clerk", "staff-password-123");
    const inn = await papi.login("xm-clerk", "staff-password-123");
    expect((await papi.call("GET", `/api/cases/${ids[0]}`, { token: out })).body).toMatchObject({
      state: "certificateIssued",
      version: 2,
      insured: person,
    });
    const next = await papi.call("POST", `/api/cases/${ids[0]}/events`, {
      token: inn,
      body: { type: "FILE_APPLICATION", channel: "online", applicant: "individual", occurredOn: "2026-09-03" },
    });
    expect(next.status).toBe(200);
    expect((await papi.call("GET", `/api/cases/${ids[0]}/notes`, { token: inn })).body.items[0].text).toBe(
      "复制后仍在",
    );
    const dl = await fetch(`${p.url}/api/cases/${ids[0]}/attachments/${attachmentId}`, {
      headers: { authorization: `Bearer ${inn}` },
    });
    expect(Buffer.from(await dl.arrayBuffer()).equals(scan)).toBe(true);
    // New rows get fresh ids after the copied ones (sequences moved past them).
    const created = await papi.call("POST", "/api/admin/agencies", {
      token: await papi.login(ADMIN.username, ADMIN.password),
      body: { code: "NEW", name: "新机构", region: "350100" },
    });
    expect(created.status).toBe(201);
    await p.stop();
  }, 120_000);
});
