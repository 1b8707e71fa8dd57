// The status lookup's read (src/engine/store.ts statusByNumber): lookups that arrive together
// share one statement, and each gets its own case, agencies and events, oldest first, only when
// the ID number's blind index matches too (docs/personal-data.md).
// Runs on SQLite, and on PostgreSQL in the postgresql project.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { applyMigrations } from "../../src/db/migrate.ts";
import { createLoaders } from "../../src/engine/store.ts";
import { makeTestIdNumber } from "../../src/domain/idNumber.ts";
import { databaseUrlFor, tempDir, testDatabase } from "../support/server.ts";
import { DataKey } from "../../src/privacy/dataKey.ts";

const key = DataKey.generate("test").key;
const idOf = (i: number) => makeTestIdNumber("350102", "19900307", String(i).padStart(3, "0"));
const lookup = (caseNumber: string, i: number) => ({ caseNumber, idIndex: key.idIndex(idOf(i)) });

let db: Db;
const statements: string[] = [];
const numbers = ["MT2026-AAAAAAAA", "MT2026-BBBBBBBB", "RN2026-CCCCCCCC"];

beforeAll(async () => {
  const url = await databaseUrlFor(tempDir());
  await applyMigrations(url);
  db = await openDatabase(url, { sqliteVerbose: (sql) => statements.push(String(sql)) });
  const a = await db.agency.create({ data: { code: "A", name: "厦门市医保中心", region: "350200", limits: "{}" } });
  const b = await db.agency.create({ data: { code: "B", name: "福州市医保中心", region: "350100", limits: "{}" } });
  const states = [
    ["suspended", "certificateIssued", "applicationFiled"],
    ["suspended"],
    ["suspended", "certificateIssued", "certificateIssued", "applicationFiled", "transferOut"],
  ];
  for (const [i, caseNumber] of numbers.entries()) {
    const id = randomUUID();
    const path = states[i];
    await db.case.create({
      data: {
        id,
        caseNumber,
        type: caseNumber.startsWith("RN") ? "renewal" : "medicalTransfer",
        machineVersion: 1,
        state: path.at(-1)!,
        snapshot: "{}",
        version: path.length,
        actingSide: "transferOut",
        fromAgencyId: i === 1 ? b.id : a.id,
        toAgencyId: i === 1 ? a.id : b.id,
        ...key.caseColumns({ name: `姓名${i}`, idNumber: idOf(i) }),
        stepDueOn: "2026-06-20",
        dueOn: i === 2 ? "2026-07-01" : null,
        nextDueOn: "2026-06-20",
        provisional: i === 0,
        final: false,
        openedOn: "2026-06-01",
        lastOccurredOn: "2026-06-01",
      },
    });
    // Inserted newest first: the read must order them itself.
    for (let seq = path.length; seq >= 1; seq--) {
      await db.caseEvent.create({
        data: {
          caseId: id,
          seq,
          type: `E${seq}`,
          payload: "{}",
          fromState: null,
          toState: path[seq - 1],
          actorKind: "system",
          occurredOn: `2026-06-0${seq}`,
        },
      });
    }
  }
});
afterAll(async () => {
  await db?.$disconnect();
});

describe(`status lookup read (${testDatabase})`, () => {
  it("answers lookups that arrive together from one statement, each with its own case and events in order", async () => {
    const loaders = createLoaders(db);
    statements.length = 0;
    const [first, second, third, unknown] = await Promise.all(
      [...numbers, "MT2026-ZZZZZZZZ"].map((n, i) => loaders.statusByNumber.load(lookup(n, i))),
    );
    if (testDatabase === "sqlite") expect(statements).toHaveLength(1);

    expect(unknown).toBeUndefined();
    expect(key.decrypt(first!.insuredName, "insuredName")).toBe("姓名0");
    expect(key.decrypt(first!.insuredIdNumber, "insuredIdNumber")).toBe(idOf(0));
    expect(first).toEqual({
      caseNumber: numbers[0],
      type: "medicalTransfer",
      machineVersion: 1,
      state: "applicationFiled",
      insuredName: expect.stringMatching(/^v1\./),
      insuredIdNumber: expect.stringMatching(/^v1\./),
      stepDueOn: "2026-06-20",
      dueOn: null,
      provisional: true,
      final: false,
      // the scheme the status page shows (docs/parties.md)
      scheme: "employee",
      toScheme: null,
      fromAgency: { name: "厦门市医保中心", region: "350200" },
      toAgency: { name: "福州市医保中心", region: "350100" },
      timeline: [
        { type: "E1", occurredOn: "2026-06-01", toState: "suspended" },
        { type: "E2", occurredOn: "2026-06-02", toState: "certificateIssued" },
        { type: "E3", occurredOn: "2026-06-03", toState: "applicationFiled" },
      ],
    });
    expect(second).toMatchObject({
      fromAgency: { name: "福州市医保中心" },
      provisional: false,
      timeline: [{ type: "E1", toState: "suspended" }],
    });
    expect(third!.timeline.map((e) => e.type)).toEqual(["E1", "E2", "E3", "E4", "E5"]);
    expect(third).toMatchObject({ type: "renewal", dueOn: "2026-07-01" });
  });

  it("reads only what the answer needs: no snapshot, no payloads, no actors", async () => {
    const found = await createLoaders(db).statusByNumber.load(lookup(numbers[0], 0));
    expect(Object.keys(found!).sort()).toEqual(
      [
        "caseNumber",
        "dueOn",
        "final",
        "fromAgency",
        "insuredIdNumber",
        "insuredName",
        "machineVersion",
        "provisional",
        "scheme",
        "state",
        "stepDueOn",
        "timeline",
        "toAgency",
        "toScheme",
        "type",
      ].sort(),
    );
    expect(Object.keys(found!.timeline[0]).sort()).toEqual(["occurredOn", "toState", "type"]);
  });

  it("finds nothing for a wrong ID number, with the same statement as for an unknown case number", async () => {
    const loaders = createLoaders(db);
    const traced = async (l: { caseNumber: string; idIndex: string }) => {
      statements.length = 0;
      const found = await loaders.statusByNumber.load(l);
      return { found, statements: statements.map((s) => s.replace(/'(?:[^']|'')*'/g, "?")) };
    };
    const wrong = await traced(lookup(numbers[2], 7));
    const unknown = await traced(lookup("MT2026-ZZZZZZZZ", 7));
    const right = await traced(lookup(numbers[2], 2));
    expect(wrong.found).toBeUndefined();
    expect(unknown.found).toBeUndefined();
    expect(right.found?.timeline).toHaveLength(5);
    if (testDatabase === "sqlite") {
      expect(wrong.statements).toHaveLength(1);
      expect(wrong.statements).toEqual(unknown.statements);
      expect(right.statements).toEqual(unknown.statements);
    }
    // Together in one batch, a lookup of case 0 with case 1's ID number does not get case 0 (or 1).
    const [crossed, own] = await Promise.all([
      loaders.statusByNumber.load(lookup(numbers[0], 1)),
      loaders.statusByNumber.load(lookup(numbers[1], 1)),
    ]);
    expect(crossed).toBeUndefined();
    expect(own?.caseNumber).toBe(numbers[1]);
  });
});
