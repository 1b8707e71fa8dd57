// Service configuration from the environment, validated once at start so a bad value
// stops the service with a message naming the variable, instead of failing later.
import { z } from "zod";
import { isChinaDate } from "./calendar/dates.ts";
import { parseNetworks } from "./notifications/destinations.ts";

const intFrom = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const envSchema = z.object({
  PORT: intFrom("PORT", 0, 65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .refine(
      (u) => u.startsWith("file:") || /^postgres(ql)?:\/\/\S+$/.test(u),
      "DATABASE_URL must be a SQLite file URL such as file:./data/tracker.db or a PostgreSQL URL such as postgresql://user@host:5432/db",
    )
    .default("file:./data/tracker.db"),
  ADMIN_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,64}$/, "ADMIN_USERNAME must be 3-64 letters, digits, _ . or -")
    .optional(),
  ADMIN_PASSWORD: z.string().min(12, "ADMIN_PASSWORD must be at least 12 characters").max(256).optional(),
  TOKEN_SECRET: z.string().min(32, "TOKEN_SECRET must be at least 32 characters").optional(),
  TOKEN_TTL_MINUTES: intFrom("TOKEN_TTL_MINUTES", 1, 7 * 24 * 60).default(480),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  STATUS_RATE_LIMIT_PER_MINUTE: intFrom("STATUS_RATE_LIMIT_PER_MINUTE", 1, 100000).default(30),
  LOGIN_RATE_LIMIT_PER_MINUTE: intFrom("LOGIN_RATE_LIMIT_PER_MINUTE", 1, 100000).default(10),
  // Personal data at rest (docs/personal-data.md)
  DATA_KEY: z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/]{43}=$/.test(v.trim()),
      "DATA_KEY must be the base64 of 32 random bytes (e.g. openssl rand -base64 32)",
    )
    .optional(),
  DATA_KEY_FILE: z.string().min(1).optional(),
  SEARCH_RATE_LIMIT_PER_MINUTE: intFrom("SEARCH_RATE_LIMIT_PER_MINUTE", 1, 100000).default(60),
  // Benchmark only (docs/performance.md, scenario 6): POST /api/bench/safeguarded-noop answers a
  // constant behind exactly the middleware the status lookup passes. Never on unless set to "on".
  BENCH_SAFEGUARDED_NOOP: z.enum(["on", "off"], "BENCH_SAFEGUARDED_NOOP must be on or off").default("off"),
  // How far V8 lets the heap grow past what the last full collection kept, in percent (docs/performance.md,
  // "Memory"); 0 leaves it to V8, which lets a busy service's heap reach four to five times its live data.
  HEAP_GROWING_PERCENT: intFrom("HEAP_GROWING_PERCENT", 0, 1000).default(100),
  STATUS_FAILURES_PER_CASE_PER_HOUR: intFrom("STATUS_FAILURES_PER_CASE_PER_HOUR", 1, 100000).default(10),
  TRUST_PROXY: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  // Deadlines, notifications and reports (README: "Deadlines, notifications and reports")
  JOBS: z.enum(["on", "off"], "JOBS must be on or off").default("on"),
  // The machine version new cases of a type open on, when not the latest (docs/operations.md): e.g.
  // an agency that has not imported its contribution records yet keeps the typed certificates of the
  // transfers' version 2 ("<type>=2,<type>=2"). Checked against the installed versions at start.
  NEW_CASE_VERSIONS: z
    .string()
    .regex(
      /^\s*([A-Za-z]+\s*=\s*\d+\s*(,\s*[A-Za-z]+\s*=\s*\d+\s*)*)?$/,
      "NEW_CASE_VERSIONS must be a list of caseType=version separated by commas (GET /api/machines lists the types)",
    )
    .default(""),
  SWEEP_INTERVAL_MS: intFrom("SWEEP_INTERVAL_MS", 100, 60_000).default(60_000),
  DUE_SOON_WORKING_DAYS: intFrom("DUE_SOON_WORKING_DAYS", 0, 30).default(3),
  TRACKER_TODAY: z.string().refine(isChinaDate, "TRACKER_TODAY must be a real date written YYYY-MM-DD").optional(),
  WEBHOOK_POLL_MS: intFrom("WEBHOOK_POLL_MS", 50, 60_000).default(2_000),
  WEBHOOK_TIMEOUT_MS: intFrom("WEBHOOK_TIMEOUT_MS", 100, 120_000).default(10_000),
  WEBHOOK_RETRY_BASE_MS: intFrom("WEBHOOK_RETRY_BASE_MS", 10, 3_600_000).default(30_000),
  WEBHOOK_RETRY_MAX_MS: intFrom("WEBHOOK_RETRY_MAX_MS", 10, 86_400_000).default(3 * 3_600_000),
  WEBHOOK_MAX_ATTEMPTS: intFrom("WEBHOOK_MAX_ATTEMPTS", 1, 100).default(17),
  // docs/webhooks.md "Slots": one webhook uses at most PER_WEBHOOK of the process's slots
  WEBHOOK_CONCURRENCY: intFrom("WEBHOOK_CONCURRENCY", 1, 64).default(8),
  WEBHOOK_CONCURRENCY_PER_WEBHOOK: intFrom("WEBHOOK_CONCURRENCY_PER_WEBHOOK", 1, 64).default(4),
  // docs/webhooks.md: special networks (loopback, private, link-local …) a webhook may reach
  WEBHOOK_ALLOWED_NETWORKS: z
    .string()
    .default("")
    .transform((v, issue) => {
      try {
        return parseNetworks(v);
      } catch (e) {
        issue.addIssue({
          code: "custom",
          message: `WEBHOOK_ALLOWED_NETWORKS: ${(e as Error).message} (comma-separated CIDRs, e.g. 10.20.0.0/16,fd00::/8)`,
        });
        return z.NEVER;
      }
    }),
  // Retention (docs/webhooks.md): the purge job
  DELIVERY_RETENTION_DAYS: intFrom("DELIVERY_RETENTION_DAYS", 1, 3650).default(30),
  IDEMPOTENCY_RETENTION_HOURS: intFrom("IDEMPOTENCY_RETENTION_HOURS", 1, 24 * 3650).default(24),
  PURGE_INTERVAL_MS: intFrom("PURGE_INTERVAL_MS", 100, 86_400_000).default(3_600_000),
  // /metrics answers loopback clients, and anyone presenting this as a bearer token
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").max(256).optional(),
  // Documents (docs/documents.md): the address printed on documents (verification QR code, status page)
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "PUBLIC_URL must be an http(s) address such as https://si.example.gov.cn" })
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  // Limits (docs/limits.md)
  BACKDATE_REASON_AFTER_WORKING_DAYS: intFrom("BACKDATE_REASON_AFTER_WORKING_DAYS", 0, 100_000).default(3),
  // Batch filing (docs/import.md): the largest file, the most rows, and up to how many rows an
  // upload is answered when done (more: 202, a job polled at GET /api/case-imports/{id})
  IMPORT_MAX_BYTES: intFrom("IMPORT_MAX_BYTES", 1024, 50 * 1024 * 1024).default(2 * 1024 * 1024),
  IMPORT_MAX_ROWS: intFrom("IMPORT_MAX_ROWS", 1, 100_000).default(5000),
  IMPORT_SYNC_MAX_ROWS: intFrom("IMPORT_SYNC_MAX_ROWS", 0, 100_000).default(100),
  // importing contribution records (docs/contributions.md): a file of up to 100,000 month rows
  CONTRIBUTION_IMPORT_MAX_BYTES: intFrom("CONTRIBUTION_IMPORT_MAX_BYTES", 1024, 256 * 1024 * 1024).default(
    32 * 1024 * 1024,
  ),
  CONTRIBUTION_IMPORT_MAX_ROWS: intFrom("CONTRIBUTION_IMPORT_MAX_ROWS", 1, 1_000_000).default(100_000),
  CONTRIBUTION_IMPORT_SYNC_MAX_ROWS: intFrom("CONTRIBUTION_IMPORT_SYNC_MAX_ROWS", 0, 100_000).default(1000),
  // the largest attachment accepted (bytes; docs/clerk-tools.md), 10 MB by default
  ATTACHMENT_MAX_BYTES: intFrom("ATTACHMENT_MAX_BYTES", 1024, 50 * 1024 * 1024).default(10 * 1024 * 1024),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  if ((parsed.data.ADMIN_USERNAME === undefined) !== (parsed.data.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(["ADMIN_USERNAME and ADMIN_PASSWORD must be set together"]);
  }
  if (parsed.data.TRACKER_TODAY !== undefined && present.NODE_ENV === "production") {
    // A fixed clock would silently stop deadlines from passing: tests and training only.
    throw new ConfigError([
      "TRACKER_TODAY fixes the service's date for tests and training; it is refused when NODE_ENV=production",
    ]);
  }
  if (parsed.data.WEBHOOK_RETRY_MAX_MS < parsed.data.WEBHOOK_RETRY_BASE_MS) {
    throw new ConfigError(["WEBHOOK_RETRY_MAX_MS must not be below WEBHOOK_RETRY_BASE_MS"]);
  }
  return parsed.data;
}
