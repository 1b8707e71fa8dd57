/**
 * Basic medical insurance relationship transfer (基本医疗保险关系转移接续),
 * 医保办发〔2021〕43号. Version 1. State and event names are fixed: the API and clients use them.
 *
 *   suspended --ISSUE_CERTIFICATE--> certificateIssued --FILE_APPLICATION--> applicationFiled
 *   applicationFiled --ACCEPT--> transferOut --TRANSFER_OUT_DONE--> transferIn --TRANSFER_IN_DONE--> transferred
 *   applicationFiled --REFUSE--> refused --FILE_APPLICATION--> applicationFiled
 *   REISSUE_CERTIFICATE (lost certificate) in certificateIssued, applicationFiled, refused
 *   WITHDRAW from any state before transferOut --> withdrawn
 *
 * Arrears rule. The certificate states the arrears (`arrearsFen`). They are settled by an
 * explicit ARREARS_PAID {paidFen} event, recorded by transfer-out staff, allowed in
 * certificateIssued, applicationFiled and refused; guard `paysOutstandingArrears`:
 * arrearsFen > 0 and paidFen === arrearsFen (no part payments: the old agency records the
 * settlement once). It sets arrearsFen to 0 and adds paidFen to arrearsPaidFen. ACCEPT is
 * refused by guard `noArrears` while arrearsFen > 0: the transfer-in agency's eligibility
 * check (校验) does not pass a case whose old cover is not settled.
 *
 * Amount rule. TRANSFER_OUT_DONE {transferredFen} is refused by guard
 * `transfersCertifiedBalance` unless transferredFen equals the certified accountBalanceFen.
 * REISSUE_CERTIFICATE takes no payload (a reissue reprints the same facts), so there is no
 * way to certify a different balance within a case: the guard is plain equality.
 *
 * Deadlines are data (StateMeta.deadline), counted by the engine in working days from the
 * occurredOn of the event that entered the state; the machine itself has no timers.
 */
import { and, assertEvent, assign, setup } from "xstate";
import { z } from "zod";
import type { CaseMachineModule, CaseTypeDefinition, EventSpec, Flow, OverallDeadline, StateMeta } from "./types.ts";
import { refusalOf, type CaseEventOf, type CaseInput } from "./runtime.ts";
import {
  applicant,
  applicationGapSchema,
  certificateAddsUp,
  certificateFromRecordFields,
  channel,
  contributionMonths,
  reissueFromRecordFields,
  type ApplicationGap,
  fen,
  noPayload,
  reason,
  refusalPayload,
  type Applicant,
  type Channel,
  type RefusalReasonCode,
} from "./vocabulary.ts";

const VERSION = 1;

/** Case facts. Amounts in fen; null until the event that states them has happened. */
export interface MedicalTransferContext {
  openedOn: string;
  /** from the certificate (参保凭证) */
  contributionMonths: number | null;
  accountBalanceFen: number | null;
  /** outstanding arrears; 0 once ARREARS_PAID is recorded */
  arrearsFen: number;
  arrearsPaidFen: number;
  reissueCount: number;
  /** FILE_APPLICATION count: the first filing and every refiling after a refusal */
  applicationCount: number;
  channel: Channel | null;
  applicant: Applicant | null;
  /** reason of the latest refusal (kept after refiling; the event log has them all) */
  refusalReason: string | null;
  transferredFen: number | null;
  withdrawalReason: string | null;
}

const events = {
  ISSUE_CERTIFICATE: {
    payload: z
      .object({ contributionMonths: contributionMonths(), accountBalanceFen: fen(), arrearsFen: fen() })
      .strict(),
    recordedBy: ["transferOut"],
    label: { zh: "开具参保凭证", en: "Issue insurance certificate" },
  },
  REISSUE_CERTIFICATE: {
    payload: noPayload(),
    recordedBy: ["transferOut"],
    label: { zh: "补开参保凭证", en: "Reissue insurance certificate" },
    maxPerCase: 20,
  },
  ARREARS_PAID: {
    payload: z.object({ paidFen: fen() }).strict(),
    recordedBy: ["transferOut"],
    label: { zh: "欠费已补缴", en: "Arrears paid" },
    maxPerCase: 20,
  },
  FILE_APPLICATION: {
    payload: z.object({ channel: channel(), applicant: applicant() }).strict(),
    // the application may be filed at either agency's window (or online)
    recordedBy: ["transferOut", "transferIn"],
    label: { zh: "提交转移接续申请", en: "File transfer application" },
    maxPerCase: 20,
  },
  ACCEPT: {
    payload: noPayload(),
    recordedBy: ["transferIn"],
    label: { zh: "校验通过，受理申请", en: "Accept application" },
  },
  REFUSE: {
    payload: z.object({ reason: reason() }).strict(),
    recordedBy: ["transferIn"],
    label: { zh: "不予受理（说明理由）", en: "Refuse application (with reason)" },
    maxPerCase: 20,
  },
  TRANSFER_OUT_DONE: {
    payload: z.object({ transferredFen: fen() }).strict(),
    recordedBy: ["transferOut"],
    label: {
      zh: "转出完成（上传信息表、划转个人账户余额）",
      en: "Transfer-out done (record sent, balance transferred)",
    },
  },
  TRANSFER_IN_DONE: {
    payload: noPayload(),
    recordedBy: ["transferIn"],
    label: { zh: "转入完成", en: "Transfer-in done" },
  },
  WITHDRAW: {
    payload: z.object({ reason: reason() }).strict(),
    recordedBy: ["transferOut", "transferIn"],
    label: { zh: "撤回申请", en: "Withdraw" },
  },
} satisfies Record<string, EventSpec>;

export type MedicalTransferEvent = CaseEventOf<typeof events>;

const steps = 6;

const states = {
  suspended: { side: "transferOut", step: 1, label: { zh: "已中止参保", en: "Cover suspended" } },
  certificateIssued: { side: "insured", step: 2, label: { zh: "已开具参保凭证", en: "Certificate issued" } },
  applicationFiled: {
    side: "transferIn",
    step: 3,
    label: { zh: "已提交申请，待转入地校验", en: "Application filed, awaiting eligibility check" },
  },
  // The person may file again: not final, same step as the application.
  refused: { side: "insured", step: 3, label: { zh: "不予受理", en: "Application refused" } },
  transferOut: {
    side: "transferOut",
    step: 4,
    label: { zh: "转出办理中", en: "Transfer-out in progress" },
    deadline: { key: "medicalTransfer.transferOut", nationalMaxDays: 10, agency: "transferOut" },
  },
  transferIn: {
    side: "transferIn",
    step: 5,
    label: { zh: "转入办理中", en: "Transfer-in in progress" },
    // counted from the transfer-out date: the event that entered this state
    deadline: { key: "medicalTransfer.transferIn", nationalMaxDays: 5, agency: "transferIn" },
  },
  transferred: { side: "none", step: steps, outcome: "completed", label: { zh: "已转移接续", en: "Transferred" } },
  withdrawn: { side: "none", step: steps, outcome: "withdrawn", label: { zh: "已撤回", en: "Withdrawn" } },
} satisfies Record<string, StateMeta>;

/** National ceiling: 15 working days from acceptance to completion (10 + 5). */
const overall: OverallDeadline = {
  startsWith: "ACCEPT",
  key: "medicalTransfer.overall",
  nationalMaxDays: 15,
  agency: "transferIn",
};

const withdraw = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const reissue = { actions: "countReissue" } as const;
const payArrears = { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" } as const;
const file = { target: "applicationFiled", actions: "recordApplication" } as const;

export const medicalTransferMachine = setup({
  types: {
    context: {} as MedicalTransferContext,
    events: {} as MedicalTransferEvent,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    noArrears: ({ context }) => context.arrearsFen === 0,
    paysOutstandingArrears: ({ context, event }) =>
      event.type === "ARREARS_PAID" && context.arrearsFen > 0 && event.paidFen === context.arrearsFen,
    transfersCertifiedBalance: ({ context, event }) =>
      event.type === "TRANSFER_OUT_DONE" && event.transferredFen === context.accountBalanceFen,
  },
  actions: {
    recordCertificate: assign(({ event }) => {
      assertEvent(event, "ISSUE_CERTIFICATE");
      return {
        contributionMonths: event.contributionMonths,
        accountBalanceFen: event.accountBalanceFen,
        arrearsFen: event.arrearsFen,
      };
    }),
    countReissue: assign({ reissueCount: ({ context }) => context.reissueCount + 1 }),
    recordArrearsPaid: assign(({ context, event }) => {
      assertEvent(event, "ARREARS_PAID");
      return { arrearsFen: 0, arrearsPaidFen: context.arrearsPaidFen + event.paidFen };
    }),
    recordApplication: assign(({ context, event }) => {
      assertEvent(event, "FILE_APPLICATION");
      return { channel: event.channel, applicant: event.applicant, applicationCount: context.applicationCount + 1 };
    }),
    recordRefusal: assign(({ event }) => {
      assertEvent(event, "REFUSE");
      return { refusalReason: event.reason };
    }),
    recordTransferOut: assign(({ event }) => {
      assertEvent(event, "TRANSFER_OUT_DONE");
      return { transferredFen: event.transferredFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "medicalTransfer",
  version: String(VERSION),
  initial: "suspended",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    contributionMonths: null,
    accountBalanceFen: null,
    arrearsFen: 0,
    arrearsPaidFen: 0,
    reissueCount: 0,
    applicationCount: 0,
    channel: null,
    applicant: null,
    refusalReason: null,
    transferredFen: null,
    withdrawalReason: null,
  }),
  states: {
    suspended: {
      meta: states.suspended,
      on: {
        ISSUE_CERTIFICATE: { target: "certificateIssued", actions: "recordCertificate" },
        WITHDRAW: withdraw,
      },
    },
    certificateIssued: {
      meta: states.certificateIssued,
      on: { FILE_APPLICATION: file, REISSUE_CERTIFICATE: reissue, ARREARS_PAID: payArrears, WITHDRAW: withdraw },
    },
    applicationFiled: {
      meta: states.applicationFiled,
      on: {
        ACCEPT: { target: "transferOut", guard: "noArrears" },
        REFUSE: { target: "refused", actions: "recordRefusal" },
        REISSUE_CERTIFICATE: reissue,
        ARREARS_PAID: payArrears,
        WITHDRAW: withdraw,
      },
    },
    refused: {
      meta: states.refused,
      on: { FILE_APPLICATION: file, REISSUE_CERTIFICATE: reissue, ARREARS_PAID: payArrears, WITHDRAW: withdraw },
    },
    transferOut: {
      meta: states.transferOut,
      on: {
        TRANSFER_OUT_DONE: { target: "transferIn", guard: "transfersCertifiedBalance", actions: "recordTransferOut" },
      },
    },
    transferIn: {
      meta: states.transferIn,
      on: { TRANSFER_IN_DONE: { target: "transferred" } },
    },
    transferred: { type: "final", meta: states.transferred },
    withdrawn: { type: "final", meta: states.withdrawn },
  },
});

export const medicalTransfer: CaseMachineModule = {
  type: "medicalTransfer",
  version: VERSION,
  machine: medicalTransferMachine,
  events,
  states,
  steps,
  overall,
  refusals: {
    ACCEPT: "the arrears stated on the certificate are unpaid; record ARREARS_PAID first",
    ARREARS_PAID: "paidFen must equal the outstanding arrears, and there must be arrears to pay",
    TRANSFER_OUT_DONE: "transferredFen must equal the certified account balance",
  },
};

// ===========================================================================
// Version 2: the paper flow of version 1 (same states, events and payloads) with two changes, plus
// the online flow of 医保办发〔2021〕43号.
//
// Paper flow (certificate first, application at a window), as in version 1, except:
//   - REFUSE takes `refusalPayload()` (a reasonCode from REFUSAL_REASONS and/or the free-text
//     reason; the reason alone means `other`); the context keeps the latest reasonCode.
//   - REISSUE_CERTIFICATE may carry corrected figures (contributionMonths, accountBalanceFen,
//     arrearsFen, each optional) and then needs a `reason`. The context keeps each correction's
//     before and after (`certificateCorrections[].changes.<figure>.from / .to`), and every later check uses the latest figures:
//     the outstanding arrears become max(0, corrected arrears − arrears already paid), and
//     TRANSFER_OUT_DONE must move the corrected balance. Guard `correctsCertificate`: a correction
//     must change at least one figure, and there must be a certificate (or record form) to correct.
//
// Online flow (the person or the employer applies on the national platform at the new place first):
//   suspended --APPLY_ONLINE--> onlineApplicationFiled --ACCEPT (联系函 sent)--> onlineTransferOut
//   onlineApplicationFiled --REFUSE--> onlineRefused --APPLY_ONLINE--> onlineApplicationFiled
//   onlineTransferOut: ISSUE_RECORD_FORM (the electronic 参保信息表 in place of the paper
//     certificate: the same figures; guard `noRecordFormYet`), ARREARS_PAID, REISSUE_CERTIFICATE
//     (corrections of the form), then TRANSFER_OUT_DONE (guards noArrears and
//     transfersCertifiedBalance: local cover ended, the form's balance moved) --> transferIn
//   transferIn --TRANSFER_IN_DONE--> transferred (the same last steps as the paper flow)
//   WITHDRAW from suspended, onlineApplicationFiled and onlineRefused --> withdrawn
//
// Deadlines (StateMeta data, counted by src/deadlines): onlineTransferOut carries the same limit
// as the paper transferOut (medicalTransfer.transferOut, 10 working days from the acceptance, the
// event that entered it; the record form and corrections are self-transitions and keep the clock),
// transferIn 5 from the transfer-out, and the overall 15 from ACCEPT in both flows.
//
// `flow` in the context says which flow the case follows: null while only the suspension is
// recorded, "paper" from ISSUE_CERTIFICATE, "online" from APPLY_ONLINE.

const VERSION_2 = 2;

export type MedicalTransferFlow = Flow;

/** One REISSUE_CERTIFICATE with corrected figures: each corrected figure before (`from`) and after (`to`). */
export interface CertificateCorrection {
  occurredOn: string;
  reason: string;
  changes: Partial<Record<"contributionMonths" | "accountBalanceFen" | "arrearsFen", { from: number; to: number }>>;
}

export interface MedicalTransferV2Context extends MedicalTransferContext {
  flow: MedicalTransferFlow | null;
  /** arrears as stated on the latest certificate or record form (arrearsFen is what is still outstanding) */
  certifiedArrearsFen: number | null;
  /** code of the latest refusal (REFUSAL_REASONS; `other` when only a reason was given) */
  refusalReasonCode: RefusalReasonCode | null;
  certificateCorrections: CertificateCorrection[];
}

const certificateFigures = {
  contributionMonths: contributionMonths(),
  accountBalanceFen: fen(),
  arrearsFen: fen(),
};
const correctedFields = ["contributionMonths", "accountBalanceFen", "arrearsFen"] as const;

const eventsV2 = {
  ...events,
  REISSUE_CERTIFICATE: {
    ...events.REISSUE_CERTIFICATE,
    payload: z
      .object({
        contributionMonths: certificateFigures.contributionMonths.optional(),
        accountBalanceFen: certificateFigures.accountBalanceFen.optional(),
        arrearsFen: certificateFigures.arrearsFen.optional(),
        reason: reason().optional(),
      })
      .strict()
      .refine((p) => p.reason !== undefined || correctedFields.every((f) => p[f] === undefined), {
        message: "a reissue with corrected figures needs a reason",
        path: ["reason"],
      }),
    label: { zh: "补开或更正参保凭证", en: "Reissue or correct the certificate" },
  },
  REFUSE: { ...events.REFUSE, payload: refusalPayload() },
  APPLY_ONLINE: {
    payload: z.object({ applicant: applicant() }).strict(),
    // filed on the national platform at the transfer-in agency (an API client, or its staff)
    recordedBy: ["transferIn"],
    label: { zh: "网上申请转移接续（国家医保服务平台）", en: "Apply online (national platform)" },
    maxPerCase: 20,
  },
  ISSUE_RECORD_FORM: {
    payload: z.object(certificateFigures).strict(),
    recordedBy: ["transferOut"],
    label: { zh: "生成参保信息表（电子）", en: "Issue the electronic record form" },
  },
} satisfies Record<string, EventSpec>;

export type MedicalTransferV2Event = CaseEventOf<typeof eventsV2>;

// The eligibility check has no national limit (医保办发〔2021〕43号 sets none); an agency may promise
// one (its `medicalTransfer.review` limit), and only then the step has a due date. 15 working days,
// the whole case's national ceiling, is the most it may set.
const review = { key: "medicalTransfer.review", nationalMaxDays: 15, agency: "transferIn", agencyOnly: true } as const;

const statesV2 = {
  ...states,
  applicationFiled: { ...states.applicationFiled, deadline: review },
  onlineApplicationFiled: {
    side: "transferIn",
    step: 3,
    label: { zh: "已网上申请，待转入地校验", en: "Applied online, awaiting eligibility check" },
    deadline: review,
  },
  onlineRefused: { side: "insured", step: 3, label: { zh: "网上申请不予受理", en: "Online application refused" } },
  onlineTransferOut: {
    side: "transferOut",
    step: 4,
    label: {
      zh: "已发联系函，转出地办理中（参保信息表、个人账户划转）",
      en: "Contact letter sent, transfer-out in progress (record form, balance)",
    },
    // 10 working days from the acceptance, as the paper transferOut (the same agency setting)
    deadline: states.transferOut.deadline,
  },
} satisfies Record<string, StateMeta>;

const withdrawV2 = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const reissueV2 = { guard: "correctsCertificate", actions: "recordReissue" } as const;
const fileV2 = { target: "applicationFiled", actions: "recordApplication" } as const;
const applyOnline = { target: "onlineApplicationFiled", actions: "recordOnlineApplication" } as const;

export const medicalTransferV2Machine = setup({
  types: {
    context: {} as MedicalTransferV2Context,
    events: {} as MedicalTransferV2Event,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    noArrears: ({ context }) => context.arrearsFen === 0,
    paysOutstandingArrears: ({ context, event }) =>
      event.type === "ARREARS_PAID" && context.arrearsFen > 0 && event.paidFen === context.arrearsFen,
    transfersCertifiedBalance: ({ context, event }) =>
      event.type === "TRANSFER_OUT_DONE" && event.transferredFen === context.accountBalanceFen,
    correctsCertificate: ({ context, event }) => {
      if (event.type !== "REISSUE_CERTIFICATE" || context.accountBalanceFen === null) return false;
      const given = correctedFields.filter((f) => event[f] !== undefined);
      if (given.length === 0) return true; // a plain reissue of a lost certificate
      const current = {
        contributionMonths: context.contributionMonths,
        accountBalanceFen: context.accountBalanceFen,
        arrearsFen: context.certifiedArrearsFen,
      };
      return given.some((f) => event[f] !== current[f]);
    },
    noRecordFormYet: ({ context }) => context.accountBalanceFen === null,
  },
  actions: {
    recordCertificate: assign(({ event }) => {
      assertEvent(event, ["ISSUE_CERTIFICATE", "ISSUE_RECORD_FORM"]);
      return {
        contributionMonths: event.contributionMonths,
        accountBalanceFen: event.accountBalanceFen,
        arrearsFen: event.arrearsFen,
        certifiedArrearsFen: event.arrearsFen,
      };
    }),
    startPaperFlow: assign({ flow: "paper" as const }),
    recordReissue: assign(({ context, event }) => {
      assertEvent(event, "REISSUE_CERTIFICATE");
      const reissueCount = context.reissueCount + 1;
      const current = {
        contributionMonths: context.contributionMonths ?? 0,
        accountBalanceFen: context.accountBalanceFen ?? 0,
        arrearsFen: context.certifiedArrearsFen ?? 0,
      };
      const changes: CertificateCorrection["changes"] = {};
      for (const f of correctedFields) {
        const corrected = event[f];
        if (corrected !== undefined && corrected !== current[f]) changes[f] = { from: current[f], to: corrected };
      }
      if (Object.keys(changes).length === 0) return { reissueCount };
      const certifiedArrearsFen = event.arrearsFen ?? current.arrearsFen;
      return {
        reissueCount,
        contributionMonths: event.contributionMonths ?? current.contributionMonths,
        accountBalanceFen: event.accountBalanceFen ?? current.accountBalanceFen,
        certifiedArrearsFen,
        arrearsFen: Math.max(0, certifiedArrearsFen - context.arrearsPaidFen),
        certificateCorrections: [
          ...context.certificateCorrections,
          { occurredOn: event.occurredOn, reason: event.reason ?? "", changes },
        ],
      };
    }),
    recordArrearsPaid: assign(({ context, event }) => {
      assertEvent(event, "ARREARS_PAID");
      return { arrearsFen: 0, arrearsPaidFen: context.arrearsPaidFen + event.paidFen };
    }),
    recordApplication: assign(({ context, event }) => {
      assertEvent(event, "FILE_APPLICATION");
      return { channel: event.channel, applicant: event.applicant, applicationCount: context.applicationCount + 1 };
    }),
    recordOnlineApplication: assign(({ context, event }) => {
      assertEvent(event, "APPLY_ONLINE");
      return {
        flow: "online" as const,
        channel: "online" as const,
        applicant: event.applicant,
        applicationCount: context.applicationCount + 1,
      };
    }),
    recordRefusal: assign(({ event }) => {
      assertEvent(event, "REFUSE");
      return { refusalReason: event.reason ?? null, refusalReasonCode: event.reasonCode ?? ("other" as const) };
    }),
    recordTransferOut: assign(({ event }) => {
      assertEvent(event, "TRANSFER_OUT_DONE");
      return { transferredFen: event.transferredFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "medicalTransfer",
  version: String(VERSION_2),
  initial: "suspended",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    flow: null,
    contributionMonths: null,
    accountBalanceFen: null,
    arrearsFen: 0,
    certifiedArrearsFen: null,
    arrearsPaidFen: 0,
    reissueCount: 0,
    certificateCorrections: [],
    applicationCount: 0,
    channel: null,
    applicant: null,
    refusalReason: null,
    refusalReasonCode: null,
    transferredFen: null,
    withdrawalReason: null,
  }),
  states: {
    suspended: {
      meta: statesV2.suspended,
      on: {
        ISSUE_CERTIFICATE: { target: "certificateIssued", actions: ["recordCertificate", "startPaperFlow"] },
        APPLY_ONLINE: applyOnline,
        WITHDRAW: withdrawV2,
      },
    },
    // --- paper flow (version 1's states and events)
    certificateIssued: {
      meta: statesV2.certificateIssued,
      on: {
        FILE_APPLICATION: fileV2,
        REISSUE_CERTIFICATE: reissueV2,
        ARREARS_PAID: { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" },
        WITHDRAW: withdrawV2,
      },
    },
    applicationFiled: {
      meta: statesV2.applicationFiled,
      on: {
        ACCEPT: { target: "transferOut", guard: "noArrears" },
        REFUSE: { target: "refused", actions: "recordRefusal" },
        REISSUE_CERTIFICATE: reissueV2,
        ARREARS_PAID: { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" },
        WITHDRAW: withdrawV2,
      },
    },
    refused: {
      meta: statesV2.refused,
      on: {
        FILE_APPLICATION: fileV2,
        REISSUE_CERTIFICATE: reissueV2,
        ARREARS_PAID: { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" },
        WITHDRAW: withdrawV2,
      },
    },
    transferOut: {
      meta: statesV2.transferOut,
      on: {
        TRANSFER_OUT_DONE: { target: "transferIn", guard: "transfersCertifiedBalance", actions: "recordTransferOut" },
      },
    },
    // --- online flow (医保办发〔2021〕43号)
    onlineApplicationFiled: {
      meta: statesV2.onlineApplicationFiled,
      on: {
        // the eligibility check passed: the contact letter (联系函) goes to the transfer-out agency
        ACCEPT: { target: "onlineTransferOut" },
        REFUSE: { target: "onlineRefused", actions: "recordRefusal" },
        WITHDRAW: withdrawV2,
      },
    },
    onlineRefused: {
      meta: statesV2.onlineRefused,
      on: { APPLY_ONLINE: applyOnline, WITHDRAW: withdrawV2 },
    },
    onlineTransferOut: {
      meta: statesV2.onlineTransferOut,
      on: {
        ISSUE_RECORD_FORM: { guard: "noRecordFormYet", actions: "recordCertificate" },
        REISSUE_CERTIFICATE: reissueV2,
        ARREARS_PAID: { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" },
        TRANSFER_OUT_DONE: {
          target: "transferIn",
          guard: and(["noArrears", "transfersCertifiedBalance"]),
          actions: "recordTransferOut",
        },
      },
    },
    // --- both flows
    transferIn: {
      meta: statesV2.transferIn,
      on: { TRANSFER_IN_DONE: { target: "transferred" } },
    },
    transferred: { type: "final", meta: statesV2.transferred },
    withdrawn: { type: "final", meta: statesV2.withdrawn },
  },
});

export const medicalTransferV2: CaseMachineModule = {
  ...medicalTransfer,
  version: VERSION_2,
  machine: medicalTransferV2Machine,
  events: eventsV2,
  states: statesV2,
  steps,
  overall,
  refusals: {
    ACCEPT: "the arrears stated on the certificate are unpaid; record ARREARS_PAID first",
    ARREARS_PAID: "paidFen must equal the outstanding arrears, and there must be arrears to pay",
    TRANSFER_OUT_DONE:
      "transferredFen must equal the certified account balance (the latest certificate or record form), " +
      "and in the online flow the record form must be issued and its arrears paid",
    REISSUE_CERTIFICATE:
      "a correction must change at least one figure, and there must be a certificate or record form to correct",
    ISSUE_RECORD_FORM: "the record form is issued once; correct it with REISSUE_CERTIFICATE",
  },
};

/** Which flow a medical transfer case follows: version 1 knows only the paper flow. */
export function medicalTransferFlow(version: number, context: Record<string, unknown>): MedicalTransferFlow | null {
  if (version < VERSION_2) return "paper";
  return context.flow === "paper" || context.flow === "online" ? context.flow : null;
}

/** The same from the types of the events recorded (the status lookup reads events, not facts). */
function flowOfEvents(version: number, eventTypes: readonly string[]): MedicalTransferFlow | null {
  if (version < VERSION_2) return "paper";
  if (eventTypes.includes("APPLY_ONLINE")) return "online";
  return eventTypes.includes("ISSUE_CERTIFICATE") ? "paper" : null;
}

// ===========================================================================
// Version 3: the figures from the contribution record (issue #28, docs/contributions.md).
//
// The states, flows, sides and deadlines of version 2. What changes is where the figures come from:
//   - ISSUE_CERTIFICATE, ISSUE_RECORD_FORM and REISSUE_CERTIFICATE record what the transfer-out
//     agency's record says as of the event's date (the service reads it: computation
//     "certificateFromRecord" / "certificateReissueFromRecord"): months actual and deemed, the
//     continuity, the periods (参保起止, base, payer), the arrears month by month, the balance. The
//     clerk types no figure; one typed anyway must be the record's. The machine checks that the
//     months and arrears add up to the periods and arrears months (`certificateAddsUp`).
//   - A reissue states the record again: figures that changed since the last certificate are a
//     correction (更正), with the clerk's reason or else the reasons of the record's corrections;
//     unchanged figures are a plain reissue (a lost certificate). Guard `hasCertificate`.
//   - FILE_APPLICATION and APPLY_ONLINE record the gap between the last month paid at the old
//     place and the first at the new (computation "applicationGap"); over 3 months the transfer-in
//     region's waiting period applies (the case, the status page and the completion notice say so).
//     The gap never blocks the transfer: it is a consequence the person must be told of.
//   - TRANSFER_IN_DONE adds the carried months to the transfer-in agency's record (record effect
//     "transferCarriedMonths"), so that the years add up at the new place.

const VERSION_3 = 3;

export interface MedicalTransferV3Context extends MedicalTransferV2Context {
  /** from the latest certificate or record form */
  deemedMonths: number | null;
  continuousMonths: number | null;
  recordAsOf: string | null;
  /** the gap found when the application was filed (the latest filing) */
  gap: ApplicationGap | null;
}

const certificateV3 = z.object({ ...certificateFromRecordFields, accountBalanceFen: fen() }).strict();

const eventsV3 = {
  ...eventsV2,
  ISSUE_CERTIFICATE: { ...eventsV2.ISSUE_CERTIFICATE, payload: certificateV3 },
  ISSUE_RECORD_FORM: { ...eventsV2.ISSUE_RECORD_FORM, payload: certificateV3 },
  REISSUE_CERTIFICATE: {
    ...eventsV2.REISSUE_CERTIFICATE,
    payload: certificateV3.extend(reissueFromRecordFields).strict(),
  },
  FILE_APPLICATION: {
    ...eventsV2.FILE_APPLICATION,
    payload: z.object({ channel: channel(), applicant: applicant(), gap: applicationGapSchema }).strict(),
  },
  APPLY_ONLINE: {
    ...eventsV2.APPLY_ONLINE,
    payload: z.object({ applicant: applicant(), gap: applicationGapSchema }).strict(),
  },
} satisfies Record<string, EventSpec>;

export type MedicalTransferV3Event = CaseEventOf<typeof eventsV3>;

/** What the clerk may still type on a certificate: each figure, to be checked against the record. */
const typedFigures = z
  .object({
    contributionMonths: contributionMonths().optional(),
    accountBalanceFen: fen().optional(),
    arrearsFen: fen().optional(),
  })
  .strict();

const withdrawV3 = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const reissueV3 = { guard: "hasCertificate", actions: "recordReissue" } as const;
const fileV3 = { target: "applicationFiled", actions: "recordApplication" } as const;
const applyOnlineV3 = { target: "onlineApplicationFiled", actions: "recordOnlineApplication" } as const;
const payArrearsV3 = { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" } as const;

type CertificateEventV3 = Extract<
  MedicalTransferV3Event,
  { type: "ISSUE_CERTIFICATE" | "ISSUE_RECORD_FORM" | "REISSUE_CERTIFICATE" }
>;

/** The context's figures from a certificate event (the outstanding arrears: certified minus paid). */
function certifiedFigures(context: MedicalTransferV3Context, e: CertificateEventV3) {
  return {
    contributionMonths: e.contributionMonths,
    deemedMonths: e.deemedMonths,
    continuousMonths: e.continuousMonths,
    recordAsOf: e.recordAsOf,
    accountBalanceFen: e.accountBalanceFen,
    certifiedArrearsFen: e.arrearsFen,
    arrearsFen: Math.max(0, e.arrearsFen - context.arrearsPaidFen),
  };
}

/** A reissue's changed figures (none: a plain reissue of a lost certificate). */
function changesOf(context: MedicalTransferV3Context, e: CertificateEventV3): CertificateCorrection["changes"] {
  const before = {
    contributionMonths: context.contributionMonths ?? 0,
    accountBalanceFen: context.accountBalanceFen ?? 0,
    arrearsFen: context.certifiedArrearsFen ?? 0,
  };
  const changes: CertificateCorrection["changes"] = {};
  for (const f of correctedFields) if (e[f] !== before[f]) changes[f] = { from: before[f], to: e[f] };
  return changes;
}

/** Why a reissue corrects: the clerk's reason, else the record's corrections' reasons. */
function correctionReason(e: { reason: string | null; recordCorrections: { reason: string }[] }): string {
  if (e.reason !== null) return e.reason;
  return [...new Set(e.recordCorrections.map((c) => c.reason))].join("；").slice(0, 500);
}

export const medicalTransferV3Machine = setup({
  types: {
    context: {} as MedicalTransferV3Context,
    events: {} as MedicalTransferV3Event,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    noArrears: ({ context }) => context.arrearsFen === 0,
    paysOutstandingArrears: ({ context, event }) =>
      event.type === "ARREARS_PAID" && context.arrearsFen > 0 && event.paidFen === context.arrearsFen,
    transfersCertifiedBalance: ({ context, event }) =>
      event.type === "TRANSFER_OUT_DONE" && event.transferredFen === context.accountBalanceFen,
    certificateAddsUp: ({ event }) =>
      (event.type === "ISSUE_CERTIFICATE" || event.type === "ISSUE_RECORD_FORM") && certificateAddsUp(event),
    hasCertificate: ({ context, event }) =>
      event.type === "REISSUE_CERTIFICATE" && context.accountBalanceFen !== null && certificateAddsUp(event),
    noRecordFormYet: ({ context, event }) =>
      context.accountBalanceFen === null && event.type === "ISSUE_RECORD_FORM" && certificateAddsUp(event),
  },
  actions: {
    recordCertificate: assign(({ context, event }) => {
      assertEvent(event, ["ISSUE_CERTIFICATE", "ISSUE_RECORD_FORM"]);
      return certifiedFigures(context, event);
    }),
    startPaperFlow: assign({ flow: "paper" as const }),
    recordReissue: assign(({ context, event }) => {
      assertEvent(event, "REISSUE_CERTIFICATE");
      const changes = changesOf(context, event);
      const corrected = Object.keys(changes).length > 0;
      return {
        ...certifiedFigures(context, event),
        reissueCount: context.reissueCount + 1,
        certificateCorrections: corrected
          ? [
              ...context.certificateCorrections,
              { occurredOn: event.occurredOn, reason: correctionReason(event), changes },
            ]
          : context.certificateCorrections,
      };
    }),
    recordArrearsPaid: assign(({ context, event }) => {
      assertEvent(event, "ARREARS_PAID");
      return { arrearsFen: 0, arrearsPaidFen: context.arrearsPaidFen + event.paidFen };
    }),
    recordApplication: assign(({ context, event }) => {
      assertEvent(event, "FILE_APPLICATION");
      return {
        channel: event.channel,
        applicant: event.applicant,
        gap: event.gap,
        applicationCount: context.applicationCount + 1,
      };
    }),
    recordOnlineApplication: assign(({ context, event }) => {
      assertEvent(event, "APPLY_ONLINE");
      return {
        flow: "online" as const,
        channel: "online" as const,
        applicant: event.applicant,
        gap: event.gap,
        applicationCount: context.applicationCount + 1,
      };
    }),
    recordRefusal: assign(({ event }) => {
      assertEvent(event, "REFUSE");
      return { refusalReason: event.reason ?? null, refusalReasonCode: event.reasonCode ?? ("other" as const) };
    }),
    recordTransferOut: assign(({ event }) => {
      assertEvent(event, "TRANSFER_OUT_DONE");
      return { transferredFen: event.transferredFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "medicalTransfer",
  version: String(VERSION_3),
  initial: "suspended",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    flow: null,
    contributionMonths: null,
    deemedMonths: null,
    continuousMonths: null,
    recordAsOf: null,
    accountBalanceFen: null,
    arrearsFen: 0,
    certifiedArrearsFen: null,
    arrearsPaidFen: 0,
    reissueCount: 0,
    certificateCorrections: [],
    applicationCount: 0,
    channel: null,
    applicant: null,
    gap: null,
    refusalReason: null,
    refusalReasonCode: null,
    transferredFen: null,
    withdrawalReason: null,
  }),
  states: {
    suspended: {
      meta: statesV2.suspended,
      on: {
        ISSUE_CERTIFICATE: {
          target: "certificateIssued",
          guard: "certificateAddsUp",
          actions: ["recordCertificate", "startPaperFlow"],
        },
        APPLY_ONLINE: applyOnlineV3,
        WITHDRAW: withdrawV3,
      },
    },
    // --- paper flow
    certificateIssued: {
      meta: statesV2.certificateIssued,
      on: {
        FILE_APPLICATION: fileV3,
        REISSUE_CERTIFICATE: reissueV3,
        ARREARS_PAID: payArrearsV3,
        WITHDRAW: withdrawV3,
      },
    },
    applicationFiled: {
      meta: statesV2.applicationFiled,
      on: {
        ACCEPT: { target: "transferOut", guard: "noArrears" },
        REFUSE: { target: "refused", actions: "recordRefusal" },
        REISSUE_CERTIFICATE: reissueV3,
        ARREARS_PAID: payArrearsV3,
        WITHDRAW: withdrawV3,
      },
    },
    refused: {
      meta: statesV2.refused,
      on: {
        FILE_APPLICATION: fileV3,
        REISSUE_CERTIFICATE: reissueV3,
        ARREARS_PAID: payArrearsV3,
        WITHDRAW: withdrawV3,
      },
    },
    transferOut: {
      meta: statesV2.transferOut,
      on: {
        TRANSFER_OUT_DONE: { target: "transferIn", guard: "transfersCertifiedBalance", actions: "recordTransferOut" },
      },
    },
    // --- online flow
    onlineApplicationFiled: {
      meta: statesV2.onlineApplicationFiled,
      on: {
        ACCEPT: { target: "onlineTransferOut" },
        REFUSE: { target: "onlineRefused", actions: "recordRefusal" },
        WITHDRAW: withdrawV3,
      },
    },
    onlineRefused: { meta: statesV2.onlineRefused, on: { APPLY_ONLINE: applyOnlineV3, WITHDRAW: withdrawV3 } },
    onlineTransferOut: {
      meta: statesV2.onlineTransferOut,
      on: {
        ISSUE_RECORD_FORM: { guard: "noRecordFormYet", actions: "recordCertificate" },
        REISSUE_CERTIFICATE: reissueV3,
        ARREARS_PAID: payArrearsV3,
        TRANSFER_OUT_DONE: {
          target: "transferIn",
          guard: and(["noArrears", "transfersCertifiedBalance"]),
          actions: "recordTransferOut",
        },
      },
    },
    // --- both flows
    transferIn: { meta: statesV2.transferIn, on: { TRANSFER_IN_DONE: { target: "transferred" } } },
    transferred: { type: "final", meta: statesV2.transferred },
    withdrawn: { type: "final", meta: statesV2.withdrawn },
  },
});

export const medicalTransferV3: CaseMachineModule = {
  ...medicalTransferV2,
  version: VERSION_3,
  machine: medicalTransferV3Machine,
  events: eventsV3,
  computed: {
    ISSUE_CERTIFICATE: { request: typedFigures, computedBy: "certificateFromRecord" },
    ISSUE_RECORD_FORM: { request: typedFigures, computedBy: "certificateFromRecord" },
    REISSUE_CERTIFICATE: {
      request: typedFigures.extend({ reason: reason().optional() }).strict(),
      computedBy: "certificateReissueFromRecord",
    },
    FILE_APPLICATION: { request: eventsV2.FILE_APPLICATION.payload, computedBy: "applicationGap" },
    APPLY_ONLINE: { request: eventsV2.APPLY_ONLINE.payload, computedBy: "applicationGap" },
  },
  recordEffects: { TRANSFER_IN_DONE: "transferCarriedMonths" },
  refusals: {
    ...medicalTransferV2.refusals,
    REISSUE_CERTIFICATE: "there must be a certificate or record form to reissue",
  },
};

/** The gap a medical transfer's application found (version 3), as the answers show it; null before one. */
function gapOf(facts: Record<string, unknown> | undefined): ApplicationGap | null {
  const parsed = applicationGapSchema.safeParse(facts?.gap);
  return parsed.success ? parsed.data : null;
}

// ===========================================================================

/** The states whose status answer shows the refusal's reason (and, from version 3, the gap). */
const refusedStates: readonly string[] = ["refused", "onlineRefused"];
/** The states after a filing, not refused, whose status answer shows the gap (version 3). */
const gapStates = [
  "applicationFiled",
  "transferOut",
  "transferIn",
  "transferred",
  "onlineApplicationFiled",
  "onlineTransferOut",
] as const;

/** The case type (docs/case-types.md): its versions and everything the service does for it. */
export const medicalTransferType = {
  type: "medicalTransfer",
  label: { zh: "基本医疗保险关系转移接续", en: "Medical insurance transfer" },
  noun: "a medical transfer",
  caseNumberPrefix: "MT",
  singleAgency: false,
  versions: [medicalTransfer, medicalTransferV2, medicalTransferV3],
  insurance: { fixed: "medical" },
  enrolment: "transfer",
  requiredDocuments: {
    // the application at the transfer-in agency: ID, application form and the certificate
    FILE_APPLICATION: ["applicationForm", "idCard"],
    ACCEPT: ["applicationForm", "idCard"],
  },
  documents: {
    FILE_APPLICATION: "receipt",
    // an application filed online is acknowledged like one filed at a window
    APPLY_ONLINE: "receipt",
    ISSUE_CERTIFICATE: "insuranceCertificate",
    REISSUE_CERTIFICATE: "insuranceCertificate",
    // the online flow: the electronic record form in place of the certificate
    ISSUE_RECORD_FORM: "recordForm",
    REFUSE: "refusalNotice",
  },
  view: {
    detail: (version, facts) => ({
      flow: medicalTransferFlow(version, facts),
      ...(version >= VERSION_3 ? { gap: gapOf(facts) } : {}),
    }),
    status: (version, state, eventTypes, facts) => ({
      flow: flowOfEvents(version, eventTypes),
      ...(version >= VERSION_3 && facts ? { gap: gapOf(facts) } : {}),
      // while refused, the insured person reads why (every version: version 1 records the text only)
      ...(refusedStates.includes(state) && facts ? { refusal: refusalOf(facts) } : {}),
    }),
    // after a filing, the insured person is told of a gap over 3 months (version 3); while refused, why
    statusReadsFacts: [...gapStates, ...refusedStates],
    // versions 1 and 2 record no gap: their status answers read facts only while refused
    statusReadsFactsSince: Object.fromEntries(gapStates.map((s) => [s, VERSION_3])),
  },
} satisfies CaseTypeDefinition<keyof typeof eventsV3>;
