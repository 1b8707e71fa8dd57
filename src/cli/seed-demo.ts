// `npm run seed:demo`: demo agencies, staff and cases of all three types for trying the tracker out.
// Cases are opened and advanced through the engine, so their event logs are real, and every act is
// dated on a working day of the official calendar (counted back from today, or TRACKER_TODAY).
// Running it again creates nothing new: agencies, staff and cases that exist are reported and kept
// (a demo case is known by its type and the insured person's ID number).
// Passwords are generated and printed (never fixed), unless DEMO_PASSWORD is set.
import { loadConfig, ConfigError } from "../config.ts";
import { createLogger } from "../log.ts";
import { openDatabase } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";
import { absoluteSqliteUrl, loadCalendar, ensureAdministrator } from "../server.ts";
import { hashPassword, generatePassword } from "../auth/passwords.ts";
import { chinaToday, addCalendarDays, type ChinaDate, type WorkingCalendar } from "../calendar/index.ts";
import { defaultCatalog } from "../engine/machineCatalog.ts";
import { advanceCase } from "../engine/advanceCase.ts";
import { openCase } from "../engine/openCase.ts";
import type { Actor, EngineContext } from "../engine/context.ts";
import { makeTestIdNumber } from "../domain/idNumber.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import type { CaseType } from "../../machines/index.ts";

const agencies = [
  { code: "FZ-YB", name: "福州市医疗保障事务中心", region: "350100" },
  { code: "XM-YB", name: "厦门市医疗保障事务中心", region: "350200" },
  { code: "SZ-SB", name: "深圳市社会保险基金管理局", region: "440300" },
];
const staff = [
  { username: "fz-clerk", agencyCode: "FZ-YB" },
  { username: "xm-clerk", agencyCode: "XM-YB" },
  { username: "sz-clerk", agencyCode: "SZ-SB" },
];

/** One act of a demo case: who records it (agency code), the event, and how many working days ago. */
type Act = [agency: string, event: Record<string, unknown>, workingDaysAgo: number];

interface DemoCase {
  type: CaseType;
  insured: { name: string; idNumber: string };
  from: string;
  to: string;
  openedWorkingDaysAgo: number;
  acts: Act[];
  /** the parties (src/engine/parties.ts): scheme (default employee) and employer */
  scheme?: "employee" | "flexible" | "resident";
  employer?: { name: string; creditCode: string };
}

const medicalCertificate = {
  type: "ISSUE_CERTIFICATE",
  contributionMonths: 60,
  accountBalanceFen: 123_456,
  arrearsFen: 0,
};
const pensionCertificate = {
  type: "ISSUE_CERTIFICATE",
  contributionMonths: 144,
  personalAccountFen: 3_456_700,
  arrearsFen: 0,
  contributionWagesSince1998Fen: 28_805_833,
};

/** The renewal policy of SZ-SB's region (renewal assessments are computed from it). */
const demoPolicy = {
  region: "440300",
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
/** The demo's routes: medical transfers FZ → XM, pension transfers SZ → FZ, renewals at SZ. */
const routes = {
  medicalTransfer: { from: "FZ-YB", to: "XM-YB" },
  pensionTransfer: { from: "SZ-SB", to: "FZ-YB" },
  renewal: { from: "SZ-SB", to: "SZ-SB" },
} satisfies Partial<Record<CaseType, { from: string; to: string }>>;
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
const filed = (
  agency: string,
  channel: "online" | "offline",
  applicant: "employer" | "individual",
  ago: number,
): Act => [agency, { type: "FILE_APPLICATION", channel, applicant }, ago];

/** The demo cases, each in a different state; working days ago must not increase along a case. */
const demoCases: DemoCase[] = [
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
      ["FZ-YB", { type: "TRANSFER_OUT_DONE", transferredFen: 123_456 }, 3],
    ],
    { scheme: "flexible" },
  ),
  // a pension transfer under review by the transfer-in agency
  demo(
    "pensionTransfer",
    insured("黄志强", "440305", "19720815", "579"),
    12,
    [["SZ-SB", pensionCertificate, 11], filed("FZ-YB", "offline", "employer", 5)],
    { employer: { name: "福州闽江示例制造有限公司", creditCode: "91350100MA3K00002E" } },
  ),
  // a pension transfer accepted: the transfer-out agency moves the account and the pooled share
  demo("pensionTransfer", insured("刘海燕", "350102", "19680203", "681"), 30, [
    ["SZ-SB", pensionCertificate, 29],
    filed("FZ-YB", "online", "individual", 25),
    ["FZ-YB", { type: "ACCEPT" }, 18],
  ]),
  // a renewal after a lapse: arrears assessed, payment awaited
  // the missed months (the lapse's month) and the payment date are filled in below
  demo("renewal", insured("赵文博", "440303", "19880412", "792"), 10, [
    ["SZ-SB", { type: "ASSESS_ARREARS", payer: "employer", continuousMonthsBefore: 40 }, 4],
  ]),
  // a renewal completed: cover restored (the amount paid is the assessed total, filled in below)
  demo("renewal", insured("周静怡", "440304", "19930630", "813"), 25, [
    ["SZ-SB", { type: "ASSESS_ARREARS", payer: "flexible" }, 20],
    ["SZ-SB", { type: "PAYMENT_RECEIVED" }, 16],
    ["SZ-SB", { type: "RESTORE" }, 15],
  ]),
];

/** The working day `n` working days before the last working day on or before `today`. */
function workingDaysBefore(calendar: WorkingCalendar, today: ChinaDate, n: number): ChinaDate {
  let d = today;
  while (!calendar.isWorkingDay(d).value) d = addCalendarDays(d, -1);
  for (let left = n; left > 0; left--) {
    do d = addCalendarDays(d, -1);
    while (!calendar.isWorkingDay(d).value);
  }
  return d;
}

async function main() {
  const config = loadConfig();
  const log = createLogger("warn");
  const url = absoluteSqliteUrl(config.DATABASE_URL);
  const print = (l: string) => process.stdout.write(l + "\n");
  await applyMigrations(url);
  const db = await openDatabase(url);
  try {
    await ensureAdministrator(db, config, log, print);
    const today = config.TRACKER_TODAY ?? chinaToday();
    const ctx: EngineContext = {
      db,
      calendar: await loadCalendar(db),
      machines: defaultCatalog,
      today: () => today,
      log,
    };

    for (const a of agencies) {
      const existing = await db.agency.findUnique({ where: { code: a.code } });
      if (!existing) await db.agency.create({ data: a });
      print(existing ? `agency ${a.code} exists` : `agency ${a.code} ${a.name} created`);
    }
    const password = process.env.DEMO_PASSWORD || generatePassword();
    const actors: Record<string, Actor> = {};
    for (const s of staff) {
      const agency = await db.agency.findUniqueOrThrow({ where: { code: s.agencyCode } });
      const existing = await db.user.findUnique({ where: { username: s.username } });
      const user =
        existing ??
        (await db.user.create({
          data: {
            username: s.username,
            passwordHash: await hashPassword(password),
            role: "staff",
            agencyId: agency.id,
          },
        }));
      print(
        existing
          ? `staff ${s.username} exists (password unchanged)`
          : `staff ${s.username} (${s.agencyCode}) password: ${password}`,
      );
      actors[s.agencyCode] = { kind: "staff", userId: user.id, username: user.username, agencyId: agency.id };
    }

    if (!(await db.regionalPolicy.findFirst({ where: { region: demoPolicy.region } }))) {
      await db.regionalPolicy.create({ data: demoPolicy });
      print(`renewal policy for region ${demoPolicy.region} created`);
    }

    const day = (n: number) => workingDaysBefore(ctx.calendar, today, n);
    const listed: { caseNumber: string; idNumber: string; type: string; state: string; created: boolean }[] = [];
    for (const d of demoCases) {
      // ID numbers are stored encrypted; the blind index finds them (src/privacy/). A person has
      // at most one open case of a kind (src/engine/parties.ts): the demo opens none beside one.
      const existing = await db.case.findFirst({
        where: { type: d.type, insuredIdIndex: dataKeyOf(db).idIndex(d.insured.idNumber) },
        orderBy: { final: "asc" },
      });
      if (existing) {
        listed.push({
          caseNumber: existing.caseNumber,
          idNumber: d.insured.idNumber,
          type: d.type,
          state: existing.state,
          created: false,
        });
        continue;
      }
      const opened = await openCase(ctx, actors[d.from], {
        type: d.type,
        insured: d.insured,
        fromAgency: d.from,
        toAgency: d.to,
        occurredOn: day(d.openedWorkingDaysAgo),
        ...(d.scheme ? { scheme: d.scheme } : {}),
        ...(d.employer ? { employer: d.employer } : {}),
      });
      let state = opened.state;
      let assessedTotal = 0;
      for (const [agency, { type, ...given }, ago] of d.acts) {
        const payload: Record<string, unknown> = { ...given };
        // renewal v2: the months missed are the lapse's month; the payment is the assessed total
        if (type === "ASSESS_ARREARS") {
          const month = opened.openedOn.slice(0, 7);
          Object.assign(payload, { firstMissedMonth: month, lastMissedMonth: month, paysOn: day(ago) });
        }
        if (type === "PAYMENT_RECEIVED") payload.amountFen = assessedTotal;
        const after = await advanceCase(ctx, actors[agency], opened.id, {
          type: String(type),
          occurredOn: day(ago),
          backdateReason: "demo data (seed:demo)",
          payload,
        });
        state = after.case.state;
        const facts = (JSON.parse(after.case.snapshot) as { context: { assessment?: { totalFen: number } } }).context;
        if (facts.assessment) assessedTotal = facts.assessment.totalFen;
      }
      listed.push({ caseNumber: opened.caseNumber, idNumber: d.insured.idNumber, type: d.type, state, created: true });
    }
    const created = listed.filter((c) => c.created).length;
    print(
      created === 0
        ? `the ${listed.length} demo cases exist already; nothing created:`
        : `${created} demo cases created${created < listed.length ? `, ${listed.length - created} existed` : ""} (look them up at / with the insured person's ID number):`,
    );
    for (const c of listed)
      print(`  ${c.caseNumber}  ${c.idNumber}  ${c.type} ${c.state}${c.created ? "" : " (existed)"}`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((e) => {
  process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `seed:demo failed: ${(e as Error).message}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
