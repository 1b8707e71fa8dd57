// The words the case types and the service share: one list per concept. A case type's declaration
// (machines/<type>.ts) names its insurance, the attachments a step expects and the documents its
// events produce from these lists; the service builds its API enums, checks and documents from
// the same lists (src/domain/schemes.ts, src/domain/requiredDocuments.ts, src/documents/kinds.ts).
// Pure data and pure functions: no I/O, no clock.
import { z } from "zod";

// ---------------------------------------------------------------------------
// Payload vocabulary the machines share

/** Money in integer fen (分); never floating point, never negative. */
export const fen = () => z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A free-text reason (refusal, withdrawal), trimmed, 1..500 characters. */
export const reason = () => z.string().trim().min(1).max(500);
/** Online = national medical insurance service platform; offline = a service window. */
export const channel = () => z.enum(["online", "offline"]);
/** Employees usually apply through their employer; flexible employees and residents apply themselves. */
export const applicant = () => z.enum(["employer", "individual"]);
/** Contribution months on a certificate: up to 100 years is more than anyone has. */
export const contributionMonths = () => z.number().int().nonnegative().max(1200);
/** A payload with no fields; `.strict()` so that a typo is an error, not silently ignored. */
export const noPayload = () => z.object({}).strict();

/**
 * Why an application is refused (不予受理的原因), the same list for every transfer type from their
 * second versions on. `other` needs the free-text `reason`; with any other code it is optional.
 * The labels are shown to the insured person (status page, refusal notice) and to staff.
 */
export const REFUSAL_REASONS = {
  notEnrolledAtNewPlace: { zh: "未在转入地参保", en: "Not enrolled at the new place" },
  coverNotSuspended: { zh: "转出地参保关系未中止", en: "Cover at the old place not suspended" },
  documentsIncomplete: { zh: "材料不齐全", en: "Documents incomplete" },
  detailsDoNotMatch: { zh: "信息不一致", en: "Details do not match" },
  other: { zh: "其他原因", en: "Other" },
} as const satisfies Record<string, { zh: string; en: string }>;
export type RefusalReasonCode = keyof typeof REFUSAL_REASONS;
export const refusalReasonCodes = Object.keys(REFUSAL_REASONS) as [RefusalReasonCode, ...RefusalReasonCode[]];

/**
 * The REFUSE payload from the second versions on: a `reasonCode` from REFUSAL_REASONS and the
 * free-text `reason`. The reason alone is still accepted (it then means `other`); `other` needs it.
 */
export const refusalPayload = () =>
  z
    .object({ reasonCode: z.enum(refusalReasonCodes).optional(), reason: reason().optional() })
    .strict()
    .refine((p) => p.reasonCode !== undefined || p.reason !== undefined, {
      message: "reasonCode or reason is required",
      path: ["reasonCode"],
    })
    .refine((p) => p.reasonCode !== "other" || p.reason !== undefined, {
      message: "reason is required with reasonCode other",
      path: ["reason"],
    });

export type Channel = z.infer<ReturnType<typeof channel>>;
export type Applicant = z.infer<ReturnType<typeof applicant>>;

// ---------------------------------------------------------------------------
// Lists

/** The insurance a case is about. */
export const INSURANCES = ["medical", "pension"] as const;
export type Insurance = (typeof INSURANCES)[number];

/** The scheme a person is insured under: 职工医保 / 灵活就业 / 城乡居民医保. */
export const SCHEMES = ["employee", "flexible", "resident"] as const;
export type Scheme = (typeof SCHEMES)[number];

/** What a clerk attaches to a case (docs/clerk-tools.md). */
export const ATTACHMENT_KINDS = [
  "idCard",
  "householdRegister",
  "laborContract",
  "certificate",
  "applicationForm",
  "employerForm",
  "other",
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** A month of a contribution record: paid; arrears (owed, not paid); backPaid (paid late, 补缴); deemed (视同缴费: counted, nothing paid). */
export const CONTRIBUTION_STATUSES = ["paid", "arrears", "backPaid", "deemed"] as const;
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number];
/** Who paid a month. */
export const CONTRIBUTION_PAYERS = ["employer", "flexible"] as const;
export type ContributionPayer = (typeof CONTRIBUTION_PAYERS)[number];
/** Where a month of a record came from: an agency's import, a renewal's payment, a transfer, a correction. */
export const CONTRIBUTION_SOURCES = ["import", "renewal", "transfer", "correction"] as const;
export type ContributionSource = (typeof CONTRIBUTION_SOURCES)[number];

/**
 * The documents a case produces (docs/documents.md); each is rendered by src/documents/kinds.ts.
 * The completion notice comes from a final state, never from an event.
 */
export const DOCUMENT_KINDS = [
  "receipt",
  "insuranceCertificate",
  "recordForm",
  "contributionCertificate",
  "acceptanceLetter",
  "refusalNotice",
  "assessmentNotice",
  "completionNotice",
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/**
 * Computations the service performs for an event whose recorded payload depends on facts a pure
 * machine cannot read (a regional policy in the database). An event declares which one
 * (`CaseMachineModule.computed`); the engine holds one implementation per name
 * (src/engine/computedPayloads.ts).
 */
export const SERVICE_COMPUTATIONS = [
  "arrearsAssessment",
  // renewal v3: the missed months and the continuity before them from the renewal agency's record
  "arrearsAssessmentFromRecord",
  // renewal v3: the assessed months the renewal agency's record holds as paid when cover is restored
  "restorationFromRecord",
  // transfers v3: a certificate's (or record form's) figures from the transfer-out agency's record
  "certificateFromRecord",
  // transfers v3: a reissue's figures from the record, with the record's corrections since
  "certificateReissueFromRecord",
  // medical transfer v3: the months between the last paid month at the old place and the first at the new
  "applicationGap",
] as const;
export type ServiceComputation = (typeof SERVICE_COMPUTATIONS)[number];

/**
 * What an event adds to a person's contribution record (docs/contributions.md), in the transaction
 * that records the event: an event declares which (`CaseMachineModule.recordEffects`); the engine
 * holds one implementation per name (src/engine/recordEffects.ts).
 */
export const RECORD_EFFECTS = [
  // renewal v3's payment: the assessed months, back-paid (补缴), in the renewal agency's record
  "assessedMonthsBackPaid",
  // transfers v3's transfer-in: the months the transfer carried, in the transfer-in agency's record
  "transferCarriedMonths",
] as const;
export type RecordEffect = (typeof RECORD_EFFECTS)[number];

/** The `source` of the months each record effect adds (docs/contributions.md: import, renewal, transfer, correction). */
export const RECORD_EFFECT_SOURCES = {
  assessedMonthsBackPaid: "renewal",
  transferCarriedMonths: "transfer",
} as const satisfies Record<RecordEffect, ContributionSource>;

/** A pension transfer's pooled share: 12 % of the contribution wages since 1998, half up to the fen (exact: BigInt). */
export function pooledShareOf(contributionWagesSince1998Fen: number): number {
  const q = (BigInt(contributionWagesSince1998Fen) * 12n * 2n + 100n) / 200n;
  return Number(q);
}

// ---------------------------------------------------------------------------
// The arrears assessment (补缴核定): what the clerk asks for, and what the service computes from
// the regional policy (src/engine/arrearsAssessment.ts) and records in the event.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A month as YYYY-MM. */
export const monthSchema = () => z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM");
/** A China date as YYYY-MM-DD (checked for its shape only). */
export const dateSchema = () => z.string().regex(DATE, "must be a date as YYYY-MM-DD");

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * "YYYY-MM-DD" + n calendar months, day clamped to the target month's end. Pure string
 * arithmetic (no Date: its result depends on the process time zone). Null if malformed.
 */
export function addCalendarMonths(date: string, months: number): string | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const mo = index - y * 12 + 1;
  const d = Math.min(day, daysInMonth(y, mo));
  return `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export const assessmentLineSchema = z
  .object({
    month: monthSchema(),
    baseFen: fen(),
    contributionFen: fen(),
    daysLate: z.number().int().nonnegative().max(100_000),
    lateFeeFen: fen(),
  })
  .strict();

/** The assessment as the service computed it (src/engine/arrearsAssessment.ts). */
export const assessmentSchema = z
  .object({
    monthsMissed: z.number().int().min(1).max(600),
    principalFen: fen(),
    lateFeeFen: fen(),
    totalFen: fen(),
    backPayable: z.boolean(),
    waitingPeriodMonths: z.number().int().min(0).max(12),
    /** null when no waiting period applies */
    waitingPeriodEndsOn: dateSchema().nullable(),
    /** the total is due on this date (the late fee was computed up to it) */
    payBy: dateSchema(),
    lines: z.array(assessmentLineSchema).max(600),
    policy: z.object({ region: z.string().max(6), effectiveFrom: dateSchema() }).strict(),
    continuity: z
      .object({
        /** a back-paid gap keeps the record continuous; one that cannot be back-paid starts it again */
        continuous: z.boolean(),
        /** continuous months after restoration; null when the months before the lapse are not known */
        continuousMonths: z.number().int().min(0).max(1200).nullable(),
        /** the policy's reimbursement ratio for those months; null when it lists none or months unknown */
        reimbursementRatioPercent: z.number().int().min(0).max(100).nullable(),
      })
      .strict(),
  })
  .strict();
export type ArrearsAssessment = z.infer<typeof assessmentSchema>;

/** What the clerk gives for an assessment the service computes (the API's request). */
export const assessArrearsRequestSchema = z
  .object({
    firstMissedMonth: monthSchema(),
    lastMissedMonth: monthSchema(),
    payer: z.enum(["employer", "flexible"]),
    paysOn: dateSchema().optional(),
    declaredBaseFen: fen().optional(),
    continuousMonthsBefore: z.number().int().min(0).max(1200).optional(),
  })
  .strict();

/**
 * What the clerk gives for an assessment from the record (renewal v3): the missed months default to
 * the gap in the renewal agency's record since the last paid month, and the continuity before them
 * comes from the record (`continuousMonthsBefore`, when given, must be the record's).
 */
export const assessArrearsFromRecordRequestSchema = assessArrearsRequestSchema
  .extend({ firstMissedMonth: monthSchema().optional(), lastMissedMonth: monthSchema().optional() })
  .strict();

// ---------------------------------------------------------------------------
// Certificates from the contribution record (medical and pension transfers, version 3; issue #28):
// the service reads the transfer-out agency's record of the person as of the event's date
// (src/engine/certificateFromRecord.ts) and records what it found; the machine checks it adds up.

/** A run of counted months with the same base, status and payer (the record form's periods). */
export const recordPeriodSchema = z
  .object({
    from: monthSchema(),
    to: monthSchema(),
    months: z.number().int().min(1).max(1200),
    status: z.enum(["paid", "backPaid", "deemed"]),
    baseFen: fen(),
    payer: z.enum(CONTRIBUTION_PAYERS),
    employerCreditCode: z.string().max(18).nullable(),
  })
  .strict();
export type RecordPeriod = z.infer<typeof recordPeriodSchema>;

/** The figures a certificate states from the record, for either insurance. */
export const certificateFromRecordFields = {
  /** the record was read as of this month (the event's) */
  recordAsOf: monthSchema(),
  /** paid and back-paid months (实际缴费) */
  contributionMonths: contributionMonths(),
  /** deemed months (视同缴费) */
  deemedMonths: contributionMonths(),
  continuousMonths: contributionMonths(),
  /** the first and last months counted; null without any */
  firstMonth: monthSchema().nullable(),
  lastMonth: monthSchema().nullable(),
  arrearsFen: fen(),
  arrears: z.array(z.object({ month: monthSchema(), amountFen: fen() }).strict()).max(1200),
  periods: z.array(recordPeriodSchema).max(1200),
};

/** A correction of the record (a later row of a month, with its reason) that a reissue reprints. */
export const recordCorrectionSchema = z.object({ month: monthSchema(), reason: z.string().max(500) }).strict();

/** What a reissue from the record adds: the clerk's reason, if any, and the record's corrections. */
export const reissueFromRecordFields = {
  reason: reason().nullable(),
  recordCorrections: z.array(recordCorrectionSchema).max(50),
};

/** Whether a certificate's months and arrears add up to its periods and arrears months (pure). */
export function certificateAddsUp(p: {
  contributionMonths: number;
  deemedMonths: number;
  arrearsFen: number;
  arrears: { amountFen: number }[];
  periods: RecordPeriod[];
}): boolean {
  const months = (deemed: boolean) =>
    p.periods.filter((r) => (r.status === "deemed") === deemed).reduce((sum, r) => sum + r.months, 0);
  return (
    months(false) === p.contributionMonths &&
    months(true) === p.deemedMonths &&
    p.arrears.reduce((sum, a) => sum + a.amountFen, 0) === p.arrearsFen
  );
}

/** A transfer's gap (medical v3): the months between the last paid month before and the first after. */
export const applicationGapSchema = z
  .object({
    /** the last month counted at the transfer-out agency; null: it holds none */
    lastMonthBefore: monthSchema().nullable(),
    /** the first month counted at the transfer-in agency after it, else the application's month */
    firstMonthAfter: monthSchema(),
    /** null when lastMonthBefore is */
    months: z.number().int().min(0).max(1200).nullable(),
    /** more than 3 months: the transfer-in region's waiting period applies (待遇等待期) */
    overThreeMonths: z.boolean(),
    /** the transfer-in region's medical policy's waiting period; null: no policy in force */
    waitingPeriodMonths: z.number().int().min(0).max(12).nullable(),
  })
  .strict();
export type ApplicationGap = z.infer<typeof applicationGapSchema>;
