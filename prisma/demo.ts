// The demo data of `npm run seed:demo` (src/cli/seed-demo.ts): agencies, staff, a regional policy
// and cases of every type in different states. Data, as Prisma's examples keep their seed data
// under prisma/: the command opens and advances these cases through the engine. A new case type
// may add its demo cases here (a route and a few `demo(...)` rows); nothing fails without them.
import type { CaseType } from "../machines/index.ts";
import type { Insurance } from "../machines/vocabulary.ts";
import { makeTestIdNumber } from "../src/domain/idNumber.ts";

/** The medical insurance centres handle medical insurance, the social insurance agencies pension. */
export const agencies: { code: string; name: string; region: string; insurances: Insurance[] }[] = [
  { code: "FZ-YB", name: "福州市医疗保障事务中心", region: "350100", insurances: ["medical"] },
  { code: "XM-YB", name: "厦门市医疗保障事务中心", region: "350200", insurances: ["medical"] },
  { code: "SZ-SB", name: "深圳市社会保险基金管理局", region: "440300", insurances: ["pension"] },
  { code: "FZ-SB", name: "福州市社会保险中心", region: "350100", insurances: ["pension"] },
];
export const staff = [
  { username: "fz-clerk", agencyCode: "FZ-YB" },
  { username: "xm-clerk", agencyCode: "XM-YB" },
  { username: "sz-clerk", agencyCode: "SZ-SB" },
  { username: "fz-sb-clerk", agencyCode: "FZ-SB" },
];

/** What an act's payload may be computed from, when it depends on the case as it went. */
export interface ActContext {
  /** the month of the case's opening (a renewal: the lapse) as YYYY-MM */
  openedMonth: string;
  /** the China date of the act itself */
  on: string;
  /** the total of the latest assessment recorded on the case (0 before one) */
  assessedTotalFen: number;
}

/**
 * One act of a demo case: who records it (agency code), the event (or a function of the case as
 * it went, for a payload that depends on it), and how many working days ago.
 */
export type Act = [
  agency: string,
  event: Record<string, unknown> | ((c: ActContext) => Record<string, unknown>),
  workingDaysAgo: number,
];

export interface DemoCase {
  type: CaseType;
  insured: { name: string; idNumber: string };
  from: string;
  to: string;
  openedWorkingDaysAgo: number;
  acts: Act[];
  /** a renewal's insurance (default medical); a transfer's follows its type */
  insurance?: Insurance;
  /** the parties (src/engine/parties.ts): scheme (default employee) and employer */
  scheme?: "employee" | "flexible" | "resident";
  employer?: { name: string; creditCode: string };
}

// The certificates state what the transfer-out agency's record of the person says (transfers version
// 3: the figures come from the demo records below, none is typed).
const medicalCertificate = { type: "ISSUE_CERTIFICATE" };
const pensionCertificate = { type: "ISSUE_CERTIFICATE" };

/** The pension renewal policy of SZ-SB's region (its pension renewals are assessed with it). */
export const demoPolicy = {
  region: "440300",
  insurance: "pension",
  effectiveFrom: "2020-01-01",
  contributionBaseFen: 700_000,
  rateBasisPoints: 1000,
  lateFeePerDayPpm: 500,
  lateFeeAppliesToFlexible: false,
  maxBackPayMonths: 3,
  waitingPeriodMonths: 6,
  flexibleRateBasisPoints: 600,
  averageWageFen: 1_296_400,
  baseFloorPercent: 60,
  baseCeilingPercent: 300,
  reimbursementRatios: JSON.stringify([
    { minContinuousMonths: 0, ratioPercent: 60 },
    { minContinuousMonths: 36, ratioPercent: 90 },
  ]),
};

/** An insured person with a valid test ID number (region, birth date, sequence). */
const insured = (name: string, region: string, birth: string, seq: string) => ({
  name,
  idNumber: makeTestIdNumber(region, birth, seq),
});
/**
 * The demo's routes: medical transfers between the medical insurance centres FZ-YB → XM-YB, pension
 * transfers between the social insurance agencies SZ-SB → FZ-SB, pension renewals at SZ-SB.
 */
const routes = {
  medicalTransfer: { from: "FZ-YB", to: "XM-YB" },
  pensionTransfer: { from: "SZ-SB", to: "FZ-SB" },
  renewal: { from: "SZ-SB", to: "SZ-SB", insurance: "pension" },
} satisfies Partial<Record<CaseType, { from: string; to: string; insurance?: Insurance }>>;
const demo = (
  type: keyof typeof routes,
  person: DemoCase["insured"],
  openedWorkingDaysAgo: number,
  acts: Act[],
  parties: Pick<DemoCase, "scheme" | "employer"> = {},
): DemoCase => ({
  ...parties,
  type,
  insured: person,
  ...routes[type],
  openedWorkingDaysAgo,
  acts,
});
/** A renewal's assessment of the month of the lapse, paid on the day of the act. */
const lapseMonthAssessed = (c: ActContext) => ({
  type: "ASSESS_ARREARS",
  firstMissedMonth: c.openedMonth,
  lastMissedMonth: c.openedMonth,
  paysOn: c.on,
});
const filed = (
  agency: string,
  channel: "online" | "offline",
  applicant: "employer" | "individual",
  ago: number,
): Act => [agency, { type: "FILE_APPLICATION", channel, applicant }, ago];

/** The demo cases, each in a different state; working days ago must not increase along a case. */
export const demoCases: DemoCase[] = [
  // a medical transfer just opened: the transfer-out agency is to issue the certificate
  demo("medicalTransfer", insured("林晓明", "350102", "19900307", "123"), 1, []),
  // application filed: the transfer-in agency reviews it
  demo(
    "medicalTransfer",
    insured("陈美玲", "350203", "19851111", "246"),
    15,
    [["FZ-YB", medicalCertificate, 14], filed("XM-YB", "online", "employer", 13)],
    // fictitious employer; its code's check character is real (GB 32100-2015)
    { employer: { name: "厦门鹭岛示例科技有限公司", creditCode: "91350200MA2Y00001N" } },
  ),
  // accepted 20 working days ago: the transfer-out step (10 working days) is overdue
  demo("medicalTransfer", insured("王建国", "440304", "19780520", "357"), 22, [
    ["FZ-YB", medicalCertificate, 22],
    filed("XM-YB", "offline", "individual", 21),
    ["XM-YB", { type: "ACCEPT" }, 20],
  ]),
  // transferred out 3 working days ago: the transfer-in step (5 working days) is due soon
  demo(
    "medicalTransfer",
    insured("张丽", "350104", "19950102", "468"),
    9,
    [
      ["FZ-YB", medicalCertificate, 8],
      filed("XM-YB", "online", "individual", 7),
      ["XM-YB", { type: "ACCEPT" }, 6],
      // a flexible worker's record credits nothing to a personal account: there is no balance to move
      ["FZ-YB", { type: "TRANSFER_OUT_DONE", transferredFen: 0 }, 3],
    ],
    { scheme: "flexible" },
  ),
  // a pension transfer under review by the transfer-in agency
  demo(
    "pensionTransfer",
    insured("黄志强", "440305", "19720815", "579"),
    12,
    [["SZ-SB", pensionCertificate, 11], filed("FZ-SB", "offline", "employer", 5)],
    { employer: { name: "福州闽江示例制造有限公司", creditCode: "91350100MA3K00002E" } },
  ),
  // a pension transfer accepted: the transfer-out agency moves the account and the pooled share
  demo("pensionTransfer", insured("刘海燕", "350102", "19680203", "681"), 30, [
    ["SZ-SB", pensionCertificate, 29],
    filed("FZ-SB", "online", "individual", 25),
    ["FZ-SB", { type: "ACCEPT" }, 18],
  ]),
  // a pension renewal after a lapse: arrears assessed (the lapse's month, paid on the day; the
  // continuity before it comes from the person's record at SZ-SB), payment awaited
  demo("renewal", insured("赵文博", "440303", "19880412", "792"), 10, [
    ["SZ-SB", (c) => ({ ...lapseMonthAssessed(c), payer: "employer" }), 4],
  ]),
  // a pension renewal completed: cover restored (the amount paid is the assessed total; the payment
  // added the back-paid month to the record)
  demo("renewal", insured("周静怡", "440304", "19930630", "813"), 25, [
    ["SZ-SB", (c) => ({ ...lapseMonthAssessed(c), payer: "flexible" }), 20],
    ["SZ-SB", (c) => ({ type: "PAYMENT_RECEIVED", amountFen: c.assessedTotalFen }), 16],
    ["SZ-SB", { type: "RESTORE" }, 15],
  ]),
];

/**
 * A demo person's contribution record (docs/contributions.md) at the agency the case starts at (the
 * transfer-out agency, or the renewal's), for the case's insurance: seed:demo writes it through the
 * engine before it opens the case, so that the certificate is issued from the record. The months end
 * with the month before the case's opening month (the person's last month there).
 */
export interface DemoRecord {
  /** the months paid */
  months: number;
  /** the contribution base of each month (fen) */
  baseFen: number;
  /** basis points of the base: the employer's part, the individual's, and what goes to the personal account */
  rates: { employer: number; individual: number; account: number };
  payer: "employer" | "flexible";
  employerCreditCode?: string;
  /** the case's opening month owed and not paid (a renewal's lapse) */
  arrearsInOpeningMonth?: boolean;
  /** the personal account's balance brought forward at the end of the month before the first */
  openingBalanceFen?: number;
  /** pension: the bases add up to exactly this (the last month takes the remainder) */
  wagesFen?: number;
}

/** seed 000's record: a base of 5,600.00 at 10 % (employer 8 %, individual 2 %) is 560.00 a month. */
const medical5600 = { baseFen: 560_000, rates: { employer: 800, individual: 200, account: 300 } };
const pensionRates = { employer: 1600, individual: 800, account: 800 };

/** The demo people's records, by name (each demo person has one case). */
export const demoRecords: Record<string, DemoRecord> = {
  林晓明: { months: 60, ...medical5600, payer: "employer", employerCreditCode: "91350100MA3K00002E" },
  陈美玲: {
    months: 60,
    ...medical5600,
    payer: "employer",
    employerCreditCode: "91350200MA2Y00001N",
    openingBalanceFen: 234_500,
  },
  王建国: { months: 96, ...medical5600, payer: "employer", employerCreditCode: "91350100MA3K00002E" },
  // a flexible worker pays it all herself, at 6 %, and nothing goes to a personal account
  张丽: {
    months: 48,
    baseFen: 560_000,
    rates: { employer: 0, individual: 600, account: 0 },
    payer: "flexible",
  },
  // 144 months since 1998 whose bases add up to 1,234,567.89: a pooled share of 148,148.15
  黄志强: {
    months: 144,
    baseFen: 857_338,
    wagesFen: 123_456_789,
    rates: pensionRates,
    payer: "employer",
    employerCreditCode: "91350100MA3K00002E",
  },
  刘海燕: {
    months: 144,
    baseFen: 700_000,
    rates: pensionRates,
    payer: "employer",
    employerCreditCode: "91440300MA5F00003G",
  },
  // 40 months paid before the lapse, and the month of the lapse owed (the case assesses it)
  赵文博: {
    months: 40,
    baseFen: 700_000,
    rates: { employer: 800, individual: 200, account: 300 },
    payer: "employer",
    employerCreditCode: "91440300MA5F00003G",
    arrearsInOpeningMonth: true,
  },
  周静怡: { months: 24, baseFen: 700_000, rates: { employer: 0, individual: 600, account: 0 }, payer: "flexible" },
};
