// Prometheus metrics: process defaults, request durations by route, recorded case events.
// Every metric here is maintained: the counters read their sources when scraped.
//
// Who may read them: clients on the loopback interface that come directly (not through a proxy:
// a request carrying X-Forwarded-For, Forwarded or X-Real-IP is not treated as local), and, when
// METRICS_TOKEN is set, anyone presenting it as a bearer token. Others get a 403 problem.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, Response, NextFunction } from "express";
import ipaddr from "ipaddr.js";
import client from "prom-client";
import { problems } from "../problems.ts";

function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "loopback"; // process(): ::ffff:127.0.0.1 is 127.0.0.1
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Whether a request may read /metrics (see the top of this file). */
export function metricsAllowed(
  req: Pick<Request, "headers"> & { socket: { remoteAddress?: string } },
  token: string | undefined,
): boolean {
  const h = req.headers;
  const forwarded = h["x-forwarded-for"] !== undefined || h.forwarded !== undefined || h["x-real-ip"] !== undefined;
  if (!forwarded && isLoopback(req.socket.remoteAddress)) return true;
  if (!token) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h.authorization ?? "");
  return m !== null && timingSafeEqual(digest(m[1]), digest(token));
}

/** Express middleware for GET /metrics: 403 problem for a caller who may not read them. */
export function metricsGuard(token: string | undefined) {
  return (req: Request, _res: Response, next: NextFunction) =>
    next(
      metricsAllowed(req, token)
        ? undefined
        : problems.forbidden("Metrics are served to local clients, or with the metrics token (METRICS_TOKEN)."),
    );
}

/** What the metrics read of SQLite's background checkpointer (src/db/checkpointer.ts, its stats). */
export interface CheckpointerStats {
  rounds: number;
  fallbacks: number;
  errors: number;
  last?: { log: number };
}

export interface MetricsSources {
  /** group-commit batches and writes (src/engine/store.ts) */
  writeStats?: () => { batches: number; writes: number };
  /** SQLite's background checkpointer */
  checkpointStats?: () => CheckpointerStats;
  /** committed case events as [caseType, eventType, count] (src/engine/eventTally.ts) */
  recordedEvents?: () => [string, string, number][];
}

export function createMetrics(sources: MetricsSources = {}) {
  const { writeStats, checkpointStats, recordedEvents } = sources;
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  if (recordedEvents) {
    new client.Counter({
      name: "case_events_recorded_total",
      help: "Case events committed by this process (advances, openings, system events), by case type and event type",
      labelNames: ["caseType", "event"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [caseType, event, n] of recordedEvents()) this.inc({ caseType, event }, n);
      },
    });
  }
  if (writeStats) {
    // Group commit (src/engine/store.ts): how many advances share a transaction.
    new client.Counter({
      name: "case_write_batches_total",
      help: "Transactions that committed case advances (group commit)",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(writeStats().batches);
      },
    });
    new client.Counter({
      name: "case_writes_total",
      help: "Case advances committed through the group commit",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(writeStats().writes);
      },
    });
  }
  if (checkpointStats) {
    // SQLite's background checkpoints (src/db/checkpointer.ts): fallbacks and a log that stays
    // large mean the writes outrun the checkpoint thread; errors mean it is failing.
    const counter = (name: string, help: string, value: (s: CheckpointerStats) => number) =>
      new client.Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(value(checkpointStats()));
        },
      });
    counter(
      "sqlite_wal_checkpoint_rounds_total",
      "Background checkpoint rounds that copied pages of the write-ahead log into the database file",
      (s) => s.rounds,
    );
    counter(
      "sqlite_wal_checkpoint_fallbacks_total",
      "Times the log outgrew the background rounds and the service's commits checkpointed until it started over",
      (s) => s.fallbacks,
    );
    counter("sqlite_wal_checkpoint_errors_total", "Background checkpoint rounds that failed", (s) => s.errors);
    new client.Gauge({
      name: "sqlite_wal_pages",
      help: "Pages in the write-ahead log at the last background checkpoint round",
      registers: [registry],
      collect() {
        this.set(checkpointStats().last?.log ?? 0);
      },
    });
  }
  return { registry, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;
