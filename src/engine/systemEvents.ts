// System events: what the service itself records on a case (actorKind "system", fromState =
// toState), decided by the background jobs (src/jobs/) and written here, by the engine, like every
// other change of a case: in ONE transaction, the case row is updated only if its version is still
// the one read, the event is appended with seq = the new version (./eventLog.ts, the one writer of
// events), and the outbox message (and the deadline notice row, for a missed deadline) is written
// with it. A system event bumps the case version but never its lastOccurredOn, so it never stops
// staff from dating an act before it.
//
// Reminders ("deadline approaching") change no case: recordDeadlineReminder writes only their
// notice row and outbox message, also in one transaction.
import type { ChinaDate } from "../calendar/index.ts";
import type { CaseDeadlines } from "../deadlines/index.ts";
import { prismaQueryable } from "../db/direct.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { MessageInput } from "../notifications/outbox.ts";
import type { CaseWithAgencies, DEADLINE_MISSED, DEADLINES_RECOMPUTED } from "./types.ts";
import type { EngineContext } from "./context.ts";
import { appendCaseEvents, caseEventsCommitted, transitionOf, type CaseEventRow } from "./eventLog.ts";

/** A DeadlineNotice row: at most one per case, kind and step instance (its unique key). */
export interface DeadlineNoticeRow {
  kind: "missed" | "approaching";
  stepSeq: number;
  state: string;
  stepDueOn: ChinaDate;
}

export interface SystemEvent {
  type: typeof DEADLINE_MISSED | typeof DEADLINES_RECOMPUTED;
  /** the event's payload (stored as JSON) */
  payload: unknown;
  occurredOn: ChinaDate;
  /** the case's due dates after the event (recomputed dates); left out, they stay as they are */
  deadlines?: CaseDeadlines & { nextDueOn: string | null };
  /** the notice row claimed first: a second attempt for the same step instance records nothing */
  notice?: DeadlineNoticeRow;
  /** the outbox message reporting the event, built from the case as it is after it */
  message?: (after: CaseWithAgencies, event: NonNullable<MessageInput["event"]>) => MessageInput;
}

/**
 * recorded; or conflict: the case moved on since `c` was read (its version changed), or the
 * notice row or event exists already (another node recorded it). Nothing is written then: the
 * caller reloads the case and decides again.
 */
export type SystemEventOutcome = "recorded" | "conflict";

/** Thrown inside the transaction when the version check fails: the transaction rolls back. */
class VersionMoved extends Error {
  constructor() {
    super("the case changed concurrently");
  }
}

/** Records a system event on case `c` as read at its current version (see the file's head). */
export async function recordSystemEvent(
  ctx: EngineContext,
  c: CaseWithAgencies,
  ev: SystemEvent,
): Promise<SystemEventOutcome> {
  const version = c.version + 1;
  const after: CaseWithAgencies = { ...c, ...ev.deadlines, version };
  const event: CaseEventRow = {
    caseId: c.id,
    seq: version,
    type: ev.type,
    payload: JSON.stringify(ev.payload),
    fromState: c.state,
    toState: c.state,
    actorKind: "system",
    actorId: null,
    actorName: null,
    occurredOn: ev.occurredOn,
    // the step's due date when the event was recorded, as for every event
    stepDueOn: c.stepDueOn,
  };
  const messages = ev.message ? [ev.message(after, transitionOf(event))] : [];
  try {
    await ctx.db.$transaction(async (tx) => {
      // Writes first (SQLite takes the write lock at once), the unique notice row before all.
      if (ev.notice) await tx.deadlineNotice.create({ data: { caseId: c.id, ...ev.notice } });
      const { count } = await tx.case.updateMany({
        where: { id: c.id, version: c.version },
        data: { ...ev.deadlines, version },
      });
      if (count !== 1) throw new VersionMoved();
      await appendCaseEvents(prismaQueryable(tx), [event], messages, new Date());
    });
  } catch (e) {
    if (e instanceof VersionMoved || isUniqueViolation(e)) return "conflict";
    throw e;
  }
  caseEventsCommitted(ctx.db, [{ caseType: c.type, type: ev.type }], messages.length > 0);
  return "recorded";
}

/**
 * Writes a reminder's notice row and outbox message for case `c` (no case event: the case does
 * not change). False when the notice exists already (another node sent it).
 */
export async function recordDeadlineReminder(
  ctx: EngineContext,
  c: CaseWithAgencies,
  notice: DeadlineNoticeRow,
  message: MessageInput,
): Promise<boolean> {
  try {
    await ctx.db.$transaction(async (tx) => {
      await tx.deadlineNotice.create({ data: { caseId: c.id, ...notice } });
      await appendCaseEvents(prismaQueryable(tx), [], [message], new Date());
    });
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
  caseEventsCommitted(ctx.db, [], true);
  return true;
}
