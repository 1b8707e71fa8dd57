// `npm run bench [-- --cases 1000000 --duration 10 --warmup 3 --connections 10 --rounds 3]
//   [--scenario all|http|records] [--people N --months N --long-people N --long-months N --reads 1000]
//   [--records-database NAME]`
// Seeds a fresh SQLite database, starts the real service and four comparison servers one at a
// time on the same data, and measures them side by side in one run (the HTTP scenarios). Then the
// contribution records (bench/records.ts): people's month rows seeded into a database of their
// own, and the certificate's read timed in-process. Prints one table and writes the same numbers
// as JSON under bench/results/. `--scenario http` or `records` runs one part alone.
// With DATABASE_URL=postgresql://… the same runs on PostgreSQL: the seeded cases are copied into a
// fresh database created on that server (dropped at the end), and the reference uses node-postgres.
// The records go into a fresh database too (dropped at the end), or with --records-database into
// that one, seeded the first time and kept for the next run (drop it yourself).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { applyMigrations } from "../src/db/migrate.ts";
import { chinaToday } from "../src/calendar/index.ts";
import pg from "pg";
import { seedBenchmark, BENCH_PASSWORD } from "./seed.ts";
import { copyToPostgres } from "../src/cli/copy-to-postgres.ts";
import { isPostgresUrl } from "../src/db/urls.ts";
import { cpuMicros, peakRssMb, root, serviceEnv, startProcess, stop } from "./processes.ts";
import { failWith, parsedOr, positiveWholeNumbers, warmupSeconds, wholeNumbers } from "./options.ts";
import type { ChinaDate } from "../src/calendar/index.ts";
import { monthIndex } from "../src/domain/dateMath.ts";
import {
  bytesNeeded,
  freeBytes,
  readPlan,
  postgresStorage,
  recordsDefaults,
  recordsLines,
  recordsTargets,
  seededRecordsIn,
  seedRecordsPostgres,
  seedRecordsSqlite,
  sqliteStorage,
  timeCertificateReads,
  type RecordsResult,
  type RecordsSize,
} from "./records.ts";

const fail = failWith();
const { values: args } = parsedOr(
  () =>
    parseArgs({
      options: {
        cases: { type: "string", default: "100000" },
        duration: { type: "string", default: "10" },
        connections: { type: "string", default: "10" },
        queries: { type: "string", default: "300" },
        rounds: { type: "string", default: "3" },
        warmup: { type: "string", default: "3" },
        scenario: { type: "string", default: "all" },
        // the contribution records (defaults: recordsDefaults in bench/records.ts)
        people: { type: "string" },
        months: { type: "string" },
        "long-people": { type: "string" },
        "long-months": { type: "string" },
        reads: { type: "string", default: "1000" },
        "records-database": { type: "string" },
      },
    }),
  fail,
);
if (!["all", "http", "records"].includes(args.scenario)) fail("--scenario must be all, http or records");
const SCENARIO = args.scenario as "all" | "http" | "records";
const POSTGRES_ADMIN =
  process.env.DATABASE_URL && isPostgresUrl(process.env.DATABASE_URL) ? process.env.DATABASE_URL : undefined;
const defaults = recordsDefaults(POSTGRES_ADMIN !== undefined);
const RECORDS: RecordsSize = {
  ...positiveWholeNumbers(
    { people: args.people ?? String(defaults.people), months: args.months ?? String(defaults.months) },
    fail,
  ),
  ...(() => {
    const w = wholeNumbers(
      {
        "long-people": args["long-people"] ?? String(defaults.longPeople),
        "long-months": args["long-months"] ?? String(defaults.longMonths),
      },
      fail,
    );
    return { longPeople: w["long-people"], longMonths: w["long-months"] };
  })(),
};
const { reads: READS } = positiveWholeNumbers({ reads: args.reads }, fail);
const RECORDS_DATABASE = args["records-database"];
if (RECORDS_DATABASE !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(RECORDS_DATABASE))
  fail("--records-database must be a PostgreSQL name: lower-case letters, digits and _");
if (RECORDS_DATABASE !== undefined && !POSTGRES_ADMIN) fail("--records-database needs DATABASE_URL=postgresql://…");
const {
  cases: CASES,
  duration: DURATION,
  connections: CONNECTIONS,
  queries: QUERY_SAMPLES,
  rounds: ROUNDS,
} = positiveWholeNumbers(
  {
    cases: args.cases,
    duration: args.duration,
    connections: args.connections,
    queries: args.queries,
    rounds: args.rounds,
  },
  fail,
);
const WARMUP = warmupSeconds(args.warmup, fail);

interface LoadResult {
  name: string;
  requestsPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** the server's CPU time (user + system) per request over the measured seconds, µs */
  cpuPerRequest: number;
  peakRssMb: number;
}

async function load(
  name: string,
  url: string,
  pid: number,
  opts: { method?: "POST" | "GET"; headers?: Record<string, string>; paths: () => string; body?: () => string },
): Promise<Omit<LoadResult, "peakRssMb">> {
  process.stderr.write(
    `  measuring ${name} for ${DURATION}s at ${CONNECTIONS} connections (after ${WARMUP}s of warm-up)...\n`,
  );
  const request = {
    method: opts.method ?? "POST",
    headers: { "content-type": "application/json", ...opts.headers },
    setupRequest: (req: autocannon.Request) => ({ ...req, path: opts.paths(), body: opts.body?.() ?? req.body }),
  };
  // Every server is measured warm: its first seconds (JIT compilation, first reads of the file)
  // are load but not measurement, the same for all. Warm-up answers are checked too.
  let warmupWrong = 0;
  if (WARMUP > 0) {
    const w = await autocannon({ url, connections: CONNECTIONS, duration: WARMUP, requests: [request] });
    warmupWrong = w.non2xx + w.errors + w.timeouts;
  }
  // The server's CPU time around the measured seconds (as bench/compare.ts): steadier than req/s
  // when other work shares the machine.
  const before = cpuMicros(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, requests: [request] });
  const used = cpuMicros(pid) - before;
  return {
    name,
    requestsPerSec: Math.round(result.requests.total / DURATION),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + warmupWrong,
    errors: result.errors + result.timeouts,
    cpuPerRequest: Math.round(used / Math.max(1, result.requests.total)),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timeQueries(url: string, token: string, name: string, pathFor: () => string) {
  const times: number[] = [];
  let failures = 0;
  let rows = 0;
  for (let i = 0; i < QUERY_SAMPLES; i++) {
    const t0 = performance.now();
    const res = await fetch(url + pathFor(), { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items?: unknown[] };
    times.push(performance.now() - t0);
    if (!res.ok) failures++;
    else rows += body.items?.length ?? 0;
  }
  times.sort((a, b) => a - b);
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    name,
    p50: r(percentile(times, 50)),
    p95: r(percentile(times, 95)),
    p99: r(percentile(times, 99)),
    failures,
    avgRows: Math.round(rows / QUERY_SAMPLES),
  };
}

interface Part {
  lines: string[];
  json: Record<string, unknown>;
  /** answers that were not as expected */
  wrong: number;
}

/** Scenarios 1–7 and the queries, on `CASES` seeded cases (in `dir`; on PostgreSQL, a copy dropped after). */
async function httpScenarios(dir: string, today: ChinaDate): Promise<Part> {
  const file = path.join(dir, "bench.db");
  process.stderr.write(`bench: ${CASES} cases in ${file}\n`);
  await applyMigrations(`file:${file}`);
  const t0 = performance.now();
  const seeded = await seedBenchmark(file, CASES, today, process.stderr.isTTY);
  process.stderr.write(
    `  seeded in ${((performance.now() - t0) / 1000).toFixed(1)}s; ${seeded.hotCases.length} cases to advance\n`,
  );
  // Seeding leaves gigabytes of dirty pages at 1,000,000 cases; the kernel writing them back
  // during the first measurement would slow only that one. Flush them first.
  const fd = fs.openSync(file, "r+");
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  execFileSync("sync");
  const postgres = POSTGRES_ADMIN ? await freshPgDatabase(POSTGRES_ADMIN) : undefined;
  if (postgres) {
    process.stderr.write(`  copying the cases into PostgreSQL database ${postgres.name}\n`);
    await copyToPostgres(`file:${file}`, postgres.url, process.stderr.isTTY, { replay: false });
    await pgQuery(postgres.url, "ANALYZE");
  }
  const databaseUrl = postgres?.url ?? `file:${file}`;

  const hot = seeded.hotCases;
  let next = 0;
  const hotPath = (prefix: string) => () => `${prefix}/cases/${hot[next++ % hot.length]}/events`;
  const reissue = JSON.stringify({ type: "REISSUE_CERTIFICATE" });
  const rounds: LoadResult[][] = [];
  let queries: Awaited<ReturnType<typeof timeQueries>>[] = [];
  let serviceRss = 0;
  let sameAnswers = true;

  // The machine's speed drifts by ±20 % over minutes, so the seven scenarios run round-robin,
  // ROUNDS times, and each is reported by its median round: a slow minute hits every scenario
  // alike instead of one of them.
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) process.stderr.write(`  round ${round} of ${ROUNDS}\n`);
    const results: LoadResult[] = [];
    // 1, 5, 6: the real service.
    // The seeded rows are encrypted under the key file beside the SQLite file: on PostgreSQL too.
    const service = await startProcess("src/main.ts", {
      ...serviceEnv(databaseUrl),
      BENCH_SAFEGUARDED_NOOP: "on",
      ...(seeded.keyFile ? { DATA_KEY_FILE: seeded.keyFile } : {}),
    });
    const login = await fetch(`${service.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "clerk1", password: BENCH_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const pid = service.child.pid!;
    const advance = await load("1. advance over HTTP (service, auth)", service.url, pid, {
      headers: auth,
      paths: hotPath("/api"),
      body: () => reissue,
    });
    let k = 0;
    // The status peer must give the same answer: the service's, for the first lookup, to compare.
    const firstAnswer = await (
      await fetch(`${service.url}/api/status`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(seeded.lookups[0]),
      })
    ).text();
    const lookup = () => JSON.stringify(seeded.lookups[k++ % seeded.lookups.length]);
    const status = await load("5. status lookup over HTTP (service)", service.url, pid, {
      paths: () => "/api/status",
      body: lookup,
    });
    // The same bodies, to a constant answer behind everything the status lookup passes.
    const safeguarded = await load("6. do-nothing behind the safeguards", service.url, pid, {
      paths: () => "/api/bench/safeguarded-noop",
      body: lookup,
    });
    if (round === 1) {
      queries = [
        await timeQueries(service.url, token, "overdue queue", () => "/api/cases?overdue=true&mine=true&limit=50"),
        await timeQueries(service.url, token, "due-soon queue", () => "/api/cases?dueSoon=true&mine=true&limit=50"),
        await timeQueries(
          service.url,
          token,
          "text search (name)",
          () => `/api/cases?q=${encodeURIComponent(seeded.searchName)}&limit=50`,
        ),
        await timeQueries(
          service.url,
          token,
          "text search (case number)",
          () => `/api/cases?q=${seeded.searchNumbers[k++ % seeded.searchNumbers.length]}`,
        ),
      ];
    }
    const rss = peakRssMb(service.child.pid!);
    serviceRss = Math.max(serviceRss, rss);
    results.push({ ...advance, peakRssMb: rss }, { ...status, peakRssMb: rss }, { ...safeguarded, peakRssMb: rss });
    await stop(service.child);

    // 2, 3, 4, 7: the comparison servers, one at a time, on the same cases.
    const env = {
      BENCH_DATABASE_URL: databaseUrl,
      BENCH_TODAY: today,
      ...(seeded.keyFile ? { DATA_KEY_FILE: seeded.keyFile } : {}),
    };
    for (const [name, script] of [
      postgres
        ? ["2. reference: raw node-postgres", "bench/servers/reference-pg.ts"]
        : ["2. reference: raw better-sqlite3", "bench/servers/reference.ts"],
      ["3. peer: Prisma findUnique + $transaction", "bench/servers/peer.ts"],
      ["4. do-nothing Express handler", "bench/servers/noop.ts"],
    ] as const) {
      const s = await startProcess(script, env);
      const r = await load(name, s.url, s.child.pid!, { paths: hotPath(""), body: () => reissue });
      results.push({ ...r, peakRssMb: peakRssMb(s.child.pid!) });
      await stop(s.child);
    }
    const statusPeer = await startProcess("bench/servers/status-peer.ts", env);
    const peerAnswer = await (
      await fetch(`${statusPeer.url}/status`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(seeded.lookups[0]),
      })
    ).text();
    if (peerAnswer !== firstAnswer) {
      process.stderr.write(`  the status peer's answer differs from the service's:\n${peerAnswer}\n${firstAnswer}\n`);
      sameAnswers = false;
    }
    const sp = await load("7. status peer: Prisma findUnique + include", statusPeer.url, statusPeer.child.pid!, {
      paths: () => "/status",
      body: lookup,
    });
    results.push({ ...sp, peakRssMb: peakRssMb(statusPeer.child.pid!) });
    await stop(statusPeer.child);
    rounds.push(results);
  }
  // Per scenario: the round with the median throughput (its latencies with it), the highest RSS.
  const results: LoadResult[] = rounds[0].map((_, i) => {
    const runs = rounds.map((r) => r[i]).sort((a, b) => a.requestsPerSec - b.requestsPerSec);
    return { ...runs[Math.floor((runs.length - 1) / 2)], peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)) };
  });

  // In the order measured: 1, 5, 6 (the service), 2, 3, 4, 7.
  const [adv, , , ref] = results;
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  // Per round, then the median: a ratio of two medians could pair a fast round with a slow one.
  const perRound = (f: (r: LoadResult[]) => number) => {
    const xs = rounds.map(f).sort((a, b) => a - b);
    return Math.round(xs[Math.floor((xs.length - 1) / 2)] * 100) / 100;
  };
  const rps = (r: LoadResult[], i: number) => r[i].requestsPerSec;
  const ratios = {
    safeguardsToNoop: perRound((r) => rps(r, 2) / rps(r, 5)),
    statusToSafeguarded: perRound((r) => rps(r, 1) / rps(r, 2)),
    statusToStatusPeer: perRound((r) => rps(r, 1) / rps(r, 6)),
    advanceToReference: perRound((r) => rps(r, 0) / rps(r, 3)),
    advanceToPeer: perRound((r) => rps(r, 0) / rps(r, 4)),
    statusToNoop: perRound((r) => rps(r, 1) / rps(r, 5)),
    rssToReference: ratio(serviceRss, ref.peakRssMb),
  };
  const worstQueryP95 = Math.max(...queries.map((q) => q.p95));
  const queryTarget = postgres ? 20 : 15;
  const targets = [
    ["do-nothing behind the safeguards ≥ 0.70× bare do-nothing", ratios.safeguardsToNoop >= 0.7],
    ["status ≥ 0.80× do-nothing behind the safeguards", ratios.statusToSafeguarded >= 0.8],
    ["status ≥ 3× status peer", ratios.statusToStatusPeer >= 3],
    [
      postgres ? "advance ≥ 0.75× PostgreSQL reference" : "advance ≥ 0.85× reference",
      ratios.advanceToReference >= (postgres ? 0.75 : 0.85),
    ],
    ["advance ≥ 4× peer", ratios.advanceToPeer >= 4],
    ["advance p99 ≤ 20 ms", adv.p99 <= 20],
    [`service RSS ≤ 1.3× reference RSS (at ${CASES} cases)`, ratios.rssToReference <= 1.3],
    [`queue/search p95 ≤ ${queryTarget} ms (at ${CASES} cases)`, worstQueryP95 <= queryTarget],
  ] as const;

  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  const lines = [
    `cases: ${CASES} on ${postgres ? "PostgreSQL" : "SQLite"}, ${CONNECTIONS} connections, ${DURATION}s each after ${WARMUP}s of warm-up, median of ${ROUNDS} rounds, node ${process.version}, ${os.cpus().length} cores`,
    `${pad("scenario", 46)}${pad("req/s", 9)}${pad("CPU µs/req", 12)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("peak RSS MB", 13)}non-2xx`,
    ...results.map(
      (r) =>
        `${pad(r.name, 46)}${pad(r.requestsPerSec, 9)}${pad(r.cpuPerRequest, 12)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(r.peakRssMb, 13)}${r.non2xx + r.errors}`,
    ),
    `ratios (median of the rounds' ratios): safeguarded/do-nothing ${ratios.safeguardsToNoop}, status/safeguarded ${ratios.statusToSafeguarded}, ` +
      `status/status peer ${ratios.statusToStatusPeer}, advance/reference ${ratios.advanceToReference}, advance/peer ${ratios.advanceToPeer}, ` +
      `status/do-nothing ${ratios.statusToNoop}, RSS service/reference ${ratios.rssToReference}`,
    `${pad("query (1 connection)", 30)}${pad("p50 ms", 9)}${pad("p95 ms", 9)}${pad("p99 ms", 9)}${pad("rows", 6)}failures`,
    ...queries.map(
      (q) => `${pad(q.name, 30)}${pad(q.p50, 9)}${pad(q.p95, 9)}${pad(q.p99, 9)}${pad(q.avgRows, 6)}${q.failures}`,
    ),
    "targets:",
    ...targets.map(([t, ok]) => `  ${ok ? "met    " : "MISSED "} ${t}`),
  ];
  if (postgres) await pgQuery(POSTGRES_ADMIN!, `DROP DATABASE "${postgres.name}" WITH (FORCE)`);
  // A fast wrong answer is not a measurement: any answer that was not 2xx, in any round, or a
  // query that did not find its rows, fails the run (the numbers are still written, for diagnosis).
  const wrong =
    rounds.flat().reduce((n, r) => n + r.non2xx + r.errors, 0) +
    queries.reduce((n, q) => n + q.failures, 0) +
    (sameAnswers ? 0 : 1);
  return {
    lines,
    wrong,
    json: {
      rounds: rounds.map((r) => r.map((x) => x.requestsPerSec)),
      roundsCpuPerRequest: rounds.map((r) => r.map((x) => x.cpuPerRequest)),
      cases: CASES,
      connections: CONNECTIONS,
      durationSec: DURATION,
      warmupSec: WARMUP,
      results,
      ratios,
      queries,
      targets: Object.fromEntries(targets),
    },
  };
}

/** The contribution records (bench/records.ts): seeded (or found kept), then the certificate's read timed. */
async function recordsScenario(dir: string, today: ChinaDate): Promise<RecordsResult> {
  const lastMonth = monthIndex(today.slice(0, 7)) - 1;
  const progress = process.stderr.isTTY;
  if (!POSTGRES_ADMIN) {
    const file = path.join(dir, "records.db");
    await enoughSpace(RECORDS, false, dir);
    process.stderr.write(`bench: contribution records in ${file}\n`);
    const seeded = await seedRecordsSqlite(file, RECORDS, lastMonth, progress);
    execFileSync("sync");
    const plans = [await readPlan(`file:${file}`, seeded, 0)];
    const load = loadAverage();
    const reads = await timeCertificateReads(`file:${file}`, seeded, today, READS);
    return {
      database: "sqlite",
      seeded,
      reused: false,
      loadAverage: load,
      reads,
      storage: sqliteStorage(file, seeded.rows),
      plans,
      targets: recordsTargets("sqlite", seeded, reads),
    };
  }
  const db = RECORDS_DATABASE
    ? await namedPgDatabase(POSTGRES_ADMIN, RECORDS_DATABASE)
    : await freshPgDatabase(POSTGRES_ADMIN);
  try {
    // A kept database gets the migrations committed since it was seeded (an index, say).
    await applyMigrations(db.url);
    const kept = await seededRecordsIn(db.url);
    const reused =
      kept !== null &&
      kept.people === RECORDS.people &&
      kept.months === RECORDS.months &&
      kept.longPeople === RECORDS.longPeople &&
      kept.longMonths === RECORDS.longMonths;
    if (!reused) {
      await enoughSpace(RECORDS, true, await pgSetting(POSTGRES_ADMIN, "data_directory"));
      process.stderr.write(`bench: contribution records in PostgreSQL database ${db.name}\n`);
    } else process.stderr.write(`bench: contribution records kept in PostgreSQL database ${db.name}\n`);
    const seeded = reused ? kept : await seedRecordsPostgres(db.url, RECORDS, lastMonth, progress);
    // A person not read before, for each group: what one read touches.
    const plans = [await readPlan(db.url, seeded, 0)];
    if (seeded.longPeople > 0) plans.push(await readPlan(db.url, seeded, 1));
    const load = loadAverage();
    const reads = await timeCertificateReads(db.url, seeded, today, READS);
    return {
      database: "postgresql",
      seeded,
      reused,
      loadAverage: load,
      reads,
      storage: await postgresStorage(db.url, seeded.rows),
      plans,
      targets: recordsTargets("postgresql", seeded, reads),
    };
  } finally {
    if (!RECORDS_DATABASE) await pgQuery(POSTGRES_ADMIN, `DROP DATABASE "${db.name}" WITH (FORCE)`);
  }
}

const loadAverage = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/** Stops before a seed that would not fit, and says what it needs. */
async function enoughSpace(size: RecordsSize, postgres: boolean, dir: string) {
  const need = bytesNeeded(size, postgres);
  const free = freeBytes(dir);
  const gb = (b: number) => (b / 1024 ** 3).toFixed(1);
  process.stderr.write(
    `  the records need about ${gb(need)} GB on the way; ${free === null ? "free space unknown" : `${gb(free)} GB free`} at ${dir}\n`,
  );
  if (free !== null && free < need) fail(`not enough space for the records at ${dir}: ${gb(need)} GB needed`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-bench-"));
  const today = chinaToday();
  const lines: string[] = [];
  const json: Record<string, unknown> = {
    date: new Date().toISOString(),
    database: POSTGRES_ADMIN ? "postgresql" : "sqlite",
    node: process.version,
    cpus: os.cpus().length,
  };
  let wrong = 0;
  try {
    if (SCENARIO !== "records") {
      const http = await httpScenarios(dir, today);
      lines.push(...http.lines);
      Object.assign(json, http.json);
      wrong += http.wrong;
    }
    if (SCENARIO !== "http") {
      const records = await recordsScenario(dir, today);
      lines.push(
        ...recordsLines(records),
        "targets (contribution records):",
        ...records.targets.map(([t, ok]) => `  ${ok ? "met    " : "MISSED "} ${t}`),
      );
      json.records = records;
      wrong += records.reads.reduce((n, r) => n + r.wrong, 0);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(lines.join("\n") + "\n");
  const name = SCENARIO === "records" ? `records-${RECORDS.people}x${RECORDS.months}` : String(CASES);
  const out = path.join(
    root,
    "bench",
    "results",
    `${new Date().toISOString().slice(0, 19).replaceAll(":", "")}-${name}${POSTGRES_ADMIN ? "-postgresql" : ""}.json`,
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(json, null, 2) + "\n");
  process.stdout.write(`written ${path.relative(root, out)}\n`);
  if (wrong > 0) {
    process.stderr.write(
      `bench: ${wrong} answers were not as expected (non-2xx, errors, failed queries or wrong records)\n`,
    );
    process.exitCode = 1;
  }
}

async function pgQuery(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function pgSetting(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return String((await client.query<{ v: string }>(`SELECT current_setting($1) AS v`, [name])).rows[0].v);
  } finally {
    await client.end();
  }
}

/** The database `name` on the server DATABASE_URL points to, created if it is not there. */
async function namedPgDatabase(adminUrl: string, name: string): Promise<{ name: string; url: string }> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = (await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name])).rowCount;
    if (!exists) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** A new, empty database on the server DATABASE_URL points to (whose own data is never touched). */
async function freshPgDatabase(adminUrl: string): Promise<{ name: string; url: string }> {
  const name = `tracker_bench_${Date.now().toString(36)}`;
  await pgQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
