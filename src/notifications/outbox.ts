// The transactional outbox. A notification is written as an OutboxMessage row in the SAME
// transaction as the change it reports (a case event, a deadline notice), so a message exists
// if and only if the change was committed. The delivery worker (./worker.ts) fans committed
// messages out into one WebhookDelivery per subscribed webhook and sends them after commit. The
// rows are written by the one writer of case events (src/engine/eventLog.ts).
//
// Bodies carry no personal data: no names, no ID numbers — case id and number, type, states,
// dates and the agencies' codes only.
import { EventEmitter } from "node:events";

export const MESSAGE_KINDS = ["case.state_changed", "deadline.approaching", "deadline.missed"] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The case as a notification shows it (no personal data). */
export interface CaseRef {
  id: string;
  caseNumber: string;
  type: string;
  machineVersion: number;
  state: string;
  version: number;
  actingSide: string;
  final: boolean;
  stepStartedOn: string | null;
  stepDueOn: string | null;
  dueOn: string | null;
  provisional: boolean;
  fromAgency: { id: number; code: string };
  toAgency: { id: number; code: string };
}

export interface MessageInput {
  kind: MessageKind;
  case: CaseRef;
  /** the case event the message reports (state changes, missed deadlines) */
  event?: { seq: number; type: string; fromState: string | null; toState: string; occurredOn: string };
  /** the step deadline the message is about (approaching / missed) */
  deadline?: { state: string; stepStartedOn: string | null; stepDueOn: string; workingDaysLeft: number | null };
}

/** The JSON body sent to subscribers; the same text on every attempt and every redelivery. */
export function messageBody(id: string, createdAt: Date, m: MessageInput): string {
  const c = m.case;
  return JSON.stringify({
    id,
    event: m.kind,
    createdAt: createdAt.toISOString(),
    case: {
      id: c.id,
      caseNumber: c.caseNumber,
      type: c.type,
      machineVersion: c.machineVersion,
      state: c.state,
      version: c.version,
      actingSide: c.actingSide,
      final: c.final,
      stepStartedOn: c.stepStartedOn,
      stepDueOn: c.stepDueOn,
      dueOn: c.dueOn,
      provisional: c.provisional,
      fromAgency: c.fromAgency.code,
      toAgency: c.toAgency.code,
    },
    transition: m.event ?? null,
    deadline: m.deadline ?? null,
  });
}

// After-commit nudge, so delivery is prompt rather than waiting for the next poll. Only a hint:
// the worker polls anyway, and other nodes learn of new messages by polling.
const signal = new EventEmitter();
signal.setMaxListeners(50);

export function outboxWritten(): void {
  signal.emit("written");
}

export function onOutboxWritten(listener: () => void): () => void {
  signal.on("written", listener);
  return () => signal.off("written", listener);
}
