// A fourth case type, written as a newcomer would add one (docs/case-types.md): an unemployment
// insurance transfer (失业保险关系转移), three steps, one deadline. It is registered only in the
// test that proves nothing else in the service needs to know it (fourth-case-type.test.ts); the
// insurance "unemployment" is added to the vocabulary by that test, as a real type would add it.
import { assign, setup } from "xstate";
import { z } from "zod";
import type { CaseMachineModule, CaseTypeDefinition, EventSpec, StateMeta } from "../../machines/types.ts";
import type { CaseEventOf, CaseInput } from "../../machines/runtime.ts";
import { contributionMonths, noPayload, reason, type Insurance } from "../../machines/vocabulary.ts";

interface Context {
  openedOn: string;
  contributionMonths: number | null;
  benefitMonthsLeft: number | null;
  withdrawalReason: string | null;
}

const events = {
  ISSUE_CERTIFICATE: {
    payload: z
      .object({ contributionMonths: contributionMonths(), benefitMonthsLeft: z.number().int().nonnegative().max(24) })
      .strict(),
    recordedBy: ["transferOut"],
    label: { zh: "开具失业保险关系转移凭证", en: "Issue the transfer certificate" },
  },
  FILE_APPLICATION: {
    payload: noPayload(),
    recordedBy: ["transferIn"],
    label: { zh: "提交转移申请", en: "File the transfer application" },
  },
  ACCEPT: { payload: noPayload(), recordedBy: ["transferIn"], label: { zh: "接收", en: "Accept" } },
  WITHDRAW: {
    payload: z.object({ reason: reason() }).strict(),
    recordedBy: ["transferOut", "transferIn"],
    label: { zh: "撤回申请", en: "Withdraw" },
  },
} satisfies Record<string, EventSpec>;

const steps = 3;
const states = {
  suspended: { side: "transferOut", step: 1, label: { zh: "已中止参保", en: "Cover suspended" } },
  certificateIssued: { side: "insured", step: 1, label: { zh: "已开具凭证", en: "Certificate issued" } },
  applicationFiled: {
    side: "transferIn",
    step: 2,
    label: { zh: "转入地审核中", en: "Under review" },
    deadline: { key: "unemploymentTransfer.review", nationalMaxDays: 10, agency: "transferIn" },
  },
  transferred: { side: "none", step: steps, outcome: "completed", label: { zh: "已转移", en: "Transferred" } },
  withdrawn: { side: "none", step: steps, outcome: "withdrawn", label: { zh: "已撤回", en: "Withdrawn" } },
} satisfies Record<string, StateMeta>;

const withdraw = { target: "withdrawn", actions: "recordWithdrawal" } as const;

const machine = setup({
  types: {
    context: {} as Context,
    events: {} as CaseEventOf<typeof events>,
    input: {} as CaseInput,
  },
  actions: {
    recordCertificate: assign(({ event }) =>
      event.type === "ISSUE_CERTIFICATE"
        ? { contributionMonths: event.contributionMonths, benefitMonthsLeft: event.benefitMonthsLeft }
        : {},
    ),
    recordWithdrawal: assign(({ event }) => (event.type === "WITHDRAW" ? { withdrawalReason: event.reason } : {})),
  },
}).createMachine({
  id: "unemploymentTransfer",
  version: "1",
  initial: "suspended",
  context: ({ input }) => ({
    openedOn: input.openedOn,
    contributionMonths: null,
    benefitMonthsLeft: null,
    withdrawalReason: null,
  }),
  states: {
    suspended: {
      meta: states.suspended,
      on: { ISSUE_CERTIFICATE: { target: "certificateIssued", actions: "recordCertificate" }, WITHDRAW: withdraw },
    },
    certificateIssued: {
      meta: states.certificateIssued,
      on: { FILE_APPLICATION: "applicationFiled", WITHDRAW: withdraw },
    },
    applicationFiled: { meta: states.applicationFiled, on: { ACCEPT: "transferred", WITHDRAW: withdraw } },
    transferred: { type: "final", meta: states.transferred },
    withdrawn: { type: "final", meta: states.withdrawn },
  },
});

export const unemploymentTransfer: CaseMachineModule = {
  type: "unemploymentTransfer",
  version: 1,
  machine,
  events,
  states,
  steps,
};

export const unemploymentTransferType = {
  type: "unemploymentTransfer",
  label: { zh: "失业保险关系转移", en: "Unemployment insurance transfer" },
  noun: "an unemployment transfer",
  caseNumberPrefix: "UT",
  singleAgency: false,
  versions: [unemploymentTransfer],
  insurance: { fixed: "unemployment" as Insurance },
  enrolment: "transfer",
  requiredDocuments: { FILE_APPLICATION: ["applicationForm", "idCard"] },
  documents: { FILE_APPLICATION: "receipt", ISSUE_CERTIFICATE: "insuranceCertificate" },
} satisfies CaseTypeDefinition<keyof typeof events>;
