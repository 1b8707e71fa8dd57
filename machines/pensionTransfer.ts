/**
 * Basic pension insurance relationship transfer (基本养老保险关系转移接续), 国办发〔2009〕66号.
 * Version 1. Names are those of the medical transfer wherever the meaning is the same.
 *
 *   suspended --ISSUE_CERTIFICATE--> certificateIssued   (参保缴费凭证; the person enrols and pays at
 *                                                          the new place, the new employer registers them 增员)
 *   certificateIssued --FILE_APPLICATION--> applicationFiled   (written application; transfer-in agency reviews)
 *   applicationFiled --ACCEPT--> transferOut   (acceptance letter 同意接收函)
 *   applicationFiled --REFUSE--> refused --FILE_APPLICATION--> applicationFiled   (written refusal; may refile)
 *   transferOut --TRANSFER_OUT_DONE--> transferIn --TRANSFER_IN_DONE--> transferred   (person notified)
 *   REISSUE_CERTIFICATE in certificateIssued, applicationFiled, refused
 *   WITHDRAW from any state before transferOut --> withdrawn
 *
 * Arrears rule. Unlike the medical flow, arrears do not block acceptance: the old agency
 * settles them while it transfers out. ARREARS_PAID {paidFen} (transfer-out staff) is
 * allowed in certificateIssued, applicationFiled, refused and transferOut, guard
 * `paysOutstandingArrears` (arrearsFen > 0 and paidFen === arrearsFen); it sets arrearsFen
 * to 0 and adds paidFen to arrearsPaidFen. TRANSFER_OUT_DONE needs `arrearsSettled`.
 *
 * Amount rule. TRANSFER_OUT_DONE {personalAccountFen, pooledFundFen} needs
 * `transfersCertifiedAccount`: personalAccountFen equals the certified personal-account
 * balance. The pooled share (12% of contribution wages since 1998) is computed by the
 * agency, not by the tracker, so any nonnegative integer is recorded as given.
 *
 * Deadlines: three steps of up to 15 working days each (review, transfer-out, transfer-in),
 * so the overall ceiling is 45 working days from the application (each refiling restarts
 * it). Online cross-province transfers promise 15 in total: an agency setting, not a rule here.
 */
import { and, assertEvent, assign, setup } from "xstate";
import { z } from "zod";
import type { CaseMachineModule, CaseTypeDefinition, EventSpec, OverallDeadline, StateMeta } from "./types.ts";
import { refusalOf, type CaseEventOf, type CaseInput } from "./runtime.ts";
import {
  applicant,
  certificateAddsUp,
  certificateFromRecordFields,
  channel,
  contributionMonths,
  fen,
  noPayload,
  reason,
  refusalPayload,
  reissueFromRecordFields,
  type Applicant,
  type Channel,
  type RefusalReasonCode,
  pooledShareOf,
} from "./vocabulary.ts";

const VERSION = 1;

/** Case facts. Amounts in fen; null until the event that states them has happened. */
export interface PensionTransferContext {
  openedOn: string;
  /** from the contribution certificate (参保缴费凭证) */
  contributionMonths: number | null;
  /** certified personal-account balance */
  personalAccountFen: number | null;
  /** outstanding arrears; 0 once ARREARS_PAID is recorded */
  arrearsFen: number;
  arrearsPaidFen: number;
  reissueCount: number;
  applicationCount: number;
  channel: Channel | null;
  applicant: Applicant | null;
  /** reason of the latest written refusal (kept after refiling; the event log has them all) */
  refusalReason: string | null;
  /** amounts actually transferred out */
  transferredPersonalAccountFen: number | null;
  pooledFundFen: number | null;
  withdrawalReason: string | null;
}

const events = {
  ISSUE_CERTIFICATE: {
    payload: z
      .object({ contributionMonths: contributionMonths(), personalAccountFen: fen(), arrearsFen: fen() })
      .strict(),
    recordedBy: ["transferOut"],
    label: { zh: "开具参保缴费凭证", en: "Issue contribution certificate" },
  },
  REISSUE_CERTIFICATE: {
    payload: noPayload(),
    recordedBy: ["transferOut"],
    label: { zh: "补开参保缴费凭证", en: "Reissue contribution certificate" },
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
    recordedBy: ["transferOut", "transferIn"],
    label: { zh: "提出转移接续书面申请", en: "File transfer application" },
    maxPerCase: 20,
  },
  ACCEPT: {
    payload: noPayload(),
    recordedBy: ["transferIn"],
    label: { zh: "同意接收（出具同意接收函）", en: "Accept (acceptance letter sent)" },
  },
  REFUSE: {
    payload: z.object({ reason: reason() }).strict(),
    recordedBy: ["transferIn"],
    label: { zh: "不予接收（书面说明理由）", en: "Refuse in writing (with reason)" },
    maxPerCase: 20,
  },
  TRANSFER_OUT_DONE: {
    payload: z.object({ personalAccountFen: fen(), pooledFundFen: fen() }).strict(),
    recordedBy: ["transferOut"],
    label: {
      zh: "转出完成（转移个人账户储存额和统筹基金）",
      en: "Transfer-out done (personal account and pooled share transferred)",
    },
  },
  TRANSFER_IN_DONE: {
    payload: noPayload(),
    recordedBy: ["transferIn"],
    label: { zh: "转入完成，告知参保人", en: "Transfer-in done, person notified" },
  },
  WITHDRAW: {
    payload: z.object({ reason: reason() }).strict(),
    recordedBy: ["transferOut", "transferIn"],
    label: { zh: "撤回申请", en: "Withdraw" },
  },
} satisfies Record<string, EventSpec>;

export type PensionTransferEvent = CaseEventOf<typeof events>;

const steps = 6;

const states = {
  suspended: { side: "transferOut", step: 1, label: { zh: "已中止参保", en: "Cover suspended" } },
  certificateIssued: {
    side: "insured",
    step: 2,
    label: { zh: "已开具参保缴费凭证，待新参保地参保缴费", en: "Certificate issued, enrol and pay at the new place" },
  },
  applicationFiled: {
    side: "transferIn",
    step: 3,
    label: { zh: "转入地审核中", en: "Under review by the transfer-in agency" },
    deadline: { key: "pensionTransfer.review", nationalMaxDays: 15, agency: "transferIn" },
  },
  refused: { side: "insured", step: 3, label: { zh: "不予接收", en: "Refused in writing" } },
  transferOut: {
    side: "transferOut",
    step: 4,
    label: { zh: "转出办理中", en: "Transfer-out in progress" },
    deadline: { key: "pensionTransfer.transferOut", nationalMaxDays: 15, agency: "transferOut" },
  },
  transferIn: {
    side: "transferIn",
    step: 5,
    label: { zh: "转入办理中", en: "Transfer-in in progress" },
    deadline: { key: "pensionTransfer.transferIn", nationalMaxDays: 15, agency: "transferIn" },
  },
  transferred: { side: "none", step: steps, outcome: "completed", label: { zh: "已转移接续", en: "Transferred" } },
  withdrawn: { side: "none", step: steps, outcome: "withdrawn", label: { zh: "已撤回", en: "Withdrawn" } },
} satisfies Record<string, StateMeta>;

/** 3 × 15 working days (review, transfer-out, transfer-in), from the written application. */
const overall: OverallDeadline = {
  startsWith: "FILE_APPLICATION",
  key: "pensionTransfer.overall",
  nationalMaxDays: 45,
  agency: "transferIn",
};

const withdraw = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const reissue = { actions: "countReissue" } as const;
const payArrears = { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" } as const;
const file = { target: "applicationFiled", actions: "recordApplication" } as const;

export const pensionTransferMachine = setup({
  types: {
    context: {} as PensionTransferContext,
    events: {} as PensionTransferEvent,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    paysOutstandingArrears: ({ context, event }) =>
      event.type === "ARREARS_PAID" && context.arrearsFen > 0 && event.paidFen === context.arrearsFen,
    arrearsSettled: ({ context }) => context.arrearsFen === 0,
    transfersCertifiedAccount: ({ context, event }) =>
      event.type === "TRANSFER_OUT_DONE" && event.personalAccountFen === context.personalAccountFen,
  },
  actions: {
    recordCertificate: assign(({ event }) => {
      assertEvent(event, "ISSUE_CERTIFICATE");
      return {
        contributionMonths: event.contributionMonths,
        personalAccountFen: event.personalAccountFen,
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
      return { transferredPersonalAccountFen: event.personalAccountFen, pooledFundFen: event.pooledFundFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "pensionTransfer",
  version: String(VERSION),
  initial: "suspended",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    contributionMonths: null,
    personalAccountFen: null,
    arrearsFen: 0,
    arrearsPaidFen: 0,
    reissueCount: 0,
    applicationCount: 0,
    channel: null,
    applicant: null,
    refusalReason: null,
    transferredPersonalAccountFen: null,
    pooledFundFen: null,
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
        // arrears do not block acceptance here (see the header)
        ACCEPT: { target: "transferOut" },
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
        ARREARS_PAID: payArrears,
        TRANSFER_OUT_DONE: {
          target: "transferIn",
          guard: and(["arrearsSettled", "transfersCertifiedAccount"]),
          actions: "recordTransferOut",
        },
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

export const pensionTransfer: CaseMachineModule = {
  type: "pensionTransfer",
  version: VERSION,
  machine: pensionTransferMachine,
  events,
  states,
  steps,
  overall,
  refusals: {
    ARREARS_PAID: "paidFen must equal the outstanding arrears, and there must be arrears to pay",
    TRANSFER_OUT_DONE:
      "the arrears must be settled first (ARREARS_PAID), and personalAccountFen must equal the certified personal account",
  },
};

// ---------------------------------------------------------------------------
// Version 2: the pooled share is computed; certificates can be corrected; refusals carry a code.
//
// - ISSUE_CERTIFICATE also states `contributionWagesSince1998Fen` (the sum of the actual
//   contribution wages since 1 January 1998). The pooled share (统筹基金) is 12 % of it, rounded
//   half up to the fen (国办发〔2009〕66号): `pooledShareFen`, computed here (integer arithmetic).
// - REISSUE_CERTIFICATE may carry corrected figures (any of the four); then `reason` is required.
//   The context keeps each correction's figures before and after (`corrections`: before, corrected), and every later check
//   uses the latest figures. Arrears: `certifiedArrearsFen` is the certificate's figure,
//   `arrearsFen` what is still outstanding (certified minus paid, never below 0).
// - TRANSFER_OUT_DONE must move exactly the certified personal account and the computed pooled
//   share (`transfersCertifiedAmounts`).
// - REFUSE takes `reasonCode` (REFUSAL_REASONS) and/or `reason` (refusalPayload()).
// The states, sides and deadlines are those of version 1 (the review keeps its 15 working days).

const VERSION_2 = 2;

export { pooledShareOf };

interface CertificateFigures {
  contributionMonths: number;
  personalAccountFen: number;
  arrearsFen: number;
  contributionWagesSince1998Fen: number;
}

export interface CertificateCorrection {
  occurredOn: string;
  reason: string;
  before: CertificateFigures;
  corrected: CertificateFigures;
}

export interface PensionTransferContextV2 extends Omit<PensionTransferContext, "refusalReason"> {
  contributionWagesSince1998Fen: number | null;
  /** 12 % of contributionWagesSince1998Fen, half up */
  pooledShareFen: number | null;
  /** the arrears the latest certificate states */
  certifiedArrearsFen: number;
  corrections: CertificateCorrection[];
  refusalReasonCode: RefusalReasonCode | null;
  refusalReason: string | null;
}

const certificateFields = {
  contributionMonths: contributionMonths(),
  personalAccountFen: fen(),
  arrearsFen: fen(),
  contributionWagesSince1998Fen: fen(),
};

const eventsV2 = {
  ...events,
  ISSUE_CERTIFICATE: {
    payload: z.object(certificateFields).strict(),
    recordedBy: ["transferOut"],
    label: { zh: "开具参保缴费凭证", en: "Issue contribution certificate" },
  },
  REISSUE_CERTIFICATE: {
    payload: z
      .object({
        contributionMonths: contributionMonths().optional(),
        personalAccountFen: fen().optional(),
        arrearsFen: fen().optional(),
        contributionWagesSince1998Fen: fen().optional(),
        reason: reason().optional(),
      })
      .strict()
      .refine(
        (p) =>
          p.reason !== undefined ||
          (p.contributionMonths === undefined &&
            p.personalAccountFen === undefined &&
            p.arrearsFen === undefined &&
            p.contributionWagesSince1998Fen === undefined),
        { message: "a corrected certificate needs a reason", path: ["reason"] },
      ),
    recordedBy: ["transferOut"],
    label: { zh: "补开参保缴费凭证（可更正）", en: "Reissue contribution certificate (may correct it)" },
    maxPerCase: 20,
  },
  REFUSE: {
    payload: refusalPayload(),
    recordedBy: ["transferIn"],
    label: { zh: "不予接收（书面说明理由）", en: "Refuse in writing (with reason)" },
    maxPerCase: 20,
  },
} satisfies Record<string, EventSpec>;

export type PensionTransferEventV2 = CaseEventOf<typeof eventsV2>;

const withdrawV2 = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const reissueV2 = { actions: "recordReissue" } as const;
const payArrearsV2 = { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" } as const;
const fileV2 = { target: "applicationFiled", actions: "recordApplication" } as const;

function figuresOf(c: PensionTransferContextV2): CertificateFigures {
  return {
    contributionMonths: c.contributionMonths ?? 0,
    personalAccountFen: c.personalAccountFen ?? 0,
    arrearsFen: c.certifiedArrearsFen,
    contributionWagesSince1998Fen: c.contributionWagesSince1998Fen ?? 0,
  };
}

export const pensionTransferMachineV2 = setup({
  types: {
    context: {} as PensionTransferContextV2,
    events: {} as PensionTransferEventV2,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    paysOutstandingArrears: ({ context, event }) =>
      event.type === "ARREARS_PAID" && context.arrearsFen > 0 && event.paidFen === context.arrearsFen,
    arrearsSettled: ({ context }) => context.arrearsFen === 0,
    transfersCertifiedAmounts: ({ context, event }) =>
      event.type === "TRANSFER_OUT_DONE" &&
      event.personalAccountFen === context.personalAccountFen &&
      event.pooledFundFen === context.pooledShareFen,
  },
  actions: {
    recordCertificate: assign(({ event }) => {
      assertEvent(event, "ISSUE_CERTIFICATE");
      return {
        contributionMonths: event.contributionMonths,
        personalAccountFen: event.personalAccountFen,
        certifiedArrearsFen: event.arrearsFen,
        arrearsFen: event.arrearsFen,
        contributionWagesSince1998Fen: event.contributionWagesSince1998Fen,
        pooledShareFen: pooledShareOf(event.contributionWagesSince1998Fen),
      };
    }),
    recordReissue: assign(({ context, event }) => {
      assertEvent(event, "REISSUE_CERTIFICATE");
      const before = figuresOf(context);
      const corrected: CertificateFigures = {
        contributionMonths: event.contributionMonths ?? before.contributionMonths,
        personalAccountFen: event.personalAccountFen ?? before.personalAccountFen,
        arrearsFen: event.arrearsFen ?? before.arrearsFen,
        contributionWagesSince1998Fen: event.contributionWagesSince1998Fen ?? before.contributionWagesSince1998Fen,
      };
      const changed = (Object.keys(corrected) as (keyof CertificateFigures)[]).some((k) => corrected[k] !== before[k]);
      if (!changed || event.reason === undefined) return { reissueCount: context.reissueCount + 1 };
      return {
        reissueCount: context.reissueCount + 1,
        contributionMonths: corrected.contributionMonths,
        personalAccountFen: corrected.personalAccountFen,
        certifiedArrearsFen: corrected.arrearsFen,
        arrearsFen: Math.max(0, corrected.arrearsFen - context.arrearsPaidFen),
        contributionWagesSince1998Fen: corrected.contributionWagesSince1998Fen,
        pooledShareFen: pooledShareOf(corrected.contributionWagesSince1998Fen),
        corrections: [
          ...context.corrections,
          { occurredOn: event.occurredOn, reason: event.reason, before, corrected },
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
    recordRefusal: assign(({ event }) => {
      assertEvent(event, "REFUSE");
      return { refusalReasonCode: event.reasonCode ?? "other", refusalReason: event.reason ?? null };
    }),
    recordTransferOut: assign(({ event }) => {
      assertEvent(event, "TRANSFER_OUT_DONE");
      return { transferredPersonalAccountFen: event.personalAccountFen, pooledFundFen: event.pooledFundFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "pensionTransfer",
  version: String(VERSION_2),
  initial: "suspended",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    contributionMonths: null,
    personalAccountFen: null,
    contributionWagesSince1998Fen: null,
    pooledShareFen: null,
    certifiedArrearsFen: 0,
    arrearsFen: 0,
    arrearsPaidFen: 0,
    reissueCount: 0,
    corrections: [],
    applicationCount: 0,
    channel: null,
    applicant: null,
    refusalReasonCode: null,
    refusalReason: null,
    transferredPersonalAccountFen: null,
    pooledFundFen: null,
    withdrawalReason: null,
  }),
  states: {
    suspended: {
      meta: states.suspended,
      on: {
        ISSUE_CERTIFICATE: { target: "certificateIssued", actions: "recordCertificate" },
        WITHDRAW: withdrawV2,
      },
    },
    certificateIssued: {
      meta: states.certificateIssued,
      on: {
        FILE_APPLICATION: fileV2,
        REISSUE_CERTIFICATE: reissueV2,
        ARREARS_PAID: payArrearsV2,
        WITHDRAW: withdrawV2,
      },
    },
    applicationFiled: {
      meta: states.applicationFiled,
      on: {
        ACCEPT: { target: "transferOut" },
        REFUSE: { target: "refused", actions: "recordRefusal" },
        REISSUE_CERTIFICATE: reissueV2,
        ARREARS_PAID: payArrearsV2,
        WITHDRAW: withdrawV2,
      },
    },
    refused: {
      meta: states.refused,
      on: {
        FILE_APPLICATION: fileV2,
        REISSUE_CERTIFICATE: reissueV2,
        ARREARS_PAID: payArrearsV2,
        WITHDRAW: withdrawV2,
      },
    },
    transferOut: {
      meta: states.transferOut,
      on: {
        ARREARS_PAID: payArrearsV2,
        TRANSFER_OUT_DONE: {
          target: "transferIn",
          guard: and(["arrearsSettled", "transfersCertifiedAmounts"]),
          actions: "recordTransferOut",
        },
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

export const pensionTransferV2: CaseMachineModule = {
  type: "pensionTransfer",
  version: VERSION_2,
  machine: pensionTransferMachineV2,
  events: eventsV2,
  states,
  steps,
  overall,
  refusals: {
    ARREARS_PAID: "paidFen must equal the outstanding arrears, and there must be arrears to pay",
    TRANSFER_OUT_DONE:
      "the arrears must be settled first (ARREARS_PAID), personalAccountFen must equal the certified personal account and pooledFundFen the computed pooled share (12 % of contributionWagesSince1998Fen, half up)",
  },
};

// ---------------------------------------------------------------------------
// Version 3: the certificate comes from the contribution record (docs/contributions.md, issue #28).
//
// A clerk who typed the figures of a certificate copied them from the agency's own system, and a
// mistyped figure surfaced only at the transfer-out (or never). The service now holds the
// transfer-out agency's record of the person, so ISSUE_CERTIFICATE and REISSUE_CERTIFICATE state
// what that record says as of the event's date (computations "certificateFromRecord" and
// "certificateReissueFromRecord"): the clerk may leave every figure out; a typed one must be the
// record's (422), and without any month of the person there is nothing to certify (409). The log
// keeps what was certified (the periods, the arrears months, the record's month); the machine checks
// that it adds up (`certificateAddsUp`: the months and arrears add up to the periods and arrears
// months, the pooled share is 12 % of the wages since 1998) rather than trusting the service blindly.
//
// A reissue reprints the record as it is then: a correction of the record since (a later row of a
// month, with its reason) becomes a correction of the certificate, whose reason is the clerk's or,
// without one, the record's own reasons. So a reissue needs no typed reason any more.
//
// TRANSFER_IN_DONE adds the months the transfer carried to the transfer-in agency's record (record
// effect "transferCarriedMonths"), so that the years add up at the new place.
// The states, sides and deadlines are those of version 2; its other events are unchanged.

const VERSION_3 = 3;

/** A reissue's correction reason: the clerk's, else the record's corrections' reasons (≤ 500 characters). */
export function correctionReasonOf(e: { reason: string | null; recordCorrections: { reason: string }[] }): string {
  if (e.reason !== null) return e.reason;
  return e.recordCorrections
    .map((c) => c.reason)
    .join("；")
    .slice(0, 500);
}

export interface PensionTransferContextV3 extends PensionTransferContextV2 {
  /** deemed months (视同缴费) on the latest certificate */
  deemedMonths: number | null;
  /** continuous months on the latest certificate */
  continuousMonths: number | null;
  /** the month the record was read as of for the latest certificate */
  recordAsOf: string | null;
}

const certificateFromRecordPayload = {
  ...certificateFromRecordFields,
  personalAccountFen: fen(),
  contributionWagesSince1998Fen: fen(),
  pooledShareFen: fen(),
};

/** The figures a clerk may still type (each must be the record's). */
const typedFigures = {
  contributionMonths: contributionMonths().optional(),
  personalAccountFen: fen().optional(),
  arrearsFen: fen().optional(),
  contributionWagesSince1998Fen: fen().optional(),
};

const eventsV3 = {
  ...eventsV2,
  ISSUE_CERTIFICATE: {
    payload: z.object(certificateFromRecordPayload).strict(),
    recordedBy: ["transferOut"],
    label: { zh: "开具参保缴费凭证", en: "Issue contribution certificate" },
  },
  REISSUE_CERTIFICATE: {
    payload: z.object({ ...certificateFromRecordPayload, ...reissueFromRecordFields }).strict(),
    recordedBy: ["transferOut"],
    label: { zh: "补开参保缴费凭证（按缴费记录）", en: "Reissue contribution certificate (from the record)" },
    maxPerCase: 20,
  },
} satisfies Record<string, EventSpec>;

export type PensionTransferEventV3 = CaseEventOf<typeof eventsV3>;

type CertificateEventV3 = Extract<PensionTransferEventV3, { type: "ISSUE_CERTIFICATE" | "REISSUE_CERTIFICATE" }>;

/** The certificate adds up to its periods and arrears months, and its pooled share to its wages. */
function certificateFromRecordAddsUp(e: CertificateEventV3): boolean {
  return certificateAddsUp(e) && e.pooledShareFen === pooledShareOf(e.contributionWagesSince1998Fen);
}

/** What the context takes from a certificate from the record. */
function certifiedFigures(e: CertificateEventV3) {
  return {
    contributionMonths: e.contributionMonths,
    deemedMonths: e.deemedMonths,
    continuousMonths: e.continuousMonths,
    recordAsOf: e.recordAsOf,
    personalAccountFen: e.personalAccountFen,
    certifiedArrearsFen: e.arrearsFen,
    contributionWagesSince1998Fen: e.contributionWagesSince1998Fen,
    pooledShareFen: e.pooledShareFen,
  };
}

const withdrawV3 = { target: "withdrawn", actions: "recordWithdrawal" } as const;
const reissueV3 = { guard: "certificateAddsUp", actions: "recordReissue" } as const;
const payArrearsV3 = { guard: "paysOutstandingArrears", actions: "recordArrearsPaid" } as const;
const fileV3 = { target: "applicationFiled", actions: "recordApplication" } as const;

export const pensionTransferMachineV3 = setup({
  types: {
    context: {} as PensionTransferContextV3,
    events: {} as PensionTransferEventV3,
    input: {} as CaseInput,
    meta: {} as StateMeta,
  },
  guards: {
    certificateAddsUp: ({ event }) =>
      (event.type === "ISSUE_CERTIFICATE" || event.type === "REISSUE_CERTIFICATE") &&
      certificateFromRecordAddsUp(event),
    paysOutstandingArrears: ({ context, event }) =>
      event.type === "ARREARS_PAID" && context.arrearsFen > 0 && event.paidFen === context.arrearsFen,
    arrearsSettled: ({ context }) => context.arrearsFen === 0,
    transfersCertifiedAmounts: ({ context, event }) =>
      event.type === "TRANSFER_OUT_DONE" &&
      event.personalAccountFen === context.personalAccountFen &&
      event.pooledFundFen === context.pooledShareFen,
  },
  actions: {
    recordCertificate: assign(({ event }) => {
      assertEvent(event, "ISSUE_CERTIFICATE");
      return { ...certifiedFigures(event), arrearsFen: event.arrearsFen };
    }),
    recordReissue: assign(({ context, event }) => {
      assertEvent(event, "REISSUE_CERTIFICATE");
      const before = figuresOf(context);
      const corrected: CertificateFigures = {
        contributionMonths: event.contributionMonths,
        personalAccountFen: event.personalAccountFen,
        arrearsFen: event.arrearsFen,
        contributionWagesSince1998Fen: event.contributionWagesSince1998Fen,
      };
      const changed = (Object.keys(corrected) as (keyof CertificateFigures)[]).some((k) => corrected[k] !== before[k]);
      return {
        ...certifiedFigures(event),
        reissueCount: context.reissueCount + 1,
        arrearsFen: Math.max(0, event.arrearsFen - context.arrearsPaidFen),
        corrections: changed
          ? [
              ...context.corrections,
              { occurredOn: event.occurredOn, reason: correctionReasonOf(event), before, corrected },
            ]
          : context.corrections,
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
    recordRefusal: assign(({ event }) => {
      assertEvent(event, "REFUSE");
      return { refusalReasonCode: event.reasonCode ?? "other", refusalReason: event.reason ?? null };
    }),
    recordTransferOut: assign(({ event }) => {
      assertEvent(event, "TRANSFER_OUT_DONE");
      return { transferredPersonalAccountFen: event.personalAccountFen, pooledFundFen: event.pooledFundFen };
    }),
    recordWithdrawal: assign(({ event }) => {
      assertEvent(event, "WITHDRAW");
      return { withdrawalReason: event.reason };
    }),
  },
}).createMachine({
  id: "pensionTransfer",
  version: String(VERSION_3),
  initial: "suspended",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    contributionMonths: null,
    deemedMonths: null,
    continuousMonths: null,
    recordAsOf: null,
    personalAccountFen: null,
    contributionWagesSince1998Fen: null,
    pooledShareFen: null,
    certifiedArrearsFen: 0,
    arrearsFen: 0,
    arrearsPaidFen: 0,
    reissueCount: 0,
    corrections: [],
    applicationCount: 0,
    channel: null,
    applicant: null,
    refusalReasonCode: null,
    refusalReason: null,
    transferredPersonalAccountFen: null,
    pooledFundFen: null,
    withdrawalReason: null,
  }),
  states: {
    suspended: {
      meta: states.suspended,
      on: {
        ISSUE_CERTIFICATE: { target: "certificateIssued", guard: "certificateAddsUp", actions: "recordCertificate" },
        WITHDRAW: withdrawV3,
      },
    },
    certificateIssued: {
      meta: states.certificateIssued,
      on: {
        FILE_APPLICATION: fileV3,
        REISSUE_CERTIFICATE: reissueV3,
        ARREARS_PAID: payArrearsV3,
        WITHDRAW: withdrawV3,
      },
    },
    applicationFiled: {
      meta: states.applicationFiled,
      on: {
        ACCEPT: { target: "transferOut" },
        REFUSE: { target: "refused", actions: "recordRefusal" },
        REISSUE_CERTIFICATE: reissueV3,
        ARREARS_PAID: payArrearsV3,
        WITHDRAW: withdrawV3,
      },
    },
    refused: {
      meta: states.refused,
      on: {
        FILE_APPLICATION: fileV3,
        REISSUE_CERTIFICATE: reissueV3,
        ARREARS_PAID: payArrearsV3,
        WITHDRAW: withdrawV3,
      },
    },
    transferOut: {
      meta: states.transferOut,
      on: {
        ARREARS_PAID: payArrearsV3,
        TRANSFER_OUT_DONE: {
          target: "transferIn",
          guard: and(["arrearsSettled", "transfersCertifiedAmounts"]),
          actions: "recordTransferOut",
        },
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

export const pensionTransferV3: CaseMachineModule = {
  type: "pensionTransfer",
  version: VERSION_3,
  machine: pensionTransferMachineV3,
  events: eventsV3,
  states,
  steps,
  overall,
  computed: {
    ISSUE_CERTIFICATE: { request: z.object(typedFigures).strict(), computedBy: "certificateFromRecord" },
    REISSUE_CERTIFICATE: {
      request: z.object({ ...typedFigures, reason: reason().optional() }).strict(),
      computedBy: "certificateReissueFromRecord",
    },
  },
  recordEffects: { TRANSFER_IN_DONE: "transferCarriedMonths" },
  refusals: {
    ISSUE_CERTIFICATE:
      "the certificate must add up: its months and arrears to the record's periods and arrears months, the pooled share to 12 % of contributionWagesSince1998Fen (half up)",
    REISSUE_CERTIFICATE:
      "the certificate must add up: its months and arrears to the record's periods and arrears months, the pooled share to 12 % of contributionWagesSince1998Fen (half up)",
    ARREARS_PAID: "paidFen must equal the outstanding arrears, and there must be arrears to pay",
    TRANSFER_OUT_DONE:
      "the arrears must be settled first (ARREARS_PAID), personalAccountFen must equal the certified personal account and pooledFundFen the certified pooled share (12 % of the record's contribution wages since 1998, half up)",
  },
};

// ===========================================================================

/** The case type (docs/case-types.md): its versions and everything the service does for it. */
export const pensionTransferType = {
  type: "pensionTransfer",
  label: { zh: "基本养老保险关系转移接续", en: "Pension insurance transfer" },
  noun: "a pension transfer",
  caseNumberPrefix: "PT",
  singleAgency: false,
  versions: [pensionTransfer, pensionTransferV2, pensionTransferV3],
  insurance: { fixed: "pension" },
  enrolment: "transfer",
  requiredDocuments: {
    // the new employer registers the person first (增员表) and applies in writing
    FILE_APPLICATION: ["applicationForm", "idCard", "employerForm"],
    ACCEPT: ["applicationForm", "idCard"],
  },
  documents: {
    FILE_APPLICATION: "receipt",
    ISSUE_CERTIFICATE: "contributionCertificate",
    REISSUE_CERTIFICATE: "contributionCertificate",
    ACCEPT: "acceptanceLetter",
    REFUSE: "refusalNotice",
  },
  view: {
    detail: () => ({}),
    // while refused, the insured person reads why (every version: version 1 records the text only)
    status: (_version, state, _eventTypes, facts) =>
      state === "refused" && facts ? { refusal: refusalOf(facts) } : {},
    statusReadsFacts: ["refused"],
  },
} satisfies CaseTypeDefinition<keyof typeof eventsV3>;
