// The engine in the test process, without HTTP and without a child process: an EngineContext on a
// fresh SQLite file with the migrations applied, a fixed today, the test agencies (FZ, XM, SZ as
// in test/support/server.ts) and an actor of each kind, and small helpers to open a case, record
// events on it and read it back through the engine's public functions. For the engine's rules
// (test/engine/); what the HTTP layer adds is tested against the service (the `service` project).
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { caseTypeInfo } from "../../machines/index.ts";
import { closeDatabase, openDatabase, type Db } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { loadCalendar } from "../../src/server.ts";
import { defaultCatalog, pinnedCatalog } from "../../src/engine/machineCatalog.ts";
import { openCase, type OpenCaseInput } from "../../src/engine/openCase.ts";
import { advanceCase, type AdvanceInput } from "../../src/engine/advanceCase.ts";
import { loadCase } from "../../src/engine/readCase.ts";
import type { Actor, EngineContext } from "../../src/engine/context.ts";
import type { CaseWithAgencies } from "../../src/engine/types.ts";
import type { IdempotentWrite } from "../../src/engine/idempotency.ts";
import { createLogger } from "../../src/log.ts";
import { Problem } from "../../src/problems.ts";
import { attachDataKey } from "../../src/privacy/atRest.ts";
import { DataKey } from "../../src/privacy/dataKey.ts";
import { directSqlOf } from "../../src/db/client.ts";
import { appendMonths, notePeople, type NewMonth, type RecordKey } from "../../src/engine/contributions.ts";
import { AGENCIES, freshPerson, root, tempDir, TYPED_FIGURE_VERSIONS } from "./server.ts";
import { medicalEventBody, pathTo } from "./fixtures.ts";

export type AgencyCode = keyof typeof AGENCIES;
export type { Actor, CaseWithAgencies };

/** The harness's today unless told otherwise: a Friday, three weeks after National Day 2026. */
export const ENGINE_TODAY = "2026-10-30";

/** An event as the API takes it: `type`, optional `occurredOn` and `backdateReason`, the payload's fields. */
export type EventBody = { type: string } & Record<string, unknown>;

/** A case's event as stored, its payload parsed. */
export interface LoggedEvent {
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  fromState: string | null;
  toState: string;
  actorKind: string;
  actorId: number | null;
  actorName: string | null;
  occurredOn: string;
  stepDueOn: string | null;
  backdateReason: string | null;
}

export interface EngineHarness {
  ctx: EngineContext;
  db: Db;
  today: string;
  agencies: Record<AgencyCode, { id: number; code: string; name: string; region: string }>;
  /** a clerk each of FZ (out), XM (in) and SZ (other), the administrator, and an API client of XM */
  actors: { out: Actor; in: Actor; other: Actor; admin: Actor; client: Actor };
  /** Another API client (a service account) of `agency` scoped to `events`. */
  apiClient(events: string[], agency?: AgencyCode): Promise<Actor>;
  /** Opens a case through the engine (by `actor`, default the FZ clerk); see openInput for the defaults. */
  open(o?: Partial<OpenCaseInput>, actor?: Actor, idem?: IdempotentWrite): Promise<CaseWithAgencies>;
  /** Records one event through the engine; returns the case after it. */
  advance(
    actor: Actor,
    caseId: string,
    body: EventBody,
    opts?: Parameters<typeof advanceCase>[4],
  ): Promise<CaseWithAgencies>;
  /** Walks an open medical transfer along fixtures' pathTo[state] with the standard bodies. */
  walk(caseId: string, state: string, opts?: { arrearsFen?: number; on?: string }): Promise<CaseWithAgencies>;
  /** The case as stored now (the engine's loadCase). */
  read(caseId: string): Promise<CaseWithAgencies>;
  /** The case's event log, oldest first. */
  events(caseId: string): Promise<LoggedEvent[]>;
  close(): Promise<void>;
}

/**
 * The body of openCase: a medical transfer FZ → XM for a fresh person (one open case of a kind per
 * person), unless told otherwise; a single-agency type (a renewal) has `toAgency` = `fromAgency`.
 */
export function openInput(o: Partial<OpenCaseInput> = {}): OpenCaseInput {
  const type = o.type ?? "medicalTransfer";
  const fromAgency = o.fromAgency ?? "FZ";
  return {
    type,
    insured: freshPerson(),
    fromAgency,
    toAgency: caseTypeInfo(type).singleAgency ? fromAgency : "XM",
    ...o,
  };
}

/** Each month from `from` to `to` (YYYY-MM, both included), as `make` makes it. */
export function monthsFrom<T>(from: string, to: string, make: (month: string) => T): T[] {
  const out: T[] = [];
  let [y, mo] = from.split("-").map(Number) as [number, number];
  for (;;) {
    const m = `${y}-${String(mo).padStart(2, "0")}`;
    out.push(make(m));
    if (m === to) return out;
    if (++mo > 12) [y, mo] = [y + 1, 1];
  }
}

/** Appends `months` to the record `key` of the person `idNumber` (noted first, as an import does), in one transaction. */
export async function recordMonths(h: EngineHarness, key: RecordKey, idNumber: string, months: NewMonth[]) {
  await directSqlOf(h.db).transaction(async (tx) => {
    await notePeople(h.ctx, tx, [idNumber], new Date());
    await appendMonths(tx, key, months, new Date());
  });
}

/** An event body as the API takes it, split as the route does: the rest is the payload. */
export function advanceInput(body: EventBody): AdvanceInput {
  const { type, occurredOn, backdateReason, ...payload } = body;
  return { type, occurredOn, backdateReason, payload };
}

/**
 * The problem `call` was refused with, as the API would answer it (type, title, status, detail and
 * the extension fields); fails when `call` succeeds or throws anything else.
 */
export async function problemOf(call: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await call;
  } catch (e) {
    if (e instanceof Problem) return e.toJSON();
    throw e;
  }
  throw new Error("expected a refusal (a Problem), and the call succeeded");
}

/**
 * A migrated database file to copy: `prisma migrate deploy` takes seconds (a child process), so it
 * runs once per set of migrations, into a file named by their hash; the rename makes it appear
 * complete or not at all when two test workers make it at once.
 */
async function migratedTemplate(): Promise<string> {
  const dir = path.join(root, "prisma", "migrations");
  const hash = createHash("sha256");
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (fs.existsSync(file)) hash.update(name).update(fs.readFileSync(file));
  }
  const template = path.join(os.tmpdir(), `tracker-engine-template-${hash.digest("hex").slice(0, 16)}.db`);
  if (fs.existsSync(template)) return template;
  const scratch = path.join(tempDir("tracker-engine-migrate-"), "tracker.db");
  await applyMigrations(`file:${scratch}`);
  fs.renameSync(scratch, template);
  fs.rmSync(path.dirname(scratch), { recursive: true, force: true });
  return template;
}

async function createActors(db: Db, agencies: EngineHarness["agencies"]) {
  const staff = async (username: string, code: AgencyCode): Promise<Actor> => {
    const u = await db.user.create({
      data: { username, passwordHash: "not used", role: "staff", agencyId: agencies[code].id },
    });
    return { kind: "staff", userId: u.id, username, agencyId: agencies[code].id };
  };
  const admin = await db.user.create({ data: { username: "root-admin", passwordHash: "not used", role: "admin" } });
  return {
    out: await staff("fz-clerk", "FZ"),
    in: await staff("xm-clerk", "XM"),
    other: await staff("sz-clerk", "SZ"),
    admin: { kind: "admin", userId: admin.id, username: admin.username, agencyId: null } satisfies Actor,
  };
}

/**
 * The engine on a fresh database: `beforeAll(async () => (h = await startEngine()))` and
 * `afterAll(() => h.close())`. `backdateReasonAfterWorkingDays` is 100 000 unless told otherwise,
 * as in the service tests (acts dated months back need no reason).
 */
export async function startEngine(
  opts: { today?: string; backdateReasonAfterWorkingDays?: number; latestVersions?: boolean } = {},
): Promise<EngineHarness> {
  const dir = tempDir("tracker-engine-");
  const file = path.join(dir, "tracker.db");
  fs.copyFileSync(await migratedTemplate(), file);
  const db = await openDatabase(`file:${file}`);
  attachDataKey(db, DataKey.generate("test").key);
  const today = opts.today ?? ENGINE_TODAY;
  const ctx: EngineContext = {
    db,
    calendar: await loadCalendar(db),
    // new medical transfers on version 2 (typed figures), as in the service tests (TYPED_FIGURE_VERSIONS),
    // unless the test reads certificates from records (`latestVersions`)
    machines: opts.latestVersions ? defaultCatalog : pinnedCatalog(defaultCatalog, TYPED_FIGURE_VERSIONS),
    today: () => today,
    log: createLogger("silent"),
    backdateReasonAfterWorkingDays: opts.backdateReasonAfterWorkingDays ?? 100_000,
  };
  const agencies = {} as EngineHarness["agencies"];
  for (const code of Object.keys(AGENCIES) as AgencyCode[]) {
    const a = await db.agency.create({ data: { ...AGENCIES[code] } });
    agencies[code] = { id: a.id, code: a.code, name: a.name, region: a.region };
  }
  let clients = 0;
  const apiClient = async (events: string[], agency: AgencyCode = "XM"): Promise<Actor> => {
    const name = `platform-${++clients}`;
    const row = await db.apiClient.create({
      data: { name, agencyId: agencies[agency].id, events: JSON.stringify(events), keySalt: "00", keyHash: "00" },
    });
    return { kind: "client", userId: row.id, username: name, agencyId: row.agencyId, events };
  };
  // the national platform: files online applications at XM and opens cases there
  const actors = { ...(await createActors(db, agencies)), client: await apiClient(["CASE_OPENED", "APPLY_ONLINE"]) };

  const advance: EngineHarness["advance"] = async (actor, caseId, body, o) =>
    (await advanceCase(ctx, actor, caseId, advanceInput(body), o)).case;
  return {
    ctx,
    db,
    today,
    agencies,
    actors,
    apiClient,
    open: (o, actor = actors.out, idem) => openCase(ctx, actor, openInput(o), idem),
    advance,
    async walk(caseId, state, o = {}) {
      let c = await loadCase(ctx, caseId);
      for (const step of pathTo[state]) {
        const body = { ...medicalEventBody(step.type, o.arrearsFen ?? 0), ...(o.on ? { occurredOn: o.on } : {}) };
        c = await advance(actors[step.by], caseId, body as EventBody);
      }
      return c;
    },
    read: (caseId) => loadCase(ctx, caseId),
    async events(caseId) {
      const rows = await db.caseEvent.findMany({ where: { caseId }, orderBy: { seq: "asc" } });
      return rows.map((r) => ({
        seq: r.seq,
        type: r.type,
        payload: JSON.parse(r.payload) as Record<string, unknown>,
        fromState: r.fromState,
        toState: r.toState,
        actorKind: r.actorKind,
        actorId: r.actorId,
        actorName: r.actorName,
        occurredOn: r.occurredOn,
        stepDueOn: r.stepDueOn,
        backdateReason: r.backdateReason,
      }));
    },
    async close() {
      await closeDatabase(db);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
