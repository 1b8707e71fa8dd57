// The documents a case produces (受理回执, 参保凭证, 同意接收函, 不予受理告知书, 补缴核定通知, 办结通知):
// ONE table of document kinds, what each says and who issues it. Which event produces which kind
// is declared by each case type (`documents` in machines/<type>.ts); the names of the kinds are the
// vocabulary's list (machines/vocabulary.ts DOCUMENT_KINDS), so a kind without a body here does not
// compile (docs/documents.md). Everything a document says is computed from the case's events, so
// the same document can always be produced again.
import type { Label } from "../../machines/types.ts";
import { DOCUMENT_KINDS, REFUSAL_REASONS, type DocumentKind } from "../../machines/vocabulary.ts";
import { formatFenZh } from "../domain/money.ts";
import {
  chinaDateText,
  field,
  figure,
  monthText,
  monthsText,
  num,
  str,
  text,
  yuan,
  type DocumentActor,
  type DocumentAgency,
  type DocumentBlock,
  type DocumentCase,
  type DocumentEvent,
  type DocumentFigure,
  type FigureInput,
} from "./blocks.ts";
import { requiredKinds } from "../domain/requiredDocuments.ts";
import {
  certificateAt,
  certificateFigures,
  monthBlocks,
  pooledShareBlocks,
  recordTables,
  reissueBlocks,
} from "./certificate.ts";
import { gapBlocks, latestGapBlocks } from "./gap.ts";

export {
  chinaDateText,
  type DocumentActor,
  type DocumentAgency,
  type DocumentBlock,
  type DocumentCase,
  type DocumentEvent,
  type DocumentFigure,
};

/** What a kind's body is computed from. */
export interface BodyInput extends FigureInput {
  case: DocumentCase;
  /** the label of the state a case ended in (completion notices) */
  stateLabel: (state: string) => Label;
  /** the address where the insured person looks up progress (the status page) */
  statusAddress: string;
  /** the agency that issues the document (issuingAgency): the one /verify names too */
  issuer: DocumentAgency;
  /** the outcome of a state ("completed", "withdrawn" …; undefined: not final) */
  outcome: (state: string) => string | undefined;
  /**
   * the step due date the event set: the next event's `stepDueOn` (the date in force when it was
   * recorded), or the case's while the event's step clock still runs; null when it set none
   */
  stepDueAfter: string | null;
  /** the case type's overall time limit (machines: `overall`), when it has one */
  overall: { startsWith: string; nationalMaxDays: number } | null;
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
  /** the amounts and months the document states (the verification's answer); none when absent */
  figures?: (input: FigureInput) => DocumentFigure[];
}

// ---------------------------------------------------------------------------
// Helpers for the bodies

const channelText: Record<string, string> = { online: "线上（国家医保服务平台等）", offline: "经办窗口" };
const applicantText: Record<string, string> = { employer: "用人单位", individual: "本人" };

/** What to do after a refusal, by reason code (REFUSAL_REASONS in machines/vocabulary.ts). */
const refusalNextSteps: Record<string, string> = {
  notEnrolledAtNewPlace: "请先在转入地办理参保登记（用人单位为职工办理增员），再凭本业务编号重新提出申请。",
  coverNotSuspended: "请先到转出地经办机构办理中止参保手续，再重新提出申请。",
  documentsIncomplete: "请补齐所需材料（身份证件、参保凭证、申请表）后重新提交申请。",
  detailsDoNotMatch: "请核对姓名、身份证号码和参保日期等信息，更正后重新提出申请。",
  other: "请按上述原因办理后重新提出申请；如有疑问，请向转入地经办机构咨询。",
};

const schemeText: Record<string, string> = { employee: "职工", flexible: "灵活就业", resident: "城乡居民" };

/** What a clerk attaches (ATTACHMENT_KINDS), as the console names it. */
const attachmentText: Record<string, string> = {
  idCard: "居民身份证",
  householdRegister: "户口簿",
  laborContract: "劳动合同",
  certificate: "参保凭证",
  applicationForm: "申请表",
  employerForm: "增员表",
  other: "其他材料",
};
const attachmentsText = (kinds: readonly string[]) => kinds.map((k) => attachmentText[k] ?? k).join("、");

/**
 * Who issues a document of `kind` from `event`: the kind's agency (transfer-out or transfer-in);
 * a completion notice of a withdrawal comes from the agency that recorded the withdrawal, when the
 * actor belongs to one of the case's agencies. The PDF and the verification both use this.
 */
export function issuingAgency(
  kind: DocumentKind,
  c: DocumentCase,
  event: DocumentEvent,
  outcome: string | undefined,
): DocumentAgency {
  if (kind === endsCase && outcome === "withdrawn" && event.actor.agency) return event.actor.agency;
  return documentKinds[kind].issuer === "from" ? c.fromAgency : c.toAgency;
}

/**
 * The 经办人 of a document: the username of the staff account that recorded its event (a staff
 * account, not a person's name from personal data), "网上申请" for an API client (with the
 * client's name), "系统" for what the service recorded itself.
 */
export function clerkOf(actor: DocumentActor): string {
  if (actor.kind === "system") return "系统";
  if (actor.kind === "client") return actor.name ? `网上申请（${actor.name}）` : "网上申请";
  return actor.name ?? "—";
}

/** What the receipt says of the materials: those uploaded before the filing, and those the step requires. */
function materialBlocks(input: BodyInput): DocumentBlock[] {
  const required = requiredKinds(input.case.type, input.event.type);
  if (required.length === 0) return [];
  const present = new Set(
    input.case.attachments.filter((a) => a.createdAt <= input.event.recordedAt).map((a) => a.kind),
  );
  const received = required.filter((k) => present.has(k));
  return [
    ...(received.length > 0 ? [field("已收材料", attachmentsText(received))] : []),
    field("应提交材料", attachmentsText(required)),
  ];
}

/** The receipt's time limits: the step's due date the filing set, and the case type's overall limit. */
function timeLimitBlocks(input: BodyInput): DocumentBlock[] {
  const blocks: DocumentBlock[] = [];
  if (input.stepDueAfter)
    blocks.push(field("审核期限", `${input.case.toAgency.name} ${chinaDateText(input.stepDueAfter)}前完成审核`));
  const o = input.overall;
  if (o)
    blocks.push(
      field(
        "办结时限",
        o.startsWith === "ACCEPT"
          ? `转入地经办机构自受理之日起 ${o.nationalMaxDays} 个工作日内办结`
          : `自收到申请之日起 ${o.nationalMaxDays} 个工作日内办结`,
      ),
    );
  return blocks;
}

// ---------------------------------------------------------------------------
// The kinds

const medicalCertificateBody = (input: BodyInput): DocumentBlock[] => {
  const state = certificateAt(input);
  const f = state.facts;
  return [
    field("转出地经办机构", input.case.fromAgency.name),
    field("转入地经办机构", input.case.toAgency.name),
    field("险种", "基本医疗保险"),
    field("参保类别", schemeText[input.case.scheme] ?? input.case.scheme),
    ...monthBlocks(f),
    field("个人账户余额", yuan(f.accountBalanceFen)),
    field("欠费金额", yuan(f.arrearsFen)),
    ...reissueBlocks(input, state),
    ...recordTables(f),
    text("本凭证用于办理基本医疗保险关系转移接续，请交转入地经办机构。"),
  ];
};

const pensionCertificateBody = (input: BodyInput): DocumentBlock[] => {
  const state = certificateAt(input);
  const f = state.facts;
  return [
    field("转出地经办机构", input.case.fromAgency.name),
    ...monthBlocks(f),
    field("个人账户储存额", yuan(f.personalAccountFen)),
    field("欠费金额", yuan(f.arrearsFen)),
    ...pooledShareBlocks(f),
    ...reissueBlocks(input, state),
    ...recordTables(f),
    text("请在新就业地参保缴费后，由用人单位或本人向转入地经办机构提出转移接续书面申请。"),
  ];
};

/** The assessment notice's total: version 2's computed total, else version 1's principal plus late fee. */
function assessedTotal(p: Record<string, unknown>): number | null {
  const a =
    typeof p.assessment === "object" && p.assessment !== null ? (p.assessment as Record<string, unknown>) : null;
  if (a) return num(a.totalFen);
  const principal = num(p.principalFen);
  const late = num(p.lateFeeFen);
  return principal === null || late === null ? null : principal + late;
}

/** The latest event of `type` up to the document's event; its payload (empty when none). */
const latestPayload = (before: DocumentEvent[], type: string): Record<string, unknown> =>
  before.filter((e) => e.type === type).at(-1)?.payload ?? {};

/** The amount a completion notice states as paid: the event's own, else the renewal's payment. */
const paidFen = (input: FigureInput): unknown =>
  num(input.event.payload.amountFen) !== null
    ? input.event.payload.amountFen
    : latestPayload(input.before, "PAYMENT_RECEIVED").amountFen;

/** The amounts a completion notice states: what the transfer-out moved, what was paid. */
function completionFigures(input: FigureInput): DocumentFigure[] {
  const out = latestPayload(input.before, "TRANSFER_OUT_DONE");
  return [
    ...figure("transferredFen", "划转个人账户余额", "Personal account balance transferred", out.transferredFen, "fen"),
    ...figure(
      "personalAccountFen",
      "转移个人账户储存额",
      "Personal account transferred",
      out.personalAccountFen,
      "fen",
    ),
    ...figure("pooledFundFen", "转移统筹基金", "Pooled fund transferred", out.pooledFundFen, "fen"),
    ...figure("amountFen", "补缴金额", "Amount paid", paidFen(input), "fen"),
  ];
}

/**
 * The continuity an assessment found (renewal): version 2's `assessment.continuity`, else version
 * 1's `backPayable`; nothing without an assessment.
 */
function continuityBlocks(p: Record<string, unknown>): DocumentBlock[] {
  const a =
    typeof p.assessment === "object" && p.assessment !== null ? (p.assessment as Record<string, unknown>) : null;
  const c =
    a && typeof a.continuity === "object" && a.continuity !== null ? (a.continuity as Record<string, unknown>) : null;
  const continuous = c ? c.continuous : p.backPayable;
  if (typeof continuous !== "boolean") return [];
  const blocks = [field("连续参保", continuous ? "补缴后连续计算" : "不连续，重新计算")];
  if (c && num(c.continuousMonths) !== null) blocks.push(field("连续缴费月数", monthsText(c.continuousMonths)));
  return blocks;
}

function completionBody(input: BodyInput): DocumentBlock[] {
  const out = latestPayload(input.before, "TRANSFER_OUT_DONE");
  const withdrawn = input.outcome(input.event.toState) === "withdrawn";
  const blocks: DocumentBlock[] = [
    field("办理事项", input.case.typeLabel.zh),
    field("办理结果", input.stateLabel(input.event.toState).zh),
    field("办结日期", chinaDateText(input.event.occurredOn)),
  ];
  if (withdrawn) blocks.push(field("撤回原因", str(input.event.payload.reason) ?? "—"));
  if (num(out.transferredFen) !== null) blocks.push(field("划转个人账户余额", yuan(out.transferredFen)));
  if (num(out.personalAccountFen) !== null) blocks.push(field("转移个人账户储存额", yuan(out.personalAccountFen)));
  if (num(out.pooledFundFen) !== null) blocks.push(field("转移统筹基金", yuan(out.pooledFundFen)));
  if (!withdrawn && num(paidFen(input)) !== null) {
    blocks.push(field("补缴金额", yuan(paidFen(input))));
    blocks.push(...continuityBlocks(latestPayload(input.before, "ASSESS_ARREARS")));
  }
  blocks.push(...latestGapBlocks(input.before));
  blocks.push(text("您的业务已办结。如有疑问，请凭业务编号向经办机构咨询。"));
  return blocks;
}

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
        field("申请日期（收件日期）", chinaDateText(input.event.occurredOn)),
        ...(str(p.channel) ? [field("申请渠道", channelText[p.channel as string] ?? String(p.channel))] : []),
        ...(str(p.applicant) ? [field("申请人", applicantText[p.applicant as string] ?? String(p.applicant))] : []),
        ...(filings > 1 ? [field("提交次数", `第 ${filings} 次提交`)] : []),
        ...materialBlocks(input),
        ...timeLimitBlocks(input),
        ...gapBlocks(input.event),
        text(
          `您的申请已收到。请妥善保管本回执：凭业务编号 ${input.case.caseNumber} 和您的身份证号码，可在 ${input.statusAddress} 查询办理进度。`,
        ),
      ];
    },
  },
  insuranceCertificate: {
    title: { zh: "基本医疗保险参保凭证", en: "Medical insurance certificate" },
    issuer: "from",
    fullIdNumber: true,
    chain: "certificate",
    body: medicalCertificateBody,
    figures: certificateFigures,
  },
  recordForm: {
    // the 2021 online flow's electronic record form, which replaces the paper certificate
    title: { zh: "基本医疗保险参保信息表", en: "Medical insurance record form" },
    issuer: "from",
    fullIdNumber: true,
    chain: "certificate",
    body: medicalCertificateBody,
    figures: certificateFigures,
  },
  contributionCertificate: {
    title: { zh: "基本养老保险参保缴费凭证", en: "Pension contribution certificate" },
    issuer: "from",
    fullIdNumber: true,
    chain: "certificate",
    body: pensionCertificateBody,
    figures: certificateFigures,
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
        { kind: "heading", text: "救济途径" },
        text(
          `如对本决定不服，可自收到本告知书之日起 60 日内向${input.issuer.name}同级人民政府或上一级主管部门申请行政复议，或者自收到之日起 6 个月内向人民法院提起行政诉讼。`,
        ),
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
    figures: (input) => [...figure("totalFen", "合计应缴", "Total due", assessedTotal(input.event.payload), "fen")],
  },
  completionNotice: {
    title: { zh: "办结通知", en: "Completion notice" },
    issuer: "to",
    fullIdNumber: false,
    body: completionBody,
    figures: completionFigures,
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
