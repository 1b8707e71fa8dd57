// The data key of each database client, and what the service does with it at start-up: check
// that the key is this database's, encrypt rows written before encryption existed, and keep the
// token signing secret encrypted (docs/personal-data.md).
import { Prisma } from "../generated/prisma/client.ts";
import type { Db } from "../db/client.ts";
import { databaseUrlOf, directSqlOf } from "../db/client.ts";
import { DataKey, DataKeyError, isEncrypted, loadDataKey } from "./dataKey.ts";

const keys = new WeakMap<Db, DataKey>();

/** Gives a database client its data key (the service does this once at start). */
export function attachDataKey(db: Db, key: DataKey): void {
  keys.set(db, key);
}

/**
 * The data key of a client: the one attached, else the one the environment names for its database
 * (DATA_KEY, DATA_KEY_FILE or the default key file), as tools that open the database do.
 */
export function dataKeyOf(db: Db): DataKey {
  let key = keys.get(db);
  if (!key) {
    const url = databaseUrlOf(db);
    key = loadDataKey({
      DATA_KEY: process.env.DATA_KEY || undefined,
      DATA_KEY_FILE: process.env.DATA_KEY_FILE || undefined,
      DATABASE_URL: url,
    }).key;
    keys.set(db, key);
  }
  return key;
}

export const DATA_KEY_CHECK = "dataKeyCheck";

/**
 * Stops with a clear message when this key is not the one the database's data is encrypted with
 * (a node of a cluster started with another key, a lost key file replaced by a new one). The first
 * start records the key's check value.
 */
export async function checkDataKey(db: Db, key: DataKey): Promise<void> {
  const value = key.checkValue();
  const existing = await db.setting.findUnique({ where: { key: DATA_KEY_CHECK } });
  if (!existing) {
    // Rows already encrypted but no check value: they were encrypted under some key; try one.
    const sample = await db.case.findFirst({
      where: { insuredIdIndex: { not: null } },
      select: { insuredIdNumber: true },
    });
    if (sample && isEncrypted(sample.insuredIdNumber)) key.decrypt(sample.insuredIdNumber, "insuredIdNumber");
    await db.setting.createMany({ data: [{ key: DATA_KEY_CHECK, value }] }).catch(() => undefined);
    return checkDataKey(db, key);
  }
  if (existing.value !== value) {
    throw new DataKeyError(
      `The data key from ${key.source} is not the key this database's personal data is encrypted with. ` +
        "Every node of a cluster needs the same key (DATA_KEY or DATA_KEY_FILE); restore the key file from its backup. " +
        "See docs/personal-data.md.",
    );
  }
}

/**
 * Encrypts the rows written before encryption (insuredIdIndex IS NULL), a batch at a time, each
 * batch in its own short transaction. Idempotent: a row another node encrypted meanwhile is left
 * alone (the update requires the index to be still null), and a value already encrypted is kept.
 * Returns the number of rows it encrypted.
 */
export async function encryptPlaintextRows(db: Db, key: DataKey, batch = 500): Promise<number> {
  const sql = directSqlOf(db);
  let done = 0;
  for (;;) {
    const rows = await sql.query<{ id: string; insuredName: string; insuredIdNumber: string }>(
      Prisma.sql`SELECT "id", "insuredName", "insuredIdNumber" FROM "Case" WHERE "insuredIdIndex" IS NULL ORDER BY "id" LIMIT ${batch}`,
    );
    if (rows.length === 0) return done;
    await sql.transaction(async (tx) => {
      for (const r of rows) {
        const name = isEncrypted(r.insuredName) ? key.decrypt(r.insuredName, "insuredName") : r.insuredName;
        const idNumber = isEncrypted(r.insuredIdNumber)
          ? key.decrypt(r.insuredIdNumber, "insuredIdNumber")
          : r.insuredIdNumber;
        const c = key.caseColumns({ name, idNumber });
        await tx.execute(Prisma.sql`UPDATE "Case" SET "insuredName" = ${c.insuredName}, "insuredIdNumber" = ${c.insuredIdNumber},
          "insuredIdIndex" = ${c.insuredIdIndex}, "insuredNamePrefix1" = ${c.insuredNamePrefix1}, "insuredNamePrefix2" = ${c.insuredNamePrefix2},
          "insuredNamePrefix3" = ${c.insuredNamePrefix3}, "insuredNamePrefix4" = ${c.insuredNamePrefix4}
          WHERE "id" = ${r.id} AND "insuredIdIndex" IS NULL`);
      }
    });
    done += rows.length;
  }
}

export const TOKEN_SECRET_SETTING = "tokenSecret";
const TOKEN_SECRET_FIELD = "Setting.tokenSecret";

/** The token signing secret as stored: encrypted under the data key. */
export function sealTokenSecret(key: DataKey, secret: string): string {
  return key.encrypt(secret, TOKEN_SECRET_FIELD);
}

export function openTokenSecret(key: DataKey, stored: string): string {
  return key.decrypt(stored, TOKEN_SECRET_FIELD);
}
