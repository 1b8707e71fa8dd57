// Starts the real service (`node --import tsx src/main.ts`, as `npm start` does) in a child
// process on a fresh SQLite file, and talks to it over HTTP.
import { spawn, execFile, execFileSync, type ChildProcess } from "node:child_process";
import pg from "pg";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { answerChecker } from "./openapi-check.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const run = promisify(execFile);

export const ADMIN = { username: "root-admin", password: "correct horse battery staple" };

export interface TestServer {
  url: string;
  dir: string;
  databaseUrl: string;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  child: ChildProcess;
}

export function tempDir(prefix = "tracker-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Which database the service tests run on: SQLite by default, PostgreSQL when TEST_DATABASE=postgresql. */
export const testDatabase: "sqlite" | "postgresql" =
  process.env.TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite";
export const pgAdminUrl = process.env.TEST_PG_URL ?? "postgresql://postgres@localhost:5432/postgres";

/** A fresh PostgreSQL database for one test service (dropped at the end of the run, see pg-global.ts). */
export async function freshPgDatabase(): Promise<string> {
  // The run id lets the PostgreSQL project's globalSetup drop this run's databases at the end.
  const name = `tracker_test_${process.env.TEST_RUN_ID ?? "adhoc"}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The database a test service in `dir` uses: made on first use, the same one after a restart. */
export async function databaseUrlFor(dir: string): Promise<string> {
  if (testDatabase === "sqlite") return `file:${path.join(dir, "tracker.db")}`;
  const marker = path.join(dir, "database-url");
  if (fs.existsSync(marker)) return fs.readFileSync(marker, "utf8");
  const url = await freshPgDatabase();
  fs.writeFileSync(marker, url);
  return url;
}

/** Runs one SQL statement behind the engine's back (to tamper with a case, say), on either database. */
export async function execSql(databaseUrl: string, sql: string): Promise<void> {
  if (databaseUrl.startsWith("file:")) {
    execFileSync("sqlite3", [databaseUrl.slice("file:".length), sql]);
    return;
  }
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * The `unit` project's tests start no service (vitest.config.ts sets TEST_PROJECT=unit for them):
 * a test file that does belongs to the `service` project (serviceTests in vitest.config.ts).
 */
export function refuseInUnitProject(what: string): void {
  if (process.env.TEST_PROJECT === "unit")
    throw new Error(`${what}: a unit test starts no service; list this file in vitest.config.ts's serviceTests`);
}

/** The versions new transfers open on in the service tests unless a test says otherwise (see startService). */
export const TYPED_FIGURE_VERSIONS = "medicalTransfer=2";

export async function startService(opts: { dir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  refuseInUnitProject("startService");
  const dir = opts.dir ?? tempDir();
  const databaseUrl = opts.env?.DATABASE_URL ?? (await databaseUrlFor(dir));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: "info",
      STATUS_RATE_LIMIT_PER_MINUTE: "10000",
      LOGIN_RATE_LIMIT_PER_MINUTE: "10000",
      SEARCH_RATE_LIMIT_PER_MINUTE: "10000",
      STATUS_FAILURES_PER_CASE_PER_HOUR: "10000",
      // The fixtures record acts dated months before a fixed TRACKER_TODAY; the tests of the
      // backdating rule (test/deadlines-acting/backdating.test.ts) set the default, 3.
      BACKDATE_REASON_AFTER_WORKING_DAYS: "100000",
      // The fixtures type the medical certificate's figures (36 months, 52 000 fen, …) for people
      // with no contribution record: new medical transfers open on version 2, which takes them.
      // Version 3 (the record's figures) is tested with records (test/engine/medical-record.test.ts,
      // test/http/certificates-from-record.test.ts: NEW_CASE_VERSIONS ""); pension transfers run on
      // version 3 throughout (fixtures.ts importPensionRecord imports the record first).
      NEW_CASE_VERSIONS: TYPED_FIGURE_VERSIONS,
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    dir,
    databaseUrl,
    child,
    output: () => out,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A file to upload: its bytes (or text), its name, and its media type (application/octet-stream unless told). */
export interface UploadFile {
  bytes: Buffer | string;
  name: string;
  type?: string;
}

/** checkAnswers: every reply is checked against the service's OpenAPI document (test/support/openapi-check.ts). */
export function client(baseUrl: string, opts: { checkAnswers?: boolean } = {}) {
  const check = opts.checkAnswers ? answerChecker(baseUrl) : undefined;
  /** The answer's body parsed when it is JSON, its text otherwise; checked when asked for. */
  async function reply<T>(method: string, p: string, res: Response): Promise<Reply<T>> {
    const text = await res.text();
    let body: any = text;
    if ((res.headers.get("content-type") ?? "").includes("json")) body = JSON.parse(text);
    const r = { status: res.status, body, headers: res.headers };
    await check?.(method, p, r);
    return r;
  }
  async function call<T = any>(
    method: string,
    p: string,
    opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] ??= "application/json";
    const res = await fetch(baseUrl + p, {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    return reply<T>(method, p, res);
  }
  /**
   * POSTs a multipart form, as a browser's file upload does: the text `fields`, then `file` as the
   * field "file". Without a token, no Authorization header.
   */
  async function upload<T = any>(
    p: string,
    opts: { token?: string; fields?: Record<string, string>; file?: UploadFile } = {},
  ): Promise<Reply<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(opts.fields ?? {})) form.append(k, v);
    if (opts.file) {
      const { bytes, name, type = "application/octet-stream" } = opts.file;
      form.append("file", new Blob([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], { type }), name);
    }
    const res = await fetch(baseUrl + p, {
      method: "POST",
      headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
      body: form,
    });
    return reply<T>("POST", p, res);
  }
  async function login(username: string, password: string): Promise<string> {
    const r = await call("POST", "/api/auth/login", { body: { username, password } });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token;
  }
  return { call, upload, login };
}

/** The test agencies: FZ (transfer-out), XM (transfer-in) and SZ (unrelated). */
export const AGENCIES = {
  FZ: { code: "FZ", name: "福州市医保中心", region: "350100" },
  XM: { code: "XM", name: "厦门市医保中心", region: "350200" },
  SZ: { code: "SZ", name: "深圳市医保中心", region: "440300" },
} as const;

/** Creates the agencies `codes` (expects 201 for each). */
export async function createAgencies(
  api: ReturnType<typeof client>,
  admin: string,
  codes: (keyof typeof AGENCIES)[] = ["FZ", "XM", "SZ"],
): Promise<void> {
  for (const code of codes) {
    const r = await api.call("POST", "/api/admin/agencies", { token: admin, body: AGENCIES[code] });
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  }
}

/** Creates a staff account of `agencyCode` (expects 201) and returns its id. */
export async function createStaff(
  api: ReturnType<typeof client>,
  admin: string,
  user: { username: string; password: string; agencyCode: string },
): Promise<number> {
  const r = await api.call("POST", "/api/admin/users", { token: admin, body: { ...user, role: "staff" } });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body.id;
}

/** Two agencies, one unrelated agency, a staff user for each, and their tokens. */
export async function setUpAgencies(api: ReturnType<typeof client>) {
  const admin = await api.login(ADMIN.username, ADMIN.password);
  await createAgencies(api, admin);
  const password = "staff-password-123";
  for (const [username, agencyCode] of [
    ["fz-clerk", "FZ"],
    ["xm-clerk", "XM"],
    ["sz-clerk", "SZ"],
  ]) {
    await createStaff(api, admin, { username, password, agencyCode });
  }
  return {
    admin,
    out: await api.login("fz-clerk", password),
    in: await api.login("xm-clerk", password),
    other: await api.login("sz-clerk", password),
  };
}

/** Stops the service (if it still runs) and removes its directory. */
export async function discard(server: TestServer | undefined): Promise<void> {
  if (!server) return;
  await server.stop();
  fs.rmSync(server.dir, { recursive: true, force: true });
}

export const person = { name: "林小明", idNumber: makeTestIdNumber("350102", "19900307", "123") };

let freshPeople = 0;
/**
 * Another person each call (same name as `person`, another ID number): a person has at most one
 * open case of a kind (no double enrolment, docs/parties.md), so tests that open several cases
 * open them for different people.
 */
export function freshPerson(name = person.name): { name: string; idNumber: string } {
  const n = freshPeople++;
  const birth = `19${String(50 + (Math.floor(n / 1000) % 50)).padStart(2, "0")}0101`;
  return { name, idNumber: makeTestIdNumber("350103", birth, String(n % 1000).padStart(3, "0")) };
}

export async function runVerify(databaseUrl: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli/verify.ts"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}
