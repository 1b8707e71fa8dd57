// Background WAL checkpoints for the service's SQLite file.
//
// SQLite copies its write-ahead log back into the database file ("checkpoints") inside the commit
// that takes the log past 1,000 pages. In the service that commit is on the one thread that
// answers requests: under steady writes every few hundred advances waited several milliseconds
// for it, which was the whole of the advance's p99 (42–56 ms with it, 18–21 ms without, at 10
// connections). SQLite's documentation suggests the remedy used here: the service's connection
// turns automatic checkpoints off and a worker thread with its own connection runs them.
//
// The worker only runs PASSIVE checkpoints, which never take the write lock: a checkpoint that
// held it (RESTART) would make the service's read-then-write transactions fail with SQLITE_BUSY.
// Should the log outgrow the worker's rounds all the same, the service's connection turns
// SQLite's own checkpoints back on until the log has started over.
//
// This class alone switches those (`commitCheckpoints`), in order: off once the worker is ready,
// on while the log has outgrown it, on for good if the thread cannot start or dies. The log never
// grows without bound.
import { Worker } from "node:worker_threads";

export interface CheckpointRound {
  /** pages in the log */
  log: number;
  /** pages of the log now in the database file */
  checkpointed: number;
  busy: number;
}

export interface CheckpointerStats {
  /** rounds that copied pages into the database file */
  rounds: number;
  /** times the log outgrew the rounds and the service's commits checkpointed until it started over */
  fallbacks: number;
  /** whether the service's commits are checkpointing now (SQLite's default, until the worker is ready) */
  commitsCheckpoint: boolean;
  last?: CheckpointRound;
  errors: number;
}

export interface CheckpointerOptions {
  /** time between rounds while the log is fully copied */
  intervalMs?: number;
  /** log size in pages (4 KiB) above which the service's commits checkpoint again (default 4,000) */
  fallBackAbovePages?: number;
  /** turns SQLite's own checkpoints in the service's commits on (true) or off (false) */
  commitCheckpoints: (on: boolean) => Promise<unknown>;
  /** the worker failed: a checkpoint error (the worker goes on) or the worker itself (it is gone) */
  onError?: (message: string, workerGone: boolean) => void;
}

export class Checkpointer {
  readonly stats: CheckpointerStats = { rounds: 0, fallbacks: 0, commitsCheckpoint: true, errors: 0 };
  /** The thread (tests end it to show that the service carries on without it). */
  readonly worker: Worker;
  private stopping = false;
  private gone = false;
  private readonly started: Promise<void>;
  private readonly exited: Promise<void>;
  private pendingNow: (() => void)[] = [];
  private switching: Promise<void> = Promise.resolve();

  constructor(
    file: string,
    private readonly options: CheckpointerOptions,
  ) {
    this.worker = new Worker(new URL("./checkpoint-worker.js", import.meta.url), {
      workerData: { file, intervalMs: options.intervalMs ?? 200 },
      // Plain JavaScript: none of the parent's loaders (tsx) or flags, and a small heap.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
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
      this.worker.on(
        "message",
        (m: { type: string; message?: string; copiedNow?: boolean } & Partial<CheckpointRound>) => {
          if (m.type === "ready") {
            this.switchTo(false);
            void this.switching.then(resolve);
          } else if (m.type === "checkpoint") {
            if (m.copiedNow) this.stats.rounds++;
            if (m.log! > 0) this.stats.last = { log: m.log!, checkpointed: m.checkpointed!, busy: m.busy! };
            this.followLog(m.log!);
          } else if (m.type === "error") {
            this.stats.errors++;
            options.onError?.(m.message ?? "checkpoint failed", false);
          } else if (m.type === "done") this.pendingNow.shift()?.();
        },
      );
      let failed = false;
      this.worker.once("error", (e) => {
        failed = true;
        reject(e);
        this.switchTo(true);
        options.onError?.(e.message, true);
      });
      this.worker.once("exit", (code) => {
        for (const settle of this.pendingNow.splice(0)) settle();
        reject(new Error(`the checkpoint thread exited (code ${code})`));
        if (this.stopping || failed) return;
        this.switchTo(true);
        options.onError?.(`the checkpoint thread exited (code ${code})`, true);
      });
    });
    // A failed start is reported through onError; callers that wait use ready().
    this.started.catch(() => undefined);
  }

  // Commits came so close together that no round ended with the whole log copied, so the log
  // never started over. Then the service's commits checkpoint as SQLite does by default: such a
  // checkpoint runs on the writer's own thread between two commits, copies the last pages with no
  // commit racing it, and the next commit starts the log over. Off again once it has.
  private followLog(log: number) {
    if (this.stopping) return;
    if (log > (this.options.fallBackAbovePages ?? 4_000) && !this.stats.commitsCheckpoint) {
      this.stats.fallbacks++;
      this.switchTo(true);
    } else if (log <= 1_000) this.switchTo(false);
  }

  /** Queues the switch after any earlier one, so that the last word is the one in force. */
  private switchTo(on: boolean) {
    if (on === this.stats.commitsCheckpoint) return;
    this.stats.commitsCheckpoint = on;
    this.switching = this.switching
      .then(() => this.options.commitCheckpoints(on))
      .then(
        () => undefined,
        (e: Error) => {
          this.stats.errors++;
          this.options.onError?.(e.message, false);
        },
      );
  }

  /** Whether the thread is still there (it may have died since ready()). */
  get running(): boolean {
    return !this.gone;
  }

  /** Resolves once the worker has opened the file and the commits' own checkpoints are off; rejects if it could not. */
  ready(): Promise<void> {
    return this.started;
  }

  /** Runs a round at once and resolves when it, and any switch it led to, is done (tests). */
  async checkpointNow(): Promise<CheckpointerStats> {
    await this.started;
    await new Promise<void>((resolve) => {
      this.pendingNow.push(resolve);
      this.worker.postMessage({ type: "now" });
    });
    await this.switching;
    return this.stats;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    // Without the thread the commits checkpoint again, should the connection stay open.
    this.switchTo(true);
    this.stopping = true;
    await this.switching;
    this.worker.postMessage({ type: "stop" });
    // The worker closes its connection and lets its thread end; terminate is the fallback.
    const timeout = setTimeout(() => void this.worker.terminate(), 2_000);
    await this.exited;
    clearTimeout(timeout);
  }
}
