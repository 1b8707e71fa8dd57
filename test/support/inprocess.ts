// The service assembled in the test process (as src/server.ts does) on a database connection
// that records every SQL statement it runs: for tests that compare what two requests do; and an
// engine context on a service's database, for tests that run a job or the engine beside it.
import path from "node:path";
import type { AddressInfo } from "node:net";
import { openDatabase } from "../../src/db/client.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { ensureAdministrator, loadCalendar } from "../../src/server.ts";
import { TokenService, resolveTokenSecret } from "../../src/auth/tokens.ts";
import { defaultCatalog, pinnedCatalog } from "../../src/engine/machineCatalog.ts";
import { chinaToday } from "../../src/calendar/index.ts";
import { answerClientError, createApp } from "../../src/api/app.ts";
import { createMetrics } from "../../src/api/metrics.ts";
import type { EngineContext } from "../../src/engine/context.ts";
import type { Db } from "../../src/db/client.ts";
import { ADMIN, refuseInUnitProject, TYPED_FIGURE_VERSIONS } from "./server.ts";

/**
 * An engine context on `db` ("another node" of the service under test) whose today is `today`:
 * the calendar as stored, the default machines, a silent log, and backdating allowed as in the
 * service under test (test/support/server.ts).
 */
export async function engineContext(db: Db, today: string): Promise<EngineContext> {
  return {
    db,
    calendar: await loadCalendar(db),
    // as the service under test (startService): new transfers on the typed-figure versions
    machines: pinnedCatalog(defaultCatalog, TYPED_FIGURE_VERSIONS),
    today: () => today,
    log: createLogger("silent"),
    backdateReasonAfterWorkingDays: 100_000,
  };
}

export async function startTracedService(dir: string) {
  refuseInUnitProject("startTracedService");
  const databaseUrl = `file:${path.join(dir, "traced.db")}`;
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: "silent",
    STATUS_RATE_LIMIT_PER_MINUTE: "100000",
    LOGIN_RATE_LIMIT_PER_MINUTE: "100000",
    SEARCH_RATE_LIMIT_PER_MINUTE: "100000",
    STATUS_FAILURES_PER_CASE_PER_HOUR: "100000",
    BACKDATE_REASON_AFTER_WORKING_DAYS: process.env.BACKDATE_REASON_AFTER_WORKING_DAYS ?? "100000",
  });
  await applyMigrations(databaseUrl);
  const statements: string[] = [];
  let recording = false;
  const db = await openDatabase(databaseUrl, {
    sqliteVerbose: (sql: unknown) => {
      if (recording) statements.push(String(sql));
    },
  });
  const log = createLogger("silent");
  const calendar = await loadCalendar(db);
  await ensureAdministrator(db, config, log, () => {});
  const tokens = new TokenService(await resolveTokenSecret(db, config.TOKEN_SECRET), config.TOKEN_TTL_MINUTES);
  const ctx: EngineContext = {
    db,
    calendar,
    machines: pinnedCatalog(defaultCatalog, TYPED_FIGURE_VERSIONS),
    today: () => chinaToday(),
    log,
    backdateReasonAfterWorkingDays: config.BACKDATE_REASON_AFTER_WORKING_DAYS,
  };
  const app = createApp({ ctx, config, tokens, metrics: createMetrics() });
  const server = app.listen(0, "127.0.0.1");
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    ctx,
    /** the SQL statements (values replaced by ?) that `fn` caused */
    async trace(fn: () => Promise<unknown>): Promise<string[]> {
      statements.length = 0;
      recording = true;
      try {
        await fn();
      } finally {
        recording = false;
      }
      return statements.map((s) => s.replace(/'(?:[^']|'')*'/g, "?").replace(/\b\d+(\.\d+)?\b/g, "?"));
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await db.$disconnect();
    },
  };
}
