// `npm run seed:demo`: demo agencies, staff and cases for trying the tracker out.
// Cases are opened and advanced through the engine, so their event logs are real.
// Passwords are generated and printed (never fixed), unless DEMO_PASSWORD is set.
import { loadConfig, ConfigError } from "../config.ts";
import { createLogger } from "../log.ts";
import { openDatabase } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";
import { absoluteSqliteUrl, loadCalendar, ensureAdministrator } from "../server.ts";
import { hashPassword, generatePassword } from "../auth/passwords.ts";
import { chinaToday, addCalendarDays } from "../calendar/index.ts";
import { defaultCatalog } from "../engine/limits.ts";
import { advanceCase } from "../engine/advanceCase.ts";
import { openCase } from "../engine/openCase.ts";
import type { Actor, EngineContext } from "../engine/context.ts";
import { makeTestIdNumber } from "../domain/idNumber.ts";

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

async function main() {
  const config = loadConfig();
  const log = createLogger("warn");
  const url = absoluteSqliteUrl(config.DATABASE_URL);
  await applyMigrations(url);
  const db = await openDatabase(url);
  try {
    await ensureAdministrator(db, config, log, (l) => process.stdout.write(l + "\n"));
    const ctx: EngineContext = { db, calendar: await loadCalendar(db), machines: defaultCatalog, today: () => chinaToday(), log };

    for (const a of agencies) {
      await db.agency.upsert({ where: { code: a.code }, create: a, update: {} });
    }
    const password = process.env.DEMO_PASSWORD || generatePassword();
    const actors: Record<string, Actor> = {};
    for (const s of staff) {
      const agency = await db.agency.findUniqueOrThrow({ where: { code: s.agencyCode } });
      const existing = await db.user.findUnique({ where: { username: s.username } });
      const user =
        existing ??
        (await db.user.create({ data: { username: s.username, passwordHash: await hashPassword(password), role: "staff", agencyId: agency.id } }));
      process.stdout.write(existing ? `staff ${s.username} exists (password unchanged)\n` : `staff ${s.username} (${s.agencyCode}) password: ${password}\n`);
      actors[s.agencyCode] = { kind: "staff", userId: user.id, username: user.username, agencyId: agency.id };
    }

    const today = ctx.today();
    const day = (n: number) => addCalendarDays(today, -n);
    const fz = actors["FZ-YB"];
    const xm = actors["XM-YB"];
    const people = [
      { name: "林晓明", idNumber: makeTestIdNumber("350102", "19900307", "123") },
      { name: "陈美玲", idNumber: makeTestIdNumber("350203", "19851111", "246") },
      { name: "王建国", idNumber: makeTestIdNumber("440304", "19780520", "357") },
      { name: "张丽", idNumber: makeTestIdNumber("350104", "19950102", "468") },
    ];
    const opened: string[] = [];
    const medical = async (i: number, steps: Array<[Actor, Record<string, unknown>]>, openedDaysAgo: number) => {
      const c = await openCase(ctx, fz, { type: "medicalTransfer", insured: people[i], fromAgency: "FZ-YB", toAgency: "XM-YB", occurredOn: day(openedDaysAgo) });
      for (const [actor, { type, ...rest }] of steps) {
        const { occurredOn, ...payload } = rest;
        await advanceCase(ctx, actor, c.id, { type: String(type), occurredOn, payload });
      }
      opened.push(c.caseNumber);
    };
    const certificate = { type: "ISSUE_CERTIFICATE", contributionMonths: 60, accountBalanceFen: 123_456, arrearsFen: 0 };
    await medical(0, [], 1);
    await medical(1, [[fz, { ...certificate, occurredOn: day(20) }], [xm, { type: "FILE_APPLICATION", channel: "online", applicant: "employer", occurredOn: day(19) }]], 21);
    await medical(2, [
      [fz, { ...certificate, occurredOn: day(30) }],
      [xm, { type: "FILE_APPLICATION", channel: "offline", applicant: "individual", occurredOn: day(29) }],
      [xm, { type: "ACCEPT", occurredOn: day(28) }],
    ], 31);
    await medical(3, [
      [fz, { ...certificate, occurredOn: day(10) }],
      [xm, { type: "FILE_APPLICATION", channel: "online", applicant: "individual", occurredOn: day(9) }],
      [xm, { type: "ACCEPT", occurredOn: day(8) }],
      [fz, { type: "TRANSFER_OUT_DONE", transferredFen: 123_456, occurredOn: day(4) }],
    ], 12);
    process.stdout.write(`demo cases (look them up at / with the insured person's ID number):\n`);
    opened.forEach((n, i) => process.stdout.write(`  ${n}  ${people[i].idNumber}\n`));
  } finally {
    await db.$disconnect();
  }
}

main().catch((e) => {
  process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `seed:demo failed: ${(e as Error).message}\n`);
  process.exit(e instanceof ConfigError ? 2 : 1);
});
