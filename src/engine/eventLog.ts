// The one writer of the case event log: every CaseEvent row and every OutboxMessage row is written
// here, for opening a case (./openCase.ts), advancing it (the group committer, ./store.ts) and the
// service's own notes and reminders (./systemEvents.ts). The caller supplies the transaction that
// also writes the case's new state (and its version check, and its idempotency record), so an event
// and its messages exist if and only if that change was committed.
//
// Multi-row INSERTs, so a group-committed batch of advances costs two statements whatever its size.
// The SQL is portable (SQLite and PostgreSQL): INSERT … VALUES takes its parameters' types from the
// target columns, so nothing needs a cast.
import { randomUUID } from "node:crypto";
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/client.ts";
import type { DirectQueryable } from "../db/direct.ts";
import { messageBody, outboxWritten, type MessageInput } from "../notifications/outbox.ts";
import { caseRef } from "./caseRef.ts";
import { countRecordedEvents } from "./eventTally.ts";
import type { CaseWithAgencies } from "./types.ts";

/** A case event as written (CaseEvent's columns but its id and recordedAt, which is the transaction's `now`). */
export interface CaseEventRow {
  caseId: string;
  /** the case version this event produces (1 = opening); unique per case */
  seq: number;
  type: string;
  /** JSON text of the payload */
  payload: string;
  fromState: string | null;
  toState: string;
  actorKind: string;
  actorId: number | null;
  actorName: string | null;
  occurredOn: string;
  /** the step due date in force before the event took effect */
  stepDueOn: string | null;
  /** why an act dated well before today is recorded only now (checkBackdateReason, ./occurredOn.ts) */
  backdateReason?: string | null;
}

/** The transition a message reports (MessageInput.event): the event's seq, type, states and date. */
export function transitionOf(e: CaseEventRow): NonNullable<MessageInput["event"]> {
  return { seq: e.seq, type: e.type, fromState: e.fromState, toState: e.toState, occurredOn: e.occurredOn };
}

/** The message of an event that moved a case to a new state (or opened it), with the case as it is after it. */
export function stateChanged(after: CaseWithAgencies, e: CaseEventRow): MessageInput {
  return { kind: "case.state_changed", case: caseRef(after), event: transitionOf(e) };
}

/**
 * Inside the caller's transaction: appends `events` and writes `messages` to the outbox (a
 * deadline reminder has a message and no event). Each message gets a new id; its body is fixed
 * here, with `now` as its createdAt. Call caseEventsCommitted after the commit.
 */
export async function appendCaseEvents(
  tx: DirectQueryable,
  events: readonly CaseEventRow[],
  messages: readonly MessageInput[],
  now: Date,
): Promise<void> {
  if (events.length > 0) {
    await tx.execute(Prisma.sql`
      INSERT INTO "CaseEvent" ("caseId", "seq", "type", "payload", "fromState", "toState", "actorKind", "actorId", "actorName", "recordedAt", "occurredOn", "stepDueOn", "backdateReason")
      VALUES ${Prisma.join(
        events.map(
          (e) =>
            Prisma.sql`(${e.caseId}, ${e.seq}, ${e.type}, ${e.payload}, ${e.fromState}, ${e.toState}, ${e.actorKind}, ${e.actorId}, ${e.actorName}, ${now}, ${e.occurredOn}, ${e.stepDueOn}, ${e.backdateReason ?? null})`,
        ),
      )}`);
  }
  if (messages.length > 0) {
    await tx.execute(Prisma.sql`
      INSERT INTO "OutboxMessage" ("id", "kind", "caseId", "fromAgencyId", "toAgencyId", "body", "createdAt")
      VALUES ${Prisma.join(
        messages.map((m) => {
          const id = randomUUID();
          return Prisma.sql`(${id}, ${m.kind}, ${m.case.id}, ${m.case.fromAgency.id}, ${m.case.toAgency.id}, ${messageBody(id, now, m)}, ${now})`;
        }),
      )}`);
  }
}

/**
 * After the commit (never inside the transaction): counts the committed events for the metrics
 * endpoint, and wakes the delivery worker when messages were written.
 */
export function caseEventsCommitted(
  db: Db,
  events: Iterable<{ caseType: string; type: string }>,
  messagesWritten: boolean,
): void {
  for (const e of events) countRecordedEvents(db, e.caseType, e.type);
  if (messagesWritten) outboxWritten();
}
