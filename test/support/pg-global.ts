// vitest globalSetup of the PostgreSQL project: every test database of this run carries the run's
// id in its name, and is dropped when the run ends.
import { randomBytes } from "node:crypto";
import pg from "pg";

const adminUrl = process.env.TEST_PG_URL ?? "postgresql://postgres@localhost:5432/postgres";

export function setup() {
  process.env.TEST_RUN_ID ??= randomBytes(4).toString("hex");
}

export async function teardown() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `tracker_test_${process.env.TEST_RUN_ID}_%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
