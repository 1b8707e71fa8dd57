// Seeds a benchmark database with N medical-transfer cases in a realistic mix of states.
// Rows are written with raw prepared statements for speed, but every case and event is what
// the engine would have written: snapshots come from the machine itself, due dates from the
// calendar, and `npm run verify` replays the result clean.
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { SingleBar, Presets } from "cli-progress";
import { hashPassword } from "../src/auth/passwords.ts";
import { WorkingCalendar, addCalendarDays, type ChinaDate } from "../src/calendar/index.ts";
import { nextDeadlines, nextDueOn, NO_DEADLINES, type CaseDeadlines } from "../src/deadlines/index.ts";
import { medicalTransfer } from "../machines/index.ts";
import { initialSnapshot, nextSnapshot, persist, type PersistedCaseSnapshot } from "../machines/runtime.ts";
import { makeTestIdNumber } from "../src/domain/idNumber.ts";
import { loadDataKey } from "../src/privacy/dataKey.ts";

export const BENCH_PASSWORD = "bench-password-1234";
export const AGENCIES = 20;

interface Step {
  type: string;
  payload: Record<string, unknown>;
}

const balance = 123_456;
const paths: Record<string, Step[]> = {
  suspended: [],
  certificateIssued: [
    { type: "ISSUE_CERTIFICATE", payload: { contributionMonths: 36, accountBalanceFen: balance, arrearsFen: 0 } },
  ],
  applicationFiled: [
    { type: "ISSUE_CERTIFICATE", payload: { contributionMonths: 36, accountBalanceFen: balance, arrearsFen: 0 } },
    { type: "FILE_APPLICATION", payload: { channel: "online", applicant: "employer" } },
  ],
  transferOut: [
    { type: "ISSUE_CERTIFICATE", payload: { contributionMonths: 36, accountBalanceFen: balance, arrearsFen: 0 } },
    { type: "FILE_APPLICATION", payload: { channel: "online", applicant: "employer" } },
    { type: "ACCEPT", payload: {} },
  ],
  transferIn: [
    { type: "ISSUE_CERTIFICATE", payload: { contributionMonths: 36, accountBalanceFen: balance, arrearsFen: 0 } },
    { type: "FILE_APPLICATION", payload: { channel: "online", applicant: "employer" } },
    { type: "ACCEPT", payload: {} },
    { type: "TRANSFER_OUT_DONE", payload: { transferredFen: balance } },
  ],
  transferred: [
    { type: "ISSUE_CERTIFICATE", payload: { contributionMonths: 36, accountBalanceFen: balance, arrearsFen: 0 } },
    { type: "FILE_APPLICATION", payload: { channel: "online", applicant: "employer" } },
    { type: "ACCEPT", payload: {} },
    { type: "TRANSFER_OUT_DONE", payload: { transferredFen: balance } },
    { type: "TRANSFER_IN_DONE", payload: {} },
  ],
};

// The mix of a busy agency: most cases in flight, a tail of finished ones.
const mix: [string, number][] = [
  ["suspended", 0.15],
  ["certificateIssued", 0.3],
  ["applicationFiled", 0.15],
  ["transferOut", 0.12],
  ["transferIn", 0.08],
  ["transferred", 0.2],
];

interface Template {
  state: string;
  snapshot: string;
  deadlines: CaseDeadlines;
  events: { type: string; payload: string; fromState: string | null; toState: string }[];
  final: boolean;
  side: string;
}

/** Runs the real machine and deadline code once per (state, opening date). */
function buildTemplate(calendar: WorkingCalendar, state: string, openedOn: ChinaDate): Template {
  const mod = medicalTransfer;
  let snap: PersistedCaseSnapshot = persist(initialSnapshot(mod, { openedOn }));
  let deadlines = nextDeadlines({
    module: mod,
    calendar,
    previous: NO_DEADLINES,
    fromState: snap.value,
    toState: snap.value,
    eventType: "CASE_OPENED",
    occurredOn: openedOn,
    limitsFor: () => ({}),
  });
  const events: Template["events"] = [{ type: "CASE_OPENED", payload: "{}", fromState: null, toState: snap.value }];
  for (const step of paths[state]) {
    const from = snap.value;
    const next = nextSnapshot(mod, snap, { type: step.type, occurredOn: openedOn, ...step.payload });
    if (!next.changed) throw new Error(`seed path refused at ${step.type}`);
    snap = persist(next.snapshot);
    deadlines = nextDeadlines({
      module: mod,
      calendar,
      previous: deadlines,
      fromState: from,
      toState: snap.value,
      eventType: step.type,
      occurredOn: openedOn,
      limitsFor: () => ({}),
    });
    events.push({ type: step.type, payload: JSON.stringify(step.payload), fromState: from, toState: snap.value });
  }
  return {
    state,
    snapshot: JSON.stringify(snap),
    deadlines,
    events,
    final: snap.status === "done",
    side: mod.states[snap.value].side,
  };
}

export interface SeedResult {
  /** ids of certificateIssued cases of agency 1: the benchmark advances these with REISSUE_CERTIFICATE */
  hotCases: string[];
  /** case numbers and ID numbers for status lookups */
  lookups: { caseNumber: string; idNumber: string }[];
  /** a name fragment that matches some cases (text search) */
  searchName: string;
  /** whole case numbers of cases that clerk1's agency (1) takes part in: the case-number search finds each */
  searchNumbers: string[];
  /** the data key file the rows are encrypted under (unset when DATA_KEY gives the key) */
  keyFile?: string;
}

/**
 * Extra cases in certificateIssued at clerk1's agency, beyond `cases`: the advance scenario
 * records REISSUE_CERTIFICATE on these hot cases round-robin (the service, the reference and the
 * peer alike), and an event may be recorded at most 20 times on one case (docs/limits.md). A
 * default run records about 135,000 such events over its three rounds; with these the busiest case
 * stays near 12.
 */
export const EXTRA_HOT_CASES = 10_000;

export async function seedBenchmark(
  file: string,
  cases: number,
  today: ChinaDate,
  progress = true,
): Promise<SeedResult> {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF"); // seeding only; the service opens with NORMAL
  const calendar = WorkingCalendar.official();

  const hash = await hashPassword(BENCH_PASSWORD);
  const insertAgency = db.prepare(`INSERT INTO "Agency" (code, name, region, limits) VALUES (?, ?, ?, '{}')`);
  const insertUser = db.prepare(
    `INSERT INTO "User" (username, passwordHash, role, agencyId, disabled, updatedAt) VALUES (?, ?, ?, ?, 0, ?)`,
  );
  const now = new Date().toISOString();
  db.transaction(() => {
    insertUser.run("bench-admin", hash, "admin", null, now);
    for (let a = 1; a <= AGENCIES; a++) {
      const id = insertAgency.run(
        `AG${String(a).padStart(2, "0")}`,
        `第${a}医保经办机构`,
        String(350100 + a * 100).slice(0, 6),
      ).lastInsertRowid;
      insertUser.run(`clerk${a}`, hash, "staff", id, now);
    }
  })();

  // 60 opening dates over the last ~3 months give overdue, due-soon and later due dates.
  const templates = new Map<string, Template>();
  const template = (state: string, day: number) => {
    const key = `${state}|${day}`;
    let t = templates.get(key);
    if (!t) templates.set(key, (t = buildTemplate(calendar, state, addCalendarDays(today, -day))));
    return t;
  };

  const insertCase =
    db.prepare(`INSERT INTO "Case" (id, caseNumber, type, machineVersion, state, snapshot, version, actingSide, fromAgencyId, toAgencyId,
    insuredName, insuredIdNumber, insuredIdIndex, insuredNamePrefix1, insuredNamePrefix2, insuredNamePrefix3, insuredNamePrefix4,
    stepStartedOn, stepDueOn, overallStartedOn, dueOn, nextDueOn, provisional, final, openedOn, lastOccurredOn, createdAt, updatedAt)
    VALUES (?, ?, 'medicalTransfer', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // Encrypted as the service stores them (docs/personal-data.md), under the key the service will
  // find for this file: DATA_KEY, DATA_KEY_FILE, or data.key beside it (created here).
  const { key } = loadDataKey({
    DATA_KEY: process.env.DATA_KEY || undefined,
    DATA_KEY_FILE: process.env.DATA_KEY_FILE || undefined,
    DATABASE_URL: `file:${file}`,
  });
  const insertEvent =
    db.prepare(`INSERT INTO "CaseEvent" (caseId, seq, type, payload, fromState, toState, actorKind, actorId, actorName, recordedAt, occurredOn)
    VALUES (?, ?, ?, ?, ?, ?, 'staff', 2, 'clerk1', ?, ?)`);

  const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高";
  const given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰";
  const result: SeedResult = { hotCases: [], lookups: [], searchName: "", searchNumbers: [] };
  const bar = progress
    ? new SingleBar({ format: "seeding {bar} {value}/{total} cases {percentage}% eta {eta}s" }, Presets.shades_classic)
    : undefined;
  const total = cases + EXTRA_HOT_CASES;
  bar?.start(total, 0);
  const batch = 5_000;
  let seq = 0;
  const pick = (i: number) => {
    const r = ((i * 2654435761) % 1_000_003) / 1_000_003;
    let acc = 0;
    for (const [state, share] of mix) if ((acc += share) > r) return state;
    return mix[mix.length - 1][0];
  };
  for (let start = 0; start < total; start += batch) {
    db.transaction(() => {
      for (let i = start; i < Math.min(total, start + batch); i++) {
        const extraHot = i >= cases;
        const state = extraHot ? "certificateIssued" : pick(i);
        // Opened 1–60 days ago, every agency on every one of those days: counting the days with
        // i itself would tie them to the agency (i % 60 and i % AGENCIES), and agency 1 would get
        // only three opening days, none with a step falling due in the next few days.
        const daysAgo = 1 + (Math.floor(i / AGENCIES) % 60);
        const t = template(state, daysAgo);
        const from = extraHot ? 1 : 1 + (i % AGENCIES);
        const to = extraHot ? 2 + (i % (AGENCIES - 1)) : 1 + ((i + 7) % AGENCIES);
        const id = randomUUID();
        const caseNumber = `MT2026-B${String(++seq).padStart(7, "0")}`;
        const birth = `19${60 + (i % 40)}${String(1 + (i % 12)).padStart(2, "0")}${String(1 + (i % 28)).padStart(2, "0")}`;
        const idNumber = makeTestIdNumber("350102", birth, String(i % 1000).padStart(3, "0"));
        const name = surnames[i % surnames.length] + given[(i * 7) % given.length] + given[(i * 13) % given.length];
        const d = t.deadlines;
        const openedOn = addCalendarDays(today, -daysAgo);
        const p = key.caseColumns({ name, idNumber });
        insertCase.run(
          id,
          caseNumber,
          t.state,
          t.snapshot,
          t.events.length,
          t.side,
          from,
          to,
          p.insuredName,
          p.insuredIdNumber,
          p.insuredIdIndex,
          p.insuredNamePrefix1,
          p.insuredNamePrefix2,
          p.insuredNamePrefix3,
          p.insuredNamePrefix4,
          d.stepStartedOn,
          d.stepDueOn,
          d.overallStartedOn,
          d.dueOn,
          nextDueOn(d, t.final),
          d.provisional ? 1 : 0,
          t.final ? 1 : 0,
          openedOn,
          openedOn,
          now,
          now,
        );
        t.events.forEach((e, k) =>
          insertEvent.run(id, k + 1, e.type, e.payload, e.fromState, e.toState, now, openedOn),
        );
        if (state === "certificateIssued" && from === 1) result.hotCases.push(id);
        if (i % 97 === 0 && result.lookups.length < 5_000) result.lookups.push({ caseNumber, idNumber });
        if (i % 7 === 0 && (from === 1 || to === 1) && result.searchNumbers.length < 1_000)
          result.searchNumbers.push(caseNumber);
        if (i === 0) result.searchName = name.slice(0, 2);
      }
    })();
    bar?.update(Math.min(total, start + batch));
  }
  bar?.stop();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.exec("ANALYZE");
  db.close();
  if (!process.env.DATA_KEY) result.keyFile = key.source;
  return result;
}
