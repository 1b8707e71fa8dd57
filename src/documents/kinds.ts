// The documents a case produces (受理回执, 参保凭证, 同意接收函, 不予受理告知书, 补缴核定通知, 办结通知):
// ONE table of document kinds, what each says and who issues it. Which event produces which kind
// is declared by each case type (`documents` in machines/<type>.ts); the names of the kinds are the
// vocabulary's list (machines/vocabulary.ts DOCUMENT_KINDS), so a kind without a body here does not
// compile (docs/documents.md). Everything a document says is computed from the case's events, so
// the same document can always be produced again.
import type { Label } from "../../machines/types.ts";
import { DOCUMENT_KINDS, REFUSAL_REASONS, type DocumentKind } from "../../machines/vocabulary.ts";
import { formatFenZh } from "../domain/money.ts";

/** What a document needs of its case (the insured person's data already decrypted). */
export interface DocumentCase {
  id: string;
  caseNumber: string;
  type: string;
  /** the case type's name, e.g. 基本医疗保险关系转移接续 */
  typeLabel: Label;
  fromAgency: { name: string; region: string };
  toAgency: { name: string; region: string };
  insured: { name: string; idNumber: string };
}

/** One event of the case's log, as the documents read it. */
export interface DocumentEvent {
  seq: number;
  type: string;
  occurredOn: string;
  toState: string;
  payload: Record<string, unknown>;
}

/** A block of a document's body. */
export type DocumentBlock =
  | { kind: "field"; label: string; value: string }
  | { kind: "text"; text: string }
  | { kind: "heading"; text: string }
  | { kind: "table"; head: string[]; rows: string[][]; widths: number[] };

/** What a kind's body is computed from. */
export interface BodyInput {
  case: DocumentCase;
  event: DocumentEvent;
  /** every event of the case up to and including `event`, oldest first */
  before: DocumentEvent[];
  /** the label of the state a case ended in (completion notices) */
  stateLabel: (state: string) => Label;
  /** the address where the insured person looks up progress (the status page) */
  statusAddress: string;
}

export interface DocumentKindSpec {
  title: Label;
  /** which of the case's agencies issues it: "from" (transfer-out) or "to" (transfer-in; renewals: the one agency) */
  issuer: "from" | "to";
  /** the ID number in full: only the certificate the agencies exchange; every other document masks it */
  fullIdNumber: boolean;
  /** documents of the same chain replace each other: a later one supersedes the earlier (a reissued certificate) */
  chain?: string;
  body: (input: BodyInput) => DocumentBlock[];
}

// ---------------------------------------------------------------------------
// Helpers for the bodies

const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const yuan = (v: unknown): string => {
  const n = num(v);
  return n === null ? "—" : formatFenZh(n);
};

/** "2026-03-02" → "2026年3月2日" (a China date, as written on Chinese official papers). */
export function chinaDateText(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** "2026-03" → "2026年3月". */
function monthText(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? `${m[1]}年${Number(m[2])}月` : month;
}

const field = (label: string, value: string): DocumentBlock => ({ kind: "field", label, value });
const text = (t: string): DocumentBlock => ({ kind: "text", text: t });

const channelText: Record<string, string> = { online: "线上（国家医保服务平台等）", offline: "经办窗口" };
const applicantText: Record<string, string> = { employer: "用人单位", individual: "本人" };

/** The latest ISSUE_CERTIFICATE before (or at) the event: a reissue reprints its facts. */
function certificateFacts(input: BodyInput): DocumentEvent | undefined {
  return input.before.filter((e) => e.type === "ISSUE_CERTIFICATE").at(-1);
}

function reissueBlocks(input: BodyInput): DocumentBlock[] {
  if (input.event.type !== "REISSUE_CERTIFICATE") return [];
  const original = certificateFacts(input);
  const n = input.before.filter((e) => e.type === "REISSUE_CERTIFICATE").length;
  return [
    field("补开", `第 ${n} 次补开（原凭证遗失）`),
    ...(original ? [field("原凭证出具日期", chinaDateText(original.occurredOn))] : []),
    text("本凭证补开后，此前出具的凭证作废。"),
  ];
}

/** What to do after a refusal, by reason code (REFUSAL_REASONS in machines/vocabulary.ts). */
const refusalNextSteps: Record<string, string> = {
  notEnrolledAtNewPlace: "请先在转入地办理参保登记（用人单位为职工办理增员），再凭本业务编号重新提出申请。",
  coverNotSuspended: "请先到转出地经办机构办理中止参保手续，再重新提出申请。",
  documentsIncomplete: "请补齐所需材料（身份证件、参保凭证、申请表）后重新提交申请。",
  detailsDoNotMatch: "请核对姓名、身份证号码和参保日期等信息，更正后重新提出申请。",
  other: "请按上述原因办理后重新提出申请；如有疑问，请向转入地经办机构咨询。",
};

// ---------------------------------------------------------------------------
// The kinds

const medicalCertificateBody = (input: BodyInput): DocumentBlock[] => {
  const facts = certificateFacts(input)?.payload ?? input.event.payload;
  return [
    field("转出地经办机构", input.case.fromAgency.name),
    field("转入地经办机构", input.case.toAgency.name),
    field("缴费月数", num(facts.contributionMonths) === null ? "—" : `${num(facts.contributionMonths)} 个月`),
    field("个人账户余额", yuan(facts.accountBalanceFen)),
    field("欠费金额", yuan(facts.arrearsFen)),
    ...reissueBlocks(input),
    text("本凭证用于办理基本医疗保险关系转移接续，请交转入地经办机构。"),
  ];
};

export const documentKinds = {
  receipt: {
    title: { zh: "受理回执", en: "Acknowledgement of application" },
    issuer: "to",
    fullIdNumber: false,
    body: (input) => {
      const p = input.event.payload;
      const filings = input.before.filter((e) => e.type === "FILE_APPLICATION").length;
      return [
        field("申请事项", input.case.typeLabel.zh),
        field("受理日期", chinaDateText(input.event.occurredOn)),
        ...(str(p.channel) ? [field("申请渠道", channelText[p.channel as string] ?? String(p.channel))] : []),
        ...(str(p.applicant) ? [field("申请人", applicantText[p.applicant as string] ?? String(p.applicant))] : []),
        ...(filings > 1 ? [field("提交次数", `第 ${filings} 次提交`)] : []),
        text(`您的申请已收到。请妥善保管本回执：凭业务编号 ${input.case.caseNumber} 和您的身份证号码，`),
        text(`可在 ${input.statusAddress} 查询办理进度。`),
      ];
    },
  },
  insuranceCertificate: {
    title: { zh: "基本医疗保险参保凭证", en: "Medical insurance certificate" },
    issuer: "from",
    fullIdNumber: true,
    chain: "certificate",
    body: medicalCertificateBody,
  },
  recordForm: {
    // the 2021 online flow's electronic record form, which replaces the paper certificate
    title: { zh: "基本医疗保险参保信息表", en: "Medical insurance record form" },
    issuer: "from",
    fullIdNumber: true,
    chain: "certificate",
    body: medicalCertificateBody,
  },
  contributionCertificate: {
    title: { zh: "基本养老保险参保缴费凭证", en: "Pension contribution certificate" },
    issuer: "from",
    fullIdNumber: true,
    chain: "certificate",
    body: (input) => {
      const facts = certificateFacts(input)?.payload ?? input.event.payload;
      return [
        field("转出地经办机构", input.case.fromAgency.name),
        field("缴费月数", num(facts.contributionMonths) === null ? "—" : `${num(facts.contributionMonths)} 个月`),
        field("个人账户储存额", yuan(facts.personalAccountFen)),
        field("欠费金额", yuan(facts.arrearsFen)),
        ...reissueBlocks(input),
        text("请在新就业地参保缴费后，由用人单位或本人向转入地经办机构提出转移接续书面申请。"),
      ];
    },
  },
  acceptanceLetter: {
    title: { zh: "基本养老保险关系转移接续同意接收函", en: "Pension transfer acceptance letter" },
    issuer: "to",
    fullIdNumber: false,
    body: (input) => [
      text(`${input.case.fromAgency.name}：`),
      text(`经审核，同意接收参保人 ${input.case.insured.name} 的基本养老保险关系。`),
      text("请在收到本函之日起 15 个工作日内办理转移手续，转移个人账户储存额和统筹基金，并提供参保信息表。"),
      field("转出地经办机构", input.case.fromAgency.name),
      field("转入地经办机构", input.case.toAgency.name),
      field("同意接收日期", chinaDateText(input.event.occurredOn)),
    ],
  },
  refusalNotice: {
    title: { zh: "不予受理告知书", en: "Notice of refusal" },
    issuer: "to",
    fullIdNumber: false,
    body: (input) => {
      const p = input.event.payload;
      const code = str(p.reasonCode);
      const label =
        code && Object.hasOwn(REFUSAL_REASONS, code) ? REFUSAL_REASONS[code as keyof typeof REFUSAL_REASONS].zh : null;
      const reason = str(p.reason);
      return [
        field("申请事项", input.case.typeLabel.zh),
        field("决定日期", chinaDateText(input.event.occurredOn)),
        field("不予受理原因", [label, reason].filter(Boolean).join("：") || "—"),
        { kind: "heading", text: "下一步" },
        text(refusalNextSteps[code ?? "other"] ?? refusalNextSteps.other),
        text(`本业务可重新提出申请，办理进度可凭业务编号在 ${input.statusAddress} 查询。`),
      ];
    },
  },
  assessmentNotice: {
    title: { zh: "补缴核定通知", en: "Arrears assessment notice" },
    issuer: "to",
    fullIdNumber: false,
    body: (input) => {
      const p = input.event.payload;
      const blocks: DocumentBlock[] = [field("核定日期", chinaDateText(input.event.occurredOn))];
      // version 2 records the request with the computed `assessment` (src/engine/arrearsAssessment.ts)
      const a =
        typeof p.assessment === "object" && p.assessment !== null ? (p.assessment as Record<string, unknown>) : null;
      const lines = a && Array.isArray(a.lines) ? (a.lines as Record<string, unknown>[]) : null;
      if (a && lines) {
        // version 2: the month-by-month lines as the service computed them
        blocks.push({
          kind: "table",
          head: ["月份", "缴费基数", "应缴金额", "滞纳天数", "滞纳金"],
          widths: [1.2, 1.4, 1.4, 1, 1.2],
          rows: lines.map((l) => [
            str(l.month) ? monthText(l.month as string) : "—",
            yuan(l.baseFen),
            yuan(l.contributionFen),
            num(l.daysLate) === null ? "—" : String(num(l.daysLate)),
            yuan(l.lateFeeFen),
          ]),
        });
        blocks.push(field("合计应缴", yuan(a.totalFen)));
        const payBy = str(a.payBy) ?? str(p.paysOn);
        if (payBy) blocks.push(field("缴费截止日期", chinaDateText(payBy)));
        if (str(a.waitingPeriodEndsOn))
          blocks.push(field("待遇等待期", `至 ${chinaDateText(a.waitingPeriodEndsOn as string)} 止`));
      } else {
        // version 1: months, principal, late fee
        const principal = num(p.principalFen);
        const late = num(p.lateFeeFen);
        blocks.push(
          field("补缴月数", num(p.monthsMissed) === null ? "—" : `${num(p.monthsMissed)} 个月`),
          field("应缴本金", yuan(principal)),
          field("滞纳金", yuan(late)),
          field("合计应缴", principal === null || late === null ? "—" : formatFenZh(principal + late)),
        );
        if (p.backPayable === false)
          blocks.push(text("断缴时间超过可补缴期限，按新参保办理，享受待遇前须经过待遇等待期。"));
        else if (p.backPayable === true) blocks.push(text("补缴后参保关系连续计算，缴费年限合并计算。"));
      }
      blocks.push(text("请按核定金额一次缴清；缴费到账后，经办机构为您恢复参保。"));
      return blocks;
    },
  },
  completionNotice: {
    title: { zh: "办结通知", en: "Completion notice" },
    issuer: "to",
    fullIdNumber: false,
    body: (input) => {
      const p = input.event.payload;
      const out = input.before.filter((e) => e.type === "TRANSFER_OUT_DONE").at(-1)?.payload ?? {};
      const blocks: DocumentBlock[] = [
        field("办理事项", input.case.typeLabel.zh),
        field("办理结果", input.stateLabel(input.event.toState).zh),
        field("办结日期", chinaDateText(input.event.occurredOn)),
      ];
      if (num(out.transferredFen) !== null) blocks.push(field("划转个人账户余额", yuan(out.transferredFen)));
      if (num(out.personalAccountFen) !== null) blocks.push(field("转移个人账户储存额", yuan(out.personalAccountFen)));
      if (num(out.pooledFundFen) !== null) blocks.push(field("转移统筹基金", yuan(out.pooledFundFen)));
      if (num(p.amountFen) !== null) blocks.push(field("补缴金额", yuan(p.amountFen)));
      blocks.push(text("您的业务已办结。如有疑问，请凭业务编号向经办机构咨询。"));
      return blocks;
    },
  },
} as const satisfies Record<DocumentKind, DocumentKindSpec>;

export type { DocumentKind };
/** Every kind, in the vocabulary's order. */
export const documentKindNames = DOCUMENT_KINDS;

export function isDocumentKind(s: unknown): s is DocumentKind {
  return typeof s === "string" && Object.hasOwn(documentKinds, s);
}

/** The kind produced when an event ends a case (its target state is final). */
export const endsCase: DocumentKind = "completionNotice";
