// Benchmark peer: the implementation anyone would write first with Prisma: findUnique, the
// pure transition, then a $transaction of the version-checked update and the event insert.
import express from "express";
import { openDatabase } from "../../src/db/client.ts";
import { medicalTransfer } from "../../machines/index.ts";
import { nextSnapshot, persist } from "../../machines/runtime.ts";

const db = await openDatabase(process.env.BENCH_DATABASE_URL!);
const app = express();
app.use(express.json());
app.post("/cases/:id/events", async (req, res) => {
  const c = await db.case.findUnique({ where: { id: req.params.id } });
  if (!c) return void res.status(404).json({});
  const occurredOn = process.env.BENCH_TODAY!;
  const next = nextSnapshot(medicalTransfer, c.snapshot, { type: "REISSUE_CERTIFICATE", occurredOn });
  if (!next.changed) return void res.status(409).json({});
  try {
    await db.$transaction([
      db.case.update({
        where: { id: c.id, version: c.version },
        data: { state: next.state, snapshot: JSON.stringify(persist(next.snapshot)), version: c.version + 1 },
      }),
      db.caseEvent.create({
        data: {
          caseId: c.id,
          seq: c.version + 1,
          type: "REISSUE_CERTIFICATE",
          payload: "{}",
          fromState: c.state,
          toState: next.state,
          actorKind: "staff",
          actorId: 2,
          actorName: "clerk1",
          occurredOn,
        },
      }),
    ]);
  } catch {
    return void res.status(409).json({});
  }
  res.json({ id: c.id, version: c.version + 1, state: next.state });
});
app.listen(Number(process.env.PORT), "127.0.0.1", () =>
  process.stdout.write(`listening on http://127.0.0.1:${process.env.PORT}\n`),
);
