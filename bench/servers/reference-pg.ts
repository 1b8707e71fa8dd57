// Benchmark reference on PostgreSQL: the same read, pure transition and write as an advance, done
// with node-postgres named (prepared) statements on a pool of 10 in a bare Express handler.
import express from "express";
import pg from "pg";
import { medicalTransfer } from "../../machines/index.ts";
import { nextSnapshot, persist } from "../../machines/runtime.ts";

const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL!, max: 10 });
const read = { name: "read", text: `SELECT id, state, snapshot, version FROM "Case" WHERE id = $1` };
const update = {
  name: "update",
  text: `UPDATE "Case" SET state = $1, snapshot = $2, version = $3, "updatedAt" = $4 WHERE id = $5 AND version = $6`,
};
const insert = {
  name: "insert",
  text: `INSERT INTO "CaseEvent" ("caseId", seq, type, payload, "fromState", "toState", "actorKind", "actorId", "actorName", "recordedAt", "occurredOn")
    VALUES ($1, $2, 'REISSUE_CERTIFICATE', '{}', $3, $4, 'staff', 2, 'clerk1', $5, $6)`,
};

async function advance(id: string, occurredOn: string): Promise<{ status: number; body?: unknown }> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const c = (await client.query({ ...read, values: [id] })).rows[0] as
      { id: string; state: string; snapshot: string; version: number } | undefined;
    if (!c) return await rollback(client, 404);
    const next = nextSnapshot(medicalTransfer, c.snapshot, { type: "REISSUE_CERTIFICATE", occurredOn });
    if (!next.changed) return await rollback(client, 409);
    const now = new Date();
    const done = await client.query({
      ...update,
      values: [next.state, JSON.stringify(persist(next.snapshot)), c.version + 1, now, id, c.version],
    });
    if (done.rowCount !== 1) return await rollback(client, 409);
    await client.query({ ...insert, values: [id, c.version + 1, c.state, next.state, now, occurredOn] });
    await client.query("COMMIT");
    return { status: 200, body: { id, version: c.version + 1, state: next.state } };
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

async function rollback(client: pg.PoolClient, status: number) {
  await client.query("ROLLBACK");
  return { status };
}

const app = express();
app.use(express.json());
app.post("/cases/:id/events", (req, res, next) => {
  advance(req.params.id, process.env.BENCH_TODAY!).then((r) => void res.status(r.status).json(r.body ?? {}), next);
});
app.listen(Number(process.env.PORT), "127.0.0.1", () =>
  process.stdout.write(`listening on http://127.0.0.1:${process.env.PORT}\n`),
);
