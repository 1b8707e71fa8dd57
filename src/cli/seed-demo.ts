// `npm run seed:demo`: demo agencies, staff and cases of every type for trying the tracker out (the
// data: prisma/demo.ts).
// Cases are opened and advanced through the engine, so their event logs are real, and every act is
// dated on a working day of the official calendar (counted back from today, or TRACKER_TODAY).
// Running it again creates nothing new: agencies, staff and cases that exist are reported and kept
// (a demo case is known by its type and the insured person's ID number). Each demo person's
// contribution record is written through the engine before the case is opened, anchored on the
// case's opening month, so the same months again add nothing.
// Passwords are generated and printed (never fixed), unless DEMO_PASSWORD is set.
// The data key is the service's (DATA_KEY, DATA_KEY_FILE, or the key file beside the database),
// unlocked as the service does (src/server.ts unlockPersonalData): a key that is not the one the
// database's personal data is encrypted with is refused before anything is written (exit code 3),
// or the demo people would be written under another key, not found at / and created again.
import { loadConfig, ConfigError } from "../config.ts";
import { createLogger } from "../log.ts";
import { openDatabase } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";
import { absoluteSqliteUrl, loadCalendar, ensureAdministrator, unlockPersonalData } from "../server.ts";
import { hashPassword, generatePassword } from "../auth/passwords.ts";
import { chinaToday, addCalendarDays, type ChinaDate, type WorkingCalendar } from "../calendar/index.ts";
import { defaultCatalog } from "../engine/machineCatalog.ts";
import { advanceCase } from "../engine/advanceCase.ts";
import { openCase } from "../engine/openCase.ts";
import type { Actor, EngineContext } from "../engine/context.ts";
import { dataKeyOf } from "../privacy/atRest.ts";
import { DataKeyError } from "../privacy/dataKey.ts";
import { directSqlOf, type Db } from "../db/client.ts";
import { appendMonths, appendOpeningBalance, notePeople, type NewMonth } from "../engine/contributions.ts";
import { insuranceFor } from "../engine/parties.ts";
import { monthFromIndex, monthIndex } from "../domain/dateMath.ts";
import { mulRate } from "../domain/money.ts";
import type { ContributionStatus } from "../domain/contributions.ts";
import {
  agencies,
  demoCases,
  demoPolicy,
  demoRecords,
  staff,
  type DemoCase,
  type DemoRecord,
} from "../../prisma/demo.ts";

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

type Print = (line: string) => void;

async function main() {
  const config = loadConfig();
  const log = createLogger("warn");
  const url = absoluteSqliteUrl(config.DATABASE_URL);
  const print: Print = (l) => process.stdout.write(l + "\n");
  await applyMigrations(url);
  const db = await openDatabase(url);
  // the service's key and check, or a DataKeyError (the database closed, nothing written)
  await unlockPersonalData(db, { ...config, DATABASE_URL: url }, log);
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
    await seedAgencies(db, print);
    const actors = await seedStaff(db, print);
    await seedPolicy(db, print);
    const listed: Listed[] = [];
    for (const d of demoCases) listed.push(await seedCase(ctx, actors, d));
    report(listed, print);
  } finally {
    await db.$disconnect();
  }
}

async function seedAgencies(db: Db, print: Print) {
  for (const a of agencies) {
    const existing = await db.agency.findUnique({ where: { code: a.code } });
    if (!existing) await db.agency.create({ data: { ...a, insurances: JSON.stringify(a.insurances) } });
    print(existing ? `agency ${a.code} exists` : `agency ${a.code} ${a.name} created`);
  }
}

/** The demo clerks, by agency code (created with one generated password, or DEMO_PASSWORD). */
async function seedStaff(db: Db, print: Print): Promise<Record<string, Actor>> {
  const password = process.env.DEMO_PASSWORD || generatePassword();
  const actors: Record<string, Actor> = {};
  for (const s of staff) {
    const agency = await db.agency.findUniqueOrThrow({ where: { code: s.agencyCode } });
    const existing = await db.user.findUnique({ where: { username: s.username } });
    const user =
      existing ??
      (await db.user.create({
        data: { username: s.username, passwordHash: await hashPassword(password), role: "staff", agencyId: agency.id },
      }));
    print(
      existing
        ? `staff ${s.username} exists (password unchanged)`
        : `staff ${s.username} (${s.agencyCode}) password: ${password}`,
    );
    actors[s.agencyCode] = { kind: "staff", userId: user.id, username: user.username, agencyId: agency.id };
  }
  return actors;
}

async function seedPolicy(db: Db, print: Print) {
  const where = { region: demoPolicy.region, insurance: demoPolicy.insurance };
  if (await db.regionalPolicy.findFirst({ where })) return;
  await db.regionalPolicy.create({ data: demoPolicy });
  print(`${demoPolicy.insurance} renewal policy for region ${demoPolicy.region} created`);
}

interface Listed {
  caseNumber: string;
  idNumber: string;
  type: string;
  state: string;
  created: boolean;
  /** months and opening balances added to the person's contribution record */
  recorded: number;
}

/** One month of a demo record: the parts of the base at the record's rates, half up to the fen. */
function demoMonth(r: DemoRecord, month: string, baseFen: number, status: ContributionStatus): NewMonth {
  const part = (bp: number) => mulRate(baseFen, bp, 10_000, "halfUp");
  return {
    month,
    baseFen,
    employerFen: part(r.rates.employer),
    individualFen: part(r.rates.individual),
    // an owed month credits nothing
    accountCreditFen: status === "arrears" ? 0 : part(r.rates.account),
    status,
    payer: r.payer,
    employerCreditCode: r.employerCreditCode ?? null,
    source: "import",
  };
}

/** A demo record's months: paid up to the month before `openedMonth`, then that month owed if so. */
function demoMonths(r: DemoRecord, openedMonth: string): NewMonth[] {
  const first = monthIndex(openedMonth) - r.months;
  const months = Array.from({ length: r.months }, (_, i) => {
    const last = i === r.months - 1;
    const base = last && r.wagesFen !== undefined ? r.wagesFen - r.baseFen * (r.months - 1) : r.baseFen;
    return demoMonth(r, monthFromIndex(first + i).text, base, "paid");
  });
  if (r.arrearsInOpeningMonth) months.push(demoMonth(r, openedMonth, r.baseFen, "arrears"));
  return months;
}

/**
 * The demo person's record at the agency the case starts at, for the case's insurance, through the
 * engine in one transaction; what it added (nothing when it is there already).
 */
async function seedRecord(ctx: EngineContext, d: DemoCase, openedOn: string): Promise<number> {
  const r = demoRecords[d.insured.name];
  if (!r) return 0;
  const agency = await ctx.db.agency.findUniqueOrThrow({ where: { code: d.from } });
  const key = {
    agencyId: agency.id,
    personKey: dataKeyOf(ctx.db).idIndex(d.insured.idNumber),
    insurance: insuranceFor(d.type, d.insurance),
  };
  const openedMonth = openedOn.slice(0, 7);
  const now = new Date();
  return directSqlOf(ctx.db).transaction(async (tx) => {
    await notePeople(ctx, tx, [d.insured.idNumber], now);
    const outcomes = await appendMonths(tx, key, demoMonths(r, openedMonth), now);
    let added = outcomes.filter((o) => o !== "unchanged").length;
    if (r.openingBalanceFen !== undefined) {
      const asOfMonth = monthFromIndex(monthIndex(openedMonth) - r.months - 1).text;
      const balance = { asOfMonth, balanceBroughtForwardFen: r.openingBalanceFen };
      if ((await appendOpeningBalance(tx, key, balance, now)) !== "unchanged") added++;
    }
    return added;
  });
}

/** One demo case: the one that exists for its type and person, or a new one with its acts recorded. */
async function seedCase(ctx: EngineContext, actors: Record<string, Actor>, d: DemoCase): Promise<Listed> {
  // ID numbers are stored encrypted; the blind index finds them (src/privacy/). A person has at
  // most one open case of a kind (src/engine/parties.ts): the demo opens none beside one.
  const existing = await ctx.db.case.findFirst({
    where: { type: d.type, insuredIdIndex: dataKeyOf(ctx.db).idIndex(d.insured.idNumber) },
    orderBy: { final: "asc" },
  });
  const day = (n: number) => workingDaysBefore(ctx.calendar, ctx.today(), n);
  // the record first: the case's certificate is issued from it
  const recorded = await seedRecord(ctx, d, existing?.openedOn ?? day(d.openedWorkingDaysAgo));
  const listed = { idNumber: d.insured.idNumber, type: d.type, recorded };
  if (existing) return { ...listed, caseNumber: existing.caseNumber, state: existing.state, created: false };
  const opened = await openCase(ctx, actors[d.from]!, {
    type: d.type,
    insured: d.insured,
    fromAgency: d.from,
    toAgency: d.to,
    occurredOn: day(d.openedWorkingDaysAgo),
    ...(d.insurance ? { insurance: d.insurance } : {}),
    ...(d.scheme ? { scheme: d.scheme } : {}),
    ...(d.employer ? { employer: d.employer } : {}),
  });
  let state = opened.state;
  let assessedTotalFen = 0;
  for (const [agency, event, ago] of d.acts) {
    const act = { openedMonth: opened.openedOn.slice(0, 7), on: day(ago), assessedTotalFen };
    const { type, ...payload } = typeof event === "function" ? event(act) : event;
    const after = await advanceCase(ctx, actors[agency]!, opened.id, {
      type: String(type),
      occurredOn: act.on,
      backdateReason: "demo data (seed:demo)",
      payload,
    });
    state = after.case.state;
    const facts = (JSON.parse(after.case.snapshot) as { context: { assessment?: { totalFen: number } } }).context;
    if (facts.assessment) assessedTotalFen = facts.assessment.totalFen;
  }
  return { ...listed, caseNumber: opened.caseNumber, state, created: true };
}

function report(listed: Listed[], print: Print) {
  const created = listed.filter((c) => c.created).length;
  print(
    created === 0
      ? `the ${listed.length} demo cases exist already; nothing created:`
      : `${created} demo cases created${created < listed.length ? `, ${listed.length - created} existed` : ""} (look them up at / with the insured person's ID number):`,
  );
  for (const c of listed)
    print(`  ${c.caseNumber}  ${c.idNumber}  ${c.type} ${c.state}${c.created ? "" : " (existed)"}`);
  const recorded = listed.reduce((n, c) => n + c.recorded, 0);
  print(
    recorded === 0
      ? "the demo people's contribution records exist already; nothing added"
      : `contribution records: ${recorded} months and opening balances added`,
  );
}

main().catch((e) => {
  if (e instanceof DataKeyError) {
    // one line: the key found (its source) does not open this database's encrypted rows
    process.stderr.write(`seed:demo refused, nothing written: ${e.message.replaceAll("\n", " ")}\n`);
    process.exit(3);
  }
  process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `seed:demo failed: ${(e as Error).message}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
