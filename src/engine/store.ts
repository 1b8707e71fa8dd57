// The hot path's data access: batched reads and group-committed writes, as hand-written SQL on
// the PrismaClient's own driver adapter (src/db/direct.ts; the ORM's per-call cost is the limit
// here, not SQLite; see docs/performance.md).
//
// Reads: requests that arrive in the same turn of the event loop share one query (DataLoader,
// no caching: every request sees the database as it is).
// Writes: advances that arrive while a transaction is committing wait for it and then commit
// together, in ONE transaction of a few multi-row statements. Each advance keeps its own
// guarantees: its case row is updated only if the version is still the one it read, its event,
// outbox message (both written by ./eventLog.ts) and idempotency record are written only if that
// update happened, and a duplicate idempotency key stops it before anything is changed.
// The SQL is standard (CTE + UPDATE … FROM … RETURNING, INSERT … ON CONFLICT DO NOTHING) and runs
// on SQLite ≥ 3.35 and PostgreSQL alike; parameters are cast so PostgreSQL knows their types.
import DataLoader from "dataloader";
import { Prisma } from "../generated/prisma/client.ts";
import type { Agency, Case, CaseEvent, User } from "../generated/prisma/client.ts";
import { directSqlOf, type Db } from "../db/client.ts";
import type { DirectQueryable } from "../db/direct.ts";
import type { MessageInput } from "../notifications/outbox.ts";
import type { CaseWithAgencies } from "./types.ts";
import { appendCaseEvents, caseEventsCommitted, type CaseEventRow } from "./eventLog.ts";
import { DataKey } from "../privacy/dataKey.ts";
import { releaseEnrolments } from "./enrolments.ts";
import { appendMonths } from "./contributions.ts";
import type { RecordAppend } from "./recordEffects.ts";

const nextTurn = (cb: () => void) => setImmediate(cb);

// ------------------------------------------------------------------ reads

const caseFields = [
  "id",
  "caseNumber",
  "type",
  "machineVersion",
  "state",
  "snapshot",
  "version",
  "actingSide",
  "fromAgencyId",
  "toAgencyId",
  "insuredName",
  "insuredIdNumber",
  "stepStartedOn",
  "stepDueOn",
  "stepSeq",
  "overallStartedOn",
  "dueOn",
  "nextDueOn",
  "provisional",
  "final",
  "openedOn",
  "lastOccurredOn",
  "fromAssigneeId",
  "toAssigneeId",
  "insurance",
  "scheme",
  "toScheme",
  "employerName",
  "employerCreditCode",
  "createdAt",
  "updatedAt",
  // the blind indexes (src/privacy/dataKey.ts): nothing shows them, the search and status lookup compare them
  "insuredIdIndex",
  "insuredNamePrefix1",
  "insuredNamePrefix2",
  "insuredNamePrefix3",
  "insuredNamePrefix4",
] as const satisfies readonly (keyof Case)[];
// every column of the model, so a new one is not silently missing from the hot path's reads
const allCaseFieldsListed: [Exclude<keyof Case, (typeof caseFields)[number]>] extends [never] ? true : never = true;
void allCaseFieldsListed;

const agencyFields = [
  "id",
  "code",
  "name",
  "region",
  "limits",
  "requireDocuments",
  "insurances",
  "createdAt",
] as const satisfies readonly (keyof Agency)[];
/** A case row and both its agencies, from `"Case" c ${withAgencies}` (read back with toCase). */
export const caseColumns = Prisma.raw(
  [
    ...caseFields.map((f) => `c."${f}"`),
    ...agencyFields.flatMap((f) => [`f."${f}" AS "f_${f}"`, `t."${f}" AS "t_${f}"`]),
  ].join(", "),
);
/** The joins caseColumns reads the agencies from. */
export const withAgencies = Prisma.sql`JOIN "Agency" f ON f."id" = c."fromAgencyId" JOIN "Agency" t ON t."id" = c."toAgencyId"`;

export function toCase(row: Record<string, unknown>): CaseWithAgencies {
  const agency = (p: "f" | "t") => {
    const a = {} as Record<string, unknown>;
    for (const k of agencyFields) a[k] = row[`${p}_${k}`];
    return a as Agency;
  };
  const c = {} as Record<string, unknown>;
  for (const k of caseFields) c[k] = row[k];
  return { ...(c as Case), fromAgency: agency("f"), toAgency: agency("t") };
}

/**
 * The case columns a status lookup answers from (src/api/caseViews.ts statusView). The name and ID
 * number are ciphertext; the view decrypts them to show them masked.
 */
const statusCaseFields = [
  "caseNumber",
  "type",
  "machineVersion",
  "state",
  "insuredName",
  "insuredIdNumber",
  "stepDueOn",
  "dueOn",
  "provisional",
  "final",
  "scheme",
  "toScheme",
] as const satisfies readonly (keyof Case)[];
const statusColumns = Prisma.raw(
  [
    ...statusCaseFields.map((f) => `c."${f}"`),
    `f."name" AS "f_name"`,
    `f."region" AS "f_region"`,
    `t."name" AS "t_name"`,
    `t."region" AS "t_region"`,
    `e."type" AS "e_type"`,
    `e."occurredOn" AS "e_occurredOn"`,
    `e."toState" AS "e_toState"`,
  ].join(", "),
);

export type StatusSource = Pick<Case, (typeof statusCaseFields)[number]> & {
  fromAgency: Pick<Agency, "name" | "region">;
  toAgency: Pick<Agency, "name" | "region">;
  /** the case's events, oldest first */
  timeline: Pick<CaseEvent, "type" | "occurredOn" | "toState">[];
};

type StatusRow = Pick<Case, (typeof statusCaseFields)[number]> & {
  f_name: string;
  f_region: string;
  t_name: string;
  t_region: string;
  // null only if the case had no event, which the engine never leaves (creation is one)
  e_type: string | null;
  e_occurredOn: string | null;
  e_toState: string | null;
};

function toStatusSource(r: StatusRow): StatusSource {
  const c = {} as Record<string, unknown>;
  for (const k of statusCaseFields) c[k] = r[k];
  return {
    ...(c as Pick<Case, (typeof statusCaseFields)[number]>),
    fromAgency: { name: r.f_name, region: r.f_region },
    toAgency: { name: r.t_name, region: r.t_region },
    timeline: [],
  };
}

export function createLoaders(db: Db) {
  const sql = directSqlOf(db);
  const byKey = <K extends string | number, V>(load: (keys: readonly K[]) => Promise<V[]>, keyOf: (v: V) => K) =>
    new DataLoader<K, V | undefined>(
      async (keys) => {
        const found = new Map((await load(keys)).map((v) => [keyOf(v), v]));
        return keys.map((k) => found.get(k));
      },
      { cache: false, batchScheduleFn: nextTurn, maxBatchSize: 200 },
    );

  /** Cases with both agencies, in one query, by one of the case's unique columns. */
  const casesWhere = async (column: Prisma.Sql, values: readonly string[]) =>
    (
      await sql.query<Record<string, unknown>>(Prisma.sql`SELECT ${caseColumns} FROM "Case" c ${withAgencies}
        WHERE ${column} IN (${Prisma.join(values)})`)
    ).map(toCase);

  return {
    caseById: byKey<string, CaseWithAgencies>(
      (ids) => casesWhere(Prisma.sql`c."id"`, ids),
      (c) => c.id,
    ),
    userById: byKey<number, Pick<User, "id" | "username" | "role" | "agencyId" | "disabled" | "tokenVersion">>(
      (ids) =>
        sql.query(
          Prisma.sql`SELECT "id", "username", "role", "agencyId", "disabled", "tokenVersion" FROM "User" WHERE "id" IN (${Prisma.join(ids)})`,
        ),
      (u) => u.id,
    ),
    /** Tokens ended by logout, among the ones presented in this turn of the event loop. */
    revokedToken: byKey<string, { jti: string }>(
      (jtis) => sql.query(Prisma.sql`SELECT "jti" FROM "RevokedToken" WHERE "jti" IN (${Prisma.join(jtis)})`),
      (r) => r.jti,
    ),
    /**
     * What an insured person's status lookup shows of a case, in one statement: the case's own
     * columns that the answer needs, its agencies' names and its events' timeline (one row per
     * event, oldest first). Nothing else is read for a request that anyone can send.
     *
     * The key is the case number and the blind index of the ID number given (DataKey.idIndex):
     * the ID check is part of the statement's WHERE, so the events are read only for a case whose
     * number and ID number both match; a wrong ID number and an unknown case number run the same
     * statement and read no event.
     */
    statusByNumber: new DataLoader<{ caseNumber: string; idIndex: string }, StatusSource | undefined, string>(
      async (lookups) => {
        const rows = await sql.query<
          StatusRow & { insuredIdIndex: string }
        >(Prisma.sql`SELECT ${statusColumns}, c."insuredIdIndex" FROM "Case" c ${withAgencies}
          LEFT JOIN "CaseEvent" e ON e."caseId" = c."id"
          WHERE c."caseNumber" IN (${Prisma.join(lookups.map((l) => l.caseNumber))})
            AND c."insuredIdIndex" IN (${Prisma.join(lookups.map((l) => l.idIndex))})
          ORDER BY c."caseNumber", e."seq"`);
        const byNumber = new Map<string, StatusSource & { idIndex: string }>();
        for (const r of rows) {
          let c = byNumber.get(r.caseNumber);
          if (!c) byNumber.set(r.caseNumber, (c = { ...toStatusSource(r), idIndex: r.insuredIdIndex }));
          if (r.e_type !== null)
            c.timeline.push({ type: r.e_type, occurredOn: r.e_occurredOn!, toState: r.e_toState! });
        }
        // Two lookups in one batch may have brought a case for each other's index: each lookup
        // gets a case only when its own index matches that case's (compared in constant time).
        return lookups.map((l) => {
          const c = byNumber.get(l.caseNumber);
          if (!c || !DataKey.sameIndex(c.idIndex, l.idIndex)) return undefined;
          const { idIndex: _, ...source } = c;
          return source;
        });
      },
      {
        cache: false,
        batchScheduleFn: nextTurn,
        maxBatchSize: 100,
        cacheKeyFn: (l) => `${l.caseNumber}\u0000${l.idIndex}`,
      },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

// ------------------------------------------------------------------ writes

export interface CaseWrite {
  caseId: string;
  /** the case's type, for the events-recorded metric */
  caseType: string;
  expectedVersion: number;
  /**
   * true when the indexed columns keep the values read at `expectedVersion` (see
   * indexedUnchanged()): the update then leaves them out, and the version check guarantees they
   * still hold those values
   */
  indexedUnchanged: boolean;
  data: {
    state: string;
    snapshot: string;
    version: number;
    actingSide: string;
    stepStartedOn: string | null;
    stepDueOn: string | null;
    stepSeq: number | null;
    overallStartedOn: string | null;
    dueOn: string | null;
    nextDueOn: string | null;
    provisional: boolean;
    final: boolean;
    lastOccurredOn: string;
  };
  /** the event the advance appends (seq = data.version), written by ./eventLog.ts */
  event: CaseEventRow;
  /** the outbox messages reporting it */
  messages: MessageInput[];
  /** the months the event adds to contribution records (./recordEffects.ts), appended with it */
  records?: RecordAppend[];
  idempotency?: { scope: string; key: string; fingerprint: string; status: number; body: string };
}

/** committed; conflict: the version moved (or another advance in the batch took the case first); duplicate: the idempotency key was already used */
export type WriteOutcome = "committed" | "conflict" | "duplicate";

interface Pending {
  write: CaseWrite;
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
}

const text = (v: string | null) => Prisma.sql`CAST(${v} AS TEXT)`;
const int = (v: number | null) => Prisma.sql`CAST(${v} AS INTEGER)`;
const bool = (v: boolean) => Prisma.sql`CAST(${v} AS BOOLEAN)`;

type CaseData = CaseWrite["data"];
const column = <K extends keyof CaseData>(name: K, cast: (v: CaseData[K]) => Prisma.Sql) => ({
  name,
  value: (d: CaseData) => cast(d[name]),
});
type Column = ReturnType<typeof column>;

/** The case columns an advance writes (besides the version check's id and expected version). */
const caseDataColumns: Column[] = [
  column("state", text),
  column("snapshot", text),
  column("version", int),
  column("actingSide", text),
  column("stepStartedOn", text),
  column("stepDueOn", text),
  column("stepSeq", int),
  column("overallStartedOn", text),
  column("dueOn", text),
  column("nextDueOn", text),
  column("provisional", bool),
  column("final", bool),
  column("lastOccurredOn", text),
];

// An indexed column in a SET list costs an index rewrite even when its value stays the same
// (measured at 1,000,000 cases: about 15 times the cost of the rest of the update), so a write
// that keeps all of them (a self-transition, say) leaves them out of its statement.
const indexedColumns = [
  "state",
  "actingSide",
  "stepDueOn",
  "nextDueOn",
  "final",
] as const satisfies readonly (keyof CaseData)[];
const unindexedColumns = caseDataColumns.filter((c) => !(indexedColumns as readonly string[]).includes(c.name));

/** Whether `data` keeps every indexed column of the case as read (CaseWrite.indexedUnchanged). */
export function indexedUnchanged(before: Pick<Case, (typeof indexedColumns)[number]>, data: CaseData): boolean {
  return indexedColumns.every((k) => before[k] === data[k]);
}

/** One version-checked UPDATE of several cases, setting `columns`; returns the ids it updated. */
function updateCases(
  tx: DirectQueryable,
  writes: CaseWrite[],
  columns: Column[],
  now: Date,
): Promise<{ id: string }[]> {
  const names = Prisma.raw(columns.map((c) => `"${c.name}"`).join(", "));
  const set = Prisma.raw(columns.map((c) => `"${c.name}" = v."${c.name}"`).join(", "));
  const values = writes.map(
    (w) =>
      Prisma.sql`(${text(w.caseId)}, ${int(w.expectedVersion)}, ${Prisma.join(columns.map((c) => c.value(w.data)))})`,
  );
  return tx.query<{ id: string }>(Prisma.sql`
    WITH v ("id", "expected", ${names}) AS (VALUES ${Prisma.join(values)})
    UPDATE "Case" SET ${set}, "updatedAt" = ${now}
    FROM v WHERE "Case"."id" = v."id" AND "Case"."version" = v."expected"
    RETURNING "Case"."id"`);
}

const keyOf = (k: { scope: string; key: string }) => `${k.scope}\u0000${k.key}`;

/**
 * Each write's outcome before the database is asked: within a batch the first advance on a case
 * wins, as it would have if it had committed alone, and a key used twice is a duplicate.
 */
function firstInBatch(writes: CaseWrite[]): WriteOutcome[] {
  const seenCase = new Set<string>();
  const seenKey = new Set<string>();
  return writes.map((w) => {
    const key = w.idempotency && keyOf(w.idempotency);
    if (key && seenKey.has(key)) return "duplicate";
    if (seenCase.has(w.caseId)) return "conflict";
    seenCase.add(w.caseId);
    if (key) seenKey.add(key);
    return "committed";
  });
}

/** The writes still to commit, with their places in the batch. */
const stillCommitted = (writes: CaseWrite[], outcomes: WriteOutcome[]) =>
  writes.map((w, i) => [w, i] as const).filter(([, i]) => outcomes[i] === "committed");

/** 1. Claims the idempotency keys first: a key someone else already used stops its advance here. */
async function claimKeys(tx: DirectQueryable, writes: CaseWrite[], outcomes: WriteOutcome[], now: Date) {
  const keyed = stillCommitted(writes, outcomes).filter(([w]) => w.idempotency);
  if (keyed.length === 0) return;
  const rows = await tx.query<{ scope: string; key: string }>(Prisma.sql`
    INSERT INTO "IdempotencyKey" ("scope", "key", "fingerprint", "status", "body", "createdAt")
    VALUES ${Prisma.join(keyed.map(([w]) => Prisma.sql`(${w.idempotency!.scope}, ${w.idempotency!.key}, ${w.idempotency!.fingerprint}, ${w.idempotency!.status}, ${w.idempotency!.body}, ${now})`))}
    ON CONFLICT ("scope", "key") DO NOTHING RETURNING "scope", "key"`);
  const claimed = new Set(rows.map(keyOf));
  for (const [w, i] of keyed) if (!claimed.has(keyOf(w.idempotency!))) outcomes[i] = "duplicate";
}

/**
 * 2. The version-checked case updates (one statement for the writes that move indexed columns, one
 * for those that keep them); a write whose case moved is a conflict, and its claimed key is
 * released. Returns the writes that won.
 */
async function updateVersionChecked(tx: DirectQueryable, writes: CaseWrite[], outcomes: WriteOutcome[], now: Date) {
  const live = stillCommitted(writes, outcomes);
  if (live.length === 0) return [];
  const light = live.filter(([w]) => w.indexedUnchanged).map(([w]) => w);
  const full = live.filter(([w]) => !w.indexedUnchanged).map(([w]) => w);
  const updated = [
    ...(full.length > 0 ? await updateCases(tx, full, caseDataColumns, now) : []),
    ...(light.length > 0 ? await updateCases(tx, light, unindexedColumns, now) : []),
  ];
  const done = new Set(updated.map((r) => r.id));
  const lost = live.filter(([w]) => !done.has(w.caseId));
  for (const [, i] of lost) outcomes[i] = "conflict";
  const release = lost.filter(([w]) => w.idempotency);
  if (release.length > 0) {
    await tx.execute(
      Prisma.sql`DELETE FROM "IdempotencyKey" WHERE ${Prisma.join(
        release.map(([w]) => Prisma.sql`("scope" = ${w.idempotency!.scope} AND "key" = ${w.idempotency!.key})`),
        " OR ",
      )}`,
    );
  }
  return live.filter(([w]) => done.has(w.caseId)).map(([w]) => w);
}

/** The batch's transaction: keys, case updates, enrolments, then the events and their messages. Returns the writes that won. */
async function commitBatch(tx: DirectQueryable, writes: CaseWrite[], outcomes: WriteOutcome[], now: Date) {
  await claimKeys(tx, writes, outcomes, now);
  const won = await updateVersionChecked(tx, writes, outcomes, now);
  if (won.length === 0) return won;
  // 3. Cases that became final end their person's open enrolment (src/engine/parties.ts): the
  // only place where an event moves a case to a new state, so the only place it ends.
  await releaseEnrolments(
    tx,
    won.filter((w) => w.data.final && !w.indexedUnchanged).map((w) => w.caseId),
  );
  // 4. The events (the unique (caseId, seq) would stop a double write), then the outbox.
  await appendCaseEvents(
    tx,
    won.map((w) => w.event),
    won.flatMap((w) => w.messages),
    now,
  );
  // 5. What the events add to contribution records (./contributions.ts: appended, never edited).
  for (const { key, months } of won.flatMap((w) => w.records ?? [])) await appendMonths(tx, key, months, now);
  return won;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  private flushing = false;
  /** batches committed and advances in them, for the metrics endpoint and the benchmark notes */
  readonly stats = { batches: 0, writes: 0 };

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 100,
  ) {}

  submit(write: CaseWrite): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.commit(batch.map((p) => p.write));
        batch.forEach((p, i) => p.resolve(outcomes[i]));
      } catch {
        // One bad write must not fail the others: retry each alone.
        for (const p of batch) {
          try {
            p.resolve((await this.commit([p.write]))[0]);
          } catch (e) {
            p.reject(e);
          }
        }
      }
    }
    this.flushing = false;
  }

  /** One transaction for the whole batch; returns each write's outcome in order. */
  private async commit(writes: CaseWrite[]): Promise<WriteOutcome[]> {
    const outcomes = firstInBatch(writes);
    const now = new Date();
    const won = await directSqlOf(this.db).transaction((tx) => commitBatch(tx, writes, outcomes, now));
    this.stats.batches++;
    this.stats.writes += won.length;
    caseEventsCommitted(
      this.db,
      won.map((w) => ({ caseType: w.caseType, type: w.event.type })),
      won.some((w) => w.messages.length > 0),
    );
    return outcomes;
  }
}

// ------------------------------------------------------------------ one store per database client

const stores = new WeakMap<Db, { loaders: Loaders; writer: GroupCommitter }>();

/** The loaders and the group committer of a database client (made once, shared by every request). */
export function storeFor(db: Db) {
  let s = stores.get(db);
  if (!s) stores.set(db, (s = { loaders: createLoaders(db), writer: new GroupCommitter(db) }));
  return s;
}
