// Benchmark peer of the status lookup: the lookup as anyone would write it first with Prisma.
// findUnique by case number with the case's agencies and events included, then the ID number
// given compared with the case's: ID numbers are stored encrypted with a blind index beside them
// (src/privacy/dataKey.ts), so the natural comparison is the given number's index against the
// stored one. The same answer (the service's statusView, which decrypts the name and ID number to
// mask them). No safeguards: a bare Express handler like the other peers.
import express from "express";
import { openDatabase } from "../../src/db/client.ts";
import { WorkingCalendar } from "../../src/calendar/index.ts";
import { defaultCatalog } from "../../src/engine/machineCatalog.ts";
import { statusView } from "../../src/api/caseViews.ts";
import { createLogger } from "../../src/log.ts";
import { loadDataKey } from "../../src/privacy/dataKey.ts";
import { attachDataKey } from "../../src/privacy/atRest.ts";
import type { EngineContext } from "../../src/engine/context.ts";

const url = process.env.BENCH_DATABASE_URL!;
const db = await openDatabase(url);
const { key } = loadDataKey({
  DATA_KEY: process.env.DATA_KEY || undefined,
  DATA_KEY_FILE: process.env.DATA_KEY_FILE || undefined,
  DATABASE_URL: url,
});
attachDataKey(db, key);
const ctx: EngineContext = {
  db,
  calendar: WorkingCalendar.official(),
  machines: defaultCatalog,
  today: () => process.env.BENCH_TODAY!,
  log: createLogger("silent"),
};

const app = express();
app.use(express.json());
app.post("/status", async (req, res, next) => {
  try {
    const { caseNumber, idNumber } = req.body as { caseNumber: string; idNumber: string };
    const c = await db.case.findUnique({
      where: { caseNumber: String(caseNumber).trim().toUpperCase() },
      include: { fromAgency: true, toAgency: true, events: { orderBy: { seq: "asc" } } },
    });
    if (!c || c.insuredIdIndex !== key.idIndex(String(idNumber))) return void res.status(404).json({});
    res.json(statusView(ctx, { ...c, timeline: c.events }));
  } catch (e) {
    next(e);
  }
});
app.listen(Number(process.env.PORT), "127.0.0.1", () =>
  process.stdout.write(`listening on http://127.0.0.1:${process.env.PORT}\n`),
);
