// What the engine needs from the outside world, gathered in one place so tests can
// substitute a fixed clock or an extra machine version.
import type { Db } from "../db/client.ts";
import type { WorkingCalendar, ChinaDate } from "../calendar/index.ts";
import type { CaseMachineModule, CaseType } from "../../machines/index.ts";
import type { Logger } from "../log.ts";

export interface MachineCatalog {
  get(type: CaseType, version: number): CaseMachineModule | undefined;
  latest(type: CaseType): CaseMachineModule;
  types: CaseType[];
}

export interface EngineContext {
  db: Db;
  calendar: WorkingCalendar;
  machines: MachineCatalog;
  /** today's China date; the only clock the engine reads */
  today: () => ChinaDate;
  log: Logger;
  /** an event dated more than this many working days before today needs a backdateReason (default 3) */
  backdateReasonAfterWorkingDays?: number;
}

/**
 * Who is acting. Insured persons never act through the engine: staff record what they bring, or
 * an API client of an agency (a service account, src/engine/apiClients.ts) sends it; for a client
 * `userId` is the client's id, `username` its name, `events` what it may record.
 */
export interface Actor {
  kind: "staff" | "admin" | "client";
  userId: number;
  username: string;
  agencyId: number | null;
  /** API clients only: the event types it may record (CASE_OPENED: it may open cases) */
  events?: string[];
}
