// Prometheus metrics: process defaults, request durations by route, recorded case events.
import client from "prom-client";
import type { CheckpointerStats } from "../db/checkpointer.ts";

export function createMetrics(writeStats?: () => { batches: number; writes: number }, checkpointStats?: () => CheckpointerStats) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const caseEvents = new client.Counter({
    name: "case_events_recorded_total",
    help: "Case events recorded, by case type and event type",
    labelNames: ["caseType", "event"] as const,
    registers: [registry],
  });
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
    counter("sqlite_wal_checkpoint_rounds_total", "Background checkpoint rounds that copied pages of the write-ahead log into the database file", (s) => s.rounds);
    counter("sqlite_wal_checkpoint_fallbacks_total", "Times the log outgrew the background rounds and the service's commits checkpointed until it started over", (s) => s.fallbacks);
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
  return { registry, httpDuration, caseEvents };
}

export type Metrics = ReturnType<typeof createMetrics>;
