// `npm run bench:compare -- --base <git ref> [--scenario status|advance] [--pairs 3] [--cases 100000]
//   [--duration 8] [--warmup 3] [--connections 10]`
// Is the working tree faster than <base> at one scenario? This machine's speed drifts by ±20 %
// over minutes and differs from one machine to the next, so two bench runs, or two numbers from
// different days, do not compare. This seeds one SQLite database, then runs the scenario against
// the service at <base> (checked out in a temporary git worktree) and at the working tree, one
// after the other (each first in every other pair), `--pairs` times, with the do-nothing handler
// before each pair. It prints each pair's req/s and the server's CPU per request (user + system
// time around the measured seconds), and the medians.
// The database is migrated by the working tree: compare commits that share the schema.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { applyMigrations } from "../src/db/migrate.ts";
import { chinaToday } from "../src/calendar/index.ts";
import { seedBenchmark, BENCH_PASSWORD, type SeedResult } from "./seed.ts";
import { cpuMicros, root, serviceEnv, startProcess, stop } from "./processes.ts";
import { failWith, parsedOr, positiveWholeNumbers, warmupSeconds } from "./options.ts";

const usage =
  "usage: npm run bench:compare -- --base <git ref> [--scenario status|advance] [--pairs 3] [--cases 100000] [--duration 8] [--warmup 3] [--connections 10]";
const fail = failWith(usage);
const { values: args } = parsedOr(
  () =>
    parseArgs({
      options: {
        base: { type: "string" },
        scenario: { type: "string", default: "status" },
        pairs: { type: "string", default: "3" },
        cases: { type: "string", default: "100000" },
        duration: { type: "string", default: "8" },
        warmup: { type: "string", default: "3" },
        connections: { type: "string", default: "10" },
      },
    }),
  fail,
);
if (!args.base) fail("--base is required");
if (args.scenario !== "status" && args.scenario !== "advance") fail("--scenario must be status or advance");
const numbers = positiveWholeNumbers(
  { pairs: args.pairs, cases: args.cases, duration: args.duration, connections: args.connections },
  fail,
);
const WARMUP = warmupSeconds(args.warmup, fail);
const scenario = args.scenario as "status" | "advance";

const git = (...a: string[]) => execFileSync("git", a, { cwd: root, encoding: "utf8" }).trim();

interface Run {
  requestsPerSec: number;
  /** server CPU time per request, µs */
  cpuPerRequest: number;
  non2xx: number;
}

/** Warm-up load, then the measured seconds with the server's CPU time read around them. */
async function measure(url: string, pid: number, request: autocannon.Request): Promise<Run> {
  const opts = { url, connections: numbers.connections, requests: [request] };
  if (WARMUP > 0) await autocannon({ ...opts, duration: WARMUP });
  const before = cpuMicros(pid);
  const r = await autocannon({ ...opts, duration: numbers.duration });
  const used = cpuMicros(pid) - before;
  return {
    requestsPerSec: Math.round(r.requests.total / numbers.duration),
    cpuPerRequest: Math.round(used / Math.max(1, r.requests.total)),
    non2xx: r.non2xx + r.errors + r.timeouts,
  };
}

async function runService(cwd: string, databaseUrl: string, seeded: SeedResult): Promise<Run> {
  const s = await startProcess("src/main.ts", serviceEnv(databaseUrl), cwd);
  try {
    const headers: Record<string, string> = { "content-type": "application/json" };
    let k = 0;
    let request: autocannon.Request;
    if (scenario === "advance") {
      const login = await fetch(`${s.url}/api/auth/login`, {
        method: "POST",
        headers,
        body: JSON.stringify({ username: "clerk1", password: BENCH_PASSWORD }),
      });
      headers.authorization = `Bearer ${((await login.json()) as { token: string }).token}`;
      const body = JSON.stringify({ type: "REISSUE_CERTIFICATE" });
      request = {
        method: "POST",
        headers,
        setupRequest: (req) => ({
          ...req,
          path: `/api/cases/${seeded.hotCases[k++ % seeded.hotCases.length]}/events`,
          body,
        }),
      };
    } else {
      request = {
        method: "POST",
        headers,
        setupRequest: (req) => ({
          ...req,
          path: "/api/status",
          body: JSON.stringify(seeded.lookups[k++ % seeded.lookups.length]),
        }),
      };
    }
    return await measure(s.url, s.child.pid!, request);
  } finally {
    await stop(s.child);
  }
}

async function runNoop(): Promise<Run> {
  const s = await startProcess("bench/servers/noop.ts", {});
  try {
    return await measure(s.url, s.child.pid!, {
      method: "POST",
      headers: { "content-type": "application/json" },
      path: "/noop",
      body: "{}",
    });
  } finally {
    await stop(s.child);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const fmt = (n: number) => n.toLocaleString("en-US");

async function main() {
  let baseCommit = "";
  try {
    baseCommit = execFileSync("git", ["rev-parse", "--verify", "--quiet", `${args.base}^{commit}`], {
      cwd: root,
      encoding: "utf8",
    }).trim();
  } catch {
    fail(`--base ${args.base} is not a commit of this repository`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracker-compare-"));
  const worktree = path.join(dir, "base");
  try {
    process.stderr.write(
      `compare: ${scenario} at ${args.base} (${baseCommit.slice(0, 7)}) against the working tree, ${numbers.pairs} pairs\n`,
    );
    git("worktree", "add", "--detach", worktree, baseCommit);
    // The base uses this checkout's packages; its Prisma clients are generated from its own schema.
    fs.symlinkSync(path.join(root, "node_modules"), path.join(worktree, "node_modules"), "dir");
    for (const extra of [[], ["--config", "prisma.postgresql.config.ts"]]) {
      if (extra.length > 0 && !fs.existsSync(path.join(worktree, extra[1]))) continue;
      execFileSync(
        process.execPath,
        [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate", ...extra],
        { cwd: worktree, stdio: "ignore" },
      );
    }

    const file = path.join(dir, "bench.db");
    await applyMigrations(`file:${file}`);
    const seeded = await seedBenchmark(file, numbers.cases, chinaToday(), process.stderr.isTTY);
    const databaseUrl = `file:${file}`;

    const pairs: { noop: Run; base: Run; current: Run }[] = [];
    for (let i = 1; i <= numbers.pairs; i++) {
      process.stderr.write(`  pair ${i} of ${numbers.pairs}\n`);
      const noop = await runNoop();
      // Each goes first in every other pair: the second runs after the first one's writes.
      let base: Run, current: Run;
      if (i % 2 === 1) {
        base = await runService(worktree, databaseUrl, seeded);
        current = await runService(root, databaseUrl, seeded);
      } else {
        current = await runService(root, databaseUrl, seeded);
        base = await runService(worktree, databaseUrl, seeded);
      }
      pairs.push({ noop, base, current });
      const failed = base.non2xx + current.non2xx;
      process.stdout.write(
        `pair ${i}: do-nothing ${fmt(noop.requestsPerSec)}/s | base ${fmt(base.requestsPerSec)}/s ${fmt(base.cpuPerRequest)} µs/req | ` +
          `current ${fmt(current.requestsPerSec)}/s ${fmt(current.cpuPerRequest)} µs/req | current/base ${(current.requestsPerSec / base.requestsPerSec).toFixed(2)}` +
          (failed > 0 ? ` | ${failed} failed requests` : "") +
          "\n",
      );
    }
    const m = (pick: (p: (typeof pairs)[number]) => number) => median(pairs.map(pick));
    process.stdout.write(
      `median: base ${fmt(m((p) => p.base.requestsPerSec))}/s ${fmt(m((p) => p.base.cpuPerRequest))} µs/req, ` +
        `current ${fmt(m((p) => p.current.requestsPerSec))}/s ${fmt(m((p) => p.current.cpuPerRequest))} µs/req, ` +
        `current/base ${m((p) => p.current.requestsPerSec / p.base.requestsPerSec).toFixed(2)} ` +
        `(${scenario}, ${numbers.cases} cases, ${numbers.connections} connections, ${numbers.duration}s after ${WARMUP}s of warm-up)\n`,
    );
  } finally {
    if (fs.existsSync(worktree)) git("worktree", "remove", "--force", worktree);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
