// Backups: `src/cli/backup.ts` copies the database consistently while the service runs under
// load; the copy passes SQLite's integrity check, holds every write acknowledged before the
// backup started, replays clean, and after `src/cli/restore.ts` a service runs on it.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fs from "node:fs";
import path from "node:path";
import {
  ADMIN,
  client,
  freshPerson,
  runVerify,
  setUpAgencies,
  startService,
  tempDir,
  type TestServer,
} from "../support/server.ts";
import { medicalEventBody, openCase, send, startWithAgencies, type Tokens } from "../support/fixtures.ts";
import { checkFile, makePeople, openStore, runCli, sleep, type Api } from "../support/reliability.ts";

// Real servers, real files, many requests: generous limits for a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let server: TestServer;
let api: Api;
let tokens: Tokens;
const dirs: string[] = [];
const people = makePeople(300, 53);

interface Ack {
  at: number;
  caseId: string;
  seq: number;
  type: string;
}
const acks: Ack[] = [];

beforeAll(async () => {
  const dir = tempDir("tracker-backup-");
  dirs.push(dir);
  ({ server, api, tokens } = await startWithAgencies(undefined, { dir }));
});

afterAll(async () => {
  await server?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Sustained writes from several clients until `stop.now`: open a case, then certificate, filing, reissues. */
async function load(stop: { now: boolean }, workers = 4) {
  let serial = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let n = 0; n < 3_000 && !stop.now;) {
        const open = await openCase(api, tokens.out, {
          insured: freshPerson(people[serial++ % people.length].name), // one open case of a kind per person
        });
        acks.push({ at: Date.now(), caseId: open.id, seq: 1, type: "CASE_OPENED" });
        for (const [type, who] of [
          ["ISSUE_CERTIFICATE", "out"],
          ["FILE_APPLICATION", "in"],
          ["REISSUE_CERTIFICATE", "out"],
          ["REISSUE_CERTIFICATE", "out"],
        ] as const) {
          if (stop.now) break;
          const r = await send(api, tokens[who], open.id, medicalEventBody(type));
          expect(r.status, `worker ${w}: ${JSON.stringify(r.body)}`).toBe(200);
          acks.push({ at: Date.now(), caseId: r.body.id, seq: r.body.version, type });
          n++;
        }
      }
    }),
  );
}

const cli = (name: string, args: string[], databaseUrl = server.databaseUrl) =>
  runCli(name, args, { DATABASE_URL: databaseUrl });

describe("online backup", () => {
  let backupFile: string;
  let startedAt: number;

  it("copies the database consistently while the service writes", async () => {
    const out = path.join(server.dir, "backups", "tracker-1.db");
    const stop = { now: false };
    const running = load(stop);
    while (acks.length < 60) await sleep(20);
    startedAt = Date.now();
    const b = await cli("backup", ["--out", out]);
    const duringBackup = acks.filter((a) => a.at > startedAt).length;
    // and a second one, still under load, to another file
    const b2 = await cli("backup", [`--out=${out}.second`]);
    stop.now = true;
    await running;
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    expect(b2.code).toBe(0);
    expect(b.stdout).toMatch(
      /^backup: .*tracker-1\.db \(\d+ bytes; \d+ cases, \d+ events; integrity ok\) in \d+ ms\n$/,
    );
    expect(duringBackup + acks.filter((a) => a.at > startedAt).length).toBeGreaterThan(0); // the service kept writing
    backupFile = out;

    // A single private file: no WAL beside it, readable by its owner only (it holds personal data).
    expect(fs.existsSync(`${out}-wal`)).toBe(false);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.includes(".partial-"))).toEqual([]);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(checkFile(out)).toEqual({ integrity: "ok", foreignKeyViolations: 0 });

    // Every write acknowledged before the backup started is in it.
    const copy = openStore(`file:${out}`, { only: ["Case", "CaseEvent"] });
    try {
      const get = copy.db.prepare('SELECT type FROM "CaseEvent" WHERE caseId = ? AND seq = ?');
      const before = acks.filter((a) => a.at < startedAt);
      expect(before.length).toBeGreaterThanOrEqual(60);
      for (const a of before)
        expect((get.get(a.caseId, a.seq) as { type: string } | undefined)?.type, `${a.caseId} #${a.seq}`).toBe(a.type);
      expect(copy.db.pragma("journal_mode", { simple: true })).toBe("delete");
    } finally {
      copy.close();
    }
  });

  it("holds cases that replay clean through their machines (npm run verify on the copy)", async () => {
    for (const file of [backupFile, `${backupFile}.second`]) {
      const v = await runVerify(`file:${file}`);
      expect(v.stdout).toMatch(/verify: [1-9]\d* cases replayed, 0 mismatched/);
      expect(v.code).toBe(0);
    }
    // and the live database, after the load, too
    const live = await runVerify(server.databaseUrl);
    expect(live.code).toBe(0);
  });

  it("restores into a new place, where the service runs on it and reads every case", async () => {
    const dir = tempDir("tracker-restored-");
    dirs.push(dir);
    const url = `file:${path.join(dir, "tracker.db")}`;
    const r = await cli("restore", ["--from", backupFile], url);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restore: .* now holds .* \(\d+ cases, \d+ events\)\n$/);

    // The backup holds the personal data encrypted, not its key (docs/personal-data.md): without
    // the key the restored service refuses to start, and says so; with it, it runs.
    const keyless = await startService({ dir }).then(
      (s) => s.stop().then(() => "started"),
      (e: Error) => e.message,
    );
    expect(keyless).toMatch(/exited with 2[\s\S]*no data key at .*data\.key[\s\S]*restore the key file/);
    expect(fs.existsSync(path.join(dir, "data.key"))).toBe(false);
    const restored = await startService({ dir, env: { DATA_KEY_FILE: path.join(server.dir, "data.key") } });
    try {
      const api2 = client(restored.url);
      // The token secret lives in the database (encrypted under the data key): tokens issued
      // before the backup still work.
      const before = acks.filter((a) => a.at < startedAt);
      const cases = [...new Set(before.map((a) => a.caseId))];
      for (const id of cases) {
        const c = await api2.call("GET", `/api/cases/${id}`, { token: tokens.out });
        expect(c.status).toBe(200);
        const seqs = before.filter((a) => a.caseId === id).map((a) => a.seq);
        expect(c.body.version).toBeGreaterThanOrEqual(Math.max(...seqs));
        const events = await api2.call("GET", `/api/cases/${id}/events`, { token: tokens.in });
        expect(events.body.items.map((e: any) => e.seq)).toEqual(
          Array.from({ length: c.body.version }, (_, i) => i + 1),
        );
      }
      // …and it carries on: a restored case advances, and the status lookup finds it.
      const id = cases[0];
      const c = await api2.call("GET", `/api/cases/${id}`, { token: tokens.out });
      const next = await api2.call("POST", `/api/cases/${id}/events`, {
        token: tokens.out,
        body: { type: "WITHDRAW", reason: "restored and withdrawn" },
      });
      expect(next.status, JSON.stringify(next.body)).toBe(200);
      expect(next.body.version).toBe(c.body.version + 1);
      const login = await api2.call("POST", "/api/auth/login", { body: ADMIN });
      expect(login.status).toBe(200);
    } finally {
      await restored.stop();
    }
    const v = await runVerify(url);
    expect(v.code).toBe(0);
    expect(checkFile(path.join(dir, "tracker.db")).integrity).toBe("ok");
  });

  it("refuses to restore over a database in use, and keeps the one it replaces", async () => {
    // The running service's database: refused, untouched.
    const live = openStore(server.databaseUrl, { only: ["Case", "CaseEvent", "IdempotencyKey", "User"] });
    const before = live.fingerprint();
    live.close();
    const refused = await cli("restore", ["--from", backupFile, "--force"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/in use.*stop the service/);
    const after = openStore(server.databaseUrl, { only: ["Case", "CaseEvent", "IdempotencyKey", "User"] });
    expect(after.fingerprint()).toBe(before);
    after.close();

    // A stopped database (with the -wal a crash leaves): replaced with --force, kept aside with its WAL.
    const dir = tempDir("tracker-restored-");
    dirs.push(dir);
    const s = await startService({ dir });
    const a2 = client(s.url);
    await setUpAgencies(a2);
    await s.stop("SIGKILL");
    const url = `file:${path.join(dir, "tracker.db")}`;
    expect((await cli("restore", ["--from", backupFile], url)).code).toBe(2); // exists: needs --force
    const r = await cli("restore", ["--from", backupFile, "--force"], url);
    expect(r.code, r.stderr).toBe(0);
    const kept = /previous database is kept at (.*)\n$/.exec(r.stdout)![1];
    expect(fs.existsSync(kept)).toBe(true);
    expect(fs.existsSync(path.join(dir, "tracker.db-wal"))).toBe(false);
    expect(checkFile(kept).integrity).toBe("ok");
    const agencies = openStore(`file:${kept}`, { only: ["Agency"] });
    expect(agencies.count("Agency")).toBe(3); // the replaced database, intact
    agencies.close();
    const v = await runVerify(url);
    expect(v.code).toBe(0);
  });
});

describe("backup and restore commands", () => {
  it("explain their usage and refuse bad arguments with exit code 2", async () => {
    const out = path.join(server.dir, "backups", "usage.db");
    const bad = [[], ["--out"], ["--out="], ["--bogus"], ["--out", out, "extra"], ["-o", "--force"]];
    const [help, ...answers] = await Promise.all([
      cli("backup", ["--help"]),
      ...bad.map((args) => cli("backup", args)),
    ]);
    bad.forEach((args, i) => {
      expect(answers[i].code, args.join(" ")).toBe(2);
      expect(answers[i].stderr).toMatch(/usage: npm run backup/);
    });
    expect(fs.existsSync(out)).toBe(false);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: npm run backup/);
    const badRestore = [[], ["--from"], ["--bogus"]];
    const restoreAnswers = await Promise.all(badRestore.map((args) => cli("restore", args)));
    badRestore.forEach((args, i) => {
      expect(restoreAnswers[i].code, args.join(" ")).toBe(2);
      expect(restoreAnswers[i].stderr).toMatch(/usage: npm run restore/);
    });
  });

  it("never overwrite without --force, and never write over the database itself", async () => {
    const out = path.join(server.dir, "backups", "exists.db");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, "keep me");
    const r = await cli("backup", ["--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exists; use --force/);
    expect(fs.readFileSync(out, "utf8")).toBe("keep me");
    const forced = await cli("backup", ["--out", out, "--force"]);
    expect(forced.code).toBe(0);
    expect(checkFile(out).integrity).toBe("ok");

    const self = await cli("backup", ["--out", server.databaseUrl.slice("file:".length), "--force"]);
    expect(self.code).toBe(2);
    const missing = await cli("backup", ["--out", out, "--force"], `file:${path.join(server.dir, "nope", "none.db")}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no database at/);
    const badConfig = await cli("backup", ["--out", out], "postgres://x");
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/DATABASE_URL/);
    // restore checks what it is given before touching anything
    const notDb = path.join(server.dir, "backups", "not-a-db.db");
    fs.writeFileSync(notDb, "this is not a database at all, not even close; ".repeat(100));
    const dir = tempDir("tracker-restored-");
    dirs.push(dir);
    const bad = await cli("restore", ["--from", notDb], `file:${path.join(dir, "tracker.db")}`);
    expect(bad.code).toBe(1);
    expect(fs.existsSync(path.join(dir, "tracker.db"))).toBe(false);
  });
});
