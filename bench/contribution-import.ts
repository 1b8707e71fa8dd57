// `npm run bench:contribution-import [-- --rows 100000 --shape monthly|history --format csv|xlsx]`
// Imports one large file of contribution records into the real service (a child process, on a fresh
// SQLite file, or on PostgreSQL with DATABASE_URL=postgresql://…) over HTTP, as the console does:
// a dry run, the import, and the same file again; each polled at its job until done. Prints the time
// of each, the service's peak memory (VmHWM) and how long a request waited while a job ran (the
// longest answer to GET /api/health polled every 50 ms: on SQLite the write transaction holds the
// process). docs/contributions.md quotes the numbers.
//   --shape monthly: one month for each of `rows` people (a month's file of a whole agency)
//   --shape history: 120 months for each of rows/120 people (taking over ten years of records)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { makeTestIdNumber } from "../src/domain/idNumber.ts";
import { monthFromIndex, monthIndex } from "../src/domain/dateMath.ts";
import { isPostgresUrl } from "../src/db/urls.ts";
import { peakRssMb, serviceEnv, startProcess, stop } from "./processes.ts";
import { failWith, parsedOr, positiveWholeNumbers } from "./options.ts";

const fail = failWith(
  "usage: npm run bench:contribution-import -- [--rows N] [--shape monthly|history] [--format csv|xlsx]",
);
const { values: args } = parsedOr(
  () =>
    parseArgs({
      options: {
        rows: { type: "string", default: "100000" },
        shape: { type: "string", default: "monthly" },
        format: { type: "string", default: "csv" },
      },
    }),
  fail,
);
const { rows: ROWS } = positiveWholeNumbers({ rows: args.rows }, fail);
const SHAPE =
  args.shape === "history" ? "history" : args.shape === "monthly" ? "monthly" : fail("--shape: monthly or history");
const FORMAT = args.format === "xlsx" ? "xlsx" : args.format === "csv" ? "csv" : fail("--format: csv or xlsx");
const ADMIN = { username: "bench-admin", password: "bench-admin-password-1234" };
const CLERK = { username: "bench-clerk", password: "bench-clerk-password-1234" };
const HEADER = [
  "idNumber",
  "insurance",
  "month",
  "base",
  "employer",
  "individual",
  "accountCredit",
  "status",
  "payer",
  "employerCreditCode",
];

/** The file's rows: `monthly` one month each of many people, `history` 120 months each of fewer. */
function lines(): string[][] {
  const perPerson = SHAPE === "monthly" ? 1 : 120;
  const people = Math.ceil(ROWS / perPerson);
  const last = monthIndex("2025-12");
  const out: string[][] = [];
  for (let p = 0; p < people && out.length < ROWS; p++) {
    const k = Math.floor(p / 1000);
    const birth = `${1960 + (k % 40)}01${String(1 + Math.floor(k / 40)).padStart(2, "0")}`;
    const idNumber = makeTestIdNumber("350102", birth, String(p % 1000).padStart(3, "0"));
    for (let m = perPerson - 1; m >= 0 && out.length < ROWS; m--) {
      const base = 400_000 + (p % 50) * 10_000; // fen
      const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
      out.push([
        idNumber,
        "medical",
        monthFromIndex(last - m).text,
        yuan(base),
        yuan((base * 8) / 100),
        yuan((base * 2) / 100),
        yuan((base * 3) / 100),
        "paid",
        "employer",
        "91350100MA3K00002E",
      ]);
    }
  }
  if (people > 1000 * 40 * 28) fail("--rows: at most 1,120,000 distinct test people are generated");
  return out;
}

async function fileBytes(rows: string[][]): Promise<Buffer> {
  if (FORMAT === "csv") return Buffer.from([HEADER, ...rows].map((r) => r.join(",")).join("\r\n") + "\r\n");
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet("contributions");
  sheet.addRow(HEADER);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The answer of an import (the fields read here). */
interface Job {
  id: string;
  status: string;
  refused: number;
  added: number;
  unchanged: number;
  people: number;
}

/**
 * One JSON call. A connection the server closed while it sat idle in the client's pool (the
 * server's keep-alive timeout is 5 s; an upload can take longer) is retried on a new one.
 */
async function call(url: string, method: string, p: string, token?: string, body?: unknown) {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await fetch(url + p, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json().catch(() => null)) as Job & { token?: string } };
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
}

async function setUp(url: string): Promise<string> {
  const admin = (await call(url, "POST", "/api/auth/login", undefined, ADMIN)).body.token as string;
  const agency = { code: "FZ", name: "福州市医疗保障事务中心", region: "350100" };
  if ((await call(url, "POST", "/api/admin/agencies", admin, agency)).status !== 201) throw new Error("agency");
  const user = { ...CLERK, role: "staff", agencyCode: "FZ" };
  if ((await call(url, "POST", "/api/admin/users", admin, user)).status !== 201) throw new Error("staff");
  return (await call(url, "POST", "/api/auth/login", undefined, CLERK)).body.token as string;
}

/** The longest wait for GET /api/health while `work` runs (polled every 50 ms). */
async function whileWatching<T>(url: string, work: () => Promise<T>): Promise<{ result: T; longestMs: number }> {
  let running = true;
  let longestMs = 0;
  const failures: string[] = [];
  const watcher = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(`${url}/api/health`)
        .then((r) => r.arrayBuffer())
        .catch((e: unknown) => failures.push(String((e as { cause?: unknown }).cause ?? e)));
      longestMs = Math.max(longestMs, performance.now() - t);
      await new Promise((ok) => setTimeout(ok, 50));
    }
  })();
  try {
    return { result: await work(), longestMs };
  } finally {
    running = false;
    await watcher;
    if (failures.length) process.stderr.write(`/api/health failed ${failures.length} times: ${failures[0]}\n`);
  }
}

async function importOnce(url: string, token: string, bytes: Buffer, dryRun: boolean) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), `contributions.${FORMAT}`);
  const started = performance.now();
  const r = await fetch(`${url}/api/contributions/import${dryRun ? "?dryRun=true" : ""}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const acceptedMs = performance.now() - started;
  let job = (await r.json()) as Job;
  if (r.status !== 200 && r.status !== 202) throw new Error(`upload: ${r.status} ${JSON.stringify(job)}`);
  let polls = 0;
  while (job.status === "running") {
    await new Promise((ok) => setTimeout(ok, 200));
    job = (await call(url, "GET", `/api/contribution-imports/${job.id}`, token)).body;
    polls++;
  }
  if (job.status !== "done" || job.refused > 0) throw new Error(`import: ${JSON.stringify(job).slice(0, 500)}`);
  return { totalMs: performance.now() - started, acceptedMs, polls, job };
}

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const given = process.env.DATABASE_URL;
  if (!given || !isPostgresUrl(given)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-contrib-"));
    return { url: `file:${path.join(dir, "tracker.db")}`, drop: async () => fs.rmSync(dir, { recursive: true }) };
  }
  const name = `bench_contrib_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: given });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(given);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function main() {
  const t0 = performance.now();
  const bytes = await fileBytes(lines());
  const madeMs = performance.now() - t0;
  const db = await freshDatabase();
  const service = await startProcess("src/main.ts", {
    ...serviceEnv(db.url),
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  });
  let output = "";
  service.child.stdout!.on("data", (d) => (output = (output + String(d)).slice(-4000)));
  service.child.stderr!.on("data", (d) => (output = (output + String(d)).slice(-4000)));
  try {
    const token = await setUp(service.url);
    const runs: [string, Awaited<ReturnType<typeof importOnce>>, number][] = [];
    for (const [name, dryRun] of [
      ["dry run", true],
      ["import", false],
      ["the same file again", false],
    ] as const) {
      const { result, longestMs } = await whileWatching(service.url, () =>
        importOnce(service.url, token, bytes, dryRun),
      );
      runs.push([name, result, longestMs]);
    }
    const database = isPostgresUrl(db.url) ? "PostgreSQL" : "SQLite";
    process.stdout.write(
      `contribution import: ${ROWS} rows (${SHAPE}, ${FORMAT}, ${(bytes.length / 1024 / 1024).toFixed(1)} MB, made in ${Math.round(madeMs)} ms), ${database}, Node ${process.version}, ${os.cpus().length} CPUs\n`,
    );
    for (const [name, r, longest] of runs) {
      const j = r.job;
      process.stdout.write(
        `  ${name.padEnd(20)} ${(r.totalMs / 1000).toFixed(1).padStart(6)} s (answered in ${Math.round(r.acceptedMs)} ms, ${r.polls} polls)  added ${j.added}, unchanged ${j.unchanged}, people ${j.people}; longest /api/health ${Math.round(longest)} ms\n`,
      );
    }
    process.stdout.write(`  service peak memory (VmHWM): ${peakRssMb(service.child.pid!)} MB\n`);
  } catch (e) {
    process.stderr.write(`the service said:\n${output}\n`);
    throw e;
  } finally {
    await stop(service.child);
    await db.drop();
  }
}

main().catch((e) => {
  const cause = (e as { cause?: Error }).cause;
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n${cause ? cause.message : ""}\n`);
  process.exit(1);
});
