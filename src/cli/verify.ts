// `npm run verify`: replay every case's events through its machine version and list the
// cases whose stored state differs. Exit code 1 if any does, 2 if it could not run.
import fs from "node:fs";
import { loadConfig, ConfigError } from "../config.ts";
import { openDatabase, sqliteFilePath } from "../db/client.ts";
import { absoluteSqliteUrl } from "../server.ts";
import { defaultCatalog } from "../engine/limits.ts";
import { replayCase, type ReplayMismatch } from "../engine/replay.ts";

const PAGE = 500;

async function main(): Promise<number> {
  const config = loadConfig();
  const url = absoluteSqliteUrl(config.DATABASE_URL);
  if (url.startsWith("file:") && !fs.existsSync(sqliteFilePath(url))) {
    process.stderr.write(`No database at ${sqliteFilePath(url)}\n`);
    return 2;
  }
  const db = await openDatabase(url);
  try {
    const total = await db.case.count();
    const mismatches: ReplayMismatch[] = [];
    let done = 0;
    let cursor: string | undefined;
    for (;;) {
      const cases = await db.case.findMany({ orderBy: { id: "asc" }, take: PAGE, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
      if (cases.length === 0) break;
      const events = await db.caseEvent.findMany({ where: { caseId: { in: cases.map((c) => c.id) } }, orderBy: [{ caseId: "asc" }, { seq: "asc" }] });
      const byCase = new Map<string, typeof events>();
      for (const e of events) {
        const list = byCase.get(e.caseId);
        if (list) list.push(e);
        else byCase.set(e.caseId, [e]);
      }
      for (const c of cases) {
        const m = replayCase(defaultCatalog, c, byCase.get(c.id) ?? []);
        if (m) mismatches.push(m);
      }
      done += cases.length;
      cursor = cases[cases.length - 1].id;
      if (process.stderr.isTTY) process.stderr.write(`\rverified ${done}/${total} cases`);
    }
    if (process.stderr.isTTY) process.stderr.write("\n");
    for (const m of mismatches) process.stdout.write(`MISMATCH ${m.caseNumber} (${m.caseId}): ${m.problem}\n`);
    process.stdout.write(`verify: ${done} cases replayed, ${mismatches.length} mismatched\n`);
    return mismatches.length === 0 ? 0 : 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `verify failed: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
