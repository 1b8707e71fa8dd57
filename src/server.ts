// Starting the service: configuration, migrations, database, calendar, first administrator,
// then the HTTP server. `npm start` runs this through src/main.ts.
import fs from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { ConfigError, loadConfig, type Config } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { checkpointerOf, closeDatabase, openDatabase, sqliteFilePath, type Db } from "./db/client.ts";
import { applyMigrations, isPostgresUrl } from "./db/migrate.ts";
import { WorkingCalendar, chinaToday, type YearSchedule } from "./calendar/index.ts";
import { hashPassword, generatePassword, passwordWeakness } from "./auth/passwords.ts";
import { TokenService, resolveTokenSecret } from "./auth/tokens.ts";
import { defaultCatalog, pinnedCatalog } from "./engine/machineCatalog.ts";
import type { EngineContext, MachineCatalog } from "./engine/context.ts";
import { answerClientError, createApp } from "./api/app.ts";
import { createMetrics } from "./api/metrics.ts";
import { recordedEvents } from "./engine/eventTally.ts";
import { storeFor } from "./engine/store.ts";
import { startJobs } from "./jobs/index.ts";
import { DataKeyError, loadDataKey, type DataKey } from "./privacy/dataKey.ts";
import { attachDataKey, checkDataKey, encryptPlaintextRows } from "./privacy/atRest.ts";
import { syncOpenEnrolments } from "./engine/parties.ts";

/**
 * A relative `file:` URL made absolute against the working directory, so child tools agree on the
 * file. PostgreSQL URLs pass through unchanged.
 */
export function absoluteSqliteUrl(url: string): string {
  if (isPostgresUrl(url)) return url;
  const file = sqliteFilePath(url);
  const query = url.includes("?") ? url.slice(url.indexOf("?")) : "";
  return `file:${path.resolve(file)}${query}`;
}

/** The bundled official calendar with the years administrators published on top. */
export async function loadCalendar(db: Db): Promise<WorkingCalendar> {
  const calendar = WorkingCalendar.official();
  for (const row of await db.calendarYear.findMany({ orderBy: { year: "asc" } })) {
    const s: YearSchedule = { year: row.year, holidays: JSON.parse(row.holidays), workdays: JSON.parse(row.workdays) };
    calendar.publish(s);
  }
  return calendar;
}

/** Creates the first administrator when there is none; prints a generated password once. */
export async function ensureAdministrator(db: Db, config: Config, log: Logger, print: (line: string) => void) {
  if (await db.user.findFirst({ where: { role: "admin" } })) return;
  // A common or blank first-administrator password is a configuration error: nothing is created.
  const weak = config.ADMIN_PASSWORD === undefined ? undefined : await passwordWeakness(config.ADMIN_PASSWORD);
  if (weak) throw new ConfigError([`ADMIN_PASSWORD ${weak}`]);
  const username = config.ADMIN_USERNAME ?? "admin";
  const password = config.ADMIN_PASSWORD ?? generatePassword();
  await db.user.create({ data: { username, passwordHash: await hashPassword(password), role: "admin" } });
  log.info({ username }, "first administrator created");
  if (!config.ADMIN_PASSWORD) {
    // Deliberately outside the structured log: shown once on the console, never stored in clear.
    print(
      `\nFirst administrator created.\n  username: ${username}\n  password: ${password}\nThis password is shown only once. Log in and create staff accounts at /docs.\n`,
    );
  }
}

/** The installed machines, new cases of some types pinned by NEW_CASE_VERSIONS: an unknown one is a configuration error. */
function newCaseCatalog(pins: string): MachineCatalog {
  try {
    return pinnedCatalog(defaultCatalog, pins);
  } catch (e) {
    throw new ConfigError([(e as Error).message]);
  }
}

export interface RunningServer {
  url: string;
  ctx: EngineContext;
  close: () => Promise<void>;
}

export async function startServer(
  env: NodeJS.ProcessEnv = process.env,
  options: { machines?: MachineCatalog; today?: () => string; print?: (line: string) => void; log?: Logger } = {},
): Promise<RunningServer> {
  const config = loadConfig(env);
  // checked before anything is written: an unknown type or version stops the start
  const machines = options.machines ?? newCaseCatalog(config.NEW_CASE_VERSIONS);
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const databaseUrl = absoluteSqliteUrl(config.DATABASE_URL);
  await applyMigrations(databaseUrl);
  const db = await openDatabase(databaseUrl, {
    backgroundCheckpoints: { onError: (message) => log.error({ message }, "background WAL checkpoint failed") },
  });
  const dataKey = await unlockPersonalData(db, { ...config, DATABASE_URL: databaseUrl }, log);
  const calendar = await loadCalendar(db);
  await ensureAdministrator(db, config, log, options.print ?? ((l) => process.stdout.write(l + "\n")));
  const tokens = new TokenService(await resolveTokenSecret(db, config.TOKEN_SECRET, dataKey), config.TOKEN_TTL_MINUTES);
  const ctx: EngineContext = {
    db,
    calendar,
    machines,
    today: options.today ?? (config.TRACKER_TODAY ? () => config.TRACKER_TODAY! : () => chinaToday()),
    log,
    backdateReasonAfterWorkingDays: config.BACKDATE_REASON_AFTER_WORKING_DAYS,
  };
  if (config.TRACKER_TODAY && !options.today)
    log.warn({ today: config.TRACKER_TODAY }, "TRACKER_TODAY fixes today's date (tests and training only)");
  const checkpointer = checkpointerOf(db);
  const metrics = createMetrics({
    writeStats: () => storeFor(db).writer.stats,
    checkpointStats: checkpointer && (() => checkpointer.stats),
    recordedEvents: () => recordedEvents(db),
  });
  const { server, url } = await listen(createApp({ ctx, config, tokens, metrics }), config);
  log.info({ url, database: isPostgresUrl(databaseUrl) ? "postgresql" : "sqlite" }, "listening");
  // Deadline sweeper and webhook delivery (src/jobs, src/notifications); after listening so a
  // slow first sweep never delays the service.
  const jobs = config.JOBS === "on" ? startJobs(ctx, config) : undefined;
  return {
    url,
    ctx,
    close: async () => {
      await jobs?.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await closeDatabase(db);
    },
  };
}

/**
 * Personal data at rest (docs/personal-data.md): the key is this database's, or the service stops
 * (and the database is closed). Rows written in clear before encryption are encrypted now. The
 * commands that write personal data (seed:demo) unlock the database the same way.
 */
export async function unlockPersonalData(db: Db, config: Config, log: Logger): Promise<DataKey> {
  let dataKey: DataKey;
  let created: string | undefined;
  try {
    const loaded = loadDataKey(config);
    dataKey = loaded.key;
    created = loaded.created;
    attachDataKey(db, dataKey);
    await checkDataKey(db, dataKey);
    const encrypted = await encryptPlaintextRows(db, dataKey);
    if (encrypted > 0) {
      log.info({ cases: encrypted }, "personal data of existing cases encrypted");
      // their blind indexes exist now: their open enrolments can be recorded (src/engine/parties.ts)
      await syncOpenEnrolments(db);
    }
  } catch (e) {
    await closeDatabase(db);
    if (created && e instanceof DataKeyError) {
      // A database whose data is already encrypted, and no key: a new key cannot help. Say what is
      // missing, and leave no useless key file behind.
      fs.rmSync(created, { force: true });
      throw new DataKeyError(
        `There is no data key at ${created} (DATA_KEY_FILE), and this database's personal data is encrypted: ` +
          "restore the key file from its backup (or set DATA_KEY). See docs/personal-data.md.",
      );
    }
    throw e;
  }
  if (created) log.warn({ file: created }, "data key file created: back it up separately from the database");
  return dataKey;
}

/** Starts the HTTP server on the configured port and host; resolves once it is listening. */
async function listen(app: ReturnType<typeof createApp>, config: Config): Promise<{ server: Server; url: string }> {
  const server = app.listen(config.PORT, config.HOST);
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST === "0.0.0.0" ? "127.0.0.1" : config.HOST}:${port}`;
  return { server, url };
}
