// Benchmark reference: the same read, pure transition and write as an advance, done with raw
// better-sqlite3 prepared statements in a bare Express handler. The limit of this store here.
import express from "express";
import Database from "better-sqlite3";
import { medicalTransfer } from "../../machines/index.ts";
import { nextSnapshot, persist } from "../../machines/runtime.ts";

const db = new Database(process.env.BENCH_DATABASE_URL!.replace(/^file:/, ""));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 5000");
const read = db.prepare(`SELECT id, state, snapshot, version FROM "Case" WHERE id = ?`);
const update = db.prepare(
  `UPDATE "Case" SET state = ?, snapshot = ?, version = ?, updatedAt = ? WHERE id = ? AND version = ?`,
);
const insert =
  db.prepare(`INSERT INTO "CaseEvent" (caseId, seq, type, payload, fromState, toState, actorKind, actorId, actorName, recordedAt, occurredOn)
  VALUES (?, ?, 'REISSUE_CERTIFICATE', '{}', ?, ?, 'staff', 2, 'clerk1', ?, ?)`);

const advance = db.transaction((id: string, occurredOn: string) => {
  const c = read.get(id) as { id: string; state: string; snapshot: string; version: number } | undefined;
  if (!c) return { status: 404 };
  const next = nextSnapshot(medicalTransfer, c.snapshot, { type: "REISSUE_CERTIFICATE", occurredOn });
  if (!next.changed) return { status: 409 };
  const now = new Date().toISOString();
  if (update.run(next.state, JSON.stringify(persist(next.snapshot)), c.version + 1, now, id, c.version).changes !== 1)
    return { status: 409 };
  insert.run(id, c.version + 1, c.state, next.state, now, occurredOn);
  return { status: 200, body: { id, version: c.version + 1, state: next.state } };
});

const app = express();
app.use(express.json());
app.post("/cases/:id/events", (req, res) => {
  const r = advance(req.params.id, process.env.BENCH_TODAY!);
  res.status(r.status).json(r.body ?? {});
});
app.listen(Number(process.env.PORT), "127.0.0.1", () =>
  process.stdout.write(`listening on http://127.0.0.1:${process.env.PORT}\n`),
);
