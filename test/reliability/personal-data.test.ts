// Personal data at rest (docs/personal-data.md) and the security review's rows 5, 6 and 10
// (issue 22): names and ID numbers are encrypted in the database, its WAL and its backups; the
// database files and the key file are private; the token signing secret cannot be read from the
// database alone; administrators search by case number only; searches and failed status lookups
// are throttled; older plaintext rows are encrypted at start-up; a wrong key stops the service;
// `npm run rekey` moves everything to a new key.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { jwtVerify } from "jose";
import { client, execSql, startService, tempDir, type TestServer } from "../support/server.ts";
import { startWithAgencies, type Tokens } from "../support/fixtures.ts";
import { expectProblem, makePeople, openMedical, runCli, type Api } from "../support/reliability.ts";
import { DataKey, readKeyFile } from "../../src/privacy/dataKey.ts";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// Names and ID numbers no other row of these databases holds, so that a find is a leak.
const people = [
  { name: "龚雪梅", idNumber: "" },
  { name: "欧阳娜娜英", idNumber: "" },
  { name: "诸葛亮明", idNumber: "" },
].map((p, i) => ({ ...p, idNumber: makePeople(1, 500 + i)[0].idNumber }));

const mode = (f: string) => fs.statSync(f).mode & 0o777;
const contains = (file: string, needle: string) => fs.readFileSync(file).includes(Buffer.from(needle, "utf8"));

describe("personal data at rest (SQLite)", () => {
  let server: TestServer;
  let api: Api;
  let tokens: Tokens;
  let dir: string;
  const cases: { id: string; caseNumber: string }[] = [];
  const file = () => path.join(dir, "tracker.db");

  beforeAll(async () => {
    dir = tempDir("tracker-pii-");
    dirs.push(dir);
    ({ server, api, tokens } = await startWithAgencies({ JOBS: "off" }, { dir }));
    for (const p of people) cases.push(await openMedical(api, tokens.out, p));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("keeps no name or ID number in clear in the database file, its WAL or a backup, and still shows them", async () => {
    // The service reads them back: in full for the case's staff, masked in the status lookup.
    const view = await api.call("GET", `/api/cases/${cases[0].id}`, { token: tokens.out });
    expect(view.body.insured).toMatchObject({ name: people[0].name, idNumber: people[0].idNumber });
    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: cases[0].caseNumber, idNumber: people[0].idNumber },
    });
    expect(status.status).toBe(200);
    expect(status.body.insured.name).toBe("龚**");

    expect(fs.existsSync(`${file()}-wal`)).toBe(true);
    const backup = path.join(dir, "backups", "b.db");
    const b = await runCli("backup", ["--out", backup], { DATABASE_URL: server.databaseUrl });
    expect(b.code, b.stderr).toBe(0);
    for (const f of [file(), `${file()}-wal`, backup]) {
      for (const p of people) {
        expect(contains(f, p.name), `${p.name} in ${path.basename(f)}`).toBe(false);
        expect(contains(f, p.idNumber), `${p.idNumber} in ${path.basename(f)}`).toBe(false);
      }
    }
    // What is there instead: ciphertext in the versioned format, and the blind indexes.
    const db = new Database(file(), { readonly: true });
    const row = db.prepare(`SELECT * FROM "Case" WHERE "id" = ?`).get(cases[0].id) as Record<string, string | null>;
    db.close();
    expect(row.insuredName).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(row.insuredIdNumber).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(row.insuredIdIndex).toMatch(/^[\w-]{22}$/);
    expect(
      [row.insuredNamePrefix1, row.insuredNamePrefix2, row.insuredNamePrefix3, row.insuredNamePrefix4].map(
        (v) => v === null,
      ),
    ).toEqual([false, false, false, true]);
    // Encrypting the same name twice gives two different texts (a fresh IV per value).
    const key = readKeyFile(path.join(dir, "data.key"));
    expect(key.encrypt(people[0].name, "insuredName")).not.toBe(key.encrypt(people[0].name, "insuredName"));
    expect(key.decrypt(row.insuredName!, "insuredName")).toBe(people[0].name);
    expect(mode(backup)).toBe(0o600);
  });

  it("creates the database, its WAL and shared-memory files and the key file readable by their owner only", () => {
    for (const f of [file(), `${file()}-wal`, `${file()}-shm`, path.join(dir, "data.key")]) {
      expect(mode(f), path.basename(f)).toBe(0o600);
    }
  });

  it("keeps the token signing secret encrypted under the data key", async () => {
    const db = new Database(file(), { readonly: true });
    const stored = (db.prepare(`SELECT "value" FROM "Setting" WHERE "key" = 'tokenSecret'`).get() as { value: string })
      .value;
    db.close();
    expect(stored).toMatch(/^v1\./);
    const token = tokens.out;
    // The database alone does not sign: its text is not the key...
    await expect(jwtVerify(token, new TextEncoder().encode(stored))).rejects.toThrow();
    // ...the key file opens it.
    const secret = readKeyFile(path.join(dir, "data.key")).decrypt(stored, "Setting.tokenSecret");
    await expect(jwtVerify(token, new TextEncoder().encode(secret))).resolves.toBeTruthy();
  });

  it("finds cases for staff by ID number and by the beginning of the name, through the blind indexes", async () => {
    const search = async (q: string) =>
      (await api.call("GET", `/api/cases?q=${encodeURIComponent(q)}`, { token: tokens.out })).body.items.map(
        (c: any) => c.id,
      );
    expect(await search(people[1].idNumber)).toEqual([cases[1].id]);
    expect(await search(people[1].idNumber.toLowerCase())).toEqual([cases[1].id]);
    expect(await search("欧阳")).toEqual([cases[1].id]);
    expect(await search("欧阳娜娜英")).toEqual([cases[1].id]);
    expect(await search("欧阳娜娜美")).toEqual([]);
    expect(await search("诸葛亮明")).toEqual([cases[2].id]);
    expect(await search("诸葛亮明月")).toEqual([]);
    expect(await search("雪梅")).toEqual([]); // the beginning only
  });

  it("refuses administrators a search by ID number or name (403), and finds cases by case number for them", async () => {
    for (const q of [
      people[0].idNumber,
      people[0].idNumber.slice(0, 17) + "x",
      "龚",
      "龚雪梅",
      people[0].idNumber.slice(0, 16),
    ]) {
      const r = await api.call("GET", `/api/cases?q=${encodeURIComponent(q)}`, { token: tokens.admin });
      expect(r.status, q).toBe(403);
      expectProblem(r);
    }
    const whole = await api.call("GET", `/api/cases?q=${cases[0].caseNumber.toLowerCase()}`, { token: tokens.admin });
    expect(whole.status).toBe(200);
    expect(whole.body.items.map((c: any) => c.id)).toEqual([cases[0].id]);
    expect(whole.body.items[0].insuredName).toBe("龚**");
    const part = await api.call("GET", `/api/cases?q=${cases[0].caseNumber.slice(-6)}`, { token: tokens.admin });
    expect(part.body.items.map((c: any) => c.id)).toContain(cases[0].id);
  });

  it("encrypts rows written before encryption at start-up, once", async () => {
    await server.stop();
    // A row as an earlier version stored it: in clear, without blind indexes.
    await execSql(
      server.databaseUrl,
      `UPDATE "Case" SET "insuredName" = '${people[2].name}', "insuredIdNumber" = '${people[2].idNumber}', "insuredIdIndex" = NULL,
        "insuredNamePrefix1" = NULL, "insuredNamePrefix2" = NULL, "insuredNamePrefix3" = NULL, "insuredNamePrefix4" = NULL WHERE "id" = '${cases[2].id}'`,
    );
    // …in a file an earlier version left readable by everyone: tightened at start.
    fs.chmodSync(file(), 0o644);
    server = await startService({ dir, env: { JOBS: "off" } });
    api = client(server.url);
    expect(mode(file())).toBe(0o600);
    expect(server.output()).toMatch(
      /personal data of existing cases encrypted.*"cases":1|"cases":1.*personal data of existing cases encrypted/,
    );
    const read = () => {
      const db = new Database(file(), { readonly: true });
      const rows = db
        .prepare(
          `SELECT "id", "insuredName", "insuredIdNumber", "insuredIdIndex", "insuredNamePrefix4" FROM "Case" ORDER BY "id"`,
        )
        .all();
      db.close();
      return rows as Record<string, string | null>[];
    };
    const first = read();
    for (const r of first) expect(r.insuredName).toMatch(/^v1\./);
    const out = await api.login("fz-clerk", "staff-password-123");
    const found = await api.call("GET", `/api/cases?q=${encodeURIComponent("诸葛亮明")}`, { token: out });
    expect(found.body.items.map((c: any) => c.id)).toEqual([cases[2].id]);
    expect(
      (
        await api.call("POST", "/api/status", {
          body: { caseNumber: cases[2].caseNumber, idNumber: people[2].idNumber },
        })
      ).status,
    ).toBe(200);
    // Idempotent: another start changes nothing.
    await server.stop();
    server = await startService({ dir, env: { JOBS: "off" } });
    api = client(server.url);
    expect(read()).toEqual(first);
    expect(server.output()).not.toContain("personal data of existing cases encrypted");
  });

  it("stops with a clear message when the key is not the database's, or the key file is readable by others", async () => {
    await server.stop();
    const other = DataKey.generate("test");
    await expect(startService({ dir, env: { JOBS: "off", DATA_KEY: other.encoded } })).rejects.toThrow(
      /exited with 2[\s\S]*not the key this database's personal data is encrypted with/,
    );
    fs.chmodSync(path.join(dir, "data.key"), 0o644);
    await expect(startService({ dir, env: { JOBS: "off" } })).rejects.toThrow(
      /exited with 2[\s\S]*readable by other users/,
    );
    fs.chmodSync(path.join(dir, "data.key"), 0o600);
    server = await startService({ dir, env: { JOBS: "off" } });
    api = client(server.url);
  });

  it("re-encrypts everything under a new key with npm run rekey", async () => {
    await server.stop();
    const before = new Database(file(), { readonly: true });
    const old = before.prepare(`SELECT "insuredName", "insuredIdIndex" FROM "Case" ORDER BY "id"`).all() as Record<
      string,
      string
    >[];
    before.close();
    const newKey = path.join(dir, "keys", "data-2.key");
    const r = await runCli("rekey", ["--new-key-file", newKey], { DATABASE_URL: server.databaseUrl });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`rekey: ${people.length} cases re-encrypted under ${newKey} (created)`);
    expect(mode(newKey)).toBe(0o600);
    const after = new Database(file(), { readonly: true });
    const rows = after.prepare(`SELECT "insuredName", "insuredIdIndex" FROM "Case" ORDER BY "id"`).all() as Record<
      string,
      string
    >[];
    after.close();
    rows.forEach((row, i) => {
      expect(row.insuredName).not.toBe(old[i].insuredName);
      expect(row.insuredIdIndex).not.toBe(old[i].insuredIdIndex);
    });
    // Run again: nothing left to do.
    const again = await runCli("rekey", ["--new-key-file", newKey], {
      DATABASE_URL: server.databaseUrl,
      DATA_KEY_FILE: newKey,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("is the current key file");

    // The old key no longer opens the database; the new one does: logins, lookups, searches.
    await expect(startService({ dir, env: { JOBS: "off" } })).rejects.toThrow(
      /not the key this database's personal data is encrypted with/,
    );
    server = await startService({ dir, env: { JOBS: "off", DATA_KEY_FILE: newKey } });
    api = client(server.url);
    const out = await api.login("fz-clerk", "staff-password-123");
    expect(
      (await api.call("GET", `/api/cases?q=${people[1].idNumber}`, { token: out })).body.items.map((c: any) => c.id),
    ).toEqual([cases[1].id]);
    expect(
      (await api.call("GET", `/api/cases?q=${encodeURIComponent("龚雪")}`, { token: out })).body.items.map(
        (c: any) => c.id,
      ),
    ).toEqual([cases[0].id]);
    const status = await api.call("POST", "/api/status", {
      body: { caseNumber: cases[0].caseNumber, idNumber: people[0].idNumber },
    });
    expect(status.status).toBe(200);
    // The token secret moved too: the stored one opens under the new key only.
    const db = new Database(file(), { readonly: true });
    const stored = (db.prepare(`SELECT "value" FROM "Setting" WHERE "key" = 'tokenSecret'`).get() as { value: string })
      .value;
    db.close();
    expect(() => readKeyFile(newKey).decrypt(stored, "Setting.tokenSecret")).not.toThrow();
    expect(() => readKeyFile(path.join(dir, "data.key")).decrypt(stored, "Setting.tokenSecret")).toThrow();
  });
});

describe("throttles", () => {
  let server: TestServer;
  let api: Api;
  let tokens: Tokens;

  beforeAll(async () => {
    const dir = tempDir("tracker-pii-");
    dirs.push(dir);
    ({ server, api, tokens } = await startWithAgencies(
      { JOBS: "off", SEARCH_RATE_LIMIT_PER_MINUTE: "3", STATUS_FAILURES_PER_CASE_PER_HOUR: "3" },
      { dir },
    ));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("limits each user's searches (SEARCH_RATE_LIMIT_PER_MINUTE), not their lists or other users", async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await api.call("GET", `/api/cases?q=${encodeURIComponent("王" + i)}`, { token: tokens.out })).status,
      ).toBe(200);
    const r = await api.call("GET", "/api/cases?q=%E7%8E%8B", { token: tokens.out });
    expect(r.status).toBe(429);
    expectProblem(r);
    expect((await api.call("GET", "/api/cases?mine=true", { token: tokens.out })).status).toBe(200);
    expect((await api.call("GET", "/api/cases?q=%E7%8E%8B", { token: tokens.in })).status).toBe(200);
  });

  it("fails every lookup of a case number after repeated wrong ID numbers, with the answer any failure gets", async () => {
    const [p, q] = makePeople(2, 77);
    const c = await openMedical(api, tokens.out, p);
    const d = await openMedical(api, tokens.out, q);
    const strip = (b: any) => ({ ...b, instance: undefined });
    const unknown = await api.call("POST", "/api/status", {
      body: { caseNumber: "MT2026-ZZZZZZZZ", idNumber: p.idNumber },
    });
    expect(unknown.status).toBe(404);
    for (let i = 0; i < 3; i++) {
      const wrong = await api.call("POST", "/api/status", {
        body: { caseNumber: c.caseNumber, idNumber: makePeople(1, 90 + i)[0].idNumber },
      });
      expect(wrong.status).toBe(404);
      expect(strip(wrong.body)).toEqual(strip(unknown.body));
    }
    // Now the right ID number fails too, exactly like a wrong one: no 429 to tell them apart.
    const right = await api.call("POST", "/api/status", { body: { caseNumber: c.caseNumber, idNumber: p.idNumber } });
    expect(right.status).toBe(404);
    expect(strip(right.body)).toEqual(strip(unknown.body));
    // Another case is not affected.
    expect(
      (await api.call("POST", "/api/status", { body: { caseNumber: d.caseNumber, idNumber: q.idNumber } })).status,
    ).toBe(200);
    // Unknown case numbers keep answering 404, never 429.
    for (let i = 0; i < 5; i++)
      expect(
        (await api.call("POST", "/api/status", { body: { caseNumber: "MT2026-ZZZZZZZZ", idNumber: p.idNumber } }))
          .status,
      ).toBe(404);
  });
});
