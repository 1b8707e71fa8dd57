// What each case type's tests give the machine suites (test/machines/types/<type>.ts, one file per
// type: docs/case-types.md), and small helpers to write them.
import type { CaseType } from "../../machines/index.ts";
import type { CaseEvent, CaseInput } from "../../machines/runtime.ts";
import type { Label } from "../../machines/types.ts";

/** The date of the sample events. */
export const on = "2026-03-02";

export type Ctx = Record<string, unknown>;
export const num = (v: unknown) => (typeof v === "number" ? v : 0);

export const ev = (type: string, fields: Record<string, unknown> = {}, occurredOn = on): CaseEvent => ({
  type,
  occurredOn,
  ...fields,
});

/** The payload part of an event: what the API validates with the event's zod schema. */
export function payloadOf(event: CaseEvent): Record<string, unknown> {
  const { type: _type, occurredOn: _on, ...payload } = event;
  return payload;
}

/** One named guard at work: where it refuses, and what lets the event through. */
export interface GuardCase {
  /** the machine version (default: 1) */
  version?: number;
  guard: string;
  input?: { openedOn: string };
  /** events that reach the state where the guard is evaluated */
  before: CaseEvent[];
  /** events the guard refuses there */
  refused: CaseEvent[];
  /** events that change the facts so that the guard passes (may be none) */
  fix: CaseEvent[];
  accepted: CaseEvent;
  /** state after the accepted event */
  to: string;
}

/** A case type's tests: the facts the suites check its machines against (test/machines/*.test.ts). */
export interface TypeTests {
  type: CaseType;
  /** what the registry says of the type */
  info: { label: Label; caseNumberPrefix: string; singleAgency: boolean };
  /** the installed versions */
  versions: number[];
  /** the machine's input in these tests */
  input: CaseInput;
  /**
   * valid sample events, built from the current facts where a guard compares with a recorded fact
   * (so that the generated graph can take every guarded edge); each version's payload schemas pick
   * the samples it takes, and every event of a version has one (the contract test checks the last)
   */
  samples: (ctx: Ctx) => CaseEvent[];
  /** a complete run, with a detour (reissue, arrears, refusal, reassessment) */
  happyPath: CaseEvent[];
  /** a version's own complete run, where its payloads differ from happyPath's (a service-computed payload) */
  happyPathOf?: Partial<Record<number, CaseEvent[]>>;
  /**
   * the event types defined in each state, per version (ignoring payload and guards); a version
   * left out is tested in versions-v2.test.ts
   */
  allowedEvents: Record<number, Record<string, string[]>>;
  /** one case per named guard of every version listed in `allowedEvents` */
  guards: GuardCase[];
}

/** Sample events the transfer types share. */
export const transferSamples = (ctx: Ctx): CaseEvent[] => [
  { type: "REISSUE_CERTIFICATE", occurredOn: on },
  { type: "ARREARS_PAID", occurredOn: on, paidFen: num(ctx.arrearsFen) },
  { type: "FILE_APPLICATION", occurredOn: on, channel: "online", applicant: "individual" },
  { type: "ACCEPT", occurredOn: on },
  { type: "REFUSE", occurredOn: on, reason: "未在转入地参保" },
  { type: "TRANSFER_IN_DONE", occurredOn: on },
  { type: "WITHDRAW", occurredOn: on, reason: "本人申请撤回" },
];

/** An application filed at a window by the employer. */
export const filed = ev("FILE_APPLICATION", { channel: "offline", applicant: "employer" });
