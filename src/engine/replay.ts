// Replays a case's event log through the machine version it runs on and compares the result
// with what is stored. Used by `npm run verify` and by the tests after concurrency storms.
import { isDeepStrictEqual } from "node:util";
import type { Case, CaseEvent } from "../generated/prisma/client.ts";
import type { Db } from "../db/client.ts";
import type { CaseType } from "../../machines/index.ts";
import { initialSnapshot, nextSnapshot, persist, type PersistedCaseSnapshot } from "../../machines/runtime.ts";
import { CASE_OPENED } from "./types.ts";
import { nextDueOn } from "../deadlines/index.ts";
import type { MachineCatalog } from "./context.ts";

export interface ReplayMismatch {
  caseId: string;
  caseNumber: string;
  problem: string;
}

export function replayCase(machines: MachineCatalog, c: Case, events: CaseEvent[]): ReplayMismatch | undefined {
  const fail = (problem: string) => ({ caseId: c.id, caseNumber: c.caseNumber, problem });
  const mod = machines.get(c.type as CaseType, c.machineVersion);
  if (!mod) return fail(`machine ${c.type} v${c.machineVersion} is not installed`);
  if (events.length === 0 || events[0].type !== CASE_OPENED) return fail("the first event is not CASE_OPENED");
  for (let i = 0; i < events.length; i++) {
    if (events[i].seq !== i + 1)
      return fail(`event sequence has a gap or duplicate at position ${i + 1} (seq ${events[i].seq})`);
  }
  if (c.version !== events.length) return fail(`version ${c.version} but ${events.length} events`);

  let snapshot: PersistedCaseSnapshot = persist(initialSnapshot(mod, { openedOn: events[0].occurredOn }));
  if (snapshot.value !== events[0].toState)
    return fail(`opened in ${events[0].toState}, machine starts in ${snapshot.value}`);
  for (const e of events.slice(1)) {
    if (!Object.hasOwn(mod.events, e.type)) {
      // Engine-recorded notes (e.g. a missed deadline) do not move the machine.
      if (e.fromState !== e.toState) return fail(`event ${e.seq} (${e.type}) is not a machine event but changes state`);
      continue;
    }
    if (e.fromState !== snapshot.value)
      return fail(`event ${e.seq} (${e.type}) recorded from ${e.fromState}, replay is in ${snapshot.value}`);
    const next = nextSnapshot(mod, snapshot, { ...JSON.parse(e.payload), type: e.type, occurredOn: e.occurredOn });
    if (!next.changed) return fail(`event ${e.seq} (${e.type}) is refused by the machine on replay`);
    snapshot = persist(next.snapshot);
    if (snapshot.value !== e.toState)
      return fail(`event ${e.seq} (${e.type}) recorded to ${e.toState}, replay reaches ${snapshot.value}`);
  }
  if (c.state !== snapshot.value) return fail(`stored state ${c.state}, replay ends in ${snapshot.value}`);
  if (!isDeepStrictEqual(JSON.parse(c.snapshot), snapshot))
    return fail("stored snapshot differs from the replayed one");
  // The queues find overdue cases through this column alone; it must follow the stored dates.
  if (c.nextDueOn !== nextDueOn(c, c.final))
    return fail(`nextDueOn ${c.nextDueOn} does not follow stepDueOn ${c.stepDueOn}, dueOn ${c.dueOn}`);
  return undefined;
}

/** Replays every case of a database, a page at a time; `onPage` hears how far it got. */
export async function replayAll(
  db: Db,
  machines: MachineCatalog,
  onPage?: (done: number) => void,
): Promise<{ cases: number; mismatches: ReplayMismatch[] }> {
  const mismatches: ReplayMismatch[] = [];
  let done = 0;
  let cursor: string | undefined;
  for (;;) {
    const cases = await db.case.findMany({
      orderBy: { id: "asc" },
      take: 500,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (cases.length === 0) break;
    const events = await db.caseEvent.findMany({
      where: { caseId: { in: cases.map((c) => c.id) } },
      orderBy: [{ caseId: "asc" }, { seq: "asc" }],
    });
    const byCase = new Map<string, CaseEvent[]>();
    for (const e of events) {
      const list = byCase.get(e.caseId);
      if (list) list.push(e);
      else byCase.set(e.caseId, [e]);
    }
    for (const c of cases) {
      const m = replayCase(machines, c, byCase.get(c.id) ?? []);
      if (m) mismatches.push(m);
    }
    done += cases.length;
    cursor = cases[cases.length - 1].id;
    onPage?.(done);
  }
  return { cases: done, mismatches };
}
