// @ts-check
// The background checkpointer's thread (started by src/db/checkpointer.ts). Plain JavaScript so
// that it runs under any loader: the service's (tsx), the tests' (vitest) and none.
//
// With its own connection it copies the write-ahead log into the database file every few hundred
// milliseconds. PASSIVE never waits for the service's readers or writer and never takes the write
// lock: it copies what it can and the next round copies the rest.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/** @type {{ file: string; intervalMs: number }} */
const { file, intervalMs } = workerData;
const db = new Database(file, { fileMustExist: true, timeout: 5000 });
// The worker's checkpoints sync as the service's commits do (synchronous=NORMAL with WAL).
db.pragma("synchronous = NORMAL");
const NEXT_ROUND_MS = 10;
/** @type {NodeJS.Timeout | undefined} */
let timer;
// Pages already copied at the end of the previous round.
let copied = 0;

function round() {
  let next = intervalMs;
  try {
    const [row] = /** @type {{ busy: number; log: number; checkpointed: number }[]} */ (
      db.pragma("wal_checkpoint(PASSIVE)")
    );
    parentPort?.postMessage({
      type: "checkpoint",
      busy: row.busy,
      log: row.log,
      checkpointed: row.checkpointed,
      copiedNow: row.checkpointed !== copied,
    });
    // The log starts again from its top only if a commit finds all of it copied. Under steady
    // writes a round ends with new pages behind it, so rounds follow each other closely, each
    // shorter than the last, until one finds nothing new; then the next commit starts the log over.
    if (row.checkpointed !== copied) next = NEXT_ROUND_MS;
    copied = row.checkpointed;
  } catch (e) {
    parentPort?.postMessage({ type: "error", message: /** @type {Error} */ (e).message });
  }
  timer = setTimeout(round, next);
}

parentPort?.on("message", (/** @type {{ type: string }} */ message) => {
  if (message.type === "now") {
    clearTimeout(timer);
    round();
    parentPort?.postMessage({ type: "done" });
  } else if (message.type === "stop") {
    clearTimeout(timer);
    db.close();
    parentPort?.close();
  }
});
timer = setTimeout(round, intervalMs);
parentPort?.postMessage({ type: "ready" });
