// `npm run rekey -- --new-key-file <file>`: re-encrypts the personal data (insured names and ID
// numbers, of cases and of contribution records), recomputes their blind indexes and re-encrypts the stored token signing secret under a
// new data key (docs/personal-data.md). Stop the service (every node) first.
//
// The current key is the one the service would use (DATA_KEY, DATA_KEY_FILE or the default key
// file); the new one is read from <file>, or generated there (mode 0600) if it does not exist.
// Cases are rewritten in batches, each in its own transaction; a row the new key already decrypts
// is skipped, so an interrupted run is simply run again. The key check value is switched last.
// Then start the service with the new key (DATA_KEY_FILE=<file>, or move <file> in place of the
// old key file), and keep a backup of it apart from the database's backups.
// Exit codes: 0 done, 1 failed, 2 bad arguments or configuration.
import { parseArgs } from "node:util";
import path from "node:path";
import { syncOpenEnrolments } from "../engine/parties.ts";
import { rekeyContributionRecords } from "../engine/contributions.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { closeDatabase, directSqlOf, openDatabase } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";
import { isPostgresUrl, sqliteFilePath } from "../db/urls.ts";
import { DataKey, DecryptError, isEncrypted, loadDataKey, readOrCreateKeyFile } from "../privacy/dataKey.ts";
import {
  attachDataKey,
  checkDataKey,
  DATA_KEY_CHECK,
  encryptPlaintextRows,
  openTokenSecret,
  sealTokenSecret,
  TOKEN_SECRET_SETTING,
} from "../privacy/atRest.ts";

const USAGE = `usage: npm run rekey -- --new-key-file <file>

Re-encrypts the personal data of the database named by DATABASE_URL under the key in <file>
(created, mode 0600, if it does not exist). Stop the service first. The current key comes from
DATA_KEY, DATA_KEY_FILE or the default key file, as for the service.
`;

const BATCH = 500;

/** Rewrites every case and the token secret under `next`; returns the number of cases rewritten. */
async function rekey(databaseUrl: string, current: DataKey, next: DataKey): Promise<number> {
  const db = await openDatabase(databaseUrl);
  try {
    attachDataKey(db, current);
    await checkDataKey(db, current).catch(async (e) => {
      // An interrupted run may already have switched the check value: then the new key passes it.
      await checkDataKey(db, next).catch(() => {
        throw e;
      });
    });
    await encryptPlaintextRows(db, current);
    const sql = directSqlOf(db);
    let done = 0;
    let after = "";
    for (;;) {
      const rows = await sql.query<{ id: string; insuredName: string; insuredIdNumber: string }>(
        Prisma.sql`SELECT "id", "insuredName", "insuredIdNumber" FROM "Case" WHERE "id" > ${after} ORDER BY "id" LIMIT ${BATCH}`,
      );
      if (rows.length === 0) break;
      await sql.transaction(async (tx) => {
        for (const r of rows) {
          const open = (value: string, field: string) => {
            try {
              return { plain: current.decrypt(value, field), done: false };
            } catch (e) {
              if (!(e instanceof DecryptError)) throw e;
              return { plain: next.decrypt(value, field), done: true }; // rewritten by an earlier run
            }
          };
          const name = open(r.insuredName, "insuredName");
          const idNumber = open(r.insuredIdNumber, "insuredIdNumber");
          if (name.done && idNumber.done) continue;
          const c = next.caseColumns({ name: name.plain, idNumber: idNumber.plain });
          await tx.execute(Prisma.sql`UPDATE "Case" SET "insuredName" = ${c.insuredName}, "insuredIdNumber" = ${c.insuredIdNumber},
            "insuredIdIndex" = ${c.insuredIdIndex}, "insuredNamePrefix1" = ${c.insuredNamePrefix1}, "insuredNamePrefix2" = ${c.insuredNamePrefix2},
            "insuredNamePrefix3" = ${c.insuredNamePrefix3}, "insuredNamePrefix4" = ${c.insuredNamePrefix4} WHERE "id" = ${r.id}`);
          done++;
        }
      });
      after = rows[rows.length - 1].id;
    }
    await rekeyClerkFiles(db, current, next);
    await rekeyContributionRecords(db, current, next);
    // the open enrolments are keyed by the ID number's blind index, which the new key changed
    await syncOpenEnrolments(db);
    const secret = await db.setting.findUnique({ where: { key: TOKEN_SECRET_SETTING } });
    if (secret) {
      let plain: string;
      try {
        plain = isEncrypted(secret.value) ? openTokenSecret(current, secret.value) : secret.value;
      } catch (e) {
        if (!(e instanceof DecryptError)) throw e;
        plain = openTokenSecret(next, secret.value);
      }
      await db.setting.update({ where: { key: TOKEN_SECRET_SETTING }, data: { value: sealTokenSecret(next, plain) } });
    }
    await db.setting.upsert({
      where: { key: DATA_KEY_CHECK },
      create: { key: DATA_KEY_CHECK, value: next.checkValue() },
      update: { value: next.checkValue() },
    });
    return done;
  } finally {
    await closeDatabase(db);
  }
}

async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { "new-key-file": { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    file = values["new-key-file"];
  } catch (e) {
    process.stderr.write(`rekey: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!file) {
    process.stderr.write(`rekey: --new-key-file <file> is required\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  // the same file the service finds (a relative file: URL is relative to the working directory)
  const databaseUrl = isPostgresUrl(config.DATABASE_URL)
    ? config.DATABASE_URL
    : `file:${path.resolve(sqliteFilePath(config.DATABASE_URL))}`;
  const { key: current } = loadDataKey({ ...config, DATABASE_URL: databaseUrl });
  const target = path.resolve(file);
  if (!config.DATA_KEY && current.source === target) {
    process.stderr.write(`rekey: ${target} is the current key file; give a new file\n`);
    return 2;
  }
  const { key: next, created } = readOrCreateKeyFile(target);
  if (next.checkValue() === current.checkValue()) {
    process.stderr.write(`rekey: ${target} holds the current key; give a new one\n`);
    return 2;
  }
  await applyMigrations(databaseUrl);
  const n = await rekey(databaseUrl, current, next);
  process.stdout.write(
    `rekey: ${n} cases re-encrypted under ${target}${created ? " (created)" : ""}.\n` +
      `Start the service with DATA_KEY_FILE=${target} (or move it in place of ${current.source}), and back it up apart from the database.\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `rekey failed: ${(e as Error).message}\n`);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);

/**
 * The clerk's notes (text) and attachments (file name and bytes) under the new key, one row at a
 * time: a row an interrupted run already rewrote decrypts with the new key and is left alone.
 */
async function rekeyClerkFiles(db: Awaited<ReturnType<typeof openDatabase>>, current: DataKey, next: DataKey) {
  let done = 0;
  const underCurrent = (value: string, field: string) => {
    try {
      return current.decrypt(value, field);
    } catch (e) {
      if (!(e instanceof DecryptError)) throw e;
      next.decrypt(value, field); // already rewritten (throws if it is neither key's)
      return undefined;
    }
  };
  for (let after = 0; ;) {
    const notes = await db.caseNote.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" }, take: BATCH });
    if (notes.length === 0) break;
    for (const n of notes) {
      const text = underCurrent(n.text, "noteText");
      if (text === undefined) continue;
      await db.caseNote.update({ where: { id: n.id }, data: { text: next.encrypt(text, "noteText") } });
      done++;
    }
    after = notes[notes.length - 1].id;
  }
  for (let after = ""; ;) {
    const ids = await db.caseAttachment.findMany({
      where: { id: { gt: after } },
      orderBy: { id: "asc" },
      take: 20,
      select: { id: true },
    });
    if (ids.length === 0) break;
    for (const { id } of ids) {
      const a = await db.caseAttachment.findUniqueOrThrow({ where: { id } });
      const name = underCurrent(a.fileName, "fileName");
      if (name === undefined) continue;
      const bytes = current.decryptBytes(a.content, `attachment:${id}`);
      await db.caseAttachment.update({
        where: { id },
        data: {
          fileName: next.encrypt(name, "fileName"),
          content: new Uint8Array(next.encryptBytes(bytes, `attachment:${id}`)),
        },
      });
      done++;
    }
    after = ids[ids.length - 1].id;
  }
  return done;
}
