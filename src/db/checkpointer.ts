// Background WAL checkpoints for the service's SQLite file.
//
// SQLite copies its write-ahead log back into the database file ("checkpoints") inside the commit
// that takes the log past 1,000 pages. In the service that commit is on the one thread that
// answers requests: under steady writes every few hundred advances waited several milliseconds
// for it, which was the whole of the advance's p99 (42–47 ms with it, 18–21 ms without, at 10
// connections). SQLite's documentation suggests the remedy used here: the service's connection
// turns automatic checkpoints off and a worker thread with its own connection runs them.
//
// If the worker cannot run (the file cannot be opened, the thread dies) the service's connection
// turns automatic checkpoints back on: the log never grows without bound.
import { Worker } from "node:worker_threads";

export interface CheckpointResult {
  mode: "PASSIVE" | "RESTART";
  /** pages in the log */
  log: number;
  /** pages of the log now in the database file */
  checkpointed: number;
  busy: number;
}

export interface CheckpointerStats {
  /** rounds that found pages in the log */
  rounds: number;
  /** rounds that had to hold off writers (the log had grown past `restartAbovePages`) */
  restarts: number;
  last?: CheckpointResult;
  errors: number;
}

export interface CheckpointerOptions {
  /** time between rounds */
  intervalMs?: number;
  /** log size in pages (4 KiB) above which a round holds off commits briefly so the log can start over (default 4,000) */
  restartAbovePages?: number;
  /** the worker failed: a checkpoint error (the worker goes on) or the worker itself (it is gone) */
  onError?: (message: string, workerGone: boolean) => void;
}

export class Checkpointer {
  readonly stats: CheckpointerStats = { rounds: 0, restarts: 0, errors: 0 };
  private readonly worker: Worker;
  private stopping = false;
  private gone = false;
  private readonly started: Promise<void>;
  private readonly exited: Promise<void>;
  private pendingNow: (() => void)[] = [];

  constructor(file: string, options: CheckpointerOptions = {}) {
    this.worker = new Worker(new URL("./checkpoint-worker.js", import.meta.url), {
      workerData: { file, intervalMs: options.intervalMs ?? 200, restartAbovePages: options.restartAbovePages ?? 4_000 },
    });
    // The service's own handles decide when the process ends, never this thread.
    this.worker.unref();
    this.exited = new Promise((resolve) =>
      this.worker.once("exit", () => {
        this.gone = true;
        resolve();
      }),
    );
    this.started = new Promise((resolve, reject) => {
      this.worker.on("message", (m: { type: string; message?: string } & Partial<CheckpointResult>) => {
        if (m.type === "ready") resolve();
        else if (m.type === "checkpoint") {
          this.stats.rounds++;
          if (m.mode === "RESTART") this.stats.restarts++;
          this.stats.last = { mode: m.mode!, log: m.log!, checkpointed: m.checkpointed!, busy: m.busy! };
        } else if (m.type === "error") {
          this.stats.errors++;
          options.onError?.(m.message ?? "checkpoint failed", false);
        } else if (m.type === "done") this.pendingNow.shift()?.();
      });
      let failed = false;
      this.worker.once("error", (e) => {
        failed = true;
        reject(e);
        options.onError?.(e.message, true);
      });
      this.worker.once("exit", (code) => {
        for (const settle of this.pendingNow.splice(0)) settle();
        reject(new Error(`the checkpoint thread exited (code ${code})`));
        if (!this.stopping && !failed) options.onError?.(`the checkpoint thread exited (code ${code})`, true);
      });
    });
    // A failed start is reported through onError; callers that wait use ready().
    this.started.catch(() => undefined);
  }

  /** Whether the thread is still there (it may have died since ready()). */
  get running(): boolean {
    return !this.gone;
  }

  /** Resolves once the worker has opened the file; rejects if it could not. */
  ready(): Promise<void> {
    return this.started;
  }

  /** Runs a round at once and resolves when it is done (tests, and the bench's own checks). */
  async checkpointNow(): Promise<CheckpointerStats> {
    await this.started;
    await new Promise<void>((resolve) => {
      this.pendingNow.push(resolve);
      this.worker.postMessage({ type: "now" });
    });
    return this.stats;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.worker.postMessage({ type: "stop" });
    // The worker closes its connection and lets its thread end; terminate is the fallback.
    const timeout = setTimeout(() => void this.worker.terminate(), 2_000);
    await this.exited;
    clearTimeout(timeout);
  }
}
