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
import { assertEvent, assign, setup } from "xstate";
import { z } from "zod";
import type { CaseMachineModule, EventSpec, OverallDeadline, StateMeta } from "./types.ts";
import {
  applicant,
  channel,
  contributionMonths,
  fen,
  noPayload,
  reason,
  type Applicant,
  type CaseEventOf,
  type CaseInput,
  type Channel,
} from "./runtime.ts";

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
  label: { zh: "基本医疗保险关系转移接续", en: "Medical insurance transfer" },
  caseNumberPrefix: "MT",
  singleAgency: false,
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
