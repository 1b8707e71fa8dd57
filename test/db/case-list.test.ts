// The case lists (src/engine/caseList.ts) against a plain reference: for random queries, every
// page followed by its cursor must give exactly the cases a filter-and-sort over all of them gives,
// with the queue definitions written the long way (overdue from stepDueOn/dueOn, not nextDueOn).
// Names and ID numbers are stored encrypted and searched through blind indexes (docs/personal-data.md);
// administrators may search by case number only.
// Runs on SQLite, and on PostgreSQL in the postgresql project.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { randomUUID } from "node:crypto";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { nextDueOn } from "../../src/deadlines/index.ts";
import { listCases, type CaseListQuery } from "../../src/engine/caseList.ts";
import { SIDES } from "../../machines/types.ts";
import type { Actor, EngineContext } from "../../src/engine/context.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { databaseUrlFor, tempDir, testDatabase } from "../support/server.ts";
import { DataKey } from "../../src/privacy/dataKey.ts";
import { attachDataKey } from "../../src/privacy/atRest.ts";
import { Problem } from "../../src/problems.ts";

const TODAY = "2026-06-10";
const CUTOFF = "2026-06-15";
const dates = [null, "2026-05-01", "2026-06-09", "2026-06-10", "2026-06-12", "2026-06-15", "2026-06-16", "2026-07-01"];
// Names longer than the indexed prefixes (4 characters) too: their search narrows by decrypting.
const names = [
  "王伟",
  "王伟华",
  "王芳",
  "李娜",
  "李100%_x",
  "李100x",
  "张_明",
  "%",
  "欧阳娜娜",
  "欧阳娜娜英",
  "欧阳娜娜英子",
  "欧阳娜娜美",
];
const key = DataKey.generate("test").key;
const stamps = ["2026-06-01T01:00:00.000Z", "2026-06-02T01:00:00.000Z", "2026-06-03T01:00:00.000Z"];

interface Row {
  id: string;
  caseNumber: string;
  type: string;
  state: string;
  actingSide: string;
  fromAgencyId: number;
  toAgencyId: number;
  insuredName: string;
  insuredIdNumber: string;
  stepDueOn: string | null;
  dueOn: string | null;
  final: boolean;
  updatedAt: Date;
}

let db: Db;
let ctx: EngineContext;
const agencies: number[] = [];
const rows: Row[] = [];

beforeAll(async () => {
  const url = await databaseUrlFor(tempDir());
  await applyMigrations(url);
  db = await openDatabase(url);
  for (const code of ["A", "B", "C"])
    agencies.push((await db.agency.create({ data: { code, name: code, region: "350100", limits: "{}" } })).id);
  const rnd = fc.sample(
    fc.record({
      from: fc.integer({ min: 0, max: 2 }),
      to: fc.integer({ min: 0, max: 2 }),
      side: fc.constantFrom(...SIDES),
      type: fc.constantFrom("medicalTransfer", "renewal"),
      state: fc.constantFrom("suspended", "certificateIssued", "transferred"),
      name: fc.constantFrom(...names),
      step: fc.constantFrom(...dates),
      due: fc.constantFrom(...dates),
      final: fc.boolean(),
      stamp: fc.constantFrom(...stamps),
    }),
    { numRuns: 160, seed: 20261124 },
  );
  rnd.forEach((r, i) => {
    const suffix = String(i).padStart(8, "0");
    rows.push({
      id: randomUUID(),
      caseNumber: `MT2026-${suffix}`,
      type: r.type,
      state: r.state,
      actingSide: r.side,
      fromAgencyId: agencies[r.from],
      toAgencyId: agencies[r.to],
      insuredName: r.name,
      insuredIdNumber: makeTestIdNumber("350102", "19900307", String(i % 1000).padStart(3, "0")),
      stepDueOn: r.step,
      dueOn: r.due,
      final: r.final,
      updatedAt: new Date(r.stamp),
    });
  });
  attachDataKey(db, key);
  await db.case.createMany({
    data: rows.map((r) => ({
      ...r,
      ...key.caseColumns({ name: r.insuredName, idNumber: r.insuredIdNumber }),
      machineVersion: 1,
      snapshot: "{}",
      version: 1,
      nextDueOn: nextDueOn(r, r.final),
      openedOn: "2026-05-01",
      lastOccurredOn: "2026-05-01",
    })),
  });
  ctx = { db } as EngineContext;
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
});

/** Administrators search by case number (whole, or a fragment): anything else is refused. */
const adminMaySearch = (t: string) =>
  /^(MT|PT|RN)\d{4}-[0-9A-Z]{8}$/.test(t.toUpperCase()) || (/^[0-9A-Z-]+$/.test(t.toUpperCase()) && t.length < 15);

/** The list as the API defines it, computed the long way ("forbidden" when it is refused). */
function reference(actor: Actor, q: CaseListQuery): string[] | "forbidden" {
  if (q.q && actor.kind === "admin" && !adminMaySearch(q.q)) return "forbidden";
  const overdue = (r: Row) =>
    !r.final && ((r.stepDueOn !== null && r.stepDueOn < TODAY) || (r.dueOn !== null && r.dueOn < TODAY));
  const dueSoon = (r: Row) =>
    !r.final && r.stepDueOn !== null && r.stepDueOn >= TODAY && r.stepDueOn <= CUTOFF && !overdue(r);
  const at = (r: Row, a: number) => r.fromAgencyId === a || r.toAgencyId === a;
  const text = (r: Row, t: string) => {
    const u = t.toUpperCase();
    const wholeNumber = /^(MT|PT|RN)\d{4}-[0-9A-Z]{8}$/.test(u);
    const byNumber = wholeNumber
      ? r.caseNumber === u
      : /^[0-9A-Z-]+$/.test(u) && u.length < 15 && r.caseNumber.includes(u);
    if (actor.kind === "admin") return byNumber;
    return r.insuredIdNumber === u || byNumber || r.insuredName.startsWith(t);
  };
  const found = rows.filter(
    (r) =>
      (actor.kind !== "staff" || at(r, actor.agencyId!)) &&
      (q.agencyId === undefined || at(r, q.agencyId)) &&
      (!q.mine ||
        actor.kind !== "staff" ||
        (r.fromAgencyId === actor.agencyId && ["transferOut", "agency"].includes(r.actingSide)) ||
        (r.toAgencyId === actor.agencyId && ["transferIn", "agency"].includes(r.actingSide))) &&
      (!q.side || r.actingSide === q.side) &&
      (!q.type || r.type === q.type) &&
      (!q.state || r.state === q.state) &&
      (q.overdue === undefined || overdue(r) === q.overdue) &&
      (q.dueSoon === undefined || dueSoon(r) === q.dueSoon) &&
      (!q.dueBefore || (r.stepDueOn !== null && r.stepDueOn < q.dueBefore)) &&
      (!q.q || text(r, q.q)),
  );
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  found.sort((a, b) => {
    if (q.sort === "recent") return b.updatedAt.getTime() - a.updatedAt.getTime() || cmp(a.id, b.id);
    const ka = nextDueOn(a, a.final);
    const kb = nextDueOn(b, b.final);
    if ((ka === null) !== (kb === null)) return ka === null ? 1 : -1;
    return cmp(ka ?? "", kb ?? "") || cmp(a.id, b.id);
  });
  return found.map((r) => r.id);
}

async function allPages(actor: Actor, q: CaseListQuery): Promise<string[] | "forbidden"> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    let r: Awaited<ReturnType<typeof listCases>>;
    try {
      r = await listCases(ctx, actor, { ...q, cursor }, TODAY, CUTOFF);
    } catch (e) {
      if (e instanceof Problem && e.status === 403 && page === 0) return "forbidden";
      throw e;
    }
    expect(r.items.length).toBeLessThanOrEqual(q.limit);
    ids.push(...r.items.map((c) => c.id));
    if (!r.nextCursor) return ids;
    cursor = r.nextCursor;
  }
  throw new Error("the list did not end");
}

const optionalBool = fc.constantFrom(undefined, true, false);
const query = fc.record({
  type: fc.constantFrom(undefined, "renewal"),
  state: fc.constantFrom(undefined, "suspended"),
  agency: fc.constantFrom(undefined, 0, 1, 2),
  side: fc.constantFrom(undefined, ...SIDES),
  mine: fc.boolean(),
  overdue: optionalBool,
  dueSoon: optionalBool,
  dueBefore: fc.constantFrom(undefined, "2026-06-12"),
  q: fc.constantFrom(
    undefined,
    "王伟",
    "王",
    "李100%",
    "%",
    "_",
    "张_",
    "0001",
    "mt2026-00000007",
    "MT2026-00000099",
    "350102",
    "欧阳娜娜",
    "欧阳娜娜英",
    "欧阳娜娜英子",
    "欧阳娜娜英子啊",
    "王伟华",
    makeTestIdNumber("350102", "19900307", "005"),
  ),
  sort: fc.constantFrom("due" as const, "recent" as const),
  limit: fc.integer({ min: 1, max: 9 }),
  who: fc.constantFrom("admin", 0, 1, 2),
});

describe(`case lists (${testDatabase})`, () => {
  it("pages through exactly the cases the reference lists, in its order", async () => {
    await fc.assert(
      fc.asyncProperty(query, async ({ agency, who, ...q }) => {
        const actor: Actor =
          who === "admin"
            ? { kind: "admin", userId: 1, username: "admin", agencyId: null }
            : { kind: "staff", userId: 2, username: "clerk", agencyId: agencies[who as number] };
        const lq: CaseListQuery = { ...q, agencyId: agency === undefined ? undefined : agencies[agency] };
        expect(await allPages(actor, lq)).toEqual(reference(actor, lq));
      }),
      { numRuns: 200, seed: 11 },
    );
  }, 120_000);

  it("stores no name or ID number in clear", async () => {
    const stored = await db.case.findMany({ select: { insuredName: true, insuredIdNumber: true } });
    expect(stored).toHaveLength(rows.length);
    for (const c of stored) {
      expect(c.insuredName).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
      expect(c.insuredIdNumber).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    }
  });

  it("ends the list at an unknown cursor", async () => {
    const admin: Actor = { kind: "admin", userId: 1, username: "admin", agencyId: null };
    expect(await listCases(ctx, admin, { sort: "due", limit: 5, cursor: randomUUID() }, TODAY, CUTOFF)).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
