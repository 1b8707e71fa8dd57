// The shared vocabulary of documents: the types the bodies are made of (what a document needs of
// its case and events, the blocks of a body, the figures it states) and the small helpers that
// write values the way Chinese official papers do (dates, months, amounts in yuan).
import { formatFenZh } from "../domain/money.ts";

/** What a document needs of its case (the insured person's data already decrypted). */
export interface DocumentCase {
  id: string;
  caseNumber: string;
  type: string;
  /** the case type's name, e.g. 基本医疗保险关系转移接续 */
  typeLabel: { zh: string; en: string };
  fromAgency: { name: string; region: string };
  toAgency: { name: string; region: string };
  insured: { name: string; idNumber: string };
  /** "employee" | "flexible" | "resident" (职工 / 灵活就业 / 城乡居民) */
  scheme: string;
  /** the running step clock: its due date and the seq of the event that started it (null: none) */
  stepDueOn: string | null;
  stepSeq: number | null;
  /** the attachments on the case (never deleted, only superseded): their kind and upload time (ISO) */
  attachments: { kind: string; createdAt: string }[];
}

/** An agency as a document names it. */
export interface DocumentAgency {
  name: string;
  region: string;
}

/**
 * Who recorded an event: staff ("staff", "admin": `name` is the staff account's username), an API
 * client ("client": `name` is the client's name) or the service ("system"). `agency` is the one of
 * the case's two agencies the actor belongs to (null: none of them, or a system event).
 */
export interface DocumentActor {
  kind: string;
  name: string | null;
  agency: DocumentAgency | null;
}

/** One event of the case's log, as the documents read it. */
export interface DocumentEvent {
  seq: number;
  type: string;
  occurredOn: string;
  toState: string;
  payload: Record<string, unknown>;
  actor: DocumentActor;
  /** the step due date in force when the event was recorded (before it took effect) */
  stepDueOn: string | null;
  /** when the event was recorded (ISO): the attachments uploaded before it were there at the act */
  recordedAt: string;
}

/** A block of a document's body. */
export type DocumentBlock =
  | { kind: "field"; label: string; value: string }
  | { kind: "text"; text: string }
  | { kind: "heading"; text: string }
  | { kind: "table"; head: string[]; rows: string[][]; widths: number[] };

/**
 * An amount or a number of months a document states (GET /api/verify/{code} answers them, so that
 * a paper whose figures were altered does not match).
 */
export interface DocumentFigure {
  key: string;
  label: { zh: string; en: string };
  value: number;
  unit: "fen" | "months";
}

/** The events a document's figures are read from: its own and every one before it, oldest first. */
export interface FigureInput {
  event: DocumentEvent;
  /** every event of the case up to and including `event`, oldest first */
  before: DocumentEvent[];
}

export const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
export const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
export const yuan = (v: unknown): string => {
  const n = num(v);
  return n === null ? "—" : formatFenZh(n);
};
/** 36 → "36 个月"; not a number → "—". */
export const monthsText = (v: unknown): string => {
  const n = num(v);
  return n === null ? "—" : `${n} 个月`;
};

/** "2026-03-02" → "2026年3月2日" (a China date, as written on Chinese official papers). */
export function chinaDateText(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** "2026-03" → "2026年3月". */
export function monthText(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? `${m[1]}年${Number(m[2])}月` : month;
}

export const field = (label: string, value: string): DocumentBlock => ({ kind: "field", label, value });
export const text = (t: string): DocumentBlock => ({ kind: "text", text: t });
export const heading = (t: string): DocumentBlock => ({ kind: "heading", text: t });

/** A figure when the value is an integer, else nothing (spread into a list). */
export function figure(
  key: string,
  zh: string,
  en: string,
  value: unknown,
  unit: DocumentFigure["unit"],
): DocumentFigure[] {
  const n = num(value);
  return n === null ? [] : [{ key, label: { zh, en }, value: n, unit }];
}
