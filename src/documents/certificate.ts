// The certificates (参保凭证, 参保缴费凭证) and the record form (参保信息表): the figures as they
// stand at the event that produced the document. The ISSUE_CERTIFICATE or ISSUE_RECORD_FORM
// states them; each later REISSUE_CERTIFICATE may correct some (version 2: the corrected figures
// with a reason; version 3: every figure again, read from the contribution record, with the clerk's
// reason and the record's corrections; version 1: none). A reissue whose figures differ from the
// ones before it is a correction and says what changed; one that changes nothing replaces a lost
// paper (docs/documents.md).
import { pooledShareOf } from "../../machines/vocabulary.ts";
import {
  chinaDateText,
  field,
  figure,
  heading,
  monthText,
  monthsText,
  num,
  str,
  text,
  yuan,
  type DocumentBlock,
  type DocumentEvent,
  type DocumentFigure,
  type FigureInput,
} from "./blocks.ts";

const ISSUES = new Set(["ISSUE_CERTIFICATE", "ISSUE_RECORD_FORM"]);
const REISSUE = "REISSUE_CERTIFICATE";
/** what a reissue's payload holds besides figures */
const NOT_FIGURES = new Set(["reason", "recordCorrections"]);

type Facts = Record<string, unknown>;

/** The figures a document states: the issue's, overlaid by every reissue up to the event. */
export interface CertificateState {
  /** the figures at the event */
  facts: Facts;
  /** the figures before the event (the same as `facts` unless the event is a reissue) */
  previous: Facts;
  /** the ISSUE_CERTIFICATE or ISSUE_RECORD_FORM the figures start from */
  original: DocumentEvent | undefined;
}

const figuresOfPayload = (payload: Facts): Facts =>
  Object.fromEntries(Object.entries(payload).filter(([k]) => !NOT_FIGURES.has(k)));

/** The pooled share a pension certificate states: recorded (version 3), or 12 % of the wages (version 2). */
function stated(facts: Facts): Facts {
  const wages = num(facts.contributionWagesSince1998Fen);
  if (num(facts.pooledShareFen) !== null || wages === null) return facts;
  return { ...facts, pooledShareFen: pooledShareOf(wages) };
}

export function certificateAt(input: FigureInput): CertificateState {
  const events = input.before.filter((e) => e.seq <= input.event.seq);
  const original = events.filter((e) => ISSUES.has(e.type)).at(-1);
  const start = original ? events.indexOf(original) : -1;
  let facts: Facts = original ? figuresOfPayload(original.payload) : {};
  let previous = facts;
  for (const e of events.slice(start + 1)) {
    if (e.type !== REISSUE) continue;
    previous = facts;
    facts = { ...facts, ...figuresOfPayload(e.payload) };
  }
  if (input.event.type !== REISSUE) previous = facts;
  return { facts: stated(facts), previous: stated(previous), original };
}

// ---------------------------------------------------------------------------
// The figures, their labels and how each is written

type Unit = "fen" | "months" | "month";
interface FigureSpec {
  zh: string;
  en: string;
  unit: Unit;
}

/** Version 3 states the months actually paid beside the deemed ones; earlier versions one count. */
const isFromRecord = (f: Facts) => num(f.deemedMonths) !== null;

function figureSpecs(f: Facts): Record<string, FigureSpec> {
  return {
    contributionMonths: isFromRecord(f)
      ? { zh: "实际缴费月数", en: "Months paid", unit: "months" }
      : { zh: "缴费月数", en: "Contribution months", unit: "months" },
    deemedMonths: { zh: "视同缴费月数", en: "Months deemed paid", unit: "months" },
    continuousMonths: { zh: "连续缴费月数", en: "Continuous months", unit: "months" },
    firstMonth: { zh: "缴费起始月份", en: "First month", unit: "month" },
    lastMonth: { zh: "缴费截止月份", en: "Last month", unit: "month" },
    accountBalanceFen: { zh: "个人账户余额", en: "Personal account balance", unit: "fen" },
    personalAccountFen: { zh: "个人账户储存额", en: "Personal account", unit: "fen" },
    arrearsFen: { zh: "欠费金额", en: "Arrears", unit: "fen" },
    contributionWagesSince1998Fen: {
      zh: "1998年1月以来缴费工资总额",
      en: "Contribution wages since January 1998",
      unit: "fen",
    },
    pooledShareFen: { zh: "统筹基金（12%）", en: "Pooled fund share (12 %)", unit: "fen" },
  };
}

function valueText(v: unknown, unit: Unit): string {
  if (unit === "fen") return yuan(v);
  if (unit === "months") return monthsText(v);
  return str(v) ? monthText(v as string) : "—";
}

/** What GET /api/verify/{code} answers for a certificate or record form: the amounts and months it states. */
export function certificateFigures(input: FigureInput): DocumentFigure[] {
  const f = certificateAt(input).facts;
  const specs = figureSpecs(f);
  const keys = [
    "contributionMonths",
    "deemedMonths",
    "accountBalanceFen",
    "personalAccountFen",
    "arrearsFen",
    "contributionWagesSince1998Fen",
    "pooledShareFen",
  ];
  return keys.flatMap((k) => figure(k, specs[k]!.zh, specs[k]!.en, f[k], specs[k]!.unit as "fen" | "months"));
}

// ---------------------------------------------------------------------------
// The blocks of a certificate's body

/** Months, continuity, the months counted and the record's date (when the certificate states them). */
export function monthBlocks(f: Facts): DocumentBlock[] {
  const actual = num(f.contributionMonths);
  const deemed = num(f.deemedMonths);
  // the total counts deemed months too (视同缴费 counts as contribution years)
  const blocks = [field("缴费月数", monthsText(actual !== null && deemed !== null ? actual + deemed : actual))];
  if (deemed !== null)
    blocks.push(field("实际缴费月数", monthsText(actual)), field("视同缴费月数", monthsText(deemed)));
  if (num(f.continuousMonths) !== null) blocks.push(field("连续缴费月数", monthsText(f.continuousMonths)));
  const first = str(f.firstMonth);
  const last = str(f.lastMonth);
  if (first || last)
    blocks.push(field("缴费起止", `${first ? monthText(first) : "—"}至${last ? monthText(last) : "—"}`));
  if (str(f.recordAsOf)) blocks.push(field("记录截至", monthText(f.recordAsOf as string)));
  return blocks;
}

/** The pension's wages since 1998 and the pooled share (versions 2 and 3). */
export function pooledShareBlocks(f: Facts): DocumentBlock[] {
  if (num(f.contributionWagesSince1998Fen) === null && num(f.pooledShareFen) === null) return [];
  return [
    field("1998年1月以来缴费工资总额", yuan(f.contributionWagesSince1998Fen)),
    field("统筹基金（12%）", yuan(f.pooledShareFen)),
  ];
}

const records = (v: unknown): Record<string, unknown>[] =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : [];

const periodStatus: Record<string, string> = { paid: "正常缴费", backPaid: "补缴", deemed: "视同缴费" };

function periodText(from: unknown, to: unknown): string {
  const a = str(from) ? monthText(from as string) : "—";
  const b = str(to) ? monthText(to as string) : "—";
  return from === to ? a : `${a}至${b}`;
}

/** The arrears months and the periods of the record (version 3), as tables. */
export function recordTables(f: Facts): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  const arrears = records(f.arrears);
  if (arrears.length > 0)
    blocks.push(heading("欠费明细"), {
      kind: "table",
      head: ["欠费月份", "欠费金额"],
      widths: [1, 1],
      rows: arrears.map((a) => [str(a.month) ? monthText(a.month as string) : "—", yuan(a.amountFen)]),
    });
  const periods = records(f.periods);
  if (periods.length > 0)
    blocks.push(heading("缴费明细"), {
      kind: "table",
      head: ["起止年月", "月数", "缴费基数", "缴费状态", "缴费单位"],
      widths: [2.4, 0.7, 1.4, 1.1, 2.4],
      rows: periods.map((p) => [
        periodText(p.from, p.to),
        num(p.months) === null ? "—" : String(p.months),
        yuan(p.baseFen),
        periodStatus[String(p.status)] ?? str(p.status) ?? "—",
        p.payer === "flexible" ? "灵活就业" : (str(p.employerCreditCode) ?? "用人单位"),
      ]),
    });
  return blocks;
}

/** Each figure that differs between before and after: [label, before, after]. */
function changedFigures(before: Facts, after: Facts): string[][] {
  const specs = figureSpecs(after);
  const rows = Object.entries(specs)
    .filter(([k]) => Object.hasOwn(after, k) && after[k] !== before[k])
    .map(([k, s]) => [s.zh, valueText(before[k], s.unit), valueText(after[k], s.unit)]);
  for (const [k, zh] of [
    ["periods", "缴费明细"],
    ["arrears", "欠费明细"],
  ] as const)
    if (Object.hasOwn(after, k) && JSON.stringify(after[k]) !== JSON.stringify(before[k]))
      rows.push([zh, "见原凭证", "见本凭证"]);
  return rows;
}

/** Why a reissue corrects: the clerk's reason, else the record's corrections' reasons (each once). */
function correctionReason(payload: Facts): string | null {
  const own = str(payload.reason);
  if (own) return own;
  const reasons = records(payload.recordCorrections).flatMap((c) => (str(c.reason) ? [c.reason as string] : []));
  return reasons.length > 0 ? [...new Set(reasons)].join("；") : null;
}

/** A reissue: which one, why (a correction and its reason, or a lost paper), what changed. */
export function reissueBlocks(input: FigureInput, state: CertificateState): DocumentBlock[] {
  if (input.event.type !== REISSUE) return [];
  const n = input.before.filter((e) => e.type === REISSUE && e.seq <= input.event.seq).length;
  const changes = changedFigures(state.previous, state.facts);
  const reason = correctionReason(input.event.payload);
  const why = changes.length === 0 ? "原凭证遗失" : reason ? `更正：${reason}` : "更正";
  return [
    field("补开", `第 ${n} 次补开（${why}）`),
    ...(state.original ? [field("原凭证出具日期", chinaDateText(state.original.occurredOn))] : []),
    ...(changes.length > 0
      ? [
          heading("更正内容"),
          { kind: "table" as const, head: ["项目", "原", "更正后"], widths: [2, 1.5, 1.5], rows: changes },
        ]
      : []),
    text("本凭证补开后，此前出具的凭证作废。"),
  ];
}
